"""Evaluate heart checkpoints on val or test, and write teacher probabilities for pseudo-labels.

    python3 -m training.auscult_train.heart_evaluate --ckpt training/runs/heart-r18-drop/best.pt \
        --split test --out training/runs/heart_eval_test.json
    python3 -m training.auscult_train.heart_evaluate --ckpt training/runs/heart-r18-drop/best.pt \
        --pseudo-out training/runs/heart_teacher.json

Record-level probabilities = mean over the record's 3 s windows (the app's policy). Reports the
four-class balanced accuracy (mean per-class recall), per-class recall, the confusion matrix, the
same per source (A iStethoscope / B DigiScope), and how the split's extrastole recordings (not one of
the four classes) were labelled. With several --ckpt their probabilities are averaged.
--pseudo-out writes teacher probabilities for every unlabelled recording of a train-side unit
(train patients/sessions, and A sessions in no split); val/test units' recordings are never touched.
"""
import argparse
import json
from collections import Counter

import numpy as np
import torch

from . import heart_data as hd
from .heart_model import load_heart_checkpoint
from .heart_train import predict_records, record_inputs, scores


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
    ap.add_argument("--pseudo-out")
    ap.add_argument("--data", default=hd.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ds = hd.HeartSounds(args.data)
    split = hd.load_split()
    models = [load_heart_checkpoint(p)[0] for p in args.ckpt]
    if args.pseudo_out:
        bases = ds.unlabelled(hd.train_side_units(ds, split))
        probs = predict(models, ds, bases)
        with open(args.pseudo_out, "w") as f:
            json.dump({"teachers": args.ckpt, "probs": {b: [float(v) for v in p] for b, p in zip(bases, probs)}}, f)
        print(f"{len(bases)} unlabelled train-side recordings; teacher labels at max prob >= 0.9: "
              f"{dict(Counter(hd.CLASSES[int(np.argmax(p))] for p in probs if max(p) >= 0.9))}")
    if args.out or not args.pseudo_out:
        rep = evaluate(models, ds, split, args.split)
        rep["checkpoints"] = args.ckpt
        if args.out:
            with open(args.out, "w") as f:
                json.dump(rep, f, indent=1)
        print(json.dumps({k: v for k, v in rep.items() if k != "records"}, indent=1))


if __name__ == "__main__":
    main()
