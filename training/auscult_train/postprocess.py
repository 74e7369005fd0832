"""Detector post-processing: frame probabilities -> events and the record verdict.

The TypeScript twin is src/inference/postprocess.ts; both must give identical events for the
same frame probabilities (test-fixtures/golden/detector.json checks that).

Events (parameters in the manifest's ``postprocess``):
1. hysteresis: strong[i] = activity[i] >= threshold, weak[i] = activity[i] >= thresholdLow
   (float32 compares)
2. median filter of width ``medianFrames`` (odd) over both 0/1 sequences, edges replicated
   (= majority vote in the window)
3. runs of weak frames that contain a strong frame -> segments [a, b] (frame indices, inclusive);
   times start = 32 a + 12 ms, end = 32 b + 44 ms, clipped to [0, durationMs]
4. segments separated by a gap <= ``maxGapMs`` (next start - previous end) are merged
5. segments shorter than ``minDurationMs`` are dropped
6. type = argmax of the mean class probabilities over the segment's frames (first maximum wins);
   confidence = mean activity over the frames x that mean class probability.

Record verdict (``verdict`` in the manifest): "hierarchical", "rules" or "head".
* "hierarchical" (from the record head's probabilities p, thresholds chosen on out-of-fold
  predictions, detector_cv.py): Poor Quality if p[Poor Quality] >= ``poorQualityThreshold``
  (confidence p[Poor Quality]); otherwise P(adventitious) = (p[CAS] + p[DAS] + p[CAS & DAS]) /
  (1 - p[Poor Quality]); Normal if it is < ``adventitiousThreshold`` (confidence 1 - P(adv)), else
  the most probable of CAS, DAS, CAS & DAS (first maximum wins; confidence = its p / (1 - p[PQ])).
  Deciding Normal vs adventitious first keeps a record whose adventitious families together
  outweigh Normal from being called Normal because each family alone is smaller.
* "head": argmax of the record head's probabilities; confidence = that probability.
* "rules": Poor Quality if P_head(Poor Quality) >= ``poorQualityThreshold``; otherwise from the
  events' types via their label-table groups (CAS, DAS, "CAS & DAS" counts as both): any CAS and
  any DAS -> "CAS & DAS", only CAS -> "CAS", only DAS -> "DAS", none -> "Normal".
  confidence = P(not Poor Quality) x prod over groups of P(group decision), where
  P(group present) = max over events of (mean activity x the event's mean class probability mass
  of the classes in that group); a present group contributes P(present), an absent one
  1 - P(present). For Poor Quality the confidence is P_head(Poor Quality).
All sums run in float64, in frame order (TypeScript sums the same way).

Event types with the record (``eventTyping: "verdict-weighted"`` in the manifest; applied to whoever
typed the event: the event classifiers in the app, or the detector's frame classes): an event's
class probabilities p come from a few hundred ms of sound, the record head has heard the whole
recording. q = the record probabilities renormalised without Poor Quality; P(CAS present) =
q[CAS] + q[CAS & DAS], P(DAS present) = q[DAS] + q[CAS & DAS]; a class's weight w(c) is q[Normal]
for the normal group and the product of its families' presence otherwise (Wheeze+Crackle: both).
The type is the argmax of p(c) w(c) over the classes whose families the verdict names (Normal:
only the normal group; CAS / DAS / CAS & DAS: those families; Poor Quality: every class), first
maximum wins. So the timeline never shows a family that the verdict rules out. Chosen by nested
CV over the detector's out-of-fold events (detector card, "Event types with the record").
"""
import numpy as np

from .detector import (EVENT_CLASSES, EVENT_GROUPS, FRAME_HOP_MS, FRAME_OFFSET_MS, NORMAL, POOR_QUALITY,
                       RECORD_CLASSES)
from .event_metrics import families

DEFAULT_PARAMS = {"threshold": 0.5, "thresholdLow": 0.5, "medianFrames": 5, "maxGapMs": 100, "minDurationMs": 150,
                  "verdict": "rules", "poorQualityThreshold": 0.5}


