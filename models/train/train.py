"""Train graham's classifier, export it to ONNX, quantize it, check it and write its card data.

A cross-encoder: the multilingual-e5-small encoder (rebuilt by rebuild_e5.py, vocabulary pruned
to English + Dutch by prune_vocab.py) reads "<s> parent </s></s> reply </s>", mean-pools, and
two heads score it: 8 logits for the levels and 1 logit for "contains a personal attack".

--mode head: the encoder stays frozen; only the heads are fitted (minutes).
--mode finetune: the encoder is trained except its word-embedding table (the notes of the team
found that freezing the table makes it ten times faster on CPU and loses nothing measurable) and
its lowest --freeze-layers layers (each frozen layer saves its backward pass: more epochs fit in
the hour).
--from-checkpoint: skip training and export a state dict saved by an earlier --checkpoint run.

CPU only, fixed seeds. Everything it measures is on data it did not train on: WikiTactics val
and test, and the val and test splits of our own data.
"""

import argparse
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tokenizers import Tokenizer
from transformers import AutoModel

import data
import metrics

MAX_LENGTH = 256
CHARS_PER_TOKEN_BOUND = 24  # same clipping as src/classifier/tokenize.rs


class PairEncoder:
    """Tokenizes exactly as graham's Rust side does: parent cut first, down to an eighth."""

    def __init__(self, tokenizer_path, max_length=MAX_LENGTH):
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.max_length = max_length
        self.special = self.tokenizer.post_processor.num_special_tokens_to_add(True)

    def encode(self, parent, reply):
        clip = self.max_length * CHARS_PER_TOKEN_BOUND
        p = self.tokenizer.encode(parent[:clip], add_special_tokens=False)
        r = self.tokenizer.encode(reply[:clip], add_special_tokens=False)
        budget = self.max_length - self.special
        if len(p) + len(r) > budget:
            parent_floor = min(len(p), self.max_length // 8)
            reply_keep = min(len(r), budget - parent_floor)
            p.truncate(budget - reply_keep)
            r.truncate(reply_keep)
        return self.tokenizer.post_process(p, r, add_special_tokens=True).ids


class CrossEncoder(nn.Module):
    def __init__(self, encoder_dir):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder_dir, add_pooling_layer=False)
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.level = nn.Linear(hidden, len(data.LABELS))
        self.attack = nn.Linear(hidden, 1)

    def pool(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def heads(self, pooled):
        pooled = self.dropout(pooled)
        return self.level(pooled), self.attack(pooled).squeeze(-1)

    def forward(self, input_ids, attention_mask):
        return self.heads(self.pool(input_ids, attention_mask))


def batches(ids, size, pad_id, shuffle, rng):
    """Length-bucketed batches: sort by length in chunks so padding stays small."""
    order = list(range(len(ids)))
    if shuffle:
        rng.shuffle(order)
        chunks = [sorted(order[i:i + size * 20], key=lambda j: len(ids[j])) for i in range(0, len(order), size * 20)]
        groups = [c[i:i + size] for c in chunks for i in range(0, len(c), size)]
        rng.shuffle(groups)
    else:
        order.sort(key=lambda j: len(ids[j]))
        groups = [order[i:i + size] for i in range(0, len(order), size)]
    for group in groups:
        width = max(len(ids[j]) for j in group)
        input_ids = torch.full((len(group), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.long)
        for row, j in enumerate(group):
            input_ids[row, :len(ids[j])] = torch.tensor(ids[j])
            mask[row, :len(ids[j])] = 1
        yield group, input_ids, mask


def class_weights(pairs, power):
    """Inverse-frequency weights raised to `power` (0: none, 1: fully balanced)."""
    counts = np.bincount([data.LABEL_INDEX[p.label] for p in pairs], minlength=len(data.LABELS)).astype(float)
    weights = (counts.sum() / np.maximum(counts, 1.0) / len(counts)) ** power
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


@torch.no_grad()
def predict(model, ids, pad_id, batch_size=64):
    model.eval()
    level = np.zeros((len(ids), len(data.LABELS)), dtype=np.float32)
    attack = np.zeros(len(ids), dtype=np.float32)
    for group, input_ids, mask in batches(ids, batch_size, pad_id, False, None):
        lv, at = model(input_ids, mask)
        level[group] = lv.numpy()
        attack[group] = at.numpy()
    return level, attack


def train_heads(model, train_ids, train_pairs, pad_id, args):
    """Frozen encoder: pool once, then fit the two linear heads on the cached vectors."""
    model.eval()
    pooled = torch.zeros((len(train_ids), model.encoder.config.hidden_size))
    with torch.no_grad():
        for group, input_ids, mask in batches(train_ids, 64, pad_id, False, None):
            pooled[group] = model.pool(input_ids, mask)
    labels = torch.tensor([data.LABEL_INDEX[p.label] for p in train_pairs])
    attacks = torch.tensor([float(p.attack) for p in train_pairs])
    params = list(model.level.parameters()) + list(model.attack.parameters())
    optimizer = torch.optim.AdamW(params, lr=1e-2, weight_decay=args.weight_decay)
    level_loss = nn.CrossEntropyLoss(weight=class_weights(train_pairs, args.class_weight_power))
    attack_loss = nn.BCEWithLogitsLoss()
    model.train()
    for _ in range(args.head_steps):
        optimizer.zero_grad()
        lv, at = model.heads(pooled)
        loss = level_loss(lv, labels) + args.attack_weight * attack_loss(at, attacks)
        loss.backward()
        optimizer.step()
    model.eval()


def finetune(model, train_ids, train_pairs, pad_id, args, evaluate):
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    if args.freeze_layers:
        for module in [model.encoder.embeddings, *model.encoder.encoder.layer[:args.freeze_layers]]:
            module.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train_ids) + args.batch_size - 1) // args.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps, pct_start=0.1, anneal_strategy="linear")
    level_loss = nn.CrossEntropyLoss(weight=class_weights(train_pairs, args.class_weight_power))
    attack_loss = nn.BCEWithLogitsLoss()
    labels = torch.tensor([data.LABEL_INDEX[p.label] for p in train_pairs])
    attacks = torch.tensor([float(p.attack) for p in train_pairs])
    rng = random.Random(args.seed)
    best = (-1.0, None)
    for epoch in range(args.epochs):
        model.train()
        started, total = time.time(), 0.0
        for step, (group, input_ids, mask) in enumerate(batches(train_ids, args.batch_size, pad_id, True, rng)):
            lv, at = model(input_ids, mask)
            loss = level_loss(lv, labels[group]) + args.attack_weight * attack_loss(at, attacks[group])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            total += loss.item()
            if step % 50 == 0:
                print(f"  epoch {epoch + 1} step {step} loss {total / (step + 1):.4f} ({time.time() - started:.0f}s)", flush=True)
        score = evaluate()
        print(f"epoch {epoch + 1}: val selection score {score:.4f} ({time.time() - started:.0f}s)", flush=True)
        if score > best[0]:
            best = (score, {k: v.detach().clone() for k, v in model.state_dict().items()})
    model.load_state_dict(best[1])
    return best[0]


