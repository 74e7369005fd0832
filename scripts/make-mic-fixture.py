#!/usr/bin/env python3
"""Makes the fake-microphone fixture for the recording e2e test: 2.5 s of a real SPRSound
recording (attribution: Zhang Q. et al., SPRSound, IEEE TBioCAS 2022), resampled 8 kHz -> 48 kHz,
16-bit mono WAV. Chromium loops it as the fake capture device.
Run from the repo root: python3 scripts/make-mic-fixture.py [path/to/sprsound-2022-train]
"""
import sys
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

data = Path(sys.argv[1] if len(sys.argv) > 1 else '../shared/data/sprsound-2022-train')
src = data / 'original-wav' / '41251473_2.7_1_p1_2489.wav'
raw = src.read_bytes()
# SPRSound headers are malformed (block_align 4); the PCM data starts right after the 44-byte header.
x = np.frombuffer(raw[44:], dtype='<i2').astype(np.float64) / 32768
x = x[int(2.6 * 8000):int(5.1 * 8000)]  # a wheeze and a normal breath
y = resample_poly(x, 6, 1)
y = np.clip(y / max(1e-9, np.abs(y).max()) * 0.8, -1, 1)
out = Path('test-fixtures/mic/sprsound-wheeze-48k.wav')
out.parent.mkdir(parents=True, exist_ok=True)
with wave.open(str(out), 'wb') as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(48000)
    w.writeframes((y * 32767).astype('<i2').tobytes())
print(out, out.stat().st_size, 'bytes')
