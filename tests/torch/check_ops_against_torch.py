"""Holds every op's numbers in `nnc run` to PyTorch's, over a seeded sample of the shape table's accepted cases.

The sample takes a quota of cases per op and, first, cases showing each attribute that is easy to get wrong
(TAGS); every tag must be found. A case becomes a model as tests/shapes/case_model.cpp builds it: an op reading
one input is the model's only layer; the ops reading `inputs:` (add, concat, ...) read inputs built from a [1, 2, 4, 4] model input by a 1x1
conv2d (the channels), adaptive_avgpool2d (the spatial sizes) and flatten (rank 1 to 3); an op reading nothing
leaves that model input unread. Each model is then checked
like an example (see torch_numbers.py). Prints one line per case and "N passed, M failed".

    check_ops_against_torch.py --nnc build/bin/nnc [--table tests/shapes/shape_table.json] [--seed 1]
"""
import argparse
import json
import random
import sys
from pathlib import Path

import torch_numbers
import torch_twins

HERE = Path(__file__).resolve().parent
TABLE = HERE.parent / "shapes" / "shape_table.json"

# Cases per op (all of them when the table has fewer).
QUOTA = {"conv2d": 50, "maxpool2d": 32, "avgpool2d": 32, "concat": 16, "adaptive_avgpool2d": 12, "linear": 10,
         "softmax": 10, "flatten": 8, "batchnorm2d": 6, "gelu": 6, "add": 6, "leaky_relu": 4, "dropout": 3,
         "relu": 3, "sigmoid": 3, "tanh": 3, "silu": 3, "sub": 6, "mul": 6, "div": 6, "layernorm": 8, "groupnorm": 8,
         "instancenorm2d": 6, "mean": 10, "parameter": 3, "matmul": 12, "multihead_attention": 10,
         "reshape": 8, "squeeze": 6, "unsqueeze": 6, "permute": 8, "transpose": 8, "select": 8,
         "slice": 16, "channel_shuffle": 6, "pixel_shuffle": 6,
         "conv_transpose2d": 30, "upsample": 24, "pad": 24, "adaptive_maxpool2d": 8}
# Cases of every other op in the table.
DEFAULT_QUOTA = 3
# Cases sampled first for each tag (see tags()).
PER_TAG = 2
BUILT_SOURCE = [1, 2, 4, 4]


def pair(value):
    return list(value) if isinstance(value, list) else [value, value]


