"""Print the model card's result tables (markdown) from evaluate.py JSON and run summaries.

    python3 -m training.auscult_train.card --eval training/runs/eval_test.json \
        --runs training/runs/cmp-* [--manifest public/models/manifest.json]
"""
import argparse
import json
import os

from . import data


def fmt(v, nd=3):
    return "n/a" if v is None else f"{v:.{nd}f}"


def scores_table(ev):
    rows = ["| model | task | SE | SP | AS | HS | Score |", "|---|---|---|---|---|---|---|"]
    for name, r in ev.items():
        t = r["task11"]
        for label, s in (("1-1 (argmax)", t["argmax"]),
                         (f"1-1 (P(Normal) < {t['threshold']['pNormalBelow']:.2f}, chosen on val)", t["threshold"]),
                         ("1-2 (argmax)", r["task12"]),
                         (f"1-2 (Normal iff P(Normal) >= {r['task12Threshold']['pNormalBelow']:.2f}, chosen on val)",
                          r["task12Threshold"])):
            rows.append(f"| {name} | {label} | {fmt(s['SE'])} | {fmt(s['SP'])} | {fmt(s['AS'])} | {fmt(s['HS'])} | **{fmt(s['Score'])}** |")
    return "\n".join(rows)


def recall_table(ev):
    names = list(data.CLASSES)
    first = next(iter(ev.values()))
    rows = ["| model | " + " | ".join(f"{c} (n={first['perClassRecall'][c]['n']})" for c in names) + " |",
            "|---|" + "---|" * len(names)]
    for name, r in ev.items():
        rows.append(f"| {name} | " + " | ".join(fmt(r["perClassRecall"][c]["recall"], 2) for c in names) + " |")
    return "\n".join(rows)


def confusion_table(r):
    labels = r["confusion"]["labels"]
    m = r["confusion"]["rowsTrue_colsPred"]
    rows = ["| true \\ predicted | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for lab, row in zip(labels, m):
        rows.append(f"| **{lab}** | " + " | ".join(str(v) for v in row) + " |")
    b = r["task11"]["confusion"]["matrix"]
    rows += ["", "Task 1-1 (argmax):", "", "| | pred Normal | pred Adventitious |", "|---|---|---|",
             f"| true Normal | {b[0][0]} | {b[0][1]} |", f"| true Adventitious | {b[1][0]} | {b[1][1]} |"]
    return "\n".join(rows)


def runs_table(paths):
    rows = ["| run | features | band | best epoch | val Task 1-2 Score | val Task 1-1 Score (argmax) | minutes |",
            "|---|---|---|---|---|---|---|"]
    for p in paths:
        s = json.load(open(os.path.join(p, "summary.json")))
        log = [json.loads(l) for l in open(os.path.join(p, "log.jsonl"))]
        best = log[s["bestEpoch"] - 1]
        a = s["args"]
        band = f"{a['fmin'] if a['fmin'] >= 0 else 0:g}-{a['fmax'] if a['fmax'] >= 0 else 4000:g} Hz"
        rows.append(f"| {os.path.basename(p)} | {a['features']} | {band} | {s['bestEpoch']}/{s['epochsRun']} | "
                    f"{best['valTask12']['Score']:.4f} | {best['valTask11']['Score']:.4f} | {s['trainMinutes']} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval")
    ap.add_argument("--runs", nargs="*", default=[])
    args = ap.parse_args()
    if args.runs:
        print(runs_table(args.runs), "\n")
    if args.eval:
        ev = json.load(open(args.eval))
        print(scores_table(ev), "\n")
        print(recall_table(ev), "\n")
        for name, r in ev.items():
            print(f"#### {name}\n\n{confusion_table(r)}\n")


if __name__ == "__main__":
    main()
