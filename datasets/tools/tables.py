"""Markdown tables for datasets/README.md from datasets/stats.json, so the datasheet's numbers
are the assembly's own: python datasets/tools/tables.py"""

import json
from pathlib import Path

LABELS = ["DH0", "DH1", "DH2", "DH3", "DH4", "DH5", "DH6", "ND"]
stats = json.loads(Path("datasets/stats.json").read_text())

print("| lang | split | " + " | ".join(LABELS) + " | total |")
print("|---" * (len(LABELS) + 3) + "|")
for lang in ("en", "nl"):
    for split in ("train", "val", "test", "all"):
        row = stats["counts"][lang][split]
        print(f"| {lang} | {split} | " + " | ".join(str(row.get(l, 0)) for l in LABELS) + f" | {sum(row.values())} |")
print()
print("| | " + " | ".join(LABELS) + " | overall | raw agreement | attack kappa | n |")
print("|---" * (len(LABELS) + 5) + "|")
for lang in ("en", "nl", "all"):
    a = stats[f"agreement_{lang}"]
    print(f"| {lang} | " + " | ".join(f"{a['per_label_kappa'][l]:.3f}" for l in LABELS)
          + f" | {a['kappa']:.3f} | {a['raw_agreement']:.3f} | {stats[f'attack_kappa_{lang}']:.3f} | {a['n']} |")
print()
print("decisions:", stats["decisions"], "| written:", stats["written"], "| stale second-pass labels ignored:", stats["second_pass_stale"])
print("median reply words:", json.dumps(stats["median_reply_words"]))
print("near duplicates across splits:", len(stats["near_duplicates_across_splits"]))
for lang, b in stats["shortcut_baselines"].items():
    print(f"shortcut {lang}: n={b['test_n']} reply-only bag of words acc {b['reply_bag_of_words']['accuracy']:.3f} "
          f"macro-F1 {b['reply_bag_of_words']['macro_f1']:.3f}; length only acc {b['reply_length_only']['accuracy']:.3f}; majority {b['majority']:.3f}")
