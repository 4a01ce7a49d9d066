#!/usr/bin/env python3
"""The compiler's imports run one way (architecture: driver -> pipeline -> {frontend, ops, lower} -> {graph, ir} ->
support; the backends see only the Loop IR and the runtime ABI). Reads every `#include "dir/..."` under compiler/
and fails on any that a directory may not make, naming the file and the line.

    check_imports.py COMPILER_DIR
"""
import pathlib
import re
import sys

# What each directory may include besides itself, the runtime's public headers (nnc/...) and support/.
ALLOWED = {
    "support": set(),
    "ir": set(),
    "graph": set(),
    "frontend": {"graph"},
    "lower": {"graph", "ir"},
    "reference": {"graph"},
    "ops": {"graph", "ir", "lower", "reference"},
    "codegen": {"ir"},
    "pipeline": {"frontend", "ops", "lower", "graph", "ir", "reference", "codegen"},
    "import": set(),  # the ONNX importer plugin: ONNX in, YAML text and safetensors out, through the runtime alone
    "driver": {"pipeline", "frontend", "ops", "lower", "graph", "ir", "reference", "codegen", "import"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main():
    root = pathlib.Path(sys.argv[1])
    wrong, seen = [], set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".h", ".cpp", ".hpp", ".in"}:
            continue
        here = path.relative_to(root).parts[0]
        if here not in ALLOWED:
            wrong.append(f"{path}: directory '{here}' has no place in the layering; add it to {__file__}")
            continue
        seen.add(here)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            there = match.group(1)
            if there not in {here, "nnc", "support"} | ALLOWED[here]:
                wrong.append(f"{path}:{number}: {here}/ includes {there}/: {line.strip()}")
    missing = set(ALLOWED) - seen
    if missing:
        wrong.append(f"no sources found in {sorted(missing)}: is {root} the compiler directory?")
    print("\n".join(wrong) if wrong else f"imports run one way in {len(seen)} directories")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
