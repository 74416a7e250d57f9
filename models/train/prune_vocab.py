#!/usr/bin/env python3
"""Prune the multilingual-e5-small vocabulary to English + Dutch.

Why: 250k XLM-R pieces make the word-embedding matrix ~85% of the model, but
graham only sees English and Dutch. Dropping pieces those languages never use
shrinks the shipped model without changing what it computes on them.

Why it is (almost) lossless: the tokenizer is a Unigram model whose Viterbi
search picks the highest-scoring segmentation. Pieces keep their original
scores, so whenever the original best segmentation of a word uses only kept
pieces, it is still available and still the best -> identical tokens, ids
remapped, identical embedding rows, identical model output. Only words that
needed a dropped piece are segmented differently (into kept, usually shorter,
pieces).

Kept pieces:
  * the special tokens (<s> <pad> </s> <unk> stay at ids 0-3; <mask>, if present,
    stays last, as in XLM-R);
  * every single-character piece (with or without the leading "▁") whose
    character is Latin, Greek, Cyrillic, or script Common/Inherited (digits,
    punctuation, symbols, emoji, combining marks, ZWJ, variation selectors),
    so text in those scripts never falls to <unk> where the original did not;
  * every piece made only of Common/Inherited characters (number, punctuation
    and emoji runs such as "2019", "...", "😂😂"), so numbers, URLs and emoji
    keep their original segmentation (--no-symbol-runs to skip);
  * every piece the original tokenizer produces on the top-N wordfreq words
    per language, in lower-case, Capitalised and UPPER-case forms, both
    word-initial ("▁word") and word-internal ("word", e.g. after punctuation
    or inside compounds/hashtags), also with the typographic apostrophe;
  * every piece produced on the "query: " / "passage: " prefixes and on any
    extra text files given (the training texts).

Outputs a copy of the source model directory with a consistent tokenizer.json
(vocab in the new order with original scores, unk_id, added_tokens,
post-processor ids), the sliced word-embedding matrix and updated vocab_size.
Then verifies against the full model on held-out English/Dutch sentences.

Usage:
  python prune_vocab.py --src /work/build/e5-full --out /work/build/e5-en-nl \
      [--words 150000] [--extra-text train1.jsonl notes.txt ...]
"""
import argparse
import copy
import json
import os
import shutil
import sys

import numpy as np
import regex  # \p{Script=...}; installed as a dependency of wordfreq

# Characters English/Dutch text may contain, including typos, names, emoji.
ALLOWED_CHAR = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\p{Inherited}]")
# Script-neutral characters: digits, punctuation, symbols, emoji, marks.
NEUTRAL_ONLY = regex.compile(r"^[\p{Common}\p{Inherited}]+$")
WORD_OK = regex.compile(r"^[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\p{Inherited}]+$")
META = "\u2581"  # SentencePiece word-boundary marker
PREFIXES = ("query: ", "passage: ")  # the e5 input prefixes: must tokenize as before
# Always-kept text that word lists miss: camel-case names (wordfreq is
# case-folded) and kaomoji whose non-Latin characters (ツ, ಠ, ʖ...) the
# character rule above does not cover but which turn up in EN/NL replies.
ALWAYS_KEEP = [
    "iPhone iPad iOS macOS iCloud iTunes eBay YouTube WhatsApp LinkedIn PayPal "
    "TikTok PowerPoint JavaScript TypeScript GitHub ChatGPT OpenAI FaceTime "
    "PlayStation WordPress SpaceX BlackBerry McDonald's McKinsey DuckDuckGo "
    "BitTorrent AirPods MacBook PostNL KPN ING ABN AMRO NS OV-chipkaart DigiD",
    "¯\\_(ツ)_/¯ ಠ_ಠ (╯°□°)╯︵ ┻━┻ ( ͡° ͜ʖ ͡°) ʕ•ᴥ•ʔ ლ(ಠ益ಠლ) (ノಠ益ಠ)ノ彡┻━┻ "
    "¯\\(°_o)/¯ (^_^) (T_T) (>_<) (•_•) ( •_•)>⌐■-■ (⌐■_■) ^_^ -_- o_O xD :-) ;-) :P <3",
]

