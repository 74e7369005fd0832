"""Markdown tables for the "Detection" model card section from a detector_eval.py JSON.

    python3 -m training.auscult_train.detector_report training/runs/det-final/eval.json
"""
import json
import sys


def f3(x):
    return "–" if x is None else f"{x:.3f}"


def prf_row(name, p):
    return f"| {name} | {f3(p['precision'])} | {f3(p['recall'])} | {f3(p['f1'])} | {p['tp']} | {p['fp']} | {p['fn']} |"


def confusion(conf):
    labels = conf["labels"]
    rows = ["| true \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for name, r in zip(labels, conf["rowsTrue_colsPred"]):
        rows.append(f"| {name} | " + " | ".join(str(v) for v in r) + " |")
    return "\n".join(rows)


def task_row(name, t):
    return f"| {name} | {f3(t['SE'])} | {f3(t['SP'])} | {f3(t['AS'])} | {f3(t['HS'])} | {f3(t['Score'])} |"


def main(path):
    d = json.load(open(path))
    t = d["test"]
    ev = t["events"]
    out = ["Event detection, " + t["split"].rstrip(")") + "; Poor Quality recordings excluded):", "",
           "| | precision | recall | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|",
           prf_row("class-agnostic", ev["agnostic"]), prf_row("class-aware (micro)", ev["classAware"]), "",
           f"Class-aware macro F1 {f3(ev['classAware']['macroF1'])}; type accuracy of matched events "
           f"{f3(ev['typeAccuracy'])}; {ev['nRef']} reference / {ev['nEst']} detected events.", "",
           "| class | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    out += [prf_row(c, p) for c, p in ev["classAware"]["perClass"].items()]
    out += ["", "Record verdict, test patients:", "", "| | SE | SP | AS | HS | Score |", "|---|---|---|---|---|---|"]
    for key, label in (("records", f"shipped ({d['postprocess']['verdict']})"), ("recordsHead", "record head"),
                       ("recordsRules", "rules from events")):
        out.append(task_row(f"Task 2-1, {label}", t[key]["task21"]))
        out.append(task_row(f"Task 2-2, {label}", t[key]["task22"]))
    out += ["", "Task 2-2 confusion (shipped verdict):", "", confusion(t["records"]["task22"]["confusion"]), "",
            "Task 2-1 confusion (shipped verdict):", "", confusion(t["records"]["task21"]["confusion"]), ""]
    out += ["Val comparisons:", "", "| event types by | class-aware F1 | macro F1 | type acc. | head Task 2-2 | rules Task 2-2 | rules Task 2-1 |",
            "|---|---|---|---|---|---|---|"]
    for k, v in d["valEventTypeComparison"].items():
        s = v["summary"]
        out.append(f"| {k} | {f3(s['classAwareF1'])} | {f3(s['macroF1'])} | {f3(s['typeAccuracy'])} | "
                   f"{f3(s['headTask22'])} | {f3(s['rulesTask22'])} (PQ ≥ {s['rulesPoorQualityThreshold']}) | {f3(s['rulesTask21'])} |")
    for k in t:
        if k.startswith("events_"):
            e = t[k]
            out.append(f"\nTest, events typed by {k[7:]} (not shipped): class-aware F1 {f3(e['classAware']['f1'])}, "
                       f"macro {f3(e['classAware']['macroF1'])}, type accuracy {f3(e['typeAccuracy'])}.")
    out += ["", f"Post-processing (val): `{json.dumps(d['postprocess'])}`; val class-agnostic F1 {f3(d['valTuning']['agnosticF1'])}.",
            f"PyTorch CPU: {d['cpu']['msPer15s']} ms per 15 s recording ({d['cpu']['threads']} thread)."]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
