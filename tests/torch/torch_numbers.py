"""Runs models through `nnc run` and through PyTorch with the same seeded weights and input, and compares.

Each case is a model (a YAML file or its text): nnc_torch builds it in PyTorch, its parameters get seeded random
values (batchnorm too, so it is not the identity), they are written as safetensors and a seeded random input as
.npy, `nnc run --verify` computes the output (so its JIT is also held to its reference kernels), and the output
must equal PyTorch's (float32, eval mode, no_grad) within rtol / atol, as numpy.allclose counts.
"""
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nnc_torch  # noqa: E402
import tensor_files  # noqa: E402
import torch_twins  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5

warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")


@dataclass
class Case:
    label: str
    model: str  # the YAML text
    seed: int
    rtol: float = RTOL
    atol: float = ATOL


def randomize(model, seed):
    """Seeded parameters: conv, transposed conv and linear uniform in +-1/sqrt(fan_in) (PyTorch's default range,
    fan_in from weight dim 1 on); a norm's affine
    (weight and bias) and batchnorm's running mean and variance all away from the identity; prelu slopes of both
    signs, one per channel; attention's projections and biases (zero by default) uniform in +-1/sqrt(E); a
    parameter standard normal."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.values():
            if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
                bound = module.weight[0].numel() ** -0.5
                for p in module.parameters():
                    p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * bound)
            elif getattr(module, "weight", None) is not None and getattr(module, "bias", None) is not None:
                shape = module.weight.shape
                module.weight.copy_(torch.rand(shape, generator=g) + 0.5)
                module.bias.copy_(torch.rand(shape, generator=g) - 0.5)
                if getattr(module, "running_mean", None) is not None:
                    module.running_mean.copy_(torch.randn(shape, generator=g) * 0.5)
                    module.running_var.copy_(torch.rand(shape, generator=g) * 1.5 + 0.5)
            elif isinstance(module, torch.nn.PReLU):
                module.weight.copy_(torch.rand(module.weight.shape, generator=g) - 0.5)
            elif isinstance(module, torch.nn.MultiheadAttention):
                for p in module.parameters():
                    p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * module.embed_dim ** -0.5)
            elif isinstance(module, torch_twins.Value):
                module.value.copy_(torch.randn(module.value.shape, generator=g))


def parameters(model):
    """The model's state_dict as numpy arrays, without batchnorm's num_batches_tracked (nnc has no use for it)."""
    return {key: value.numpy() for key, value in model.state_dict().items() if not key.endswith("num_batches_tracked")}


def random_input(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def difference(got, want, rtol, atol):
    """Why `got` is not `want` within tolerance, or None."""
    if got.dtype != np.float32 or got.shape != want.shape:
        return f"nnc wrote {got.dtype} {list(got.shape)}, torch has float32 {list(want.shape)}"
    limit = atol + rtol * np.abs(want)
    excess = np.abs(got.astype(np.float64) - want) / limit
    excess[np.isnan(got) & np.isnan(want)] = 0
    excess[np.isnan(excess)] = np.inf
    bad = int((excess > 1).sum())
    if not bad:
        return None
    worst = np.unravel_index(int(np.argmax(excess)), want.shape)
    return (f"{bad} of {want.size} values differ beyond rtol {rtol:g}, atol {atol:g}; worst at {list(worst)}: "
            f"nnc {got[worst]:.9g}, torch {want[worst]:.9g}")


def max_abs_difference(got, want):
    return float(np.max(np.abs(got.astype(np.float64) - want))) if want.size else 0.0


def check_case(nnc, case, directory):
    """None when nnc agrees with PyTorch on `case`, else what went wrong; and the largest difference seen."""
    directory = Path(directory)
    model_file, weights, x_file, y_file = (directory / n for n in ("model.yaml", "w.safetensors", "x.npy", "y.npy"))
    model_file.write_text(case.model)
    model = nnc_torch.build(yaml.safe_load(case.model), nnc)
    randomize(model, case.seed)
    x = random_input(model.input_shape, case.seed)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    tensor_files.write_safetensors(weights, parameters(model))
    tensor_files.write_npy(x_file, x)
    command = [nnc, "run", str(model_file), "--weights", str(weights), "--input", str(x_file),
               "--output", str(y_file), "--verify", "--color", "never"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        return f"nnc run exited with {run.returncode}:\n{run.stderr.strip()}", None
    got = np.load(y_file)
    return difference(got, want, case.rtol, case.atol), max_abs_difference(got, want)


def check_cases(nnc, cases, workers=2):
    """Checks every case, `workers` at a time, and prints a line per case (and why, on failure).
    Returns the numbers of cases passed and failed."""
    torch.set_num_threads(1)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="nnc-numbers-") as tmp, ThreadPoolExecutor(workers) as pool:

        def check(indexed):
            index, case = indexed
            directory = Path(tmp) / str(index)
            directory.mkdir()
            try:
                return check_case(nnc, case, directory)
            except Exception as e:  # a case PyTorch cannot build is a finding, not a crash of the checker
                return f"{type(e).__name__}: {e}", None

        for case, (problem, max_diff) in zip(cases, pool.map(check, enumerate(cases))):
            if problem:
                failed += 1
                print(f"FAIL {case.label}")
                print("    " + problem.replace("\n", "\n    "))
            else:
                print(f"ok   {case.label}  (largest difference {max_diff:.2g})")
    return len(cases) - failed, failed
