"""Train the sound-event detector (detector.py) on SPRSound train patients, select on val patients.

    python3 -m training.auscult_train.train_detector --epochs 12 --seed 0 --out training/runs/det-final

* Batches: recordings of similar length (SPRSound: mostly 9.2 s or 15.4 s) are grouped; each batch
  is cropped to a common length (the shortest member, or with p=0.5 a random 60-100 % of it) at
  random offsets that are multiples of the 256-sample frame hop, so frame targets stay on the grid.
* Targets (detector.frame_targets): frame activity (centre inside an annotated event), the frame's
  event class, and the record class. Poor Quality recordings have no annotated events, so their
  frame losses are masked; they train only the record head. With --partial-labels the activity loss
  also skips the frames that may hold an unmarked breath (detector.annotated_stretch_mask: before the
  first and after the last annotated event, deep inside gaps > 2 s).
* With --record-negatives W the record label also teaches the frame classes outside the annotated
  events (SPRSound's record label covers the whole recording, its events only some breaths): on every
  frame of a recording that is not inside an annotated event, W * -log(1 - P(classes the record
  excludes)) (excluded_classes: a Normal recording holds no adventitious class anywhere, a
  CAS recording no crackle, a DAS recording no wheeze).
* Loss: act_weight BCE(activity) + CE(frame class, active frames only, inverse-sqrt-frequency class weights,
  label smoothing 0.05) + 0.5 CE(record class, inverse-sqrt-frequency weights).
* Augmentation: random gain, white noise (p=0.5, 15-40 dB SNR), SpecAugment frequency masks
  (2 masks of <= 10 % of the bins; no time masks, they would contradict the frame targets).
* AdamW + one-cycle LR. After every epoch the val recordings are scored with default
  post-processing; best.pt keeps the epoch with the highest mean of (class-agnostic event F1,
  class-aware event F1, record-head Task 2-2 Score).
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

from . import data
from .detector import (EVENT_CLASSES, EVENT_GROUPS, POOL, POOR_QUALITY, RECORD_CLASSES, RECORD_INDEX, TONAL_KERNEL, Detector,
                       annotated_stretch_mask, frame_targets)
from .detector_eval import quick_val, split_bases
from .features import DETECTOR_FEATURES, FEATURE_TYPE
from .event_metrics import families
from .models import count_params
from .postprocess import VERDICT_FAMILIES
from .train import LABEL_SMOOTHING, git_commit, spec_augment

WINDOW_POWER = 3 * DETECTOR_FEATURES.n_fft / 8   # sum of the periodic Hann window squared


def excluded_classes():
    """[record class, event class] 0/1: the event classes a recording of that record class cannot contain
    anywhere: those with a family the label does not name (postprocess.VERDICT_FAMILIES: Normal names
    none, so every adventitious class; Poor Quality names both, so none: its content is unknown)."""
    return np.array([[float(not families(c, EVENT_GROUPS) <= VERDICT_FAMILIES[r]) for c in EVENT_CLASSES]
                     for r in RECORD_CLASSES], dtype=np.float32)


EXCLUDED = torch.from_numpy(excluded_classes())   # [record class, event class]


def record_negative_loss(cls_logits, cls_t, rec_t):
    """Mean over the frames outside annotated events (cls_t < 0) of -log(1 - P(excluded classes)),
    where the record label (rec_t) excludes them; 0 when no frame has an excluded class.

    cls_logits [B, C, T], cls_t [B, T] (-1 outside events), rec_t [B] record class indices."""
    excl = EXCLUDED[rec_t][:, :, None]                           # [B, C, 1]
    logp = torch.log_softmax(cls_logits, dim=1)
    # log P(allowed) = logsumexp over the allowed classes; -inf-safe via masking with a large negative
    log_allowed = torch.logsumexp(logp.masked_fill(excl.bool(), -1e4), dim=1)   # [B, T]
    frames = (cls_t < 0) & (excl.sum(1) > 0)                     # [B, T]
    if not frames.any():
        return cls_logits.sum() * 0
    return -log_allowed[frames].mean()


class SpecCache:
    """Un-normalised log-power spectrograms [F, T] (float16) of recordings, cached on disk."""

    def __init__(self, ds, bases, features, cache_dir=data.CACHE_DIR, batch=16):
        spec = features.spec
        tag = (f"detector_{FEATURE_TYPE}_{spec.fmin:g}-{spec.fmax:g}_{len(bases)}_"
               f"{hashlib.sha1(' '.join(bases).encode()).hexdigest()[:10]}")
        path = os.path.join(cache_dir, tag + ".npz") if cache_dir else None
        self.bases = list(bases)
        if path and os.path.exists(path):
            z = np.load(path)
            self.flat, self.offsets, self.rms, self.n_samples = z["flat"], z["offsets"], z["rms"], z["n_samples"]
        else:
            specs, rms, lens = [], [], []
            for b in self.bases:
                x = ds.recording(b)
                lens.append(len(x))
                with torch.no_grad():
                    specs.append(features.spectrum(torch.from_numpy(x)[None])[0].numpy().astype(np.float16))
                rms.append(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))))
            self.offsets = np.cumsum([0] + [sp.shape[1] for sp in specs])
            self.flat = np.concatenate(specs, axis=1)
            self.rms, self.n_samples = np.array(rms), np.array(lens)
            if path:
                os.makedirs(cache_dir, exist_ok=True)
                np.savez(path, flat=self.flat, offsets=self.offsets, rms=self.rms, n_samples=self.n_samples)
        self.index = {b: i for i, b in enumerate(self.bases)}

    def spec(self, base):
        i = self.index[base]
        return self.flat[:, self.offsets[i]:self.offsets[i + 1]]


class RecordingSampler:
    """Training batches of spectrogram crops + frame / record targets (numpy, single process)."""

    def __init__(self, ds, bases, cache, features, rng, augment=True, partial_labels=False):
        self.ds, self.cache, self.features, self.rng, self.augment = ds, cache, features, rng, augment
        self.bases = list(bases)
        self.n_stft = np.array([cache.spec(b).shape[1] for b in self.bases])
        self.rec = np.array([RECORD_INDEX[ds.records[b]] for b in self.bases])
        self.mask = np.array([ds.records[b] != POOR_QUALITY for b in self.bases], dtype=np.float32)
        self.targets = [frame_targets(ds.events[b], t // POOL) for b, t in zip(self.bases, self.n_stft)]
        # Per-frame weight of the activity loss: the record's (0 for Poor Quality) times, with partial
        # labels, whether the frame's target is known.
        self.frame_masks = [m * (annotated_stretch_mask(ds.events[b], t // POOL) if partial_labels
                                 else np.ones(t // POOL, dtype=np.float32))
                            for b, m, t in zip(self.bases, self.mask, self.n_stft)]

    def class_weights(self, n_classes):
        c = Counter()
        for _, cls in self.targets:
            c.update(cls[cls >= 0].tolist())
        w = np.array([1.0 / math.sqrt(max(c[k], 1)) for k in range(n_classes)])
        return torch.tensor(w / (w * np.array([c[k] for k in range(n_classes)])).sum() * sum(c.values()), dtype=torch.float32)

    def record_weights(self):
        c = Counter(self.rec.tolist())
        w = np.array([1.0 / math.sqrt(max(c[k], 1)) for k in range(len(RECORD_CLASSES))])
        return torch.tensor(w / (w * np.array([c[k] for k in range(len(RECORD_CLASSES))])).sum() * len(self.rec),
                            dtype=torch.float32)

    def batches(self, batch_size):
        order = np.argsort(self.n_stft + self.rng.uniform(0, 60, len(self.n_stft)))
        groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        self.rng.shuffle(groups)
        return groups

    def batch(self, idx):
        """(normalised features [B, 1, F, Tc], activity [B, Tc/4], class [B, Tc/4], record [B], frame mask [B, Tc/4])."""
        t_min = int(min(self.n_stft[i] for i in idx))
        crop = t_min
        if self.augment and self.rng.random() < 0.5:
            crop = int(t_min * self.rng.uniform(0.6, 1.0))
        crop = max(POOL * 8, (crop // POOL) * POOL)
        crop = min(crop, (t_min // POOL) * POOL)
        nf = crop // POOL
        specs, acts, clss, masks = [], [], [], []
        for i in idx:
            sp = self.cache.spec(self.bases[i])
            slack = (sp.shape[1] - crop) // POOL
            off = int(self.rng.integers(0, slack + 1)) if self.augment else 0
            x = sp[:, off * POOL:off * POOL + crop].astype(np.float32)
            if self.augment and self.rng.random() < 0.5:
                # additive white noise at 15-40 dB SNR, in the power domain (E|X|^2 = sigma^2 sum(w^2))
                snr = self.rng.uniform(15, 40)
                sigma2 = self.cache.rms[self.cache.index[self.bases[i]]] ** 2 / 10 ** (snr / 10)
                noise = sigma2 * WINDOW_POWER * self.rng.exponential(1.0, size=x.shape)
                x = np.log(np.exp(x) + noise).astype(np.float32)
            specs.append(x)
            act, cls = self.targets[i]
            acts.append(act[off:off + nf])
            clss.append(cls[off:off + nf])
            masks.append(self.frame_masks[i][off:off + nf])
        feats = self.features.normalise(torch.from_numpy(np.stack(specs)))
        return (feats, torch.from_numpy(np.stack(acts)), torch.from_numpy(np.stack(clss)),
                torch.from_numpy(self.rec[idx]), torch.from_numpy(np.stack(masks)))


def train_epoch(det, opt, sched, sampler, rng, cls_w, rec_w, args, n_batches, step, steps):
    """One epoch over the sampler's recordings; returns ([loss, act, cls, rec] per batch, global step).

    ``args`` carries batch_size, act_weight and record_weight; the schedule steps until ``steps``.
    """
    det.train()
    losses = []
    for bi, idx in enumerate(sampler.batches(args.batch_size)):
        if bi >= n_batches:
            break
        feats, act_t, cls_t, rec_t, mask = sampler.batch(idx)
        feats = spec_augment(feats, rng, time_masks=0)   # no time masks: they would contradict the frame targets
        act, cls, rec = det.heads(det.trunk(feats))
        t = min(act.shape[1], act_t.shape[1])
        act, cls, act_t, cls_t = act[:, :t], cls[:, :, :t], act_t[:, :t], cls_t[:, :t]
        fmask = mask[:, :t]
        l_act = (F.binary_cross_entropy_with_logits(act, act_t, reduction="none") * fmask).sum() / fmask.sum().clamp(min=1)
        valid = cls_t >= 0
        if valid.any():
            l_cls = F.cross_entropy(cls.transpose(1, 2)[valid], cls_t[valid], weight=cls_w,
                                    label_smoothing=LABEL_SMOOTHING)
        else:
            l_cls = act.sum() * 0
        l_rec = F.cross_entropy(rec, rec_t, weight=rec_w, label_smoothing=LABEL_SMOOTHING)
        loss = args.act_weight * l_act + l_cls + args.record_weight * l_rec
        if args.record_negatives:
            loss = loss + args.record_negatives * record_negative_loss(cls, cls_t, rec_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step < steps:
            sched.step()
        step += 1
        losses.append([loss.item(), l_act.item(), l_cls.item(), l_rec.item()])
    return losses, step


def build_detector(args):
    return Detector(channels=[int(c) for c in args.channels.split(",")], hidden=args.hidden,
                    dilations=[int(d) for d in args.dilations.split(",")], tonal=args.tonal,
                    tonal_kernel=tuple(int(k) for k in args.tonal_kernel.split(",")))


def build_optimiser(det, args, n_recordings):
    """(AdamW, one-cycle schedule, batches per epoch, total steps) for a recipe's arguments."""
    n_batches = math.ceil(n_recordings / args.batch_size)
    if args.max_batches:
        n_batches = min(n_batches, args.max_batches)
    steps = max(1, args.epochs * n_batches)
    opt = torch.optim.AdamW(det.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    return opt, sched, n_batches, steps


def add_recipe_arguments(ap):
    """The detector recipe's flags, shared by train_detector and detector_cv."""
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--channels", default="64,64")
    ap.add_argument("--dilations", default="1,2,4,8,16,32")
    ap.add_argument("--tonal", type=int, default=0,
                    help="channels of the frequency-invariant ridge branch (detector.TONAL_KERNEL; 0 = none)")
    ap.add_argument("--tonal-kernel", default=",".join(map(str, TONAL_KERNEL)),
                    help="the tonal branch's kernel: frequency bins,output frames (odd sizes)")
    ap.add_argument("--record-weight", type=float, default=0.5)
    ap.add_argument("--act-weight", type=float, default=1.0)
    ap.add_argument("--partial-labels", action="store_true",
                    help="activity loss only where the target is known (detector.annotated_stretch_mask)")
    ap.add_argument("--record-negatives", type=float, default=0.0,
                    help="weight of the record-label negatives on the frame classes outside annotated events")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=1, help="1 is ~7x faster than 2 when other jobs share the 2 cores (OpenMP spin)")
    ap.add_argument("--max-recordings", type=int, default=0, help="smoke tests: first N recordings per split")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke tests: stop each epoch after N batches")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_recipe_arguments(ap)
    ap.add_argument("--out", required=True)
    ap.add_argument("--time-budget-min", type=float, default=0, help="stop after the epoch that passes this")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    ds = data.SPRSound(args.data)
    train_b, val_b = split_bases(ds, "train"), split_bases(ds, "val")
    if args.max_recordings:
        train_b, val_b = train_b[:args.max_recordings], val_b[:args.max_recordings]
    det = build_detector(args)
    t0 = time.time()
    cache = SpecCache(ds, train_b + val_b, det.features, cache_dir=None if args.max_recordings else data.CACHE_DIR)
    print(f"spectrogram cache ready in {time.time() - t0:.0f}s", flush=True)
    sampler = RecordingSampler(ds, train_b, cache, det.features, rng, partial_labels=args.partial_labels)
    cls_w, rec_w = sampler.class_weights(len(data.CLASSES)), sampler.record_weights()
    opt, sched, n_batches, steps = build_optimiser(det, args, len(train_b))
    command = "python3 -m training.auscult_train.train_detector " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "commit": git_commit(), "seed": args.seed, "params": count_params(det),
            "trainRecordings": len(train_b), "valRecordings": len(val_b), "args": vars(args)}
    print(json.dumps(meta), flush=True)
    log = open(os.path.join(args.out, "log.jsonl"), "w")
    best, best_epoch, t_start, step = -1.0, -1, time.time(), 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(det, opt, sched, sampler, rng, cls_w, rec_w, args, n_batches, step, steps)
        t_train = time.time() - t0
        v, _ = quick_val(det, ds, val_b, cache=cache)
        sel = (v["agnosticF1"] + v["classAwareF1"] + v["headTask22"]) / 3
        lm = np.mean(losses, 0)
        row = {"epoch": epoch, "loss": lm.tolist(), "trainSec": round(t_train, 1),
               "valSec": round(time.time() - t0 - t_train, 1), "val": v, "select": sel}
        log.write(json.dumps(row) + "\n")
        log.flush()
        improved = sel > best
        print(f"epoch {epoch:3d} loss {lm[0]:.3f} (act {lm[1]:.3f} cls {lm[2]:.3f} rec {lm[3]:.3f}) train {t_train:.0f}s "
              f"val {row['valSec']:.0f}s | agnF1 {v['agnosticF1']:.3f} clsF1 {v['classAwareF1']:.3f} "
              f"typeAcc {v['typeAccuracy']:.3f} head22 {v['headTask22']:.3f} head21 {v['headTask21']:.3f} "
              f"rules22 {v['rulesTask22']:.3f}" + (" *" if improved else ""), flush=True)
        if improved:
            best, best_epoch = sel, epoch
            torch.save({"config": det.config, "state_dict": det.state_dict(), "epoch": epoch, "val": v, **meta},
                       os.path.join(args.out, "best.pt"))
        if args.time_budget_min and (time.time() - t_start) / 60 > args.time_budget_min:
            print("time budget reached", flush=True)
            break
    log.close()
    summary = {"bestEpoch": best_epoch, "bestSelect": best, "epochsRun": epoch,
               "trainMinutes": round((time.time() - t_start) / 60, 2), **meta}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: summary[k] for k in ("bestEpoch", "bestSelect", "epochsRun", "trainMinutes")}), flush=True)
    return summary


if __name__ == "__main__":
    main()
