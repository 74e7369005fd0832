"""SPRSound challenge metrics (Zhang et al. 2022), event level.

SP = Normal items classified Normal / all Normal items
SE = non-Normal items given exactly their class / all non-Normal items
AS = (SE + SP) / 2;  HS = 2 SE SP / (SE + SP) (0 if both are 0);  Score = (AS + HS) / 2

Task 1-1: Normal vs Adventitious (2 classes: any non-Normal class is "Adventitious").
Task 1-2: the 7 event classes (Normal, Rhonchi, Wheeze, Stridor, Coarse Crackle, Fine Crackle,
Wheeze+Crackle).

Labels are class indices into ``CLASSES``; Normal is index 0 (``NORMAL``).
"""
import numpy as np

NORMAL = 0


def challenge_scores(y_true, y_pred, normal=NORMAL):
    """SE/SP/AS/HS/Score for integer labels where ``normal`` is the Normal class."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    is_n = y_true == normal
    n_normal, n_abn = int(is_n.sum()), int((~is_n).sum())
    sp = float((y_pred[is_n] == normal).sum() / n_normal) if n_normal else 0.0
    se = float((y_pred[~is_n] == y_true[~is_n]).sum() / n_abn) if n_abn else 0.0
    as_ = (se + sp) / 2
    hs = 2 * se * sp / (se + sp) if (se + sp) > 0 else 0.0
    return {"SE": se, "SP": sp, "AS": as_, "HS": hs, "Score": (as_ + hs) / 2,
            "nNormal": n_normal, "nAdventitious": n_abn}


def task11_predictions(probs, threshold=None, normal=NORMAL):
    """Binary predictions (0 Normal, 1 Adventitious) from [N, C] class probabilities.

    threshold None: Adventitious = argmax is not Normal; else Adventitious = P(Normal) < threshold.
    """
    probs = np.asarray(probs)
    if threshold is None:
        return (probs.argmax(1) != normal).astype(int)
    return (probs[:, normal] < threshold).astype(int)


def task11_scores(y_true, probs, threshold=None):
    yb = (np.asarray(y_true) != NORMAL).astype(int)
    return challenge_scores(yb, task11_predictions(probs, threshold), normal=0)


def task12_predictions(probs, threshold=None, normal=NORMAL):
    """7-class predictions: argmax, or (threshold) Normal if P(Normal) >= threshold, else the most
    probable non-Normal class."""
    probs = np.asarray(probs)
    if threshold is None:
        return probs.argmax(1)
    abn = probs.copy()
    abn[:, normal] = -1
    return np.where(probs[:, normal] >= threshold, normal, abn.argmax(1))


def task12_scores(y_true, probs, threshold=None):
    return challenge_scores(y_true, task12_predictions(probs, threshold))


def best_threshold12(y_true, probs, grid=None):
    """P(Normal) threshold that maximises the Task 1-2 Score (choose on VAL only)."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2) if grid is None else grid
    scores = [task12_scores(y_true, probs, t)["Score"] for t in grid]
    i = int(np.argmax(scores))
    return float(grid[i]), float(scores[i])


def best_threshold(y_true, probs, grid=None):
    """P(Normal) threshold that maximises the Task 1-1 Score (choose on VAL only)."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2) if grid is None else grid
    scores = [task11_scores(y_true, probs, t)["Score"] for t in grid]
    i = int(np.argmax(scores))
    return float(grid[i]), float(scores[i])


def confusion(y_true, y_pred, n):
    m = np.zeros((n, n), dtype=int)
    for t, p in zip(y_true, y_pred):
        m[int(t), int(p)] += 1
    return m


def per_class_recall(y_true, y_pred, names):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    out = {}
    for i, name in enumerate(names):
        mask = y_true == i
        out[name] = {"recall": float((y_pred[mask] == i).mean()) if mask.any() else None, "n": int(mask.sum())}
    return out


def full_report(y_true, probs, names, threshold=None, threshold12=None):
    """Everything evaluate.py writes: tasks 1-1 (argmax and, if given, threshold) and 1-2."""
    y_true, probs = np.asarray(y_true), np.asarray(probs)
    pred = probs.argmax(1)
    yb = (y_true != NORMAL).astype(int)
    rep = {
        "n": int(len(y_true)),
        "task11": {"argmax": task11_scores(y_true, probs),
                   "confusion": {"labels": ["Normal", "Adventitious"],
                                 "matrix": confusion(yb, task11_predictions(probs), 2).tolist()}},
        "task12": task12_scores(y_true, probs),
        "perClassRecall": per_class_recall(y_true, pred, names),
        "confusion": {"labels": list(names), "rowsTrue_colsPred": confusion(y_true, pred, len(names)).tolist()},
    }
    if threshold is not None:
        rep["task11"]["threshold"] = {"pNormalBelow": threshold, **task11_scores(y_true, probs, threshold)}
        rep["task11"]["thresholdConfusion"] = confusion(yb, task11_predictions(probs, threshold), 2).tolist()
    if threshold12 is not None:
        p12 = task12_predictions(probs, threshold12)
        rep["task12Threshold"] = {"pNormalBelow": threshold12, **challenge_scores(y_true, p12),
                                  "perClassRecall": {k: v["recall"] for k, v in per_class_recall(y_true, p12, names).items()},
                                  "confusion": confusion(y_true, p12, len(names)).tolist()}
    return rep
