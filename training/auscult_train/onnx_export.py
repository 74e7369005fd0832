"""The one ONNX export path of every model (export.py, export_detector.py, heart_export.py use it).

* ``export``: torch -> ONNX opset 17, input ``waveform``, then ``onnx.checker``.
* ``verify``: runs the ONNX with onnxruntime-web (WASM, Node: training/onnx_run.mjs, what the app
  runs) and PyTorch on the same real inputs and compares **every output element-wise**: the max
  |ONNX - PyTorch| of each output must stay within its tolerance, or ``OnnxMismatch`` is raised.
  Probabilities: PROBS_TOLERANCE. Features (the normalised log-STFT the network sees, values of
  order 1): FEATURES_TOLERANCE.
* ``staged_path``: every exporter writes its ONNX to a scratch folder; ``update_manifest`` moves it
  into ``public/models`` only after all the checks passed, so a failed check never leaves a new
  model beside an old manifest.
* ``update_manifest``: upserts entries of ``public/models/manifest.json`` by id (re-read just before
  writing, every exporter updates the same file) and keeps the shipped ONNX under MAX_TOTAL_BYTES.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
import torch

from .datasets import REPO_ROOT

OPSET = 17
INPUT = "waveform"
RUNNER = os.path.join(REPO_ROOT, "training", "onnx_run.mjs")
MODELS_DIR = os.path.join(REPO_ROOT, "public", "models")
MAX_TOTAL_BYTES = 30_000_000   # every shipped ONNX file together
PROBS_TOLERANCE = 1e-4         # also the tolerance of the TypeScript golden tests
# Features are of order 1 (up to ~10 at a loud peak of a quiet window), where float32 rounding is
# ~1e-4 relative: the shipped models measured max 1.2e-4 (events, 542 val windows) and 1.1e-3
# (heart, 1227 val + test windows; the largest at a 9.6 peak of a near-silent window).
FEATURES_TOLERANCE = 2e-3
CLASSIFIER_OUTPUTS = ("probs", "features")
CLASSIFIER_TOLERANCES = {"probs": PROBS_TOLERANCE, "features": FEATURES_TOLERANCE}


class OnnxMismatch(AssertionError):
    """The ONNX model's outputs differ from PyTorch's beyond the tolerance."""


def export(model, path, example, output_names, dynamic_axes):
    """Exports ``model`` (input ``waveform`` = ``example``'s shape) to ``path`` and checks the graph."""
    import onnx
    torch.onnx.export(model, (example,), path, opset_version=OPSET, input_names=[INPUT],
                      output_names=list(output_names), dynamic_axes=dynamic_axes, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def staged_path(file_name):
    """A path in a new scratch folder for ``file_name``, to export and check there; ``update_manifest(...,
    staged=[path])`` moves it into the models folder."""
    return os.path.join(tempfile.mkdtemp(prefix="auscult-export-"), file_name)


def _install(staged, out_dir):
    """Moves a checked ``staged_path`` file into ``out_dir`` (replacing the shipped one); returns its path there."""
    os.makedirs(out_dir, exist_ok=True)
    final = os.path.join(out_dir, os.path.basename(staged))
    shutil.move(staged, final)
    shutil.rmtree(os.path.dirname(staged), ignore_errors=True)
    return final


def export_classifier(model, path, window_samples):
    """models.ExportModel: waveform [B, window] -> probs [B, C], features [B, 1, F, T]; B dynamic."""
    axes = {name: {0: "batch"} for name in (INPUT, *CLASSIFIER_OUTPUTS)}
    export(model, path, torch.zeros(2, window_samples), CLASSIFIER_OUTPUTS, axes)


def run_node(onnx_path, inputs):
    """Runs the model once per input (float32 arrays, the input's full shape) with onnxruntime-web
    in Node; returns one {output name: array} per input."""
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for i, x in enumerate(inputs):
            x = np.ascontiguousarray(x, dtype="<f4")
            x.tofile(os.path.join(tmp, f"in{i}.f32"))
            runs.append({"dims": list(x.shape), "file": f"in{i}.f32"})
        with open(os.path.join(tmp, "inputs.json"), "w") as f:
            json.dump({"input": INPUT, "runs": runs}, f)
        subprocess.run(["node", RUNNER, "run", os.path.abspath(onnx_path), tmp], check=True, cwd=REPO_ROOT)
        with open(os.path.join(tmp, "outputs.json")) as f:
            result = json.load(f)
        return [{name: np.fromfile(os.path.join(tmp, out["file"]), dtype="<f4").reshape(out["dims"])
                 for name, out in run.items()} for run in result["runs"]]


def bench_node(onnx_path, dims, output="probs", reps=15):
    """Median ms of one onnxruntime-web (WASM, 1 thread) run on a synthetic input of shape ``dims``."""
    r = subprocess.run(["node", RUNNER, "bench", os.path.abspath(onnx_path), "--dims", ",".join(map(str, dims)),
                        "--reps", str(reps), "--output", output], check=True, cwd=REPO_ROOT, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])["msMedian"]


@torch.no_grad()
def torch_outputs(model, inputs, output_names):
    """PyTorch's outputs for each input, as run_node gives ONNX's: one {output name: array} per input."""
    out = []
    for x in inputs:
        ys = model(torch.from_numpy(np.asarray(x, dtype=np.float32)))
        ys = ys if isinstance(ys, tuple) else (ys,)
        out.append({name: y.numpy() for name, y in zip(output_names, ys)})
    return out


def compare(expected, got, tolerances):
    """{output: max |got - expected|} over every element of every run, for each output in
    ``tolerances``; raises OnnxMismatch on a missing output, a shape difference, or a max above
    that output's tolerance."""
    if len(expected) != len(got):
        raise OnnxMismatch(f"{len(got)} ONNX runs for {len(expected)} PyTorch runs")
    diffs = {name: 0.0 for name in tolerances}
    for i, (e, g) in enumerate(zip(expected, got)):
        for name in tolerances:
            if name not in g:
                raise OnnxMismatch(f"run {i}: the ONNX model has no output {name!r}")
            a, b = np.asarray(g[name], dtype=np.float64), np.asarray(e[name], dtype=np.float64)
            if a.shape != b.shape:
                raise OnnxMismatch(f"run {i}: ONNX {name} has shape {a.shape}, PyTorch {b.shape}")
            if a.size:
                diffs[name] = max(diffs[name], float(np.abs(a - b).max()))
    over = [f"{name}: max |ONNX - PyTorch| = {d:.3g} > {tolerances[name]:g}"
            for name, d in diffs.items() if not d <= tolerances[name]]
    if over:
        raise OnnxMismatch("; ".join(over))
    return diffs


def verify(model, onnx_path, inputs, tolerances):
    """compare() of PyTorch ``model`` and the exported ONNX (onnxruntime-web) on ``inputs``."""
    expected = torch_outputs(model, inputs, list(tolerances))
    return compare(expected, run_node(onnx_path, inputs), tolerances)


def feature_checksum(feats):
    """Summary of one features map for the golden files: mean ~ 0 and std ~ 1 by construction (per-clip
    normalisation); absSum / min / max / the shape are the informative parts."""
    f = feats.double()
    return {"mean": float(f.mean()), "std": float(f.std(unbiased=False)), "sum": float(f.sum()),
            "absSum": float(f.abs().sum()), "min": float(f.min()), "max": float(f.max()), "shape": list(f.shape)}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


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


def update_manifest(out_dir, models=(), ensembles=(), staged=()):
    """Upserts entries by id into <out_dir>/manifest.json, keeping every other entry, and moves the
    ``staged`` ONNX files (``staged_path``) into ``out_dir`` with it.

    Returns (path, manifest, total bytes of its ONNX files); raises SystemExit, writing and moving
    nothing, when the shipped models would exceed MAX_TOTAL_BYTES."""
    path = os.path.join(out_dir, "manifest.json")
    manifest = load_manifest(path)
    for entry in models:
        upsert(manifest.setdefault("models", []), entry)
    for entry in ensembles:
        upsert(manifest.setdefault("ensembles", []), entry)
    total = sum(m["sizeBytes"] if "sizeBytes" in m else os.path.getsize(os.path.join(out_dir, m["file"]))
                for m in manifest.get("models", []) if "sizeBytes" in m or os.path.exists(os.path.join(out_dir, m["file"])))
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"shipped models would total {total / 1e6:.1f} MB > {MAX_TOTAL_BYTES / 1e6:.0f} MB")
    for file in staged:
        _install(file, out_dir)
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
    return path, manifest, total
