"""PASCAL + CirCor heart corpus: CirCor labels, patient-grouped folds, sampling, AUC, device ranges,
and a tiny cross-validation run that resumes and reports.

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_heart_corpus -v
Needs $AUSCULT_DATA/circor-2022 (and heartbeat-sounds for the folds over both datasets).
"""
import contextlib
import io
import itertools
import json
import os
import shutil
import tempfile
import unittest
from collections import Counter, defaultdict

import numpy as np

from training.auscult_train import augment, heart_corpus as hc, heart_cv, heart_data as hd
from training.auscult_train.heart_export import cv_metrics_entry, transfer_entry
from training.auscult_train.heart_train import sampling_weights
from training.tests.support import CIRCOR, HEART_SOUNDS, requires


class Pieces(unittest.TestCase):
    def test_auc_matches_pair_counting(self):
        rng = np.random.default_rng(0)
        pos, neg = rng.integers(0, 5, 40) / 4, rng.integers(0, 5, 30) / 4   # many ties
        pairs = [(p > n) + 0.5 * (p == n) for p, n in itertools.product(pos, neg)]
        self.assertAlmostEqual(heart_cv.auc(pos, neg), float(np.mean(pairs)), places=12)
        self.assertEqual(heart_cv.auc([0.9, 0.8], [0.1, 0.2]), 1.0)
        self.assertEqual(heart_cv.auc([0.1], [0.9]), 0.0)
        self.assertTrue(np.isnan(heart_cv.auc([], [0.5])))

    def test_source_class_sampling_shares_each_class_among_its_sources(self):
        labels = [0] * 2 + [2] * 10 + [2] * 90 + [3] * 300
        groups = ["A"] * 2 + ["A"] * 10 + ["C"] * 90 + ["C"] * 300
        p = sampling_weights(labels, 1.0, groups)
        share = defaultdict(float)
        for c, g, v in zip(labels, groups, p):
            share[(c, g)] += v
        self.assertAlmostEqual(share[(0, "A")], 1 / 3)
        self.assertAlmostEqual(share[(2, "A")], 1 / 6, msg="the 10 A murmurs get half the murmur draws")
        self.assertAlmostEqual(share[(2, "C")], 1 / 6)
        self.assertAlmostEqual(share[(3, "C")], 1 / 3)
        np.testing.assert_allclose(sampling_weights(labels, 1.0), sampling_weights(labels, 1.0, ["x"] * len(labels)))

    def test_balance_power_shares_draws_as_a_power_of_the_class_count(self):
        labels = [0] * 16 + [3] * 400
        for power, want in ((1.0, 0.5), (0.5, 4 / (4 + 20)), (0.0, 16 / 416)):
            self.assertAlmostEqual(sampling_weights(labels, power)[:16].sum(), want, msg=f"power {power}")
        args = heart_cv.build_parser().parse_args(["--balance-power", "0.5"])
        self.assertEqual(args.balance_power, 0.5)

    def test_partial_label_loss_is_minus_log_of_the_allowed_probability(self):
        import torch
        from training.auscult_train.train import LABEL_SMOOTHING, fit_batch

        class Fixed(torch.nn.Module):
            """Logits that ignore the input (one parameter row per sample), features = the input."""
            def __init__(self, logits):
                super().__init__()
                self.logits = torch.nn.Parameter(torch.tensor(logits))
                self.features = lambda x: x[:, None, None, :]
                self.net = lambda feats: self.logits

        logits = [[0.5, 1.0, -0.3, 2.0], [0.1, -1.0, 0.7, 0.2]]
        model = Fixed(logits)
        opt = torch.optim.SGD(model.parameters(), lr=0.0)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)
        y = torch.eye(4)[[3, 2]]
        allowed = torch.tensor([[False, True, False, True], [False, False, True, False]])
        loss, step = fit_batch(model, opt, sched, torch.zeros(2, 8), y, np.random.default_rng(0), 0, 1,
                               allowed=allowed, time_masks=0, freq_masks=0)
        p = torch.softmax(torch.tensor(logits), 1)
        smooth = y[1] * (1 - LABEL_SMOOTHING) + LABEL_SMOOTHING / 4
        expected = (-torch.log(p[0, 1] + p[0, 3]) - (smooth * torch.log(p[1])).sum()) / 2
        self.assertAlmostEqual(loss, float(expected), places=5)
        self.assertEqual(step, 1)
        plain, _ = fit_batch(model, opt, sched, torch.zeros(2, 8), y, np.random.default_rng(0), 1, 1,
                             time_masks=0, freq_masks=0)
        self.assertGreater(plain, loss, "the single label costs more than 'extrahls or normal'")

    def test_ensemble_member_may_be_split_over_two_runs(self):
        tmp = tempfile.mkdtemp(prefix="auscult-heart-ens-")
        self.addCleanup(shutil.rmtree, tmp, True)
        rng = np.random.default_rng(3)

        def rec(base, source, label, unit):
            return {"base": base, "source": source, "unit": unit, "folder": hd.CLASSES[label], "label": label,
                    **({"mostAudible": True} if source == "C" else {})}

        def write_run(name, held_out):
            d = os.path.join(tmp, name)
            os.makedirs(d)
            with open(os.path.join(d, "cv.json"), "w") as f:
                json.dump({"heldOut": list(held_out)}, f)
            out = {}
            for fold, records in held_out.items():
                os.makedirs(os.path.join(d, fold))
                probs = rng.dirichlet(np.ones(4), size=len(records)).astype(np.float32)
                json.dump(records, open(os.path.join(d, fold, "records.json"), "w"))
                json.dump({"evalEpochs": [20]}, open(os.path.join(d, fold, "done.json"), "w"))
                np.save(os.path.join(d, fold, "probs.npy"), probs[None])
                out.update({r["base"]: p for r, p in zip(records, probs)})
            return d, out

        pascal = [rec(f"p{i}", "AB"[i % 2], [2, 3][i % 2], f"u{i}") for i in range(8)]
        circor = [rec(f"c{i}", "C", [2, 3][i % 2], f"C:{i}") for i in range(6)]
        combined, pc = write_run("combined", {"fold0": pascal[:4] + circor[:3], "fold1": pascal[4:] + circor[3:]})
        pascal_run, pp = write_run("pascal", {"fold0": pascal[:4], "fold1": pascal[4:]})
        transfer, pt = write_run("transfer", {"without-C": circor})
        rep = heart_cv.report([combined, pascal_run + "+" + transfer])
        self.assertEqual(rep["heldOut"], ["fold0", "fold1"])
        other = {**pp, **pt}
        records = pascal[:4] + circor[:3] + pascal[4:] + circor[3:]
        mean = np.stack([(pc[r["base"]] + other[r["base"]]) / 2 for r in records])
        expected = heart_cv.headline(records, mean)
        for k, v in expected.items():
            self.assertAlmostEqual(rep["pooled"][k], v, places=6, msg=k)
        with self.assertRaisesRegex(ValueError, "no out-of-fold prediction"):
            heart_cv.report([combined, pascal_run])
        # A PASCAL-only recipe ships with its PASCAL CV and, apart, its CirCor transfer.
        entry = cv_metrics_entry(heart_cv.report([pascal_run]))
        self.assertIsNone(entry["circor"])
        self.assertEqual(entry["perClassN"]["murmur"], 4)
        moved = transfer_entry(heart_cv.report([transfer]))
        self.assertEqual(moved["circor"]["n"]["patients"], 6)
        self.assertIn("without-C", moved["split"])
        self.assertNotIn("pascal", moved)
        # A combined recipe's transfer: PASCAL B held out (trained on A + CirCor).
        b_only = [r for r in pascal if r["source"] == "B"]
        held_b, _ = write_run("without-b", {"without-B": b_only})
        moved_b = transfer_entry(heart_cv.report([held_b]))
        self.assertNotIn("circor", moved_b)
        self.assertIn("pascalBA", moved_b["pascal"])   # (these B records hold no murmur, so no murmur recall)
        self.assertTrue(0 <= moved_b["pascal"]["pascalBA"] <= 1)

    def test_heart_device_ranges_at_4khz(self):
        f = np.fft.rfftfreq(hd.WINDOW, 1 / hd.ANALYSIS_RATE)
        rng = np.random.default_rng(1)
        drops = []
        for _ in range(200):
            g = augment.device_gain(f, rng, augment.HEART)
            self.assertTrue(np.isfinite(g).all() and (g > 0).all())
            drops.append(20 * np.log10(g[np.argmin(abs(f - 900))] / g[np.argmin(abs(f - 200))]))
        self.assertLess(min(drops), -12, "some devices cut the top of the heart band, as a 2 kHz recorder does")
        x = np.random.default_rng(2).standard_normal((3, hd.WINDOW)).astype(np.float32)
        a = augment.apply_device(x, np.random.default_rng(3), augment.HEART)
        np.testing.assert_array_equal(a, augment.apply_device(x, np.random.default_rng(3), augment.HEART))
        self.assertEqual(a.dtype, np.float32)


