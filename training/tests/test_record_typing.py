"""Event types with the record (postprocess.type_with_record) equal the shared fixture that the
TypeScript twin (src/inference/postprocess.ts typeWithRecord) is tested on too."""
import unittest

from training.auscult_train.detector import EVENT_CLASSES, RECORD_CLASSES
from training.auscult_train.postprocess import analyse, type_events, type_with_record
from training.tests.support import shared_fixture


class RecordTypingTest(unittest.TestCase):
    def test_matches_the_shared_fixture(self):
        fx = shared_fixture("record-typing.json")
        self.assertEqual(fx["classes"], EVENT_CLASSES)
        self.assertEqual(fx["recordClasses"], RECORD_CLASSES)
        for case in fx["cases"]:
            with self.subTest(case["name"]):
                k = type_with_record(case["probs"], case["recordProbs"], case["verdict"])
                self.assertEqual(EVENT_CLASSES[k], case["type"])

    def test_type_events_keeps_the_own_type_only_where_it_differs(self):
        crackle = {"probs": [0.55, 0.0, 0.02, 0.0, 0.02, 0.40, 0.01], "type": "Normal"}
        wheeze = {"probs": [0.1, 0.0, 0.8, 0.05, 0.0, 0.05, 0.0], "type": "Wheeze"}
        out = type_events([crackle, wheeze], [0.2, 0.05, 0.7, 0.03, 0.02], "DAS")
        self.assertEqual((out[0]["type"], out[0]["ownType"]), ("Fine Crackle", "Normal"))
        self.assertEqual((out[1]["type"], out[1]["ownType"]), ("Fine Crackle", "Wheeze"))   # 0.05 x 0.74 > 0.1 x 0.20
        same = type_events([crackle], [0.9, 0.02, 0.03, 0.03, 0.02], "Normal")[0]
        self.assertEqual(same["type"], "Normal")
        self.assertNotIn("ownType", same)

    def test_analyse_types_with_the_record_only_when_asked(self):
        import numpy as np
        act = np.array([0.0] * 5 + [0.9] * 20 + [0.0] * 5, dtype=np.float32)
        cls = np.tile(np.array([0.1, 0.0, 0.8, 0.05, 0.0, 0.05, 0.0], dtype=np.float32), (30, 1))
        rec = [0.8, 0.1, 0.05, 0.03, 0.02]
        params = {"threshold": 0.5, "thresholdLow": 0.5, "medianFrames": 1, "maxGapMs": 0, "minDurationMs": 0,
                  "verdict": "hierarchical", "poorQualityThreshold": 0.4, "adventitiousThreshold": 0.55}
        self.assertEqual([e["type"] for e in analyse(act, cls, rec, 1000, params)["events"]], ["Wheeze"])
        typed = analyse(act, cls, rec, 1000, {**params, "eventTyping": "verdict-weighted"})
        self.assertEqual(typed["record_annotation"], "Normal")
        self.assertEqual([(e["type"], e["ownType"]) for e in typed["events"]], [("Normal", "Wheeze")])


class RecordNegativesTest(unittest.TestCase):
    def test_the_record_label_excludes_the_families_it_does_not_name(self):
        from training.auscult_train.train_detector import excluded_classes
        ex = {r: {c for c, v in zip(EVENT_CLASSES, row) if v} for r, row in zip(RECORD_CLASSES, excluded_classes())}
        self.assertEqual(ex["Normal"], set(EVENT_CLASSES) - {"Normal"})
        self.assertEqual(ex["CAS"], {"Fine Crackle", "Coarse Crackle", "Wheeze+Crackle"})
        self.assertEqual(ex["DAS"], {"Wheeze", "Rhonchi", "Stridor", "Wheeze+Crackle"})
        self.assertEqual(ex["CAS & DAS"], set())
        self.assertEqual(ex["Poor Quality"], set())

    def test_loss_is_minus_log_of_the_allowed_mass_outside_events(self):
        import torch
        from training.auscult_train.train_detector import excluded_classes
        from training.auscult_train.train_detector import record_negative_loss
        torch.manual_seed(0)
        logits = torch.randn(3, 7, 5)
        cls_t = torch.tensor([[-1, 0, 0, -1, -1], [-1, -1, -1, -1, -1], [2, 2, -1, -1, -1]])
        rec_t = torch.tensor([0, 3, 1])       # Normal, CAS & DAS (excludes nothing), CAS
        ex = torch.from_numpy(excluded_classes())
        p = torch.softmax(logits, 1)
        want = [-torch.log(1 - (p[b, :, t] * ex[rec_t[b]]).sum())
                for b in range(3) for t in range(5) if cls_t[b, t] < 0 and ex[rec_t[b]].sum() > 0]
        self.assertAlmostEqual(record_negative_loss(logits, cls_t, rec_t).item(), torch.stack(want).mean().item(), places=5)
        self.assertEqual(record_negative_loss(logits, cls_t, torch.tensor([3, 3, 4])).item(), 0.0)


if __name__ == "__main__":
    unittest.main()
