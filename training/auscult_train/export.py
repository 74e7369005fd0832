"""Export checkpoints to ONNX, verify them with onnxruntime-web, update the manifest and golden file.

    python3 -m training.auscult_train.export \
        --model resnet18-logstft=training/runs/final-resnet18/best.pt \
        --model vgg16-logstft=training/runs/final-vgg16/best.pt \
        --eval training/runs/eval_test.json

For every --model ID=CKPT:
* ExportModel (features + network + softmax) -> ONNX opset 17, input ``waveform`` [B, 20000]
  float32 (dynamic B), outputs ``probs`` [B, 7] and ``features`` [B, 1, F, T]; onnx.checker.
* Runs the ONNX with onnxruntime-web (wasm, ``node training/onnx_run.mjs``) on real event windows
  and prints the max abs difference to PyTorch (must be < 1e-4).
* Copies it to ``<out-dir>/<id>.onnx`` and updates ``<out-dir>/manifest.json`` by id (entries with
  other ids, e.g. other tasks, are kept). Metrics come from an evaluate.py JSON (--eval), whose
  keys are the run folder names; an ensemble entry is written when --ensemble-id is given.
* Writes the golden file for the TypeScript equality test: 6 real events from recordings that are
  in ``original-wav/`` per model, with PyTorch probs (exact input policy incl. window averaging)
  and the first window's feature checksum.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np
import torch

from . import data
from .evaluate import load_checkpoint
from .features import SAMPLE_RATE
from .models import ARCH_NAMES, ExportModel, count_params

OPSET = 17
TOLERANCE = 1e-4
ONNX_RUN = os.path.join(data.REPO_ROOT, "training", "onnx_run.mjs")
MODELS_DIR = os.path.join(data.REPO_ROOT, "public", "models")
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


def export_onnx(model, path):
    dummy = torch.zeros(2, data.CLIP)
    torch.onnx.export(model, (dummy,), path, opset_version=OPSET, input_names=["waveform"],
                      output_names=["probs", "features"],
                      dynamic_axes={"waveform": {0: "batch"}, "probs": {0: "batch"}, "features": {0: "batch"}},
                      do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def run_onnx_node(onnx_path, windows):
    """Runs the model with onnxruntime-web in Node; returns (probs [B, C], feature checksums)."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")
        with open(inp, "w") as f:
            json.dump({"dims": list(windows.shape), "data": windows.astype(np.float32).ravel().tolist()}, f)
        subprocess.run(["node", ONNX_RUN, onnx_path, inp, out], check=True, cwd=data.REPO_ROOT)
        with open(out) as f:
            res = json.load(f)
    probs = np.array(res["probs"]["data"], dtype=np.float32).reshape(res["probs"]["dims"])
    return probs, res["featureChecksums"]


def checksum(feats):
    f = feats.double()
    # mean ~ 0 and std ~ 1 by construction (per-clip normalisation); absSum / min / max / the shape
    # are the informative parts.
    return {"mean": float(f.mean()), "std": float(f.std(unbiased=False)), "sum": float(f.sum()),
            "absSum": float(f.abs().sum()), "min": float(f.min()), "max": float(f.max()), "shape": list(f.shape)}


def golden_events(ds):
    out = []
    for base, k in GOLDEN_EVENTS:
        s, e, t = ds.events[base][k]
        out.append((base, s, e, data.CLASS_INDEX[t]))
    return out


@torch.no_grad()
def verify(model, onnx_path, ds, extra_events):
    """Max |probs_onnx - probs_torch| over the golden and extra events' windows."""
    windows = np.concatenate([data.event_windows(data.event_samples(ds.recording(b), s, e))
                              for b, s, e, _ in golden_events(ds) + extra_events]).astype(np.float32)
    p_torch, f_torch = model(torch.from_numpy(windows))
    p_onnx, checks = run_onnx_node(onnx_path, windows)
    diff = float(np.abs(p_onnx - p_torch.numpy()).max())
    fdiff = max(abs(c["mean"] - checksum(f)["mean"]) for c, f in zip(checks, f_torch))
    return diff, fdiff, len(windows)


@torch.no_grad()
def golden_entries(model_id, model, ds):
    out = []
    for b, s, e, c in golden_events(ds):
        w = torch.from_numpy(data.event_windows(data.event_samples(ds.recording(b), s, e)))
        probs, feats = model(w)
        out.append({"model": model_id, "recording": b, "startMs": s, "endMs": e, "label": data.CLASSES[c],
                    "windows": int(w.shape[0]), "probs": [float(v) for v in probs.double().mean(0)],
                    "firstWindowFeatureChecksum": checksum(feats[0])})
    return out