def median_binary(active, width):
    """Majority vote over an odd window with replicated edges (median of a 0/1 sequence)."""
    active = np.asarray(active, dtype=np.int64)
    n = len(active)
    if width <= 1 or n == 0:
        return active.astype(bool)
    h = width // 2
    padded = np.concatenate([np.full(h, active[0]), active, np.full(h, active[-1])])
    c = np.concatenate([[0], np.cumsum(padded)])
    sums = c[width:width + n] - c[:n]
    return sums * 2 > width


def segments(active):
    """[(a, b)] inclusive frame runs of True."""
    out, start = [], None
    for i, v in enumerate(active):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(active) - 1))
    return out


def frames_to_ms(a, b, duration_ms):
    s = FRAME_OFFSET_MS + FRAME_HOP_MS * a
    e = FRAME_OFFSET_MS + FRAME_HOP_MS * (b + 1)
    return max(0, min(s, duration_ms)), max(0, min(e, duration_ms))


def _mean_rows(rows):
    acc = np.zeros(rows.shape[1], dtype=np.float64)
    for r in rows:
        acc += r.astype(np.float64)
    return acc / len(rows)


def _mean(values):
    acc = 0.0
    for v in values:
        acc += float(v)
    return acc / len(values)


def merge_and_filter(runs, duration_ms, params):
    """Steps 3-5 on active-frame runs [(a, b)] -> [(a, b, startMs, endMs)]."""
    segs = []
    for a, b in runs:
        s, e = frames_to_ms(a, b, duration_ms)
        if segs and s - segs[-1][3] <= params["maxGapMs"]:
            pa, _, ps, _ = segs[-1]
            segs[-1] = (pa, b, ps, e)
        else:
            segs.append((a, b, s, e))
    return [(a, b, s, e) for a, b, s, e in segs if not (e - s < params["minDurationMs"] or e <= s)]


def active_runs(activity, params):
    """Steps 1-3: hysteresis threshold (float32 compares), median filter, runs of active frames.

    strong = median(activity >= threshold), weak = median(activity >= thresholdLow); the runs of
    weak frames that contain at least one strong frame. thresholdLow >= threshold (or absent) is
    a plain threshold.
    """
    activity = np.asarray(activity, dtype=np.float32)
    med = int(params["medianFrames"])
    strong = median_binary(activity >= np.float32(params["threshold"]), med)
    low = params.get("thresholdLow")
    if low is None or low >= params["threshold"]:
        return segments(strong)
    weak = median_binary(activity >= np.float32(low), med)
    return [(a, b) for a, b in segments(weak) if strong[a:b + 1].any()]


def detect_events(activity, class_probs, duration_ms, params, classes=EVENT_CLASSES):
    """[{start, end, type, confidence, activity, probs}] (ms integers); ``activity`` = mean activity,
    ``probs`` = mean class probabilities over the event's frames."""
    activity = np.asarray(activity, dtype=np.float32)
    class_probs = np.asarray(class_probs, dtype=np.float32)
    events = []
    for a, b, s, e in merge_and_filter(active_runs(activity, params), duration_ms, params):
        mean = _mean_rows(class_probs[a:b + 1])
        k = int(np.argmax(mean))
        act = _mean(activity[a:b + 1])
        events.append({"start": int(s), "end": int(e), "type": classes[k], "confidence": float(act * mean[k]),
                       "activity": act, "probs": [float(v) for v in mean]})
    return events


def group_presence(events, classes=EVENT_CLASSES):
    """P(CAS present), P(DAS present) from the events (see the module doc)."""
    p = {"CAS": 0.0, "DAS": 0.0}
    for ev in events:
        act = ev["activity"]
        for g in p:
            mass = 0.0
            for k, name in enumerate(classes):
                grp = EVENT_GROUPS[name]
                if grp == g or grp == "CAS & DAS":
                    mass += ev["probs"][k]
            p[g] = max(p[g], act * mass)
    return p


def rules_label(events):
    cas = any(EVENT_GROUPS[e["type"]] in ("CAS", "CAS & DAS") for e in events)
    das = any(EVENT_GROUPS[e["type"]] in ("DAS", "CAS & DAS") for e in events)
    if cas and das:
        return "CAS & DAS"
    if cas:
        return "CAS"
    if das:
        return "DAS"
    return NORMAL


ADVENTITIOUS_RECORDS = ("CAS", "DAS", "CAS & DAS")


