#!/usr/bin/env python3
"""Golden diagnostics tests: `nnc check` on one case must print exactly cases/NAME.expected.

    check_case.py --nnc NNC --root REPO NAME         compares the output and exit status of one case
    check_case.py --nnc NNC --root REPO --coverage   every code `nnc codes` lists is shown by some case
"""

import argparse
import difflib
import json
import os
import re
import subprocess
import sys

CASES = "tests/diagnostics/cases"

# Codes that another test shows instead of a case here, and why.
SHOWN_ELSEWHERE = {
    "too-many-layers": ("tests/hostile/test_compile_limits.py", "its case would be 100,001 lines long"),
    "alias-expansion": ("tests/cli/test_cli.py", "its model is 3,000 generated lines"),
}


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


def declared_codes(nnc):
    """Every code nnc reports for a model file, from its one table."""
    proc = subprocess.run([nnc, "codes", "--format", "json"], capture_output=True, check=True, timeout=60)
    return [entry["code"] for entry in json.loads(proc.stdout)]


def check_coverage(nnc, root):
    shown = set()
    directory = os.path.join(root, CASES)
    for name in os.listdir(directory):
        if name.endswith(".expected"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                shown.update(re.findall(r"^\S+: (?:error|warning): .* \[([a-z0-9-]+)\]$", f.read(), re.M))
    codes = declared_codes(nnc)
    ok = True
    missing = [code for code in codes if code not in shown and code not in SHOWN_ELSEWHERE]
    if missing:
        print("no case shows these codes: " + ", ".join(missing))
        ok = False
    for code, (test, why) in SHOWN_ELSEWHERE.items():
        with open(os.path.join(root, test), encoding="utf-8") as f:
            if code not in codes or f'"{code}"' not in f.read():
                print(f"{code} is left to {test} ({why}), but nnc does not declare it or that test does not show it")
                ok = False
    undeclared = sorted(shown - set(codes))
    if undeclared:
        print("cases show codes that `nnc codes` does not list: " + ", ".join(undeclared))
        ok = False
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc")
    parser.add_argument("--root", required=True, help="the repository root")
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("name", nargs="?", help="a case: cases/NAME.yaml")
    args = parser.parse_args()
    if not args.nnc or not (args.coverage or args.name):
        parser.error("--nnc and a case name (or --coverage) are needed")
    if args.coverage:
        sys.exit(0 if check_coverage(args.nnc, args.root) else 1)
    sys.exit(0 if check_case(args.nnc, args.root, args.name) else 1)


if __name__ == "__main__":
    main()
