"""Cross-validation: the folds are patient-disjoint and stratified, the deployment-like split holds out
later recordings, and a tiny run trains, resumes and reports.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_cv -v
"""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import numpy as np

from training.auscult_train import cv, data
from training.tests.support import SPRSOUND, requires


@requires(SPRSOUND)
class Folds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = data.SPRSound()

    def test_every_patient_in_exactly_one_fold_and_sizes_within_one(self):
        folds = cv.make_folds(self.ds, 5)
        seen = [p for f in folds for p in f]
        self.assertEqual(sorted(seen), self.ds.patients())
        self.assertEqual(len(seen), len(set(seen)))
        sizes = [len(f) for f in folds]
        self.assertLessEqual(max(sizes) - min(sizes), 1, sizes)
        self.assertEqual(folds, cv.make_folds(self.ds, 5), "the folds are reproducible")

    def test_rare_classes_spread_over_folds(self):
        folds = cv.make_folds(self.ds, 5)
        fold_of = {p: i for i, f in enumerate(folds) for p in f}
        strata, _ = data.patient_strata(self.ds)
        for key, ps in strata.items():
            used = {fold_of[p] for p in ps}
            self.assertEqual(len(used), min(5, len(ps)), f"stratum {key}: {len(ps)} patients in folds {used}")

    def test_latest_recordings_are_each_patients_later_ones(self):
        held = cv.latest_recordings(self.ds)
        by_patient = {}
        for b in self.ds.bases:
            by_patient.setdefault(data.patient_of(b), []).append(b)
        for p, bases in by_patient.items():
            kept = [b for b in bases if b not in held]
            out = [b for b in bases if b in held]
            if len(bases) < 2:
                self.assertEqual(out, [], p)
                continue
            self.assertTrue(kept and out, p)
            self.assertLess(max(map(cv.recording_number, kept)), min(map(cv.recording_number, out)), p)


@requires(SPRSOUND)
class TinyRun(unittest.TestCase):
    def test_trains_resumes_and_reports(self):
        import torch
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-cv-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "run")
        args = ["--arch", "resnet18", "--width", "0.0625", "--epochs", "2", "--batch-size", "8",
                "--max-recordings", "16", "--max-batches", "2", "--folds", "2", "--out", out]
        with contextlib.redirect_stdout(io.StringIO()):
            cv.main(args + ["--only", "0"])
        self.assertTrue(os.path.exists(os.path.join(out, "fold0", "done.json")))
        self.assertFalse(os.path.exists(os.path.join(out, "fold1")))
        probs0 = np.load(os.path.join(out, "fold0", "probs.npy"))
        # Resuming: a fold interrupted after its first epoch continues to the same result.
        shutil.copytree(os.path.join(out, "fold0"), os.path.join(tmp, "fold0-done"))
        with contextlib.redirect_stdout(io.StringIO()):
            rep = cv.main(args)
        self.assertEqual(sorted(rep["heldOut"]), ["fold0", "fold1"])
        probs = np.load(os.path.join(out, "fold0", "probs.npy"))
        np.testing.assert_array_equal(probs, probs0, "a finished fold is skipped, not retrained")
        with open(os.path.join(out, "fold1", "events.json")) as f:
            held1 = {e[0] for e in json.load(f)}
        with open(os.path.join(out, "fold0", "events.json")) as f:
            held0 = {e[0] for e in json.load(f)}
        self.assertFalse({data.patient_of(b) for b in held0} & {data.patient_of(b) for b in held1})
        for key in ("task11", "task12"):
            mean, sd = rep["meanSd"][key]
            self.assertTrue(0 <= mean <= 1 and sd >= 0, (key, mean, sd))
        pooled_n = rep["pooled"]["n"]
        self.assertEqual(pooled_n, sum(r["n"] for r in rep["perFold"].values()))

    def test_resume_after_an_interrupted_epoch_gives_the_same_probabilities(self):
        import torch
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-cv-resume-")
        self.addCleanup(shutil.rmtree, tmp, True)
        common = ["--arch", "resnet18", "--width", "0.0625", "--batch-size", "8", "--max-recordings", "16",
                  "--max-batches", "2", "--folds", "2", "--only", "0", "--threads", "1"]
        whole, part = os.path.join(tmp, "whole"), os.path.join(tmp, "part")
        with contextlib.redirect_stdout(io.StringIO()):
            cv.main(common + ["--epochs", "2", "--out", whole])
            # The same fold stopped after its first epoch, then resumed from last.pt.
            ds = data.SPRSound()
            ds.bases = [b for b in ds.bases if ds.events[b]][:16]
            name, held = cv.held_out_sets(ds, "kfold", 2)[0]
            ns = cv.build_parser().parse_args(
                ["--width", "0.0625", "--epochs", "2", "--batch-size", "8", "--max-batches", "2"])
            cv.train_held_out(ds, name, held, ns, part, stop_after=1)
            self.assertTrue(os.path.exists(os.path.join(part, name, "last.pt")))
            cv.train_held_out(ds, name, held, ns, part)
        np.testing.assert_allclose(np.load(os.path.join(part, name, "probs.npy")),
                                   np.load(os.path.join(whole, name, "probs.npy")), atol=1e-6)


