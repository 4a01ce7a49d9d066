"""Holds `nnc run` to PyTorch's numbers on every example model and on any YAML files given.

Each model gets seeded random weights (as safetensors) and a seeded random input (as .npy); nnc's output must equal
PyTorch's at rtol 1e-4 / atol 1e-5 (see torch_numbers.py). Prints one line per model and "N passed, M failed".

    check_numbers_against_torch.py --nnc build/bin/nnc [--examples DIR] [EXTRA.yaml ...]
"""
import argparse
import sys
import zlib
from pathlib import Path

import torch_numbers

REPO = Path(__file__).resolve().parents[2]


def shown(path):
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True, help="the nnc binary")
    parser.add_argument("--examples", type=Path, default=REPO / "examples", help="directory of example models")
    parser.add_argument("files", nargs="*", type=Path, help="more model files")
    args = parser.parse_args()

    paths = sorted(args.examples.glob("*.yaml")) + args.files
    # The seed depends on the file name only, so adding a model leaves the others' numbers alone.
    cases = [torch_numbers.Case(shown(p), p.read_text(), zlib.crc32(p.name.encode())) for p in paths]
    passed, failed = torch_numbers.check_cases(args.nnc, cases)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
