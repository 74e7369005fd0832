"""Train the heart-sound classifier (artifact / extrahls / murmur / normal), select on val units.

    python3 -m training.auscult_train.heart_train --arch resnet18 --width 0.25 --epochs 14 \
        --extrastole drop --seed 0 --out training/runs/heart-resnet18

* Data: labelled recordings of the train units of training/splits/heart_split.json at 4 kHz.
  ``--extrastole drop|normal``: leave extrastole recordings out, or train them as normal.
* Model: models.Classifier with features.HEART_FEATURES (log-STFT 25-1000 Hz at 4 kHz), 4 outputs
  in labels.json ``heartClasses`` order.
* Sampling: each epoch draws ``--windows-per-epoch`` recordings with replacement, weight
  count(class)^-balance_power (1 = fully class-balanced), and one random 3 s window of each
  (random start; shorter recordings tiled from a random offset).
* Augmentation: random time stretch (p 0.5, x0.87-1.15: heart rate and pitch change together),
  random polarity, spectral tilt y = x + a * diff(x) (p 0.5, a in [-0.6, 0.6]: device colour),
  additive white noise (p 0.5, 10-40 dB SNR), SpecAugment (2 time masks <= 30 frames, 2 frequency
  masks <= 10 % of bins). No mixup (a murmur mixed with a normal beat is still a murmur).
* Loss: cross-entropy, label smoothing 0.05; AdamW, one-cycle LR.
* Selection: after every epoch the val recordings are scored with the inference policy (mean of
  3 s / 1 s-hop windows); best.pt keeps the highest val balanced accuracy over the four classes
  (ties: lower val log loss). Early stop after --patience epochs without improvement.
"""
import argparse
import json
import math
import os
import sys
import time
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

from . import augment, heart_data as hd
from .evaluate import mean_by_event, predict_windows
from .features import HEART_FEATURES
from .models import Classifier, count_params
from .train import fit_batch, git_commit

NUM_CLASSES = len(hd.CLASSES)


def sampling_weights(labels, balance_power=1.0, groups=None):
    """Draw probabilities [N]: class c gets a share count(c)^(1 - balance_power) of the draws (1: every
    class alike), split equally among the groups present in c when ``groups`` is given, then equally
    among that group's recordings of c."""
    labels = np.asarray(labels)
    counts = Counter(labels.tolist())
    if groups is None:
        w = np.array([counts[c] ** -balance_power for c in labels], dtype=np.float64)
    else:
        cg = Counter(zip(labels.tolist(), groups))
        n_groups = Counter(c for c, _ in cg)
        w = np.array([counts[c] ** (1 - balance_power) / (n_groups[c] * cg[(c, g)]) for c, g in zip(labels.tolist(), groups)])
    return w / w.sum()


class WindowSampler:
    """Augmented training windows [B, WINDOW] of class-balanced recordings (numpy, single process)."""

    def __init__(self, recordings, labels, rng, balance_power=1.0, augment=True, groups=None, conditions=0.0,
                 allowed=None):
        """groups: per recording a group key (its source); when given, each class's draws are shared
        equally among its groups, so no device dominates a class. conditions: probability that a
        window goes through a random device response (augment.HEART). allowed: [N, 4] bool, the classes
        each recording may be (partial labels, heart_corpus.HeartCorpus.allowed); default its label."""
        self.audio = recordings
        self.labels = np.asarray(labels)
        self.allowed = np.eye(NUM_CLASSES, dtype=bool)[self.labels] if allowed is None else np.asarray(allowed)
        self.rng = rng
        self.augment = augment
        self.conditions = conditions
        self.p = sampling_weights(self.labels, balance_power, groups)

    def crop(self, x, length):
        n = len(x)
        if n >= length:
            s = self.rng.integers(n - length + 1)
            return x[s:s + length]
        shift = self.rng.integers(n)
        return x[(np.arange(length) + shift) % n]

    def window(self, i):
        x = self.audio[i]
        if not self.augment:
            return self.crop(x, hd.WINDOW)
        if self.rng.random() < 0.5:
            rate = self.rng.uniform(0.87, 1.15)          # > 1: faster (shorter) output
            need = int(math.ceil(hd.WINDOW * rate)) + 1
            src = self.crop(x, need)
            pos = np.arange(hd.WINDOW) * rate
            y = np.interp(pos, np.arange(len(src)), src).astype(np.float32)
        else:
            y = self.crop(x, hd.WINDOW).astype(np.float32)
        if self.rng.random() < 0.5:
            y = -y
        if self.rng.random() < 0.5:
            a = self.rng.uniform(-0.6, 0.6)
            y = y + a * np.concatenate([[0.0], np.diff(y)]).astype(np.float32)
        if self.rng.random() < 0.5:
            rms = float(np.sqrt(np.mean(y ** 2))) + 1e-8
            snr = self.rng.uniform(10, 40)
            y = y + self.rng.standard_normal(len(y)).astype(np.float32) * (rms / 10 ** (snr / 20))
        if self.conditions and self.rng.random() < self.conditions:
            y = augment.apply_device(y[None].astype(np.float32), self.rng, augment.HEART)[0]
        return y

    def epoch(self, n, batch_size):
        idx = self.rng.choice(len(self.labels), size=n, replace=True, p=self.p)
        for i in range(0, n - batch_size + 1, batch_size):
            b = idx[i:i + batch_size]
            x = np.stack([self.window(j) for j in b]).astype(np.float32)
            yield torch.from_numpy(x), torch.from_numpy(self.labels[b]), torch.from_numpy(self.allowed[b])


