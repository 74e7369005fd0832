"""ResNet-18 and VGG-16 (BatchNorm) for 1-channel spectrograms, with a width multiplier, and the
classifier around them (features + network) that the event and heart models share.

Follows torchvision's resnet.py / vgg.py, changed only where stated:
* 1 input channel (the normalised spectrogram), ``num_classes`` outputs (7 event classes, 4 heart classes).
* ``width``: every channel count is ``round(base * width)`` (base 64..512). The shipped models use
  ResNet-18 width 0.25 (16-32-64-128) and VGG-16 width 0.125 (8-16-32-64-64) so that training fits
  a shared 2-core CPU in ~15 min and one 2.5 s event runs in a few ms in the browser; see
  training/cards/events.md.
* VGG-16: the 13 conv layers of config "D" with BatchNorm, then global average pooling and a small
  classifier (Dropout, Linear(C, C), ReLU, Dropout, Linear(C, num_classes)) instead of the
  4096-wide fully-connected layers.

``Classifier`` = features.Features + network -> logits (training); ``ExportModel`` = the same +
softmax: ``waveform`` [B, N] -> (``probs`` [B, num_classes], ``features`` [B, 1, F, T]); the
features output is the spectrogram the network saw (for display).
"""
from dataclasses import replace

import torch
from torch import nn
import torch.nn.functional as F

from .features import Features, strip_feature_constants


RESNET_BASES = (64, 128, 256, 512)


def _ch(base, width):
    return max(4, int(round(base * width)))


# ------------------------------------------------------------------------------------ ResNet-18

def conv3x3(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, layers=(2, 2, 2, 2), num_classes=7, width=0.25, in_channels=1, dropout=0.2):
        super().__init__()
        widths = [_ch(b, width) for b in RESNET_BASES]
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(in_channels, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(widths[0], layers[0])
        self.layer2 = self._make_layer(widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(widths[3], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        for m in self.modules():  # zero-init the last BN of each residual branch
            if isinstance(m, BasicBlock):
                nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(self.dropout(x))


def resnet18(num_classes=7, width=0.25):
    return ResNet((2, 2, 2, 2), num_classes=num_classes, width=width)


# ------------------------------------------------------------------------------------ VGG-16

class CeilMaxPool2d(nn.Module):
    """2x2 / stride-2 max pooling that keeps a trailing odd row or column, i.e. nn.MaxPool2d(2, 2,
    ceil_mode=True), written as zero padding + floor-mode pooling because onnxruntime-web's WebGPU
    backend has no ceil_mode. Exact here: it always follows a ReLU, so a padded zero never exceeds the
    real values in its window. No parameters, so checkpoints of either form load into the other."""

    def forward(self, x):
        ph, pw = int(x.shape[2]) % 2, int(x.shape[3]) % 2
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph))
        return F.max_pool2d(x, kernel_size=2, stride=2)


CFG_D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class VGG(nn.Module):
    def __init__(self, cfg=CFG_D, num_classes=7, width=0.25, in_channels=1, dropout=0.3):
        super().__init__()
        layers, c = [], in_channels
        for v in cfg:
            if v == "M":
                layers.append(CeilMaxPool2d())
            else:
                w = _ch(v, width)
                layers += [nn.Conv2d(c, w, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True)]
                c = w
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(c, c), nn.ReLU(inplace=True),
                                        nn.Dropout(dropout), nn.Linear(c, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def vgg16(num_classes=7, width=0.25):
    return VGG(CFG_D, num_classes=num_classes, width=width)


ARCHS = {"resnet18": resnet18, "vgg16": vgg16}
ARCH_NAMES = {"resnet18": "ResNet-18", "vgg16": "VGG-16 (BN, GAP head)"}
CHANNEL_BASES = {"resnet18": RESNET_BASES, "vgg16": (64, 128, 256, 512, 512)}  # per stage


def build_network(arch, num_classes=7, width=0.25):
    return ARCHS[arch](num_classes=num_classes, width=width)


def describe_architecture(arch, width):
    """e.g. 'ResNet-18 (width 0.25: 16-32-64-128 channels)', as in the manifest."""
    return f"{ARCH_NAMES[arch]} (width {width}: {'-'.join(str(_ch(b, width)) for b in CHANNEL_BASES[arch])} channels)"


class Classifier(nn.Module):
    """features + network: waveform [B, N] -> logits [B, num_classes] (the training-time module).

    ``spec``: the model family's features.FeatureSpec; ``fmin`` / ``fmax`` override its band."""

    def __init__(self, spec, arch="resnet18", width=0.25, num_classes=7, fmin=None, fmax=None):
        super().__init__()
        spec = replace(spec, fmin=spec.fmin if fmin is None else fmin, fmax=spec.fmax if fmax is None else fmax)
        self.config = dict(arch=arch, fmin=spec.fmin, fmax=spec.fmax, width=width, num_classes=num_classes)
        self.features = Features(spec)
        self.net = build_network(arch, num_classes, width)

    def forward(self, waveform):
        return self.net(self.features(waveform))


def load_classifier(path, spec):
    """(Classifier in eval mode, checkpoint dict) from a train.py / heart_train.py checkpoint."""
    ckpt = torch.load(path, map_location="cpu")
    model = Classifier(spec, **strip_feature_constants(ckpt["config"], spec))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt


class ExportModel(nn.Module):
    """waveform [B, N] float32 -> (probs [B, num_classes], features [B, 1, F, T]).

    With ``others`` (classifiers on the same feature front end) one graph holds the ensemble: probs
    is the mean of every network's probabilities, the features are computed once."""

    def __init__(self, classifier, *others):
        super().__init__()
        for o in others:
            if o.features.describe() != classifier.features.describe():
                raise ValueError("an ensemble in one graph needs one feature front end")
        self.features = classifier.features
        self.net = classifier.net
        self.others = nn.ModuleList(o.net for o in others)

    def forward(self, waveform):
        feats = self.features(waveform)
        probs = torch.softmax(self.net(feats), dim=1)
        for net in self.others:
            probs = probs + torch.softmax(net(feats), dim=1)
        return probs / (1 + len(self.others)), feats


def count_params(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