def pool_axis_tags(size, kernel, stride, padding, dilation, ceil_mode):
    """ceil_mode's extra window, when PyTorch drops it (it would start in the right padding) and when the last
    window reaches past the padded input (avgpool's divisor then counts only the part inside)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    if not ceil_mode or span % stride == 0:
        return set()
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + padding:
        return {"ceil_mode dropping the last window"}
    if (out - 1) * stride + dilation * (kernel - 1) + 1 > size + 2 * padding:
        return {"ceil_mode window past the padding"}
    return {"ceil_mode extra window"}


def tags(case):
    """The tricky attributes a case shows."""
    op, a, inputs = case["op"], case["attrs"], case["inputs"]
    shape = inputs[0] if inputs else []
    found = set()
    if op == "conv2d":
        kernel, dilation = pair(a["kernel_size"]), pair(a.get("dilation", 1))
        found |= {f"padding_mode {a['padding_mode']}"} if a.get("padding_mode", "zeros") != "zeros" else set()
        if a.get("padding") == "same":
            uneven = any(d * (k - 1) % 2 for k, d in zip(kernel, dilation))
            found.add("padding same, uneven" if uneven else "padding same")
        if a.get("padding") == "valid":
            found.add("padding valid")
        if max(dilation) > 1:
            found.add("dilation")
        groups = a.get("groups", 1)
        if groups > 1:
            found.add("depthwise" if groups == shape[1] else "groups")
        if max(pair(a.get("stride", 1))) > 1:
            found.add("stride")
        if a.get("bias") is False:
            found.add("bias false")
    elif op in ("maxpool2d", "avgpool2d"):
        kernel = pair(a["kernel_size"])
        stride = pair(a.get("stride", a["kernel_size"]))
        padding, dilation = pair(a.get("padding", 0)), pair(a.get("dilation", 1))
        for axis in range(2):
            found |= pool_axis_tags(shape[2 + axis], kernel[axis], stride[axis], padding[axis], dilation[axis],
                                    a.get("ceil_mode", False))
        if max(padding) > 0:
            found.add("padding")
            if a.get("count_include_pad") is False:
                found.add("count_include_pad false")
        if max(dilation) > 1:
            found.add("dilation")
    elif op == "conv_transpose2d":
        for name, default in (("stride", 1), ("padding", 0), ("output_padding", 0), ("dilation", 1)):
            if max(pair(a.get(name, default))) > default:
                found.add(name)
        if a.get("groups", 1) > 1:
            found.add("groups")
        if a.get("bias") is False:
            found.add("bias false")
    elif op == "upsample":
        mode = a.get("mode", "nearest")
        scale = a.get("scale_factor")
        if scale is not None:
            fractional = any(float(f) != int(f) for f in pair(scale))
            found.add(f"{mode}, {'fractional' if fractional else 'integer'} scale_factor")
        else:
            found.add(f"{mode}, size")
        if a.get("align_corners"):
            found.add("align_corners")
    elif op == "pad":
        found.add(f"mode {a.get('mode', 'constant')}")
        if min(a["pad"]) < 0:
            found.add("cropping")
    elif op in ("adaptive_avgpool2d", "adaptive_maxpool2d"):
        size = a["output_size"] if isinstance(a["output_size"], list) else [a["output_size"]] * 2
        if None in size:
            found.add("output_size with null")
        out = [n if o is None else o for o, n in zip(size, shape[2:])]
        if any(n % o for n, o in zip(shape[2:], out)):
            found.add("uneven windows")
        if any(o > n for n, o in zip(shape[2:], out)):
            found.add("more outputs than inputs")
    elif op == "gelu" and a.get("approximate") == "tanh":
        found.add("approximate tanh")
    elif op == "softmax":
        found.add("negative dim" if a.get("dim", 1) < 0 else f"dim {a.get('dim', 1)}")
    elif op == "concat":
        found.add("negative dim" if a.get("dim", 1) < 0 else "dim >= 0")
        if len({tuple(s) for s in inputs}) > 1:
            found.add("unequal inputs")
    elif op in ("add", "sub", "mul", "div"):
        if len(inputs) >= 3:
            found.add("3 inputs")
        if any(s != shape for s in inputs):
            found.add("broadcast")
    elif op == "linear" and len(shape) >= 3:
        found.add("rank >= 3")
    elif op == "flatten" and (a.get("start_dim", 1) != 1 or a.get("end_dim", -1) != -1):
        found.add("partial range")
    elif op == "mean":
        dims = sorted(d % len(shape) for d in (a["dim"] if isinstance(a["dim"], list) else [a["dim"]]))
        found.add("inner dims" if dims[-1] == len(shape) - 1 else "outer dims")
        if a.get("keepdim"):
            found.add("keepdim")
    elif op == "matmul":
        if 1 in (len(inputs[0]), len(inputs[1])):
            found.add("1-D operand")
        if len(inputs[0]) > 2 or len(inputs[1]) > 2:
            found.add("batch" if inputs[0][:-2] == inputs[1][:-2] else "broadcast batch")
    elif op == "multihead_attention":
        found.add("cross-attention" if len(inputs) == 3 else "self-attention")
        if a.get("batch_first") is False:
            found.add("batch_first false")
        if a.get("bias") is False:
            found.add("bias false")
    elif op == "reshape" and -1 in (a["shape"] if isinstance(a["shape"], list) else [a["shape"]]):
        found.add("-1")
    elif op == "squeeze" and shape[a["dim"]] != 1:
        found.add("dim not of size 1")
    elif op == "unsqueeze" and a["dim"] in (len(shape), -1):
        found.add("new last dim")
    elif op == "permute" and min(a["dims"] if isinstance(a["dims"], list) else [a["dims"]]) < 0:
        found.add("negative dims")
    elif op == "select" and a["index"] < 0:
        found.add("negative index")
    elif op == "slice":
        size = shape[a["dim"]]
        bounds = [a.get("start", 0), a.get("end")]
        found |= {"negative bound"} if any(b is not None and -size <= b < 0 for b in bounds) else set()
        found |= {"clamped bound"} if any(b is not None and not -size <= b <= size for b in bounds) else set()
        found |= {"end null"} if "end" in a and a["end"] is None else set()
        found |= {"step > 1"} if a.get("step", 1) > 1 else set()
    elif op == "pixel_shuffle" and len(shape) == 3:
        found.add("3-dim input")
    return {f"{op}: {t}" for t in found}


REQUIRED_TAGS = {
    "conv2d: padding_mode reflect", "conv2d: padding_mode replicate", "conv2d: padding_mode circular",
    "conv2d: padding same, uneven", "conv2d: dilation", "conv2d: groups", "conv2d: depthwise", "conv2d: stride",
    "maxpool2d: ceil_mode dropping the last window", "maxpool2d: dilation", "maxpool2d: padding",
    "avgpool2d: ceil_mode dropping the last window", "avgpool2d: ceil_mode window past the padding",
    "avgpool2d: count_include_pad false", "adaptive_avgpool2d: uneven windows", "gelu: approximate tanh",
    "softmax: negative dim", "concat: negative dim", "concat: unequal inputs", "add: 3 inputs",
    "add: broadcast", "sub: broadcast", "mul: broadcast", "div: broadcast",
    "linear: rank >= 3", "flatten: partial range", "mean: inner dims", "mean: outer dims", "mean: keepdim",
    "matmul: 1-D operand", "matmul: batch", "matmul: broadcast batch", "multihead_attention: self-attention",
    "multihead_attention: cross-attention", "multihead_attention: batch_first false", "multihead_attention: bias false",
    "reshape: -1", "squeeze: dim not of size 1",
    "unsqueeze: new last dim", "permute: negative dims", "select: negative index", "slice: negative bound",
    "slice: clamped bound", "slice: end null", "slice: step > 1", "pixel_shuffle: 3-dim input",
    "conv_transpose2d: stride", "conv_transpose2d: padding", "conv_transpose2d: output_padding",
    "conv_transpose2d: dilation", "conv_transpose2d: groups", "conv_transpose2d: bias false",
    "upsample: nearest, integer scale_factor", "upsample: nearest, fractional scale_factor", "upsample: nearest, size",
    "upsample: bilinear, integer scale_factor", "upsample: bilinear, fractional scale_factor", "upsample: bilinear, size",
    "upsample: align_corners", "pad: mode constant", "pad: mode reflect", "pad: mode replicate", "pad: mode circular",
    "pad: cropping", "adaptive_maxpool2d: uneven windows", "adaptive_maxpool2d: output_size with null",
}


def sample(cases, seed):
    """Per op: PER_TAG cases for each tag, then random cases up to the op's quota; in table order."""
    rng = random.Random(seed)
    chosen = set()
    ops = list(QUOTA) + sorted({c["op"] for c in cases} - set(QUOTA))
    for op in ops:
        quota = QUOTA.get(op, DEFAULT_QUOTA)
        indices = [i for i, c in enumerate(cases) if c["op"] == op]
        rng.shuffle(indices)
        picked = []
        for tag in sorted({t for i in indices for t in tags(cases[i])}):
            picked += [i for i in indices if tag in tags(cases[i]) and i not in picked][:PER_TAG]
        by_tag = len(picked)
        picked += [i for i in indices if i not in picked]
        chosen.update(picked[:max(quota, by_tag)])
    return [cases[i] for i in sorted(chosen)]


