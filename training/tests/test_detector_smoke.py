"""Detector smoke test: tiny detector, one short epoch, ONNX export, onnxruntime-web in Node == PyTorch.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_detector_smoke -v
The smoke test needs SPRSound ($AUSCULT_DATA/sprsound-2022-train) and Node with onnxruntime-web in
node_modules. The other tests check the pieces the TypeScript side mirrors (frame targets, the chunk
plan, the post-processing rules) and need nothing.
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

from training.auscult_train import (data, detector, detector_ceiling, event_metrics, onnx_export, postprocess,
                                    train_detector)
from training.auscult_train.detector import load_detector
from training.auscult_train.export_detector import TOLERANCES, export_onnx, run_onnx_node
from training.tests.support import NODE_ORT, SPRSOUND, requires


def write_detector_run(root, held_out, finished):
    """A detector_cv run folder as train_fold leaves it: ``finished`` maps a fold name to
    {base: (record probabilities [5], activity [T], class probabilities [T, 7])}."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "cv.json"), "w") as f:
        json.dump({"heldOut": held_out}, f)
    for name, outputs in finished.items():
        d = os.path.join(root, name)
        os.makedirs(d)
        with open(os.path.join(d, "done.json"), "w") as f:
            json.dump({}, f)
        with open(os.path.join(d, "records.json"), "w") as f:
            json.dump({b: list(map(float, rec)) for b, (rec, _, _) in outputs.items()}, f)
        np.savez(os.path.join(d, "frames.npz"), **{k: v for b, (_, act, cls) in outputs.items()
                                                   for k, v in ((f"{b}.activity", act), (f"{b}.classProbs", cls))})


