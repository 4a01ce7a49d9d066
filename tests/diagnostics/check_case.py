#!/usr/bin/env python3
"""Golden diagnostics tests: `nnc check` on one case must print exactly cases/NAME.expected.

    check_case.py --nnc NNC --root REPO NAME     compares the output and exit status of one case
    check_case.py --root REPO --coverage         every diagnostic code is shown by some case
"""

import argparse
import difflib
import os
import re
import subprocess
import sys

CASES = "tests/diagnostics/cases"

# Every code nnc reports for a model file; each must appear in some expected output. (too-many-layers is
# shown by tests/hostile/test_compile_limits.py instead: its case would be 100,001 lines long.)
CODES = """
    yaml-syntax nesting-too-deep recursive-alias not-a-mapping empty-file duplicate-key unknown-key
    missing-key wrong-type bad-value unknown-op duplicate-name unknown-layer later-layer self-reference
    io-error rank-mismatch in-channels-mismatch num-features-mismatch in-features-mismatch groups-mismatch
    same-padding-stride pool-padding-too-large reflect-padding-too-large circular-padding-too-large
    kernel-too-large shape-mismatch concat-mismatch bad-dim size-overflow inexact-window unused-layer
    empty-layers multiple-documents model-too-large too-many-inputs
""".split()


def check_case(nnc, root, name):
    model = f"{CASES}/{name}.yaml"
    with open(os.path.join(root, CASES, name + ".expected"), encoding="utf-8") as f:
        expected = f.read()
    proc = subprocess.run([nnc, "check", "--color", "never", model], cwd=root, capture_output=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1"})
    actual = proc.stdout.decode("utf-8", errors="replace") + f"exit status: {proc.returncode}\n"
    ok = True
    if proc.stderr:
        print(f"{model}: nnc check wrote to stderr:\n{proc.stderr.decode(errors='replace')}")
        ok = False
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                    f"{name}.expected", "nnc check")
        print(f"{model}: the output differs from {name}.expected (if nnc is right, run "
              f"tests/diagnostics/regen.sh and review the change):\n" + "".join(diff))
        ok = False
    return ok


def check_coverage(root):
    shown = set()
    directory = os.path.join(root, CASES)
    for name in os.listdir(directory):
        if name.endswith(".expected"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                shown.update(re.findall(r"^\S+: (?:error|warning): .* \[([a-z0-9-]+)\]$", f.read(), re.M))
    missing = [code for code in CODES if code not in shown]
    if missing:
        print("no case shows these codes: " + ", ".join(missing))
    return not missing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc")
    parser.add_argument("--root", required=True, help="the repository root")
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("name", nargs="?", help="a case: cases/NAME.yaml")
    args = parser.parse_args()
    if args.coverage:
        sys.exit(0 if check_coverage(args.root) else 1)
    if not args.nnc or not args.name:
        parser.error("--nnc and a case name are needed")
    sys.exit(0 if check_case(args.nnc, args.root, args.name) else 1)


if __name__ == "__main__":
    main()
