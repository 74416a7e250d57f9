"""Accuracy, macro-F1, per-label F1, confusion and the coarse bands, as graham eval reports them."""

import numpy as np

import data

# hostile (DH0-DH2) / contradiction (DH3) / argued (DH4-DH6) / not a disagreement
BAND = [0, 0, 0, 1, 2, 2, 2, 3]


def report(gold, predicted):
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    n = len(data.LABELS)
    confusion = np.zeros((n, n), dtype=int)
    for g, p in zip(gold, predicted):
        confusion[g, p] += 1
    per_label = {}
    for i, label in enumerate(data.LABELS):
        tp = confusion[i, i]
        precision = tp / confusion[:, i].sum() if confusion[:, i].sum() else 0.0
        recall = tp / confusion[i].sum() if confusion[i].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "support": int(confusion[i].sum())}
    present = [l for i, l in enumerate(data.LABELS) if confusion[i].sum() or confusion[:, i].sum()]
    band = np.array(BAND)
    return {
        "n": int(len(gold)),
        "accuracy": float((gold == predicted).mean()),
        # Macro-F1 over the labels present in gold or predictions (scikit-learn's default).
        "macro_f1": float(np.mean([per_label[l]["f1"] for l in present])),
        "coarse_accuracy": float((band[gold] == band[predicted]).mean()),
        "per_label": per_label,
        "confusion": confusion.tolist(),
    }


def majority_baseline(gold):
    gold = np.asarray(gold)
    majority = np.bincount(gold).argmax()
    return report(gold, np.full_like(gold, majority)) | {"label": data.LABELS[majority]}


def binary_f1(gold, predicted):
    gold, predicted = np.asarray(gold, bool), np.asarray(predicted, bool)
    tp = (gold & predicted).sum()
    if tp == 0:
        return 0.0
    precision, recall = tp / predicted.sum(), tp / gold.sum()
    return float(2 * precision * recall / (precision + recall))