def build_optimiser(model, args):
    """(AdamW, one-cycle schedule, batches an epoch, total steps) for --windows-per-epoch / --batch-size /
    --epochs / --lr / --weight-decay (and --max-batches for smoke tests)."""
    steps_per_epoch = args.windows_per_epoch // args.batch_size
    if args.max_batches:
        steps_per_epoch = min(steps_per_epoch, args.max_batches)
    total = args.epochs * steps_per_epoch
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(1, total), pct_start=0.2)
    return opt, sched, steps_per_epoch, total


def train_epoch(model, opt, sched, sampler, rng, windows, batch_size, steps_per_epoch, step, total_steps):
    """One epoch of ``windows`` sampled windows (at most ``steps_per_epoch`` batches): SpecAugment on the
    features, smoothed cross-entropy (partial labels: -log P(any allowed class)). Returns (batch losses,
    the global step after it)."""
    model.train()
    losses = []
    for bi, (x, y, allowed) in enumerate(sampler.epoch(windows, batch_size)):
        if bi >= steps_per_epoch:
            break
        loss, step = fit_batch(model, opt, sched, x, F.one_hot(y, NUM_CLASSES).float(), rng, step, total_steps,
                               allowed=allowed, time_masks=2, max_t=30)
        losses.append(loss)
    return losses, step


def record_inputs(ds, bases):
    """(windows [W, WINDOW] float32, owner [W]) for recordings under the inference policy."""
    wins, owner = [], []
    for i, b in enumerate(bases):
        w = hd.windows(ds.recording(b))
        wins.append(w)
        owner += [i] * len(w)
    return np.concatenate(wins).astype(np.float32), np.asarray(owner)


def predict_records(model, inputs, n):
    """Record probabilities [n, 4]: the mean of each record's window probabilities."""
    windows, owner = inputs
    return mean_by_event(predict_windows(model, windows), owner, n)


