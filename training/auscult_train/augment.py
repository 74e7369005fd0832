"""Recording-condition augmentation: what changes when the same chest is heard through another
stethoscope, in another room, on another day.

The external test recordings differ from the training ones in their conditions, not only in their
patients (the models called 24 % of the normal events of normal external records adventitious), so
training clips are passed through a random "device and room" before the features:

* **Device response**: a smooth random gain curve over frequency — a tilt of up to
  ±TILT_DB_PER_OCTAVE around TILT_PIVOT_HZ, one peaking resonance of up to ±PEAK_DB between
  PEAK_HZ, and with probability BAND_LIMIT_P a high-pass corner in HIGHPASS_HZ and a low-pass corner
  in LOWPASS_HZ (second-order magnitude responses).
* **Room / body background**: a random stretch of another training recording added at
  BACKGROUND_SNR_DB (probability BACKGROUND_P).
* **Rate**: a small resampling by a factor in STRETCH (probability STRETCH_P), i.e. a slightly
  faster or slower breath with its pitch moved by the same few percent.

Every function takes and returns float32 clips [B, N] and draws only from the given generator.
"""
import numpy as np

SAMPLE_RATE = 8000
TILT_DB_PER_OCTAVE = 4.0
TILT_PIVOT_HZ = 400.0
PEAK_DB = 8.0
PEAK_HZ = (80.0, 2000.0)
PEAK_OCTAVES = (0.5, 2.0)
BAND_LIMIT_P = 0.5
HIGHPASS_HZ = (20.0, 200.0)
LOWPASS_HZ = (1000.0, 3800.0)
BACKGROUND_P = 0.5
BACKGROUND_SNR_DB = (5.0, 25.0)
STRETCH_P = 0.5
STRETCH = (0.92, 1.08)


def device_gain(freqs, rng):
    """A random device's magnitude response |H(f)| at ``freqs`` (Hz) [F]."""
    f = np.maximum(freqs, 1.0)
    octaves = np.log2(f / TILT_PIVOT_HZ)
    db = rng.uniform(-TILT_DB_PER_OCTAVE, TILT_DB_PER_OCTAVE) * octaves
    centre = np.exp(rng.uniform(np.log(PEAK_HZ[0]), np.log(PEAK_HZ[1])))
    width = rng.uniform(*PEAK_OCTAVES)
    db += rng.uniform(-PEAK_DB, PEAK_DB) * np.exp(-0.5 * (np.log2(f / centre) / (width / 2)) ** 2)
    gain = 10 ** (db / 20)
    if rng.random() < BAND_LIMIT_P:
        hp = rng.uniform(*HIGHPASS_HZ)
        lp = rng.uniform(*LOWPASS_HZ)
        gain = gain * (f / hp) ** 2 / np.sqrt(1 + (f / hp) ** 4)
        gain = gain / np.sqrt(1 + (f / lp) ** 4)
    return gain


def apply_device(x, rng):
    """Each clip of x [B, N] through its own random device response (zero-phase, via the FFT)."""
    n = x.shape[1]
    spec = np.fft.rfft(x, axis=1)
    freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
    gains = np.stack([device_gain(freqs, rng) for _ in range(len(x))])
    return np.fft.irfft(spec * gains, n=n, axis=1).astype(np.float32)


def add_background(x, backgrounds, rng):
    """Adds, to a random half of the clips, a stretch of ``backgrounds`` [M, N] at a random SNR."""
    out = x.copy()
    for j in np.flatnonzero(rng.random(len(x)) < BACKGROUND_P):
        bg = backgrounds[rng.integers(len(backgrounds))]
        rms_x = np.sqrt((x[j] ** 2).mean()) + 1e-8
        rms_b = np.sqrt((bg ** 2).mean()) + 1e-8
        snr = rng.uniform(*BACKGROUND_SNR_DB)
        out[j] += bg * (rms_x / rms_b / 10 ** (snr / 20))
    return out


def stretch(x, rng):
    """Resamples a random half of the clips by a factor in STRETCH, reading circularly (linear interp)."""
    out = x.copy()
    n = x.shape[1]
    for j in np.flatnonzero(rng.random(len(x)) < STRETCH_P):
        pos = (np.arange(n) * rng.uniform(*STRETCH)) % n
        i0 = np.floor(pos).astype(int)
        frac = (pos - i0).astype(np.float32)
        out[j] = x[j, i0] * (1 - frac) + x[j, (i0 + 1) % n] * frac
    return out


def recording_conditions(x, backgrounds, rng):
    """Rate, then background, then device: [B, N] float32 -> [B, N] float32."""
    return apply_device(add_background(stretch(x, rng), backgrounds, rng), rng)
