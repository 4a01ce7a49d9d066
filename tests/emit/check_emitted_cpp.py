"""Emits each model as C++ with a fixed seed, compiles it with a small harness under each compiler given, runs
it and compares its output with `nnc run` (same seed, same input) at rtol 1e-4 / atol 1e-5. Models with small
sources are also built with --sanitizer-compiler under ASan+UBSan, and emitted for 2 threads and built with
-fopenmp by the first compiler.

    check_emitted_cpp.py NNC HARNESS WORKDIR --compiler CXX [--compiler CXX2] [--sanitizer-compiler CXX] MODEL.yaml...
"""
import argparse
import concurrent.futures
import pathlib
import shutil
import subprocess
import sys

import numpy as np

SEED = 7
FLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror"]
SANITIZE = ["-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
SMALL_SOURCE = 300_000  # bytes: larger ones (embedded parameters) take too long to build twice more


def run(cmd):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}\n{result.stdout}{result.stderr}")


def check(nnc, harness, compilers, sanitizer, model, root):
    work = root / model.stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    run([nnc, "emit", model, "--emit", "cpp", "--seed", SEED, "-o", work])
    (header,) = work.glob("*.hpp")
    name = header.stem
    shape = read_shape(header, "input_shape")
    x = np.random.default_rng(SEED).uniform(-1, 1, size=shape).astype(np.float32)
    np.save(work / "x.npy", x)
    x.tofile(work / "x.f32")
    run([nnc, "run", model, "--seed", SEED, "--input", work / "x.npy", "--output", work / "jit.npy"])
    expected = np.load(work / "jit.npy")
    builds = [(pathlib.Path(cxx).name, cxx, FLAGS, work) for cxx in compilers]
    if (work / f"{name}.cpp").stat().st_size < SMALL_SOURCE:
        if sanitizer:
            builds.append(("sanitized", sanitizer, FLAGS + SANITIZE, work))
        (work / "threads").mkdir()
        run([nnc, "emit", model, "--emit", "cpp", "--seed", SEED, "--threads", 2, "-o", work / "threads"])
        builds.append(("openmp", compilers[0], FLAGS + ["-fopenmp"], work / "threads"))
    failures = []
    for tag, cxx, flags, src in builds:
        exe = work / f"model_{tag}"
        try:
            run([cxx, *flags, "-include", src / header.name, f"-DNNC_MODEL={name}", harness, src / f"{name}.cpp", "-o", exe])
            run([exe, work / "x.f32", work / f"out_{tag}.f32"])
        except RuntimeError as e:
            failures.append(f"{tag}: {e}")
            continue
        got = np.fromfile(work / f"out_{tag}.f32", dtype=np.float32)
        if got.size != expected.size or not np.allclose(got, expected.reshape(-1), rtol=1e-4, atol=1e-5):
            worst = np.max(np.abs(got - expected.reshape(-1))) if got.size == expected.size else "size differs"
            failures.append(f"{tag}: output differs from nnc run (max abs difference {worst})")
    return failures


def read_shape(header, which):
    for line in header.read_text().splitlines():
        if f" {which}{{{{" in line:
            return [int(d) for d in line.split("{{")[1].split("}}")[0].split(",")]
    raise RuntimeError(f"{header} declares no {which}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nnc", type=pathlib.Path)
    parser.add_argument("harness", type=pathlib.Path)
    parser.add_argument("workdir", type=pathlib.Path)
    parser.add_argument("--compiler", action="append", required=True)
    parser.add_argument("--sanitizer-compiler", default="")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("models", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    compilers = [c for c in args.compiler if c]

    passed, failed = 0, 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {m: pool.submit(check, args.nnc, args.harness, compilers, args.sanitizer_compiler, m, args.workdir) for m in args.models}
        for model, future in futures.items():
            try:
                failures = future.result()
            except RuntimeError as e:
                failures = [str(e)]
            if failures:
                failed += 1
                print(f"FAIL {model.name}")
                for f in failures:
                    print("  " + f)
            else:
                passed += 1
                print(f"ok   {model.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
