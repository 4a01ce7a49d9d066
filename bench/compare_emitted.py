#!/usr/bin/env python3
"""The emitted C++ against the JIT on the same models, measured in one run so the ratio holds even on
a busy machine.

For each model: `nnc emit --emit cpp` is compiled with bench/emitted_timer.cpp by CXX and FLAGS
(default g++ -O3 -march=native) and timed (median per call); `nnc bench --format json` gives the
JIT's median. Prints both and the emitted code's speed relative to the JIT (> 1: the C++ is faster).

    python3 bench/compare_emitted.py --nnc build/bin/nnc [--cxx g++] [--flags "-O3 -march=native"] [MODEL.yaml ...]
"""
import argparse
import json
import pathlib
import shlex
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_MODELS = ["examples/conv_pool.yaml", "examples/lenet5.yaml", "bench/models/resnet_conv3x3_64.yaml",
                  "examples/resnet_basic_block.yaml", "examples/mobilenet_block.yaml", "examples/mlp.yaml"]


def emitted_median_ms(nnc, cxx, flags, model, work):
    out = work / model.stem
    subprocess.run([nnc, "emit", model, "--emit", "cpp", "-o", out], check=True)
    (header,) = out.glob("*.hpp")
    name = header.stem
    exe = out / "timer"
    subprocess.run([cxx, "-std=c++17", *flags, "-include", header, f"-DNNC_MODEL={name}",
                    ROOT / "bench" / "emitted_timer.cpp", out / f"{name}.cpp", "-o", exe], check=True)
    return float(subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--cxx", default="g++")
    parser.add_argument("--flags", default="-O3 -march=native")
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    flags = shlex.split(args.flags)

    print(f"emitted C++: {args.cxx} -std=c++17 {args.flags}; JIT: nnc bench; 1 thread")
    print(f"{'model':<24} {'C++ ms':>10} {'JIT ms':>10} {'C++ vs JIT':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in [pathlib.Path(m) for m in args.models] or [ROOT / m for m in DEFAULT_MODELS]:
            cpp_ms = emitted_median_ms(args.nnc, args.cxx, flags, path, pathlib.Path(tmp))
            run = subprocess.run([args.nnc, "bench", path, "--format", "json"], capture_output=True, text=True, check=True)
            jit_ms = json.loads(run.stdout)["median_ms"]
            print(f"{path.stem:<24} {cpp_ms:>10.4f} {jit_ms:>10.4f} {jit_ms / cpp_ms:>10.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
