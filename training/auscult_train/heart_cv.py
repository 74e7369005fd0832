"""Patient-grouped cross-validation of a heart-classifier recipe over PASCAL and CirCor together.

    python3 -m training.auscult_train.heart_cv --epochs 20 --seed 1 --out training/runs/heartcv [--only 0,1]
    python3 -m training.auscult_train.heart_cv --protocol all --epochs 20 --seed 1 --out training/runs/heartall
    python3 -m training.auscult_train.heart_cv --report training/runs/heartcv [--json rep.json]

Protocols (every recording of a held-out unit is scored by a model that never saw that unit):

* ``kfold`` (default): every labelled unit of heart_corpus (PASCAL B patients, PASCAL A sessions,
  CirCor patients) in ``--folds`` folds, stratified by source and class (heart_corpus.make_folds,
  seed FOLD_SEED).
* ``hold-source``: one device never seen: train on the other sources, score every unit of
  ``--source`` (e.g. C: a model from PASCAL alone, heard through CirCor's stethoscope).
* ``all``: nothing held out; the recipe trained on every labelled recording for its fixed epoch
  count: the model that ships (<out>/all/model.pt). Its figures are the k-fold CV's.

No inner validation split: the epoch count is part of the recipe. Held-out recordings are scored
(inference policy: mean of the 3 s / 1 s-hop windows, heart_data) every ``--eval-every`` epochs and
after the last; resumable from <out>/<name>/last.pt like cv.py (one process, both cores).

The report (``--report``): PASCAL four-class balanced accuracy and per-source recall; CirCor murmur
AUC per recording (audible-murmur recordings vs murmur-absent patients' recordings), per patient (one
recording each: the most audible location vs the absent patient's recording) and per patient over all
its recordings (max P(murmur); a Present patient has up to 6 recordings, an Absent one 1 here, so
this one favours Present patients); AUC of 1 - P(normal) per CirCor recording (the figure the
external PhysioNet check computes). Per fold mean ± sd and pooled out-of-fold.
"""
import argparse
import json
import os
import sys
import time
from collections import Counter

import numpy as np
import torch

from . import heart_corpus as hc
from . import heart_data as hd
from .cv import load_average, load_resume_point, mean_sd, save_resume_point
from .features import HEART_FEATURES
from .heart_train import (NUM_CLASSES, WindowSampler, build_optimiser, predict_records, record_inputs, scores,
                          train_epoch)
from .models import Classifier, count_params
from .train import git_commit

FOLD_SEED = 2022
MURMUR, NORMAL = hd.CLASS_INDEX["murmur"], hd.CLASS_INDEX["normal"]
SCORED_FOLDERS = (hc.INAUDIBLE, "extrastole")   # unlabelled recordings of a held-out unit that are scored too


def held_out_sets(corpus, args):
    """[(name, set of held-out units)]."""
    if args.protocol == "all":
        return [("all", set())]
    if args.protocol == "hold-source":
        return [(f"without-{args.source}", {it["unit"] for it in corpus.items if it["source"] == args.source})]
    return [(f"fold{i}", set(us)) for i, us in enumerate(hc.make_folds(corpus, args.folds, FOLD_SEED))]


def eval_epochs(args):
    return sorted({e for e in range(args.eval_every, args.epochs + 1, args.eval_every)} | {args.epochs}) \
        if args.eval_every else [args.epochs]


def build_model(args):
    return Classifier(HEART_FEATURES, args.arch, args.width, NUM_CLASSES, fmin=args.fmin, fmax=args.fmax)