@torch.no_grad()
def cpu_timing(model, reps=30):
    """Median PyTorch CPU ms per event at batch 1 and batch 32 (one 20000-sample window per event)."""
    res = {}
    for b in (1, 32):
        x = torch.randn(b, data.CLIP) * 0.05
        for _ in range(3):
            model(x)
        ts = []
        for _ in range(reps if b == 1 else max(5, reps // 3)):
            t = time.perf_counter()
            model(x)
            ts.append((time.perf_counter() - t) * 1000 / b)
        res[f"batch{b}"] = round(float(np.median(ts)), 3)
    res["threads"] = torch.get_num_threads()
    return res


def load_manifest(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"version": 1, "models": [], "ensembles": []}


def upsert(items, entry):
    for i, it in enumerate(items):
        if it.get("id") == entry["id"]:
            items[i] = entry
            return
    items.append(entry)


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


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", required=True, help="ID=CHECKPOINT")
    ap.add_argument("--eval", help="evaluate.py JSON on the test split (keys: run folder names, 'ensemble')")
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
    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = load_manifest(manifest_path)
    manifest.setdefault("models", [])
    golden = []
    if os.path.exists(args.golden):
        with open(args.golden) as f:
            golden = json.load(f).get("events", [])
    ids = []
    for spec in args.model:
        model_id, ckpt_path = spec.split("=", 1)
        ids.append(model_id)
        clf, ckpt = load_checkpoint(ckpt_path)
        model = ExportModel(clf).eval()
        onnx_path = os.path.join(args.out_dir, model_id + ".onnx")
        export_onnx(model, onnx_path)
        diff, fdiff, n_win = verify(model, onnx_path, ds, extra)
        print(f"{model_id}: ONNX (onnxruntime-web wasm) vs PyTorch on {n_win} real event windows: "
              f"max |dprobs| = {diff:.2e}, max |dfeature mean| = {fdiff:.2e}", flush=True)
        if diff >= TOLERANCE:
            raise SystemExit(f"{model_id}: ONNX differs from PyTorch by {diff} >= {TOLERANCE}")
        cfg = ckpt["config"]
        w = cfg["width"]
        widths = "-".join(str(max(4, int(round(b * w)))) for b in ((64, 128, 256, 512) if cfg["arch"] == "resnet18" else (64, 128, 256, 512, 512)))
        run_name = os.path.basename(os.path.dirname(os.path.abspath(ckpt_path)))
        entry = {
            "id": model_id,
            "task": "respiratory-event",
            "architecture": f"{ARCH_NAMES[cfg['arch']]} (width {w}: {widths} channels)",
            "file": model_id + ".onnx",
            "feature": clf.features.describe(),
            "sampleRate": SAMPLE_RATE,
            "input": {"name": "waveform", "clipSamples": data.CLIP, "shorter": "tile", "longer": "mean-of-windows",
                      "windowHopSamples": data.WINDOW_HOP},
            "outputs": {"probs": "probs", "features": "features"},
            "classes": list(data.CLASSES),
            "metrics": metrics_entry(evals.get(run_name)),
            "decision": decision_entry(evals.get(run_name)),
            "params": count_params(clf),
            "sizeBytes": os.path.getsize(onnx_path),
            "sha256": sha256(onnx_path),
            "precision": "fp32",
            "onnxVsPytorchMaxAbsDiff": diff,
            "pytorchCpuMsPerEvent": cpu_timing(model),
            "training": {"command": ckpt["command"], "commit": ckpt["commit"], "seed": ckpt["seed"],
                         "bestEpoch": ckpt["epoch"], "val": ckpt["val"]},
        }
        upsert(manifest["models"], entry)
        golden = [g for g in golden if g["model"] != model_id] + golden_entries(model_id, model, ds)
    if args.ensemble_id:
        manifest.setdefault("ensembles", [])
        upsert(manifest["ensembles"], {"id": args.ensemble_id, "task": "respiratory-event", "members": ids,
                                       "combine": "mean-probs", "metrics": metrics_entry(evals.get("ensemble")),
                                       "decision": decision_entry(evals.get("ensemble"))})
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
    os.makedirs(os.path.dirname(os.path.abspath(args.golden)), exist_ok=True)
    with open(args.golden, "w") as f:
        json.dump({"_comment": "PyTorch reference for the TypeScript equality test: input policy = tile if shorter "
                               "than 20000 samples, else mean of windows at 0, 10000, ... plus a final one ending at n; "
                               "samples = int16/32768 from recording[floor(startMs*8):floor(endMs*8)]. Feature checksum: "
                               "mean / population std / sum (+ absSum, min, max, shape [1, F, T]) of features[0] of the first window.",
                   "tolerance": TOLERANCE, "events": golden}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(args.out_dir, m["file"])) for m in manifest["models"]
                if os.path.exists(os.path.join(args.out_dir, m["file"])))
    print(f"wrote {manifest_path} ({len(manifest['models'])} models, {total / 1e6:.1f} MB of ONNX) and {args.golden}")


if __name__ == "__main__":
    main()
