"""Labelled (parent, reply) pairs for training and evaluation: WikiTactics and our own data.

The mapping of WikiTactics to Graham's levels is the same as graham's Rust loader
(src/eval/datasets.rs) and docs/labels.md: its numbering is shifted against Graham's.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

LABELS = ["DH0", "DH1", "DH2", "DH3", "DH4", "DH5", "DH6", "ND"]
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}
# WikiTactics code -> Graham label. DH-1 (bailing out) and DH2 (derailing) have no level.
WIKITACTICS_TO_GRAHAM = {
    "DH0": "DH0", "DH1": "DH1", "DH3": "DH2", "DH4": "DH3",
    "DH5": "DH4", "DH6": "DH5", "DH7": "DH6",
}
WIKITACTICS_CODE = re.compile(r"\s*(DH-?\d)")


@dataclass
class Pair:
    id: str
    parent: str
    reply: str
    label: str
    attack: bool
    lang: str
    source: str
    split: str


def wikitactics(path, splits):
    """Every utterance of the chosen splits, its predecessor as parent ("" for the first).

    Label: the highest Graham level among its rebuttal labels, else ND. attack: it carries a
    name-calling or ad hominem label, whatever its highest level.
    """
    conversations = json.loads(Path(path).read_text(encoding="utf-8"))
    pairs = []
    for conversation in conversations:
        if conversation["split"] not in splits:
            continue
        previous = ""
        for i, utterance in enumerate(conversation["utterances"]):
            codes = {m.group(1) for m in map(WIKITACTICS_CODE.match, utterance["rebuttal_labels"]) if m}
            levels = [WIKITACTICS_TO_GRAHAM[c] for c in codes if c in WIKITACTICS_TO_GRAHAM]
            pairs.append(Pair(
                id=f"{conversation['conv_id']}/{i}",
                parent=previous,
                reply=utterance["text"],
                label=max(levels, key=LABEL_INDEX.get) if levels else "ND",
                attack=bool(codes & {"DH0", "DH1"}),
                lang="en",
                source="wikitactics",
                split=conversation["split"],
            ))
            previous = utterance["text"]
    return pairs


def own(path, splits, langs=("en", "nl")):
    """Our written data (datasets/graham-pairs.jsonl): only the settled items of the splits asked."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["split"] in splits and item["lang"] in langs:
            pairs.append(Pair(item["id"], item["parent"], item["reply"], item["label"],
                              bool(item["attack"]), item["lang"], "graham", item["split"]))
    return pairs


def held_out(wikitactics_path, own_path, split):
    """The sets the model card reports, all of one split: WikiTactics, our English, our Dutch."""
    sets = {"wikitactics": wikitactics(wikitactics_path, {split})}
    for lang in ("en", "nl"):
        sets[f"own-{lang}"] = own(own_path, {split}, (lang,))
    return sets