class PiecesTest(unittest.TestCase):
    def test_frame_targets(self):
        # frame i centre = 32 i + 28 ms
        act, cls = detector.frame_targets([(100, 300, "Wheeze"), (300, 600, "Normal"), (1000, 1100, "Stridor")], 40)
        self.assertEqual(act[2], 0)                 # centre 92 ms < 100 ms
        self.assertEqual(cls[3], data.CLASS_INDEX["Wheeze"])   # 124 ms
        # touching events: the frames around 300 ms are made inactive
        self.assertEqual(act[8], 0)                 # centre 284 ms (inside Wheeze, next to the boundary)
        self.assertEqual(act[9], 0)                 # centre 316 ms
        self.assertEqual(cls[10], data.CLASS_INDEX["Normal"])  # 348 ms
        self.assertEqual(cls[31], data.CLASS_INDEX["Stridor"])  # 1020 ms
        self.assertEqual(act[35], 0)

    def test_chunk_plan_covers_every_frame_once_on_the_grid(self):
        for n in (448, 80000, 240000, 240001, 300000, 1234567):
            plan = detector.chunk_plan(n)
            covered = []
            for s, e, k0, k1 in plan:
                self.assertEqual(s % detector.FRAME_HOP_SAMPLES, 0)
                self.assertLess(e - s, detector.CHUNK_SAMPLES + detector.FRAME_HOP_SAMPLES)
                f0 = s // detector.FRAME_HOP_SAMPLES
                self.assertGreaterEqual(k0, f0)
                self.assertLessEqual(k1, f0 + detector.num_output_frames(e - s))
                covered += list(range(k0, k1))
            self.assertEqual(covered, list(range(detector.num_output_frames(n))))

    def test_postprocess(self):
        p = {**postprocess.DEFAULT_PARAMS, "threshold": 0.5, "medianFrames": 3, "maxGapMs": 40, "minDurationMs": 100}
        act = np.array([0, .9, .9, .9, .1, .9, .9, .2, .2, .2, .8, .2, .9, .9, .9, .9, 0, 0], dtype=np.float32)
        probs = np.zeros((len(act), 7), dtype=np.float32)
        probs[:, 0] = 1
        probs[12:16] = np.eye(7)[2] * 0.9 + 0.1 / 7
        evs = postprocess.detect_events(act, probs, 10000, p)
        # median 3: [1..6] (the dip at 4 is filled); the lone frame 10 is removed but frame 11
        # (between 10 and 12) joins [12..15] -> [11..15]; its mean class is Wheeze
        self.assertEqual([(e["start"], e["end"], e["type"]) for e in evs],
                         [(44, 236, "Normal"), (364, 524, "Wheeze")])
        label, conf = postprocess.record_verdict(evs, [0.5, 0.1, 0.1, 0.1, 0.2], p)
        self.assertEqual(label, "CAS")
        self.assertGreater(conf, 0)
        self.assertEqual(postprocess.record_verdict(evs, [0.1, 0.1, 0.1, 0.1, 0.6], p)[0], "Poor Quality")
        self.assertEqual(postprocess.record_verdict(evs, [0.1, 0.1, 0.1, 0.6, 0.1], {**p, "verdict": "head"}),
                         ("CAS & DAS", 0.6))
        # gap merging: a gap of 32 ms <= 40 merges
        p2 = {**p, "medianFrames": 1, "minDurationMs": 0}
        evs2 = postprocess.detect_events(np.array([1, 1, 0, 1, 1], dtype=np.float32), np.ones((5, 7), np.float32) / 7, 1000, p2)
        self.assertEqual([(e["start"], e["end"]) for e in evs2], [(12, 172)])

    def test_the_cv_reports_use_the_shipped_event_post_processing(self):
        from training.auscult_train.detector_cv import SHIPPED_POSTPROCESS
        manifest = onnx_export.load_manifest(os.path.join(onnx_export.MODELS_DIR, "manifest.json"))
        shipped = next(m for m in manifest["models"] if m["task"] == "respiratory-detector")["postprocess"]
        for key in ("threshold", "thresholdLow", "medianFrames", "maxGapMs", "minDurationMs"):
            self.assertEqual(SHIPPED_POSTPROCESS[key], shipped[key], key)

    def test_a_tonal_kernel_other_than_the_default_is_kept_in_the_config(self):
        det = detector.Detector(channels=(8, 8), hidden=8, dilations=(1,), tonal=2, tonal_kernel=(5, 5))
        self.assertEqual(det.config["tonal_kernel"], [5, 5])
        again = detector.Detector(**det.config)
        self.assertEqual(again.tonal[0].kernel_size, (5, 5))
        self.assertNotIn("tonal_kernel", detector.Detector(channels=(8, 8), hidden=8, dilations=(1,), tonal=2).config)

    def test_runs_joined_by_plus_are_reported_as_their_mean_over_the_folds_both_finished(self):
        from training.auscult_train.detector_cv import load_folds

        def write_run(root, scale, finished):
            outputs = {"b": ([scale, 1 - scale, 0, 0, 0], np.full(2, scale), np.full((2, 7), scale)),
                       "a": ([0, 0, scale, 0, 1 - scale], np.full(3, scale), np.full((3, 7), scale))}
            write_detector_run(root, ["fold0", "fold1"], {name: outputs for name in finished})
        with tempfile.TemporaryDirectory() as tmp:
            one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
            write_run(one, 0.2, ["fold0", "fold1"])
            write_run(two, 0.6, ["fold0"])
            _, single = load_folds(one)
            self.assertEqual(sorted(single), ["fold0", "fold1"])
            _, both = load_folds(one + "+" + two)
        self.assertEqual(sorted(both), ["fold0"])          # fold1 is unfinished in the second run
        bases, records, frames = both["fold0"]
        self.assertEqual(bases, ["a", "b"])
        np.testing.assert_allclose(records[1], [0.4, 0.6, 0, 0, 0])
        np.testing.assert_allclose(frames["a"][0], [0.4] * 3)
        np.testing.assert_allclose(frames["b"][1], np.full((2, 7), 0.4))

    def test_hysteresis(self):
        p = {**postprocess.DEFAULT_PARAMS, "threshold": 0.7, "thresholdLow": 0.4, "medianFrames": 1, "maxGapMs": 0,
             "minDurationMs": 0}
        act = np.array([0.3, 0.45, 0.8, 0.45, 0.3, 0.45, 0.45, 0.3], dtype=np.float32)
        self.assertEqual(postprocess.active_runs(act, p), [(1, 3)])
        evs = postprocess.detect_events(act, np.ones((8, 7), np.float32) / 7, 1000, p)
        self.assertEqual([(e["start"], e["end"]) for e in evs], [(44, 140)])
        self.assertEqual(postprocess.active_runs(act, {**p, "thresholdLow": 0.7}), [(2, 2)])

    def test_event_metrics_maximum_matching(self):
        refs = [(1000, 2000, "Normal"), (1150, 2150, "Normal")]
        ests = [(1100, 2100, "Normal"), (900, 1900, "Normal")]
        self.assertEqual(event_metrics.match_events(refs, ests), [(0, 1), (1, 0)])
        s = event_metrics.event_scores([(refs, ests)], data.CLASSES)
        self.assertEqual(s["agnostic"]["f1"], 1.0)

    def test_ceiling_oracles(self):
        refs = [(1000, 2000, "Normal"), (6000, 7000, "Normal")]
        ests = [(1100, 2600, "Normal"), (3000, 4000, "Normal"), (6500, 7000, "Normal")]
        self.assertEqual(detector_ceiling.unannotated_stretches(refs, 9500), [(2000, 6000)])
        self.assertEqual(detector_ceiling.unannotated_stretches(refs, 9500, min_ms=1000),
                         [(0, 1000), (2000, 6000), (7000, 9500)])
        self.assertEqual(detector_ceiling.drop_unannotated(refs, ests), [ests[0], ests[2]])
        # onset within the collar: the end moves to the annotated end; onset 500 ms late: unchanged
        self.assertEqual(detector_ceiling.snap_offsets(refs, ests), [(1100, 2000, "Normal"), ests[1], ests[2]])

    def test_family_oracles(self):
        refs = [(1000, 2000, "Wheeze"), (3000, 4000, "Normal")]
        # a crackle on the wheeze (type wrong), a wheeze on the normal breath, a wheeze in unannotated time
        ests = [(1000, 2000, "Fine Crackle"), (3000, 4000, "Wheeze"), (6000, 7000, "Wheeze")]
        self.assertEqual(detector_ceiling.label_types(refs, ests),
                         [(1000, 2000, "Wheeze"), (3000, 4000, "Normal"), ests[2]])
        rows = detector_ceiling.family_rows([(refs, ests)])
        self.assertEqual(rows["shipped"]["familyEventF1"], 0.0)
        self.assertAlmostEqual(rows["(c) annotated types"]["familyEventF1"], 2 / 3)   # 1 match, 1 extra (unannotated)
        self.assertEqual(rows["(a) + (b) + (c)"]["familyEventF1"], 1.0)
        self.assertEqual(rows["(a) + (b) + (c)"]["segmentF1CAS"], 1.0)