if __name__ == "__main__":
    unittest.main()


@requires(SPRSOUND)
class TinyDetectorRun(unittest.TestCase):
    def test_trains_resumes_and_reports_both_verdict_rules(self):
        import torch
        from training.auscult_train import detector_cv
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-detcv-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out, classifiers = os.path.join(tmp, "run"), os.path.join(tmp, "classifiers")
        args = ["--epochs", "2", "--max-recordings", "10", "--max-batches", "2", "--folds", "2", "--partial-labels",
                "--record-negatives", "0.5", "--out", out]
        with contextlib.redirect_stdout(io.StringIO()):
            detector_cv.main(args + ["--only", "0"])
            with open(os.path.join(out, "fold0", "records.json")) as f:
                rec0 = json.load(f)
            detector_cv.main(args)
            cv.main(["--width", "0.0625", "--epochs", "1", "--batch-size", "8", "--max-recordings", "16",
                     "--max-batches", "1", "--folds", "2", "--threads", "2", "--out", classifiers])
            rep = detector_cv.main(["--report", out, "--classifiers", classifiers])
        for key in ("familyEventF1", "segmentF1CAS", "segmentF1DAS", "agnosticInStretchF1", "appFamilyEventF1",
                    "appSegmentF1CAS", "appSegmentF1DAS"):
            mean, _ = rep["meanSd"][key]
            self.assertTrue(0 <= mean <= 1, (key, mean))
        with open(os.path.join(out, "fold0", "records.json")) as f:
            self.assertEqual(json.load(f), rec0, "a finished fold is skipped, not retrained")
        self.assertEqual(rep["heldOut"], ["fold0", "fold1"])
        for key in ("headTask21", "headTask22", "hierTask21", "hierTask22"):
            mean, sd = rep["meanSd"][key]
            self.assertTrue(0 <= mean <= 1 and sd >= 0, (key, mean, sd))
        self.assertEqual(rep["pooled"]["hierarchical"]["n"], 20)
        t = rep["thresholds"]
        self.assertIn(t["poorQualityThreshold"], detector_cv.PQ_THRESHOLDS)
        self.assertIn(t["adventitiousThreshold"], detector_cv.ADVENTITIOUS_THRESHOLDS)
        for probs in rec0.values():
            self.assertAlmostEqual(sum(probs), 1.0, places=4)
        # Two trunks: the events of this run, the verdict of another (here: this run with other record probs).
        verdict = os.path.join(tmp, "verdict")
        shutil.copytree(out, verdict)
        for fold in ("fold0", "fold1"):
            path = os.path.join(verdict, fold, "records.json")
            with open(path) as f:
                rec = json.load(f)
            with open(path, "w") as f:
                json.dump({b: [0.05, 0.05, 0.1, 0.7, 0.1] if i % 2 else p for i, (b, p) in enumerate(sorted(rec.items()))}, f)
        with contextlib.redirect_stdout(io.StringIO()):
            own = detector_cv.main(["--report", verdict])
            two = detector_cv.main(["--report", out, "--verdict-run", verdict])
        self.assertTrue(os.path.exists(os.path.join(out, "report-verdict-from-verdict.json")))
        with contextlib.redirect_stdout(io.StringIO()):
            twice = detector_cv.main(["--report", out, "--verdict-run", verdict + "+" + verdict])
        self.assertEqual(twice["meanSd"]["hierTask22"], own["meanSd"]["hierTask22"], "a mean of one run twice is that run")
        self.assertEqual(two["pooled"], own["pooled"], "the verdict is the verdict run's")
        for key in ("headTask22", "hierTask22"):
            self.assertEqual(two["meanSd"][key], own["meanSd"][key])
        for key in ("familyEventF1", "segmentF1CAS", "agnosticInStretchF1"):
            self.assertEqual(two["meanSd"][key], rep["meanSd"][key], "the events are this run's")
        # Activity thresholds by nested CV: each fold's point is the best on the other fold.
        ds = detector_cv.data.SPRSound()
        grid = [(0.5, 0.5), (0.9, 0.3)]
        with contextlib.redirect_stdout(io.StringIO()):
            tuned = detector_cv.tune_activity(ds, out, grid)
            loose = detector_cv.main(["--report", out, "--activity", "0.9/0.3"])
        scores = {tuple(map(float, k.split("/"))): v for k, v in tuned["meanPrimaryPerPoint"].items()}
        self.assertEqual((tuned["chosen"]["threshold"], tuned["chosen"]["thresholdLow"]), max(grid, key=scores.get))
        for fold, row in tuned["nestedPerFold"].items():
            self.assertIn((row["threshold"], row["thresholdLow"]), grid)
            self.assertAlmostEqual(row["primary"], detector_cv.primary(row))
        self.assertEqual((loose["postprocess"]["threshold"], loose["postprocess"]["thresholdLow"]), (0.9, 0.3))
        # Events typed with the record: the verdict and the class-agnostic figures do not change.
        with contextlib.redirect_stdout(io.StringIO()):
            typed = detector_cv.main(["--report", out, "--typing", "verdict-weighted"])
        self.assertEqual(typed["postprocess"]["eventTyping"], "verdict-weighted")
        self.assertTrue(os.path.exists(os.path.join(out, "report-typing-verdict-weighted.json")))
        self.assertEqual(typed["pooled"], rep["pooled"])
        for key in ("agnosticF1", "agnosticInStretchF1"):
            self.assertEqual(typed["meanSd"][key], rep["meanSd"][key])
        self.assertEqual(loose["pooled"], rep["pooled"], "the verdict does not depend on the events")
        self.assertTrue(os.path.exists(os.path.join(out, "report-activity-0.9-0.3.json")))


@requires(SPRSOUND)
class AllPatients(unittest.TestCase):
    def test_protocol_all_trains_on_every_recording_and_keeps_the_command(self):
        import torch
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-cv-all-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "run")
        args = ["--protocol", "all", "--width", "0.0625", "--epochs", "1", "--batch-size", "8", "--conditions", "0.5",
                "--max-recordings", "12", "--max-batches", "2", "--out", out]
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertIsNone(cv.main(args))
        with open(os.path.join(out, "all", "done.json")) as f:
            done = json.load(f)
        self.assertEqual(done["heldOutEvents"], 0)
        ckpt = torch.load(os.path.join(out, "all", "model.pt"), map_location="cpu")
        self.assertIn("--protocol all", ckpt["command"])
        self.assertEqual(ckpt["seed"], 1)
        self.assertEqual(ckpt["protocol"], "all")