def scores(y, probs):
    """Balanced accuracy (mean recall over the classes present), per-class recall, log loss, confusion."""
    y = np.asarray(y)
    pred = probs.argmax(1)
    recall = {}
    for k, name in enumerate(hd.CLASSES):
        m = y == k
        recall[name] = float((pred[m] == k).mean()) if m.any() else None
    present = [r for r in recall.values() if r is not None]
    conf = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=int)
    for t, p in zip(y, pred):
        conf[t, p] += 1
    nll = float(-np.mean(np.log(np.clip(probs[np.arange(len(y)), y], 1e-7, 1))))
    return {"balancedAccuracy": float(np.mean(present)), "accuracy": float((pred == y).mean()),
            "recall": recall, "logLoss": nll, "n": int(len(y)),
            "confusion": {"labels": list(hd.CLASSES), "rowsTrue_colsPred": conf.tolist()}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "vgg16"])
    ap.add_argument("--width", type=float, default=0.25)
    ap.add_argument("--fmin", type=float, default=HEART_FEATURES.fmin, help="Hz, lowest STFT bin kept")
    ap.add_argument("--fmax", type=float, default=HEART_FEATURES.fmax,
                    help="Hz, highest STFT bin kept (<= 1600: above ~1.8 kHz the app's and scipy's resamplers differ)")
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--windows-per-epoch", type=int, default=640)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--balance-power", type=float, default=1.0)
    ap.add_argument("--extrastole", default="drop", choices=["drop", "normal"])
    ap.add_argument("--patience", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=hd.DEFAULT_DATA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-recordings", type=int, default=0, help="smoke tests: first N recordings per split")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke tests: batches per epoch")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    ds = hd.HeartSounds(args.data)
    split = hd.load_split()
    train_units, val_units = set(split["train"]), set(split["val"])
    train = ds.labelled(train_units, args.extrastole)
    val = ds.labelled(val_units, "drop")
    val_extrastole = ds.of_folder("extrastole", val_units)
    if args.max_recordings:
        train, val, val_extrastole = train[:args.max_recordings], val[:args.max_recordings], val_extrastole[:2]
    sampler = WindowSampler([ds.recording(b) for b, _ in train], [c for _, c in train], rng, args.balance_power)
    val_bases = [b for b, _ in val]
    y_val = [c for _, c in val]
    val_inputs = record_inputs(ds, val_bases)
    xs_inputs = record_inputs(ds, val_extrastole) if val_extrastole else None

    model = Classifier(HEART_FEATURES, args.arch, args.width, NUM_CLASSES, fmin=args.fmin, fmax=args.fmax)
    opt, sched, steps_per_epoch, steps = build_optimiser(model, args)
    command = "python3 -m training.auscult_train.heart_train " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "commit": git_commit(), "seed": args.seed, "params": count_params(model),
            "trainRecordings": dict(Counter(hd.CLASSES[c] for _, c in train)),
            "valRecordings": dict(Counter(hd.CLASSES[c] for c in y_val)), "args": vars(args)}
    print(json.dumps(meta), flush=True)
    log = open(os.path.join(args.out, "log.jsonl"), "w")
    best, best_epoch, t_start, step = None, -1, time.time(), 0
    epoch = 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(model, opt, sched, sampler, rng, args.windows_per_epoch, args.batch_size,
                                   steps_per_epoch, step, steps)
        t_train = time.time() - t0
        probs = predict_records(model, val_inputs, len(val_bases))
        sc = scores(y_val, probs)
        xs = None
        if xs_inputs is not None:
            xp = predict_records(model, xs_inputs, len(val_extrastole))
            xs = dict(Counter(hd.CLASSES[k] for k in xp.argmax(1)))
        row = {"epoch": epoch, "loss": float(np.mean(losses)), "lr": opt.param_groups[0]["lr"],
               "trainSec": round(t_train, 1), "valSec": round(time.time() - t0 - t_train, 1), "val": sc,
               "valExtrastolePredicted": xs}
        log.write(json.dumps(row) + "\n")
        log.flush()
        key = (sc["balancedAccuracy"], -sc["logLoss"])
        improved = best is None or key > best
        print(f"epoch {epoch:3d} loss {row['loss']:.4f} train {t_train:.0f}s val {row['valSec']:.0f}s | val BA "
              f"{sc['balancedAccuracy']:.3f} acc {sc['accuracy']:.3f} nll {sc['logLoss']:.3f} | recall " +
              " ".join(f"{k[:5]}={'-' if v is None else f'{v:.2f}'}" for k, v in sc["recall"].items()) +
              f" | extrastole->{xs}" + (" *" if improved else ""), flush=True)
        if improved:
            best, best_epoch = key, epoch
            torch.save({"config": model.config, "state_dict": model.state_dict(), "epoch": epoch, "val": sc,
                        **meta}, os.path.join(args.out, "best.pt"))
        if epoch - best_epoch >= args.patience:
            print(f"early stop: no val improvement for {args.patience} epochs", flush=True)
            break
    log.close()
    summary = {"bestEpoch": best_epoch, "bestValBalancedAccuracy": best[0], "bestValLogLoss": -best[1],
               "epochsRun": epoch, "trainMinutes": round((time.time() - t_start) / 60, 2), **meta}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: summary[k] for k in ("bestEpoch", "bestValBalancedAccuracy", "epochsRun", "trainMinutes")}))
    return summary


if __name__ == "__main__":
    main()