def train_held_out(corpus, name, held, args, out, stop_after=0, meta=None):
    """Trains on every labelled recording outside ``held`` units, scores the held-out recordings.

    Writes <out>/<name>/records.json (the scored recordings: base, source, unit, folder, label),
    probs.npy [len(eval_epochs), R, 4], model.pt and done.json; resumes from last.pt."""
    fold_dir = os.path.join(out, name)
    os.makedirs(fold_dir, exist_ok=True)
    if os.path.exists(os.path.join(fold_dir, "done.json")):
        print(f"{name}: done, skipped", flush=True)
        return
    train = [(b, c) for b, c in corpus.labelled() if corpus.by_base[b]["unit"] not in held]
    if args.max_recordings:
        train = train[::max(1, len(train) // args.max_recordings)][:args.max_recordings]
    scored = [it for it in corpus.items if it["unit"] in held and (it["label"] is not None or it["folder"] in SCORED_FOLDERS)]
    records = [{k: it[k] for k in ("base", "source", "unit", "folder", "label")} for it in scored]
    for r, it in zip(records, scored):
        if it["source"] == "C":
            r["mostAudible"] = it["mostAudible"]
    with open(os.path.join(fold_dir, "records.json"), "w") as f:
        json.dump(records, f)

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    groups = [corpus.by_base[b]["source"] for b, _ in train] if args.balance == "source-class" else None
    sampler = WindowSampler([corpus.recording(b) for b, _ in train], [c for _, c in train], rng,
                            balance_power=args.balance_power, groups=groups, conditions=args.conditions,
                            allowed=corpus.allowed(train, args.circor_absent))
    model = build_model(args)
    if args.init_from:
        init = args.init_from if os.path.isfile(args.init_from) else os.path.join(args.init_from, name, "model.pt")
        model.load_state_dict(torch.load(init, map_location="cpu")["state_dict"])
    opt, sched, steps_per_epoch, total = build_optimiser(model, args)
    evals = eval_epochs(args)
    probs = np.zeros((len(evals), len(records), NUM_CLASSES), dtype=np.float32)
    start, step = 1, 0
    last = os.path.join(fold_dir, "last.pt")
    ck = load_resume_point(last, model, opt, sched, rng, name)
    if ck:
        probs, start, step = ck["probs"], ck["epoch"] + 1, ck["step"]
    inputs = record_inputs(corpus, [r["base"] for r in records]) if records else None
    log = open(os.path.join(fold_dir, "log.jsonl"), "a")
    for epoch in range(start, args.epochs + 1):
        t0 = time.time()
        losses, step = train_epoch(model, opt, sched, sampler, rng, args.windows_per_epoch, args.batch_size,
                                   steps_per_epoch, step, total)
        t_train = time.time() - t0
        row = {"epoch": epoch, "loss": float(np.mean(losses)), "trainSec": round(t_train, 1),
               "threads": torch.get_num_threads(), "loadAvg1m": load_average()}
        if epoch in evals and records:
            model.eval()
            probs[evals.index(epoch)] = predict_records(model, inputs, len(records))
            row.update(headline(records, probs[evals.index(epoch)]))
            row["evalSec"] = round(time.time() - t0 - t_train, 1)
        log.write(json.dumps(row) + "\n")
        log.flush()
        print(f"{name} epoch {epoch:2d} " + " ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                                     for k, v in row.items() if k != "epoch"), flush=True)
        save_resume_point(last, model, opt, sched, rng, epoch, step, probs=probs)
        if stop_after and epoch >= stop_after:
            log.close()
            return
    log.close()
    np.save(os.path.join(fold_dir, "probs.npy"), probs)
    torch.save({"config": model.config, "state_dict": model.state_dict(), "epoch": args.epochs, **(meta or {})},
               os.path.join(fold_dir, "model.pt"))
    with open(os.path.join(fold_dir, "done.json"), "w") as f:
        json.dump({"heldOutUnits": len(held), "scoredRecordings": len(records), "evalEpochs": evals,
                   "trainRecordings": {f"{s}/{hd.CLASSES[c]}": n for (s, c), n in sorted(Counter(
                       (corpus.by_base[b]["source"], c) for b, c in train).items())}}, f)
    os.remove(last)


# ------------------------------------------------------------------------------------------ scores

def auc(pos, neg):
    """Area under the ROC curve: P(a positive scores above a negative), ties count one half."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    i = 0
    while i < len(allv):   # average ranks over ties
        j = i
        while j + 1 < len(allv) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def circor_scores(records, probs):
    """CirCor murmur AUCs and murmur/normal recall at argmax (see the module docstring)."""
    idx = [i for i, r in enumerate(records) if r["source"] == "C"]
    if not idx:
        return {}
    rec = [records[i] for i in idx]
    p = probs[idx]
    pm, pn = p[:, MURMUR], 1 - p[:, NORMAL]
    mur = np.array([r["label"] == MURMUR for r in rec])
    nor = np.array([r["label"] == NORMAL for r in rec])
    most = np.array([r["label"] == MURMUR and r.get("mostAudible") for r in rec])
    pred = p.argmax(1)
    by_patient = {}
    for r, v in zip(rec, pm):
        by_patient.setdefault(r["unit"], []).append((v, r["label"] == NORMAL))
    pos_max = [max(v for v, _ in vs) for vs in by_patient.values() if not vs[0][1]]
    neg_max = [max(v for v, _ in vs) for vs in by_patient.values() if vs[0][1]]
    return {"recordingAuc": auc(pm[mur], pm[nor]), "patientAucMostAudible": auc(pm[most], pm[nor]),
            "patientAucMax": auc(pos_max, neg_max), "abnormalAuc": auc(pn[mur], pn[nor]),
            "murmurRecall": float((pred[mur] == MURMUR).mean()) if mur.any() else float("nan"),
            "normalRecall": float((pred[nor] == NORMAL).mean()) if nor.any() else float("nan"),
            "inaudibleCalledMurmur": float((pred[~mur & ~nor] == MURMUR).mean()) if (~mur & ~nor).any() else float("nan"),
            "n": {"murmur": int(mur.sum()), "normal": int(nor.sum()), "inaudible": int((~mur & ~nor).sum()),
                  "patients": len(by_patient)}}


def pascal_scores(records, probs):
    """Four-class scores over PASCAL's labelled recordings, and per source (A, B)."""
    idx = [i for i, r in enumerate(records) if r["source"] in "AB" and r["label"] is not None]
    if not idx:
        return {}
    y = np.array([records[i]["label"] for i in idx])
    p = probs[idx]
    src = np.array([records[i]["source"] for i in idx])
    out = scores(y, p)
    out["perSource"] = {s: scores(y[src == s], p[src == s]) for s in "AB" if (src == s).any()}
    xs = [i for i, r in enumerate(records) if r["folder"] == "extrastole"]
    if xs:
        out["extrastolePredicted"] = dict(Counter(hd.CLASSES[k] for k in probs[xs].argmax(1)))
    return out


def headline(records, probs):
    """The figures the targets name, for logs and the per-fold table."""
    ps, cs = pascal_scores(records, probs), circor_scores(records, probs)
    row = {}
    if ps:
        row["pascalBA"] = ps["balancedAccuracy"]
        for s, sc in ps["perSource"].items():
            if sc["recall"]["murmur"] is not None:
                row[f"murmurRecall{s}"] = sc["recall"]["murmur"]
    if cs:
        row.update({"murmurRecallC": cs["murmurRecall"], "normalRecallC": cs["normalRecall"],
                    "circorRecordingAuc": cs["recordingAuc"], "circorPatientAuc": cs["patientAucMostAudible"],
                    "circorPatientAucMax": cs["patientAucMax"], "circorAbnormalAuc": cs["abnormalAuc"]})
    return row


# ------------------------------------------------------------------------------------------ report

HEADLINE_KEYS = ("pascalBA", "murmurRecallA", "murmurRecallB", "murmurRecallC", "normalRecallC",
                 "circorRecordingAuc", "circorPatientAuc", "circorPatientAucMax", "circorAbnormalAuc")


def load_run(run_dir, epoch=None):
    with open(os.path.join(run_dir, "cv.json")) as f:
        meta = json.load(f)
    out = {}
    for name in meta["heldOut"]:
        d = os.path.join(run_dir, name)
        if not os.path.exists(os.path.join(d, "done.json")):
            continue
        with open(os.path.join(d, "records.json")) as f:
            records = json.load(f)
        with open(os.path.join(d, "done.json")) as f:
            evals = json.load(f)["evalEpochs"]
        out[name] = (records, np.load(os.path.join(d, "probs.npy"))[evals.index(epoch or evals[-1])])
    return meta, out


def member_predictions(spec, epoch=None):
    """(metas, {base: probs [4]}) of one ensemble member: a run folder, or several joined by "+" whose
    held-out recordings together cover the corpus (e.g. a PASCAL k-fold run + a hold-source C run of
    the same recipe)."""
    metas, preds = [], {}
    for d in spec.split("+"):
        meta, folds = load_run(d, epoch)
        metas.append(meta)
        for records, probs in folds.values():
            preds.update({r["base"]: p for r, p in zip(records, probs)})
    return metas, preds


def report(run_dirs, epoch=None):
    """Per-fold headline figures, their mean ± sd, and the pooled out-of-fold scores. Several members
    (``run_dirs``): their ensemble, the mean of the members' probabilities for every recording of the
    first member's first run folder, which sets the held-out sets."""
    _, first = load_run(run_dirs[0].split("+")[0], epoch)
    members = [member_predictions(spec, epoch) for spec in run_dirs]
    for spec, (_, preds) in zip(run_dirs, members):
        missing = [r["base"] for records, _ in first.values() for r in records if r["base"] not in preds]
        if missing:
            raise ValueError(f"{spec} has no out-of-fold prediction for {len(missing)} recordings, e.g. {missing[0]}")
    metas = [m for ms, _ in members for m in ms]
    names = sorted(first)
    folds = {n: (first[n][0], np.mean([[preds[r["base"]] for r in first[n][0]] for _, preds in members], 0)
                 .astype(np.float32)) for n in names}
    per_fold = {n: headline(*folds[n]) for n in names}
    records = [r for n in names for r in folds[n][0]]
    probs = np.concatenate([folds[n][1] for n in names]) if names else np.zeros((0, NUM_CLASSES))
    return {"runs": metas, "epoch": epoch or "last", "heldOut": names, "perFold": per_fold,
            "meanSd": {k: mean_sd([r[k] for r in per_fold.values() if k in r]) for k in HEADLINE_KEYS},
            "pooled": {**headline(records, probs), "pascal": pascal_scores(records, probs),
                       "circor": circor_scores(records, probs)}}


def markdown(rep, title):
    cols = [k for k in HEADLINE_KEYS if not np.isnan(rep["meanSd"][k][0])]
    lines = [f"### {title} (epoch {rep['epoch']}, {len(rep['heldOut'])} held-out sets)", "",
             "| | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for n, row in rep["perFold"].items():
        lines.append(f"| {n} | " + " | ".join(f"{row[k]:.3f}" if k in row else "–" for k in cols) + " |")
    lines.append("| **mean ± sd** | " + " | ".join(f"{rep['meanSd'][k][0]:.3f} ± {rep['meanSd'][k][1]:.3f}" for k in cols) + " |")
    lines.append("| pooled | " + " | ".join(f"{rep['pooled'][k]:.3f}" if k in rep["pooled"] else "–" for k in cols) + " |")
    pas = rep["pooled"].get("pascal")
    if pas:
        lines += ["", "Pooled PASCAL recall (argmax): " + ", ".join(
            f"{s}: " + " ".join(f"{c} {v:.2f} (n={int(sum(sc['confusion']['rowsTrue_colsPred'][i]))})"
                                for i, (c, v) in enumerate(sc["recall"].items()) if v is not None)
            for s, sc in pas["perSource"].items())]
        if "extrastolePredicted" in pas:
            lines.append(f"Extrastole recordings (not a class) called: {pas['extrastolePredicted']}")
    cc = rep["pooled"].get("circor")
    if cc:
        lines.append(f"CirCor scored: {cc['n']}; murmur-inaudible recordings called murmur: "
                     f"{cc['inaudibleCalledMurmur']:.2f}")
    return "\n".join(lines)


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", nargs="+", help="run folders to report (several: their ensemble; dirA+dirB: one "
                                                 "member whose held-out recordings are split over two runs)")
    ap.add_argument("--epoch", type=int, default=0, help="report the predictions after this (evaluated) epoch")
    ap.add_argument("--json", help="with --report: also write the report here")
    ap.add_argument("--protocol", default="kfold", choices=["kfold", "hold-source", "all"])
    ap.add_argument("--source", default="C", choices=sorted(hc.SOURCES), help="hold-source: the source held out")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated fold indices to run now")
    ap.add_argument("--arch", default="resnet18", choices=["resnet18", "vgg16"])
    ap.add_argument("--width", type=float, default=0.25)
    ap.add_argument("--fmin", type=float, default=HEART_FEATURES.fmin)
    ap.add_argument("--fmax", type=float, default=HEART_FEATURES.fmax)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--eval-every", type=int, default=5)
    ap.add_argument("--windows-per-epoch", type=int, default=2560)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--balance", default="source-class", choices=["class", "source-class"],
                    help="source-class: each class's draws shared equally among the sources that have it")
    ap.add_argument("--balance-power", type=float, default=1.0,
                    help="class c gets a share count(c)^(1 - p) of the draws: 1 every class alike, 0 as they come")
    ap.add_argument("--conditions", type=float, default=0.5, help="device-response augmentation probability (augment.HEART)")
    ap.add_argument("--circor-absent", default="normal", choices=["normal", "not-murmur"],
                    help="target of a murmur-Absent CirCor recording: normal, or any of heart_corpus.NOT_MURMUR "
                         "(extra sounds were not assessed)")
    ap.add_argument("--init-from", help="fine-tune: a checkpoint, or a run folder whose <held-out set>/model.pt "
                                        "(trained without the same units) starts each held-out set")
    ap.add_argument("--sources", default="ABC", help="which sources the corpus holds (tests: fewer)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pascal", default=hd.DEFAULT_DATA)
    ap.add_argument("--circor", default=hc.CIRCOR_DEFAULT)
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-recordings", type=int, default=0, help="smoke tests: train on N recordings")
    ap.add_argument("--max-batches", type=int, default=0, help="smoke tests: at most N batches an epoch")
    return ap


def main(argv=None):
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.report:
        rep = report(args.report, args.epoch or None)
        print(markdown(rep, " & ".join("+".join(os.path.basename(os.path.normpath(d)) for d in spec.split("+"))
                                       for spec in args.report)))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(rep, f, indent=1)
        return rep
    if not args.out:
        ap.error("--out is required to run a CV")
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    corpus = hc.HeartCorpus(args.pascal, args.circor, sources=tuple(args.sources))
    sets = held_out_sets(corpus, args)
    command = "python3 -m training.auscult_train.heart_cv " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "commit": git_commit(), "protocol": args.protocol, "foldSeed": FOLD_SEED,
            "epochs": args.epochs, "heldOut": [n for n, _ in sets], "args": vars(args),
            "corpus": corpus.summary(), "params": count_params(build_model(args))}
    with open(os.path.join(args.out, "cv.json"), "w") as f:
        json.dump(meta, f, indent=1)
    only = {int(i) for i in args.only.split(",") if i != ""}
    t0 = time.time()
    for i, (name, held) in enumerate(sets):
        if only and i not in only:
            continue
        train_held_out(corpus, name, held, args, args.out,
                       meta={"command": command, "commit": meta["commit"], "seed": args.seed, "protocol": args.protocol})
    print(f"wall time {(time.time() - t0) / 60:.1f} min, threads {args.threads}", flush=True)
    if args.protocol == "all":
        return None
    rep = report([args.out])
    print(markdown(rep, os.path.basename(os.path.normpath(args.out))))
    return rep


if __name__ == "__main__":
    main()