@requires(CIRCOR)
class CirCorLabels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = hc.Circor()

    def test_labels_follow_the_audible_locations(self):
        by = {it["base"]: it for it in self.c.items}
        self.assertEqual(self.c.patients["13918"]["locations"], {"TV"})
        self.assertEqual(by["13918_TV"]["label"], "murmur")
        self.assertTrue(by["13918_TV"]["mostAudible"])
        self.assertEqual(by["13918_AV"]["label"], hc.INAUDIBLE)
        self.assertEqual(Counter(it["label"] for it in self.c.items), {"murmur": 499, "normal": 695, hc.INAUDIBLE: 117})
        per_patient = Counter(it["patient"] for it in self.c.items if it["label"] == "normal")
        self.assertEqual(set(per_patient.values()), {1}, "one recording of each murmur-absent patient")

    def test_recordings_are_at_the_analysis_rate(self):
        i = next(i for i, it in enumerate(self.c.items) if it["base"] == "13918_TV")
        x = self.c.recording(i)
        import soundfile as sf
        n_native = sf.info(os.path.join(self.c.data_dir, "audio", "13918_TV.flac")).frames
        self.assertEqual(len(x), n_native * hd.ANALYSIS_RATE // 2000)
        self.assertEqual(x.dtype, np.float32)


@requires(CIRCOR, HEART_SOUNDS)
class Folds(unittest.TestCase):
    def test_units_whole_disjoint_and_every_stratum_spread(self):
        corpus = hc.HeartCorpus()
        folds = hc.make_folds(corpus, 5, heart_cv.FOLD_SEED)
        fold_of = {u: i for i, us in enumerate(folds) for u in us}
        self.assertEqual(sum(map(len, folds)), len(fold_of), "a unit is in one fold only")
        labelled_units = {it["unit"] for it in corpus.items if it["label"] is not None}
        self.assertEqual(set(fold_of), labelled_units)
        per_stratum = defaultdict(set)
        for it in corpus.items:
            if it["label"] is not None:
                per_stratum[(it["source"], it["folder"])].add(fold_of[it["unit"]])
        for key, fs in per_stratum.items():
            self.assertEqual(len(fs), 5, f"{key} in folds {fs}")
        sizes = [sum(1 for it in corpus.items if it["label"] is not None and fold_of[it["unit"]] == i) for i in range(5)]
        self.assertLess(max(sizes) - min(sizes), 0.05 * np.mean(sizes))
        # PASCAL's strata are dealt before CirCor's, so a PASCAL-only run has the same PASCAL folds.
        pascal_only = hc.make_folds(hc.HeartCorpus(sources=("A", "B")), 5, heart_cv.FOLD_SEED)
        self.assertEqual(pascal_only, [[u for u in us if not u.startswith("C:")] for us in folds])

    def test_not_murmur_widens_only_circor_absent_recordings(self):
        corpus = hc.HeartCorpus()
        labelled = corpus.labelled()
        strict, wide = corpus.allowed(labelled), corpus.allowed(labelled, "not-murmur")
        np.testing.assert_array_equal(strict, np.eye(4, dtype=bool)[[c for _, c in labelled]])
        widened = (wide != strict).any(1)
        expect = [corpus.by_base[b]["source"] == "C" and hd.CLASSES[c] == "normal" for b, c in labelled]
        np.testing.assert_array_equal(widened, expect)
        self.assertGreater(widened.sum(), 600)
        rows = wide[widened]
        self.assertTrue(rows[:, [hd.CLASS_INDEX[n] for n in hc.NOT_MURMUR]].all())
        self.assertFalse(rows[:, hd.CLASS_INDEX["murmur"]].any() or rows[:, hd.CLASS_INDEX["artifact"]].any())


@requires(CIRCOR)
class TinyRun(unittest.TestCase):
    def test_trains_resumes_and_reports(self):
        import torch
        torch.set_num_threads(2)
        tmp = tempfile.mkdtemp(prefix="auscult-heartcv-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "run")
        argv = ["--sources", "C", "--folds", "20", "--only", "0", "--width", "0.0625", "--epochs", "2",
                "--eval-every", "1", "--batch-size", "8", "--windows-per-epoch", "16", "--max-recordings", "24",
                "--circor-absent", "not-murmur", "--out", out]
        args = heart_cv.build_parser().parse_args(argv)
        corpus = hc.HeartCorpus(sources=("C",))
        name, held = heart_cv.held_out_sets(corpus, args)[0]
        with contextlib.redirect_stdout(io.StringIO()):
            heart_cv.train_held_out(corpus, name, held, args, out, stop_after=1)
        self.assertTrue(os.path.exists(os.path.join(out, name, "last.pt")))
        with contextlib.redirect_stdout(io.StringIO()):
            rep = heart_cv.main(argv)
        with open(os.path.join(out, name, "records.json")) as f:
            records = json.load(f)
        self.assertEqual({r["unit"] for r in records}, held)
        self.assertEqual(np.load(os.path.join(out, name, "probs.npy")).shape, (2, len(records), 4))
        self.assertFalse(os.path.exists(os.path.join(out, name, "last.pt")))
        with open(os.path.join(out, name, "log.jsonl")) as f:
            self.assertEqual([json.loads(line)["epoch"] for line in f], [1, 2], "resumed after epoch 1")
        for k in ("circorRecordingAuc", "circorPatientAuc", "circorAbnormalAuc"):
            self.assertTrue(0 <= rep["pooled"][k] <= 1, k)
        self.assertEqual(rep["pooled"]["circor"]["n"]["patients"], len(held))
        # Fine-tuning starts each held-out set from the model trained without the same units.
        tuned = os.path.join(tmp, "tuned")
        with contextlib.redirect_stdout(io.StringIO()):
            heart_cv.main(argv[:-1] + [tuned, "--epochs", "1", "--lr", "0", "--init-from", out])
        import torch
        start = torch.load(os.path.join(out, name, "model.pt"), map_location="cpu")["state_dict"]
        end = torch.load(os.path.join(tuned, name, "model.pt"), map_location="cpu")["state_dict"]
        weights = [k for k in start if k.endswith("weight") and "features" not in k]
        self.assertTrue(weights)
        for k in weights:
            torch.testing.assert_close(end[k], start[k], msg=k)
        entry = cv_metrics_entry({**rep, "pooled": {**rep["pooled"], "pascal": heart_cv.pascal_scores(
            [{"source": "B", "label": 3, "folder": "normal"}], np.array([[0.1, 0.1, 0.1, 0.7]]))}})
        self.assertEqual(entry["split"], "cv-out-of-fold")
        self.assertEqual(entry["circor"]["n"], rep["pooled"]["circor"]["n"])


if __name__ == "__main__":
    unittest.main()