def yaml_value(value):
    """An attribute as a model file writes it: 3, [3, 2], null, same, true, 0.001."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return value if isinstance(value, str) else json.dumps(value)


def flow_layer(op, name, attrs):
    return f"  - {{op: {op}, name: {name}, {attrs}}}\n"


def build_input(name, shape):
    """The layers turning the [1, 2, 4, 4] model input into a tensor of `shape`, the last one named `name`."""
    rank = len(shape)
    if rank not in (1, 2, 3, 4) or (rank == 4 and shape[0] != 1):
        raise ValueError(f"cannot build an input of shape {shape}")
    channels = shape[1] if rank == 4 else 1 if rank == 1 else shape[0]
    height = 1 if rank <= 2 else shape[-2]
    pooled = name if rank == 4 else name + "_size"
    text = flow_layer("conv2d", name + "_channels", f"input: input, out_channels: {channels}, kernel_size: 1")
    text += flow_layer("adaptive_avgpool2d", pooled, f"output_size: [{height}, {shape[-1]}]")
    if rank < 4:
        text += flow_layer("flatten", name, f"start_dim: 0, end_dim: {4 - rank}")
    return text


def case_model(twins, case):
    """The YAML model putting one table case to nnc; its output is the layer under test."""
    op, inputs = case["op"], case["inputs"]
    layers, reads = "", ""
    form = twins.ops[op]["inputs"]["form"]
    if form == "list" or (form == "one_or_list" and len(inputs) != 1):
        names = [f"in{i}" for i in range(len(inputs))]
        layers = "".join(build_input(n, s) for n, s in zip(names, inputs))
        reads = f"    inputs: [{', '.join(names)}]\n"
        source = BUILT_SOURCE
    elif form == "none":
        # The model input goes unread.
        source = BUILT_SOURCE
    else:
        source = inputs[0]
    attrs = "".join(f"    {k}: {yaml_value(v)}\n" for k, v in case["attrs"].items())
    return (f"name: op_case\ninput:\n  shape: {yaml_value(source)}\nlayers:\n{layers}"
            f"  - op: {op}\n    name: case\n{reads}{attrs}output: case\n")


def label(case):
    attrs = ", ".join(f"{k}={yaml_value(v)}" for k, v in case["attrs"].items())
    return f"{case['op']}({attrs}) on {' '.join(map(str, case['inputs']))}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True, help="the nnc binary")
    parser.add_argument("--table", type=Path, default=TABLE, help="the shape table")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample, the weights and the inputs")
    args = parser.parse_args()

    accepted = [c for c in json.loads(args.table.read_text())["cases"] if "output" in c]
    chosen = sample(accepted, args.seed)
    covered = set().union(*map(tags, chosen))
    print(f"{len(chosen)} of {len(accepted)} accepted cases, showing {len(covered)} tags: {', '.join(sorted(covered))}")
    problems = [f"the sample shows no case of {tag}" for tag in sorted(REQUIRED_TAGS - covered)]
    for problem in problems:
        print(f"FAIL {problem}")
    twins = torch_twins.registry(args.nnc)
    cases = [torch_numbers.Case(label(c), case_model(twins, c), args.seed * 100003 + i) for i, c in enumerate(chosen)]
    passed, failed = torch_numbers.check_cases(args.nnc, cases)
    failed += len(problems)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
