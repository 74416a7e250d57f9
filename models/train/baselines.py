"""The baselines the shipped model is compared with, on the same held-out data:
the majority label, and TF-IDF (words 1-2 and characters 2-5 of parent and reply) with
logistic regression, trained on the same training pairs as the model.

  python models/train/baselines.py --own datasets/graham-pairs.jsonl --out models/train/baselines.json
"""

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

import data
import metrics


def tfidf_predictions(wikitactics_path, own_path, sets):
    """Fit TF-IDF (reply words 1-2, reply characters 2-5, parent words) with balanced logistic
    regression on WikiTactics train + our train split; predict label indices for each set."""
    train = data.wikitactics(wikitactics_path, {"train"}) + data.own(own_path, {"train"})
    reply_words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=100_000)
    reply_chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, max_features=100_000)
    parent_words = TfidfVectorizer(ngram_range=(1, 1), min_df=2, sublinear_tf=True, max_features=30_000)

    def features(pairs, fit=False):
        replies, parents = [p.reply for p in pairs], [p.parent for p in pairs]
        parts = [(reply_words, replies), (reply_chars, replies), (parent_words, parents)]
        return hstack([(v.fit_transform(t) if fit else v.transform(t)) for v, t in parts]).tocsr()

    model = LogisticRegression(max_iter=3000, C=2.0, class_weight="balanced")
    model.fit(features(train, fit=True), [data.LABEL_INDEX[p.label] for p in train])
    return {name: model.predict(features(pairs)) for name, pairs in sets.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wikitactics", default="../shared/datasets/wikitactics/wikitactics.json")
    parser.add_argument("--own", default="datasets/graham-pairs.jsonl")
    parser.add_argument("--out", default="models/train/baselines.json")
    parser.add_argument("--split", default="test", choices=["val", "test"])
    args = parser.parse_args()

    sets = data.held_out(args.wikitactics, args.own, args.split)
    predictions = tfidf_predictions(args.wikitactics, args.own, sets)
    results = {}
    for name, pairs in sets.items():
        gold = [data.LABEL_INDEX[p.label] for p in pairs]
        results[name] = {"majority": metrics.majority_baseline(gold), "tfidf_logreg": metrics.report(gold, predictions[name])}
        r = results[name]
        print(f"{name} ({args.split}, n={len(pairs)}): majority acc {r['majority']['accuracy']:.3f} "
              f"macro-F1 {r['majority']['macro_f1']:.3f} | tf-idf acc {r['tfidf_logreg']['accuracy']:.3f} "
              f"macro-F1 {r['tfidf_logreg']['macro_f1']:.3f} coarse {r['tfidf_logreg']['coarse_accuracy']:.3f}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