def adventitious_probability(record_probs, record_classes=RECORD_CLASSES):
    """P(CAS or DAS or CAS & DAS | not Poor Quality) from the record head's probabilities."""
    p = {c: float(v) for c, v in zip(record_classes, record_probs)}
    return sum(p[c] for c in ADVENTITIOUS_RECORDS) / max(1.0 - p[POOR_QUALITY], 1e-12)


def hierarchical_verdict(record_probs, params, record_classes=RECORD_CLASSES):
    """(label, confidence) by the hierarchical rule of the module doc."""
    p = {c: float(v) for c, v in zip(record_classes, record_probs)}
    if p[POOR_QUALITY] >= params["poorQualityThreshold"]:
        return POOR_QUALITY, p[POOR_QUALITY]
    p_adv = adventitious_probability(record_probs, record_classes)
    if p_adv < params["adventitiousThreshold"]:
        return NORMAL, 1.0 - p_adv
    family = max(ADVENTITIOUS_RECORDS, key=lambda c: (p[c], -ADVENTITIOUS_RECORDS.index(c)))
    return family, p[family] / max(1.0 - p[POOR_QUALITY], 1e-12)


def record_verdict(events, record_probs, params, record_classes=RECORD_CLASSES):
    """(label, confidence)."""
    record_probs = [float(v) for v in record_probs]
    if params["verdict"] == "hierarchical":
        return hierarchical_verdict(record_probs, params, record_classes)
    if params["verdict"] == "head":
        k = int(np.argmax(record_probs))
        return record_classes[k], record_probs[k]
    p_pq = record_probs[record_classes.index(POOR_QUALITY)]
    if p_pq >= params["poorQualityThreshold"]:
        return POOR_QUALITY, p_pq
    label = rules_label(events)
    pres = group_presence(events)
    cas = label in ("CAS", "CAS & DAS")
    das = label in ("DAS", "CAS & DAS")
    conf = (1.0 - p_pq) * (pres["CAS"] if cas else 1.0 - pres["CAS"]) * (pres["DAS"] if das else 1.0 - pres["DAS"])
    return label, conf


VERDICT_FAMILIES = {NORMAL: frozenset(), "CAS": frozenset({"CAS"}), "DAS": frozenset({"DAS"}),
                    "CAS & DAS": frozenset({"CAS", "DAS"}), POOR_QUALITY: frozenset({"CAS", "DAS"})}


def type_with_record(probs, record_probs, verdict_label, classes=EVENT_CLASSES, record_classes=RECORD_CLASSES):
    """Index of the event's type under the verdict-weighted rule (module doc)."""
    q = {c: float(v) for c, v in zip(record_classes, record_probs)}
    not_pq = max(1.0 - q[POOR_QUALITY], 1e-12)
    presence = {"CAS": (q["CAS"] + q["CAS & DAS"]) / not_pq, "DAS": (q["DAS"] + q["CAS & DAS"]) / not_pq}
    allowed = VERDICT_FAMILIES.get(verdict_label, VERDICT_FAMILIES[POOR_QUALITY])
    best, best_score = -1, -1.0
    for k, name in enumerate(classes):
        fams = families(name, EVENT_GROUPS)
        if not fams <= allowed:
            continue
        w = q[NORMAL] / not_pq if not fams else float(np.prod([presence[f] for f in sorted(fams)]))
        score = float(probs[k]) * w
        if score > best_score:
            best, best_score = k, score
    return best


def type_events(events, record_probs, verdict_label, classes=EVENT_CLASSES):
    """``events`` (dicts with ``probs``) with their ``type`` set by type_with_record and ``ownType`` kept
    where it differs."""
    out = []
    for e in events:
        k = type_with_record(e["probs"], record_probs, verdict_label, classes)
        t = classes[k]
        out.append({**e, "type": t, **({"ownType": e["type"]} if t != e["type"] else {})})
    return out


def analyse(activity, class_probs, record_probs, duration_ms, params):
    events = detect_events(activity, class_probs, duration_ms, params)
    label, conf = record_verdict(events, record_probs, params)
    if params.get("eventTyping") == "verdict-weighted":
        events = type_events(events, record_probs, label)
    return {"record_annotation": label, "record_confidence": conf, "events": events}
