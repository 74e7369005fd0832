"""Heart-sound pipeline checks: names and input policy, scipy vs the app's resampler, and a smoke run.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_heart -v
The resampler and smoke tests need $AUSCULT_DATA/heartbeat-sounds and heartbeat-sounds-original-wav,
and Node with tsx and onnxruntime-web in node_modules. The split: test_splits.py; the features:
test_features.py.
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

from training.auscult_train import heart_data as hd
from training.tests.support import HEART_ORIGINAL_WAV, HEART_SOUNDS, NODE_ORT, NODE_TSX, requires


class NamesAndPolicy(unittest.TestCase):
    def test_parse_name(self):
        self.assertEqual(hd.parse_name("normal__103_1305031931979_B"), ("B", "103"))
        self.assertEqual(hd.parse_name("murmur_noisymurmur_135_1306428972976_A"), ("B", "135"))
        self.assertEqual(hd.parse_name("Bunlabelledtest__101_1305030823364_A"), ("B", "101"))
        self.assertEqual(hd.parse_name("artifact__201012172012"), ("A", "201012172012"))
        self.assertEqual(hd.parse_name("Aunlabelledtest__2011040239"), ("A", "2011040239"))

    def test_a_sessions(self):
        items = [{"base": f"murmur__2011082222{m:02d}", "source": "A", "key": f"2011082222{m:02d}"} for m in (21, 23, 50)]
        items.append({"base": "normal__201108230100", "source": "A", "key": "201108230100"})
        hd.assign_units(items)
        self.assertEqual([it["unit"] for it in items],
                         ["A:201108222221", "A:201108222221", "A:201108222221", "A:201108230100"])

    def test_window_spans(self):
        self.assertEqual(hd.window_spans(5000), [(0, 5000)])
        self.assertEqual(hd.window_spans(18665), [(0, 12000), (4000, 16000), (6665, 18665)])
        self.assertEqual(len(hd.window_spans(40000)), 8)
        w = hd.windows(np.arange(5000, dtype=np.float32))
        self.assertEqual(w.shape, (1, hd.WINDOW))
        self.assertEqual(w[0, 11999], 11999 % 5000)

    def test_classes_from_labels_json(self):
        self.assertEqual(hd.CLASSES, ["artifact", "extrahls", "murmur", "normal"])


@requires(HEART_ORIGINAL_WAV, NODE_TSX)
class EnsembleGraph(unittest.TestCase):
    def test_mean_of_the_members_probabilities_on_one_front_end(self):
        from training.auscult_train.features import EVENT_FEATURES, HEART_FEATURES
        from training.auscult_train.models import Classifier, ExportModel
        torch.manual_seed(0)
        a, b = (Classifier(HEART_FEATURES, "resnet18", 0.0625, 4).eval() for _ in range(2))
        x = torch.randn(3, hd.WINDOW) * 0.05
        with torch.no_grad():
            pa, fa = ExportModel(a)(x)
            pb, _ = ExportModel(b)(x)
            pe, fe = ExportModel(a, b)(x)
        torch.testing.assert_close(pe, (pa + pb) / 2)
        torch.testing.assert_close(fe, fa)
        with self.assertRaisesRegex(ValueError, "one feature front end"):
            ExportModel(a, Classifier(EVENT_FEATURES, "resnet18", 0.0625, 4))


class ResamplerAgreement(unittest.TestCase):
    """scipy.signal.resample_poly (training) vs src/dsp/resample.ts (the app), 44.1 kHz -> 4 kHz.

    Tolerance: below 1 kHz (the model's band is 25-1000 Hz) the two agree to 0.5 % relative RMS
    (measured ~0.1 %); over the full band to 5 % (measured ~1.5 %: the app's filter cuts at 0.45 x 4 kHz
    = 1.8 kHz, scipy's at 2 kHz, so they differ in the 1.8-2 kHz transition band only); lengths
    differ by at most one sample (floor vs ceil).
    """

    def test_on_real_recordings(self):
        from scipy.signal import butter, sosfiltfilt
        from training.auscult_train.heart_export import ts_resampled
        sos = butter(8, 1000, "low", fs=hd.ANALYSIS_RATE, output="sos")
        rms = lambda v: float(np.sqrt(np.mean(v ** 2)))  # noqa: E731
        for name in ("extrahls__201101070953.wav", "artifact__201012172012.wav"):
            path = os.path.join(hd.ORIGINAL_WAV, name)
            x, sr = hd.read_audio(path)
            self.assertEqual(sr, 44100)
            py = hd.resample_to(x, sr).astype(np.float64)
            ts = ts_resampled(path).astype(np.float64)
            self.assertLessEqual(abs(len(py) - len(ts)), 1)
            n = min(len(py), len(ts))
            a, b = ts[:n], py[:n]
            full = rms(a - b) / rms(b)
            band = rms(sosfiltfilt(sos, a) - sosfiltfilt(sos, b)) / rms(sosfiltfilt(sos, b))
            self.assertLess(band, 0.005, name)
            self.assertLess(full, 0.05, name)


@requires(HEART_SOUNDS, HEART_ORIGINAL_WAV, NODE_TSX, NODE_ORT)
class Smoke(unittest.TestCase):
    def test_train_export_onnx_matches(self):
        from training.auscult_train import heart_export, heart_train
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-heart-smoke-")
        try:
            run = os.path.join(tmp, "run")
            with contextlib.redirect_stdout(io.StringIO()):
                s = heart_train.main(["--width", "0.0625", "--epochs", "1", "--batch-size", "8", "--max-recordings", "12",
                                      "--max-batches", "2", "--windows-per-epoch", "16", "--out", run])
            self.assertEqual(s["epochsRun"], 1)
            out = os.path.join(tmp, "models")
            golden = os.path.join(tmp, "golden.json")
            with contextlib.redirect_stdout(io.StringIO()):
                heart_export.main(["--ckpt", os.path.join(run, "best.pt"), "--id", "smoke-heart", "--out-dir", out,
                                   "--golden", golden, "--verify-records", "2"])
            with open(os.path.join(out, "manifest.json")) as f:
                entry = json.load(f)["models"][0]
            self.assertEqual(entry["task"], "heart")
            self.assertEqual(entry["classes"], hd.CLASSES)
            self.assertEqual(entry["input"]["windowSamples"], hd.WINDOW)
            self.assertLess(entry["onnxVsPytorchMaxAbsDiff"], 1e-4)
            self.assertEqual(entry["feature"]["numBins"], 63)
            self.assertEqual(entry["feature"]["sampleRate"], hd.ANALYSIS_RATE)
            with open(golden) as f:
                g = json.load(f)
            self.assertEqual(len(g["recordings"]), 8)
            for r in g["recordings"]:
                self.assertAlmostEqual(sum(r["probs"]), 1.0, places=5)
            # Two checkpoints: one graph, their mean (the same network twice gives its own probabilities).
            golden2 = os.path.join(tmp, "golden2.json")
            with contextlib.redirect_stdout(io.StringIO()):
                heart_export.main(["--ckpt", os.path.join(run, "best.pt"), os.path.join(run, "best.pt"), "--id",
                                   "smoke-heart-2", "--out-dir", out, "--golden", golden2, "--verify-records", "0",
                                   "--circor-golden", ""])
            with open(os.path.join(out, "manifest.json")) as f:
                entry2 = {m["id"]: m for m in json.load(f)["models"]}["smoke-heart-2"]
            self.assertEqual(len(entry2["training"]["members"]), 2)
            self.assertEqual(entry2["params"], 2 * entry["params"])
            self.assertLess(entry2["onnxVsPytorchMaxAbsDiff"], 1e-4)
            with open(golden2) as f:
                for a, b in zip(g["recordings"], json.load(f)["recordings"]):
                    np.testing.assert_allclose(a["probs"], b["probs"], atol=1e-6)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
