#!/bin/sh
# Writes the golden Loop IR, `nnc emit --emit loops`, of a few small models to tests/golden/loops/, and the
# emitted C++ of one to tests/golden/cpp/. After an intended change to lowering or to the C++ backend, rerun it
# and commit the diff; never edit these files by hand.
#
#   tests/golden/regen.sh [NNC [OUT_DIR]]        (defaults: build/bin/nnc, tests/golden)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
nnc=${1:-$repo/build/bin/nnc}
out=${2:-$here}

mkdir -p "$out/loops" "$out/cpp"
rm -f "$out"/loops/*.loops "$out"/cpp/*
for model in examples/conv_pool.yaml examples/lenet5.yaml tests/torch/cases/residual_same.yaml; do
  name=$(basename "$model" .yaml)
  "$nnc" emit "$repo/$model" --emit loops --color never > "$out/loops/$name.loops.part"
  mv "$out/loops/$name.loops.part" "$out/loops/$name.loops"
done
"$nnc" emit "$repo/examples/conv_pool.yaml" --emit cpp --seed 1 --color never -o "$out/cpp"
