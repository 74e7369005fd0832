"""Patient-grouped cross-validation of the detector recipe: the record verdict (Tasks 2-1 / 2-2) and
the detected events, from out-of-fold predictions over all 251 patients.

    python3 -m training.auscult_train.detector_cv --epochs 20 --hidden 64 --act-weight 2 \
        --dilations 1,2,4,8,16,32,1,2,4,8 --seed 0 --out training/runs/detcv-c [--only 0,1]
    python3 -m training.auscult_train.detector_cv --report training/runs/detcv-c

Folds: cv.make_folds (the same five patient folds as the event classifiers, FOLD_SEED). Each fold
trains a fresh detector for a fixed number of epochs on the other folds' recordings (no inner
validation) and runs its held-out recordings through the exact inference path (ExportDetector with
the app's chunking), writing every recording's record probabilities and frame outputs.

The report gives Task 2-1 / 2-2 per fold (mean ± sd) for two verdict rules:

* ``head``: the record head's argmax (the rule shipped before);
* ``hierarchical`` (postprocess.record_verdict): Poor Quality when P(Poor Quality) >= t_pq, else
  adventitious when P(CAS) + P(DAS) + P(CAS & DAS), renormalised without Poor Quality, is >= t_adv,
  and then the most probable family. (t_pq, t_adv) maximise the Task 2-2 Score of the *other* folds'
  out-of-fold predictions (for the per-fold rows) or of all of them (the thresholds to ship).

``--protocol all`` trains the same recipe on every recording (nothing held out): the detector to ship,
whose figures are this CV's. ``--protocol latest`` (cv.latest_recordings) holds out each patient's later
recordings and trains on the earlier ones: the deployment-like check, scored with ``--report …
--fixed-verdict T_PQ,T_ADV`` at the verdict thresholds chosen beforehand on the k-fold out-of-fold predictions.

Resumable per epoch (<out>/<fold>/last.pt); one process with --threads 1 or 2.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from . import data, event_metrics
from .cv import held_out_sets, load_average, load_resume_point, mean_sd, save_resume_point
from .detector import POOR_QUALITY, RECORD_CLASSES
from .detector_eval import PQ_THRESHOLDS, EventReclassifier, evaluate_events, predict_split
from .postprocess import DEFAULT_PARAMS, record_verdict
from .train import git_commit
from .train_detector import (RecordingSampler, SpecCache, add_recipe_arguments, build_detector, build_optimiser,
                             train_epoch)

ADVENTITIOUS_THRESHOLDS = [round(x, 2) for x in np.arange(0.1, 0.91, 0.05)]
# The event post-processing of the shipped detector (its manifest entry; test_detector_smoke checks
# they agree): activity thresholds chosen by nested CV for the partial-label events trunk.
SHIPPED_POSTPROCESS = {**DEFAULT_PARAMS, "threshold": 0.6, "thresholdLow": 0.5, "medianFrames": 3,
                       "maxGapMs": 0, "minDurationMs": 0}


def fold_bases(ds, held, max_recordings=0):
    """(training recordings, held-out recordings); smoke tests keep the first ``max_recordings`` of each."""
    train_b = [b for b in ds.bases if b not in held]
    held_b = [b for b in ds.bases if b in held]
    if max_recordings:
        train_b, held_b = train_b[:max_recordings], held_b[:max_recordings]
    return train_b, held_b


def train_fold(ds, cache, name, held, args, out, meta=None):
    """Trains on every recording outside ``held``; writes <out>/<name>/{records.json, frames.npz, model.pt}."""
    fold_dir = os.path.join(out, name)
    os.makedirs(fold_dir, exist_ok=True)
    if os.path.exists(os.path.join(fold_dir, "done.json")):
        print(f"{name}: done, skipped", flush=True)
        return
    train_b, held_b = fold_bases(ds, held, args.max_recordings)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    det = build_detector(args)
    sampler = RecordingSampler(ds, train_b, cache, det.features, rng, partial_labels=args.partial_labels)
    cls_w, rec_w = sampler.class_weights(len(data.CLASSES)), sampler.record_weights()
    opt, sched, n_batches, steps = build_optimiser(det, args, len(train_b))
    start, step = 1, 0
    last = os.path.join(fold_dir, "last.pt")
    ck = load_resume_point(last, det, opt, sched, rng, name)
    if ck:
        start, step = ck["epoch"] + 1, ck["step"]
    log = open(os.path.join(fold_dir, "log.jsonl"), "a")
    for epoch in range(start, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(det, opt, sched, sampler, rng, cls_w, rec_w, args, n_batches, step, steps)
        lm = np.mean(losses, 0)
        row = {"epoch": epoch, "loss": lm.tolist(), "trainSec": round(time.time() - t0, 1),
               "threads": torch.get_num_threads(), "loadAvg1m": load_average()}
        log.write(json.dumps(row) + "\n")
        log.flush()
        print(f"{name} epoch {epoch:2d} loss {lm[0]:.3f} (act {lm[1]:.3f} cls {lm[2]:.3f} rec {lm[3]:.3f}) "
              f"train {row['trainSec']:.0f}s load {row['loadAvg1m']}", flush=True)
        save_resume_point(last, det, opt, sched, rng, epoch, step)
    log.close()
    t0 = time.time()
    preds = predict_split(det, ds, held_b)
    with open(os.path.join(fold_dir, "records.json"), "w") as f:
        json.dump({b: [float(v) for v in preds[b][2]] for b in held_b}, f)
    np.savez_compressed(os.path.join(fold_dir, "frames.npz"),
                        **{f"{b}.activity": preds[b][0] for b in held_b},
                        **{f"{b}.classProbs": preds[b][1] for b in held_b})
    torch.save({"config": det.config, "state_dict": det.state_dict(), "epoch": args.epochs, **(meta or {})},
               os.path.join(fold_dir, "model.pt"))
    with open(os.path.join(fold_dir, "done.json"), "w") as f:
        json.dump({"heldOutRecordings": len(held_b), "trainRecordings": len(train_b),
                   "predictSec": round(time.time() - t0, 1)}, f)
    os.remove(last)


# ------------------------------------------------------------------------------------------ report

# Activity thresholds (hysteresis: high, low) tried by --tune-activity.
ACTIVITY_GRID = [(hi, lo) for hi in (0.5, 0.6, 0.7, 0.8, 0.9) for lo in (0.3, 0.4, 0.5) if lo <= hi]


def hierarchical_params(t_pq, t_adv, postprocess=None):
    return {**(postprocess or SHIPPED_POSTPROCESS), "verdict": "hierarchical", "poorQualityThreshold": t_pq,
            "adventitiousThreshold": t_adv}


def with_activity(hi, lo, postprocess=None):
    return {**(postprocess or SHIPPED_POSTPROCESS), "threshold": hi, "thresholdLow": lo}


def primary(row):
    """The issue-12 summary of one row of event figures: mean of the family event F1, the mean of the
    CAS / DAS 1-s segment F1 and the agnostic F1 inside the annotated stretch."""
    return (row["familyEventF1"] + (row["segmentF1CAS"] + row["segmentF1DAS"]) / 2 + row["agnosticInStretchF1"]) / 3


def event_row(ds, bases, frames, postprocess, retype=None, prefix="", record_probs=None):
    """The event figures of one fold (events typed by the detector, or by ``retype``; then, with
    ``postprocess["eventTyping"]``, with the record: ``record_probs`` [R, 5] in ``bases`` order)."""
    recs = dict(zip(bases, record_probs)) if record_probs is not None else {}
    if postprocess.get("eventTyping") and record_probs is None:
        raise ValueError("typing events with the record needs the record probabilities")
    preds = {b: (*frames[b], recs.get(b), (len(ds.recording(b)) * 1000) // data.SAMPLE_RATE) for b in bases}
    ev = evaluate_events(ds, preds, postprocess, retype=retype)
    out = {"agnosticF1": ev["agnostic"]["f1"], "classAwareF1": ev["classAware"]["f1"],
           "familyEventF1": ev["families"]["familyEvent"]["f1"],
           "segmentF1CAS": ev["families"]["segment"]["CAS"]["f1"],
           "segmentF1DAS": ev["families"]["segment"]["DAS"]["f1"],
           "agnosticInStretchF1": ev["families"]["agnosticInStretch"]["f1"]}
    if prefix:   # the class-agnostic figures do not depend on who types the events
        out = {prefix + k[0].upper() + k[1:]: v for k, v in out.items() if k not in ("agnosticF1", "agnosticInStretchF1")}
    return out


def tune_activity(ds, run_dir, grid=ACTIVITY_GRID):
    """Activity thresholds chosen by nested CV on the detector's own event types: for each fold the grid
    point with the best mean primary score over the *other* folds, scored on that fold; and the point
    best over all folds (the one to ship)."""
    _, folds = load_folds(run_dir)
    names = sorted(folds)
    table = {}
    for hi, lo in grid:
        params = with_activity(hi, lo)
        table[(hi, lo)] = {n: event_row(ds, folds[n][0], folds[n][2], params) for n in names}
        print(f"activity {hi:.2f}/{lo:.2f}: primary {np.mean([primary(r) for r in table[(hi, lo)].values()]):.4f}",
              flush=True)
    mean_primary = lambda point, fold_names: float(np.mean([primary(table[point][n]) for n in fold_names]))
    per_fold = {}
    for n in names:
        others = [m for m in names if m != n]
        point = max(grid, key=lambda p: mean_primary(p, others))   # first best kept
        per_fold[n] = {**table[point][n], "primary": primary(table[point][n]), "threshold": point[0],
                       "thresholdLow": point[1]}
    keys = ("agnosticF1", "classAwareF1", "familyEventF1", "segmentF1CAS", "segmentF1DAS", "agnosticInStretchF1", "primary")
    best = max(grid, key=lambda p: mean_primary(p, names))
    return {"run": run_dir, "grid": [list(p) for p in grid],
            "meanPrimaryPerPoint": {f"{hi}/{lo}": mean_primary((hi, lo), names) for hi, lo in grid},
            "nestedPerFold": per_fold,
            "nestedMeanSd": {k: mean_sd([r[k] for r in per_fold.values()]) for k in keys},
            "chosen": {"threshold": best[0], "thresholdLow": best[1]}}


def verdicts(record_probs, params):
    """[label] for [record probabilities] (the verdict rules need no events)."""
    return [record_verdict([], r, params)[0] for r in record_probs]


def record_report(truth, record_probs, params):
    return event_metrics.record_scores(truth, verdicts(record_probs, params), RECORD_CLASSES)


def choose_thresholds(truth, record_probs):
    """(t_pq, t_adv, Task 2-2 Score): the grid point with the best Task 2-2 Score (first best kept)."""
    best = (None, None, -1.0)
    for t_pq in PQ_THRESHOLDS:
        for t_adv in ADVENTITIOUS_THRESHOLDS:
            s = record_report(truth, record_probs, hierarchical_params(t_pq, t_adv))["task22"]["Score"]
            if s > best[2]:
                best = (t_pq, t_adv, s)
    return best


def load_run_folds(run_dir):
    """{fold: (bases, record probs [R, 5], frame predictions {base: (activity, classProbs)})} of one run."""
    with open(os.path.join(run_dir, "cv.json")) as f:
        meta = json.load(f)
    folds = {}
    for name in meta["heldOut"]:
        fold_dir = os.path.join(run_dir, name)
        if not os.path.exists(os.path.join(fold_dir, "done.json")):
            continue
        with open(os.path.join(fold_dir, "records.json")) as f:
            rec = json.load(f)
        z = np.load(os.path.join(fold_dir, "frames.npz"))
        bases = sorted(rec)
        frames = {b: (z[f"{b}.activity"], z[f"{b}.classProbs"]) for b in bases}
        folds[name] = (bases, np.array([rec[b] for b in bases]), frames)
    return meta, folds


def load_folds(run_dirs):
    """(meta of the first run, folds as load_run_folds) for one run folder or several joined by "+": then
    the ensemble, the mean of the runs' record probabilities and frame outputs, over the folds that every
    run has finished (the runs must hold out the same recordings: the same fold seed)."""
    runs = [load_run_folds(d) for d in run_dirs.split("+")]
    if len(runs) == 1:
        return runs[0]
    names = [n for n in runs[0][1] if all(n in r for _, r in runs)]
    folds = {}
    for n in names:
        bases = runs[0][1][n][0]
        if any(r[n][0] != bases for _, r in runs):
            raise ValueError(f"{n}: the runs hold out different recordings; an ensemble needs the same folds")
        records = np.mean([r[n][1] for _, r in runs], 0)
        frames = {b: tuple(np.mean([r[n][2][b][i] for _, r in runs], 0) for i in range(2)) for b in bases}
        folds[n] = (bases, records, frames)
    return runs[0][0], folds


def fold_classifiers(classifier_runs, fold, ds):
    """The event classifiers trained without ``fold`` (cv.py run folders), as an EventReclassifier."""
    paths = [os.path.join(d, fold, "model.pt") for d in classifier_runs]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(f"{fold}: no fold classifier at {', '.join(missing)}")
    return EventReclassifier(paths, ds)


def report(ds, run_dir, classifier_runs=(), verdict_run=None, postprocess=None, fixed_verdict=None):
    """The CV table; with ``classifier_runs`` the events are also scored as the app types them: each
    fold's detected events retyped by the event classifiers trained without that fold (argmax of the
    members' mean probabilities). ``verdict_run``: the record probabilities come from that run's folds
    (a TwoTrunkDetector: events from ``run_dir``, verdict from ``verdict_run``). Either may join several
    runs with "+": their ensemble (load_folds). ``postprocess``: the event post-processing (default
    SHIPPED_POSTPROCESS). ``fixed_verdict`` (t_pq, t_adv): hierarchical thresholds fixed beforehand, used for
    every fold and the pooled rows instead of thresholds chosen on this run's predictions."""
    postprocess = postprocess or SHIPPED_POSTPROCESS
    meta, folds = load_folds(run_dir)
    if verdict_run:
        _, vfolds = load_folds(verdict_run)
        by_base = {n: dict(zip(v[0], v[1])) for n, v in vfolds.items()}
        folds = {n: (bases, np.array([by_base[n][b] for b in bases]), frames)
                 for n, (bases, _, frames) in folds.items() if n in by_base}
    names = sorted(folds)
    per_fold = {}
    for name in names:
        bases, probs, frames = folds[name]
        truth = [ds.records[b] for b in bases]
        others = [n for n in names if n != name]
        head = record_report(truth, probs, {**postprocess, "verdict": "head"})
        t_pq = t_adv = None
        if fixed_verdict:
            t_pq, t_adv = fixed_verdict
        elif others:
            t_truth = [ds.records[b] for n in others for b in folds[n][0]]
            t_probs = np.concatenate([folds[n][1] for n in others])
            t_pq, t_adv, _ = choose_thresholds(t_truth, t_probs)
        # Events typed with the record use the verdict this fold would get (thresholds fixed, or from the other folds).
        ev_post = (hierarchical_params(t_pq, t_adv, postprocess) if postprocess.get("eventTyping") and t_pq is not None
                   else postprocess)
        row = {"n": len(bases), "headTask21": head["task21"]["Score"], "headTask22": head["task22"]["Score"],
               **event_row(ds, bases, frames, ev_post, record_probs=probs)}
        if classifier_runs:
            row.update(event_row(ds, bases, frames, ev_post, fold_classifiers(classifier_runs, name, ds), "app", probs))
        if t_pq is not None:
            hier = record_report(truth, probs, hierarchical_params(t_pq, t_adv, postprocess))
            row.update({"hierTask21": hier["task21"]["Score"], "hierTask22": hier["task22"]["Score"],
                        "tPq": t_pq, "tAdv": t_adv})
        per_fold[name] = row
    truth = [ds.records[b] for n in names for b in folds[n][0]]
    probs = np.concatenate([folds[n][1] for n in names])
    t_pq, t_adv = fixed_verdict or choose_thresholds(truth, probs)[:2]
    keys = ("headTask21", "headTask22", "hierTask21", "hierTask22", "agnosticF1", "classAwareF1",
            "familyEventF1", "segmentF1CAS", "segmentF1DAS", "agnosticInStretchF1",
            "appClassAwareF1", "appFamilyEventF1", "appSegmentF1CAS", "appSegmentF1DAS")
    return {"run": meta, "heldOut": names, "perFold": per_fold, "classifierRuns": list(classifier_runs),
            "verdictRun": verdict_run,
            "meanSd": {k: mean_sd([r[k] for r in per_fold.values() if k in r]) for k in keys},
            "pooled": {"head": record_report(truth, probs, {**postprocess, "verdict": "head"}),
                       "hierarchical": record_report(truth, probs, hierarchical_params(t_pq, t_adv, postprocess))},
            "thresholds": {"poorQualityThreshold": t_pq, "adventitiousThreshold": t_adv, "fixedBeforehand": bool(fixed_verdict)},
            "postprocess": postprocess}


