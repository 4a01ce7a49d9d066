#!/bin/sh
# Fails, printing the diff, unless tests/golden/loops/ is exactly what regen.sh writes with this nnc.
#
#   tests/golden/check.sh NNC
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$here/regen.sh" "$1" "$fresh"
if ! diff -ru "$here/loops" "$fresh"; then
  echo "The Loop IR differs from tests/golden/loops (- committed, + now). If the change is intended, run"
  echo "  tests/golden/regen.sh $1"
  echo "and commit the new .loops files with the change."
  exit 1
fi
echo "golden Loop IR: $(ls "$fresh" | wc -l) models unchanged"
