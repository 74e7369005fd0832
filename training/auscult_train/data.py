"""SPRSound reading, event extraction, the input-length policy and the patient split.

Data layout (``--data``, default ``$AUSCULT_DATA/sprsound-2022-train``, see datasets.py):
``audio/<base>.flac`` (mono, 8 kHz, 16-bit) and ``json/<base>.json`` with
``{"record_annotation" | "recording_annotation": ..., "event_annotation": [{"start", "end", "type"}]}``
(start/end in ms, as strings or ints). ``<base>`` = ``patientId_age_gender_location_recordingNo``.

Input length policy (the TypeScript side re-implements exactly this):

* An event's samples are ``recording[floor(startMs * 8000 / 1000) : floor(endMs * 8000 / 1000)]``.
* CLIP = 20000 samples (2.5 s) is the model's input length.
* n < CLIP: tile, ``x[i] = event[i % n]`` for ``i in 0..CLIP-1``.
* n >= CLIP: windows starting at 0, 10000, 20000, ... while ``start + CLIP <= n``, plus a final
  window starting at ``n - CLIP`` if the last one does not end at ``n``. The event's probability is
  the mean of the windows' probabilities.
* Training only: a long event gives one random CLIP crop per draw.
"""
import glob
import json
import os
import random
from collections import Counter, defaultdict

import numpy as np

from .datasets import REPO_ROOT, SPRSOUND

DEFAULT_DATA = SPRSOUND.path
LABELS_JSON = os.path.join(REPO_ROOT, "src", "core", "labels", "labels.json")
SPLIT_JSON = os.path.join(REPO_ROOT, "training", "splits", "sprsound_split.json")
CACHE_DIR = os.path.join(REPO_ROOT, "training", "cache")

SAMPLE_RATE = 8000    # Hz, every SPRSound recording
CLIP = 20000          # model input length in samples (2.5 s at 8 kHz)
WINDOW_HOP = 10000    # hop between windows of an event longer than CLIP
SPLIT_SEED = 20220    # fixed seed of the patient split
SPLIT_FRACTIONS = {"train": 0.7, "val": 0.1, "test": 0.2}


def load_classes(path=LABELS_JSON):
    """Event class names in model output order, from the one label table."""
    with open(path) as f:
        return [c["name"] for c in json.load(f)["eventClasses"]]


CLASSES = load_classes()
CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}


def patient_of(base):
    return base.split("_")[0]


def read_annotation(path):
    """Returns (record label, [(startMs, endMs, type), ...]); accepts both SPRSound key spellings."""
    with open(path) as f:
        d = json.load(f)
    record = d.get("record_annotation", d.get("recording_annotation"))
    events = [(int(e["start"]), int(e["end"]), e["type"]) for e in d.get("event_annotation", [])]
    return record, events


def ms_to_sample(ms):
    return (int(ms) * SAMPLE_RATE) // 1000


def event_samples(recording, start_ms, end_ms):
    return recording[ms_to_sample(start_ms):ms_to_sample(end_ms)]


def tile(event, clip=CLIP):
    """x[i] = event[i % n] for i in 0..clip-1 (n < clip)."""
    n = len(event)
    return event[np.arange(clip) % n]


def window_starts(n, clip=CLIP, hop=WINDOW_HOP):
    """Starts of the windows of an event of n >= clip samples."""
    starts = list(range(0, n - clip + 1, hop))
    if starts[-1] + clip != n:
        starts.append(n - clip)
    return starts


def event_windows(event, clip=CLIP, hop=WINDOW_HOP):
    """The model inputs [W, clip] for one event under the policy above."""
    event = np.asarray(event, dtype=np.float32)
    n = len(event)
    if n == 0:
        raise ValueError("empty event")
    if n < clip:
        return tile(event, clip)[None, :]
    return np.stack([event[s:s + clip] for s in window_starts(n, clip, hop)])


def read_flac(path):
    import soundfile as sf
    x, sr = sf.read(path, dtype="int16", always_2d=False)
    assert sr == SAMPLE_RATE, (path, sr)
    if x.ndim > 1:
        x = x[:, 0]
    return x


