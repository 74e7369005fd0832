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
The device ranges are a ``DeviceRanges``: LUNG (the defaults, 8 kHz event clips) or HEART (4 kHz heart
windows: resonances and corners where heart sounds and murmurs lie, and low-pass corners down to
400 Hz, as in stethoscopes recorded at 2 kHz or with a strong bell filter).
"""
from dataclasses import dataclass

import numpy as np

from .heart_data import ANALYSIS_RATE as HEART_RATE

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


@dataclass(frozen=True)
class DeviceRanges:
    """Where a random device response is drawn from (see ``device_gain``)."""
    sample_rate: int
    tilt_db_per_octave: float
    tilt_pivot_hz: float
    peak_db: float
    peak_hz: tuple
    peak_octaves: tuple
    band_limit_p: float
    highpass_hz: tuple
    lowpass_hz: tuple


LUNG = DeviceRanges(SAMPLE_RATE, TILT_DB_PER_OCTAVE, TILT_PIVOT_HZ, PEAK_DB, PEAK_HZ, PEAK_OCTAVES,
                    BAND_LIMIT_P, HIGHPASS_HZ, LOWPASS_HZ)
HEART = DeviceRanges(HEART_RATE, tilt_db_per_octave=4.0, tilt_pivot_hz=150.0, peak_db=8.0, peak_hz=(40.0, 800.0),
                     peak_octaves=(0.5, 2.0), band_limit_p=0.5, highpass_hz=(20.0, 120.0),
                     lowpass_hz=(400.0, 1000.0))


def device_gain(freqs, rng, ranges=LUNG):
    """A random device's magnitude response |H(f)| at ``freqs`` (Hz) [F]."""
    r = ranges
    f = np.maximum(freqs, 1.0)
    octaves = np.log2(f / r.tilt_pivot_hz)
    db = rng.uniform(-r.tilt_db_per_octave, r.tilt_db_per_octave) * octaves
    centre = np.exp(rng.uniform(np.log(r.peak_hz[0]), np.log(r.peak_hz[1])))
    width = rng.uniform(*r.peak_octaves)
    db += rng.uniform(-r.peak_db, r.peak_db) * np.exp(-0.5 * (np.log2(f / centre) / (width / 2)) ** 2)
    gain = 10 ** (db / 20)
    if rng.random() < r.band_limit_p:
        hp = rng.uniform(*r.highpass_hz)
        lp = rng.uniform(*r.lowpass_hz)
        gain = gain * (f / hp) ** 2 / np.sqrt(1 + (f / hp) ** 4)
        gain = gain / np.sqrt(1 + (f / lp) ** 4)
    return gain


def apply_device(x, rng, ranges=LUNG):
    """Each clip of x [B, N] at ``ranges.sample_rate`` through its own random device response
    (zero-phase, via the FFT)."""
    n = x.shape[1]
    spec = np.fft.rfft(x, axis=1)
    freqs = np.fft.rfftfreq(n, 1.0 / ranges.sample_rate)
    gains = np.stack([device_gain(freqs, rng, ranges) for _ in range(len(x))])
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
