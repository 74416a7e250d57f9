"""Assemble datasets/graham-pairs.jsonl from the written items and the independent checks.

Inputs (datasets/raw/, kept out of git: the merged file keeps every id and decision):
  *.jsonl           first pass: the writer's item with its label and attack flag
  second/*.jsonl    second pass, blind: {"id", "label", "attack"} by a labeller who saw only
                    docs/labels.md and the (parent, reply) pair
  settle/*.jsonl    third look at the items the two passes disagree on: {"id", "label",
                    "attack"} chosen by the guide with both earlier labels shown, or
                    {"id", "drop": true} when neither fits
Outputs:
  datasets/graham-pairs.jsonl   settled items with split, agreement and pass labels
  datasets/stats.json           counts, agreement (Cohen's kappa) and leak/shortcut checks

Splits are assigned per parent text, so replies to one parent never straddle splits, by a
hash of that text: 70% train, 10% val, 20% test. Run from the repository root with the
training venv: python datasets/tools/assemble.py
"""

import argparse
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

LABELS = ["DH0", "DH1", "DH2", "DH3", "DH4", "DH5", "DH6", "ND"]


def read_jsonl(paths):
    items = []
    for path in sorted(paths):
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise SystemExit(f"{path}:{number}: {error}")
    return items


def second_pass(raw):
    """Second-pass labels keyed by id, each kept only if the labeller saw the item's current
    text: second/X.jsonl labels the pairs of blind/X.jsonl, redo/X.jsonl those of
    blind/X-redo.jsonl (items revised after their blind file was made), and redo wins."""
    labels = {}
    for folder, suffix in (("second", ""), ("redo", "-redo")):
        for path in sorted(raw.glob(f"{folder}/*.jsonl")):
            seen = {i["id"]: (i["parent"], i["reply"]) for i in read_jsonl([raw / "blind" / f"{path.stem}{suffix}.jsonl"])}
            for item in read_jsonl([path]):
                labels[item["id"]] = dict(item, seen=seen[item["id"]])
    return labels


def normalise(text):
    return re.sub(r"\s+", " ", text.strip().lower())


