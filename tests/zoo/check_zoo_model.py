"""One torchvision model through the exporter (tools/nnc_export.py), `nnc run` and the emitted C++, against
torchvision's own output: max|diff| <= 1e-3 * max|ref| for both.

The model is built with weights=None and seeded; batchnorm's running statistics, every norm's affine and the free
parameters (ConvNeXt's layer scale, ViT's class token and position embedding) are randomised with a fixed seed, away
from the identity, so that a wrong mapping shows in the numbers.

    check_zoo_model.py NNC HARNESS WORKDIR --compiler CXX MODEL SIZE [--yaml MODEL.yaml [--set NAME=VALUE]...]
                       [--kwarg NAME=VALUE]... [--tag TAG]

With --yaml, the model file given (written by hand with torchvision's layer names) takes the exported one's place,
with torchvision's state_dict saved as its weights; each --set is passed to `nnc run` and `nnc emit` for the model's
arguments. Each --kwarg (a Python literal) is passed to torchvision's builder, e.g. `--set width=50 --kwarg
width_mult=0.5` for examples/networks/mobilenet_v2.yaml. --tag names the work directory (default: MODEL), so that
checks of one model with different arguments can run side by side.

A model in WAITING_FOR must fail in nnc with unknown-op errors for those ops only (and this check then passes); once
it runs, the check fails until the model is taken off the list. A model in UNSUPPORTED must fail in the exporter
with an error containing the given text.
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import torch
import torchvision

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))
sys.path.insert(0, str(HERE.parent / "emit"))
sys.path.insert(0, str(HERE.parent / "torch"))
import nnc_export  # noqa: E402
import tensor_files  # noqa: E402
from model_checks import FLAGS, run  # noqa: E402

SEED = 11
TOLERANCE = 1e-3  # times max|ref|

# Models that cannot run until these ops are in nnc: the ops their export uses that nnc does not know yet. Take a
# model off this list (or an op off its entry) when the branch that adds the ops merges.
WAITING_FOR = {}

# Models nnc's contract cannot express: a text the exporter's error must contain.
UNSUPPORTED = {
    **{m: "Swin's shifted-window attention needs torch.roll and relative-position bias indexing"
       for m in ("swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b")},
    "maxvit_t": "node 'einsum' (call_function torch.einsum): nnc's contract has no op for it",
}


def build(name, size, kwargs=()):
    torch.manual_seed(SEED)
    if name in torchvision.models.list_models(module=torchvision.models.segmentation):
        return torchvision.models.get_model(name, weights=None, weights_backbone=None, **dict(kwargs))
    extra = {"image_size": size} if name.startswith("vit_") else {}
    return torchvision.models.get_model(name, weights=None, **extra, **dict(kwargs))


def randomize(model):
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (torch.nn.modules.batchnorm._NormBase, torch.nn.LayerNorm, torch.nn.GroupNorm)):
                if getattr(module, "weight", None) is not None:
                    module.weight.copy_(torch.rand(module.weight.shape, generator=g) + 0.5)
                    module.bias.copy_(torch.rand(module.bias.shape, generator=g) - 0.5)
                if getattr(module, "running_mean", None) is not None:
                    module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=g) * 0.5)
                    module.running_var.copy_(torch.rand(module.running_var.shape, generator=g) * 1.5 + 0.5)
        for name, p in model.named_parameters():
            leaf = name.rpartition(".")[2]
            if leaf == "layer_scale":
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            elif leaf in ("class_token", "pos_embedding"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)


def compare(got, want, label):
    got = got.reshape(-1)
    want = want.reshape(-1)
    if got.size != want.size:
        return f"{label}: {got.size} values, torchvision has {want.size}"
    worst = float(np.abs(got.astype(np.float64) - want).max())
    limit = TOLERANCE * float(np.abs(want).max())
    if not worst <= limit:
        return f"{label}: max|diff| {worst:.3g} > {limit:.3g} (1e-3 * max|ref|)"
    print(f"{label}: max|diff| {worst:.3g} <= {limit:.3g}")
    return None


def unknown_ops(nnc, model_yaml):
    """The ops nnc rejects as unknown, and the other errors of `nnc check`."""
    out, _ = run_status([nnc, "check", model_yaml, "--format", "json"])
    diagnostics = json.loads(out)["files"][0]["diagnostics"]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    unknown = {d["message"].split("'")[1] for d in errors if d["code"] == "unknown-op"}
    others = [f"{d['code']}: {d['message']}" for d in errors if d["code"] != "unknown-op"]
    return unknown, others


def run_status(cmd):
    """stdout and exit status of a command that may fail."""
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    return result.stdout, result.returncode


def check(args):
    work = args.workdir / args.tag
    work.mkdir(parents=True, exist_ok=True)
    model = build(args.model, args.size, args.kwarg)
    randomize(model)
    model.eval()
    shape = [1, 3, args.size, args.size]
    if args.yaml:  # a model written by hand with torchvision's layer names: its state_dict loads unchanged
        model_yaml, weights = args.yaml, work / "weights.safetensors"
        tensor_files.write_safetensors(weights, {key: value.numpy() for key, value in model.state_dict().items()
                                                 if not key.endswith("num_batches_tracked")})
        return run_and_compare(args, model, model_yaml, weights, shape, work)
    model_yaml = work / f"{args.model}.yaml"
    try:
        nnc_export.export(model, shape, model_yaml, origin=f"torchvision.models {args.model}")
    except nnc_export.ExportError as e:
        expected = UNSUPPORTED.get(args.model)
        if expected and any(expected in p for p in e.problems):
            print(f"{args.model}: the exporter reports, as expected:\n  " + "\n  ".join(e.problems[:3]))
            return []
        return ["the exporter failed:"] + e.problems
    if args.model in UNSUPPORTED:
        return [f"exported, but UNSUPPORTED says the exporter reports: {UNSUPPORTED[args.model]}"]

    unknown, others = unknown_ops(args.nnc, model_yaml)
    waiting = WAITING_FOR.get(args.model)
    if others:
        return ["nnc check:"] + others
    if waiting is not None:
        if not unknown:
            return [f"nnc knows every op now: take {args.model} off WAITING_FOR in {pathlib.Path(__file__).name}"]
        if unknown - waiting:
            return [f"nnc lacks {sorted(unknown - waiting)}, which WAITING_FOR does not list"]
        print(f"{args.model}: expected failure, waiting for {sorted(unknown)}")
        return []
    if unknown:
        return [f"nnc lacks {sorted(unknown)}"]
    return run_and_compare(args, model, model_yaml, model_yaml.with_suffix(".safetensors"), shape, work)


def run_and_compare(args, model, model_yaml, weights, shape, work):
    """Failures of `nnc run` and of the emitted C++ against torchvision's output, on a seeded input."""
    x = np.random.default_rng(SEED).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        ref = model(torch.from_numpy(x))
    ref = (ref["out"] if isinstance(ref, dict) else ref).numpy()
    np.save(work / "x.npy", x)
    x.tofile(work / "x.f32")
    sets = [a for name, value in args.set for a in ("--set", f"{name}={value}")]
    run([args.nnc, "run", model_yaml, *sets, "--input", work / "x.npy", "--weights", weights, "--output", work / "y.npy"])
    failures = [compare(np.load(work / "y.npy"), ref, "nnc run")]

    emitted = work / "cpp"
    run([args.nnc, "emit", model_yaml, *sets, "--emit", "cpp", "--weights", weights, "--weights-file", "-o", emitted])
    (header,) = emitted.glob("*.hpp")
    exe = work / "model"
    # -O0: a third of -O2's build time for these big sources, and the numbers are the same; tests/emit builds the
    # emitted code optimised.
    run([args.compiler, *FLAGS, "-O0", "-DNNC_WEIGHTS_FILE", "-include", header, f"-DNNC_MODEL={header.stem}", args.harness,
         emitted / f"{header.stem}.cpp", "-o", exe])
    run([exe, work / "x.f32", work / "y.f32", emitted / f"{header.stem}.safetensors"])
    failures.append(compare(np.fromfile(work / "y.f32", dtype=np.float32), ref, "emitted C++"))
    return [f for f in failures if f]


def name_value(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=VALUE")
    return name, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nnc", type=pathlib.Path)
    parser.add_argument("harness", type=pathlib.Path)
    parser.add_argument("workdir", type=pathlib.Path)
    parser.add_argument("--compiler", required=True)
    parser.add_argument("model")
    parser.add_argument("size", type=int)
    parser.add_argument("--yaml", type=pathlib.Path, help="check this model file instead of the exported one")
    parser.add_argument("--set", action="append", default=[], type=name_value, metavar="NAME=VALUE",
                        help="an argument of the --yaml model, passed to nnc")
    parser.add_argument("--kwarg", action="append", default=[], type=nnc_export.parse_kwarg, metavar="NAME=VALUE",
                        help="an argument of torchvision's builder (a Python literal)")
    parser.add_argument("--tag", help="the work directory's name (default: the model's)")
    args = parser.parse_args()
    if args.set and not args.yaml:
        parser.error("--set needs --yaml: an exported model has no arguments")
    args.tag = args.tag or args.model
    torch.set_num_threads(1)
    failures = check(args)
    for f in failures:
        print("FAIL " + f)
    if not failures:  # the weights of the big ones take gigabytes, twice
        shutil.rmtree(args.workdir / args.tag)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
