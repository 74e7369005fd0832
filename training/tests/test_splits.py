"""The committed splits are what the documented commands regenerate, and no patient is in two splits.

    python3 -m training.auscult_train.data --write-split          (seed 20220) -> splits/sprsound_split.json
    python3 -m training.auscult_train.heart_data --write-split    (seed 2011)  -> splits/heart_split.json

Run from the repo root:  /usr/bin/python3 -m unittest training.tests.test_splits -v
Needs $AUSCULT_DATA/sprsound-2022-train and $AUSCULT_DATA/heartbeat-sounds.
"""
import itertools
import unittest

from training.auscult_train import data
from training.auscult_train import heart_data as hd
from training.tests.support import HEART_SOUNDS, SPRSOUND, requires

SPLITS = ("train", "val", "test")


def committed_text(path):
    with open(path) as f:
        return f.read()


@requires(SPRSOUND)
class SPRSoundSplit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = data.SPRSound()
        cls.split = data.load_split()

    def test_documented_command_reproduces_the_committed_file(self):
        self.assertEqual(self.split["seed"], data.SPLIT_SEED)
        self.assertEqual(data.split_file_text(self.ds, data.SPLIT_SEED), committed_text(data.SPLIT_JSON))

    def test_no_patient_in_two_splits_and_every_patient_in_one(self):
        for a, b in itertools.combinations(SPLITS, 2):
            self.assertFalse(set(self.split[a]) & set(self.split[b]), f"patients in both {a} and {b}")
        self.assertEqual(sorted(itertools.chain(*(self.split[k] for k in SPLITS))), self.ds.patients())


@requires(HEART_SOUNDS)
class HeartSplit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = hd.HeartSounds()
        cls.split = hd.load_split()

    def test_documented_command_reproduces_the_committed_file(self):
        self.assertEqual(self.split["seed"], hd.SPLIT_SEED)
        self.assertEqual(hd.split_file_text(self.ds, hd.SPLIT_SEED), committed_text(hd.SPLIT_JSON))

    def test_units_disjoint_and_every_labelled_recording_assigned(self):
        sets = [set(self.split[k]) for k in SPLITS]
        for (a, sa), (b, sb) in itertools.combinations(zip(SPLITS, sets), 2):
            self.assertFalse(sa & sb, f"units in both {a} and {b}")
        assigned = set().union(*sets)
        for it in self.ds.items:
            if it["folder"] != "unlabel":
                self.assertIn(it["unit"], assigned, it["base"])

    def test_no_b_patient_in_two_splits(self):
        """Dataset B names its patients (dataset A has none: its units are recording sessions)."""
        where = {u: k for k in SPLITS for u in self.split[k]}
        by_patient = {}
        for it in self.ds.items:
            if it["source"] == "B" and it["unit"] in where:
                by_patient.setdefault(it["key"], set()).add(where[it["unit"]])
        self.assertTrue(by_patient)
        self.assertEqual({p: s for p, s in by_patient.items() if len(s) > 1}, {})

    def test_every_class_in_val_and_test(self):
        for k in ("val", "test"):
            classes = {c for _, c in self.ds.labelled(set(self.split[k]))}
            self.assertEqual(classes, set(range(len(hd.CLASSES))), k)


if __name__ == "__main__":
    unittest.main()
