"""Export the detector to ONNX, verify it with onnxruntime-web, update the manifest and golden file.

    python3 -m training.auscult_train.export_detector --id detector-tcn-logstft \
        --ckpt training/runs/det-final/best.pt --eval training/runs/det-final/eval.json

Through onnx_export, the one export path:
* ExportDetector -> ONNX opset 17: input ``waveform`` [1, N] float32 (N dynamic), outputs
  ``activity`` [1, T'], ``classProbs`` [1, T', 7], ``recordProbs`` [1, 5]; onnx.checker.
* Runs it with onnxruntime-web (wasm, Node) and PyTorch on real recordings of several lengths (incl.
  the shortest possible input) and compares every output element-wise (max |diff| <=
  PROBS_TOLERANCE), else stops. The graph has no features output; its features are checked through
  these outputs.
* Copies it to ``<out-dir>/<id>.onnx`` and upserts the manifest entry (task
  "respiratory-detector") by id; all other entries are kept. Post-processing parameters and test
  metrics come from detector_eval.py's JSON (--eval).
* Writes test-fixtures/golden/detector.json: for 3 recordings of original-wav/, the PyTorch frame
  probabilities, the expected events and the record verdict.
"""
import argparse
import json
import os

import numpy as np
import torch

from . import data
from .detector import (CHUNK_OVERLAP_SAMPLES, CHUNK_SAMPLES, FRAME_HOP_MS, FRAME_HOP_SAMPLES, FRAME_OFFSET_MS,
                       MIN_SAMPLES, RECORD_CLASSES, TONAL_KERNEL, DetectorEnsemble, ExportDetector, TwoTrunkDetector,
                       predict_recording)
from .detector_eval import cpu_ms_per_recording, duration_ms, load_detector
from .models import count_params
from .onnx_export import (INPUT, MODELS_DIR, PROBS_TOLERANCE, export, run_node, sha256, staged_path, update_manifest,
                          verify)
from .detector_cv import hierarchical_params
from .postprocess import analyse

GOLDEN = os.path.join(data.REPO_ROOT, "test-fixtures", "golden", "detector.json")
# All three are in original-wav/: a wheeze recording (CAS, the only one there), a 15.4 s one and a
# fine-crackle one (DAS). No activity value may lie within MARGIN_FACTOR x the measured ONNX vs PyTorch
# difference of a threshold, or the two runtimes could cut an event differently (export stops).
GOLDEN_RECORDINGS = ["41251473_2.7_1_p1_2489", "41012107_7.9_0_p4_708", "64743918_7.0_0_p3_2340"]
MARGIN_FACTOR = 4
OUTPUTS = ExportDetector.OUTPUTS
TOLERANCES = {name: PROBS_TOLERANCE for name in OUTPUTS}
EXAMPLE_SAMPLES = 73728   # the traced input's length (9.2 s); N is a dynamic axis


def export_onnx(model, path, n=EXAMPLE_SAMPLES):
    axes = {INPUT: {1: "samples"}, "activity": {1: "frames"}, "classProbs": {1: "frames"}}
    export(model, path, torch.randn(1, n) * 0.05, OUTPUTS, axes)


def run_onnx_node(onnx_path, recordings):
    """recordings: [(name, float32 samples)] -> {name: (activity [T'], classProbs [T', C], recordProbs [R])},
    one onnxruntime-web run per recording."""
    runs = run_node(onnx_path, [np.asarray(x, dtype=np.float32)[None] for _, x in recordings])
    return {name: tuple(out[k][0] for k in OUTPUTS) for (name, _), out in zip(recordings, runs)}


