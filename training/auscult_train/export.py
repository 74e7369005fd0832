"""Export event-classifier checkpoints to ONNX, verify them with onnxruntime-web, update the manifest and golden file.

    python3 -m training.auscult_train.export \
        --model resnet18-logstft=training/runs/final-resnet18-e20/best.pt \
        --model vgg16-logstft=training/runs/final-vgg16-nomix/best.pt \
        --eval training/runs/eval_test_v2.json --ensemble-id ensemble

For every --model ID=CKPT (through onnx_export, the one export path):
* ExportModel (features + network + softmax) -> ONNX opset 17, input ``waveform`` [B, 20000]
  float32 (dynamic B), outputs ``probs`` [B, 7] and ``features`` [B, 1, F, T]; onnx.checker.
* Runs the ONNX with onnxruntime-web (wasm, Node) and PyTorch on real event windows and compares
  both outputs element-wise (max |probs diff| <= PROBS_TOLERANCE, max |features diff| <=
  FEATURES_TOLERANCE), else stops.
* Copies it to ``<out-dir>/<id>.onnx`` and updates ``<out-dir>/manifest.json`` by id (entries with
  other ids, e.g. other tasks, are kept). Metrics come from an evaluate.py JSON (--eval), whose
  keys are the run folder names, or, for a model trained on every patient (cv.py --protocol all),
  from its recipe's cross-validation report (--cv ID=REPORT_JSON): out-of-fold metrics, the
  selectionMetrics the app's default follows, and the P(Normal) thresholds chosen out of fold. An
  ensemble entry is written when --ensemble-id is given.
* Writes the golden file for the TypeScript equality test: 6 real events from recordings that are
  in ``original-wav/`` per model, with PyTorch probs (exact input policy incl. window averaging)
  and the first window's feature checksum.
"""
import argparse
import json
import os

import numpy as np
import torch

from . import data
from .evaluate import event_inputs
from .features import EVENT_FEATURES
from .models import ExportModel, count_params, describe_architecture, load_classifier
from .onnx_export import (CLASSIFIER_TOLERANCES, MODELS_DIR, PROBS_TOLERANCE, export_classifier, feature_checksum,
                          sha256, staged_path, update_manifest, verify)
from .timing import median_ms

GOLDEN = os.path.join(data.REPO_ROOT, "test-fixtures", "golden", "event-models.json")

# (recording, index into its event_annotation): all recordings are in original-wav/.
# Two events longer than 2.5 s (3 and 2 windows), four shorter (tiled); Normal, Fine Crackle, Wheeze.
GOLDEN_EVENTS = [
    ("63613821_9.2_1_p3_1157", 0),   # Normal, 4419 ms
    ("41012107_7.9_0_p4_708", 4),    # Normal, 3520 ms
    ("41186340_6.6_0_p2_2106", 0),   # Fine Crackle, 1130 ms
    ("64561565_6.7_1_p4_592", 0),    # Fine Crackle, 2250 ms
    ("41251473_2.7_1_p1_2489", 0),   # Wheeze, 424 ms
    ("41251473_2.7_1_p1_2489", 3),   # Normal, 727 ms
]


def golden_events(ds):
    out = []
    for base, k in GOLDEN_EVENTS:
        s, e, t = ds.events[base][k]
        out.append((base, s, e, data.CLASS_INDEX[t]))
    return out


@torch.no_grad()
def golden_entries(model_id, model, ds):
    out = []
    for b, s, e, c in golden_events(ds):
        w = torch.from_numpy(data.event_windows(data.event_samples(ds.recording(b), s, e)))
        probs, feats = model(w)
        out.append({"model": model_id, "recording": b, "startMs": s, "endMs": e, "label": data.CLASSES[c],
                    "windows": int(w.shape[0]), "probs": [float(v) for v in probs.double().mean(0)],
                    "firstWindowFeatureChecksum": feature_checksum(feats[0])})
    return out


