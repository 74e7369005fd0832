"""Export the heart checkpoint to ONNX, verify it with onnxruntime-web, update the manifest and golden file.

    python3 -m training.auscult_train.heart_export --ckpt training/runs/heart-final/best.pt \
        --id heart-resnet18 --eval training/runs/heart_eval_test.json

* HeartExportModel (features + network + softmax) -> ONNX opset 17: input ``waveform`` [B, 12000]
  float32 (dynamic B), outputs ``probs`` [B, 4] and ``features`` [B, 1, F, T]; onnx.checker.
* Runs the ONNX with onnxruntime-web (wasm, ``node training/onnx_run.mjs``) on the windows of real
  recordings (the 8 original WAVs and val recordings) and checks max |probs - PyTorch| < 1e-4.
* Copies it to ``<out-dir>/<id>.onnx`` and upserts the entry (task "heart") in
  ``<out-dir>/manifest.json`` by id, keeping every other entry. Metrics: the heart_evaluate.py JSON
  on the TEST split (--eval).
* Golden file (test-fixtures/golden/heart-model.json) for src/inference/heartClassifier.test.ts: for
  each original WAV, PyTorch's record probabilities on exactly the app's input (readWav + the app's
  resampler, obtained by running training/heart_ts_resample.ts with tsx), and, for information, on
  the training pipeline's input (soundfile + scipy resample_poly).
* CPU time per 10 s recording (8 windows, one batch): PyTorch (2 threads) and onnxruntime-web WASM
  (1 thread, Node).
"""
import argparse
import glob
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import torch

from . import heart_data as hd
from .export import OPSET, TOLERANCE, checksum, load_manifest, run_onnx_node, sha256, upsert
from .heart_model import HeartExportModel, load_heart_checkpoint
from .models import ARCH_NAMES, count_params

