"""Export the heart checkpoint to ONNX, verify it with onnxruntime-web, update the manifest and golden file.

    python3 -m training.auscult_train.heart_export --ckpt training/runs/heart-final/best.pt \
        --id heart-resnet18 --eval training/runs/heart_eval_test.json

Through onnx_export, the one export path:
* ExportModel (features + network + softmax; several --ckpt: the mean of their probabilities) -> ONNX opset 17: input ``waveform`` [B, 12000]
  float32 (dynamic B), outputs ``probs`` [B, 4] and ``features`` [B, 1, F, T]; onnx.checker.
* Runs the ONNX with onnxruntime-web (wasm, Node) and PyTorch on the windows of real recordings
  (the 8 original WAVs and val recordings) and compares both outputs element-wise (max |probs
  diff| <= PROBS_TOLERANCE, max |features diff| <= FEATURES_TOLERANCE), else stops.
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

import numpy as np
import torch

from . import heart_data as hd
from .datasets import CIRCOR, HEART_ORIGINAL_WAV
from .features import HEART_FEATURES
from .models import ExportModel, count_params, describe_architecture, load_classifier
from .onnx_export import (CLASSIFIER_TOLERANCES, MODELS_DIR, PROBS_TOLERANCE, bench_node, export_classifier,
                          feature_checksum, sha256, staged_path, update_manifest, verify)
from .timing import median_ms

REPO = hd.REPO_ROOT
GOLDEN = os.path.join(REPO, "test-fixtures", "golden", "heart-model.json")
TSX = [os.path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs")]
TS_RESAMPLE = os.path.join(REPO, "training", "heart_ts_resample.ts")
TIMING_SECONDS = 10   # the CPU time is quoted for one recording of this length
# 2 kHz recordings in the golden file (a murmur heard where it is audible, and a murmur-absent patient):
# the app's path for PhysioNet-rate input (readWav at 2 kHz -> resample.ts to 4 kHz -> windows -> ONNX).
CIRCOR_GOLDEN = ("49712_MV", "13918_TV", "14998_TV")


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
    """(median PyTorch ms for one 10 s recording, its windows): 8 windows of 3 s, hop 1 s, one batch."""
    n_win = len(hd.window_spans(TIMING_SECONDS * hd.ANALYSIS_RATE))
    x = torch.randn(n_win, hd.WINDOW) * 0.05
    return round(median_ms(lambda: model(x), reps), 1), n_win


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


def cv_metrics_entry(rep):
    """The manifest's metrics from a heart_cv.py report: pooled out-of-fold, and per-fold mean ± sd."""
    pas, cc = rep["pooled"]["pascal"], rep["pooled"].get("circor")
    conf = pas["confusion"]["rowsTrue_colsPred"]
    return {"split": "cv-out-of-fold", "folds": len(rep["heldOut"]),
            "balancedAccuracy": pas["balancedAccuracy"], "accuracy": pas["accuracy"],
            "perClassRecall": pas["recall"], "perClassN": {k: int(sum(row)) for k, row in zip(hd.CLASSES, conf)},
            "confusion": pas["confusion"],
            "perSource": {s: {"balancedAccuracyOverClassesPresent": v["balancedAccuracy"], "recall": v["recall"],
                              "n": v["n"]} for s, v in pas["perSource"].items()},
            "extrastolePredicted": pas.get("extrastolePredicted"),
            "circor": circor_entry(cc),
            "meanSdOverFolds": {k: [round(m, 4), round(sd, 4)] for k, (m, sd) in rep["meanSd"].items()
                                if not np.isnan(m)}}


def circor_entry(cc):
    """CirCor murmur scores of a heart_cv report (None when the report scored no CirCor recording)."""
    if not cc:
        return None
    return {k: cc[k] for k in ("recordingAuc", "patientAucMostAudible", "patientAucMax", "abnormalAuc",
                               "murmurRecall", "normalRecall", "n")}


def transfer_entry(rep):
    """A hold-source report (heart_cv --protocol hold-source --source C or B): the shipped model's recipe
    trained without that source, scored on all of it: how it hears a stethoscope it never saw."""
    pooled = rep["pooled"]
    out = {"split": f"held-out source: {', '.join(rep['heldOut'])} (trained on the other sources only)"}
    if pooled.get("circor"):
        out["circor"] = circor_entry(pooled["circor"])
    if pooled.get("pascalBA") is not None:
        out["pascal"] = {k: v for k, v in pooled.items() if k.startswith(("pascalBA", "murmurRecall"))}
    return out


