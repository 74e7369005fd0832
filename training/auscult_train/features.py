"""The feature front end of every model: waveform [B, N] -> normalised log-STFT [B, 1, F, T].

It is the first part of each exported ONNX graph, in plain tensor ops (Conv, Mul, Add, Log,
ReduceMean, Sub, Sqrt, Div, Unsqueeze) that onnxruntime-web's WebGPU and WASM backends run; no
torch.stft.

* STFT = two fixed-weight Conv1d (real part: Hann * cos, imaginary part: -Hann * sin), kernel
  ``n_fft``, stride ``hop``, no padding: T = (N - n_fft) // hop + 1 frames.
* Band-pass = only the DFT bins k with fmin <= k * sample_rate / n_fft <= fmax get a kernel
  (identical to computing every bin and keeping that range).
* log(re^2 + im^2 + LOG_EPS).
* Per-clip normalisation: (x - mean) / (std + norm_eps), population mean and std over the whole
  [F, T] map of each clip, so the input gain does not matter. ``normalisation`` says how the means
  are taken; all three are the same function in exact arithmetic and differ in float32 rounding,
  which matters where onnxruntime's ReduceMean (a sequential float32 sum) must agree with PyTorch:
    ONE_PASS             one mean over [F, T] (event classifiers: 2.5 s clips, 40 x 309 values);
    FREQUENCY_THEN_TIME  the mean over F, then the mean of those over T (detector: over a 15 s
                         recording, 63 x 1917 values, one ReduceMean is off by 1.5e-3);
    TWO_PASS             one mean over [F, T], then the mean of the centred map subtracted again
                         (heart model: digitally silent windows sit on the LOG_EPS floor, where a
                         ReduceMean of ~18k values near -13.8 is off by ~1e-3).
  The heart model also divides by std + 0.1 instead of std + 1e-5: in a silent window the map is
  flat to float32 precision, and dividing its rounding noise by ~1e-5 made ONNX and PyTorch disagree
  by 1e-2 in probability; with 0.1 (real windows' log-power std is 2-4) such windows give ~0.

Each model family's parameters are one ``FeatureSpec`` below (EVENT_FEATURES, DETECTOR_FEATURES,
HEART_FEATURES); their ``describe()`` is the manifest's ``feature`` block.
"""
import math
from dataclasses import dataclass, replace

import torch
from torch import nn

from .data import SAMPLE_RATE
from .heart_data import ANALYSIS_RATE

FEATURE_TYPE = "logstft"
WINDOW = "hann (periodic)"
LOG_EPS = 1e-6         # floor added to the power before the log

ONE_PASS = "one-pass"
FREQUENCY_THEN_TIME = "frequency-then-time"
TWO_PASS = "two-pass"
NORMALISATION_NAMES = {  # as the manifest states them
    ONE_PASS: "per-clip mean/std",
    FREQUENCY_THEN_TIME: "per-clip mean/std (mean over frequency, then over time)",
    TWO_PASS: "per-clip mean/std",
}


@dataclass(frozen=True)
class FeatureSpec:
    sample_rate: int     # Hz
    n_fft: int           # STFT window and DFT length, samples
    hop: int             # STFT hop, samples
    fmin: float          # Hz, lowest bin centre kept (None: from 0 Hz)
    fmax: float          # Hz, highest bin centre kept (None: up to Nyquist)
    normalisation: str   # ONE_PASS | FREQUENCY_THEN_TIME | TWO_PASS
    norm_eps: float      # added to the per-clip std


# Event classifiers (SPRSound, 8 kHz): 32 ms windows, 31.25 Hz bins, 8 ms hop (crackles are short
# transients); 60-1300 Hz -> bins 2..41 (F = 40); a 20000-sample clip gives T = 309.
EVENT_FEATURES = FeatureSpec(SAMPLE_RATE, n_fft=256, hop=64, fmin=60.0, fmax=1300.0,
                             normalisation=ONE_PASS, norm_eps=1e-5)
# Detector (SPRSound, whole recordings): the event STFT up to 2 kHz, where crackle energy still is
# -> bins 2..64 (F = 63).
DETECTOR_FEATURES = replace(EVENT_FEATURES, fmax=2000.0, normalisation=FREQUENCY_THEN_TIME)
# Heart model (4 kHz): 64 ms windows, 15.6 Hz bins, 10 ms hop; 25-1000 Hz -> bins 2..64 (F = 63);
# a 12000-sample window gives T = 294.
HEART_FEATURES = FeatureSpec(ANALYSIS_RATE, n_fft=256, hop=40, fmin=25.0, fmax=1000.0,
                             normalisation=TWO_PASS, norm_eps=0.1)


