"""PASCAL and CirCor heart sounds as one labelled corpus, grouped by patient, for training and CV.

Sources (``SOURCES``): "A" PASCAL iStethoscope (44.1 kHz files), "B" PASCAL DigiScope (4 kHz),
"C" CirCor DigiScope 2022 (Littmann 3200, 2 kHz files; ``$AUSCULT_DATA/circor-2022``). Every
recording is resampled once to ANALYSIS_RATE (4 kHz; CirCor is upsampled 2 -> 4 kHz, so it holds
nothing above ~1 kHz, which is why the heart device augmentation low-passes down to 400 Hz) and cached.

Labels, in labels.json ``heartClasses`` order:

* PASCAL: its folder (artifact / extrahls / murmur / normal); extrastole and unlabelled recordings
  have no label (the four classes cannot say "extrasystole").
* CirCor: a murmur-*Present* patient's recording at a location listed in ``#Murmur locations`` is
  *murmur*; a murmur-*Absent* patient's recording is *normal*. A Present patient's recording at a
  location where the murmur is **not** audible has no label (``INAUDIBLE``): it is left out of
  training and of the recording-level scores, because "murmur" would be wrong for what it holds and
  "normal" wrong for the patient; patient-level scores still see it (the patient's maximum).

Units (what a fold holds whole): PASCAL's (heart_data.assign_units: B patients, A sessions) and
"C:<patient id>" (the file name's first field). Units without a labelled recording are in no fold.
"""
import glob
import os
from collections import Counter, defaultdict

import numpy as np

from . import heart_data as hd
from .data import CACHE_DIR
from .datasets import CIRCOR

SOURCES = {"A": "PASCAL A (iStethoscope)", "B": "PASCAL B (DigiScope)", "C": "CirCor (Littmann 3200)"}
CIRCOR_DEFAULT = CIRCOR.path
INAUDIBLE = "murmur-inaudible"   # a Present patient's recording where the murmur is not heard
# What a murmur-Absent CirCor recording can be: CirCor graded murmurs only, so extra sounds (S3, S4,
# clicks) were never assessed and "normal" would teach the model that they are normal.
NOT_MURMUR = ("extrahls", "normal")


def read_patient(path):
    """{'murmur': 'Present'|'Absent'|..., 'locations': set, 'mostAudible': str|None} of a patients/*.txt."""
    fields = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") and ":" in line:
                k, v = line[1:].split(":", 1)
                fields[k.strip()] = v.strip()
    locs = fields.get("Murmur locations", "nan")
    most = fields.get("Most audible location", "nan")
    return {"murmur": fields.get("Murmur"), "locations": set() if locs == "nan" else set(locs.split("+")),
            "mostAudible": None if most == "nan" else most}


def circor_location(base):
    """'13918_AV_2' -> 'AV' (the auscultation site, without the repeat number)."""
    return base.split("_")[1]


class Circor:
    """CirCor recordings with their patient and label, resampled to ANALYSIS_RATE once and cached."""

    def __init__(self, data_dir=CIRCOR_DEFAULT, cache_dir=CACHE_DIR):
        self.data_dir = CIRCOR.require(data_dir)
        self.patients = {os.path.basename(p)[:-4]: read_patient(p)
                         for p in sorted(glob.glob(os.path.join(self.data_dir, "patients", "*.txt")))}
        items = []
        for p in sorted(glob.glob(os.path.join(self.data_dir, "audio", "*.flac"))):
            base = os.path.basename(p)[:-5]
            patient = base.split("_")[0]
            info = self.patients[patient]
            loc = circor_location(base)
            if info["murmur"] == "Present":
                label = "murmur" if loc in info["locations"] else INAUDIBLE
            elif info["murmur"] == "Absent":
                label = "normal"
            else:
                continue
            items.append({"base": base, "patient": patient, "location": loc, "label": label,
                          "mostAudible": loc == info["mostAudible"]})
        if not items:
            raise FileNotFoundError(f"{CIRCOR.name}: no audio/*.flac under {self.data_dir}")
        self.items = items
        self._load_audio(cache_dir)

    def _load_audio(self, cache_dir):
        bases = [it["base"] for it in self.items]
        self._audio, self._offsets, _ = hd.cached_recordings(
            cache_dir, f"circor-2022_{len(self.items)}_{hd.ANALYSIS_RATE}", bases,
            lambda i: hd.read_audio(os.path.join(self.data_dir, "audio", bases[i] + ".flac")))

    def recording(self, i):
        a, b = self._offsets[i]
        return np.asarray(self._audio[a:b], dtype=np.float32)


