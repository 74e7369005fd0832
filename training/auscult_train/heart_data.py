"""Heart sounds (PASCAL / Kaggle "heartbeat-sounds"): reading, resampling, windows, the split.

Data layout (``--data``, default ``$AUSCULT_DATA/heartbeat-sounds``, see datasets.py): one folder
per class, ``artifact/ extrahls/ murmur/ normal/ extrastole/ unlabel/``, FLAC mono 16-bit.

* Two sources. Dataset A (iStethoscope, 44.1 kHz): names ``<class>__<12-digit timestamp>``, e.g.
  ``artifact__201012172012``; unlabelled ones ``Aunlabelledtest__...``. Dataset B (DigiScope, 4 kHz):
  ``<class>__<patient>_<time>_<site>`` or ``<class>_noisy<class>_<patient>_<time>_<site>``, e.g.
  ``normal__103_1305031931979_B``; unlabelled ones ``Bunlabelledtest__<patient>_...``.
* Split units: a B patient (all its recordings, every class, labelled or not, go to one split);
  in A (no patient ids) a recording session: recordings whose timestamps chain with gaps under
  30 min (most A recordings are alone in theirs, so are their own unit; see assign_units).
* Analysis rate: ANALYSIS_RATE = 4000 Hz (B's native rate). A is resampled with
  ``scipy.signal.resample_poly(x, 40, 441)`` (anti-aliased polyphase; the app resamples with
  src/dsp/resample.ts, checked against this in training/tests/test_heart.py).
* Samples are ``int16 / 32768`` as float32 (the same scale readWav gives in the app).

Input length policy (the TypeScript twin is src/inference/heartClassifier.ts):

* WINDOW = 12000 samples (3 s at 4 kHz) is the model input; WINDOW_HOP = 4000 samples (1 s).
* n < WINDOW: tile, ``x[i] = rec[i % n]`` (one window, reported as 0..n).
* n >= WINDOW: windows starting at 0, WINDOW_HOP, 2 WINDOW_HOP, ... while ``start + WINDOW <= n``, plus a final
  one starting at ``n - WINDOW`` when the last does not end at ``n``.
* Record-level probabilities = mean of the windows' probabilities.

One module of a little over 300 lines: reading, the device-aware split and the window policy all
follow the same file-name conventions, kept together so they cannot drift apart.
"""
import glob
import json
import os
import random
import re
from collections import Counter, defaultdict
from math import gcd

import numpy as np

from .data import CACHE_DIR, LABELS_JSON, REPO_ROOT, event_windows, window_starts
from .datasets import HEART_ORIGINAL_WAV, HEART_SOUNDS

DEFAULT_DATA = HEART_SOUNDS.path
ORIGINAL_WAV = HEART_ORIGINAL_WAV.path
SPLIT_JSON = os.path.join(REPO_ROOT, "training", "splits", "heart_split.json")

ANALYSIS_RATE = 4000
WINDOW = 12000        # 3 s
WINDOW_HOP = 4000     # 1 s
SPLIT_SEED = 2011
SPLIT_FRACTIONS = {"train": 0.6, "val": 0.2, "test": 0.2}
FOLDERS = ("artifact", "extrahls", "murmur", "normal", "extrastole", "unlabel")


def load_heart_classes(path=LABELS_JSON):
    """Heart class names in model output order, from the one label table."""
    with open(path) as f:
        return [c["name"] for c in json.load(f)["heartClasses"]]


CLASSES = load_heart_classes()                 # artifact, extrahls, murmur, normal
CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}

_B_NAME = re.compile(r"^(?:[a-z]+__|[a-z]+_noisy[a-z]+_|Bunlabelledtest__)(\d+)_(\d+)_")
_A_NAME = re.compile(r"^(?:[a-z]+__|Aunlabelledtest__)(\d{8,12})$")
A_SESSION_GAP_MIN = 30   # A recordings less than this many minutes apart form one session (unit)


def parse_name(base):
    """(source 'A'|'B', key). B: the patient number; A: the timestamp digits of the name."""
    m = _B_NAME.match(base)
    if m:
        return "B", m.group(1)
    m = _A_NAME.match(base)
    if m:
        return "A", m.group(1)
    raise ValueError(f"cannot tell the source of {base!r}")