def golden(model, ds, params, bases=GOLDEN_RECORDINGS):
    out = []
    for b in bases:
        x = ds.recording(b)
        a, c, r = predict_recording(model, x)
        res = analyse(a, c, r, duration_ms(len(x)), params)
        thresholds = [params["threshold"]] + ([params["thresholdLow"]] if params.get("thresholdLow") is not None else [])
        margin = min(float(np.abs(a.astype(np.float64) - t).min()) for t in thresholds)
        out.append({"file": b + ".wav", "nSamples": len(x), "durationMs": duration_ms(len(x)),
                    "activity": [float(v) for v in a], "classProbs": [float(v) for v in c.ravel()],
                    "recordProbs": [float(v) for v in r], "thresholdMargin": margin,
                    # "type": the detector's own; "typedWithRecord": the type the verdict gives it (eventTyping)
                    "events": [{"start": e["start"], "end": e["end"], "type": e.get("ownType", e["type"]),
                                "confidence": e["confidence"],
                                **({"typedWithRecord": e["type"]} if params.get("eventTyping") else {})}
                               for e in res["events"]],
                    "verdict": {"label": res["record_annotation"], "confidence": res["record_confidence"]},
                    "truth": {"record": ds.records[b], "events": [{"start": s, "end": e, "type": t} for s, e, t in ds.events[b]]}})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--id", required=True)
    ap.add_argument("--ckpt", required=True, help="a checkpoint, or several joined by + (their DetectorEnsemble)")
    ap.add_argument("--verdict-ckpt", help="a second detector whose record head gives the verdict (TwoTrunkDetector: "
                                           "events from --ckpt, verdict from this one)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--eval", help="detector_eval.py JSON (post-processing + test metrics)")
    src.add_argument("--cv", help="detector_cv.py report.json: a detector trained on every patient (--protocol all) "
                                  "ships with its recipe's out-of-fold metrics and verdict thresholds")
    ap.add_argument("--out-dir", default=MODELS_DIR)
    ap.add_argument("--golden", default=GOLDEN)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    ds = data.SPRSound(args.data)
    det, ckpt = load_detector(args.ckpt, args.verdict_ckpt)
    model = ExportDetector(det).eval()
    with open(args.eval or args.cv) as f:
        ev = json.load(f)
    if args.cv:
        t = ev["thresholds"]
        params = hierarchical_params(t["poorQualityThreshold"], t["adventitiousThreshold"], ev.get("postprocess"))
    else:
        params = ev["postprocess"]
    onnx_path = staged_path(args.id + ".onnx")
    export_onnx(model, onnx_path)

    val_b = [b for b in ds.bases if data.patient_of(b) in set(data.load_split()["val"])]
    recs = [(b, ds.recording(b)) for b in GOLDEN_RECORDINGS + val_b[::40]]
    recs.append(("shortest", ds.recording(val_b[0])[:MIN_SAMPLES]))
    recs.append(("odd-length", ds.recording(val_b[1])[:12345]))
    diffs = verify(model, onnx_path, [np.asarray(x, dtype=np.float32)[None] for _, x in recs], TOLERANCES)
    diff = max(diffs.values())
    print(f"{args.id}: ONNX (onnxruntime-web wasm) vs PyTorch on {len(recs)} recordings: max |d| = {diff:.2e} "
          f"({', '.join(f'{k} {v:.2e}' for k, v in diffs.items())})", flush=True)
    g = golden(model, ds, params)
    close = [r["file"] for r in g if r["thresholdMargin"] <= MARGIN_FACTOR * diff]
    if close:
        raise SystemExit(f"golden recordings with an activity value within {MARGIN_FACTOR} x {diff:.1e} of a threshold: "
                         f"{close}; choose others (GOLDEN_RECORDINGS)")

    if args.cv:
        metrics = {"split": f"{len(ev['heldOut'])}-fold patient-grouped CV over all patients, out-of-fold "
                            "(the shipped detector is the same recipe trained on every patient)",
                   "records": ev["pooled"]["hierarchical"], "recordsHead": ev["pooled"]["head"],
                   "meanSdOverFolds": {k: {"mean": v[0], "sd": v[1]} for k, v in ev["meanSd"].items()},
                   "perFold": ev["perFold"]}
    else:
        test = ev["test"]
        metrics = {"split": test["split"], "events": test["events"], "records": test["records"],
                   "recordsHead": test["recordsHead"], "recordsRules": test["recordsRules"],
                   "valComparisons": {"verdict": {k: ev["valVerdict"][k]["task22"]["Score"] for k in ("head", "rules")},
                                      "eventTypes": {k: v["summary"] for k, v in ev["valEventTypeComparison"].items()}}}
    two = isinstance(det, TwoTrunkDetector)
    ensemble = isinstance(det, DetectorEnsemble)
    cfg = det.config["events"] if two else det.config["members"][0] if ensemble else det.config
    kernel = cfg.get("tonal_kernel", TONAL_KERNEL)
    architecture = (f"conv-only SED (TCN): log-STFT {det.features.num_bins} bins as channels -> Conv1d({cfg['channels'][0]}, "
                    f"k4, stride 2) -> Conv1d({cfg['channels'][1]}, k4, stride 2) -> 1x1 ({cfg['hidden']}) "
                    + (f"+ tonal branch (Conv2d(1->{cfg['tonal']}, {kernel[0]} bins x {kernel[1]} frames) on the "
                       f"log-STFT averaged per 32 ms frame, max over frequency, 1x1 -> {cfg['hidden']}, added) "
                       if cfg.get("tonal") else "") + "-> "
                    f"{len(cfg['dilations'])} residual dilated Conv1d({cfg['hidden']}, k3; dilations {cfg['dilations']}) "
                    f"-> per 32 ms frame: activity (sigmoid) + 7 event classes (softmax); record head: attention + "
                    f"max pooling over time -> 5 record classes")
    if two:
        architecture = ("two trunks on one log-STFT front end: the frame outputs (activity, event classes) of a detector "
                        "trained with partial labels, the record output of a detector trained on the full labels; each "
                        "a " + architecture)
    if ensemble:
        architecture = (f"the mean of {len(det.members)} detectors' probabilities (one recipe, seeds "
                        f"{', '.join(str(m['seed']) for m in ckpt['members'])}; one log-STFT front end), each a "
                        + architecture)
    entry = {
        "id": args.id,
        "task": "respiratory-detector",
        "architecture": architecture,
        "file": args.id + ".onnx",
        "feature": det.features.describe(),
        "sampleRate": data.SAMPLE_RATE,
        "input": {"name": "waveform", "dynamicLength": True, "minSamples": MIN_SAMPLES, "shape": "[1, N]"},
        "outputs": {"activity": "activity", "classProbs": "classProbs", "recordProbs": "recordProbs"},
        "frameHopMs": FRAME_HOP_MS,
        "frameOffsetMs": FRAME_OFFSET_MS,
        "frameHopSamples": FRAME_HOP_SAMPLES,
        "chunk": {"samples": CHUNK_SAMPLES, "overlapSamples": CHUNK_OVERLAP_SAMPLES},
        "classes": list(data.CLASSES),
        "recordClasses": list(RECORD_CLASSES),
        "postprocess": params,
        "metrics": metrics,
        "params": count_params(det),
        "sizeBytes": os.path.getsize(onnx_path),
        "sha256": sha256(onnx_path),
        "precision": "fp32",
        "onnxVsPytorchMaxAbsDiff": diff,
        "pytorchCpuMsPer15s": cpu_ms_per_recording(det),
        "training": {"command": ckpt["command"], "commit": ckpt["commit"], "seed": ckpt["seed"],
                     "bestEpoch": ckpt["epoch"], "val": ckpt.get("val"), "protocol": ckpt.get("protocol", "train/val split"),
                     **({"verdictTrunk": ckpt["verdictTrunk"]} if two else {}),
                     **({"members": ckpt["members"]} if ensemble else {})},
    }
    manifest_path, manifest, total = update_manifest(args.out_dir, [entry], staged=[onnx_path])
    onnx_path = os.path.join(args.out_dir, os.path.basename(onnx_path))
    os.makedirs(os.path.dirname(os.path.abspath(args.golden)), exist_ok=True)
    with open(args.golden, "w") as f:
        json.dump({"_comment": "PyTorch reference for src/inference/postprocess.test.ts: frame outputs of the detector "
                               "(classProbs frame-major, [frames x 7]) for recordings of original-wav/ (samples = int16/32768), "
                               "the events the post-processing must give and the record verdict.",
                   "model": args.id, "tolerance": PROBS_TOLERANCE, "postprocess": params,
                   "timing": {"frameHopMs": FRAME_HOP_MS, "frameOffsetMs": FRAME_OFFSET_MS},
                   "classes": list(data.CLASSES), "recordClasses": list(RECORD_CLASSES), "recordings": g}, f)
    print(f"wrote {onnx_path} ({entry['sizeBytes'] / 1e6:.2f} MB), {manifest_path} ({len(manifest['models'])} models, "
          f"{total / 1e6:.1f} MB of ONNX) and {args.golden}; golden threshold margins "
          f"{[round(r['thresholdMargin'], 5) for r in g]}")


if __name__ == "__main__":
    main()
