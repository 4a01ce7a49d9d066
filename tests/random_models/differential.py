"""Runs one model through PyTorch, `nnc check`, `nnc run` (the JIT) and, when asked, the emitted C++, and says how
they disagree.

Weights come from torch_numbers.randomize (saved as safetensors), the input from torch_numbers.random_input (.npy),
as in the torch tests. PyTorch's output is computed in float64, once as it is and once with every layer's output
perturbed by a few float32 roundings: nnc's output may differ from the first by the tests' tolerances (rtol 1e-4,
atol 1e-5) plus ROUNDING_SLACK times the perturbation's effect and PyTorch's own float32 error, so that an
ill-conditioned model (a norm over nearly equal values) is not taken for a bug.
"""
import copy
import json
import zlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "torch"))
import nnc_torch  # noqa: E402
import tensor_files  # noqa: E402
import torch_numbers  # noqa: E402

HARNESS = Path(__file__).resolve().parents[1] / "emit" / "harness.cpp"
ROUNDING_SLACK = 10
FLOAT32_ROUNDING = 2.0 ** -23
RUN_TIMEOUT = 60  # seconds for one nnc command or one emitted program: a hang, when exceeded
BUILD_TIMEOUT = 180
# -O1 builds in about 70% of -O2's time (measured) and still optimises; warnings are the emit tests' business.
CXX_FLAGS = ["-std=c++17", "-O1", "-w"]


@dataclass
class Finding:
    kind: str  # rejected, accepted (what PyTorch refuses), crash, hang, error, mismatch
    stage: str  # check, run, emit, build, program
    detail: str
    key: str = ""  # what must stay the same while shrinking: a diagnostic code, a signal
    threads: int = 1  # what the JIT and the emitted code ran on

    def signature(self):
        return (self.kind, self.stage, self.key)

    def __str__(self):
        threads = f" on {self.threads} threads" if self.threads > 1 else ""
        return f"{self.stage} {self.kind}{f' ({self.key})' if self.key else ''}{threads}: {self.detail}"


class Invalid(Exception):
    """The model is not one PyTorch runs: not a finding, the generator or the shrinker went too far."""


def execute(command, stage, timeout=RUN_TIMEOUT, allowed=(0,)):
    """Runs a command; a Finding when it crashes, hangs or exits with a status not `allowed`, else the run."""
    try:
        run = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Finding("hang", stage, f"no exit after {timeout} s: {' '.join(map(str, command))}")
    if run.returncode < 0 or run.returncode > 2:
        return Finding("crash", stage, f"exit status {run.returncode}: {errors(run.stderr)}", str(run.returncode))
    if run.returncode not in allowed:
        return Finding("error", stage, f"exit status {run.returncode}: {errors(run.stderr)}")
    return run


def errors(stderr):
    """What a failing command said, without its warnings."""
    lines = [line for line in stderr.splitlines() if "error" in line or line.startswith(("nnc:", "terminate"))]
    return " | ".join(lines or stderr.strip().splitlines()[-3:])[-1500:]


def references(nnc, text, seed, work):
    """Writes the weights and the input for `text`; returns PyTorch's output (in float64) and the estimate of its
    float32 rounding."""
    try:
        model = nnc_torch.build(yaml.safe_load(text), nnc)
        torch_numbers.randomize(model, seed)
        x = torch_numbers.random_input(model.input_shape, seed)
        with torch.no_grad():
            want32 = model(torch.from_numpy(x)).numpy()
            model64 = copy.deepcopy(model).double()
            want64 = model64(torch.from_numpy(x).double()).numpy()
            perturbed = perturbed_output(model64, torch.from_numpy(x).double(), seed)
    except Exception as e:
        raise Invalid(f"{type(e).__name__}: {e}") from e
    # nnc's tensors have no zero-sized dims; PyTorch's may.
    if any(value.numel() == 0 for value in model.layer_outputs.values()):
        raise Invalid("a layer's output is empty")
    tensor_files.write_safetensors(work / "w.safetensors", torch_numbers.parameters(model))
    tensor_files.write_npy(work / "x.npy", x)
    x.tofile(work / "x.f32")
    return want64, np.abs(want32 - want64) + np.abs(perturbed - want64)


def perturbed_output(model, x, seed):
    """The model's output with each layer's output scaled by 1 + e, e a few float32 roundings at random."""
    g = torch.Generator().manual_seed(seed)

    def perturb(module, inputs, output):
        return output * (1 + (torch.rand(output.shape, generator=g, dtype=output.dtype) * 2 - 1) * 4 * FLOAT32_ROUNDING)

    hooks = [module.register_forward_hook(perturb) for module in model.values()]
    try:
        return model(x).numpy()
    finally:
        for hook in hooks:
            hook.remove()