class SPRSound:
    """All recordings of one SPRSound folder, decoded once into a cache (one int16 .npy)."""

    def __init__(self, data_dir=DEFAULT_DATA, cache_dir=CACHE_DIR):
        self.data_dir = SPRSOUND.require(data_dir)
        bases = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(self.data_dir, "json", "*.json")))
        if not bases:
            raise FileNotFoundError(f"{SPRSOUND.name}: no json/*.json under {self.data_dir}")
        self.bases = bases
        self._bi = {b: i for i, b in enumerate(bases)}
        self.records, self.events = {}, {}
        for b in bases:
            self.records[b], self.events[b] = read_annotation(os.path.join(self.data_dir, "json", b + ".json"))
        self._load_audio(cache_dir)

    def _load_audio(self, cache_dir):
        tag = f"{os.path.basename(self.data_dir)}_{len(self.bases)}"
        npy = os.path.join(cache_dir, tag + ".npy") if cache_dir else None
        idx = os.path.join(cache_dir, tag + ".json") if cache_dir else None
        if npy and os.path.exists(npy) and os.path.exists(idx):
            with open(idx) as f:
                index = json.load(f)
            if index["bases"] == self.bases:
                self._audio = np.load(npy, mmap_mode="r")
                self._offsets = index["offsets"]
                return
        chunks, offsets, pos = [], [], 0
        for b in self.bases:
            x = read_flac(os.path.join(self.data_dir, "audio", b + ".flac"))
            chunks.append(x)
            offsets.append([pos, pos + len(x)])
            pos += len(x)
        self._audio = np.concatenate(chunks)
        self._offsets = offsets
        if npy:
            os.makedirs(cache_dir, exist_ok=True)
            np.save(npy, self._audio)
            with open(idx, "w") as f:
                json.dump({"bases": self.bases, "offsets": offsets}, f)

    def recording(self, base):
        """float32 samples = int16 / 32768."""
        a, b = self._offsets[self._bi[base]]
        return np.asarray(self._audio[a:b], dtype=np.float32) / 32768.0

    def event_list(self, patients=None):
        """[(base, startMs, endMs, class index)] for events of known classes (non-empty)."""
        out = []
        for b in self.bases:
            if patients is not None and patient_of(b) not in patients:
                continue
            n = self._offsets[self._bi[b]][1] - self._offsets[self._bi[b]][0]
            for s, e, t in self.events[b]:
                if t not in CLASS_INDEX:
                    continue
                a, z = ms_to_sample(s), min(ms_to_sample(e), n)
                if z - a <= 0:
                    continue
                out.append((b, s, e, CLASS_INDEX[t]))
        return out

    def patients(self):
        return sorted({patient_of(b) for b in self.bases})


# ---------------------------------------------------------------- split by patient

def patient_strata(ds):
    """Patients grouped by the rarest event class each has (rarity = global event count).

    Returns ({stratum name: [patient]}, Counter of (patient, class index) -> events); patients with
    no events (Poor Quality recordings only) form the stratum "(no events)".
    """
    counts = Counter(c for *_, c in ds.event_list())
    per_patient = defaultdict(set)
    n_events = Counter()
    for b, _, _, c in ds.event_list():
        per_patient[patient_of(b)].add(c)
        n_events[patient_of(b), c] += 1
    strata = defaultdict(list)
    for p in ds.patients():
        cs = per_patient.get(p)
        key = CLASSES[min(cs, key=lambda c: counts[c])] if cs else "(no events)"
        strata[key].append(p)
    return strata, n_events


def make_split(ds, seed=SPLIT_SEED):
    """Split patients ~70/10/20, stratified by each patient's rarest event class present.

    Rarity = global event count. Per stratum of n patients (shuffled with ``seed``):
    n >= 3: at least one patient each in val and test (round(0.1 n), round(0.2 n)), rest train;
    n == 2: one test, one train; the patient with more events of the stratum's class trains
    (a class seen only in val/test could never be learnt);
    n == 1: train. Patients without events (only Poor Quality recordings) form their own stratum.
    """
    strata, n_events = patient_strata(ds)
    rng = random.Random(seed)
    split = {"train": [], "val": [], "test": []}
    for key in sorted(strata):
        ps = sorted(strata[key])
        rng.shuffle(ps)
        n = len(ps)
        if n >= 3:
            n_test = max(1, round(SPLIT_FRACTIONS["test"] * n))
            n_val = max(1, round(SPLIT_FRACTIONS["val"] * n))
        elif n == 2:
            c = CLASS_INDEX.get(key)
            ps.sort(key=lambda p: n_events[p, c])  # fewer events first -> test
            n_test, n_val = 1, 0
        else:
            n_test, n_val = 0, 0
        split["test"] += ps[:n_test]
        split["val"] += ps[n_test:n_test + n_val]
        split["train"] += ps[n_test + n_val:]
    for k in split:
        split[k] = sorted(split[k])
    return {"seed": seed, "stratified_by": "rarest event class present per patient",
            "strata": {k: len(v) for k, v in sorted(strata.items())}, **split}


def split_file_text(ds, seed=SPLIT_SEED):
    """The split file's exact text (``--write-split`` writes it; the tests compare it with the committed one)."""
    split = make_split(ds, seed)
    split["summary"] = split_summary(ds, split)
    return json.dumps(split, indent=1)


def load_split(path=SPLIT_JSON):
    with open(path) as f:
        return json.load(f)


def split_summary(ds, split):
    """Counts of patients / recordings / events per class per split."""
    out = {}
    for name in ("train", "val", "test"):
        ps = set(split[name])
        ev = ds.event_list(ps)
        c = Counter(CLASSES[k] for *_, k in ev)
        out[name] = {"patients": len(ps), "recordings": sum(patient_of(b) in ps for b in ds.bases),
                     "events": len(ev), "perClass": {k: c.get(k, 0) for k in CLASSES}}
    return out


def main():
    import argparse
    ap = argparse.ArgumentParser(description="Decode/cache SPRSound and write the patient split.")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=SPLIT_SEED)
    ap.add_argument("--write-split", action="store_true")
    args = ap.parse_args()
    ds = SPRSound(args.data)
    if args.write_split:
        os.makedirs(os.path.dirname(SPLIT_JSON), exist_ok=True)
        with open(SPLIT_JSON, "w") as f:
            f.write(split_file_text(ds, args.seed))
    print(json.dumps(split_summary(ds, load_split()), indent=1))


if __name__ == "__main__":
    main()
