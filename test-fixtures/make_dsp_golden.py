"""Reference values for the TypeScript DSP and WAV tests, computed independently with numpy/soundfile.

    /usr/bin/python3 test-fixtures/make_dsp_golden.py      (reads $AUSCULT_DATA/sprsound-2022-train)

The spectrogram reference uses the SPRSound models' STFT size and hop (training features.py).
"""
import hashlib
import json
import pathlib
import sys

import numpy as np
import soundfile as sf

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
from training.auscult_train.datasets import SPRSOUND, SPRSOUND_ORIGINAL_WAV  # noqa: E402
from training.auscult_train.features import EVENT_FEATURES  # noqa: E402

OUT = REPO_ROOT / "test-fixtures" / "golden" / "dsp.json"
N_FFT = EVENT_FEATURES.n_fft
HOP = EVENT_FEATURES.hop
EXCERPT = 1024  # samples of a real recording used for the spectrogram reference
LOG_FLOOR = 1e-10  # added to the magnitude before the log, as src/dsp/spectrogram.ts does


def int16_sha256(x: np.ndarray) -> str:
    return hashlib.sha256(x.astype("<i2").tobytes()).hexdigest()


def stft_mag(x: np.ndarray) -> np.ndarray:
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    n_frames = 1 + (len(x) - N_FFT) // HOP
    frames = np.stack([x[f * HOP: f * HOP + N_FFT] * window for f in range(n_frames)])
    return np.abs(np.fft.rfft(frames, axis=1))


def main() -> None:
    spr = pathlib.Path(SPRSOUND.require())
    SPRSOUND_ORIGINAL_WAV.require()
    recordings = {}
    for wav in sorted((spr / "original-wav").glob("*.wav")):
        flac = spr / "audio" / (wav.stem + ".flac")
        samples, rate = sf.read(flac, dtype="int16")
        recordings[wav.name] = {"frames": int(len(samples)), "sampleRate": rate, "int16Sha256": int16_sha256(samples)}

    first = sorted((spr / "original-wav").glob("*.wav"))[0]
    x, rate = sf.read(spr / "audio" / (first.stem + ".flac"), dtype="float64")
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
            "logstft": [round(float(v), 6) for v in np.log(mag + LOG_FLOOR).ravel()],
        },
    }
    OUT.write_text(json.dumps(golden))
    print(f"wrote {OUT.relative_to(REPO_ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
