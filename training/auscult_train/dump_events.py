"""Write a split's annotated events as stand-alone WAV clips, challenge style, plus their true labels.

    /usr/bin/python3 -m training.auscult_train.dump_events --split test --out /tmp/events-test

gives <out>/<recording>_<i>.wav (16-bit, 8 kHz) and <out>/labels.json {file: SPRSound event type},
so the CLI (`npm run cli -- classify --task 12 --wav <out> ...`) can be scored on held-out patients.
"""
import argparse
import json
import os

import numpy as np
import soundfile as sf

from . import data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["train", "val", "test"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    args = ap.parse_args()
    ds = data.SPRSound(args.data)
    patients = set(data.load_split()[args.split])
    os.makedirs(args.out, exist_ok=True)
    labels = {}
    counts = {}
    for base, start, end, label in ds.event_list(patients):
        i = counts.get(base, 0)
        counts[base] = i + 1
        clip = data.event_samples(ds.recording(base), start, end)
        if len(clip) == 0:
            continue
        name = f"{base}_{i}.wav"
        sf.write(os.path.join(args.out, name), np.round(clip * 32768).clip(-32768, 32767).astype(np.int16), data.SAMPLE_RATE,
                 subtype="PCM_16")
        labels[name] = data.CLASSES[label]
    with open(os.path.join(args.out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=0)
    print(f"wrote {len(labels)} event clips of {len(patients)} {args.split} patients to {args.out}")


if __name__ == "__main__":
    main()