REPO = hd.REPO_ROOT
MODELS_DIR = os.path.join(REPO, "public", "models")
GOLDEN = os.path.join(REPO, "test-fixtures", "golden", "heart-model.json")
TSX = [os.path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs")]
TS_RESAMPLE = os.path.join(REPO, "training", "heart_ts_resample.ts")
BENCH = os.path.join(REPO, "training", "heart_onnx_bench.mjs")


def export_onnx(model, path):
    dummy = torch.zeros(2, hd.WINDOW)
    torch.onnx.export(model, (dummy,), path, opset_version=OPSET, input_names=["waveform"],
                      output_names=["probs", "features"],
                      dynamic_axes={"waveform": {0: "batch"}, "probs": {0: "batch"}, "features": {0: "batch"}},
                      do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def ts_resampled(wav_path, rate=hd.ANALYSIS_RATE):
    """The app's samples for a WAV: readWav + src/dsp/resample.ts (via tsx)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.f32")
        subprocess.run(["node", *TSX, TS_RESAMPLE, wav_path, str(rate), out], check=True, cwd=REPO,
                       capture_output=True)
        return np.fromfile(out, dtype="<f4")


def original_wavs(folder=hd.ORIGINAL_WAV):
    return sorted(glob.glob(os.path.join(folder, "*.wav")))


@torch.no_grad()
def record_probs(model, rec):
    w = torch.from_numpy(hd.windows(rec))
    probs, feats = model(w)
    return probs.double().mean(0).numpy(), int(w.shape[0]), feats


@torch.no_grad()
def cpu_timing(model, reps=20):
    """Median PyTorch ms for one 10 s recording (8 windows of 3 s, hop 1 s, one batch)."""
    n_win = len(hd.window_spans(10 * hd.ANALYSIS_RATE))
    x = torch.randn(n_win, hd.WINDOW) * 0.05
    for _ in range(3):
        model(x)
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        model(x)
        ts.append((time.perf_counter() - t) * 1000)
    return round(float(np.median(ts)), 1), n_win


def ort_timing(onnx_path, n_win):
    r = subprocess.run(["node", BENCH, onnx_path, str(hd.WINDOW), str(n_win)], check=True, cwd=REPO,
                       capture_output=True, text=True)
    return round(json.loads(r.stdout.strip().splitlines()[-1])["msPerRecording"], 1)


def metrics_entry(rep):
    if rep is None:
        return None
    conf = rep["confusion"]["rowsTrue_colsPred"]
    return {"split": rep["split"], "balancedAccuracy": rep["balancedAccuracy"], "accuracy": rep["accuracy"],
            "perClassRecall": rep["recall"], "perClassN": {k: int(sum(row)) for k, row in zip(hd.CLASSES, conf)},
            "confusion": rep["confusion"],
            "perSource": {s: {"balancedAccuracyOverClassesPresent": v["balancedAccuracy"], "recall": v["recall"],
                              "n": v["n"]} for s, v in rep.get("perSource", {}).items()},
            "extrastolePredicted": rep.get("extrastolePredicted")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--id", default="heart-resnet18")
    ap.add_argument("--eval", help="heart_evaluate.py JSON on the test split")
    ap.add_argument("--out-dir", default=MODELS_DIR)
    ap.add_argument("--golden", default=GOLDEN)
    ap.add_argument("--data", default=hd.DEFAULT_DATA)
    ap.add_argument("--originals", default=hd.ORIGINAL_WAV)
    ap.add_argument("--verify-records", type=int, default=12, help="val recordings checked besides the WAVs")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    clf, ckpt = load_heart_checkpoint(args.ckpt)
    model = HeartExportModel(clf).eval()
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, args.id + ".onnx")
    export_onnx(model, onnx_path)

    # Real inputs: the original WAVs as the app sees them, plus val recordings from the training cache.
    wavs = original_wavs(args.originals)
    app_inputs = {os.path.basename(p): ts_resampled(p) for p in wavs}
    ds = hd.HeartSounds(args.data)
    val = ds.labelled(set(hd.load_split()["val"]))
    picks = [val[i][0] for i in np.linspace(0, len(val) - 1, args.verify_records).astype(int)] if args.verify_records else []
    windows = np.concatenate([hd.windows(x) for x in app_inputs.values()] +
                             [hd.windows(ds.recording(b)) for b in picks]).astype(np.float32)
    with torch.no_grad():
        p_torch, f_torch = model(torch.from_numpy(windows))
    p_onnx, checks = run_onnx_node(onnx_path, windows)
    diff = float(np.abs(p_onnx - p_torch.numpy()).max())
    fdiff = max(abs(c["mean"] - checksum(f)["mean"]) for c, f in zip(checks, f_torch))
    print(f"{args.id}: ONNX (onnxruntime-web wasm) vs PyTorch on {len(windows)} real windows "
          f"({len(wavs)} original WAVs + {len(picks)} val recordings): max |dprobs| = {diff:.2e}, "
          f"max |dfeature mean| = {fdiff:.2e}", flush=True)
    if diff >= TOLERANCE:
        raise SystemExit(f"ONNX differs from PyTorch by {diff} >= {TOLERANCE}")

    golden = []
    for p in wavs:
        name = os.path.basename(p)
        probs, n_win, feats = record_probs(model, app_inputs[name])
        x, sr = hd.read_audio(p)
        probs_scipy, _, _ = record_probs(model, hd.resample_to(x, sr))
        golden.append({"file": name, "nativeRate": int(sr), "samplesAtModelRate": int(len(app_inputs[name])),
                       "windows": n_win, "probs": [float(v) for v in probs],
                       "firstWindowFeatureChecksum": checksum(feats[0]),
                       "probsTrainingResampler": [float(v) for v in probs_scipy],
                       "maxAbsDiffAppVsTrainingResampler": float(np.abs(probs - probs_scipy).max())})

    evals = None
    if args.eval:
        with open(args.eval) as f:
            evals = json.load(f)
    ms_torch, n_win = cpu_timing(model)
    ms_ort = ort_timing(onnx_path, n_win)
    cfg = ckpt["config"]
    w = cfg["width"]
    bases = (64, 128, 256, 512) if cfg["arch"] == "resnet18" else (64, 128, 256, 512, 512)
    widths = "-".join(str(max(4, int(round(b * w)))) for b in bases)
    entry = {
        "id": args.id,
        "task": "heart",
        "architecture": f"{ARCH_NAMES[cfg['arch']]} (width {w}: {widths} channels)",
        "file": args.id + ".onnx",
        "feature": clf.features.describe(),
        "sampleRate": hd.ANALYSIS_RATE,
        "input": {"name": "waveform", "windowSamples": hd.WINDOW, "hopSamples": hd.HOP, "shorter": "tile",
                  "longer": "mean-of-windows"},
        "outputs": {"probs": "probs", "features": "features"},
        "classes": list(hd.CLASSES),
        "metrics": metrics_entry(evals),
        "params": count_params(clf),
        "sizeBytes": os.path.getsize(onnx_path),
        "sha256": sha256(onnx_path),
        "precision": "fp32",
        "onnxVsPytorchMaxAbsDiff": diff,
        "cpuMsPer10sRecording": {"windows": n_win, "pytorch2Threads": ms_torch, "onnxruntimeWebWasm1Thread": ms_ort},
        "training": {"command": ckpt["command"], "commit": ckpt["commit"], "seed": ckpt["seed"],
                     "splitSeed": hd.load_split()["seed"], "bestEpoch": ckpt["epoch"],
                     "val": {k: ckpt["val"][k] for k in ("balancedAccuracy", "accuracy", "recall", "logLoss", "n")}},
    }
    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = load_manifest(manifest_path)   # re-read just before writing: others update it too
    manifest.setdefault("models", [])
    upsert(manifest["models"], entry)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
    os.makedirs(os.path.dirname(os.path.abspath(args.golden)), exist_ok=True)
    with open(args.golden, "w") as f:
        json.dump({"_comment": "PyTorch reference for src/inference/heartClassifier.test.ts. probs: record "
                               "probabilities (mean over 3 s windows every 1 s, tiled if shorter) of the model on "
                               "the app's own input (readWav + src/dsp/resample.ts to 4 kHz). "
                               "probsTrainingResampler: the same with soundfile + scipy resample_poly (training "
                               "pipeline), for information. Feature checksum: mean / population std / sum of "
                               "features[0] of the first window.",
                   "model": args.id, "tolerance": TOLERANCE, "sampleRate": hd.ANALYSIS_RATE,
                   "windowSamples": hd.WINDOW, "hopSamples": hd.HOP, "recordings": golden}, f, indent=1)
    print(json.dumps({k: entry[k] for k in ("id", "sizeBytes", "sha256", "cpuMsPer10sRecording", "onnxVsPytorchMaxAbsDiff")}))
    print(f"wrote {onnx_path}, {manifest_path} ({len(manifest['models'])} models) and {args.golden}")


if __name__ == "__main__":
    main()
