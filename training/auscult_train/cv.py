"""Patient-grouped cross-validation of an event-classifier recipe over every SPRSound patient.

    python3 -m training.auscult_train.cv --arch resnet18 --width 0.25 --epochs 12 --seed 1 \
        --out training/runs/cv-resnet18-w025 [--folds 5] [--only 0,1] [--protocol kfold|latest]
    python3 -m training.auscult_train.cv --report training/runs/cv-resnet18-w025 [more run dirs]

Protocols (the held-out sets; every recording of a held-out unit is scored by a model that never saw it):

* ``kfold`` (default): all 251 patients in ``--folds`` folds, grouped by patient (the file name's
  first field) and stratified by each patient's rarest event class present (``make_folds``, seed
  FOLD_SEED), so every rare class lands in several folds.
* ``latest``: one split that looks like deployment: each patient's later recordings (by the file
  name's last field, a running recording number) are held out — the last quarter of a patient's
  recordings, at least one, for every patient with two or more — and the model trains on the
  earlier ones.
* ``all``: nothing held out: the recipe trained on every patient for its fixed epoch count, the
  model that ships (<out>/all/model.pt); its figures are the k-fold CV's.

Each held-out set trains a fresh model for a fixed number of epochs (no inner validation split: the
epoch count is part of the recipe, read off this CV's learning curve) and writes the held-out events'
probabilities after every epoch. The report pools those out-of-fold predictions, gives each task's
Score per fold as mean ± sd, chooses the P(Normal) thresholds on out-of-fold predictions (for each
fold on the *other* folds' predictions, so the thresholded scores are honest too), per-class recall,
and the ensemble of several runs (mean of their out-of-fold probabilities).

Resumable: every epoch checkpoints the model, optimiser, schedule and random states to
<out>/<fold>/last.pt; the same command continues where it stopped and skips finished folds. One
process at a time with both cores (--threads 2); the wall time, threads and load average of each
epoch go into <out>/<fold>/log.jsonl.
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

from . import data, metrics
from .evaluate import event_inputs, predict_events
from .features import EVENT_FEATURES
from .models import Classifier, count_params
from .train import ClipSampler, build_run, git_commit, train_epoch

FOLD_SEED = 20221
LATEST_FRACTION = 0.25


def make_folds(ds, k, seed=FOLD_SEED):
    """[k sorted patient lists]: grouped by patient, stratified by the rarest class a patient has.

    Within each stratum (rarest first) the shuffled patients are dealt to the folds in turn,
    starting with the fold that holds the fewest patients so far, so fold sizes stay within one.
    """
    strata, _ = data.patient_strata(ds)
    rng = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    for key in sorted(strata, key=lambda s: (len(strata[s]), s)):
        ps = sorted(strata[key])
        rng.shuffle(ps)
        order = sorted(range(k), key=lambda f: (len(folds[f]), f))
        for i, p in enumerate(ps):
            folds[order[i % k]].append(p)
    return [sorted(f) for f in folds]


def recording_number(base):
    """The running recording number, the file name's last field."""
    return int(base.rsplit("_", 1)[1])


def latest_recordings(ds, fraction=LATEST_FRACTION):
    """Each patient's later recordings: the last ceil(fraction × n) of n >= 2, by recording number."""
    by_patient = {}
    for b in ds.bases:
        by_patient.setdefault(data.patient_of(b), []).append(b)
    held = set()
    for bases in by_patient.values():
        if len(bases) < 2:
            continue
        bases = sorted(bases, key=recording_number)
        held.update(bases[-max(1, math.ceil(fraction * len(bases))):])
    return held


def held_out_sets(ds, protocol, k):
    """[(name, set of held-out recording bases)] for a protocol ("all": nothing held out, the model to ship)."""
    if protocol == "all":
        return [("all", set())]
    if protocol == "latest":
        return [("latest", latest_recordings(ds))]
    folds = make_folds(ds, k)
    return [(f"fold{i}", {b for b in ds.bases if data.patient_of(b) in set(ps)}) for i, ps in enumerate(folds)]


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def save_resume_point(path, model, opt, sched, rng, epoch, step, **extra):
    """Everything an interrupted fold needs to continue exactly: weights, optimiser, schedule, both
    random states, epoch and step (written to a temporary file first, so a kill never leaves half of one)."""
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                "torchRng": torch.get_rng_state(), "numpyRng": rng.bit_generator.state,
                "epoch": epoch, "step": step, **extra}, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_resume_point(path, model, opt, sched, rng, name):
    """Restores a save_resume_point file into the given objects; returns its dict, or None when there is none."""
    if not os.path.exists(path):
        return None
    ck = torch.load(path, map_location="cpu")
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["opt"])
    sched.load_state_dict(ck["sched"])
    torch.set_rng_state(ck["torchRng"])
    rng.bit_generator.state = ck["numpyRng"]
    print(f"{name}: resumed after epoch {ck['epoch']}", flush=True)
    return ck