class HeartCorpus:
    """Every recording of both datasets: ``items`` [{base, source, unit, label (class index or None),
    folder, ...}], ``recording(base)`` at ANALYSIS_RATE."""

    def __init__(self, pascal_dir=hd.DEFAULT_DATA, circor_dir=CIRCOR_DEFAULT, cache_dir=CACHE_DIR,
                 sources=tuple(SOURCES)):
        self.items, self._audio = [], {}
        if {"A", "B"} & set(sources):
            self.pascal = hd.HeartSounds(pascal_dir, cache_dir)
            for it in self.pascal.items:
                if it["source"] in sources:
                    self.items.append({**it, "label": hd.CLASS_INDEX.get(it["folder"])})
                    self._audio[it["base"]] = (self.pascal, it["base"])
        if "C" in sources:
            self.circor = Circor(circor_dir, cache_dir)
            for i, it in enumerate(self.circor.items):
                self.items.append({**it, "source": "C", "unit": "C:" + it["patient"], "folder": it["label"],
                                   "label": hd.CLASS_INDEX.get(it["label"])})
                self._audio[it["base"]] = (self.circor, i)
        self.by_base = {it["base"]: it for it in self.items}

    def recording(self, base):
        owner, key = self._audio[base]
        return owner.recording(key)

    def labelled(self, units=None):
        """[(base, class index)] of the labelled recordings in ``units`` (None: all)."""
        return [(it["base"], it["label"]) for it in self.items
                if it["label"] is not None and (units is None or it["unit"] in units)]

    def allowed(self, labelled, circor_absent="normal"):
        """[len(labelled), 4] bool: the classes each recording may be. ``circor_absent``: "normal" (its
        label only) or "not-murmur" (a murmur-Absent CirCor recording may be any of NOT_MURMUR)."""
        out = np.zeros((len(labelled), len(hd.CLASSES)), dtype=bool)
        out[np.arange(len(labelled)), [c for _, c in labelled]] = True
        if circor_absent == "not-murmur":
            rows = [i for i, (b, c) in enumerate(labelled)
                    if self.by_base[b]["source"] == "C" and c == hd.CLASS_INDEX["normal"]]
            for name in NOT_MURMUR:
                out[rows, hd.CLASS_INDEX[name]] = True
        return out

    def summary(self):
        """Recordings per source and folder, and labelled units per source."""
        per = defaultdict(Counter)
        units = defaultdict(set)
        for it in self.items:
            per[it["source"]][it["folder"]] += 1
            if it["label"] is not None:
                units[it["source"]].add(it["unit"])
        return {s: {"recordings": dict(per[s]), "labelledUnits": len(units[s])} for s in sorted(per)}


def make_folds(corpus, k, seed):
    """[k sorted unit lists]: grouped by unit, stratified by (source, rarest labelled class of the unit).

    Within each stratum (smallest first) each shuffled unit goes to the fold holding the fewest units
    of that stratum, ties to the fold with the fewest labelled recordings so far: every stratum is
    spread evenly and the folds stay near equal in recordings."""
    counts = Counter(it["label"] for it in corpus.items if it["label"] is not None)
    per_unit = defaultdict(list)
    source = {}
    for it in corpus.items:
        if it["label"] is not None:
            per_unit[it["unit"]].append(it["label"])
            source[it["unit"]] = it["source"]
    strata = defaultdict(list)
    for u, labels in per_unit.items():
        strata[(source[u], min(labels, key=lambda c: (counts[c], c)))].append(u)
    rng = np.random.default_rng(seed)
    folds, size = [[] for _ in range(k)], [0] * k
    for key in sorted(strata, key=lambda s: (len(strata[s]), s)):
        us = sorted(strata[key])
        rng.shuffle(us)
        held = [0] * k
        for u in us:
            f = min(range(k), key=lambda j: (held[j], size[j], j))
            held[f] += 1
            folds[f].append(u)
            size[f] += len(per_unit[u])
    return [sorted(f) for f in folds]