def markdown(rep):
    ms = rep["meanSd"]
    fmt = lambda k: f"{ms[k][0]:.3f} ± {ms[k][1]:.3f}"
    pooled = rep["pooled"]
    t = rep["thresholds"]
    post = rep.get("postprocess", SHIPPED_POSTPROCESS)
    return "\n".join([
        f"### Detector CV ({len(rep['heldOut'])} held-out folds)"
        + (f"; verdict from {rep['verdictRun']}" if rep.get("verdictRun") else ""), "",
        "| verdict rule | Task 2-1 | Task 2-2 | pooled 2-1 | pooled 2-2 |", "|---|---|---|---|---|",
        f"| head argmax | {fmt('headTask21')} | {fmt('headTask22')} | {pooled['head']['task21']['Score']:.3f} | "
        f"{pooled['head']['task22']['Score']:.3f} |",
        f"| hierarchical (P(PQ) ≥ {t['poorQualityThreshold']:.2f}, P(adv) ≥ {t['adventitiousThreshold']:.2f}) | "
        f"{fmt('hierTask21')} | {fmt('hierTask22')} | {pooled['hierarchical']['task21']['Score']:.3f} | "
        f"{pooled['hierarchical']['task22']['Score']:.3f} |", "",
        f"Events (activity thresholds {post['threshold']} / {post['thresholdLow']}"
        + (f"; types {post['eventTyping']}" if post.get("eventTyping") else "")
        + f"): class-agnostic F1 {fmt('agnosticF1')}, class-aware F1 {fmt('classAwareF1')}.", "",
        "| adventitious-family event F1 | CAS 1-s segment F1 | DAS 1-s segment F1 | agnostic F1 in the annotated stretch |",
        "|---|---|---|---|",
        f"| {fmt('familyEventF1')} | {fmt('segmentF1CAS')} | {fmt('segmentF1DAS')} | {fmt('agnosticInStretchF1')} |", "",
        *([f"As the app types them (fold classifiers: {', '.join(rep['classifierRuns'])}): class-aware F1 "
           f"{fmt('appClassAwareF1')}, family event F1 {fmt('appFamilyEventF1')}, CAS segment F1 "
           f"{fmt('appSegmentF1CAS')}, DAS segment F1 {fmt('appSegmentF1DAS')}.", ""] if rep.get("classifierRuns") else []),
        ("Hierarchical rows use the verdict thresholds fixed beforehand." if t.get("fixedBeforehand") else
         "Hierarchical per-fold rows use thresholds chosen on the other folds; pooled rows use the thresholds "
         "chosen on all out-of-fold predictions (the ones to ship).")])