@torch.no_grad()
def cpu_timing(model, reps=30):
    """Median PyTorch CPU ms per event at batch 1 and batch 32 (one 20000-sample window per event)."""
    res = {}
    for b in (1, 32):
        x = torch.randn(b, data.CLIP) * 0.05
        res[f"batch{b}"] = round(median_ms(lambda: model(x), reps if b == 1 else max(5, reps // 3)) / b, 3)
    res["threads"] = torch.get_num_threads()
    return res


def metrics_entry(rep):
    if rep is None:
        return None
    return {"split": rep["split"], "task11": rep["task11"], "task12": rep["task12"],
            "perClassRecall": {k: v["recall"] for k, v in rep["perClassRecall"].items()},
            "perClassN": {k: v["n"] for k, v in rep["perClassRecall"].items()},
            "confusion": rep["confusion"], "task12Threshold": rep.get("task12Threshold")}


def decision_entry(rep):
    """The decision rules the apps apply, each chosen on VAL (evaluate.py's valChoice), never on test.

    task11: Adventitious iff P(Normal) < threshold (or argmax). task12: Normal iff P(Normal) >= threshold,
    else the most probable non-Normal class (or plain argmax).
    """
    if rep is None:
        return {"task11": {"rule": "argmax"}, "task12": {"rule": "argmax"}}
    v11 = rep["task11"]["valChoice"]
    task11 = ({"rule": "pNormalBelow", "threshold": v11["threshold"], "chosenOn": "val"}
              if v11["better"] == "threshold" else {"rule": "argmax"})
    t12 = rep.get("task12Threshold") or {}
    v12 = t12.get("valChoice", {})
    task12 = ({"rule": "pNormalBelow", "threshold": t12["pNormalBelow"], "chosenOn": "val"}
              if v12 and v12["thresholdValScore"] > v12["argmaxValScore"] else {"rule": "argmax"})
    return {"task11": task11, "task12": task12}


def cv_entries(rep):
    """(metrics, selectionMetrics, decision) of a model trained on every patient, from its recipe's
    cross-validation report (cv.py --report --json): out-of-fold figures, thresholds chosen on them."""
    pooled, ms, thr = rep["pooled"], rep["meanSd"], rep["thresholds"]
    k = rep["runs"][0]["args"]["folds"]
    held = ", ".join(rep["heldOut"])
    split = (f"patient-grouped {k}-fold CV over all patients, out-of-fold predictions of {held} "
             f"(epoch {rep['epoch']}; the shipped model is the same recipe trained on every patient)")
    metrics = {"split": split, "n": pooled["n"],
               "task11": {"argmax": pooled["task11"]["argmax"], "threshold": pooled["task11"].get("threshold")},
               "task12": pooled["task12"], "task12Threshold": pooled.get("task12Threshold"),
               "meanSdOverFolds": {k: {"mean": v[0], "sd": v[1]} for k, v in ms.items() if k != "recall"},
               "perClassRecall": {k: v["recall"] for k, v in pooled["perClassRecall"].items()},
               "perClassN": {k: v["n"] for k, v in pooled["perClassRecall"].items()},
               "confusion": pooled["confusion"]}
    selection = {"split": split, "task11": {"Score": pooled["task11"]["threshold"]["Score"]},
                 "task12": {"Score": pooled["task12Threshold"]["Score"]}}
    decision = {"task11": {"rule": "pNormalBelow", "threshold": thr["task11PNormalBelow"], "chosenOn": "cv-out-of-fold"},
                "task12": {"rule": "pNormalBelow", "threshold": thr["task12PNormalBelow"], "chosenOn": "cv-out-of-fold"}}
    return metrics, selection, decision


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="ID=CHECKPOINT")
    ap.add_argument("--eval", help="evaluate.py JSON on the test split (keys: run folder names, 'ensemble')")
    ap.add_argument("--cv", action="append", default=[],
                    help="ID=REPORT_JSON (cv.py --report --json): metrics, selection metrics and thresholds from "
                         "cross-validation, for a model (or the ensemble) trained on every patient")
    ap.add_argument("--ensemble-id", default=None)
    ap.add_argument("--out-dir", default=MODELS_DIR)
    ap.add_argument("--golden", default=GOLDEN)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--verify-events", type=int, default=26, help="val events checked besides the golden ones")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    ds = data.SPRSound(args.data)
    evals = {}
    if args.eval:
        with open(args.eval) as f:
            evals = json.load(f)
    val_events = ds.event_list(set(data.load_split()["val"]))
    extra = [val_events[i] for i in np.linspace(0, len(val_events) - 1, args.verify_events).astype(int)] if args.verify_events else []
    os.makedirs(args.out_dir, exist_ok=True)
    golden = []
    if os.path.exists(args.golden):
        with open(args.golden) as f:
            golden = json.load(f).get("events", [])
    windows, _ = event_inputs(ds, golden_events(ds) + extra)
    cv_reports = {}
    for spec in args.cv:
        cv_id, path = spec.split("=", 1)
        with open(path) as f:
            cv_reports[cv_id] = cv_entries(json.load(f))
    ids, entries, staged = [], [], []
    for spec in args.model:
        model_id, ckpt_path = spec.split("=", 1)
        ids.append(model_id)
        clf, ckpt = load_classifier(ckpt_path, EVENT_FEATURES)
        model = ExportModel(clf).eval()
        onnx_path = staged_path(model_id + ".onnx")
        staged.append(onnx_path)
        export_classifier(model, onnx_path, data.CLIP)
        diff = verify(model, onnx_path, [windows], CLASSIFIER_TOLERANCES)
        print(f"{model_id}: ONNX (onnxruntime-web wasm) vs PyTorch on {len(windows)} real event windows: "
              f"max |dprobs| = {diff['probs']:.2e}, max |dfeatures| = {diff['features']:.2e}", flush=True)
        cfg = ckpt["config"]
        run_name = os.path.basename(os.path.dirname(os.path.abspath(ckpt_path)))
        entries.append({
            "id": model_id,
            "task": "respiratory-event",
            "architecture": describe_architecture(cfg["arch"], cfg["width"]),
            "file": model_id + ".onnx",
            "feature": clf.features.describe(),
            "sampleRate": data.SAMPLE_RATE,
            "input": {"name": "waveform", "clipSamples": data.CLIP, "shorter": "tile", "longer": "mean-of-windows",
                      "windowHopSamples": data.WINDOW_HOP},
            "outputs": {"probs": "probs", "features": "features"},
            "classes": list(data.CLASSES),
            "metrics": metrics_entry(evals.get(run_name)),
            "decision": decision_entry(evals.get(run_name)),
            **(dict(zip(("metrics", "selectionMetrics", "decision"), cv_reports[model_id])) if model_id in cv_reports else {}),
            "params": count_params(clf),
            "sizeBytes": os.path.getsize(onnx_path),
            "sha256": sha256(onnx_path),
            "precision": "fp32",
            "onnxVsPytorchMaxAbsDiff": diff["probs"],
            "pytorchCpuMsPerEvent": cpu_timing(model),
            "training": {"command": ckpt["command"], "commit": ckpt["commit"], "seed": ckpt["seed"],
                         "bestEpoch": ckpt["epoch"], "val": ckpt.get("val"), "protocol": ckpt.get("protocol", "train/val split")},
        })
        golden = [g for g in golden if g["model"] != model_id] + golden_entries(model_id, model, ds)
    ensembles = []
    if args.ensemble_id:
        ens = {"id": args.ensemble_id, "task": "respiratory-event", "members": ids,
               "combine": "mean-probs", "metrics": metrics_entry(evals.get("ensemble")),
               "decision": decision_entry(evals.get("ensemble"))}
        if args.ensemble_id in cv_reports:
            ens.update(zip(("metrics", "selectionMetrics", "decision"), cv_reports[args.ensemble_id]))
        ensembles.append(ens)
    manifest_path, manifest, total = update_manifest(args.out_dir, entries, ensembles, staged=staged)
    os.makedirs(os.path.dirname(os.path.abspath(args.golden)), exist_ok=True)
    with open(args.golden, "w") as f:
        json.dump({"_comment": "PyTorch reference for the TypeScript equality test: input policy = tile if shorter "
                               "than 20000 samples, else mean of windows at 0, 10000, ... plus a final one ending at n; "
                               "samples = int16/32768 from recording[floor(startMs*8):floor(endMs*8)]. Feature checksum: "
                               "mean / population std / sum (+ absSum, min, max, shape [1, F, T]) of features[0] of the first window.",
                   "tolerance": PROBS_TOLERANCE, "events": golden}, f, indent=1)
    print(f"wrote {manifest_path} ({len(manifest['models'])} models, {total / 1e6:.1f} MB of ONNX) and {args.golden}")


if __name__ == "__main__":
    main()
