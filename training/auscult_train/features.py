"""The one feature definition: waveform [B, N] at 8 kHz -> normalised (log-)STFT [B, 1, F, T].

Everything is plain ONNX-friendly tensor ops (Conv, Mul, Add, Sqrt, Log, ReduceMean, Sub, Div,
Unsqueeze) so that onnxruntime-web's WebGPU and WASM backends run it; no torch.stft in the graph.

* STFT = two fixed-weight Conv1d (real part: Hann * cos, imaginary part: -Hann * sin), kernel
  N_FFT, stride HOP, no padding: T = (N - N_FFT) // HOP + 1 frames (309 for a 20000-sample clip).
* Band-pass = only the DFT bins k with FMIN <= k * SAMPLE_RATE / N_FFT <= FMAX get a kernel
  (identical to computing all bins and selecting that frequency range).
* power = re^2 + im^2; "logstft": log(power + LOG_EPS); "stft": sqrt(power + LOG_EPS) (magnitude).
* Per-clip normalisation: x = (x - mean(x)) / (std(x) + NORM_EPS), mean/std (population) over the
  whole [F, T] map of that clip, so the input gain does not matter.
"""
import math

import torch
from torch import nn

SAMPLE_RATE = 8000     # Hz
N_FFT = 256            # 32 ms window, 31.25 Hz bins
HOP = 64               # 8 ms hop (crackles are short transients)
LOG_EPS = 1e-6         # floor added to the power before log / sqrt
NORM_EPS = 1e-5        # added to the per-clip std
DEFAULT_FMIN = 60.0    # Hz, band-pass used by the shipped models (seed project: 60-1300 Hz)
DEFAULT_FMAX = 1300.0  # Hz
FEATURE_TYPES = ("logstft", "stft")


def band_bins(fmin=None, fmax=None, n_fft=N_FFT, sample_rate=SAMPLE_RATE):
    """Indices of the one-sided DFT bins whose centre frequency lies in [fmin, fmax]."""
    fmin = 0.0 if fmin is None else fmin
    fmax = sample_rate / 2 if fmax is None else fmax
    return [k for k in range(n_fft // 2 + 1) if fmin <= k * sample_rate / n_fft <= fmax]


def num_frames(n_samples, n_fft=N_FFT, hop=HOP):
    return (n_samples - n_fft) // hop + 1


class Features(nn.Module):
    """waveform [B, N] -> features [B, 1, F, T] (F = number of bins in [fmin, fmax])."""

    def __init__(self, kind="logstft", fmin=DEFAULT_FMIN, fmax=DEFAULT_FMAX, n_fft=N_FFT, hop=HOP,
                 sample_rate=SAMPLE_RATE, norm_eps=NORM_EPS):
        super().__init__()
        if kind not in FEATURE_TYPES:
            raise ValueError(f"feature type {kind!r} not in {FEATURE_TYPES}")
        self.kind, self.fmin, self.fmax, self.n_fft, self.hop = kind, fmin, fmax, n_fft, hop
        self.sample_rate, self.norm_eps = sample_rate, norm_eps
        self.bins = band_bins(fmin, fmax, n_fft, sample_rate)
        n = torch.arange(n_fft, dtype=torch.float64)
        window = 0.5 - 0.5 * torch.cos(2 * math.pi * n / n_fft)  # periodic Hann, as torch.hann_window
        k = torch.tensor(self.bins, dtype=torch.float64)[:, None]
        phase = 2 * math.pi * k * n[None, :] / n_fft
        self.real = nn.Conv1d(1, len(self.bins), n_fft, stride=hop, bias=False)
        self.imag = nn.Conv1d(1, len(self.bins), n_fft, stride=hop, bias=False)
        self.real.weight.data.copy_((window * torch.cos(phase)).float()[:, None, :])
        self.imag.weight.data.copy_((-window * torch.sin(phase)).float()[:, None, :])
        for p in self.parameters():
            p.requires_grad_(False)

    @property
    def num_bins(self):
        return len(self.bins)

    def spectrum(self, waveform):
        """waveform [B, N] -> log-power or magnitude [B, F, T], before normalisation."""
        x = waveform.unsqueeze(1)                      # [B, 1, N]
        re, im = self.real(x), self.imag(x)            # [B, F, T]
        power = re * re + im * im
        if self.kind == "logstft":
            return torch.log(power + LOG_EPS)
        return torch.sqrt(power + LOG_EPS)

    def forward(self, waveform):
        spec = self.spectrum(waveform).unsqueeze(1)    # [B, 1, F, T]
        mean = spec.mean(dim=(2, 3), keepdim=True)
        centred = spec - mean
        std = torch.sqrt((centred * centred).mean(dim=(2, 3), keepdim=True))
        return centred / (std + self.norm_eps)

    def describe(self):
        return {"type": self.kind, "nFft": self.n_fft, "hop": self.hop, "window": "hann (periodic)",
                "fMin": self.fmin, "fMax": self.fmax, "bins": [self.bins[0], self.bins[-1]],
                "numBins": self.num_bins, "logEps": LOG_EPS, "normEps": self.norm_eps,
                "normalisation": "per-clip mean/std"}
