"""Reference values for the TypeScript DSP and WAV tests, computed independently with numpy/soundfile.

Run from the repo root:  /usr/bin/python3 test-fixtures/make_dsp_golden.py
"""
import hashlib
import json
import os
import pathlib

import numpy as np
import soundfile as sf

DATA = pathlib.Path(os.environ.get("AUSCULT_DATA", "../shared/data"))
SPR = DATA / "sprsound-2022-train"
OUT = pathlib.Path("test-fixtures/golden/dsp.json")
N_FFT = 256
HOP = 64
EXCERPT = 1024  # samples of a real recording used for the spectrogram reference


def int16_sha256(x: np.ndarray) -> str:
    return hashlib.sha256(x.astype("<i2").tobytes()).hexdigest()


def stft_mag(x: np.ndarray) -> np.ndarray:
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    n_frames = 1 + (len(x) - N_FFT) // HOP
    frames = np.stack([x[f * HOP: f * HOP + N_FFT] * window for f in range(n_frames)])
    return np.abs(np.fft.rfft(frames, axis=1))


def main() -> None:
    recordings = {}
    for wav in sorted((SPR / "original-wav").glob("*.wav")):
        flac = SPR / "audio" / (wav.stem + ".flac")
        samples, rate = sf.read(flac, dtype="int16")
        recordings[wav.name] = {"frames": int(len(samples)), "sampleRate": rate, "int16Sha256": int16_sha256(samples)}

    first = sorted((SPR / "original-wav").glob("*.wav"))[0]
    x, rate = sf.read(SPR / "audio" / (first.stem + ".flac"), dtype="float64")
    excerpt = x[8000: 8000 + EXCERPT]
    mag = stft_mag(excerpt)
    golden = {
        "recordings": recordings,
        "spectrogram": {
            "source": first.name,
            "offset": 8000,
            "length": EXCERPT,
            "nFft": N_FFT,
            "hop": HOP,
            "nFrames": int(mag.shape[0]),
            "nBins": int(mag.shape[1]),
            "stft": [round(float(v), 7) for v in mag.ravel()],
            "logstft": [round(float(v), 6) for v in np.log(mag + 1e-10).ravel()],
        },
    }
    OUT.write_text(json.dumps(golden))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