@requires(SPRSOUND)
class DeploymentLikeReportTest(unittest.TestCase):
    def test_a_latest_run_is_scored_at_the_verdict_thresholds_fixed_beforehand(self):
        from training.auscult_train import cv, detector_cv
        ds = data.SPRSound(data.DEFAULT_DATA)
        (name, held), = cv.held_out_sets(ds, "latest", 5)
        self.assertEqual(name, "latest")
        bases = sorted(held)[:6]
        # P(adv) = 0.45 for every record: adventitious only where the threshold is below it.
        probs = [[0.55, 0.15, 0.15, 0.15, 0.0] for _ in bases]
        with tempfile.TemporaryDirectory() as tmp:
            write_detector_run(tmp, ["latest"], {"latest": {b: (p, np.zeros(40, np.float32), np.full((40, 7), 1 / 7, np.float32))
                                                            for b, p in zip(bases, probs)}})
            for fixed, verdict in (((0.4, 0.5), "Normal"), ((0.4, 0.4), "CAS")):
                rep = detector_cv.report(ds, tmp, postprocess={**detector_cv.SHIPPED_POSTPROCESS,
                                                               "eventTyping": "verdict-weighted"}, fixed_verdict=fixed)
                self.assertEqual((rep["thresholds"]["poorQualityThreshold"], rep["thresholds"]["adventitiousThreshold"]), fixed)
                self.assertTrue(rep["thresholds"]["fixedBeforehand"])
                truth = [ds.records[b] for b in bases]
                expected = event_metrics.record_scores(truth, [verdict] * len(bases), detector.RECORD_CLASSES)
                self.assertAlmostEqual(rep["perFold"]["latest"]["hierTask22"], expected["task22"]["Score"])
                self.assertAlmostEqual(rep["pooled"]["hierarchical"]["task21"]["Score"], expected["task21"]["Score"])


