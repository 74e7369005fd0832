"""Detector evaluation helpers: frame predictions for a split, post-processing search, verdicts.

    python3 -m training.auscult_train.detector_eval --ckpt training/runs/det-final/best.pt \
        --out training/runs/det-final/eval.json [--event-ckpt training/runs/<classifier>/best.pt ...]

* Post-processing parameters (hysteresis thresholds, median width, gap merge, minimum duration) are
  chosen on VAL patients only (grid search, maximising class-agnostic event F1; first best kept).
* Record verdict: "head" (record head argmax) vs "rules" (events -> CAS/DAS, Poor Quality from the
  head's P(Poor Quality) >= t, t chosen on val) are compared on VAL by the Task 2-2 Score; the better
  one is kept, then everything is reported once on TEST patients.
* Event types: the detector's own frame classes vs re-classifying every detected event with
  the event classifiers (--event-ckpt, mean of their probabilities), compared on VAL
  (class-aware event F1, type accuracy, Task 2-2 Score of the rules verdict).
"""
import argparse
import itertools
import json
import time

import numpy as np
import torch

from . import data, event_metrics
from .detector import EVENT_CLASSES, EVENT_GROUPS, POOR_QUALITY, RECORD_CLASSES, ExportDetector, load_detector, predict_recording
from .features import EVENT_FEATURES
from .models import count_params, load_classifier
from .postprocess import DEFAULT_PARAMS, detect_events, record_verdict, type_events
from .timing import median_ms

