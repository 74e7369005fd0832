"""Evaluate heart checkpoints on val or test.

    python3 -m training.auscult_train.heart_evaluate --ckpt training/runs/heart-r18-long-s1/best.pt \
        --split test --out training/runs/heart_eval_test.json

Record-level probabilities = mean over the record's 3 s windows (the app's policy). Reports the
four-class balanced accuracy (mean per-class recall), per-class recall, the confusion matrix, the
same per source (A iStethoscope / B DigiScope), and how the split's extrastole recordings (not one of
the four classes) were labelled. With several --ckpt their probabilities are averaged.
"""
import argparse
import json
from collections import Counter

import numpy as np
import torch

from . import heart_data as hd
from .features import HEART_FEATURES
from .heart_train import predict_records, record_inputs, scores
from .models import load_classifier


def predict(models, ds, bases):
    inputs = record_inputs(ds, bases)
    return np.mean([predict_records(m, inputs, len(bases)) for m in models], axis=0)


def evaluate(models, ds, split, name):
    units = set(split[name])
    rec = ds.labelled(units, "drop")
    bases = [b for b, _ in rec]
    y = np.array([c for _, c in rec])
    probs = predict(models, ds, bases)
    rep = {"split": name, **scores(y, probs)}
    src = np.array([ds.by_base[b]["source"] for b in bases])
    rep["perSource"] = {s: scores(y[src == s], probs[src == s]) for s in ("A", "B")}
    xs = ds.of_folder("extrastole", units)
    if xs:
        xp = predict(models, ds, xs)
        rep["extrastolePredicted"] = dict(Counter(hd.CLASSES[k] for k in xp.argmax(1)))
    rep["records"] = [{"base": b, "label": hd.CLASSES[c], "probs": [round(float(v), 5) for v in p]}
                      for b, c, p in zip(bases, y, probs)]
    return rep


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", action="append", required=True)
    ap.add_argument("--split", default="val", choices=["val", "test", "train"])
    ap.add_argument("--out")
    ap.add_argument("--data", default=hd.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ds = hd.HeartSounds(args.data)
    split = hd.load_split()
    models = [load_classifier(p, HEART_FEATURES)[0] for p in args.ckpt]
    rep = evaluate(models, ds, split, args.split)
    rep["checkpoints"] = args.ckpt
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rep, f, indent=1)
    print(json.dumps({k: v for k, v in rep.items() if k != "records"}, indent=1))


if __name__ == "__main__":
    main()
