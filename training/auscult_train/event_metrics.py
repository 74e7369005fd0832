"""Event-based detection metrics and the record-level challenge tasks 2-1 / 2-2.

TypeScript twin: src/metrics/events.ts (same definitions, same matching).

Event-based F1 (as in sed_eval's event-based metrics):
* an estimated event matches a reference event when |onset difference| <= 200 ms and
  |offset difference| <= max(200 ms, 20 % of the reference event's length); class-aware
  matching also needs the same type;
* one-to-one matching = a maximum-cardinality bipartite matching (Kuhn's augmenting paths:
  references in (start, end, index) order, candidates in estimate order); the number of matches is
  the maximum possible, so it does not depend on the order (sed_eval also uses a maximum matching);
* per recording TP = matches, FP = estimates - TP, FN = references - TP; summed over recordings
  (micro): P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN) (1 if nothing to find
  and nothing found).
* class-aware: micro F1 over all classes plus per-class F1 (FP counted for the estimate's class,
  FN for the reference's class) and their macro mean over the classes that have references.
* typeAccuracy: among the class-agnostic matches, the fraction with the right type.

Metrics that fit SPRSound's partial labels (family_scores; only some breaths are marked, so Normal
events are unscored). Families: CAS (labels.json group CAS), DAS (group DAS); Wheeze+Crackle is in both.
* familyEvent: adventitious events only (Normal references and estimates dropped); two events match
  under the collars above when their families intersect; micro P / R / F1 as above.
* segment[CAS | DAS]: 1-s segments [k, k + 1) s of each recording; a segment is positive for a family
  when an event of that family overlaps it (start < (k+1) s and end > k s); TP / FP / FN over
  segments, micro over recordings (segments after every event are negatives on both sides).
* agnosticInStretch: class-agnostic event F1 where the estimates are only those whose midpoint lies
  in the recording's annotated stretch [first reference start, last reference end].
Recordings labelled Poor Quality have no event annotations (they are unannotated, not eventless)
and are left out of the event metrics.

Record tasks (SPRSound 2022): Task 2-2 = Normal / CAS / DAS / CAS & DAS / Poor Quality;
Task 2-1 = Normal / Adventitious (CAS, DAS, CAS & DAS) / Poor Quality. Scores via
metrics.challenge_scores: SE counts every non-Normal record (Poor Quality included) as correct
only with its exact label.
"""
from collections import defaultdict

import numpy as np

from . import metrics

ONSET_COLLAR_MS = 200
OFFSET_COLLAR_MS = 200
OFFSET_COLLAR_RATIO = 0.2


def events_match(ref, est, class_aware, compatible=None):
    """Collar test; class-aware matching also needs compatible types (default: equal)."""
    rs, re_, rt = ref
    es, ee, et = est
    if class_aware and not (compatible(rt, et) if compatible else rt == et):
        return False
    if abs(es - rs) > ONSET_COLLAR_MS:
        return False
    return abs(ee - re_) <= max(OFFSET_COLLAR_MS, OFFSET_COLLAR_RATIO * (re_ - rs))


