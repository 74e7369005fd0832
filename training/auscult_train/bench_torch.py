"""PyTorch CPU time of the shipped event models, for `npm run bench` to compare against ONNX Runtime.

Speed does not depend on the weights, so each model is rebuilt from its manifest entry
(architecture, width, features) rather than from a checkpoint, which CI machines do not have.

    /usr/bin/python3 -m training.auscult_train.bench_torch --threads 1 --reps 30
prints one JSON object: {model id: {"batch1Ms": median, "perEventBatchedMs": median / batch}}.
"""
import argparse
import json
import os
import re

import torch

from .data import CLIP, REPO_ROOT
from .features import EVENT_FEATURES
from .models import Classifier, ExportModel
from .timing import median_ms

MANIFEST = os.path.join(REPO_ROOT, "public", "models", "manifest.json")
BATCH = 16


def model_from_entry(entry):
    arch = entry["id"].split("-")[0]
    width = entry.get("width")
    if width is None:
        m = re.search(r"width\s*([0-9.]+)", entry.get("architecture", ""))
        width = float(m.group(1)) if m else 0.25
    feature = entry["feature"]
    clf = Classifier(EVENT_FEATURES, arch, width, len(entry["classes"]), fmin=feature.get("fMin"), fmax=feature.get("fMax"))
    return ExportModel(clf).eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(MANIFEST) as f:
        manifest = json.load(f)
    out = {}
    torch.manual_seed(0)
    with torch.no_grad():
        for entry in manifest["models"]:
            if entry.get("task") != "respiratory-event":
                continue
            model = model_from_entry(entry)
            one = torch.randn(1, CLIP) * 0.1
            many = torch.randn(BATCH, CLIP) * 0.1
            out[entry["id"]] = {
                "threads": args.threads,
                "batch1Ms": median_ms(lambda: model(one), args.reps, warmup=1),
                "perEventBatchedMs": median_ms(lambda: model(many), max(3, args.reps // 4), warmup=1) / BATCH,
            }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
