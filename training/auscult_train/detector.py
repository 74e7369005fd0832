"""Sound-event detector over whole recordings: frame activity + frame classes + record class.

    waveform [1, N] float32 at 8 kHz (N dynamic)
      -> features.Features(DETECTOR_FEATURES): log-STFT 60-2000 Hz, 8 ms hop              [1, 1, 63, T]
      -> frequency bins as channels: Conv1d(63->64, k4, stride 2) + BN + ReLU,
         Conv1d(64->64, k4, stride 2) + BN + ReLU, Conv1x1 -> H + BN + ReLU               [1, H, T/4]
      -> residual dilated temporal convs (kernel 3; the shipped model: dilations 1, 2, 4, 8, 16, 32,
         1, 2, 4, 8, receptive field ~5 s)
      -> heads: ``activity``   [1, T/4]     sigmoid, P(frame lies inside an annotated event)
                ``classProbs`` [1, T/4, 7]  softmax over the event classes (labels.json order)
                ``recordProbs`` [1, 5]      softmax over the record classes, attention pooling over time

Only Conv / BatchNorm (folded) / ReLU / Sigmoid / Softmax / ReduceSum / ReduceMax / Mul / Concat /
Gemm ops: no GRU/LSTM, so onnxruntime-web's WebGPU backend runs the whole graph. A 2-D conv front
end (3 x Conv3x3 + MaxPool) was tried first: ~3x slower to train on the 2 shared CPU cores for the
same temporal stack, so frequency is treated as channels.

Frame timing (32 ms frames): STFT frame j covers samples [64 j, 64 j + 256); output frame i pools
STFT frames 4i .. 4i+3 (receptive field of the two stride-2 convs: 4i-3 .. 4i+6, centred on
4i+1.5, the centre of 4i .. 4i+3), i.e. it stands for [32 i + 12, 32 i + 44) ms (centre 32 i + 28 ms).
T/4 = floor(floor(T / 2) / 2) = floor(T / 4) with T = (N - 256) // 64 + 1.

Why log-STFT 60-2000 Hz for detection: respiratory-phase boundaries are seen in the breath
flow noise (~100-1000 Hz) whose level changes by tens of dB between phases -> the log keeps
quiet onsets visible (the magnitude "stft" is dominated by the loudest frames); crackle energy
reaches ~2 kHz (above the classifiers' 1300 Hz cut), while < 60 Hz is mostly handling noise
and heart sounds. 63 bins keep the front end cheap.
"""
import json

import numpy as np
import torch
from torch import nn

from . import data
from .features import DETECTOR_FEATURES, Features, num_frames, strip_feature_constants

POOL = 4                               # STFT frames per output frame
FRAME_HOP_SAMPLES = DETECTOR_FEATURES.hop * POOL                # 256 samples
FRAME_HOP_MS = FRAME_HOP_SAMPLES * 1000 // data.SAMPLE_RATE     # 32
FRAME_OFFSET_MS = 12                   # output frame i spans [32 i + 12, 32 i + 44) ms
FRAME_CENTRE_MS = FRAME_OFFSET_MS + FRAME_HOP_MS // 2           # 28
MIN_SAMPLES = DETECTOR_FEATURES.n_fft + (POOL - 1) * DETECTOR_FEATURES.hop   # 448: at least one output frame

EVENT_CLASSES = list(data.CLASSES)
TONAL_KERNEL = (5, 3)                  # frequency bins (31 Hz each) x output frames (32 ms each)


def load_record_classes(path=data.LABELS_JSON):
    with open(path) as f:
        return [c["name"] for c in json.load(f)["recordClasses"]]


def load_event_groups(path=data.LABELS_JSON):
    with open(path) as f:
        return {c["name"]: c["group"] for c in json.load(f)["eventClasses"]}


RECORD_CLASSES = load_record_classes()
RECORD_INDEX = {n: i for i, n in enumerate(RECORD_CLASSES)}
EVENT_GROUPS = load_event_groups()
NORMAL, POOR_QUALITY = "Normal", "Poor Quality"


