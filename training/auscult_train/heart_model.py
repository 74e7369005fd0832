"""The heart-sound model: helper-1's STFT-as-Conv1d features at 4 kHz + their ResNet/VGG (4 classes).

* ``HeartFeatures`` is ``features.Features`` (Conv1d Hann*cos / -Hann*sin, power, log(power + 1e-6),
  per-window mean/std normalisation) with the DFT bins chosen for the heart analysis rate (4000 Hz)
  instead of 8000 Hz, and two changes for numerical agreement between PyTorch and onnxruntime: the
  mean is subtracted in two passes (see forward), and the normalisation divides by std + NORM_EPS
  with NORM_EPS = 0.1 (features.py: 1e-5). Heart recordings have digitally silent stretches (e.g. the first seconds of
  artifact__201105040918); there every bin sits on the 1e-6 floor, the log map is flat to float32
  precision, and dividing its rounding noise by ~1e-5 made ONNX and PyTorch disagree by 1e-2. With
  0.1 (log-power std of real windows is 2-4) such windows give ~0 features and real ones change by
  a few %. Defaults: N_FFT 256 (64 ms, 15.6 Hz bins), HOP 40 (10 ms), 25-1000 Hz -> bins 2..64
  (63 bins); a 3 s window (12000 samples) gives 294 frames.
* The network is ``models.build_network`` (ResNet-18 or VGG-16-BN with a width multiplier),
  num_classes = 4 (artifact, extrahls, murmur, normal: labels.json heartClasses order).
* ``HeartExportModel``: waveform [B, 12000] -> (probs [B, 4], features [B, 1, F, T]).
"""
import torch
from torch import nn

from .features import Features
from .heart_data import ANALYSIS_RATE, CLASSES
from .models import build_network

N_FFT = 256
HOP = 40
FMIN = 25.0
FMAX = 1000.0
NORM_EPS = 0.1


class HeartFeatures(Features):
    """features.Features at the heart analysis rate, with a two-pass mean and a larger norm_eps."""

    def __init__(self, kind="logstft", fmin=FMIN, fmax=FMAX, n_fft=N_FFT, hop=HOP, sample_rate=ANALYSIS_RATE,
                 norm_eps=NORM_EPS, channel_norm=False):
        super().__init__(kind, fmin, fmax, n_fft, hop, sample_rate=sample_rate, norm_eps=norm_eps)
        self.channel_norm = channel_norm

    def forward(self, waveform):
        spec = self.spectrum(waveform).unsqueeze(1)    # [B, 1, F, T]
        if self.channel_norm:
            # Each bin's mean log power over the window removed: a stethoscope's frequency response
            # is a constant per bin, a murmur is not (it comes and goes with systole).
            spec = spec - spec.mean(dim=3, keepdim=True)
        centred = spec - spec.mean(dim=(2, 3), keepdim=True)
        # Second pass: float32 ReduceMean of ~18k values near -13.8 (onnxruntime sums sequentially) is
        # off by ~1e-3; the mean of the centred map removes that error.
        centred = centred - centred.mean(dim=(2, 3), keepdim=True)
        std = torch.sqrt((centred * centred).mean(dim=(2, 3), keepdim=True))
        return centred / (std + self.norm_eps)

    def describe(self):
        extra = {"channelNormalisation": "per-bin mean over time removed first"} if self.channel_norm else {}
        return {**super().describe(), "sampleRate": self.sample_rate, **extra}


class HeartClassifier(nn.Module):
    def __init__(self, arch="resnet18", width=0.25, feature="logstft", fmin=FMIN, fmax=FMAX, n_fft=N_FFT, hop=HOP,
                 num_classes=len(CLASSES), norm_eps=NORM_EPS, channel_norm=False):
        super().__init__()
        self.config = dict(arch=arch, width=width, feature=feature, fmin=fmin, fmax=fmax, n_fft=n_fft, hop=hop,
                           num_classes=num_classes, norm_eps=norm_eps, channel_norm=channel_norm)
        self.features = HeartFeatures(feature, fmin, fmax, n_fft, hop, norm_eps=norm_eps, channel_norm=channel_norm)
        self.net = build_network(arch, num_classes, width)

    def forward(self, waveform):
        return self.net(self.features(waveform))


class HeartExportModel(nn.Module):
    """waveform [B, 12000] -> (probs [B, 4], features [B, 1, F, T])."""

    def __init__(self, clf):
        super().__init__()
        self.features = clf.features
        self.net = clf.net

    def forward(self, waveform):
        feats = self.features(waveform)
        return torch.softmax(self.net(feats), dim=1), feats


def load_heart_checkpoint(path):
    ckpt = torch.load(path, map_location="cpu")
    model = HeartClassifier(**ckpt["config"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
