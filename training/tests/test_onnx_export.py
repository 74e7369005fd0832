"""The export check (onnx_export.verify / compare): every output, features included, compared element-wise.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_onnx_export -v
The ONNX test needs Node with onnxruntime-web in node_modules (no data: a random-weight model).
"""
import os
import shutil
import tempfile
import unittest

import numpy as np
import torch
from torch import nn

from training.auscult_train import data, onnx_export
from training.auscult_train.features import EVENT_FEATURES
from training.auscult_train.models import Classifier, ExportModel
from training.tests.support import NODE_ORT, requires

TOL = onnx_export.CLASSIFIER_TOLERANCES


def outputs(probs, features):
    return [{"probs": probs, "features": features}]


class CompareTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(0)
        self.probs = rng.dirichlet(np.ones(7), size=3).astype(np.float32)
        self.feats = rng.standard_normal((3, 1, 40, 309)).astype(np.float32)

    def test_equal_outputs_pass(self):
        self.assertEqual(onnx_export.compare(outputs(self.probs, self.feats), outputs(self.probs, self.feats), TOL),
                         {"probs": 0.0, "features": 0.0})

    def test_one_feature_off_by_more_than_the_tolerance_fails(self):
        got = self.feats.copy()
        got[2, 0, 17, 100] += 2 * onnx_export.FEATURES_TOLERANCE
        with self.assertRaisesRegex(onnx_export.OnnxMismatch, "features"):
            onnx_export.compare(outputs(self.probs, self.feats), outputs(self.probs, got), TOL)

    def test_a_feature_shift_that_keeps_the_mean_fails(self):
        # what a comparison of feature means (~0 by construction) cannot see
        got = self.feats.copy()
        got[0, 0, 3, 5] += 0.5
        got[0, 0, 30, 200] -= 0.5
        self.assertAlmostEqual(float(got[0].mean()), float(self.feats[0].mean()), places=6)
        with self.assertRaisesRegex(onnx_export.OnnxMismatch, "features"):
            onnx_export.compare(outputs(self.probs, self.feats), outputs(self.probs, got), TOL)

    def test_within_tolerance_passes_and_reports_the_max(self):
        got = self.feats.copy()
        got[1, 0, 0, 0] += 0.5 * onnx_export.FEATURES_TOLERANCE
        diff = onnx_export.compare(outputs(self.probs, self.feats), outputs(self.probs, got), TOL)
        self.assertAlmostEqual(diff["features"], 0.5 * onnx_export.FEATURES_TOLERANCE, places=6)

    def test_shape_or_missing_output_fails(self):
        with self.assertRaisesRegex(onnx_export.OnnxMismatch, "shape"):
            onnx_export.compare(outputs(self.probs, self.feats), outputs(self.probs, self.feats[:, :, :, :308]), TOL)
        with self.assertRaisesRegex(onnx_export.OnnxMismatch, "no output"):
            onnx_export.compare(outputs(self.probs, self.feats), [{"probs": self.probs}], TOL)


class PerturbedFeatures(nn.Module):
    """The PyTorch model with one feature of the first clip moved by ``delta``."""

    def __init__(self, model, delta):
        super().__init__()
        self.model, self.delta = model, delta

    def forward(self, waveform):
        probs, feats = self.model(waveform)
        feats = feats.clone()
        feats[0, 0, 10, 50] += self.delta
        return probs, feats


@requires(NODE_ORT)
class VerifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.tmp = tempfile.mkdtemp(prefix="auscult-onnx-check-")
        cls.model = ExportModel(Classifier(EVENT_FEATURES, "resnet18", width=0.0625, num_classes=len(data.CLASSES))).eval()
        cls.path = os.path.join(cls.tmp, "tiny.onnx")
        onnx_export.export_classifier(cls.model, cls.path, data.CLIP)
        rng = np.random.default_rng(1)
        cls.inputs = [(rng.standard_normal((3, data.CLIP)) * 0.1).astype(np.float32)]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_exported_model_passes(self):
        diff = onnx_export.verify(self.model, self.path, self.inputs, TOL)
        self.assertLessEqual(diff["probs"], onnx_export.PROBS_TOLERANCE)
        self.assertLessEqual(diff["features"], onnx_export.FEATURES_TOLERANCE)

    def test_perturbed_feature_fails(self):
        perturbed = PerturbedFeatures(self.model, 2 * onnx_export.FEATURES_TOLERANCE)
        with self.assertRaisesRegex(onnx_export.OnnxMismatch, r"features: max \|ONNX - PyTorch\|"):
            onnx_export.verify(perturbed, self.path, self.inputs, TOL)


if __name__ == "__main__":
    unittest.main()


class StagedInstallTest(unittest.TestCase):
    """An export's ONNX reaches the models folder only together with its manifest entry."""

    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="auscult-models-")
        with open(os.path.join(self.out, "a.onnx"), "wb") as f:
            f.write(b"old")
        onnx_export.update_manifest(self.out, [{"id": "a", "file": "a.onnx", "sizeBytes": 3}])

    def tearDown(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def staged(self, size):
        path = onnx_export.staged_path("a.onnx")
        with open(path, "wb") as f:
            f.write(b"n" * size)
        return path

    def test_a_checked_file_replaces_the_shipped_one_with_its_entry(self):
        path = self.staged(5)
        _, manifest, total = onnx_export.update_manifest(self.out, [{"id": "a", "file": "a.onnx", "sizeBytes": 5}], staged=[path])
        with open(os.path.join(self.out, "a.onnx"), "rb") as f:
            self.assertEqual(f.read(), b"nnnnn")
        self.assertEqual(total, 5)
        self.assertEqual(manifest["models"][0]["sizeBytes"], 5)
        self.assertFalse(os.path.exists(os.path.dirname(path)))

    def test_over_the_size_budget_nothing_moves(self):
        path = self.staged(8)
        big = {"id": "a", "file": "a.onnx", "sizeBytes": onnx_export.MAX_TOTAL_BYTES + 1}
        with self.assertRaises(SystemExit):
            onnx_export.update_manifest(self.out, [big], staged=[path])
        with open(os.path.join(self.out, "a.onnx"), "rb") as f:
            self.assertEqual(f.read(), b"old")
        self.assertEqual(onnx_export.load_manifest(os.path.join(self.out, "manifest.json"))["models"][0]["sizeBytes"], 3)
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)
