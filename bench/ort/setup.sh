#!/bin/sh
# Installs ONNX Runtime for the benchmarks (bench/compare_networks.py) from the npm registry into DIR:
#
#     bench/ort/setup.sh DIR        e.g. bench/ort/setup.sh build/ort
#
# --ignore-scripts: the package's install script downloads GPU binaries from a host outside the npm registry; the
# CPU library for linux-x64 (bin/napi-v6/linux/x64/libonnxruntime.so.*) ships in the package itself. Nothing in the
# build or the tests runs this. Ends by loading the library through time_session.mjs and, when /usr/bin/python3 has
# torch, timing a one-conv model exported from it.
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR (a directory outside the source tree, e.g. build/ort)" >&2
  exit 2
fi
VERSION=1.30.0
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
[ -f "$dir/package.json" ] || echo '{"name": "nnc-bench-ort", "private": true}' > "$dir/package.json"
npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund "onnxruntime-node@$VERSION"
node "$here/time_session.mjs" --ort "$dir" --version
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 -c '
import sys, torch
model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())
torch.onnx.export(model, torch.randn(1, 3, 16, 16), sys.argv[1], opset_version=13)' "$dir/check.onnx"
  node "$here/time_session.mjs" --ort "$dir" --model "$dir/check.onnx" --shape 1,3,16,16 --runs 10
fi
echo "ONNX Runtime $VERSION is in $dir: pass --ort $dir to bench/compare_networks.py"