def training_entry(ckpt):
    """What the manifest says about how the checkpoint was made (heart_train: split + best epoch; heart_cv: fixed epochs)."""
    out = {"command": ckpt["command"], "commit": ckpt["commit"], "seed": ckpt["seed"], "epochs": ckpt["epoch"]}
    if "val" in ckpt:
        out.update({"splitSeed": hd.load_split()["seed"], "bestEpoch": ckpt["epoch"],
                    "val": {k: ckpt["val"][k] for k in ("balancedAccuracy", "accuracy", "recall", "logLoss", "n")}})
    else:
        out["protocol"] = ckpt.get("protocol")
    return out


def ensemble_training_entry(ckpts):
    """The manifest's shape (command, commit, seed: the first member's commit and seed) plus every member."""
    members = [training_entry(c) for c in ckpts]
    return {"command": " ; ".join(m["command"] for m in members), "commit": members[0]["commit"],
            "seed": members[0]["seed"], "members": members}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True, nargs="+",
                    help="checkpoint(s); several: one graph whose probabilities are their mean")
    ap.add_argument("--id", default="heart-resnet18")
    ap.add_argument("--eval", help="heart_evaluate.py JSON on the test split")
    ap.add_argument("--cv", help="heart_cv.py --report --json of the recipe (a model trained on all the data)")
    ap.add_argument("--transfer", help="with --cv: heart_cv --report --json of a hold-source run (device transfer)")
    ap.add_argument("--out-dir", default=MODELS_DIR)
    ap.add_argument("--golden", default=GOLDEN)
    ap.add_argument("--data", default=hd.DEFAULT_DATA)
    ap.add_argument("--originals", default=hd.ORIGINAL_WAV)
    ap.add_argument("--verify-records", type=int, default=12, help="val recordings checked besides the WAVs")
    ap.add_argument("--circor", default=CIRCOR.path)
    ap.add_argument("--circor-golden", default=",".join(CIRCOR_GOLDEN),
                    help="CirCor recordings (2 kHz) whose probabilities go into the golden file too ('' for none)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    members = [load_classifier(p, HEART_FEATURES) for p in args.ckpt]
    clf, ckpt = members[0]
    model = ExportModel(clf, *[c for c, _ in members[1:]]).eval()
    onnx_path = staged_path(args.id + ".onnx")
    export_classifier(model, onnx_path, hd.WINDOW)

    # Real inputs: the original WAVs as the app sees them, plus val recordings from the training cache.
    wavs = original_wavs(HEART_ORIGINAL_WAV.require(args.originals))
    app_inputs = {os.path.basename(p): ts_resampled(p) for p in wavs}
    ds = hd.HeartSounds(args.data)
    val = ds.labelled(set(hd.load_split()["val"]))
    picks = [val[i][0] for i in np.linspace(0, len(val) - 1, args.verify_records).astype(int)] if args.verify_records else []
    windows = np.concatenate([hd.windows(x) for x in app_inputs.values()] +
                             [hd.windows(ds.recording(b)) for b in picks]).astype(np.float32)
    diff = verify(model, onnx_path, [windows], CLASSIFIER_TOLERANCES)
    print(f"{args.id}: ONNX (onnxruntime-web wasm) vs PyTorch on {len(windows)} real windows "
          f"({len(wavs)} original WAVs + {len(picks)} val recordings): max |dprobs| = {diff['probs']:.2e}, "
          f"max |dfeatures| = {diff['features']:.2e}", flush=True)

    golden = []
    for p in wavs:
        name = os.path.basename(p)
        probs, n_win, feats = record_probs(model, app_inputs[name])
        x, sr = hd.read_audio(p)
        probs_scipy, _, _ = record_probs(model, hd.resample_to(x, sr))
        golden.append({"file": name, "nativeRate": int(sr), "samplesAtModelRate": int(len(app_inputs[name])),
                       "windows": n_win, "probs": [float(v) for v in probs],
                       "firstWindowFeatureChecksum": feature_checksum(feats[0]),
                       "probsTrainingResampler": [float(v) for v in probs_scipy],
                       "maxAbsDiffAppVsTrainingResampler": float(np.abs(probs - probs_scipy).max())})

    circor_golden = []
    names = [n for n in args.circor_golden.split(",") if n]
    if names:
        import soundfile as sf
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                x, sr = sf.read(os.path.join(CIRCOR.require(args.circor), "audio", name + ".flac"), dtype="int16")
                wav = os.path.join(tmp, name + ".wav")
                sf.write(wav, x, sr, subtype="PCM_16")
                rec = ts_resampled(wav)
                probs, n_win, feats = record_probs(model, rec)
                circor_golden.append({"recording": name, "nativeRate": int(sr), "samplesAtModelRate": int(len(rec)),
                                      "windows": n_win, "probs": [float(v) for v in probs],
                                      "firstWindowFeatureChecksum": feature_checksum(feats[0])})

    metrics = None
    if args.eval or args.cv:
        with open(args.eval or args.cv) as f:
            metrics = metrics_entry(json.load(f)) if args.eval else cv_metrics_entry(json.load(f))
        if args.transfer:
            with open(args.transfer) as f:
                metrics["deviceTransfer"] = transfer_entry(json.load(f))
    ms_torch, n_win = cpu_timing(model)
    ms_ort = round(bench_node(onnx_path, [n_win, hd.WINDOW], output="probs"), 1)
    architecture = describe_architecture(ckpt["config"]["arch"], ckpt["config"]["width"])
    if len(members) > 1:
        architecture = (f"mean of the probabilities of {len(members)} networks on one feature front end: " +
                        "; ".join(describe_architecture(c["config"]["arch"], c["config"]["width"]) for _, c in members))
    entry = {
        "id": args.id,
        "task": "heart",
        "architecture": architecture,
        "file": args.id + ".onnx",
        "feature": {**clf.features.describe(), "sampleRate": hd.ANALYSIS_RATE},
        "sampleRate": hd.ANALYSIS_RATE,
        "input": {"name": "waveform", "windowSamples": hd.WINDOW, "hopSamples": hd.WINDOW_HOP, "shorter": "tile",
                  "longer": "mean-of-windows"},
        "outputs": {"probs": "probs", "features": "features"},
        "classes": list(hd.CLASSES),
        "metrics": metrics,
        "params": count_params(model),
        "sizeBytes": os.path.getsize(onnx_path),
        "sha256": sha256(onnx_path),
        "precision": "fp32",
        "onnxVsPytorchMaxAbsDiff": diff["probs"],
        "cpuMsPer10sRecording": {"windows": n_win, "pytorch2Threads": ms_torch, "onnxruntimeWebWasm1Thread": ms_ort},
        "training": training_entry(ckpt) if len(members) == 1 else ensemble_training_entry([c for _, c in members]),
    }
    manifest_path, manifest, _ = update_manifest(args.out_dir, [entry], staged=[onnx_path])
    onnx_path = os.path.join(args.out_dir, os.path.basename(onnx_path))
    os.makedirs(os.path.dirname(os.path.abspath(args.golden)), exist_ok=True)
    with open(args.golden, "w") as f:
        json.dump({"_comment": "PyTorch reference for src/inference/heartClassifier.test.ts. probs: record "
                               "probabilities (mean over 3 s windows every 1 s, tiled if shorter) of the model on "
                               "the app's own input (readWav + src/dsp/resample.ts to 4 kHz). "
                               "probsTrainingResampler: the same with soundfile + scipy resample_poly (training "
                               "pipeline), for information. Feature checksum: mean / population std / sum of "
                               "features[0] of the first window.",
                   "model": args.id, "tolerance": PROBS_TOLERANCE, "sampleRate": hd.ANALYSIS_RATE,
                   "windowSamples": hd.WINDOW, "hopSamples": hd.WINDOW_HOP, "recordings": golden,
                   "circor": circor_golden}, f, indent=1)
    print(json.dumps({k: entry[k] for k in ("id", "sizeBytes", "sha256", "cpuMsPer10sRecording", "onnxVsPytorchMaxAbsDiff")}))
    print(f"wrote {onnx_path}, {manifest_path} ({len(manifest['models'])} models) and {args.golden}")


if __name__ == "__main__":
    main()
