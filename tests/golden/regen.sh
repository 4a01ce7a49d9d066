#!/bin/sh
# Writes the golden Loop IR, `nnc emit --emit loops`, of a few small models to tests/golden/loops/.
# After an intended change to lowering, rerun it and commit the diff; never edit the .loops files by hand.
#
#   tests/golden/regen.sh [NNC [OUT_DIR]]        (defaults: build/bin/nnc, tests/golden/loops)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
nnc=${1:-$repo/build/bin/nnc}
out=${2:-$here/loops}

mkdir -p "$out"
rm -f "$out"/*.loops
for model in examples/conv_pool.yaml examples/lenet5.yaml tests/torch/cases/residual_same.yaml; do
  name=$(basename "$model" .yaml)
  "$nnc" emit "$repo/$model" --emit loops --color never > "$out/$name.loops.part"
  mv "$out/$name.loops.part" "$out/$name.loops"
done