def train_held_out(ds, name, held, args, out, stop_after=0, meta=None):
    """Trains on every event outside ``held`` and scores the held-out events after each epoch.

    ``stop_after``: stop after that epoch, as an interrupted run would (tests of the resume path).
    ``meta`` (command, commit, seed, ...) goes into model.pt for the model card and the manifest.

    Writes <out>/<name>/probs.npy [epochs, E, C] (held-out event probabilities, label-table order),
    events.json (the held-out events, in that order) and done.json; resumes from last.pt.
    """
    fold_dir = os.path.join(out, name)
    os.makedirs(fold_dir, exist_ok=True)
    if os.path.exists(os.path.join(fold_dir, "done.json")):
        print(f"{name}: done, skipped", flush=True)
        return
    events = ds.event_list()
    train_events = [e for e in events if e[0] not in held]
    test_events = [e for e in events if e[0] in held]
    with open(os.path.join(fold_dir, "events.json"), "w") as f:
        json.dump([list(e) for e in test_events], f)

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    sampler = ClipSampler(ds, train_events, rng, mixup_p=args.mixup, conditions_p=args.conditions)
    test_inputs = event_inputs(ds, test_events) if test_events else None
    model, opt, sched, total = build_run(args, len(train_events))
    probs = np.zeros((args.epochs, len(test_events), len(data.CLASSES)), dtype=np.float32)
    start, step = 1, 0
    last = os.path.join(fold_dir, "last.pt")
    ck = load_resume_point(last, model, opt, sched, rng, name)
    if ck:
        probs[:ck["epoch"]] = ck["probs"][:ck["epoch"]]
        start, step = ck["epoch"] + 1, ck["step"]
    y = np.array([c for *_, c in test_events])
    log = open(os.path.join(fold_dir, "log.jsonl"), "a")
    for epoch in range(start, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(model, opt, sched, sampler, rng, args.batch_size, args.epoch_size,
                                   args.max_batches, step, total)
        t_train = time.time() - t0
        model.eval()
        if test_events:
            probs[epoch - 1] = predict_events(model, ds, test_events, test_inputs)
        t12 = metrics.task12_scores(y, probs[epoch - 1]) if len(y) else {"Score": float("nan")}
        t11 = metrics.task11_scores(y, probs[epoch - 1]) if len(y) else {"Score": float("nan")}
        row = {"epoch": epoch, "loss": float(np.mean(losses)), "trainSec": round(t_train, 1),
               "evalSec": round(time.time() - t0 - t_train, 1), "threads": torch.get_num_threads(),
               "loadAvg1m": load_average(), "task11Score": t11["Score"], "task12Score": t12["Score"]}
        log.write(json.dumps(row) + "\n")
        log.flush()
        print(f"{name} epoch {epoch:2d} loss {row['loss']:.4f} train {t_train:.0f}s load {row['loadAvg1m']} | "
              f"held-out task1-1 {t11['Score']:.4f} task1-2 {t12['Score']:.4f}", flush=True)
        save_resume_point(last, model, opt, sched, rng, epoch, step, probs=probs)
        if stop_after and epoch >= stop_after:
            log.close()
            return
    log.close()
    np.save(os.path.join(fold_dir, "probs.npy"), probs)
    torch.save({"config": model.config, "state_dict": model.state_dict(), "epoch": args.epochs, **(meta or {})},
               os.path.join(fold_dir, "model.pt"))
    with open(os.path.join(fold_dir, "done.json"), "w") as f:
        json.dump({"heldOutRecordings": len(held), "heldOutEvents": len(test_events),
                   "trainEvents": dict(Counter(data.CLASSES[c] for *_, c in train_events))}, f)
    os.remove(last)


# ------------------------------------------------------------------------------------------ report

def load_run(run_dir, epoch=None):
    """{fold name: (events [(base, start, end, class)], probs [E, C])} of a finished run at ``epoch``."""
    with open(os.path.join(run_dir, "cv.json")) as f:
        meta = json.load(f)
    out = {}
    for name in meta["heldOut"]:
        fold_dir = os.path.join(run_dir, name)
        if not os.path.exists(os.path.join(fold_dir, "done.json")):
            continue
        with open(os.path.join(fold_dir, "events.json")) as f:
            events = [tuple(e) for e in json.load(f)]
        probs = np.load(os.path.join(fold_dir, "probs.npy"))
        out[name] = (events, probs[(epoch or len(probs)) - 1])
    return meta, out


def mean_sd(values):
    v = np.asarray([x for x in values if not np.isnan(x)], dtype=float)
    return (float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0) if len(v) else (float("nan"), 0.0)


def scores_by_fold(folds):
    """Per fold: Task 1-1 / 1-2 Score at argmax and at the threshold chosen on the other folds."""
    rows = {}
    for name, (events, probs) in folds.items():
        y = np.array([e[3] for e in events])
        others = [n for n in folds if n != name]
        row = {"n": len(y), "task11": metrics.task11_scores(y, probs)["Score"],
               "task12": metrics.task12_scores(y, probs)["Score"],
               "recall": {k: v["recall"] for k, v in metrics.per_class_recall(y, probs.argmax(1), data.CLASSES).items()}}
        if others:
            yo = np.concatenate([[e[3] for e in folds[n][0]] for n in others])
            po = np.concatenate([folds[n][1] for n in others])
            t11, _ = metrics.best_threshold(yo, po)
            t12, _ = metrics.best_threshold12(yo, po)
            row.update({"task11Thr": metrics.task11_scores(y, probs, t11)["Score"], "thr11": t11,
                        "task12Thr": metrics.task12_scores(y, probs, t12)["Score"], "thr12": t12})
        rows[name] = row
    return rows


def report(run_dirs, epoch=None, thresholds=None):
    """The CV table of one run, or of the ensemble of several runs over the same held-out sets."""
    runs = [load_run(d, epoch) for d in run_dirs]
    names = sorted(set.intersection(*[set(f) for _, f in runs]))
    folds = {}
    for n in names:
        events = runs[0][1][n][0]
        for _, f in runs[1:]:
            if f[n][0] != events:
                raise ValueError(f"{n}: the runs hold out different events; an ensemble needs the same folds")
        folds[n] = (events, np.mean([f[n][1] for _, f in runs], 0))
    y = np.concatenate([[e[3] for e in folds[n][0]] for n in names])
    p = np.concatenate([folds[n][1] for n in names])
    per_fold = scores_by_fold(folds)
    thr11, _ = metrics.best_threshold(y, p)
    thr12, _ = metrics.best_threshold12(y, p)
    if thresholds:  # fixed beforehand (e.g. the k-fold run's out-of-fold thresholds for the latest split)
        thr11, thr12 = thresholds
    pooled = metrics.full_report(y, p, data.CLASSES, threshold=thr11, threshold12=thr12)
    summary = {k: mean_sd([r[k] for r in per_fold.values() if k in r])
               for k in ("task11", "task12", "task11Thr", "task12Thr")}
    # A fold without events of a class has no recall for it: the mean is over the folds that have some.
    summary["recall"] = {c: mean_sd([r["recall"][c] for r in per_fold.values() if r["recall"][c] is not None])
                         for c in data.CLASSES}
    last = "/".join(str(m["epochs"]) for m, _ in runs)
    return {"runs": [m for m, _ in runs], "epoch": epoch or last, "heldOut": names,
            "perFold": per_fold, "meanSd": summary, "pooled": pooled,
            "thresholds": {"task11PNormalBelow": thr11, "task12PNormalBelow": thr12}}


def markdown(rep, title):
    ms = rep["meanSd"]
    fmt = lambda k: f"{ms[k][0]:.3f} ± {ms[k][1]:.3f}"
    pooled = rep["pooled"]
    recall = pooled["perClassRecall"]
    lines = [f"### {title} (epoch {rep['epoch']}, {len(rep['heldOut'])} held-out sets)", "",
             "| Task 1-1 argmax | Task 1-1 threshold | Task 1-2 argmax | Task 1-2 threshold | pooled 1-1 (thr) | pooled 1-2 (thr) |",
             "|---|---|---|---|---|---|",
             f"| {fmt('task11')} | {fmt('task11Thr')} | {fmt('task12')} | {fmt('task12Thr')} | "
             f"{pooled['task11']['threshold']['Score']:.3f} (P(N) < {rep['thresholds']['task11PNormalBelow']:.2f}) | "
             f"{pooled['task12Threshold']['Score']:.3f} (P(N) ≥ {rep['thresholds']['task12PNormalBelow']:.2f}) |", "",
             "| " + " | ".join(f"{k} (n={v['n']})" for k, v in recall.items()) + " |",
             "|" + "---|" * len(recall),
             "| " + " | ".join("-" if v["recall"] is None else f"{v['recall']:.2f}" for v in recall.values()) + " |",
             "| " + " | ".join("-" if np.isnan(m) else f"{m:.2f} ± {sd:.2f}" for m, sd in ms["recall"].values()) + " |", "",
             "Per-class recall at argmax: first row pooled over all held-out events, second row mean ± sd over "
             "the folds that hold the class. Thresholded mean ± sd: each fold scored at the thresholds chosen "
             "on the other folds' out-of-fold predictions."]
    return "\n".join(lines)


def build_parser():
    """The CV command line; tests parse their recipes with it so every option has its default."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", nargs="+", help="run folders to report (several: their ensemble)")
    ap.add_argument("--epoch", type=int, default=0, help="report the held-out predictions after this epoch")
    ap.add_argument("--fixed-thresholds", default="", help="'t11,t12': score at thresholds fixed beforehand")
    ap.add_argument("--json", help="with --report: also write the report here (export.py --cv reads it)")
    ap.add_argument("--protocol", default="kfold", choices=["kfold", "latest", "all"],
                    help="all: train on every patient, hold nothing out (the model to ship)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated fold indices to run now (the cheap protocol)")
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "vgg16"])
    ap.add_argument("--fmin", type=float, default=EVENT_FEATURES.fmin)
    ap.add_argument("--fmax", type=float, default=EVENT_FEATURES.fmax)
    ap.add_argument("--width", type=float, default=0.25)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epoch-size", type=int, default=0)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--mixup", type=float, default=0.5)
    ap.add_argument("--conditions", type=float, default=0.0, help="recording-condition augmentation probability (augment.py)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-recordings", type=int, default=0, help="smoke tests: only the first N recordings")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke tests: at most N batches an epoch")
    return ap


def main(argv=None):
    ap = build_parser()
    args = ap.parse_args(argv)

    if args.report:
        fixed = tuple(float(t) for t in args.fixed_thresholds.split(",")) if args.fixed_thresholds else None
        rep = report(args.report, args.epoch or None, fixed)
        title = " + ".join(os.path.basename(os.path.normpath(d)) for d in args.report)
        print(markdown(rep, title))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(rep, f, indent=1)
        return rep
    if not args.out:
        ap.error("--out is required to run a CV")
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    ds = data.SPRSound(args.data)
    if args.max_recordings:
        ds.bases = [b for b in ds.bases if ds.events[b]][:args.max_recordings]
    sets = held_out_sets(ds, args.protocol, args.folds)
    command = "python3 -m training.auscult_train.cv " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "commit": git_commit(), "protocol": args.protocol, "foldSeed": FOLD_SEED,
            "epochs": args.epochs, "heldOut": [n for n, _ in sets], "args": vars(args),
            "params": count_params(Classifier(EVENT_FEATURES, args.arch, args.width, len(data.CLASSES)))}
    with open(os.path.join(args.out, "cv.json"), "w") as f:
        json.dump(meta, f, indent=1)
    only = {int(i) for i in args.only.split(",") if i != ""}
    t0 = time.time()
    for i, (name, held) in enumerate(sets):
        if only and i not in only:
            continue
        train_held_out(ds, name, held, args, args.out, meta={"command": command, "commit": meta["commit"],
                                                             "seed": args.seed, "protocol": args.protocol})
    print(f"wall time {(time.time() - t0) / 60:.1f} min, threads {args.threads}", flush=True)
    if args.protocol == "all":
        return None
    rep = report([args.out])
    print(markdown(rep, os.path.basename(os.path.normpath(args.out))))
    return rep


if __name__ == "__main__":
    main()