# Held-out verification sentences (never used to build the vocabulary):
# everyday English and Dutch, typos, slang, emoji, URLs, numbers, names.
TEST_SENTENCES = [
    "I completely disagree with your argument about tax policy.",
    "That's a straw man, nobody said we should ban all cars.",
    "Source? Because the CBS numbers say the opposite: 3.2% in 2023, not 8%.",
    "Youre wrong tho, the law was changed in 2019 lmao",
    "tbh i dont think u even read the article b4 commenting",
    "Ok boomer 🙄🙄",
    "This is the dumbest take I've seen all week 😂😂😂",
    "Read it yourself: https://www.bbc.co.uk/news/world-europe-12345678",
    "Definately agree, but the goverment will never admit it.",
    "The meeting is at 14:30 on 12/03/2024, room B-204.",
    "He paid €1,250.00 for a used iPhone 13 Pro Max?!",
    "Whatever. You clearly have no idea what you're talking about.",
    "As a nurse with 15 years of experience, I can tell you that's not how triage works.",
    "Nice try, but correlation ≠ causation.",
    "@jan_dekker you're mixing up gross and net income #economics",
    "My grandmother's recipe uses crème fraîche and jalapeños.",
    "Scientists at MIT and Oxford published the study in Nature last Tuesday.",
    "¯\\_(ツ)_/¯ not my problem",
    "Thanks!!! This helped a lot ❤️👍",
    "It's not rocket science, it's basic arithmetic: 2 + 2 = 4.",
    "Ik ben het totaal niet eens met jouw argument over het belastingbeleid.",
    "Dat is een stropop, niemand zei dat we alle auto's moeten verbieden.",
    "Bron? Het CBS zegt precies het tegenovergestelde: 3,2% in 2023.",
    "je hebt echt geen idee waar je het over hebt haha",
    "Wat een onzin zeg 🙄",
    "Lees het zelf maar: https://nos.nl/artikel/2456789-kabinet-valt",
    "Ik denk dat je gelijk hebt, maar de overheid zal het nooit toegeven.",
    "Hij betaalde €1.250 voor een tweedehands fiets, echt belachelijk.",
    "Zeg, wie denk jij wel dat je bent?",
    "Mijn oma maakt de lekkerste stamppot met zuurkool en rookworst.",
    "Volgens mij klopt dat niet, de wet is in 2019 aangepast.",
    "Als verpleegkundige met 15 jaar ervaring kan ik je vertellen dat triage zo niet werkt.",
    "Dit is geen kwestie van mening maar van feiten, sorry.",
    "Wtf, serieus?? Dat meen je niet 😂",
    "De vergadering is om 14.30 uur op 12-03-2024 in zaal B-204.",
    "idd, helemaal mee eens. goed punt!",
    "Ik snap niet waarom iedereen zo moeilijk doet over de stikstofcrisis.",
    "De Tweede Kamer stemde dinsdag in met het wetsvoorstel.",
    "Jij bent gewoon een troll, negeer 'm maar.",
    "Ff checken: bedoel je bruto of netto inkomen? #economie",
    "Dat is misschien waar voor Amsterdam, maar in Groningen ligt het anders.",
    "Ze hebben het onderzoek gisteren gepubliceerd in het Nederlands Tijdschrift voor Geneeskunde.",
    "Het vliegtuig van KLM landde om 07:45 op Schiphol.",
    "Wat een slecht argument, echt waar. Je gaat volledig voorbij aan de kern.",
    "Prima, doe wat je niet laten kunt ¯\\_(ツ)_/¯",
    "Teh goverment shuold resign immediatly!!1",
    "Just saw it on Insta, smh 🤦‍♂️ #fail",
    "SharePoint en OneDrive liggen er weer eens uit (╥﹏╥)",
    "2,5 miljoen euro?! Dat is 2.500.000 — belachelijk 🇳🇱",
    "Stuur me ff een DM op Twitter/X of mail naar info@voorbeeld.nl",
]