def num_output_frames(n_samples):
    return max(0, num_frames(n_samples, DETECTOR_FEATURES) // POOL)


def frame_span_ms(i):
    return FRAME_OFFSET_MS + FRAME_HOP_MS * i, FRAME_OFFSET_MS + FRAME_HOP_MS * (i + 1)


class TemporalBlock(nn.Module):
    def __init__(self, ch, dilation, dropout):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn = nn.BatchNorm1d(ch)
        self.relu = nn.ReLU(inplace=True)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return x + self.drop(self.relu(self.bn(self.conv(x))))


class Detector(nn.Module):
    """waveform [B, N] -> (activity logits [B, T'], class logits [B, 7, T'], record logits [B, 5])."""

    def __init__(self, channels=(64, 64), hidden=48, dilations=(1, 2, 4, 8, 16, 32), dropout=0.1,
                 n_event=None, n_record=None, tonal=0, tonal_kernel=TONAL_KERNEL):
        super().__init__()
        n_event = n_event or len(EVENT_CLASSES)
        n_record = n_record or len(RECORD_CLASSES)
        self.config = dict(channels=list(channels), hidden=hidden, dilations=list(dilations), dropout=dropout,
                           n_event=n_event, n_record=n_record)
        if tonal:
            self.config["tonal"] = tonal
            if tuple(tonal_kernel) != TONAL_KERNEL:
                self.config["tonal_kernel"] = list(tonal_kernel)
        self.features = Features(DETECTOR_FEATURES)
        c1, c2 = channels
        # Optional tonal branch: a wheeze is a narrow ridge at any frequency, which a linear mix of the
        # bins (the front's first conv) finds only at the frequencies it was trained on. A small 2-D conv
        # (TONAL_KERNEL bins x output frames) on the log-STFT averaged over each output frame's 4 STFT
        # frames, maxed over frequency, gives ``tonal`` shift-invariant ridge channels per output frame,
        # added to the front's output through a 1x1 conv.
        self.tonal = self.tonal_proj = None
        if tonal:
            kf, kt = tonal_kernel
            self.tonal = nn.Sequential(nn.Conv2d(1, tonal, (kf, kt), padding=(kf // 2, kt // 2), bias=False),
                                       nn.BatchNorm2d(tonal), nn.ReLU(inplace=True))
            self.tonal_proj = nn.Conv1d(tonal, hidden, 1)
        self.front = nn.Sequential(
            nn.Conv1d(self.features.num_bins, c1, 4, stride=2, padding=1, bias=False), nn.BatchNorm1d(c1), nn.ReLU(inplace=True),
            nn.Conv1d(c1, c2, 4, stride=2, padding=1, bias=False), nn.BatchNorm1d(c2), nn.ReLU(inplace=True),
            nn.Conv1d(c2, hidden, 1, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True))
        self.temporal = nn.Sequential(*[TemporalBlock(hidden, d, dropout) for d in dilations])
        self.act_head = nn.Conv1d(hidden, 1, 1)
        self.cls_head = nn.Conv1d(hidden, n_event, 1)
        self.att_head = nn.Conv1d(hidden, 1, 1)
        self.rec_head = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, n_record))
        for head in (self.act_head, self.cls_head, self.att_head, self.rec_head[1]):
            nn.init.normal_(head.weight, 0, 0.01)
            nn.init.zeros_(head.bias)

    def trunk(self, feats):
        h = self.front(feats[:, 0])                      # [B, 1, F, T] -> [B, H, T' = floor(floor(T/2)/2)]
        if self.tonal is not None:
            pooled = nn.functional.avg_pool2d(feats, (1, POOL))          # [B, 1, F, T'] (frames 4i .. 4i+3)
            h = h + self.tonal_proj(self.tonal(pooled).amax(2))          # [B, tonal, T'] -> [B, H, T']
        return self.temporal(h)

    def heads(self, h):
        act = self.act_head(h)[:, 0]                # [B, T']
        cls = self.cls_head(h)                      # [B, 7, T']
        att = torch.softmax(self.att_head(h), dim=2)  # [B, 1, T']
        pooled = torch.cat([(att * h).sum(2), h.amax(2)], dim=1)
        return act, cls, self.rec_head(pooled)

    def forward(self, waveform):
        return self.heads(self.trunk(self.features(waveform)))


def probabilities(act, cls, rec):
    """Logits (activity [B, T'], classes [B, 7, T'], record [B, 5]) -> activity [B, T'], classProbs
    [B, T', 7], recordProbs [B, 5]: what the app reads."""
    return torch.sigmoid(act), torch.softmax(cls, dim=1).transpose(1, 2), torch.softmax(rec, dim=1)


def same_front_end(a, b):
    return a.describe() == b.describe() and all(
        torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


class TwoTrunkDetector(nn.Module):
    """waveform [B, N] -> activity and class logits of ``events``, record logits of ``verdict``.

    Two detectors behind one front end (both use DETECTOR_FEATURES): trained with partial labels, a
    detector marks the adventitious sounds that SPRSound leaves unannotated, but its record head, which
    shares that trunk, gives a worse verdict than a detector trained on the full labels; so each
    output comes from the trunk that is better at it (detector card, "Cross-validation and partial
    labels")."""

    def __init__(self, events, verdict):
        super().__init__()
        if not same_front_end(events.features, verdict.features):
            raise ValueError("the two detectors must share one feature front end")
        self.events, self.verdict = events, verdict
        self.features = events.features
        self.config = {"events": events.config, "verdict": verdict.config}

    def forward(self, waveform):
        feats = self.features(waveform)
        act, cls, _ = self.events.heads(self.events.trunk(feats))
        rec = self.verdict.heads(self.verdict.trunk(feats))[2]
        return act, cls, rec


class DetectorEnsemble(nn.Module):
    """waveform [B, N] -> the mean of its members' *probabilities* (as probabilities() gives them).

    Detectors trained with different seeds on one front end; the mean of their frame and record
    probabilities is what detector_cv's report scores for runs joined by "+" (detector card, "Two
    seeds"). Unlike Detector it returns probabilities, so ExportDetector passes them through."""

    returns_probabilities = True

    def __init__(self, members):
        super().__init__()
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two detectors")
        if not all(same_front_end(members[0].features, m.features) for m in members[1:]):
            raise ValueError("the ensemble's detectors must share one feature front end")
        self.members = nn.ModuleList(members)
        self.features = members[0].features
        self.config = {"members": [m.config for m in members]}

    def forward(self, waveform):
        feats = self.features(waveform)
        outs = [probabilities(*m.heads(m.trunk(feats))) for m in self.members]
        return tuple(torch.stack(parts).mean(0) for parts in zip(*outs))


def load_detector(path, verdict_path=None):
    """(detector in eval mode, checkpoint dict) from a train_detector.py / detector_cv.py checkpoint;
    with ``verdict_path`` a TwoTrunkDetector whose record output comes from that second checkpoint.
    Several checkpoints joined by "+": their DetectorEnsemble, with the first one's checkpoint dict and
    every member's provenance under "members"."""
    if "+" in path:
        if verdict_path:
            raise ValueError("an ensemble takes its verdict from its members")
        loaded = [load_detector(p) for p in path.split("+")]
        ckpt = {**loaded[0][1], "members": [{k: c.get(k) for k in ("command", "commit", "seed", "epoch", "protocol")}
                                             for _, c in loaded]}
        return DetectorEnsemble([d for d, _ in loaded]).eval(), ckpt
    ckpt = torch.load(path, map_location="cpu")
    det = Detector(**strip_feature_constants(ckpt["config"], DETECTOR_FEATURES, band=True))
    det.load_state_dict(ckpt["state_dict"])
    if verdict_path:
        verdict, vckpt = load_detector(verdict_path)
        det = TwoTrunkDetector(det, verdict)
        ckpt = {**ckpt, "verdictTrunk": {k: vckpt.get(k) for k in ("command", "commit", "seed", "epoch", "protocol")}}
    det.eval()
    return det, ckpt


class ExportDetector(nn.Module):
    """waveform [1, N] -> activity [1, T'], classProbs [1, T', 7], recordProbs [1, 5]."""

    OUTPUTS = ("activity", "classProbs", "recordProbs")

    def __init__(self, det):
        super().__init__()
        self.det = det

    def forward(self, waveform):
        out = self.det(waveform)
        return out if getattr(self.det, "returns_probabilities", False) else probabilities(*out)


# ------------------------------------------------------------------------ targets

BOUNDARY_GAP_MS = FRAME_HOP_MS  # adjacent events are kept apart by >= 1 inactive frame


def frame_targets(events, n_frames):
    """Per-frame targets from (startMs, endMs, type) events.

    activity[i] = 1 if the frame centre 32 i + 28 ms lies in [start, end) of an event; cls[i] its
    class index (-1 for inactive frames). Frames whose centre lies within 32 ms of the boundary of
    two events less than 64 ms apart are set inactive, so that touching events stay separable.
    """
    act = np.zeros(n_frames, dtype=np.float32)
    cls = np.full(n_frames, -1, dtype=np.int64)
    centres = FRAME_CENTRE_MS + FRAME_HOP_MS * np.arange(n_frames)
    evs = sorted((s, e, t) for s, e, t in events if t in data.CLASS_INDEX and e > s)
    for s, e, t in evs:
        m = (centres >= s) & (centres < e)
        act[m] = 1
        cls[m] = data.CLASS_INDEX[t]
    for (s1, e1, _), (s2, e2, _) in zip(evs, evs[1:]):
        if s2 - e1 < 2 * FRAME_HOP_MS:
            m = (centres >= e1 - BOUNDARY_GAP_MS) & (centres < s2 + BOUNDARY_GAP_MS) & (centres < e2) & (centres >= s1)
            # keep at least one frame of each event
            keep1 = (centres >= s1) & (centres < e1) & ~m
            keep2 = (centres >= s2) & (centres < e2) & ~m
            if keep1.any() and keep2.any():
                act[m] = 0
                cls[m] = -1
    return act, cls



# SPRSound marks only some breaths: before the first and after the last annotated event, and inside
# long gaps between events, unmarked breaths are common (median lead before the first event 1.3 s;
# 12 % of the gaps between consecutive events exceed 2 s while a median event lasts 1.2 s).
LONG_GAP_MS = 2000   # a gap this long can hold an unmarked breath: not a negative
EDGE_MS = 300        # frames this close to an annotated event stay negatives (they teach its boundary)


def annotated_stretch_mask(events, n_frames, long_gap_ms=LONG_GAP_MS, edge_ms=EDGE_MS):
    """1 for frames whose activity target is known, 0 for frames that may hold an unmarked breath.

    Known: frames inside an event, and frames of the annotated stretch [first start - edge, last end
    + edge) that are not deep inside a gap longer than ``long_gap_ms`` (the ``edge_ms`` next to each
    event stay known). A recording without events keeps every frame (Poor Quality recordings are
    masked by the record, not here).
    """
    mask = np.ones(n_frames, dtype=np.float32)
    evs = sorted((s, e) for s, e, _ in events if e > s)
    if not evs:
        return mask
    centres = FRAME_CENTRE_MS + FRAME_HOP_MS * np.arange(n_frames)
    mask[centres < evs[0][0] - edge_ms] = 0
    reach = evs[0][1]
    for s, e in evs[1:]:
        if s - reach > long_gap_ms:
            mask[(centres >= reach + edge_ms) & (centres < s - edge_ms)] = 0
        reach = max(reach, e)
    mask[centres >= reach + edge_ms] = 0
    return mask

# ------------------------------------------------------------------------ inference (chunked)

CHUNK_SAMPLES = 30 * data.SAMPLE_RATE        # 30 s per ONNX run
CHUNK_OVERLAP_SAMPLES = 4 * data.SAMPLE_RATE  # 4 s overlap (~ the receptive field)


def chunk_plan(n, chunk=CHUNK_SAMPLES, overlap=CHUNK_OVERLAP_SAMPLES):
    """[(startSample, endSample, firstFrameKept, lastFrameKeptExclusive)] in global frame indices.

    n <= chunk: one run over everything. Otherwise chunks start at multiples of the frame hop
    (256 samples) so that their frames fall on the global frame grid; each global frame is taken
    from the chunk in which it is farthest from an edge (cut in the middle of the overlap).
    """
    total = num_output_frames(n)
    if n <= chunk:
        return [(0, n, 0, total)]
    step = ((chunk - overlap) // FRAME_HOP_SAMPLES) * FRAME_HOP_SAMPLES
    starts = list(range(0, n - chunk, step)) + [((n - chunk) // FRAME_HOP_SAMPLES) * FRAME_HOP_SAMPLES]
    starts = sorted(set(starts))
    plan = []
    for k, s in enumerate(starts):
        e = n if k + 1 == len(starts) else s + chunk   # the last chunk ends at n (<= chunk + 255 samples)
        f0 = s // FRAME_HOP_SAMPLES
        f1 = f0 + num_output_frames(e - s)
        lo = 0 if k == 0 else (plan[-1][3])
        if k + 1 < len(starts):
            nxt = starts[k + 1] // FRAME_HOP_SAMPLES
            hi = (nxt + f1) // 2    # middle of the overlap
        else:
            hi = total
        plan.append((s, e, max(lo, f0), min(hi, f1, total)))
    return plan


@torch.no_grad()
def predict_recording(export_model, samples):
    """(activity [T'], classProbs [T', 7], recordProbs [5]) for one recording (float32 samples)."""
    samples = np.asarray(samples, dtype=np.float32)
    n = len(samples)
    if n < MIN_SAMPLES:
        raise ValueError(f"recording too short ({n} samples < {MIN_SAMPLES})")
    total = num_output_frames(n)
    act = np.zeros(total, dtype=np.float32)
    cls = np.zeros((total, len(EVENT_CLASSES)), dtype=np.float32)
    rec = np.zeros(len(RECORD_CLASSES), dtype=np.float64)
    plan = chunk_plan(n)
    for s, e, k0, k1 in plan:
        a, c, r = export_model(torch.from_numpy(samples[s:e])[None])
        f0 = s // FRAME_HOP_SAMPLES
        act[k0:k1] = a[0, k0 - f0:k1 - f0].numpy()
        cls[k0:k1] = c[0, k0 - f0:k1 - f0].numpy()
        rec += r[0].double().numpy() * (e - s)
    rec /= sum(e - s for s, e, _, _ in plan)
    return act, cls, rec.astype(np.float32)
