"""Measure a model directory (model.onnx + tokenizer.json, as shipped) on held-out data, side by
side with the majority label and TF-IDF + logistic regression baselines:

  python models/train/evaluate.py --model models --out models/train/evaluation.json

WikiTactics test (8 labels) and our held-out English and Dutch test splits: accuracy,
macro-F1, per-label F1, confusion, and the coarse bands moderators use. --exclude-ids drops
items a model may have seen in training (a file of ids, one per line).
"""

import argparse
import json
from pathlib import Path

import numpy as np

import data
import metrics
from baselines import tfidf_predictions
from train import PairEncoder, onnx_predict


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models")
    parser.add_argument("--wikitactics", default="../shared/datasets/wikitactics/wikitactics.json")
    parser.add_argument("--own", default="datasets/graham-pairs.jsonl")
    parser.add_argument("--split", default="test", choices=["val", "test"])
    parser.add_argument("--exclude-ids", help="ids of our data the model trained on, to leave out")
    parser.add_argument("--out", default="models/train/evaluation.json")
    args = parser.parse_args()

    excluded = set(Path(args.exclude_ids).read_text().split()) if args.exclude_ids else set()
    sets = data.held_out(args.wikitactics, args.own, args.split)
    for name in ("own-en", "own-nl"):
        sets[name] = [p for p in sets[name] if p.id not in excluded]
    baseline = tfidf_predictions(args.wikitactics, args.own, sets)

    encoder = PairEncoder(Path(args.model) / "tokenizer.json")
    pad_id = encoder.tokenizer.token_to_id("<pad>")
    results = {"excluded_ids": len(excluded)}
    for name, pairs in sets.items():
        ids = [encoder.encode(p.parent, p.reply) for p in pairs]
        level, attack = onnx_predict(Path(args.model) / "model.onnx", ids, pad_id)
        gold = [data.LABEL_INDEX[p.label] for p in pairs]
        model = metrics.report(gold, level.argmax(1))
        model["attack_f1"] = metrics.binary_f1([p.attack for p in pairs], attack > 0)
        results[name] = {"n": len(pairs), "model": model, "majority": metrics.majority_baseline(gold),
                         "tfidf_logreg": metrics.report(gold, baseline[name])}
        r = results[name]
        print(f"{name} ({args.split}, n={len(pairs)})")
        for who in ("majority", "tfidf_logreg", "model"):
            print(f"  {who:13s} acc {r[who]['accuracy']:.3f}  macro-F1 {r[who]['macro_f1']:.3f}  coarse {r[who]['coarse_accuracy']:.3f}")
        print("  model per-label F1: " + " ".join(f"{l} {model['per_label'][l]['f1']:.2f}" for l in data.LABELS)
              + f"  attack F1 {model['attack_f1']:.2f}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
