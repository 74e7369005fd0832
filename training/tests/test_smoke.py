"""Smoke test: train a tiny model on 6 recordings, export it, run the ONNX with onnxruntime-web.

Run from the repo root:  /usr/bin/python3 -m unittest discover -s training/tests -t .
Needs the SPRSound folder (../shared/data/sprsound-2022-train or $AUSCULT_SPRSOUND) and Node with
onnxruntime-web installed in node_modules.
"""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import numpy as np
import torch

from training.auscult_train import data, export, train
from training.auscult_train.evaluate import load_checkpoint
from training.auscult_train.models import ExportModel

DATA = os.environ.get("AUSCULT_SPRSOUND", data.DEFAULT_DATA)


@unittest.skipUnless(os.path.isdir(os.path.join(DATA, "json")), f"SPRSound not found at {DATA}")
@unittest.skipUnless(shutil.which("node"), "node not installed")
class SmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix="auscult-smoke-")
        run = os.path.join(cls.tmp, "run")
        with contextlib.redirect_stdout(io.StringIO()):
            cls.summary = train.main(["--arch", "resnet18", "--features", "logstft", "--width", "0.0625",
                                      "--epochs", "1", "--batch-size", "8", "--max-recordings", "6",
                                      "--max-batches", "2", "--seed", "0", "--data", DATA, "--out", run])
        cls.ckpt = os.path.join(run, "best.pt")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_train_wrote_checkpoint(self):
        self.assertTrue(os.path.exists(self.ckpt))
        self.assertEqual(self.summary["epochsRun"], 1)

    def test_export_and_onnx_matches_pytorch(self):
        out = os.path.join(self.tmp, "models")
        golden = os.path.join(self.tmp, "golden.json")
        with contextlib.redirect_stdout(io.StringIO()):
            export.main(["--model", f"smoke={self.ckpt}", "--out-dir", out, "--golden", golden,
                         "--data", DATA, "--verify-events", "4"])
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
        entry = manifest["models"][0]
        self.assertEqual(entry["classes"], data.CLASSES)
        self.assertLess(entry["onnxVsPytorchMaxAbsDiff"], 1e-4)

        # Independent check on real events (tiled and windowed), through training/onnx_run.mjs.
        ds = data.SPRSound(DATA)
        clf, _ = load_checkpoint(self.ckpt)
        model = ExportModel(clf).eval()
        windows = np.concatenate([data.event_windows(data.event_samples(ds.recording(b), s, e))
                                  for b, s, e, _ in export.golden_events(ds)[:3]]).astype(np.float32)
        with torch.no_grad():
            p_torch, f_torch = model(torch.from_numpy(windows))
        p_onnx, checks = export.run_onnx_node(os.path.join(out, "smoke.onnx"), windows)
        self.assertEqual(p_onnx.shape, (len(windows), len(data.CLASSES)))
        self.assertLess(float(np.abs(p_onnx - p_torch.numpy()).max()), 1e-4)
        self.assertAlmostEqual(checks[0]["mean"], float(f_torch[0].double().mean()), places=4)
        np.testing.assert_allclose(p_onnx.sum(1), 1.0, atol=1e-5)

        with open(golden) as f:
            g = json.load(f)["events"]
        self.assertEqual(len(g), 6)
        lens = [data.ms_to_sample(e["endMs"]) - data.ms_to_sample(e["startMs"]) for e in g]
        self.assertTrue(any(n > data.CLIP for n in lens) and any(n < data.CLIP for n in lens))


if __name__ == "__main__":
    unittest.main()
