import unittest

import numpy as np

from training.auscult_train import data, metrics


class ChallengeMetricsTest(unittest.TestCase):
    def test_perfect(self):
        s = metrics.challenge_scores([0, 0, 1, 2, 5], [0, 0, 1, 2, 5])
        for k in ("SE", "SP", "AS", "HS", "Score"):
            self.assertAlmostEqual(s[k], 1.0)

    def test_hand_computed(self):
        # 4 Normal (3 right), 4 adventitious (2 exact class, 1 wrong adventitious class, 1 called Normal)
        y = [0, 0, 0, 0, 2, 2, 5, 5]
        p = [0, 0, 0, 5, 2, 2, 4, 0]
        s = metrics.challenge_scores(y, p)
        self.assertAlmostEqual(s["SP"], 0.75)
        self.assertAlmostEqual(s["SE"], 0.5)
        self.assertAlmostEqual(s["AS"], 0.625)
        self.assertAlmostEqual(s["HS"], 2 * 0.5 * 0.75 / 1.25)
        self.assertAlmostEqual(s["Score"], (0.625 + 0.6) / 2)

    def test_zero(self):
        s = metrics.challenge_scores([0, 1], [1, 0])
        self.assertEqual(s["HS"], 0.0)
        self.assertEqual(s["Score"], 0.0)

    def test_task11_counts_any_adventitious_class(self):
        y = np.array([0, 0, 2, 5])
        probs = np.eye(7)[[0, 3, 4, 0]]  # wrong adventitious class still counts as Adventitious
        s = metrics.task11_scores(y, probs)
        self.assertAlmostEqual(s["SP"], 0.5)
        self.assertAlmostEqual(s["SE"], 0.5)
        s12 = metrics.task12_scores(y, probs)
        self.assertAlmostEqual(s12["SE"], 0.0)

    def test_threshold(self):
        probs = np.array([[0.6, 0.4, 0, 0, 0, 0, 0], [0.45, 0.55, 0, 0, 0, 0, 0]])
        np.testing.assert_array_equal(metrics.task11_predictions(probs), [0, 1])
        np.testing.assert_array_equal(metrics.task11_predictions(probs, 0.7), [1, 1])
        np.testing.assert_array_equal(metrics.task11_predictions(probs, 0.3), [0, 0])

    def test_task12_threshold(self):
        probs = np.array([[0.6, 0.1, 0.3, 0, 0, 0, 0], [0.3, 0.0, 0.2, 0, 0, 0.5, 0]])
        np.testing.assert_array_equal(metrics.task12_predictions(probs), [0, 5])
        np.testing.assert_array_equal(metrics.task12_predictions(probs, 0.7), [2, 5])
        np.testing.assert_array_equal(metrics.task12_predictions(probs, 0.2), [0, 0])

    def test_confusion_and_recall(self):
        m = metrics.confusion([0, 1, 1], [0, 1, 0], 3)
        self.assertEqual(m.tolist(), [[1, 0, 0], [1, 1, 0], [0, 0, 0]])
        r = metrics.per_class_recall([0, 1, 1], [0, 1, 0], ["a", "b", "c"])
        self.assertEqual(r["b"]["recall"], 0.5)
        self.assertIsNone(r["c"]["recall"])


class InputPolicyTest(unittest.TestCase):
    def test_event_bounds(self):
        rec = np.arange(80000)
        ev = data.event_samples(rec, 5778, 7419)
        self.assertEqual(ev[0], 46224)  # floor(5778 * 8)
        self.assertEqual(len(ev), 59352 - 46224)

    def test_tile(self):
        x = data.event_windows(np.arange(7, dtype=np.float32))
        self.assertEqual(x.shape, (1, data.CLIP))
        self.assertEqual(x[0, 7], 0)
        self.assertEqual(x[0, 19999], 19999 % 7)

    def test_exact_clip(self):
        self.assertEqual(data.window_starts(20000), [0])

    def test_windows(self):
        self.assertEqual(data.window_starts(20001), [0, 1])
        self.assertEqual(data.window_starts(30000), [0, 10000])
        self.assertEqual(data.window_starts(35000), [0, 10000, 15000])
        self.assertEqual(data.window_starts(40000), [0, 10000, 20000])
        x = data.event_windows(np.arange(35000, dtype=np.float32))
        self.assertEqual(x.shape, (3, data.CLIP))
        self.assertEqual(x[2, 0], 15000)
        self.assertEqual(x[2, -1], 34999)

    def test_labels_from_table(self):
        import json
        with open(data.LABELS_JSON) as f:
            table = [c["name"] for c in json.load(f)["eventClasses"]]
        self.assertEqual(data.CLASSES, table)
        self.assertEqual(data.CLASSES[metrics.NORMAL], "Normal")


if __name__ == "__main__":
    unittest.main()
