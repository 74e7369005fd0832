"""Print the heart model card's tables (markdown) from the split file and heart_evaluate.py JSON.

    python3 -m training.auscult_train.heart_card --eval training/runs/heart_eval_test.json \
        [--val training/runs/heart_eval_val.json]
"""
import argparse
import json

from . import heart_data as hd


def split_table(split):
    rows = ["| split | units (B patients + A sessions) | " + " | ".join(f"{c} (A/B)" for c in hd.FOLDERS) + " |",
            "|---|---|" + "---|" * len(hd.FOLDERS)]
    for name in ("train", "val", "test"):
        s = split["summary"][name]
        cells = []
        for f in hd.FOLDERS:
            r = s["recordings"].get(f, {})
            cells.append(f"{r.get('A', 0)} / {r.get('B', 0)}")
        rows.append(f"| {name} | {s['units']} ({s['patientsB']} + {s['sessionsA']}) | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def recall_table(reps):
    rows = ["| split | balanced accuracy | accuracy | " + " | ".join(f"recall {c}" for c in hd.CLASSES) + " | n |",
            "|---|---|---|" + "---|" * len(hd.CLASSES) + "---|"]
    for rep in reps:
        rec = " | ".join("-" if rep["recall"][c] is None else f"{rep['recall'][c]:.3f}" for c in hd.CLASSES)
        rows.append(f"| {rep['split']} | **{rep['balancedAccuracy']:.3f}** | {rep['accuracy']:.3f} | {rec} | {rep['n']} |")
    return "\n".join(rows)


def confusion_table(rep):
    m = rep["confusion"]["rowsTrue_colsPred"]
    rows = ["| true \\ predicted | " + " | ".join(hd.CLASSES) + " |", "|---|" + "---|" * len(hd.CLASSES)]
    for c, row in zip(hd.CLASSES, m):
        rows.append(f"| {c} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(rows)


def source_table(rep):
    rows = ["| source | n | " + " | ".join(f"recall {c}" for c in hd.CLASSES) + " |", "|---|---|" + "---|" * len(hd.CLASSES)]
    for s, v in rep["perSource"].items():
        rec = " | ".join("-" if v["recall"][c] is None else f"{v['recall'][c]:.2f}" for c in hd.CLASSES)
        rows.append(f"| {s} | {v['n']} | {rec} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", required=True)
    ap.add_argument("--val")
    args = ap.parse_args(argv)
    with open(args.eval) as f:
        test = json.load(f)
    reps = []
    if args.val:
        with open(args.val) as f:
            reps.append(json.load(f))
    reps.append(test)
    print(split_table(hd.load_split()), "\n")
    print(recall_table(reps), "\n")
    print(confusion_table(test), "\n")
    print(source_table(test), "\n")
    print("extrastole recordings of the split predicted as:", test.get("extrastolePredicted"))


if __name__ == "__main__":
    main()