def export(model, out_dir, example_ids, pad_id):
    """ONNX (opset 17, dynamic batch and length), then weight-only int8 quantization.

    Weight-only, not dynamic: dynamic quantization computes one activation scale per batch,
    padding included, so a reply's label depended on its batch-mates and argmax agreed with
    PyTorch on only 93-96% of pairs. Here every MatMul weight is int8 in blocks of 32 along the
    input axis (finer than per-channel) and activations are quantized per row, so each reply's
    result is the same in any batch; the word-embedding table is
    int8 with one scale for the whole table.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    model.eval()
    fp32 = out_dir / "model.fp32.onnx"
    group = example_ids[:2]
    width = max(map(len, group))
    input_ids = torch.tensor([ids + [pad_id] * (width - len(ids)) for ids in group])
    mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in group])
    torch.onnx.export(
        model, (input_ids, mask), str(fp32), opset_version=17, dynamo=False,
        input_names=["input_ids", "attention_mask"], output_names=["level_logits", "attack_logit"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                      "level_logits": {0: "batch"}, "attack_logit": {0: "batch"}},
    )
    weights_only = dict(bits=8, block_size=32, is_symmetric=True, accuracy_level=4,
                        op_types_to_quantize=("MatMul",), quant_axes=(("MatMul", 0),))
    quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), algo_config=DefaultWeightOnlyQuantConfig(**weights_only),
                                     **weights_only)
    quantizer.process()
    matmuls = out_dir / "model.matmuls.onnx"
    quantizer.model.save_model_to_file(str(matmuls), use_external_data_format=False)
    quantize_dynamic(str(matmuls), str(out_dir / "model.onnx"), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["Gather"])
    fp32.unlink()
    matmuls.unlink()


def onnx_predict(path, ids, pad_id, batch_size=64):
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    level = np.zeros((len(ids), len(data.LABELS)), dtype=np.float32)
    attack = np.zeros(len(ids), dtype=np.float32)
    for group, input_ids, mask in batches(ids, batch_size, pad_id, False, None):
        lv, at = session.run(None, {"input_ids": input_ids.numpy(), "attention_mask": mask.numpy()})
        level[group] = lv
        attack[group] = at
    return level, attack


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", required=True, help="pruned e5 directory from prune_vocab.py")
    parser.add_argument("--wikitactics", default="../shared/datasets/wikitactics/wikitactics.json")
    parser.add_argument("--own", default="datasets/graham-pairs.jsonl", help="our settled data; '' to skip")
    parser.add_argument("--out", default="models", help="where model.onnx, tokenizer.json, graham-model.json go")
    parser.add_argument("--report", default="models/train/report.json")
    parser.add_argument("--mode", choices=["head", "finetune"], default="finetune")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-steps", type=int, default=400)
    parser.add_argument("--weight-decay", type=float, default=1e-3)
    parser.add_argument("--class-weight-power", type=float, default=0.5)
    parser.add_argument("--attack-weight", type=float, default=0.5)
    parser.add_argument("--freeze-layers", type=int, default=3, help="lowest encoder layers kept frozen")
    parser.add_argument("--checkpoint", help="save the chosen PyTorch weights here (keep it outside the repo)")
    parser.add_argument("--from-checkpoint", help="skip training: export and measure these saved weights")
    parser.add_argument("--own-repeat", type=int, default=1, help="times our training data is repeated per epoch")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--version", default="0.1.0")
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    encoder_dir = Path(args.encoder)
    encoder = PairEncoder(encoder_dir / "tokenizer.json")
    pad_id = encoder.tokenizer.token_to_id("<pad>")

    train_pairs = data.wikitactics(args.wikitactics, {"train"})
    eval_sets = {"wikitactics-val": data.wikitactics(args.wikitactics, {"val"}),
                 "wikitactics-test": data.wikitactics(args.wikitactics, {"test"})}
    if args.own:
        own_train = data.own(args.own, {"train"})
        train_pairs += own_train * args.own_repeat
        for lang in ("en", "nl"):
            eval_sets[f"own-{lang}-val"] = data.own(args.own, {"val"}, (lang,))
            eval_sets[f"own-{lang}-test"] = data.own(args.own, {"test"}, (lang,))
    print(f"training pairs: {len(train_pairs)}; " + ", ".join(f"{k}: {len(v)}" for k, v in eval_sets.items()), flush=True)

    encode = lambda pairs: [encoder.encode(p.parent, p.reply) for p in pairs]
    train_ids = encode(train_pairs)
    eval_ids = {name: encode(pairs) for name, pairs in eval_sets.items()}

    model = CrossEncoder(encoder_dir)
    model.eval()

    def selection_score():
        """Mean macro-F1 over the val splits: what chooses between epochs and settings."""
        scores = []
        for name in eval_sets:
            if name.endswith("-val") and eval_sets[name]:
                level, _ = predict(model, eval_ids[name], pad_id)
                gold = [data.LABEL_INDEX[p.label] for p in eval_sets[name]]
                scores.append(metrics.report(gold, level.argmax(1))["macro_f1"])
        return float(np.mean(scores))

    started = time.time()
    if args.from_checkpoint:
        model.load_state_dict(torch.load(args.from_checkpoint))
        val_score = selection_score()
    elif args.mode == "head":
        train_heads(model, train_ids, train_pairs, pad_id, args)
        val_score = selection_score()
    else:
        val_score = finetune(model, train_ids, train_pairs, pad_id, args, selection_score)
    train_seconds = time.time() - started
    print(f"trained in {train_seconds:.0f}s, val selection score {val_score:.4f}", flush=True)
    if args.checkpoint:
        torch.save(model.state_dict(), args.checkpoint)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    export(model, out, train_ids, pad_id)
    shutil.copy(encoder_dir / "tokenizer.json", out / "tokenizer.json")
    metadata = {
        "name": "graham-e5-small-en-nl",
        "version": args.version,
        "labels": data.LABELS,
        "max_length": MAX_LENGTH,
        "level_output": "level_logits",
        "attack_output": "attack_logit",
    }
    (out / "graham-model.json").write_text(json.dumps(metadata, indent=2) + "\n")

    # The shipped int8 ONNX model is what gets measured, and checked against PyTorch.
    report = {"settings": vars(args), "train_pairs": len(train_pairs), "train_seconds": round(train_seconds),
              "val_selection_score": val_score, "results": {}, "onnx_vs_torch": {}}
    for name, pairs in eval_sets.items():
        if not pairs:
            continue
        level, attack = onnx_predict(out / "model.onnx", eval_ids[name], pad_id)
        torch_level, _ = predict(model, eval_ids[name], pad_id)
        agree = float((torch_level.argmax(1) == level.argmax(1)).mean())
        report["onnx_vs_torch"][name] = {"argmax_agreement": agree,
                                         "max_abs_logit_diff": float(np.abs(torch_level - level).max())}
        gold = [data.LABEL_INDEX[p.label] for p in pairs]
        result = metrics.report(gold, level.argmax(1))
        result["attack_f1"] = metrics.binary_f1([p.attack for p in pairs], attack > 0)
        result["baselines"] = {"majority": metrics.majority_baseline(gold)}
        report["results"][name] = result
        print(f"{name}: n={len(pairs)} acc {result['accuracy']:.3f} macro-F1 {result['macro_f1']:.3f} "
              f"coarse {result['coarse_accuracy']:.3f} | int8 vs torch agreement {agree:.3f}", flush=True)
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