GRID = {
    "threshold": [0.4, 0.5, 0.6, 0.7, 0.8],
    "thresholdLow": [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
    "medianFrames": [1, 3, 5, 7],
    "maxGapMs": [0, 50, 100, 200],
    "minDurationMs": [0, 150, 250, 400, 550],
}
PQ_THRESHOLDS = [round(x, 2) for x in np.arange(0.1, 0.91, 0.05)]


def split_bases(ds, split_name, split=None):
    split = split or data.load_split()
    ps = set(split[split_name])
    return [b for b in ds.bases if data.patient_of(b) in ps]


def duration_ms(n_samples):
    return (n_samples * 1000) // data.SAMPLE_RATE


@torch.no_grad()
def predict_split(det, ds, bases):
    """{base: (activity, classProbs, recordProbs, durationMs)}."""
    model = ExportDetector(det).eval()
    out = {}
    for b in bases:
        x = ds.recording(b)
        a, c, r = predict_recording(model, x)
        out[b] = (a, c, r, duration_ms(len(x)))
    return out


def ref_events(ds, b):
    return [(s, e, t) for s, e, t in ds.events[b] if t in data.CLASS_INDEX and e > s]


def event_pairs(ds, preds, params, bases=None, retype=None):
    """[(annotated events, detected events)] of the non-Poor-Quality recordings, each as [(start ms, end ms,
    type)]: ``preds`` {base: (activity, classProbs, recordProbs, durationMs)} post-processed with ``params``;
    ``retype(base, events)`` may replace types, and ``params["eventTyping"]`` then types them with the record
    (postprocess.type_events)."""
    pairs = []
    for b in bases or preds:
        if ds.records[b] == POOR_QUALITY:
            continue
        a, c, rec, dur = preds[b]
        evs = detect_events(a, c, dur, params)
        if retype:
            evs = retype(b, evs)
        if params.get("eventTyping") == "verdict-weighted":
            evs = type_events(evs, rec, record_verdict(evs, rec, params)[0])
        pairs.append((ref_events(ds, b), [(e["start"], e["end"], e["type"]) for e in evs]))
    return pairs


def evaluate_events(ds, preds, params, bases=None, retype=None):
    """Event scores of event_pairs (same arguments)."""
    pairs = event_pairs(ds, preds, params, bases, retype)
    return {**event_metrics.event_scores(pairs, EVENT_CLASSES),
            "families": event_metrics.family_scores(pairs, EVENT_GROUPS)}


def evaluate_records(ds, preds, params, bases=None, retype=None):
    truth, pred, conf = [], [], []
    for b in bases or preds:
        a, c, r, dur = preds[b]
        evs = detect_events(a, c, dur, params)
        if retype:
            evs = retype(b, evs)
        label, cf = record_verdict(evs, r, params)
        truth.append(ds.records[b])
        pred.append(label)
        conf.append(cf)
    rep = event_metrics.record_scores(truth, pred, RECORD_CLASSES)
    rep["meanConfidence"] = float(np.mean(conf)) if conf else 0.0
    return rep


@torch.no_grad()
def predict_split_cached(det, cache, bases, batch=16):
    """As predict_split, from train_detector.SpecCache spectrograms (float16; for model selection)."""
    det.eval()
    out = {}
    by_len = {}
    for b in bases:
        by_len.setdefault(cache.spec(b).shape[1], []).append(b)
    for t, group in by_len.items():
        for i in range(0, len(group), batch):
            g = group[i:i + batch]
            feats = det.features.normalise(torch.from_numpy(np.stack([cache.spec(b) for b in g]).astype(np.float32)))
            a, c, r = det.heads(det.trunk(feats))
            a, c, r = torch.sigmoid(a), torch.softmax(c, 1).transpose(1, 2), torch.softmax(r, 1)
            for k, b in enumerate(g):
                out[b] = (a[k].numpy(), c[k].numpy(), r[k].numpy(), duration_ms(int(cache.n_samples[cache.index[b]])))
    return out


def quick_val(det, ds, bases, params=DEFAULT_PARAMS, cache=None):
    """Per-epoch model selection numbers with fixed default post-processing."""
    preds = predict_split_cached(det, cache, bases) if cache is not None else predict_split(det, ds, bases)
    ev = evaluate_events(ds, preds, params)
    head = evaluate_records(ds, preds, {**params, "verdict": "head"})
    rules = evaluate_records(ds, preds, {**params, "verdict": "rules"})
    return {"agnosticF1": ev["agnostic"]["f1"], "classAwareF1": ev["classAware"]["f1"],
            "typeAccuracy": ev["typeAccuracy"], "headTask22": head["task22"]["Score"],
            "headTask21": head["task21"]["Score"], "rulesTask22": rules["task22"]["Score"]}, preds


# ------------------------------------------------------------------ post-processing search

def tune_postprocess(ds, preds):
    """Grid search on val: maximise class-agnostic event F1 (spans only; types do not matter)."""
    from .postprocess import active_runs, merge_and_filter
    bases = [b for b in preds if ds.records[b] != POOR_QUALITY]
    refs = {b: ref_events(ds, b) for b in bases}
    best, best_f1, rows = None, -1.0, 0
    for thr, low, med in itertools.product(GRID["threshold"], GRID["thresholdLow"], GRID["medianFrames"]):
        if low > thr:
            continue
        runs = {b: active_runs(preds[b][0], {"threshold": thr, "thresholdLow": low, "medianFrames": med}) for b in bases}
        for gap, mind in itertools.product(GRID["maxGapMs"], GRID["minDurationMs"]):
            p = {**DEFAULT_PARAMS, "threshold": thr, "thresholdLow": low, "medianFrames": med, "maxGapMs": gap,
                 "minDurationMs": mind}
            pairs = [(refs[b], [(s, e, "") for _, _, s, e in merge_and_filter(runs[b], preds[b][3], p)]) for b in bases]
            f1 = event_metrics.event_scores(pairs, [])["agnostic"]["f1"]
            rows += 1
            if f1 > best_f1 + 1e-12:
                best, best_f1 = p, f1
    return best, {"agnosticF1": best_f1, "gridSize": rows, "grid": GRID}


def tune_verdict(ds, preds, params, retype=None):
    """Compare the head and the rules (with the best P(PQ) threshold) by val Task 2-2 Score."""
    head = evaluate_records(ds, preds, {**params, "verdict": "head"}, retype=retype)
    best_t, best_rep = None, None
    for t in PQ_THRESHOLDS:
        rep = evaluate_records(ds, preds, {**params, "verdict": "rules", "poorQualityThreshold": t}, retype=retype)
        if best_rep is None or rep["task22"]["Score"] > best_rep["task22"]["Score"]:
            best_t, best_rep = t, rep
    choice = "rules" if best_rep["task22"]["Score"] > head["task22"]["Score"] else "head"
    return {"head": head, "rules": best_rep, "rulesPoorQualityThreshold": best_t, "choice": choice}


# ------------------------------------------------------------------ event classifiers

class EventReclassifier:
    """Re-types detected events with the event classifiers (mean of the members' probs)."""

    def __init__(self, ckpt_paths, ds):
        self.models = [load_classifier(p, EVENT_FEATURES)[0] for p in ckpt_paths]
        self.ds = ds
        self.cache = {}

    @torch.no_grad()
    def probs(self, base, start, end):
        key = (base, start, end)
        if key not in self.cache:
            x = data.event_samples(self.ds.recording(base), start, end)
            if len(x) == 0:
                self.cache[key] = None
            else:
                w = torch.from_numpy(data.event_windows(x))
                ps = [torch.softmax(m(w), 1).double().mean(0).numpy() for m in self.models]
                self.cache[key] = np.mean(ps, 0)
        return self.cache[key]

    def __call__(self, base, events):
        out = []
        for e in events:
            p = self.probs(base, e["start"], e["end"])
            if p is None:
                out.append(e)
                continue
            k = int(np.argmax(p))
            out.append({**e, "type": EVENT_CLASSES[k], "probs": [float(v) for v in p],
                        "confidence": float(e["activity"] * p[k])})
        return out


# ------------------------------------------------------------------ timing

@torch.no_grad()
def cpu_ms_per_recording(det, seconds=15.0, reps=20):
    """Median PyTorch ms for one 15 s recording (the manifest's pytorchCpuMsPer15s)."""
    model = ExportDetector(det).eval()
    x = torch.randn(1, int(seconds * data.SAMPLE_RATE)) * 0.05
    return {"msPer15s": round(median_ms(lambda: model(x), reps), 2), "threads": torch.get_num_threads()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--event-ckpt", action="append", default=[], help="event classifier checkpoints (train.py)")
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ds = data.SPRSound(args.data)
    det, ckpt = load_detector(args.ckpt)
    val_b, test_b = split_bases(ds, "val"), split_bases(ds, "test")
    t0 = time.time()
    val_preds = predict_split(det, ds, val_b)
    test_preds = predict_split(det, ds, test_b)
    print(f"predicted val+test in {time.time() - t0:.0f}s", flush=True)

    params, tune_info = tune_postprocess(ds, val_preds)
    print("val post-processing:", params, tune_info["agnosticF1"], flush=True)
    val_events = evaluate_events(ds, val_preds, params)

    # (4) who types the events, and (3) head vs rules verdict for each typer, all on VAL
    typers = {"detector": None}
    if args.event_ckpt:
        typers["eventClassifiers"] = EventReclassifier(args.event_ckpt, ds)
    comparison = {}
    for name, rt in typers.items():
        ev = val_events if rt is None else evaluate_events(ds, val_preds, params, retype=rt)
        vd = tune_verdict(ds, val_preds, params, retype=rt)
        comparison[name] = {"events": ev, "verdict": vd,
                            "summary": {"classAwareF1": ev["classAware"]["f1"], "macroF1": ev["classAware"]["macroF1"],
                                        "typeAccuracy": ev["typeAccuracy"],
                                        "rulesTask22": vd["rules"]["task22"]["Score"],
                                        "rulesTask21": vd["rules"]["task21"]["Score"],
                                        "headTask22": vd["head"]["task22"]["Score"],
                                        "rulesPoorQualityThreshold": vd["rulesPoorQualityThreshold"]}}
        print(f"val [{name}] events: classAwareF1 {ev['classAware']['f1']:.4f} macro {ev['classAware']['macroF1']:.4f} "
              f"typeAcc {ev['typeAccuracy']:.4f} | verdict: head task22 {vd['head']['task22']['Score']:.4f} / rules "
              f"task22 {vd['rules']['task22']['Score']:.4f} (PQ thr {vd['rulesPoorQualityThreshold']}) -> {vd['choice']}",
              flush=True)
    event_typer = max(comparison, key=lambda k: (comparison[k]["summary"]["classAwareF1"], comparison[k]["summary"]["rulesTask22"]))
    retype = typers[event_typer]
    verdict = comparison[event_typer]["verdict"]
    params = {**params, "verdict": verdict["choice"], "poorQualityThreshold": verdict["rulesPoorQualityThreshold"],
              "eventTypes": event_typer}
    print(f"chosen on val: event types by {event_typer}, verdict {verdict['choice']}", flush=True)
    if args.event_ckpt:
        comparison["eventClassifiers"]["checkpoints"] = args.event_ckpt

    # the other verdict on test too, for the model card (the choice was made on val)
    test = {"events": evaluate_events(ds, test_preds, params, retype=retype),
            "records": evaluate_records(ds, test_preds, params, retype=retype),
            "recordsHead": evaluate_records(ds, test_preds, {**params, "verdict": "head"}, retype=retype),
            "recordsRules": evaluate_records(ds, test_preds, {**params, "verdict": "rules"}, retype=retype),
            "split": f"test patients (n={len(set(data.load_split()['test']))}, {len(test_b)} recordings)"}
    for name, rt in typers.items():
        if name != event_typer:   # the alternative on test, for the model card only
            test["events_" + name] = evaluate_events(ds, test_preds, params, retype=rt)
    res = {"checkpoint": args.ckpt, "params": count_params(det), "postprocess": params, "valTuning": tune_info,
           "valEvents": val_events, "valVerdict": verdict, "valEventTypeComparison": comparison,
           "eventTypes": event_typer,
           "test": test, "cpu": cpu_ms_per_recording(det),
           "training": {k: ckpt.get(k) for k in ("command", "commit", "seed", "epoch", "val")}}
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    ev, rec = test["events"], test["records"]
    print(f"TEST: agnostic F1 {ev['agnostic']['f1']:.4f} classAware F1 {ev['classAware']['f1']:.4f} "
          f"(macro {ev['classAware']['macroF1']:.4f}) typeAcc {ev['typeAccuracy']:.4f} | task21 Score "
          f"{rec['task21']['Score']:.4f} task22 Score {rec['task22']['Score']:.4f} | cpu {res['cpu']}")


if __name__ == "__main__":
    main()