# ------------------------------------------------------------------ inputs
def read_texts(path, jsonl_fields):
    """Plain text: one text per line. .jsonl/.json: the named string fields
    of each record (all string values if none of them is present)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        if path.endswith((".jsonl", ".json")):
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a file being written may end mid-line
                if not isinstance(rec, dict):
                    continue
                vals = [rec[k] for k in jsonl_fields if isinstance(rec.get(k), str)]
                if not vals:
                    vals = [v for v in rec.values() if isinstance(v, str)]
                out.extend(vals)
        else:
            out.extend(line.rstrip("\n") for line in fh if line.strip())
    return out


def word_variants(words):
    """lower / Capitalised / UPPER, plus typographic-apostrophe forms."""
    seen = set()
    for w in words:
        forms = {w, w[:1].upper() + w[1:], w.upper()}
        forms |= {f.replace("'", "\u2019") for f in forms if "'" in f}
        for f in forms:
            if f not in seen:
                seen.add(f)
                yield f


# --------------------------------------------------------------- selection
def select_pieces(tok, vocab, special_ids, args):
    """Return {reason: set(original ids)} of pieces to keep."""
    from wordfreq import top_n_list

    keep = {"special": set(special_ids)}

    chars, runs = set(), set()
    for i, (piece, _score) in enumerate(vocab):
        body = piece[1:] if piece.startswith(META) else piece
        if body == "":
            chars.add(i)  # the bare "▁"
        elif len(body) == 1 and ALLOWED_CHAR.match(body):
            chars.add(i)
        elif args.symbol_runs and NEUTRAL_ONLY.match(body):
            runs.add(i)
    keep["single chars"] = chars
    keep["symbol/number runs"] = runs

    def add_word(ids_set, s):
        # model.tokenize: the Unigram model alone, so we control the "▁"
        norm = tok.normalizer.normalize_str(s)
        for t in tok.model.tokenize(META + norm):
            ids_set.add(t.id)
        for t in tok.model.tokenize(norm):
            ids_set.add(t.id)

    for lang in args.langs:
        words = [w for w in top_n_list(lang, args.words, wordlist=args.wordlist)
                 if WORD_OK.match(w)]
        ids = set()
        for w in word_variants(words):
            add_word(ids, w)
        keep[f"wordfreq {lang} top {args.words} ({len(words)} words)"] = ids

    texts = list(PREFIXES) + ALWAYS_KEEP
    for path in args.extra_text:
        texts.extend(read_texts(path, args.jsonl_fields))
    ids = set()
    for enc in tok.encode_batch(texts, add_special_tokens=False):
        ids.update(enc.ids)
    keep[f"prefixes, built-in, extra texts ({len(texts)} texts)"] = ids
    return keep


# ----------------------------------------------------------------- writing
def remap_tokenizer_json(tj, old_ids):
    """Rewrite tokenizer.json for the new id order (old_ids[new] = old)."""
    tj = copy.deepcopy(tj)
    old2new = {o: n for n, o in enumerate(old_ids)}
    model = tj["model"]
    assert model["type"] == "Unigram", model["type"]
    model["vocab"] = [model["vocab"][o] for o in old_ids]
    model["unk_id"] = old2new[model["unk_id"]]
    tj["added_tokens"] = [dict(a, id=old2new[a["id"]]) for a in tj["added_tokens"]
                          if a["id"] in old2new]

    def fix_pp(pp):
        if pp is None:
            return
        t = pp["type"]
        if t == "TemplateProcessing":
            for st in pp["special_tokens"].values():
                st["ids"] = [old2new[i] for i in st["ids"]]
        elif t in ("RobertaProcessing", "BertProcessing"):
            for k in ("sep", "cls"):
                pp[k] = [pp[k][0], old2new[pp[k][1]]]
        elif t == "Sequence":
            for p in pp["processors"]:
                fix_pp(p)
        elif t != "ByteLevel":
            raise ValueError(f"unhandled post_processor {t}")

    fix_pp(tj.get("post_processor"))
    if tj.get("padding"):
        tj["padding"]["pad_id"] = old2new[tj["padding"]["pad_id"]]
    return tj


def write_pruned(src, out, tj_new, old_ids):
    import torch
    from safetensors.torch import load_file, save_file

    os.makedirs(out, exist_ok=True)
    sd = load_file(os.path.join(src, "model.safetensors"))
    key = "embeddings.word_embeddings.weight"
    sd[key] = sd[key][torch.tensor(old_ids)].contiguous()
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})

    cfg = json.load(open(os.path.join(src, "config.json")))
    cfg["vocab_size"] = len(old_ids)
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(cfg, fh, indent=2, sort_keys=True)
        fh.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as fh:
        json.dump(tj_new, fh, ensure_ascii=False)
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if os.path.exists(os.path.join(src, name)):
            shutil.copyfile(os.path.join(src, name), os.path.join(out, name))


# ------------------------------------------------------------ verification
def embed(model_dir, tok, texts, prefix="query: ", batch=16):
    """e5 recipe: prefix, masked mean pooling, L2 normalise."""
    import torch
    from transformers import BertModel

    model = BertModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
    pad = tok.token_to_id("<pad>")
    out = []
    with torch.no_grad():
        for s in range(0, len(texts), batch):
            encs = tok.encode_batch([prefix + t for t in texts[s:s + batch]])
            L = max(len(e.ids) for e in encs)
            ids = torch.tensor([e.ids + [pad] * (L - len(e.ids)) for e in encs])
            mask = torch.tensor([[1] * len(e.ids) + [0] * (L - len(e.ids)) for e in encs])
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            e = (h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            out.append(torch.nn.functional.normalize(e, dim=-1).numpy())
    return np.concatenate(out)


def verify(src, out, texts, label):
    from tokenizers import Tokenizer

    full = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    pruned = Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
    unk_f, unk_p = full.token_to_id("<unk>"), pruned.token_to_id("<unk>")
    fe = full.encode_batch(texts, add_special_tokens=False)
    pe = pruned.encode_batch(texts, add_special_tokens=False)
    # Compare ids mapped back to piece strings (Encoding.tokens would show the
    # original characters even where the id is <unk>).
    fs = [[full.id_to_token(i) for i in e.ids] for e in fe]
    ps = [[pruned.id_to_token(i) for i in e.ids] for e in pe]
    same = np.array([a == b for a, b in zip(fs, ps)])
    uf = np.array([e.ids.count(unk_f) for e in fe])
    up = np.array([e.ids.count(unk_p) for e in pe])
    cos = (embed(src, full, texts) * embed(out, pruned, texts)).sum(1)

    print(f"\n== {label}: {len(texts)} texts ==")
    print(f"identical token sequences: {same.sum()}/{len(texts)} ({same.mean():.1%})")
    print(f"<unk> tokens: full {uf.sum()}, pruned {up.sum()}; "
          f"texts where pruned has more <unk> than full: {(up > uf).sum()}")
    print(f"tokens: full {sum(map(len, fs))}, pruned {sum(map(len, ps))}")
    for name, m in (("identical", same), ("different", ~same)):
        if m.any():
            print(f"cosine full vs pruned, {name} segmentation: "
                  f"mean {cos[m].mean():.6f} min {cos[m].min():.6f} (n={m.sum()})")
    diff = [(c, a, b) for c, a, b, s in zip(cos, fs, ps, same) if not s]
    for c, a, b in sorted(diff, key=lambda d: d[0])[:10]:
        print(f"  cos {c:.4f}  full-only {[t for t in a if t not in b][:6]}"
              f"  pruned-only {[t for t in b if t not in a][:8]}")
    return same, uf, up, cos


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default="/work/build/e5-full",
                    help="full model directory written by rebuild_e5.py")
    ap.add_argument("--out", default="/work/build/e5-en-nl")
    ap.add_argument("--langs", nargs="+", default=["en", "nl"])
    ap.add_argument("--words", type=int, default=150000,
                    help="top-N wordfreq words per language")
    ap.add_argument("--wordlist", default="large", help="wordfreq list ('large' or 'best')")
    ap.add_argument("--extra-text", nargs="*", default=[],
                    help="text files (one text per line) or .jsonl whose pieces must be kept")
    ap.add_argument("--jsonl-fields", nargs="+", default=["parent", "reply", "text"],
                    help="string fields taken from .jsonl records")
    ap.add_argument("--no-symbol-runs", dest="symbol_runs", action="store_false",
                    help="do not keep multi-character number/punctuation/emoji pieces")
    ap.add_argument("--test-file", nargs="*", default=[],
                    help="extra held-out texts for verification (same formats)")
    ap.add_argument("--max-test", type=int, default=400,
                    help="cap on texts taken from --test-file (CPU time)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-verify", action="store_true")
    args = ap.parse_args()

    import torch
    from tokenizers import Tokenizer
    torch.set_num_threads(args.threads)

    tj = json.load(open(os.path.join(args.src, "tokenizer.json"), encoding="utf-8"))
    tok = Tokenizer.from_file(os.path.join(args.src, "tokenizer.json"))
    vocab = tj["model"]["vocab"]
    special_ids = sorted(a["id"] for a in tj["added_tokens"] if a.get("special"))
    names = [vocab[i][0] for i in special_ids]
    if names[:4] != ["<s>", "<pad>", "</s>", "<unk>"] or special_ids[:4] != [0, 1, 2, 3]:
        raise SystemExit(f"unexpected special tokens {list(zip(special_ids, names))}")

    groups = select_pieces(tok, vocab, special_ids, args)
    kept = set().union(*groups.values())
    # New order: specials 0-3, regular pieces in original order (roughly by
    # score), then any further specials (<mask>) last, as in XLM-R.
    head = special_ids[:4]
    tail = special_ids[4:]
    old_ids = head + sorted(kept - set(special_ids)) + tail

    print(f"source vocabulary: {len(vocab)} pieces")
    for reason, ids in groups.items():
        print(f"  {reason:50s} {len(ids):7d} pieces")
    print(f"pruned vocabulary: {len(old_ids)} pieces "
          f"({len(old_ids) / len(vocab):.1%} of the original)")

    tj_new = remap_tokenizer_json(tj, old_ids)
    write_pruned(args.src, args.out, tj_new, old_ids)

    # Sanity: special ids, and the new tokenizer must load and agree on prefixes.
    new_tok = Tokenizer.from_file(os.path.join(args.out, "tokenizer.json"))
    for i, name in enumerate(["<s>", "<pad>", "</s>", "<unk>"]):
        assert new_tok.token_to_id(name) == i, name
    for p in PREFIXES:
        assert new_tok.encode(p).tokens == tok.encode(p).tokens, p

    for d in (args.src, args.out):
        mb = os.path.getsize(os.path.join(d, "model.safetensors")) / 2**20
        print(f"{d}/model.safetensors: {mb:.1f} MiB")

    if args.skip_verify:
        return
    verify(args.src, args.out, TEST_SENTENCES, "built-in EN/NL test sentences")
    if args.test_file:
        texts = []
        for path in args.test_file:
            texts.extend(read_texts(path, args.jsonl_fields))
        # Evenly spaced sample: deterministic and spread over all files.
        if len(texts) > args.max_test:
            idx = np.linspace(0, len(texts) - 1, args.max_test).round().astype(int)
            texts = [texts[i] for i in idx]
        verify(args.src, args.out, texts, "held-out test files")


if __name__ == "__main__":
    sys.exit(main())
