"""Emits each model as the AOT bundle (`nnc emit --emit obj`: NAME.o and NAME.hpp) with seeded weights from a
safetensors file, links it into the C++ harness with each compiler given (and nothing from nnc), runs it, and compares
its output with `nnc run` and with PyTorch on the same weights and input, at rtol 1e-4 / atol 1e-5. The bundle must
define one global symbol, nnc_NAME_forward, and need no nnc_ symbol; the link must print nothing (no warning). Each
model is also emitted for 2 threads, whose parallel loops the bundle runs serially, and checked with the first compiler.

    check_emitted_obj.py NNC HARNESS WORKDIR --compiler CXX [--compiler CXX2] MODEL.yaml...
"""
import pathlib
import shutil
import sys
import zlib

import numpy as np
import torch
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "torch"))
import nnc_torch  # noqa: E402
import tensor_files  # noqa: E402
import torch_numbers  # noqa: E402
import model_checks  # noqa: E402
from model_checks import FLAGS, run  # noqa: E402

RTOL, ATOL = torch_numbers.RTOL, torch_numbers.ATOL


def symbol_problems(nm, obj, name):
    """What is wrong with the symbols the bundle defines and needs, if anything."""
    problems = []
    undefined = run([nm, "--undefined-only", "--format=just-symbols", obj])[0].split()
    if needed := [s for s in undefined if s.startswith("nnc_")]:
        problems.append(f"{obj.name} needs nnc symbols: {needed}")
    defined = run([nm, "--extern-only", "--defined-only", "--format=just-symbols", obj])[0].split()
    if defined != [f"nnc_{name}_forward"]:
        problems.append(f"{obj.name} defines the global symbols {defined}, not just nnc_{name}_forward")
    return problems


def torch_reference(nnc, model_file, seed, work):
    """PyTorch's output for seeded weights (written as work/w.safetensors) and input (work/x.npy, work/x.f32)."""
    model = nnc_torch.build(yaml.safe_load(model_file.read_text()), nnc, default_name=model_file.stem)
    torch_numbers.randomize(model, seed)
    x = torch_numbers.random_input(model.input_shape, seed)
    tensor_files.write_safetensors(work / "w.safetensors", torch_numbers.parameters(model))
    tensor_files.write_npy(work / "x.npy", x)
    x.tofile(work / "x.f32")
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def check(nnc, harness, compilers, nm, model_file, root):
    work = root / model_file.stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    want = torch_reference(nnc, model_file, zlib.crc32(model_file.name.encode()), work)
    weights = ["--weights", work / "w.safetensors"]
    run([nnc, "run", model_file, *weights, "--input", work / "x.npy", "--output", work / "jit.npy"])
    jit = np.load(work / "jit.npy")

    failures, builds = [], []
    for threads in (1, 2):
        bundle = work / f"threads{threads}"
        run([nnc, "emit", model_file, "--emit", "obj", *weights, "--threads", threads, "-o", bundle])
        (header,) = bundle.glob("*.hpp")
        name = header.stem
        failures += symbol_problems(nm, bundle / f"{name}.o", name)
        for cxx in (compilers if threads == 1 else compilers[:1]):
            builds.append((f"{pathlib.Path(cxx).name}, {threads} threads", cxx, bundle, name))

    for tag, cxx, bundle, name in builds:
        exe, out = bundle / f"model_{pathlib.Path(cxx).name}", bundle / f"out_{pathlib.Path(cxx).name}.f32"
        try:
            _, link_messages = run([cxx, *FLAGS, "-include", bundle / f"{name}.hpp", f"-DNNC_MODEL={name}", harness,
                                    bundle / f"{name}.o", "-o", exe])
            if link_messages:
                failures.append(f"{tag}: the build printed\n{link_messages}")
            run([exe, work / "x.f32", out])
        except RuntimeError as e:
            failures.append(f"{tag}: {e}")
            continue
        got = np.fromfile(out, dtype=np.float32).reshape(jit.shape)
        for reference, label in ((jit, "nnc run"), (want, "PyTorch")):
            if problem := torch_numbers.difference(got, reference, RTOL, ATOL):
                failures.append(f"{tag}: differs from {label}: {problem}")
    return failures


def main():
    parser = model_checks.argument_parser()
    parser.add_argument("--nm", default="nm")
    args = parser.parse_args()
    compilers = [c for c in args.compiler if c]
    torch.set_num_threads(1)

    return model_checks.check_all(lambda m: check(args.nnc, args.harness, compilers, args.nm, m, args.workdir), args.models, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
