"""Train an event classifier on SPRSound (train patients), select on val patients.

    python3 -m training.auscult_train.train --arch resnet18|vgg16 --features logstft \
        [--fmin 60 --fmax 1300] [--width 0.5] --epochs N --seed S --out DIR

* Model: models.Classifier with features.EVENT_FEATURES (log-STFT; --fmin / --fmax set its band).

* Sampling: each epoch draws --epoch-size (default: len(train events)) events with replacement, weight 1/sqrt(class
  count) per event (inverse-sqrt-frequency class balancing).
* Augmentation (training only): random circular shift of short (tiled) events / random CLIP crop
  of long ones, random gain (+-10 dB), additive white noise (p=0.5, 15-40 dB SNR), mixup of
  waveforms (p=--mixup, default 0.5, Beta(0.4, 0.4), soft labels), with probability --conditions a
  random recording device and room first (augment.py: EQ / band limits, another recording's
  background, a small change of rate), SpecAugment on the features (2 time masks of
  <= 25 frames, 2 frequency masks of <= 10 % of the bins, set to 0 = the clip mean).
* Loss: cross-entropy with label smoothing 0.05; AdamW, one-cycle LR schedule.
* Model selection: after every epoch the val events are scored with the exact inference policy
  (tile / mean of windows); best.pt keeps the epoch with the highest val Task 1-2 Score;
  training stops early after --patience epochs without improvement.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

from . import augment, data, metrics
from .evaluate import event_inputs, predict_events
from .features import EVENT_FEATURES, FEATURE_TYPE
from .models import Classifier, count_params

LABEL_SMOOTHING = 0.05
BACKGROUND_POOL = 1024  # background stretches drawn once per run for the recording-condition augmentation


def git_commit():
    root = data.REPO_ROOT
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
        sha = head.stdout.strip() if head.returncode == 0 else "no-commit"
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "training"], cwd=root,
                               capture_output=True, text=True).stdout.strip()
        return sha + ("-dirty" if dirty or sha == "no-commit" else "")
    except OSError:
        return "unknown"


class ClipSampler:
    """Draws augmented training clips [B, CLIP] from events (numpy, single process)."""

    def __init__(self, ds, events, rng, augment=True, mixup_p=0.5, conditions_p=0.0):
        self.events = events
        self.mixup_p = mixup_p
        self.conditions_p = conditions_p
        self.rng = rng
        self.augment = augment
        self.audio = [data.event_samples(ds.recording(b), s, e).astype(np.float32) for b, s, e, _ in events]
        self.labels = np.array([c for *_, c in events])
        counts = Counter(self.labels.tolist())
        w = np.array([1.0 / math.sqrt(counts[c]) for c in self.labels])
        self.p = w / w.sum()
        self.backgrounds = self._backgrounds(ds, events) if conditions_p > 0 else None

    def _backgrounds(self, ds, events, n=BACKGROUND_POOL):
        """[n, CLIP] random stretches of the training recordings: the room and body of other recordings."""
        bases = sorted({b for b, *_ in events})
        clips = []
        for _ in range(n):
            rec = ds.recording(bases[self.rng.integers(len(bases))]).astype(np.float32)
            if len(rec) < data.CLIP:
                rec = data.tile(rec)
            start = self.rng.integers(len(rec) - data.CLIP + 1)
            clips.append(rec[start:start + data.CLIP])
        return np.stack(clips)

    def clip(self, i):
        ev = self.audio[i]
        n = len(ev)
        if n < data.CLIP:
            shift = self.rng.integers(n) if self.augment else 0
            return ev[(np.arange(data.CLIP) + shift) % n]
        start = self.rng.integers(n - data.CLIP + 1) if self.augment else 0
        return ev[start:start + data.CLIP]

    def batch(self, idx, num_classes):
        x = np.stack([self.clip(i) for i in idx])
        y = np.eye(num_classes, dtype=np.float32)[self.labels[idx]]
        if self.augment:
            b = len(idx)
            if self.conditions_p > 0:
                sel = np.flatnonzero(self.rng.random(b) < self.conditions_p)
                if len(sel):
                    x[sel] = augment.recording_conditions(x[sel], self.backgrounds, self.rng)
            x *= (10 ** (self.rng.uniform(-0.5, 0.5, size=(b, 1)))).astype(np.float32)
            noisy = self.rng.random(b) < 0.5
            rms = np.sqrt((x ** 2).mean(1, keepdims=True)) + 1e-8
            snr = self.rng.uniform(15, 40, size=(b, 1))
            noise = self.rng.standard_normal(x.shape).astype(np.float32) * (rms / 10 ** (snr / 20)).astype(np.float32)
            x = x + noise * noisy[:, None]
            mix = self.rng.random(b) < self.mixup_p
            lam = self.rng.beta(0.4, 0.4, size=b).astype(np.float32)
            lam = np.where(mix, np.maximum(lam, 1 - lam), 1.0).astype(np.float32)
            perm = self.rng.permutation(b)
            x = lam[:, None] * x + (1 - lam[:, None]) * x[perm]
            y = lam[:, None] * y + (1 - lam[:, None]) * y[perm]
        return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)

    def epoch(self, batch_size, size=0):
        n = len(self.events)
        size = size or n
        idx = self.rng.choice(n, size=size, replace=True, p=self.p)
        for i in range(0, size - batch_size + 1, batch_size):
            yield idx[i:i + batch_size]


def spec_augment(feats, rng, time_masks=2, max_t=25, freq_masks=2, max_f_frac=0.1):
    """Zero random time / frequency stripes of the normalised features (in place, training only)."""
    b, _, nf, nt = feats.shape
    max_f = max(1, int(nf * max_f_frac))
    for j in range(b):
        for _ in range(time_masks):
            w = int(rng.integers(0, max_t + 1))
            t0 = int(rng.integers(0, nt - w + 1))
            feats[j, :, :, t0:t0 + w] = 0
        for _ in range(freq_masks):
            w = int(rng.integers(0, max_f + 1))
            f0 = int(rng.integers(0, nf - w + 1))
            feats[j, :, f0:f0 + w, :] = 0
    return feats


def fit_batch(model, opt, sched, x, y, rng, step, total_steps, allowed=None, **spec_kw):
    """One optimiser step on waveforms x [B, N] with target distributions y [B, C]: features,
    SpecAugment (``spec_kw``), label-smoothed cross-entropy; the schedule steps until ``total_steps``
    (the one-cycle length). ``allowed`` [B, C] bool (optional): a row with several allowed classes is a
    partial label ("one of these"), scored by -log P(any allowed class) so that the model is not pushed
    between the allowed classes. Returns (loss, the global step after it)."""
    with torch.no_grad():
        feats = spec_augment(model.features(x), rng, **spec_kw)
    logits = model.net(feats)
    y = y * (1 - LABEL_SMOOTHING) + LABEL_SMOOTHING / y.shape[1]
    logp = F.log_softmax(logits, 1)
    per_row = -(y * logp).sum(1)
    if allowed is not None:
        partial = allowed.sum(1) > 1
        if bool(partial.any()):
            set_nll = -torch.logsumexp(logp.masked_fill(~allowed, float("-inf")), 1)
            per_row = torch.where(partial, set_nll, per_row)
    loss = per_row.mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step < total_steps:
        sched.step()
    return loss.item(), step + 1


def train_epoch(model, opt, sched, sampler, rng, batch_size, epoch_size=0, max_batches=0, step=0, total_steps=0):
    """One epoch of augmented, class-balanced batches; returns (batch losses, the global step after it).

    The schedule steps once per batch until ``total_steps`` (the one-cycle length) is reached.
    """
    model.train()
    losses = []
    for bi, idx in enumerate(sampler.epoch(batch_size, epoch_size)):
        if max_batches and bi >= max_batches:
            break
        x, y = sampler.batch(idx, len(data.CLASSES))
        loss, step = fit_batch(model, opt, sched, x, y, rng, step, total_steps)
        losses.append(loss)
    return losses, step


def build_run(args, n_train_events):
    """(model, AdamW, one-cycle schedule, total steps) for a recipe's arguments.

    ``args`` carries arch, width, fmin / fmax (< 0: no limit), epochs, epoch_size, batch_size,
    max_batches, lr and weight_decay, as train.py and cv.py parse them.
    """
    fmin = 0.0 if args.fmin < 0 else args.fmin
    fmax = data.SAMPLE_RATE / 2 if args.fmax < 0 else args.fmax
    model = Classifier(EVENT_FEATURES, args.arch, args.width, len(data.CLASSES), fmin=fmin, fmax=fmax)
    per_epoch = (args.epoch_size or n_train_events) // args.batch_size
    if args.max_batches:
        per_epoch = min(args.max_batches, per_epoch)
    steps = args.epochs * per_epoch
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(1, steps), pct_start=0.15)
    return model, opt, sched, steps


def _fmt(r):
    return "-" if r is None else f"{r:.2f}"


def val_scores(model, ds, val_events, val_inputs):
    probs = predict_events(model, ds, val_events, val_inputs)
    y = np.array([c for *_, c in val_events])
    t12 = metrics.task12_scores(y, probs)
    t11 = metrics.task11_scores(y, probs)
    recall = metrics.per_class_recall(y, probs.argmax(1), data.CLASSES)
    return t12, t11, recall


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "vgg16"])
    ap.add_argument("--features", default=FEATURE_TYPE, choices=[FEATURE_TYPE],
                    help="the feature type (one; the shipped models' recorded commands name it)")
    ap.add_argument("--fmin", type=float, default=EVENT_FEATURES.fmin, help="Hz; <0 means no lower limit")
    ap.add_argument("--fmax", type=float, default=EVENT_FEATURES.fmax, help="Hz; <0 means up to Nyquist")
    ap.add_argument("--width", type=float, default=0.25, help="channel width multiplier")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epoch-size", type=int, default=0, help="events drawn per epoch (default: number of train events)")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--patience", type=int, default=8)
    ap.add_argument("--mixup", type=float, default=0.5, help="probability that a training clip is mixed up")
    ap.add_argument("--conditions", type=float, default=0.0,
                    help="probability that a training clip goes through a random device and room (augment.py)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop after the epoch that passes this wall time")
    ap.add_argument("--max-recordings", type=int, default=0, help="smoke tests: use only the first N recordings of each split")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke tests: stop each epoch after N batches")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    ds = data.SPRSound(args.data)
    split = data.load_split()
    train_p, val_p = set(split["train"]), set(split["val"])
    if args.max_recordings:
        keep = {b for name in ("train", "val") for b in
                [b for b in ds.bases if data.patient_of(b) in set(split[name]) and ds.events[b]][:args.max_recordings]}
        train_events = [e for e in ds.event_list(train_p) if e[0] in keep]
        val_events = [e for e in ds.event_list(val_p) if e[0] in keep]
    else:
        train_events, val_events = ds.event_list(train_p), ds.event_list(val_p)
    sampler = ClipSampler(ds, train_events, rng, mixup_p=args.mixup, conditions_p=args.conditions)
    val_inputs = event_inputs(ds, val_events)

    model, opt, sched, steps = build_run(args, len(train_events))
    n_params = count_params(model)
    command = "python3 -m training.auscult_train.train " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "commit": git_commit(), "seed": args.seed, "params": n_params,
            "trainEvents": dict(Counter(data.CLASSES[c] for *_, c in train_events)),
            "valEvents": len(val_events), "args": vars(args)}
    print(json.dumps(meta), flush=True)
    log = open(os.path.join(args.out, "log.jsonl"), "w")
    best, best_epoch, t_start = -1.0, -1, time.time()
    step = 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(model, opt, sched, sampler, rng, args.batch_size, args.epoch_size,
                                   args.max_batches, step, steps)
        t_train = time.time() - t0
        t12, t11, recall = val_scores(model, ds, val_events, val_inputs)
        row = {"epoch": epoch, "loss": float(np.mean(losses)), "lr": opt.param_groups[0]["lr"],
               "trainSec": round(t_train, 1), "valSec": round(time.time() - t0 - t_train, 1),
               "valTask12": t12, "valTask11": t11,
               "valRecall": {k: v["recall"] for k, v in recall.items()}}
        log.write(json.dumps(row) + "\n")
        log.flush()
        improved = t12["Score"] > best
        print(f"epoch {epoch:3d} loss {row['loss']:.4f} train {t_train:.0f}s | val task1-2 Score {t12['Score']:.4f} "
              f"(SE {t12['SE']:.3f} SP {t12['SP']:.3f}) task1-1 Score {t11['Score']:.4f} | recall " +
              " ".join(f"{k[:6]}={_fmt(v['recall'])}" for k, v in recall.items()) + (" *" if improved else ""),
              flush=True)
        if improved:
            best, best_epoch = t12["Score"], epoch
            torch.save({"config": model.config, "state_dict": model.state_dict(), "epoch": epoch,
                        "val": {"task12": t12, "task11": t11}, **meta}, os.path.join(args.out, "best.pt"))
        if args.max_minutes and time.time() - t_start > 60 * args.max_minutes:
            print(f"stop: wall-time budget of {args.max_minutes} min used", flush=True)
            break
        if epoch - best_epoch >= args.patience:
            print(f"early stop: no val improvement for {args.patience} epochs", flush=True)
            break
    log.close()
    summary = {"bestEpoch": best_epoch, "bestValTask12Score": best, "epochsRun": epoch,
               "trainMinutes": round((time.time() - t_start) / 60, 2), **meta}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: summary[k] for k in ("bestEpoch", "bestValTask12Score", "epochsRun", "trainMinutes")}))
    return summary


if __name__ == "__main__":
    main()
