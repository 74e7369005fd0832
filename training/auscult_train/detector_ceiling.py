"""How far can class-agnostic event F1 go on SPRSound's labels? Label statistics and oracle ceilings.

    python3 -m training.auscult_train.detector_ceiling [--model public/models/detector-tcn-logstft.onnx]

Prints (the numbers quoted in training/cards/detector.md, "Why the event F1 target is out of reach"):

* **Label statistics** over every recording with events: how much of the recorded time lies in
  unannotated stretches of >= ``UNANNOTATED_MIN_MS`` (longer than a median event plus a median pause,
  so a child breathing at 20-60 breaths/min breathes there), and in how many recordings.
* **Oracle ceilings** of the shipped detector (ONNX, run with onnxruntime-web in Node exactly as
  exported, post-processing from the manifest) on the val and test patients: its F1 when an oracle
  (a) removes every detection that overlaps no annotated event (the annotators' choice of which breaths
  to mark), (b) moves the end of every detection whose onset is already within the onset collar of an
  overlapping annotated event to that event's end (the annotators' choice of where a fading expiration
  ends), and (a) + (b). Both oracles use the reference labels, so they are ceilings, not methods.

    python3 -m training.auscult_train.detector_ceiling --cv RUN[+RUN] --report REPORT.json

* **The same oracles on issue 12's figures**, from a detector_cv run's out-of-fold outputs (a "+" joins
  runs into their ensemble) post-processed as in REPORT.json (a ``detector_cv --report`` output: its
  post-processing and each fold's verdict thresholds): family event F1, CAS / DAS 1-s segment F1 and
  agnostic F1 inside the annotated stretch, plus (c) types from the labels (a detection overlapping an
  annotated event takes that event's type) and (a) + (b) + (c).
"""
import argparse
import json
import os

import numpy as np

from . import data, event_metrics
from .detector import EVENT_CLASSES, EVENT_GROUPS, POOR_QUALITY
from .detector_cv import hierarchical_params, load_folds
from .detector_eval import duration_ms, event_pairs, ref_events, split_bases
from .export_detector import run_onnx_node
from .postprocess import detect_events

UNANNOTATED_MIN_MS = 3000
DEFAULT_MODEL = os.path.join(data.REPO_ROOT, "public", "models", "detector-tcn-logstft.onnx")
MANIFEST = os.path.join(data.REPO_ROOT, "public", "models", "manifest.json")


def overlaps(a, b):
    return min(a[1], b[1]) > max(a[0], b[0])


def unannotated_stretches(refs, duration, min_ms=UNANNOTATED_MIN_MS):
    """[(start, end)] ms of the stretches of at least ``min_ms`` that no annotated event covers."""
    covered = np.zeros(duration, dtype=bool)
    for s, e, _ in refs:
        covered[max(0, s):min(duration, e)] = True
    edges = np.flatnonzero(np.diff(np.r_[0, (~covered).astype(np.int8), 0]))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= min_ms]


def drop_unannotated(refs, ests):
    """Oracle (a): keep only the detections that overlap an annotated event."""
    return [e for e in ests if any(overlaps(e, r) for r in refs)]


def snap_offsets(refs, ests):
    """Oracle (b): a detection whose onset is within the onset collar of an overlapping annotated
    event ends where that event ends."""
    out = []
    for e in ests:
        near = [r for r in refs if abs(r[0] - e[0]) <= event_metrics.ONSET_COLLAR_MS and overlaps(e, r)]
        out.append((e[0], near[0][1], e[2]) if near else e)
    return out


def label_types(refs, ests):
    """Oracle (c): a detection that overlaps an annotated event takes the type of the one it overlaps most."""
    out = []
    for e in ests:
        best = max(refs, key=lambda r: min(e[1], r[1]) - max(e[0], r[0]), default=None)
        out.append((e[0], e[1], best[2]) if best is not None and overlaps(e, best) else e)
    return out


ORACLES = {
    "shipped": lambda refs, ests: ests,
    "(a) no detections outside the annotations": drop_unannotated,
    "(b) annotated offsets": snap_offsets,
    "(a) + (b)": lambda refs, ests: snap_offsets(refs, drop_unannotated(refs, ests)),
}
FAMILY_ORACLES = {
    **ORACLES,
    "(c) annotated types": label_types,
    "(a) + (b) + (c)": lambda refs, ests: label_types(refs, snap_offsets(refs, drop_unannotated(refs, ests))),
}


