"""The hierarchical record verdict equals the shared fixture that the TypeScript twin is tested on too."""
import unittest

from training.auscult_train.detector import RECORD_CLASSES
from training.auscult_train.postprocess import adventitious_probability, record_verdict
from training.tests.support import shared_fixture


class HierarchicalVerdictTest(unittest.TestCase):
    def test_matches_the_shared_fixture(self):
        fx = shared_fixture("verdicts.json")
        self.assertEqual(fx["recordClasses"], RECORD_CLASSES)
        params = {"verdict": "hierarchical", **fx["params"]}
        for case in fx["cases"]:
            with self.subTest(case["name"]):
                label, conf = record_verdict([], case["recordProbs"], params)
                self.assertEqual(label, case["label"])
                self.assertAlmostEqual(conf, case["confidence"], places=9)
                self.assertAlmostEqual(adventitious_probability(case["recordProbs"]), case["adventitiousProbability"], places=9)

    def test_the_issue_case_is_not_called_normal(self):
        # Normal 33 % while CAS + DAS + CAS & DAS hold 62 %: the head's argmax said Normal.
        probs = [0.33, 0.30, 0.17, 0.15, 0.05]
        self.assertEqual(record_verdict([], probs, {"verdict": "head"})[0], "Normal")
        self.assertEqual(record_verdict([], probs, {"verdict": "hierarchical", "poorQualityThreshold": 0.5,
                                                    "adventitiousThreshold": 0.5})[0], "CAS")


if __name__ == "__main__":
    unittest.main()
