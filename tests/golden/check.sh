#!/bin/sh
# Fails, printing the diff, unless tests/golden/loops/ and cpp/ are exactly what regen.sh writes with this nnc.
#
#   tests/golden/check.sh NNC
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$here/regen.sh" "$1" "$fresh"
if ! diff -ru "$here/loops" "$fresh/loops" || ! diff -ru "$here/cpp" "$fresh/cpp"; then
  echo "The emitted code differs from tests/golden (- committed, + now). If the change is intended, run"
  echo "  tests/golden/regen.sh $1"
  echo "and commit the new files with the change."
  exit 1
fi
echo "golden Loop IR: $(ls "$fresh/loops" | wc -l) models unchanged; golden C++: $(ls "$fresh/cpp" | wc -l) files unchanged"