def _a_minutes(stamp):
    """Minutes since 2000 of a YYYYMMDDHHMM stamp; None for the few malformed (shorter) stamps."""
    import datetime
    if len(stamp) != 12:
        return None
    t = datetime.datetime.strptime(stamp, "%Y%m%d%H%M")
    return int((t - datetime.datetime(2000, 1, 1)).total_seconds() // 60)


def assign_units(items):
    """Sets item["unit"]: 'B:<patient>' for B; for A, 'A:<first stamp>' of its recording session.

    A has no patient ids. Its names are recording timestamps, and some are clearly one sitting
    (e.g. 23 murmur recordings on 2011-08-22 between 22:21 and 22:58), so recordings whose
    timestamps chain with gaps < A_SESSION_GAP_MIN minutes share a unit (labelled and unlabelled
    alike); an isolated recording is its own unit. This is stricter than one unit per recording."""
    a = []
    for it in items:
        if it["source"] == "B":
            it["unit"] = "B:" + it["key"]
        else:
            a.append(it)
    timed = sorted(((m, it["key"], it) for it in a for m in [_a_minutes(it["key"])] if m is not None),
                   key=lambda t: (t[0], t[2]["base"]))
    prev, unit = None, None
    for m, key, it in timed:
        if prev is None or m - prev >= A_SESSION_GAP_MIN:
            unit = "A:" + key
        it["unit"] = unit
        prev = m
    for it in a:
        if _a_minutes(it["key"]) is None:
            it["unit"] = "A:" + it["key"]


def labelled_count(items):
    return sum(1 for it in items if it["folder"] != "unlabel")


def resample_to(x, sr, target=ANALYSIS_RATE):
    """float32 samples at sr -> target rate with scipy's polyphase anti-aliasing filter."""
    if sr == target:
        return np.asarray(x, dtype=np.float32)
    from scipy.signal import resample_poly
    g = gcd(int(sr), int(target))
    return resample_poly(np.asarray(x, dtype=np.float64), target // g, int(sr) // g).astype(np.float32)


def read_audio(path):
    """(float32 samples int16/32768, native rate), first channel."""
    import soundfile as sf
    x, sr = sf.read(path, dtype="int16", always_2d=True)
    return x[:, 0].astype(np.float32) / 32768.0, sr


def cached_recordings(cache_dir, tag, bases, read):
    """(audio [total samples] float32, offsets [[start, end]] per base, native rates) of recordings at
    ANALYSIS_RATE, concatenated. From <cache_dir>/<tag>.npy (memory-mapped) and .json when the index
    lists exactly ``bases``; else ``read(i)`` -> (samples, native rate) for each, resampled, and saved
    there (cache_dir None: nothing saved)."""
    npy = os.path.join(cache_dir, tag + ".npy") if cache_dir else None
    idx = os.path.join(cache_dir, tag + ".json") if cache_dir else None
    if npy and os.path.exists(npy) and os.path.exists(idx):
        with open(idx) as f:
            index = json.load(f)
        if index["bases"] == bases and "nativeRates" in index:
            return np.load(npy, mmap_mode="r"), index["offsets"], index["nativeRates"]
    chunks, offsets, rates, pos = [], [], [], 0
    for i in range(len(bases)):
        x, sr = read(i)
        y = resample_to(x, sr)
        chunks.append(y)
        offsets.append([pos, pos + len(y)])
        rates.append(sr)
        pos += len(y)
    audio = np.concatenate(chunks)
    if npy:
        os.makedirs(cache_dir, exist_ok=True)
        np.save(npy, audio)
        with open(idx, "w") as f:
            json.dump({"bases": bases, "offsets": offsets, "nativeRates": rates}, f)
    return audio, offsets, rates


def windows(rec, window=WINDOW, hop=WINDOW_HOP):
    """Model inputs [W, window] for one recording under the policy above."""
    return event_windows(rec, window, hop)


def window_spans(n, window=WINDOW, hop=WINDOW_HOP):
    """[(start, end)] in samples of the windows of an n-sample recording (a tiled one: (0, n))."""
    if n < window:
        return [(0, n)]
    return [(s, s + window) for s in window_starts(n, window, hop)]


class HeartSounds:
    """Every recording (labelled and not), resampled to ANALYSIS_RATE once and cached."""

    def __init__(self, data_dir=DEFAULT_DATA, cache_dir=CACHE_DIR):
        self.data_dir = HEART_SOUNDS.require(data_dir)
        items = []
        for folder in FOLDERS:
            for p in sorted(glob.glob(os.path.join(self.data_dir, folder, "*.flac"))):
                base = os.path.basename(p)[:-5]
                source, key = parse_name(base)
                items.append({"base": base, "folder": folder, "source": source, "key": key})
        if not items:
            raise FileNotFoundError(f"{HEART_SOUNDS.name}: no <class>/*.flac under {self.data_dir}")
        assign_units(items)
        self.items = items
        self.by_base = {it["base"]: it for it in items}
        self._load_audio(cache_dir)

    def _load_audio(self, cache_dir):
        self._audio, self._offsets, rates = cached_recordings(
            cache_dir, f"heartbeat-sounds_{len(self.items)}_{ANALYSIS_RATE}", [it["base"] for it in self.items],
            lambda i: read_audio(os.path.join(self.data_dir, self.items[i]["folder"], self.items[i]["base"] + ".flac")))
        for it, sr in zip(self.items, rates):
            it["nativeRate"] = sr

    def recording(self, base):
        """float32 samples at ANALYSIS_RATE."""
        i = self._index(base)
        a, b = self._offsets[i]
        return np.asarray(self._audio[a:b], dtype=np.float32)

    def _index(self, base):
        if not hasattr(self, "_bi"):
            self._bi = {it["base"]: i for i, it in enumerate(self.items)}
        return self._bi[base]

    def labelled(self, units=None, extrastole="drop"):
        """[(base, class index)] of labelled recordings in ``units`` (None: all).

        extrastole: "drop" leaves them out, "normal" labels them normal."""
        out = []
        for it in self.items:
            if units is not None and it["unit"] not in units:
                continue
            f = it["folder"]
            if f in CLASS_INDEX:
                out.append((it["base"], CLASS_INDEX[f]))
            elif f == "extrastole" and extrastole == "normal":
                out.append((it["base"], CLASS_INDEX["normal"]))
        return out

    def of_folder(self, folder, units=None):
        return [it["base"] for it in self.items if it["folder"] == folder and (units is None or it["unit"] in units)]


# ---------------------------------------------------------------- split by source and patient

def make_split(ds, seed=SPLIT_SEED):
    """Units (B patients, A sessions) split ~60/20/20 of the recordings, stratified by (source, class).

    A unit's stratum is its source and the rarest labelled folder among its recordings (rarity =
    number of recordings; extrastole counts as a class here so that its patients spread too).
    Per stratum, units are shuffled with ``seed`` and dealt in that order: to test while test holds
    fewer than round(0.2 N) of the stratum's N labelled recordings and the unit fits, then likewise to
    val, else to train; with >= 3 units, test and val get at least one unit (the smallest left).
    A unit bigger than the test/val share therefore trains (e.g. A's 23-murmur session). Units with
    only unlabelled recordings are in no split.
    """
    labelled_folders = [f for f in FOLDERS if f != "unlabel"]
    counts = Counter(it["folder"] for it in ds.items if it["folder"] in labelled_folders)
    per_unit = defaultdict(list)
    source = {}
    for it in ds.items:
        source[it["unit"]] = it["source"]
        if it["folder"] in labelled_folders:
            per_unit[it["unit"]].append(it["folder"])
    strata = defaultdict(list)
    for u, fs in per_unit.items():
        strata[f"{source[u]}/{min(fs, key=lambda f: counts[f])}"].append(u)
    rng = random.Random(seed)
    split = {"train": [], "val": [], "test": []}
    for key in sorted(strata):
        us = sorted(strata[key])
        rng.shuffle(us)
        size = {u: len(per_unit[u]) for u in us}
        total = sum(size.values())
        target = {k: round(SPLIT_FRACTIONS[k] * total) for k in ("test", "val")}
        got = {"test": [], "val": [], "train": []}
        for u in us:
            for k in ("test", "val"):
                have = sum(size[v] for v in got[k])
                if have < target[k] and have + size[u] <= max(target[k], 1):
                    got[k].append(u)
                    break
            else:
                got["train"].append(u)
        if len(us) >= 3:
            for k in ("test", "val"):
                if not got[k]:
                    u = min(got["train"], key=lambda v: (size[v], us.index(v)))
                    got["train"].remove(u)
                    got[k].append(u)
        for k in split:
            split[k] += got[k]
    for k in split:
        split[k] = sorted(split[k])
    return {"seed": seed,
            "unit": "dataset B: patient (number after the class prefix); dataset A: recording session "
                    f"(timestamps chained with gaps < {A_SESSION_GAP_MIN} min; isolated recordings alone)",
            "stratifiedBy": "source and rarest labelled folder of the unit; ~20/20 % of each stratum's "
                            "labelled recordings to test/val",
            "fractions": SPLIT_FRACTIONS, "strata": {k: len(v) for k, v in sorted(strata.items())}, **split}


def split_summary(ds, split):
    """Recordings per folder and source in each split, and unit counts."""
    out = {}
    for name in ("train", "val", "test"):
        us = set(split[name])
        items = [it for it in ds.items if it["unit"] in us]
        per = defaultdict(dict)
        for f in FOLDERS:
            for s in ("A", "B"):
                n = sum(1 for it in items if it["folder"] == f and it["source"] == s)
                if n:
                    per[f][s] = n
        out[name] = {"units": len(us), "patientsB": sum(u.startswith("B:") for u in us),
                     "sessionsA": sum(u.startswith("A:") for u in us), "labelledRecordings": labelled_count(items),
                     "recordings": dict(per)}
    return out


def split_file_text(ds, seed=SPLIT_SEED):
    """The split file's exact text (``--write-split`` writes it; the tests compare it with the committed one)."""
    split = make_split(ds, seed)
    split["summary"] = split_summary(ds, split)
    return json.dumps(split, indent=1)


def load_split(path=SPLIT_JSON):
    with open(path) as f:
        return json.load(f)


def main():
    import argparse
    ap = argparse.ArgumentParser(description="Decode/resample/cache the heart sounds and write the split.")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=SPLIT_SEED)
    ap.add_argument("--write-split", action="store_true")
    args = ap.parse_args()
    ds = HeartSounds(args.data)
    if args.write_split:
        os.makedirs(os.path.dirname(SPLIT_JSON), exist_ok=True)
        with open(SPLIT_JSON, "w") as f:
            f.write(split_file_text(ds, args.seed))
    print(json.dumps(split_summary(ds, load_split()), indent=1))


if __name__ == "__main__":
    main()
