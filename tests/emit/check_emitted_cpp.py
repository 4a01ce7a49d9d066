"""Emits each model as C++, compiles it with a small harness under each compiler given, runs it, and compares its
output with `nnc run` and with PyTorch at rtol 1e-4 / atol 1e-5, all three on the same input and the same weights:
seeded random ones made in PyTorch (batchnorm away from the identity) and saved as safetensors with the whole
state_dict (so the file also holds batchnorm's num_batches_tracked, a key nnc does not use).

Every model is also emitted with --weights-file and built by the first compiler with the harness's
-DNNC_WEIGHTS_FILE variant, which loads the weights first: once from the file nnc wrote, once from PyTorch's.
The --weights-file sources are also built with the prologue's portable vectors (-DNNC_RT_PORTABLE) and with
-O3 -march=native by the last compiler. Models with small sources are also built with --sanitizer-compiler under
ASan+UBSan, and emitted for 2 threads and built with -fopenmp by the first compiler; large embedded sources (parameter
literals, slow to parse) are built by the first compiler only.

    check_emitted_cpp.py NNC HARNESS WORKDIR --compiler CXX [--compiler CXX2] [--sanitizer-compiler CXX] MODEL.yaml...
"""
import pathlib
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "torch"))
import nnc_torch  # noqa: E402
import tensor_files  # noqa: E402
import torch_numbers  # noqa: E402
import model_checks  # noqa: E402
from model_checks import FLAGS, SANITIZE, run  # noqa: E402

SEED = 7
RTOL, ATOL = torch_numbers.RTOL, torch_numbers.ATOL
SMALL_SOURCE = 300_000  # bytes: larger ones (embedded parameters) take too long to build twice more


def mismatch(got, want, label):
    """Why the emitted program's output `got` (flat) is not `want` within tolerance, or None."""
    want = want.reshape(-1)
    if got.size != want.size:
        return f"{got.size} values, but {label} has {want.size}"
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
    if not bad.any():
        return None
    worst = int(np.argmax(np.where(bad, np.abs(got.astype(np.float64) - want), -1)))
    return (f"{int(bad.sum())} of {want.size} values differ from {label} beyond rtol {RTOL:g}, atol {ATOL:g}; "
            f"worst at flat index {worst}: emitted {got[worst]:.9g}, {label} {want[worst]:.9g}")


def references(nnc, model, work):
    """Writes the weights (w.safetensors) and the input (x.f32, x.npy); returns {label: expected output}."""
    torch_model = nnc_torch.load(model, nnc)
    torch_numbers.randomize(torch_model, SEED)
    x = torch_numbers.random_input(torch_model.input_shape, SEED)
    with torch.no_grad():
        expected_torch = torch_model(torch.from_numpy(x)).numpy()
    tensor_files.write_safetensors(work / "w.safetensors", {k: v.numpy() for k, v in torch_model.state_dict().items()})
    tensor_files.write_npy(work / "x.npy", x)
    x.tofile(work / "x.f32")
    run([nnc, "run", model, "--weights", work / "w.safetensors", "--input", work / "x.npy", "--output", work / "jit.npy"])
    return {"nnc run": np.load(work / "jit.npy"), "torch": expected_torch}


def native_flags(cxx):
    """-O3 -march=native; clang 19 warns about its own detection of hosts with AVX10.1 ("invalid feature combination"),
    which says nothing about the emitted code, so that one warning is not an error."""
    flags = ["-O3", "-march=native"]
    return flags + ["-Wno-invalid-feature-combination"] if "clang" in pathlib.Path(cxx).name else flags


def check(nnc, harness, compilers, sanitizer, model, root):
    work = root / model.stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    expected = references(nnc, model, work)
    emit = [nnc, "emit", model, "--emit", "cpp", "--weights", work / "w.safetensors"]
    run([*emit, "-o", work / "embedded"])
    run([*emit, "--weights-file", "-o", work / "weights_file"])
    (header,) = (work / "embedded").glob("*.hpp")
    name = header.stem

    # (tag, compiler, flags, directory of the sources, weights files to load: none for embedded parameters)
    small = (work / "embedded" / f"{name}.cpp").stat().st_size < SMALL_SOURCE
    # Large embedded sources are mostly parameter literals: one compiler parses them, the others build --weights-file.
    builds = [(pathlib.Path(cxx).name, cxx, FLAGS, work / "embedded", []) for cxx in (compilers if small else compilers[:1])]
    builds.append(("weights_file", compilers[0], FLAGS + ["-DNNC_WEIGHTS_FILE"], work / "weights_file",
                   [work / "weights_file" / f"{name}.safetensors", work / "w.safetensors"]))
    # The prologue's two implementations of vectors: plain arrays, and vector registers as wide as this CPU has.
    weights_file_only = [work / "weights_file" / f"{name}.safetensors"]
    builds.append(("portable", compilers[0], FLAGS + ["-DNNC_WEIGHTS_FILE", "-DNNC_RT_PORTABLE"], work / "weights_file",
                   weights_file_only))
    builds.append(("native", compilers[-1], FLAGS + ["-DNNC_WEIGHTS_FILE"] + native_flags(compilers[-1]), work / "weights_file",
                   weights_file_only))
    if small:
        if sanitizer:
            builds.append(("sanitized", sanitizer, FLAGS + SANITIZE, work / "embedded", []))
        run([*emit, "--threads", 2, "-o", work / "threads"])
        builds.append(("openmp", compilers[0], FLAGS + ["-fopenmp"], work / "threads", []))
    failures = []
    for tag, cxx, flags, src, weights_files in builds:
        exe = work / f"model_{tag}"
        try:
            run([cxx, *flags, "-include", src / header.name, f"-DNNC_MODEL={name}", harness, src / f"{name}.cpp", "-o", exe])
        except RuntimeError as e:
            failures.append(f"{tag}: {e}")
            continue
        for weights in weights_files or [None]:
            run_tag = f"{tag} ({weights.relative_to(work)})" if weights else tag
            out = work / f"out_{tag}.f32"
            try:
                run([exe, work / "x.f32", out, *([weights] if weights else [])])
            except RuntimeError as e:
                failures.append(f"{run_tag}: {e}")
                continue
            got = np.fromfile(out, dtype=np.float32)
            failures += [f"{run_tag}: {problem}" for label, want in expected.items() if (problem := mismatch(got, want, label))]
    return failures


def main():
    parser = model_checks.argument_parser()
    parser.add_argument("--sanitizer-compiler", default="")
    args = parser.parse_args()
    compilers = [c for c in args.compiler if c]
    torch.set_num_threads(1)

    return model_checks.check_all(lambda m: check(args.nnc, args.harness, compilers, args.sanitizer_compiler, m, args.workdir), args.models, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