def label_statistics(ds):
    n_rec = n_ev = with_gap = 0
    gap_ms = total_ms = 0
    for b in ds.bases:
        if ds.records[b] == POOR_QUALITY:
            continue
        refs = ref_events(ds, b)
        dur = duration_ms(len(ds.recording(b)))
        stretches = unannotated_stretches(refs, dur)
        n_rec += 1
        n_ev += len(refs)
        with_gap += bool(stretches)
        gap_ms += sum(e - s for s, e in stretches)
        total_ms += dur
    return {"recordings": n_rec, "events": n_ev, "recordingsWithStretch": with_gap,
            "stretchShareOfTime": gap_ms / total_ms, "minStretchMs": UNANNOTATED_MIN_MS}


def oracle_table(ds, model, params, split_name):
    bases = [b for b in split_bases(ds, split_name) if ds.records[b] != POOR_QUALITY]
    preds = run_onnx_node(model, [(b, ds.recording(b)) for b in bases])
    pairs = []
    for b in bases:
        activity, class_probs, _ = preds[b]
        evs = detect_events(activity, class_probs, duration_ms(len(ds.recording(b))), params)
        pairs.append((ref_events(ds, b), [(e["start"], e["end"], e["type"]) for e in evs]))
    rows = {}
    for name, oracle in ORACLES.items():
        s = event_metrics.event_scores([(r, oracle(r, e)) for r, e in pairs], EVENT_CLASSES)["agnostic"]
        rows[name] = {k: s[k] for k in ("precision", "recall", "f1")}
    return rows


def family_rows(pairs, oracles=None):
    """{oracle: issue 12's figures} for [(refs, estimates)] (event_metrics.family_scores)."""
    rows = {}
    for name, oracle in (oracles or FAMILY_ORACLES).items():
        f = event_metrics.family_scores([(r, oracle(r, e)) for r, e in pairs], EVENT_GROUPS)
        rows[name] = {"familyEventF1": f["familyEvent"]["f1"], "segmentF1CAS": f["segment"]["CAS"]["f1"],
                      "segmentF1DAS": f["segment"]["DAS"]["f1"], "agnosticInStretchF1": f["agnosticInStretch"]["f1"]}
    return rows


def cv_pairs(ds, run_dirs, report):
    """[(refs, estimates)] of every held-out recording of a detector_cv run (not Poor Quality), post-processed
    as ``report`` (a detector_cv --report result) says, with each fold's verdict thresholds."""
    _, folds = load_folds(run_dirs)
    pairs = []
    for name, (bases, record_probs, frames) in sorted(folds.items()):
        fold = report["perFold"][name]
        params = hierarchical_params(fold["tPq"], fold["tAdv"], report["postprocess"])
        preds = {b: (*frames[b], rec, duration_ms(len(ds.recording(b)))) for b, rec in zip(bases, record_probs)}
        pairs += event_pairs(ds, preds, params)
    return pairs


def main_cv(args):
    with open(args.report) as f:
        report = json.load(f)
    rows = family_rows(cv_pairs(data.SPRSound(), args.cv, report))
    print(f"Out-of-fold, {args.cv}, post-processing of {args.report}\n")
    print("| detections | family event F1 | CAS 1-s seg F1 | DAS 1-s seg F1 | agnostic in stretch |\n|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['familyEventF1']:.3f} | {r['segmentF1CAS']:.3f} | {r['segmentF1DAS']:.3f} | "
              f"{r['agnosticInStretchF1']:.3f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"cv": args.cv, "report": args.report, "rows": rows}, f, indent=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cv", default=None, help="detector_cv run folder(s), '+'-joined: the issue-12 oracle table")
    ap.add_argument("--report", default=None, help="with --cv: the detector_cv --report JSON whose post-processing to use")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--model-id", default="detector-tcn-logstft")
    ap.add_argument("--out", default=None, help="also write the numbers as JSON")
    args = ap.parse_args(argv)
    if args.cv:
        if not args.report:
            ap.error("--cv needs --report")
        return main_cv(args)
    with open(MANIFEST) as f:
        params = next(m for m in json.load(f)["models"] if m["id"] == args.model_id)["postprocess"]
    ds = data.SPRSound()
    stats = label_statistics(ds)
    print(f"{stats['recordings']} recordings with events ({stats['events']} events): "
          f"{stats['recordingsWithStretch']} ({stats['recordingsWithStretch'] / stats['recordings']:.1%}) have an "
          f"unannotated stretch >= {UNANNOTATED_MIN_MS / 1000:g} s; such stretches are "
          f"{stats['stretchShareOfTime']:.1%} of all recorded time")
    result = {"labels": stats}
    print("\n| split | detections | precision | recall | class-agnostic F1 |\n|---|---|---|---|---|")
    for split_name in ("val", "test"):
        rows = oracle_table(ds, args.model, params, split_name)
        result[split_name] = rows
        for name, r in rows.items():
            print(f"| {split_name} | {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