def report_path(run_dirs, name):
    """<run>/<name>.json; for runs joined by "+", in the first run's folder, named after all of them."""
    runs = run_dirs.split("+")
    if len(runs) > 1:
        name += "-ensemble-" + "+".join(os.path.basename(os.path.normpath(d)) for d in runs)
    return os.path.join(runs[0], name + ".json")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_recipe_arguments(ap)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--protocol", default="kfold", choices=["kfold", "latest", "all"],
                    help="all: train on every patient, hold nothing out (the detector to ship: <out>/all/model.pt); "
                         "latest: hold out each patient's later recordings (cv.latest_recordings)")
    ap.add_argument("--only", default="", help="comma-separated fold indices to run now")
    ap.add_argument("--out")
    ap.add_argument("--report", help="a finished (or partly finished) run folder; several joined by + : their ensemble")
    ap.add_argument("--classifiers", nargs="*", default=[],
                    help="with --report: cv.py run folders whose fold models retype the events (as the app does)")
    ap.add_argument("--verdict-run", help="with --report: take the record probabilities from this run's folds "
                                          "(events from --report's run: a two-trunk detector)")
    ap.add_argument("--activity", help="with --report: activity thresholds HIGH/LOW (default: the shipped "
                                       f"{SHIPPED_POSTPROCESS['threshold']}/{SHIPPED_POSTPROCESS['thresholdLow']})")
    ap.add_argument("--fixed-verdict", help="with --report: hierarchical thresholds P(PQ),P(adv) fixed beforehand "
                                            "(e.g. the manifest's 0.4,0.5 for a --protocol latest run)")
    ap.add_argument("--typing", choices=["verdict-weighted"],
                    help="with --report: type the events with the record (postprocess.type_with_record)")
    ap.add_argument("--tune-activity", help="a run folder: choose the activity thresholds by nested CV over its folds "
                                            "(writes <run>/activity[-<grid>].json)")
    ap.add_argument("--activity-grid", help="with --tune-activity: HIGHS/LOWS, comma-separated (pairs with low > high "
                                            "are skipped), e.g. 0.6,0.7/0.5,0.6; default ACTIVITY_GRID")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ds = data.SPRSound(args.data)
    if args.tune_activity:
        grid = ACTIVITY_GRID
        name = "activity"
        if args.activity_grid:
            highs, lows = ([float(v) for v in part.split(",")] for part in args.activity_grid.split("/"))
            grid = [(hi, lo) for hi in highs for lo in lows if lo <= hi]
            name += "-" + args.activity_grid.replace("/", "_").replace(",", "-")
        rep = tune_activity(ds, args.tune_activity, grid)
        with open(report_path(args.tune_activity, name), "w") as f:
            json.dump(rep, f, indent=1)
        print(json.dumps({k: rep[k] for k in ("nestedMeanSd", "chosen")}, indent=1))
        return rep
    if args.report:
        post = with_activity(*map(float, args.activity.split("/"))) if args.activity else dict(SHIPPED_POSTPROCESS)
        if args.typing:
            post["eventTyping"] = args.typing
        fixed = tuple(float(v) for v in args.fixed_verdict.split(",")) if args.fixed_verdict else None
        rep = report(ds, args.report, args.classifiers, args.verdict_run, post, fixed)
        name = ("report-verdict-from-" + "+".join(os.path.basename(os.path.normpath(d)) for d in args.verdict_run.split("+"))
                if args.verdict_run else "report")
        if args.activity:
            name += "-activity-" + args.activity.replace("/", "-")
        if args.typing:
            name += "-typing-" + args.typing
        if fixed:
            name += "-verdict-" + args.fixed_verdict.replace(",", "-")
        with open(report_path(args.report, name), "w") as f:
            json.dump(rep, f, indent=1)
        print(markdown(rep))
        return rep
    os.makedirs(args.out, exist_ok=True)
    sets = held_out_sets(ds, args.protocol, args.folds)
    command = "python3 -m training.auscult_train.detector_cv " + " ".join(sys.argv[1:] if argv is None else argv)
    with open(os.path.join(args.out, "cv.json"), "w") as f:
        json.dump({"command": command, "commit": git_commit(), "args": vars(args),
                   "heldOut": [n for n, _ in sets], "folds": args.folds}, f, indent=1)
    det = build_detector(args)
    only = {int(i) for i in args.only.split(",") if i != ""}
    needed = sorted({b for i, (_, held) in enumerate(sets) if not only or i in only
                     for part in fold_bases(ds, held, args.max_recordings) for b in part})
    cache = SpecCache(ds, needed, det.features, cache_dir=None if args.max_recordings else data.CACHE_DIR)
    t0 = time.time()
    for i, (name, held) in enumerate(sets):
        if only and i not in only:
            continue
        train_fold(ds, cache, name, held, args, args.out,
                   meta={"command": command, "commit": git_commit(), "seed": args.seed, "protocol": args.protocol})
    print(f"wall {(time.time() - t0) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
