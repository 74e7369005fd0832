"""Evaluate a checkpoint, or the ensemble (mean of the members' probabilities), on val or test.

    python3 -m training.auscult_train.evaluate --ckpt training/runs/resnet18/best.pt [--ckpt ...]
        --split test --out training/runs/eval_test.json

With several --ckpt the members are evaluated one by one and as the ensemble (mean probs).
The Task 1-1 P(Normal) threshold (and a separate one for Task 1-2: Normal if P(Normal) >= t, else
the most probable adventitious class) is chosen on VAL only and then applied to the split evaluated.
Writes per-class recall, confusion matrices and SE/SP/AS/HS/Score for tasks 1-1 and 1-2 as JSON.
"""
import argparse
import json
import os

import numpy as np
import torch

from . import data, metrics
from .features import EVENT_FEATURES
from .models import load_classifier


def event_inputs(ds, events):
    """(windows [W, CLIP] float32, owner [W] event index) under the input length policy."""
    wins, owner = [], []
    for i, (b, s, e, _) in enumerate(events):
        w = data.event_windows(data.event_samples(ds.recording(b), s, e))
        wins.append(w)
        owner += [i] * len(w)
    return np.concatenate(wins).astype(np.float32), np.asarray(owner)


@torch.no_grad()
def predict_windows(model, windows, batch=128):
    model.eval()
    out = []
    for i in range(0, len(windows), batch):
        out.append(torch.softmax(model(torch.from_numpy(windows[i:i + batch])), 1).numpy())
    return np.concatenate(out)


def mean_by_event(window_probs, owner, n_events):
    probs = np.zeros((n_events, window_probs.shape[1]), dtype=np.float64)
    np.add.at(probs, owner, window_probs)
    return probs / np.bincount(owner, minlength=n_events)[:, None]


def predict_events(model, ds, events, inputs=None):
    """Event probabilities [E, C]: mean of the event's windows' probabilities."""
    windows, owner = inputs if inputs is not None else event_inputs(ds, events)
    return mean_by_event(predict_windows(model, windows), owner, len(events))


def evaluate(ckpts, split_name="test", data_dir=data.DEFAULT_DATA, ds=None):
    ds = ds or data.SPRSound(data_dir)
    split = data.load_split()
    val_events = ds.event_list(set(split["val"]))
    events = ds.event_list(set(split[split_name]))
    y, y_val = np.array([e[3] for e in events]), np.array([e[3] for e in val_events])
    inputs, val_inputs = event_inputs(ds, events), event_inputs(ds, val_events)
    results, member_probs, member_val = {}, [], []
    for path in ckpts:
        model, ckpt = load_classifier(path, EVENT_FEATURES)
        pv = predict_events(model, ds, val_events, val_inputs)
        p = predict_events(model, ds, events, inputs)
        member_probs.append(p)
        member_val.append(pv)
        results[ckpt.get("id", os.path.basename(os.path.dirname(path)))] = report(y, p, y_val, pv, split_name, len(set(split[split_name])))
    if len(ckpts) > 1:
        results["ensemble"] = report(y, np.mean(member_probs, 0), y_val, np.mean(member_val, 0),
                                     split_name, len(set(split[split_name])))
    return results


def report(y, probs, y_val, probs_val, split_name, n_patients):
    thr, thr_val_score = metrics.best_threshold(y_val, probs_val)
    thr12, thr12_val_score = metrics.best_threshold12(y_val, probs_val)
    rep = metrics.full_report(y, probs, data.CLASSES, threshold=thr, threshold12=thr12)
    rep["task12Threshold"]["valChoice"] = {"argmaxValScore": metrics.task12_scores(y_val, probs_val)["Score"],
                                           "thresholdValScore": thr12_val_score}
    argmax_val = metrics.task11_scores(y_val, probs_val)["Score"]
    rep["task11"]["valChoice"] = {"argmaxValScore": argmax_val, "thresholdValScore": thr_val_score,
                                  "threshold": thr,
                                  "better": "threshold" if thr_val_score > argmax_val else "argmax"}
    rep["split"] = f"{split_name} patients (n={n_patients})"
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", action="append", required=True)
    ap.add_argument("--split", default="test", choices=["train", "val", "test"])
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    res = evaluate(args.ckpt, args.split, args.data)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    for k, r in res.items():
        print(f"{k}: task11 {r['task11']['argmax']['Score']:.3f} (thr {r['task11']['threshold']['Score']:.3f}) "
              f"task12 {r['task12']['Score']:.3f} (thr {r['task12Threshold']['Score']:.3f})  recall " +
              " ".join(f"{c}={v['recall'] if v['recall'] is None else round(v['recall'], 2)}/{v['n']}"
                       for c, v in r["perClassRecall"].items()))


if __name__ == "__main__":
    main()