def band_bins(spec):
    """Indices of the one-sided DFT bins whose centre frequency lies in [fmin, fmax]."""
    fmin = 0.0 if spec.fmin is None else spec.fmin
    fmax = spec.sample_rate / 2 if spec.fmax is None else spec.fmax
    return [k for k in range(spec.n_fft // 2 + 1) if fmin <= k * spec.sample_rate / spec.n_fft <= fmax]


def num_frames(n_samples, spec):
    """STFT frames T of an n-sample input."""
    return (n_samples - spec.n_fft) // spec.hop + 1


class Features(nn.Module):
    """waveform [B, N] -> features [B, 1, F, T] (F = number of bins in [fmin, fmax])."""

    def __init__(self, spec):
        super().__init__()
        if spec.normalisation not in NORMALISATION_NAMES:
            raise ValueError(f"normalisation {spec.normalisation!r} not in {tuple(NORMALISATION_NAMES)}")
        self.spec = spec
        self.bins = band_bins(spec)
        n = torch.arange(spec.n_fft, dtype=torch.float64)
        window = 0.5 - 0.5 * torch.cos(2 * math.pi * n / spec.n_fft)  # periodic Hann, as torch.hann_window
        k = torch.tensor(self.bins, dtype=torch.float64)[:, None]
        phase = 2 * math.pi * k * n[None, :] / spec.n_fft
        self.real = nn.Conv1d(1, len(self.bins), spec.n_fft, stride=spec.hop, bias=False)
        self.imag = nn.Conv1d(1, len(self.bins), spec.n_fft, stride=spec.hop, bias=False)
        self.real.weight.data.copy_((window * torch.cos(phase)).float()[:, None, :])
        self.imag.weight.data.copy_((-window * torch.sin(phase)).float()[:, None, :])
        for p in self.parameters():
            p.requires_grad_(False)

    @property
    def num_bins(self):
        return len(self.bins)

    def spectrum(self, waveform):
        """waveform [B, N] -> log power [B, F, T], before normalisation."""
        x = waveform.unsqueeze(1)                      # [B, 1, N]
        re, im = self.real(x), self.imag(x)            # [B, F, T]
        return torch.log(re * re + im * im + LOG_EPS)

    def _mean(self, x):
        """[B, 1, F, T] -> per-clip mean [B, 1, 1, 1]."""
        if self.spec.normalisation == FREQUENCY_THEN_TIME:
            return x.mean(dim=2, keepdim=True).mean(dim=3, keepdim=True)
        return x.mean(dim=(2, 3), keepdim=True)

    def normalise(self, spectrum):
        """log power [B, F, T] -> normalised features [B, 1, F, T].

        Applied to a crop of a longer spectrum it gives the features of the matching crop of the
        waveform (what the detector's training does with its cached spectrograms)."""
        x = spectrum.unsqueeze(1)
        centred = x - self._mean(x)
        if self.spec.normalisation == TWO_PASS:
            centred = centred - self._mean(centred)
        std = torch.sqrt(self._mean(centred * centred))
        return centred / (std + self.spec.norm_eps)

    def forward(self, waveform):
        return self.normalise(self.spectrum(waveform))

    def describe(self):
        s = self.spec
        return {"type": FEATURE_TYPE, "nFft": s.n_fft, "hop": s.hop, "window": WINDOW,
                "fMin": s.fmin, "fMax": s.fmax, "bins": [self.bins[0], self.bins[-1]],
                "numBins": self.num_bins, "logEps": LOG_EPS, "normEps": s.norm_eps,
                "normalisation": NORMALISATION_NAMES[s.normalisation]}


def strip_feature_constants(config, spec, band=False):
    """A checkpoint's network config without the feature constants some checkpoints also record
    (``feature``, ``n_fft``, ``hop``, ``norm_eps``, ``channel_norm``, and with ``band`` ``fmin`` /
    ``fmax``); each recorded one must be what ``spec`` computes, or the weights were trained on other
    features."""
    expected = {"feature": FEATURE_TYPE, "n_fft": spec.n_fft, "hop": spec.hop, "norm_eps": spec.norm_eps,
                "channel_norm": False, **({"fmin": spec.fmin, "fmax": spec.fmax} if band else {})}
    rest = dict(config)
    for key, value in expected.items():
        if key in rest and rest.pop(key) != value:
            raise ValueError(f"checkpoint trained with {key}={config[key]!r}; this code computes {key}={value!r}")
    return rest