def split_of(group_key):
    bucket = int(hashlib.sha256(group_key.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "val" if bucket < 80 else "test"


def kappa(a, b, labels):
    a, b = np.asarray(a), np.asarray(b)
    observed = (a == b).mean()
    expected = sum((a == l).mean() * (b == l).mean() for l in labels)
    return float((observed - expected) / (1 - expected)) if expected < 1 else 1.0


def agreement(first, second):
    """Cohen's kappa overall and one-vs-rest per label, plus raw agreement."""
    result = {"n": len(first), "raw_agreement": float(np.mean(np.asarray(first) == np.asarray(second))),
              "kappa": kappa(first, second, LABELS), "per_label_kappa": {}}
    for label in LABELS:
        result["per_label_kappa"][label] = kappa([x == label for x in first], [x == label for x in second], [True, False])
    return result


def similar_pairs(items, threshold):
    """Index pairs (i, j) whose (parent + reply) are near-identical: cosine of character
    4-gram TF-IDF vectors at or above `threshold`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [normalise(i["parent"] + " || " + i["reply"]) for i in items]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=1).fit_transform(texts)
    similarity = (vectors @ vectors.T).tocoo()
    return [(int(r), int(c), float(v)) for r, c, v in zip(similarity.row, similarity.col, similarity.data)
            if r < c and v >= threshold]


def assign_splits(items, threshold):
    """Splits per group: replies to one parent form a group, and near-identical pairs join
    their groups, so no near-duplicate can sit on both sides of a split."""
    group = {}

    def find(key):
        while group.setdefault(key, key) != key:
            group[key] = group[group[key]]
            key = group[key]
        return key

    for i, j, _ in similar_pairs(items, threshold):
        a, b = find(normalise(items[i]["parent"])), find(normalise(items[j]["parent"]))
        if a != b:
            group[max(a, b)] = min(a, b)
    for item in items:
        item["split"] = split_of(find(normalise(item["parent"])))


def near_duplicates(items, threshold):
    """Near-identical pairs that ended up in different splits (should be none)."""
    return [(items[i]["id"], items[j]["id"], round(v, 3)) for i, j, v in similar_pairs(items, threshold)
            if items[i]["split"] != items[j]["split"]]


def shortcut_baselines(items):
    """How far a model gets without reading the pair properly: reply-only bag of words, and
    reply length alone. Trained on train, measured on test, per language."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    result = {}
    for lang in ("en", "nl"):
        train = [i for i in items if i["lang"] == lang and i["split"] == "train"]
        test = [i for i in items if i["lang"] == lang and i["split"] == "test"]
        if not train or not test:
            continue
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x_train = vectorizer.fit_transform([i["reply"] for i in train])
        model = LogisticRegression(max_iter=2000, C=4.0).fit(x_train, [i["label"] for i in train])
        predicted = model.predict(vectorizer.transform([i["reply"] for i in test]))
        gold = [i["label"] for i in test]
        lengths = lambda xs: np.log1p([[len(i["reply"].split())] for i in xs])
        by_length = LogisticRegression(max_iter=2000).fit(lengths(train), [i["label"] for i in train]).predict(lengths(test))
        result[lang] = {
            "test_n": len(test),
            "reply_bag_of_words": {"accuracy": accuracy_score(gold, predicted), "macro_f1": f1_score(gold, predicted, average="macro")},
            "reply_length_only": {"accuracy": accuracy_score(gold, by_length), "macro_f1": f1_score(gold, by_length, average="macro")},
            "majority": max(Counter(gold).values()) / len(gold),
        }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", default="datasets/raw")
    parser.add_argument("--out", default="datasets/graham-pairs.jsonl")
    parser.add_argument("--stats", default="datasets/stats.json")
    parser.add_argument("--near-duplicate", type=float, default=0.9)
    args = parser.parse_args()
    raw = Path(args.raw)

    first = read_jsonl(raw.glob("*.jsonl"))
    second = second_pass(raw)
    settled = {i["id"]: i for i in read_jsonl(raw.glob("settle/*.jsonl"))}

    problems, stats = [], {}
    seen_ids, seen_pairs = set(), set()
    items = []
    for item in first:
        key = (normalise(item["parent"]), normalise(item["reply"]))
        if item["id"] in seen_ids or key in seen_pairs:
            problems.append(f"{item['id']}: duplicate id or pair, dropped")
            continue
        if item["label"] not in LABELS or not item["reply"].strip():
            problems.append(f"{item['id']}: bad label or empty reply, dropped")
            continue
        seen_ids.add(item["id"])
        seen_pairs.add(key)
        items.append(item)

    checked = [i for i in items if i["id"] in second and second[i["id"]]["seen"] == (i["parent"], i["reply"])]
    stats["second_pass_stale"] = sum(1 for i in items if i["id"] in second) - len(checked)
    passes = {"first": [i["label"] for i in checked], "second": [second[i["id"]]["label"] for i in checked]}
    stats.update({"written": len(first), "kept_after_format_checks": len(items), "second_pass": len(checked)})
    for lang in ("en", "nl", "all"):
        chosen = [i for i in checked if lang in ("all", i["lang"])]
        if chosen:
            stats[f"agreement_{lang}"] = agreement([i["label"] for i in chosen], [second[i["id"]]["label"] for i in chosen])
            stats[f"attack_kappa_{lang}"] = kappa([bool(i["attack"]) for i in chosen],
                                                  [bool(second[i["id"]]["attack"]) for i in chosen], [True, False])

    output, decisions = [], Counter()
    for item in checked:
        other = second[item["id"]]
        if other["label"] == item["label"]:
            decision = "agreed"
            label = item["label"]
            # Attack flags that differ are settled like labels when a settle record exists.
            attack = bool(item["attack"]) if bool(item["attack"]) == bool(other["attack"]) else None
        else:
            decision, label, attack = "disputed", None, None
        if label is None or attack is None:
            verdict = settled.get(item["id"])
            if verdict is None or verdict.get("drop"):
                decisions["dropped" if verdict else "unsettled_dropped"] += 1
                continue
            decision = "settled" if label is None else "agreed_label_settled_attack"
            label, attack = verdict["label"], bool(verdict["attack"])
            if label not in LABELS:
                problems.append(f"{item['id']}: settle label {label!r} unknown, dropped")
                continue
        decisions[decision] += 1
        output.append({
            "id": item["id"], "lang": item["lang"], "register": item.get("register"), "topic": item.get("topic"),
            "parent": item["parent"], "reply": item["reply"], "label": label, "attack": attack,
            "agreement": decision,
            "first_label": item["label"], "second_label": other["label"],
        })

    assign_splits(output, args.near_duplicate)
    output = [{k: o[k] for k in ("id", "lang", "register", "topic", "parent", "reply", "label", "attack", "split",
                                 "agreement", "first_label", "second_label")} for o in output]
    stats["decisions"] = dict(decisions)
    stats["counts"] = {lang: {split: dict(sorted(Counter(o["label"] for o in output if o["lang"] == lang and o["split"] == split).items()))
                              for split in ("train", "val", "test")}
                       for lang in ("en", "nl")}
    for lang in ("en", "nl"):
        stats["counts"][lang]["all"] = dict(sorted(Counter(o["label"] for o in output if o["lang"] == lang).items()))
        stats["counts"][lang]["attack"] = sum(o["attack"] for o in output if o["lang"] == lang)
        stats["counts"][lang]["total"] = sum(1 for o in output if o["lang"] == lang)
    stats["median_reply_words"] = {lang: {l: float(np.median([len(o["reply"].split()) for o in output if o["lang"] == lang and o["label"] == l] or [0]))
                                          for l in LABELS} for lang in ("en", "nl")}
    stats["near_duplicates_across_splits"] = near_duplicates(output, args.near_duplicate)
    stats["shortcut_baselines"] = shortcut_baselines(output)
    stats["problems"] = problems

    Path(args.out).write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in output), encoding="utf-8")
    Path(args.stats).write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: stats[k] for k in ("written", "second_pass", "decisions", "counts")}, indent=1))
    print("near duplicates across splits:", len(stats["near_duplicates_across_splits"]))
    print("shortcut baselines:", json.dumps(stats["shortcut_baselines"], indent=1))


if __name__ == "__main__":
    main()