def mismatch(got, want, rounding, stage):
    """A Finding when `got` differs from PyTorch's output `want` beyond float rounding (`rounding`: its estimate)."""
    if got.size != want.size:
        return Finding("mismatch", stage, f"{got.size} values, PyTorch has {want.size} {list(want.shape)}", "size")
    got, want, rounding = got.reshape(-1).astype(np.float64), want.reshape(-1), rounding.reshape(-1)
    limit = torch_numbers.ATOL + torch_numbers.RTOL * np.abs(want) + ROUNDING_SLACK * rounding
    with np.errstate(invalid="ignore"):
        excess = np.abs(got - want) / limit
    excess[(np.isnan(got) & np.isnan(want)) | (got == want)] = 0
    excess[np.isnan(excess)] = np.inf
    bad = int((excess > 1).sum())
    if not bad:
        return None
    worst = int(np.argmax(excess))
    return Finding("mismatch", stage, f"{bad} of {got.size} values beyond rounding; worst at flat index {worst}: "
                   f"nnc {got[worst]:.9g}, PyTorch {want[worst]:.9g} (rounding estimate {rounding[worst]:.3g})")


def check_stage(nnc, model):
    """A Finding when `nnc check` refuses the model (PyTorch runs it), crashes or hangs."""
    result = execute([nnc, "check", model, "--format", "json"], "check", allowed=(0, 1))
    if isinstance(result, Finding) or result.returncode == 0:
        return result if isinstance(result, Finding) else None
    diagnostics = json.loads(result.stdout)["files"][0]["diagnostics"]
    refused = [d for d in diagnostics if d["severity"] == "error"]
    # The signature: the first error's code and the op (or the part of the model) it names.
    key = f"{refused[0]['code']} {refused[0]['message'].split()[0]}" if refused else ""
    return Finding("rejected", "check", "; ".join(f"{d['code']}: {d['message']}" for d in refused), key)


def run_stage(nnc, model, work, threads):
    result = execute([nnc, "run", model, "--weights", work / "w.safetensors", "--input", work / "x.npy",
                      "--output", work / "jit.npy", "--threads", threads, "--color", "never"], "run")
    return result if isinstance(result, Finding) else np.load(work / "jit.npy")


def cpp_stage(nnc, model, work, cxx, threads):
    """The emitted C++'s output, built with the tests' harness, its weights read from PyTorch's file."""
    out = work / "cpp"
    result = execute([nnc, "emit", model, "--emit", "cpp", "--weights-file", "--threads", threads, "-o", out], "emit")
    if isinstance(result, Finding):
        return result
    (header,) = out.glob("*.hpp")
    exe = work / "model_cpp"
    openmp = ["-fopenmp"] if threads > 1 else []
    result = execute([cxx, *CXX_FLAGS, *openmp, "-include", header, f"-DNNC_MODEL={header.stem}", "-DNNC_WEIGHTS_FILE",
                      HARNESS, out / f"{header.stem}.cpp", "-o", exe], "build", BUILD_TIMEOUT)
    if isinstance(result, Finding):
        return result
    result = execute([exe, work / "x.f32", work / "cpp.f32", work / "w.safetensors"], "program")
    return result if isinstance(result, Finding) else np.fromfile(work / "cpp.f32", dtype=np.float32)


def check_model(nnc, text, seed, work, cxx=None, threads=1):
    """The first way nnc disagrees with PyTorch on the model `text`, or None; raises Invalid when PyTorch does not
    run it. With `cxx`, the emitted C++ is built with that compiler and checked too."""
    found = first_difference(nnc, text, seed, Path(work), cxx, threads)
    if found:
        found.threads = threads
    return found


def first_difference(nnc, text, seed, work, cxx, threads):
    work.mkdir(parents=True, exist_ok=True)
    model = work / "model.yaml"
    model.write_text(text)
    want, rounding = references(nnc, text, seed, work)
    found = check_stage(nnc, model)
    if found:
        return found
    got = run_stage(nnc, model, work, threads)
    if isinstance(got, Finding):
        return got
    found = mismatch(got, want, rounding, "run")
    if found or not cxx:
        return found
    got = cpp_stage(nnc, model, work, cxx, threads)
    return got if isinstance(got, Finding) else mismatch(got, want, rounding, "program")


def refused_alike(nnc, text, work):
    """A Finding when `nnc check` accepts a model that PyTorch refuses (nnc's contract makes PyTorch's errors
    errors), else None; raises Invalid when PyTorch runs the model after all."""
    try:
        nnc_torch.build(yaml.safe_load(text), nnc)
    except Exception as e:
        refusal = f"{type(e).__name__}: {e}".splitlines()[0][:300]
    else:
        raise Invalid("PyTorch runs it")
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    model = work / "refused.yaml"
    model.write_text(text)
    result = execute([nnc, "check", model], "check", allowed=(0, 1))
    if isinstance(result, Finding):
        return result
    return Finding("accepted", "check", f"PyTorch refuses it: {refusal}") if result.returncode == 0 else None


def again(nnc, finding, text, work, cxx):
    """Checks `text` the way that found `finding` (the emitted C++ only when it was at fault); raises Invalid as
    the checks do."""
    if finding.kind == "accepted":
        return refused_alike(nnc, text, work)
    cpp = cxx if finding.stage in ("emit", "build", "program") else None
    return check_model(nnc, text, seed_of(text), work, cpp, finding.threads)


def seed_of(text):
    """The weights' and the input's seed for a model: that of its text, so a model file checks the same anywhere."""
    return zlib.crc32(text.encode())