def match_events(refs, ests, class_aware=False, compatible=None):
    """Maximum one-to-one matching; returns [(ref index, est index)] sorted by ref index."""
    order = sorted(range(len(refs)), key=lambda i: (refs[i][0], refs[i][1], i))
    cand = {i: [j for j in range(len(ests)) if events_match(refs[i], ests[j], class_aware, compatible)]
            for i in order}
    est_owner = {}

    def augment(i, seen):
        for j in cand[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in est_owner or augment(est_owner[j], seen):
                est_owner[j] = i
                return True
        return False

    for i in order:
        augment(i, set())
    return sorted((i, j) for j, i in est_owner.items())


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 1.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def event_scores(pairs, classes):
    """pairs: [(reference events, estimated events)] per recording, events as (startMs, endMs, type).

    Returns {"agnostic": prf, "classAware": prf + perClass + macroF1, "typeAccuracy": ..., "nRef", "nEst"}.
    """
    tp = fp = fn = 0
    ctp = ctotal = 0
    atp = afp = afn = 0
    per = defaultdict(lambda: [0, 0, 0])
    n_ref = n_est = 0
    for refs, ests in pairs:
        n_ref += len(refs)
        n_est += len(ests)
        m = match_events(refs, ests, False)
        tp += len(m)
        fp += len(ests) - len(m)
        fn += len(refs) - len(m)
        ctotal += len(m)
        ctp += sum(refs[i][2] == ests[j][2] for i, j in m)
        ma = match_events(refs, ests, True)
        atp += len(ma)
        afp += len(ests) - len(ma)
        afn += len(refs) - len(ma)
        matched_r = {i for i, _ in ma}
        matched_e = {j for _, j in ma}
        for i, r in enumerate(refs):
            if i in matched_r:
                per[r[2]][0] += 1
            else:
                per[r[2]][2] += 1
        for j, e in enumerate(ests):
            if j not in matched_e:
                per[e[2]][1] += 1
    per_class = {c: _prf(*per[c]) for c in classes}
    with_refs = [c for c in classes if per[c][0] + per[c][2] > 0]
    aware = _prf(atp, afp, afn)
    aware["perClass"] = per_class
    aware["macroF1"] = float(np.mean([per_class[c]["f1"] for c in with_refs])) if with_refs else 0.0
    return {"agnostic": _prf(tp, fp, fn), "classAware": aware,
            "typeAccuracy": ctp / ctotal if ctotal else 0.0, "nRef": n_ref, "nEst": n_est}


FAMILIES = ("CAS", "DAS")
SEGMENT_MS = 1000


def families(event_type, groups):
    """The adventitious families of an event type: groups maps type -> labels.json group."""
    g = groups.get(event_type, "normal")
    return frozenset(f for f in FAMILIES if f in g.split(" & "))


def _segments(events, family, groups):
    """Set of 1-s segment indices that an event of ``family`` overlaps."""
    out = set()
    for s, e, t in events:
        if e > s and family in families(t, groups):
            out.update(range(int(s // SEGMENT_MS), int(-(-e // SEGMENT_MS))))
    return out


def family_scores(pairs, groups):
    """pairs as in event_scores; groups: event type -> labels.json group (detector.EVENT_GROUPS).

    Returns {"familyEvent": prf, "segment": {"CAS": prf, "DAS": prf}, "agnosticInStretch": prf}.
    """
    ev = [0, 0, 0]
    seg = {f: [0, 0, 0] for f in FAMILIES}
    stretch = [0, 0, 0]
    for refs, ests in pairs:
        r_adv = [(s, e, families(t, groups)) for s, e, t in refs if families(t, groups)]
        e_adv = [(s, e, families(t, groups)) for s, e, t in ests if families(t, groups)]
        m = len(match_events(r_adv, e_adv, True, compatible=lambda a, b: bool(a & b)))
        ev[0] += m
        ev[1] += len(e_adv) - m
        ev[2] += len(r_adv) - m
        for f in FAMILIES:
            rs, es = _segments(refs, f, groups), _segments(ests, f, groups)
            seg[f][0] += len(rs & es)
            seg[f][1] += len(es - rs)
            seg[f][2] += len(rs - es)
        if refs:
            lo, hi = min(s for s, _, _ in refs), max(e for _, e, _ in refs)
            inside = [x for x in ests if lo <= (x[0] + x[1]) / 2 <= hi]
        else:
            inside = []
        k = len(match_events(refs, inside, False))
        stretch[0] += k
        stretch[1] += len(inside) - k
        stretch[2] += len(refs) - k
    return {"familyEvent": _prf(*ev), "segment": {f: _prf(*seg[f]) for f in FAMILIES},
            "agnosticInStretch": _prf(*stretch)}


TASK21 = ["Normal", "Adventitious", "Poor Quality"]


def task21_label(record_label):
    return record_label if record_label in ("Normal", "Poor Quality") else "Adventitious"


def record_scores(truth, pred, record_classes):
    """Task 2-1 and 2-2 scores + confusion matrices from record label strings."""
    idx22 = {c: i for i, c in enumerate(record_classes)}
    idx21 = {c: i for i, c in enumerate(TASK21)}
    y22 = [idx22[t] for t in truth]
    p22 = [idx22[p] for p in pred]
    y21 = [idx21[task21_label(t)] for t in truth]
    p21 = [idx21[task21_label(p)] for p in pred]
    normal22, normal21 = idx22["Normal"], idx21["Normal"]
    return {
        "n": len(truth),
        "task21": {**metrics.challenge_scores(y21, p21, normal=normal21),
                   "confusion": {"labels": TASK21, "rowsTrue_colsPred": metrics.confusion(y21, p21, 3).tolist()}},
        "task22": {**metrics.challenge_scores(y22, p22, normal=normal22),
                   "confusion": {"labels": list(record_classes),
                                 "rowsTrue_colsPred": metrics.confusion(y22, p22, len(record_classes)).tolist()}},
    }
