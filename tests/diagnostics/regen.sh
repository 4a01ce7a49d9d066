#!/usr/bin/env bash
# Writes cases/NAME.expected for every cases/NAME.yaml: the exact output of
# `NO_COLOR=1 nnc check --color never tests/diagnostics/cases/NAME.yaml`, run from the repository
# root, followed by one line `exit status: N`. The expected files come only from this script.
#
#   tests/diagnostics/regen.sh [NNC]      NNC defaults to build/bin/nnc
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
nnc="$(realpath "${1:-$root/build/bin/nnc}")"
cd "$root"

for model in tests/diagnostics/cases/*.yaml; do
  expected="${model%.yaml}.expected"
  status=0
  NO_COLOR=1 "$nnc" check --color never "$model" >"$expected" || status=$?
  echo "exit status: $status" >>"$expected"
done