@requires(SPRSOUND, NODE_ORT)
class DetectorSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.tmp = tempfile.mkdtemp(prefix="auscult-det-smoke-")
        run = os.path.join(cls.tmp, "run")
        with contextlib.redirect_stdout(io.StringIO()):
            cls.summary = train_detector.main(["--epochs", "1", "--batch-size", "4", "--max-recordings", "12",
                                               "--max-batches", "2", "--channels", "16,16", "--hidden", "16",
                                               "--dilations", "1,2", "--seed", "0", "--out", run])
        cls.ckpt = os.path.join(run, "best.pt")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_onnx_matches_pytorch_in_onnxruntime_web(self):
        self.assertEqual(self.summary["epochsRun"], 1)
        det, _ = load_detector(self.ckpt)
        model = detector.ExportDetector(det).eval()
        path = os.path.join(self.tmp, "det.onnx")
        export_onnx(model, path, n=20000)
        ds = data.SPRSound()
        b = ds.bases[0]
        recs = [("full", ds.recording(b)), ("odd", ds.recording(b)[:12345]), ("min", ds.recording(b)[:detector.MIN_SAMPLES])]
        diffs = onnx_export.verify(model, path, [x[None] for _, x in recs], TOLERANCES)
        self.assertEqual(set(diffs), set(detector.ExportDetector.OUTPUTS))
        got = run_onnx_node(path, recs)
        for name, x in recs:
            self.assertEqual(got[name][0].shape[0], detector.num_output_frames(len(x)))

    def test_tonal_branch_exports_and_keeps_the_frame_grid(self):
        torch.manual_seed(3)
        det = detector.Detector(channels=(16, 16), hidden=16, dilations=(1, 2), tonal=4)
        for m in det.modules():   # non-trivial BatchNorm statistics, so that folding them is checked
            if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
        model = detector.ExportDetector(det).eval()
        path = os.path.join(self.tmp, "det-tonal.onnx")
        export_onnx(model, path, n=20000)
        x = data.SPRSound().recording(data.SPRSound().bases[1])
        recs = [("full", x), ("odd", x[:12345]), ("min", x[:detector.MIN_SAMPLES])]
        onnx_export.verify(model, path, [r[None] for _, r in recs], TOLERANCES)
        got = run_onnx_node(path, recs)
        for name, r in recs:
            self.assertEqual(got[name][0].shape[0], detector.num_output_frames(len(r)))
        reloaded = detector.Detector(**det.config)
        self.assertEqual(reloaded.config["tonal"], 4)

    def another_seed(self, ckpt, seed, name):
        """(a detector of ckpt's configuration with random weights from `seed`, its checkpoint's path)."""
        torch.manual_seed(seed)
        other = detector.Detector(**ckpt["config"]).eval()
        for p in other.parameters():
            if p.requires_grad:   # the STFT front end is fixed
                p.data.normal_(0, 0.1)
        path = os.path.join(self.tmp, name)
        torch.save({**ckpt, "state_dict": other.state_dict(), "seed": seed}, path)
        return other, path

    def test_two_trunks_take_frames_from_one_and_the_verdict_from_the_other(self):
        events, ckpt = load_detector(self.ckpt)
        other, vpath = self.another_seed(ckpt, 5, "verdict.pt")
        two, tckpt = load_detector(self.ckpt, vpath)
        self.assertIsInstance(two, detector.TwoTrunkDetector)
        self.assertEqual(tckpt["verdictTrunk"]["seed"], 5)
        x = torch.from_numpy(data.SPRSound().recording(data.SPRSound().bases[0])[:40000])[None]
        with torch.no_grad():
            a, c, r = two(x)
            ea, ec, _ = events(x)
            _, _, vr = other(x)
        torch.testing.assert_close(a, ea)
        torch.testing.assert_close(c, ec)
        torch.testing.assert_close(r, vr)
        self.assertFalse(torch.allclose(r, events(x)[2]))
        model = detector.ExportDetector(two).eval()
        path = os.path.join(self.tmp, "two.onnx")
        export_onnx(model, path, n=20000)
        diffs = onnx_export.verify(model, path, [x.numpy()], TOLERANCES)
        self.assertLessEqual(max(diffs.values()), onnx_export.PROBS_TOLERANCE)

    def test_an_ensemble_gives_the_mean_of_its_members_probabilities_in_onnxruntime_web(self):
        first, ckpt = load_detector(self.ckpt)
        other, second = self.another_seed(ckpt, 6, "seed6.pt")
        ens, eckpt = load_detector(self.ckpt + "+" + second)
        self.assertIsInstance(ens, detector.DetectorEnsemble)
        self.assertEqual([m["seed"] for m in eckpt["members"]], [ckpt["seed"], 6])
        x = torch.from_numpy(data.SPRSound().recording(data.SPRSound().bases[0])[:40000])[None]
        model = detector.ExportDetector(ens).eval()
        with torch.no_grad():
            got = model(x)
            alone = [detector.ExportDetector(d).eval()(x) for d in (first, other)]
        for i, name in enumerate(detector.ExportDetector.OUTPUTS):
            torch.testing.assert_close(got[i], (alone[0][i] + alone[1][i]) / 2, msg=name)
        path = os.path.join(self.tmp, "ensemble.onnx")
        export_onnx(model, path, n=20000)
        diffs = onnx_export.verify(model, path, [x.numpy()], TOLERANCES)
        self.assertLessEqual(max(diffs.values()), onnx_export.PROBS_TOLERANCE)

    def test_chunked_prediction(self):
        det, _ = load_detector(self.ckpt)
        model = detector.ExportDetector(det).eval()
        ds = data.SPRSound()
        x = np.concatenate([ds.recording(b) for b in ds.bases[:4]])[:260000]  # > one 30 s chunk
        a, c, r = detector.predict_recording(model, x)
        self.assertEqual(len(a), detector.num_output_frames(len(x)))
        self.assertEqual(c.shape, (len(a), 7))
        np.testing.assert_allclose(c.sum(1), 1, atol=1e-5)
        # frames from the first chunk equal a direct run on that chunk
        s, e, k0, k1 = detector.chunk_plan(len(x))[0]
        with torch.no_grad():
            a0 = model(torch.from_numpy(x[s:e])[None])[0][0].numpy()
        np.testing.assert_allclose(a[k0:k1], a0[k0:k1], atol=1e-6)


if __name__ == "__main__":
    unittest.main()
