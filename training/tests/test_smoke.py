"""Event classifiers, smoke test: train a tiny model on 6 recordings, export it, run the ONNX with onnxruntime-web.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_smoke -v
Needs SPRSound ($AUSCULT_DATA/sprsound-2022-train) and Node with onnxruntime-web in node_modules.
"""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import numpy as np

from training.auscult_train import data, export, onnx_export, train
from training.auscult_train.evaluate import event_inputs
from training.auscult_train.features import EVENT_FEATURES
from training.auscult_train.models import ExportModel, load_classifier
from training.tests.support import NODE_ORT, SPRSOUND, requires


@requires(SPRSOUND, NODE_ORT)
class SmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import torch
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix="auscult-smoke-")
        run = os.path.join(cls.tmp, "run")
        with contextlib.redirect_stdout(io.StringIO()):
            cls.summary = train.main(["--arch", "resnet18", "--features", "logstft", "--width", "0.0625",
                                      "--epochs", "1", "--batch-size", "8", "--max-recordings", "6",
                                      "--max-batches", "2", "--seed", "0", "--out", run])
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
            export.main(["--model", f"smoke={self.ckpt}", "--out-dir", out, "--golden", golden, "--verify-events", "4"])
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
        entry = manifest["models"][0]
        self.assertEqual(entry["classes"], data.CLASSES)
        self.assertEqual(entry["feature"]["numBins"], 40)
        self.assertLess(entry["onnxVsPytorchMaxAbsDiff"], onnx_export.PROBS_TOLERANCE)

        # Independent check on real events (tiled and windowed), every element of both outputs.
        ds = data.SPRSound()
        clf, _ = load_classifier(self.ckpt, EVENT_FEATURES)
        model = ExportModel(clf).eval()
        windows, _ = event_inputs(ds, export.golden_events(ds)[:3])
        got = onnx_export.run_node(os.path.join(out, "smoke.onnx"), [windows])[0]
        self.assertEqual(got["probs"].shape, (len(windows), len(data.CLASSES)))
        self.assertEqual(got["features"].shape, (len(windows), 1, 40, 309))
        diff = onnx_export.verify(model, os.path.join(out, "smoke.onnx"), [windows], onnx_export.CLASSIFIER_TOLERANCES)
        self.assertLess(diff["features"], onnx_export.FEATURES_TOLERANCE)
        np.testing.assert_allclose(got["probs"].sum(1), 1.0, atol=1e-5)

        with open(golden) as f:
            g = json.load(f)["events"]
        self.assertEqual(len(g), 6)
        lens = [data.ms_to_sample(e["endMs"]) - data.ms_to_sample(e["startMs"]) for e in g]
        self.assertTrue(any(n > data.CLIP for n in lens) and any(n < data.CLIP for n in lens))


if __name__ == "__main__":
    unittest.main()
