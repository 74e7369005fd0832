"""The partial-label metrics (event_metrics.family_scores) on the shared fixture the TypeScript twin
(src/metrics/events.ts familyScores) is tested on too, and the detector's partial-label mask."""
import unittest

import numpy as np

from training.auscult_train.detector import EVENT_GROUPS, FRAME_CENTRE_MS, FRAME_HOP_MS, annotated_stretch_mask
from training.auscult_train.event_metrics import family_scores
from training.tests.support import shared_fixture


def counts(prf):
    return [prf["tp"], prf["fp"], prf["fn"]]


class FamilyScoresTest(unittest.TestCase):
    def test_matches_the_shared_fixture(self):
        fx = shared_fixture("family-metrics.json")
        pairs = [([tuple(e) for e in r["reference"]], [tuple(e) for e in r["estimated"]]) for r in fx["recordings"]]
        s = family_scores(pairs, EVENT_GROUPS)
        exp = fx["expected"]
        self.assertEqual(counts(s["familyEvent"]), exp["familyEvent"])
        self.assertEqual(counts(s["segment"]["CAS"]), exp["segmentCAS"])
        self.assertEqual(counts(s["segment"]["DAS"]), exp["segmentDAS"])
        self.assertEqual(counts(s["agnosticInStretch"]), exp["agnosticInStretch"])
        self.assertAlmostEqual(s["familyEvent"]["f1"], 0.5)

    def test_normal_events_are_unscored(self):
        s = family_scores([([(0, 1000, "Normal")], [(5000, 6000, "Normal")])], EVENT_GROUPS)
        self.assertEqual(counts(s["familyEvent"]), [0, 0, 0])
        self.assertEqual(s["familyEvent"]["f1"], 1.0)


class PartialLabelMaskTest(unittest.TestCase):
    def test_known_frames(self):
        n = 400  # 12.8 s of 32 ms frames
        mask = annotated_stretch_mask([(2000, 3000, "Normal"), (3500, 4500, "Wheeze"), (8000, 9000, "Normal")], n)
        t = FRAME_CENTRE_MS + FRAME_HOP_MS * np.arange(n)
        at = lambda ms: mask[int(np.argmin(np.abs(t - ms)))]
        self.assertEqual(at(500), 0)      # before the first event, beyond the 300 ms edge
        self.assertEqual(at(1800), 1)     # within the edge: a known negative
        self.assertEqual(at(2500), 1)     # inside an event
        self.assertEqual(at(3250), 1)     # a short gap (500 ms): known negatives
        self.assertEqual(at(6000), 0)     # deep inside a 3.5 s gap: may hold an unmarked breath
        self.assertEqual(at(4700), 1)     # next to the event before the long gap
        self.assertEqual(at(7800), 1)     # next to the event after it
        self.assertEqual(at(10000), 0)    # after the last event
        self.assertTrue(np.all(annotated_stretch_mask([], 50) == 1))


if __name__ == "__main__":
    unittest.main()
