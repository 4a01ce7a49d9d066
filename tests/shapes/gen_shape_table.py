#!/usr/bin/python3
"""PyTorch's output shape, or its refusal, for several hundred op configurations: the golden table
that tests/shapes/shape_table_test.cpp holds nnc's shape inference to.

Regenerate after changing the cases below (Debian's PyTorch, not a pyenv python3 without torch):

    /usr/bin/python3 tests/shapes/gen_shape_table.py --nnc build/bin/nnc tests/shapes/shape_table.json

Never edit shape_table.json by hand: the ctest test `shapes: table is fresh` reruns this script and
fails when the committed file differs from its output.

Each case is one JSON object on one line: the op, its attributes as a model's YAML writes them, the
input shapes, and either "output" (the shape PyTorch returns on zero tensors) or "error": true
(PyTorch raised). Each op runs as the PyTorch twin its nnc definition declares (`nnc ops --format
json`, read by tests/torch/torch_twins.py). Where nnc's contract (docs: model-format.md) deliberately
differs from PyTorch, the case carries the contract's result, PyTorch's own result as
"torch_output", and a "reason".
"""
import argparse
import itertools
import json
import pathlib
import sys
import warnings

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "torch"))
import torch_twins  # noqa: E402

# The exceptions PyTorch uses to refuse a configuration. Anything else is a bug in this script.
TORCH_REFUSALS = (RuntimeError, ValueError, IndexError, AssertionError)  # modules assert (Hardtanh)


def torch_shape(twins, op, attrs, inputs):
    """PyTorch's output shape as a list, or None when it raises."""
    xs = [torch.zeros(shape) for shape in inputs]
    try:
        with torch.no_grad():
            return list(twins.layer(op, attrs, xs)(*xs).shape)
    except TORCH_REFUSALS:
        return None


# ---------------------------------------------------------------------------------------------
# Where nnc deliberately refuses what PyTorch accepts. Each rule: (reason, applies to the case).

def as_pair(v):
    return v if isinstance(v, list) else [v, v]


def as_list(v):
    return v if isinstance(v, list) else [v]


def slice_length(attrs, shape):
    """The size of a slice's dim (Python's rules), or None when the slice is invalid anyway."""
    dim, step = attrs["dim"], attrs.get("step", 1)
    if not -len(shape) <= dim < len(shape) or step < 1:
        return None
    return len(range(shape[dim])[attrs.get("start", 0):attrs.get("end"):step])


def pad_pairs(attrs, shape):
    """(size, before, after) of each dim a pad pads, the last dim first."""
    pad = attrs["pad"] if isinstance(attrs["pad"], list) else [attrs["pad"]]
    return [(shape[-1 - i], pad[2 * i], pad[2 * i + 1]) for i in range(min(len(pad) // 2, len(shape)))]


def pad_sizes(attrs, shape):
    return [size + before + after for size, before, after in pad_pairs(attrs, shape)]


def circular_overreach(attrs, shape):
    """Whether a circular pad wraps further than the dim left after cropping."""
    for size, before, after in pad_pairs(attrs, shape):
        kept = size + min(before, 0) + min(after, 0)
        if kept >= 1 and max(before, after) > kept:
            return True
    return False


CONTRACT_ERRORS = [
    ("nnc's multihead_attention takes 3-D inputs only (PyTorch also accepts unbatched 2-D)",
     lambda twins, op, attrs, inputs: op == "multihead_attention" and any(len(shape) != 3 for shape in inputs)),
    ("nnc has no 0-D tensors; PyTorch returns a scalar",
     lambda twins, op, attrs, inputs: (op == "matmul" and len(inputs[0]) == len(inputs[1]) == 1)
     or (op == "mean" and not attrs.get("keepdim") and len(set(d % len(inputs[0]) for d in as_list(attrs["dim"]))) == len(inputs[0]))),
    ("nnc's image ops take a 4-D [N, C, H, W] input only (PyTorch also accepts unbatched 3-D)",
     lambda twins, op, attrs, inputs: twins.contract_problem(op, inputs) is not None),
    ("nnc rejects a size of 0 (an empty tensor); PyTorch returns a tensor with no elements",
     lambda twins, op, attrs, inputs: (op in ("adaptive_avgpool2d", "adaptive_maxpool2d") and 0 in as_pair(attrs["output_size"]))
     or (op == "pad" and 0 in pad_sizes(attrs, inputs[0]))
     or (op == "linear" and attrs["out_features"] == 0) or (op == "parameter" and 0 in attrs["shape"])),
    ("nnc requires a positive batchnorm eps; PyTorch accepts any value",
     lambda twins, op, attrs, inputs: op == "batchnorm2d" and attrs.get("eps", 1e-5) <= 0),
    ("nnc requires a positive eps in every norm; PyTorch accepts any value",
     lambda twins, op, attrs, inputs: op in ("layernorm", "groupnorm", "instancenorm2d") and attrs.get("eps", 1e-5) <= 0),
    ("nnc rejects a num_features that differs from the input's channels; PyTorch's InstanceNorm2d only warns without affine",
     lambda twins, op, attrs, inputs: op == "instancenorm2d" and attrs.get("num_features", inputs[0][1]) != inputs[0][1]),
    ("nnc rejects an empty result (nnc tensors are never empty); PyTorch returns a tensor with no elements",
     lambda twins, op, attrs, inputs: (op == "reshape" and 0 in as_list(attrs["shape"]))
     or (op == "slice" and slice_length(attrs, inputs[0]) == 0)),
    ("nnc refuses circular padding beyond what the crop leaves; PyTorch then copies from memory it has not written",
     lambda twins, op, attrs, inputs: op == "pad" and attrs.get("mode") == "circular" and circular_overreach(attrs, inputs[0])),
    ("nnc rejects softplus beta 0; PyTorch divides by it, giving inf or NaN everywhere",
     lambda twins, op, attrs, inputs: op == "softplus" and attrs.get("beta", 1.0) == 0),
]


def make_case(twins, op, attrs, inputs):
    case = {"op": op, "attrs": attrs, "inputs": inputs}
    shape = torch_shape(twins, op, attrs, inputs)
    reasons = [reason for reason, applies in CONTRACT_ERRORS if applies(twins, op, attrs, inputs)]
    if reasons and shape is not None:
        case.update({"error": True, "torch_output": shape, "reason": reasons[0]})
    elif shape is None:
        case["error"] = True
    else:
        case["output"] = shape
    return case


# ---------------------------------------------------------------------------------------------
# The cases, op by op: (op, attrs, inputs).

def optional(name, value, default):
    """An attribute written only when it differs from its default, as a user would write it."""
    return {} if value == default else {name: value}


def conv2d_cases():
    # Kernel, stride and padding, including kernels that do not fit and inexact strides.
    for shape in ([1, 3, 7, 7], [2, 3, 8, 5]):
        for k, s, p in itertools.product([1, 2, 3, 5, 8, 9, [3, 2]], [1, 2, 3, [2, 1]], [0, 1, [2, 0]]):
            yield "conv2d", {"in_channels": 3, "out_channels": 4, "kernel_size": k,
                             **optional("stride", s, 1), **optional("padding", p, 0)}, [shape]
    # Dilation with explicit, `valid` and `same` padding.
    for d, k, p in itertools.product([1, 2, 3, [1, 2]], [2, 3], [0, 1, "valid", "same"]):
        yield "conv2d", {"in_channels": 2, "out_channels": 2, "kernel_size": k, "padding": p,
                         **optional("dilation", d, 1)}, [[1, 2, 7, 6]]
    # `same`: odd, even and rectangular kernels, dilated; stride must be 1.
    for k, d in itertools.product([1, 2, 3, 4, 5, [2, 3], [4, 1]], [1, 2, [3, 1]]):
        yield "conv2d", {"in_channels": 2, "out_channels": 3, "kernel_size": k, "padding": "same",
                         **optional("dilation", d, 1)}, [[1, 2, 5, 6]]
    for k, s in itertools.product([3, 4], [[1, 1], 2, [1, 2], [2, 1]]):
        yield "conv2d", {"in_channels": 2, "out_channels": 3, "kernel_size": k, "stride": s, "padding": "same"}, [[1, 2, 5, 6]]
    for s in (2, [1, 2]):
        yield "conv2d", {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "stride": s, "padding": "valid"}, [[1, 2, 5, 6]]
    # Groups, depthwise included; channels not divisible by groups.
    for c_in, c_out, g in itertools.product([4, 6], [3, 4, 6, 8, 12], [1, 2, 3, 4, 6]):
        yield "conv2d", {"in_channels": c_in, "out_channels": c_out, "kernel_size": 3, "padding": 1,
                         **optional("groups", g, 1)}, [[1, c_in, 5, 5]]
    # Padding modes, with the reflect (< input) and circular (<= input) limits.
    for mode, p, shape in itertools.product(["zeros", "reflect", "replicate", "circular"],
                                            [1, 2, 3, 4, 5, [3, 1], [0, 4]], [[1, 2, 3, 4], [1, 2, 4, 4]]):
        yield "conv2d", {"in_channels": 2, "out_channels": 2, "kernel_size": 3, "padding": p,
                         **optional("padding_mode", mode, "zeros")}, [shape]
    for mode, k, d in itertools.product(["zeros", "reflect", "replicate", "circular"], [3, 4, 5, 6, 7, 8, 9], [1, 2]):
        yield "conv2d", {"in_channels": 2, "out_channels": 2, "kernel_size": k, "padding": "same",
                         **optional("dilation", d, 1), **optional("padding_mode", mode, "zeros")}, [[1, 2, 3, 4]]
    for mode in ("reflect", "replicate", "circular"):
        yield "conv2d", {"in_channels": 2, "out_channels": 2, "kernel_size": 1, "padding_mode": mode}, [[1, 2, 1, 1]]
        yield "conv2d", {"in_channels": 2, "out_channels": 2, "kernel_size": 3, "padding": "valid", "padding_mode": mode}, [[1, 2, 3, 3]]
    # in_channels: inferred, checked; bias; ranks other than 4.
    yield "conv2d", {"out_channels": 5, "kernel_size": 3}, [[2, 3, 6, 6]]
    yield "conv2d", {"in_channels": 4, "out_channels": 5, "kernel_size": 3}, [[2, 3, 6, 6]]
    yield "conv2d", {"in_channels": 3, "out_channels": 5, "kernel_size": 3, "bias": False}, [[2, 3, 6, 6]]
    for shape in ([3, 6, 6], [2, 3], [1, 1, 3, 6, 6]):
        yield "conv2d", {"in_channels": 3, "out_channels": 5, "kernel_size": 3}, [shape]
    # Values out of range.
    for attrs in ({"kernel_size": 0}, {"kernel_size": -1}, {"kernel_size": 3, "stride": 0}, {"kernel_size": 3, "dilation": 0},
                  {"kernel_size": 3, "groups": 0}, {"kernel_size": 3, "padding": -1}, {"kernel_size": 3, "padding": [1, -1]},
                  {"kernel_size": [3, 0]}):
        yield "conv2d", {"in_channels": 2, "out_channels": 2, **attrs}, [[1, 2, 5, 5]]
    yield "conv2d", {"in_channels": 2, "out_channels": 0, "kernel_size": 3}, [[1, 2, 5, 5]]


def pool_cases(op, kernels, extra):
    for shape, k, s, p, ceil in itertools.product([[1, 2, 7, 6], [2, 1, 5, 5]], kernels, [None, 1, 2, 3],
                                                  [0, 1, 2, [1, 0]], [False, True]):
        yield op, {"kernel_size": k, **({} if s is None else {"stride": s}), **optional("padding", p, 0),
                   **optional("ceil_mode", ceil, False)}, [shape]
    yield from extra
    # Inputs as small as the window, or smaller and padded.
    for shape, k, s, p, ceil in itertools.product([[1, 1, 1, 1], [1, 1, 2, 3]], [2, 3], [1, 2, 3], [0, 1], [False, True]):
        yield op, {"kernel_size": k, "stride": s, **optional("padding", p, 0), **optional("ceil_mode", ceil, False)}, [shape]
    # Values out of range.
    for attrs in ({"kernel_size": 0}, {"kernel_size": 2, "stride": 0}, {"kernel_size": 2, "padding": -1},
                  {"kernel_size": [2, 0]}, {"kernel_size": 2, "stride": [1, 0]}):
        yield op, attrs, [[1, 2, 5, 5]]
    # Windows larger than the input, with and without the padding that makes them fit.
    for k, p in itertools.product([6, 8, 9], [0, 1, 4]):
        yield op, {"kernel_size": k, "padding": p}, [[1, 1, 7, 7]]
    for shape in ([2, 7, 6], [7, 6], [1, 1, 2, 7, 6]):
        yield op, {"kernel_size": 2}, [shape]


def maxpool2d_cases():
    dilated = (("maxpool2d", {"kernel_size": k, "stride": s, **optional("padding", p, 0), "dilation": d,
                              **optional("ceil_mode", ceil, False)}, [[1, 2, 7, 6]])
               for d, k, s, p, ceil in itertools.product([2, 3, [1, 2]], [2, 3], [1, 2], [0, 1, 2], [False, True]))
    zero_dilation = (("maxpool2d", {"kernel_size": 2, "dilation": d}, [[1, 2, 5, 5]]) for d in (0, [1, 0]))
    yield from pool_cases("maxpool2d", [1, 2, 3, [3, 2]], itertools.chain(dilated, zero_dilation))


def avgpool2d_cases():
    no_pad_count = (("avgpool2d", {"kernel_size": k, "stride": 2, "padding": p, "ceil_mode": ceil,
                                   "count_include_pad": False}, [[1, 2, 7, 6]])
                    for k, p, ceil in itertools.product([2, 3], [0, 1], [False, True]))
    yield from pool_cases("avgpool2d", [1, 2, 3, [3, 2]], no_pad_count)


def adaptive_pool_cases(op):
    for size, shape in itertools.product([1, 2, 3, 5, 7, 9, [2, 3], [1, 8], [None, 2], [3, None], [None, None], 0, [0, 2]],
                                         [[1, 2, 7, 6], [2, 3, 1, 1]]):
        yield op, {"output_size": size}, [shape]
    for shape in ([2, 7, 6], [7, 6], [1, 1, 2, 7, 6]):
        yield op, {"output_size": 2}, [shape]
    for size in (-1, [2, -1]):
        yield op, {"output_size": size}, [[1, 2, 7, 6]]


def adaptive_avgpool2d_cases():
    yield from adaptive_pool_cases("adaptive_avgpool2d")


def adaptive_maxpool2d_cases():
    yield from adaptive_pool_cases("adaptive_maxpool2d")


def conv_transpose2d_cases():
    # Kernel, stride and padding (DCGAN's 4/2/1 among them), including padding that crops everything.
    for k, s, p in itertools.product([1, 2, 3, 4, 5, [3, 2]], [1, 2, 3, [2, 1]], [0, 1, 2, [3, 0]]):
        yield "conv_transpose2d", {"in_channels": 3, "out_channels": 4, "kernel_size": k,
                                   **optional("stride", s, 1), **optional("padding", p, 0)}, [[1, 3, 2, 3]]
    # output_padding: smaller than the stride or the dilation, or not.
    for op, s, d in itertools.product([0, 1, 2, 3, [1, 0], [0, 2]], [1, 2, 3, [2, 1]], [1, 2, [1, 3]]):
        yield "conv_transpose2d", {"out_channels": 2, "kernel_size": 3, "output_padding": op,
                                   **optional("stride", s, 1), **optional("dilation", d, 1)}, [[1, 2, 4, 5]]
    # Groups; channels not divisible by groups.
    for c_in, c_out, g in itertools.product([4, 6], [3, 4, 6, 8], [1, 2, 3, 4, 6]):
        yield "conv_transpose2d", {"in_channels": c_in, "out_channels": c_out, "kernel_size": 4, "stride": 2, "padding": 1,
                                   **optional("groups", g, 1)}, [[2, c_in, 3, 3]]
    # in_channels inferred and checked; bias; ranks other than 4.
    yield "conv_transpose2d", {"out_channels": 5, "kernel_size": 3}, [[2, 3, 6, 6]]
    yield "conv_transpose2d", {"in_channels": 4, "out_channels": 5, "kernel_size": 3}, [[2, 3, 6, 6]]
    yield "conv_transpose2d", {"out_channels": 5, "kernel_size": 3, "bias": False}, [[2, 3, 6, 6]]
    yield "conv_transpose2d", {"in_channels": 100, "out_channels": 512, "kernel_size": 4, "bias": False}, [[1, 100, 1, 1]]
    for shape in ([3, 6, 6], [2, 3], [1, 1, 3, 6, 6]):
        yield "conv_transpose2d", {"out_channels": 5, "kernel_size": 3}, [shape]
    for attrs in ({"kernel_size": 0}, {"kernel_size": 3, "stride": 0}, {"kernel_size": 3, "dilation": 0},
                  {"kernel_size": 3, "padding": -1}, {"kernel_size": 3, "output_padding": -1}, {"kernel_size": 3, "groups": 0}):
        yield "conv_transpose2d", {"out_channels": 2, **attrs}, [[1, 2, 4, 4]]


def upsample_cases():
    shapes = ([1, 2, 5, 7], [2, 3, 1, 1], [1, 1, 3, 4])
    # scale_factor: integer, fractional, per axis, shrinking, too small to leave a row.
    for mode, scale, shape in itertools.product(["nearest", "bilinear"], [1, 2, 3, 1.5, 0.5, 1.7, 2.25, [2, 1], [1.5, 3], [0.6, 2],
                                                                           0.1], shapes):
        yield "upsample", {"scale_factor": scale, **optional("mode", mode, "nearest")}, [shape]
    for mode, size, shape in itertools.product(["nearest", "bilinear"], [1, 4, 10, [3, 8], [7, 2]], shapes):
        yield "upsample", {"size": size, **optional("mode", mode, "nearest")}, [shape]
    # align_corners: bilinear only.
    for mode, corners in itertools.product(["nearest", "bilinear"], [False, True]):
        yield "upsample", {"scale_factor": 2, "mode": mode, "align_corners": corners}, [[1, 2, 3, 3]]
        yield "upsample", {"size": [4, 6], "mode": mode, "align_corners": corners}, [[1, 2, 3, 3]]
    # size and scale_factor: exactly one of them.
    yield "upsample", {}, [[1, 2, 3, 3]]
    yield "upsample", {"size": 6, "scale_factor": 2}, [[1, 2, 3, 3]]
    yield "upsample", {"mode": "bilinear"}, [[1, 2, 3, 3]]
    for attrs in ({"scale_factor": 0}, {"scale_factor": -2}, {"size": 0}, {"size": [4, -1]}):
        yield "upsample", attrs, [[1, 2, 3, 3]]
    for shape in ([2, 3, 3], [1, 1, 2, 3, 3]):
        yield "upsample", {"scale_factor": 2}, [shape]


def pad_cases():
    # constant: one to all dims, cropping, a value.
    for pad, shape in itertools.product([[1, 1], [0, 2], [1, 2, 3, 4], [-1, 1], [-2, -1, 1, 0], [1, 1, 1, 1, 1, 1],
                                         [1, 0, 0, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1], [1, 2, 3], [-3, 0], [-2, -2]],
                                        [[2, 3], [1, 2, 3], [1, 2, 3, 4]]):
        yield "pad", {"pad": pad}, [shape]
    yield "pad", {"pad": [1, 1], "value": 2.5}, [[1, 2, 3, 4]]
    yield "pad", {"pad": [2, 0, 1, 3], "mode": "constant", "value": -1.0}, [[1, 2, 3, 4]]
    # The edge modes: the ranks each takes, the size limits, negative sizes, value.
    for mode, pad, shape in itertools.product(["reflect", "replicate", "circular"],
                                              [[1, 1], [1, 2, 0, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]],
                                              [[3, 4], [2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4, 4], [1, 1, 2, 3, 4, 4]]):
        yield "pad", {"pad": pad, "mode": mode}, [shape]
    for mode, pad in itertools.product(["reflect", "replicate", "circular"],
                                       [[3, 3], [4, 0], [0, 4], [5, 0], [2, -1], [-1, 2], [-2, 4], [3, -3], [-1, -1], [-3, 0],
                                        [-4, 1], [-2, -2], [-3, -2]]):
        yield "pad", {"pad": pad + [0, 0], "mode": mode}, [[1, 2, 3, 4]]
    for mode, value in itertools.product(["reflect", "replicate", "circular"], [0.0, 1.0]):
        yield "pad", {"pad": [1, 1, 1, 1], "mode": mode, "value": value}, [[1, 2, 3, 4]]


def batchnorm2d_cases():
    for shape, attrs in itertools.product([[1, 3, 4, 4], [2, 3, 1, 1], [1, 3, 5, 2]],
                                          [{}, {"num_features": 3}, {"num_features": 4}, {"num_features": 3, "eps": 0.001}]):
        yield "batchnorm2d", attrs, [shape]
    for eps in (0, -0.5):
        yield "batchnorm2d", {"num_features": 3, "eps": eps}, [[1, 3, 4, 4]]
    for shape in ([3, 4, 4], [2, 3], [1, 3, 2, 4, 4]):
        yield "batchnorm2d", {"num_features": 3}, [shape]


def linear_cases():
    for shape, in_features, out, bias in itertools.product([[2, 5], [2, 3, 5], [1, 2, 3, 5]], [None, 5, 4, 15],
                                                           [0, 1, 7], [True, False]):
        yield "linear", {**({} if in_features is None else {"in_features": in_features}), "out_features": out,
                         **optional("bias", bias, True)}, [shape]


def all_dims(rank):
    return range(-rank - 1, rank + 1)


def flatten_cases():
    yield "flatten", {}, [[2, 3, 4, 5]]
    for shape in ([2, 3], [2, 3, 4], [2, 3, 4, 5]):
        for start, end in itertools.product(all_dims(len(shape)), all_dims(len(shape))):
            yield "flatten", {"start_dim": start, "end_dim": end}, [shape]


def softmax_cases():
    yield "softmax", {}, [[2, 3, 4]]
    for shape in ([2, 3], [2, 3, 4], [2, 3, 4, 5]):
        for dim in all_dims(len(shape)):
            yield "softmax", {"dim": dim}, [shape]


def elementwise_cases():
    shapes = ([2, 3], [2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4, 5])
    for op, shape in itertools.product(["relu", "sigmoid", "tanh", "silu", "leaky_relu", "gelu", "dropout"], shapes):
        yield op, {}, [shape]
    for slope in (0.2, 0.0, -1.5):
        yield "leaky_relu", {"negative_slope": slope}, [[1, 2, 3, 4]]
    for approximate in ("none", "tanh", "erf"):
        yield "gelu", {"approximate": approximate}, [[1, 2, 3, 4]]
    for p in (0.0, 0.25, 1.0, 1.5, -0.1):
        yield "dropout", {"p": p}, [[1, 2, 3, 4]]


# Inputs of the ops reading `inputs:`: rank 2 and 3 with any sizes, rank 4 with a batch of 1 (the
# test builds every input from one model input of batch 1; see case_model.h).
def add_cases():
    for shape in ([2, 3], [4, 3, 5], [1, 3, 4, 4]):
        yield "add", {}, [shape, shape]
        yield "add", {}, [shape, shape, shape]
    for inputs in ([[1, 3, 4, 4], [1, 3, 4, 5]], [[1, 3, 4, 4], [1, 4, 4, 4]], [[1, 3, 4, 4], [1, 1, 4, 4]],
                   [[1, 3, 4, 4], [1, 3, 1, 4]], [[2, 3], [3, 2]], [[2, 3], [1, 3]], [[2, 3], [2, 3, 1]],
                   [[3, 4, 5], [3, 4, 5], [3, 4, 6]], [[3, 1, 5], [3, 4, 5]], [[1, 2, 3, 4], [2, 3, 4]],
                   [[1, 3, 1, 4], [1, 1, 5, 1]], [[2, 1], [1, 3], [4, 1, 1]], [[3, 1, 5], [3, 4, 5], [3, 2, 5]]):
        yield "add", {}, inputs


# sub, mul and div: equal shapes, every way of broadcasting (either side, ranks that differ, both
# sides at once, the squeeze-excitation gate and layer scale), and shapes that clash.
def binary_cases():
    for op in ("sub", "mul", "div"):
        for inputs in ([[2, 3], [2, 3]], [[1, 3, 4, 4], [1, 3, 4, 4]], [[1, 8, 4, 4], [1, 8, 1, 1]],
                       [[1, 8, 1, 1], [1, 8, 4, 4]], [[1, 4, 5, 3], [1, 1, 1, 3]], [[4, 3, 5], [3, 5]],
                       [[3, 5], [4, 3, 5]], [[1, 3, 1, 4], [1, 1, 5, 1]], [[2, 1], [1, 3]], [[3, 1, 1], [1, 1, 1]],
                       [[2, 3], [3, 2]], [[1, 3, 4, 4], [1, 2, 4, 4]], [[4, 3, 5], [4, 5]], [[2, 3, 4], [2, 1, 3]]):
            yield op, {}, inputs


def concat_cases():
    base = {2: [2, 3], 3: [2, 3, 4], 4: [1, 2, 3, 4]}
    for rank, shape in base.items():
        for dim in all_dims(rank):
            attrs = optional("dim", dim, 1)
            yield "concat", attrs, [shape]
            yield "concat", attrs, [shape, shape]
            axis = dim % rank if -rank <= dim < rank else None
            if axis is not None and (rank < 4 or axis > 0):
                grown = [n + 2 if i == axis else n for i, n in enumerate(shape)]
                yield "concat", attrs, [shape, grown, shape]
            for other in range(rank):
                if other != axis and (rank < 4 or other > 0):
                    yield "concat", attrs, [shape, [n + 1 if i == other else n for i, n in enumerate(shape)]]
    for inputs in ([[2, 3], [2, 3, 4]], [[1, 2, 3, 4], [2, 3, 4]], [[2, 3, 4], [2, 3]]):
        for dim in (0, 1, -1):
            yield "concat", optional("dim", dim, 1), inputs


def layernorm_cases():
    for shape, normalized in itertools.product([[2, 5], [2, 3, 5], [1, 3, 4, 5]],
                                               [5, [5], [4, 5], [3, 4, 5], [1, 3, 4, 5], [2, 1, 3, 4, 5], 4, [3, 5], [5, 4]]):
        yield "layernorm", {"normalized_shape": normalized}, [shape]
    for attrs in ({"eps": 0.001}, {"elementwise_affine": False}, {"elementwise_affine": True, "eps": 0.1}, {"eps": 0},
                  {"eps": -1.0}):
        yield "layernorm", {"normalized_shape": [4, 5], **attrs}, [[1, 3, 4, 5]]


def groupnorm_cases():
    for shape, groups in itertools.product([[2, 6], [1, 6, 4, 4], [2, 6, 3], [1, 6, 2, 2, 2]], [1, 2, 3, 4, 6, 7, 12]):
        yield "groupnorm", {"num_groups": groups}, [shape]
    for attrs in ({"num_channels": 6}, {"num_channels": 5}, {"num_channels": 12}, {"affine": False}, {"eps": 0.001},
                  {"num_channels": 6, "affine": True, "eps": 0.1}, {"eps": 0}):
        yield "groupnorm", {"num_groups": 3, **attrs}, [[1, 6, 4, 4]]
    for shape, groups in (([1, 1, 1, 1], 1), ([1, 4], 4), ([1, 4, 1], 2), ([2, 4], 4)):
        yield "groupnorm", {"num_groups": groups}, [shape]


def instancenorm2d_cases():
    for shape, attrs in itertools.product([[1, 3, 4, 4], [2, 3, 1, 2], [2, 3, 5, 1]],
                                          [{}, {"num_features": 3}, {"affine": True}, {"num_features": 3, "affine": False},
                                           {"eps": 0.001}, {"num_features": 3, "affine": True, "eps": 0.1}]):
        yield "instancenorm2d", attrs, [shape]
    for affine in (False, True):
        yield "instancenorm2d", {"num_features": 4, "affine": affine}, [[1, 3, 4, 4]]
    yield "instancenorm2d", {"eps": 0}, [[1, 3, 4, 4]]
    for shape in ([1, 3, 1, 1], [2, 3, 1, 1]):
        yield "instancenorm2d", {}, [shape]
    for shape in ([3, 4, 4], [2, 3], [1, 3, 2, 4, 4]):
        yield "instancenorm2d", {}, [shape]
def zoo_activation_cases():
    shapes = ([2, 3], [2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4, 5])
    ops = ["relu6", "hardswish", "hardsigmoid", "selu", "mish", "identity", "hardtanh", "elu", "softplus"]
    for op, shape in itertools.product(ops, shapes):
        yield op, {}, [shape]
    for low, high in ((-2.0, 3.0), (0.0, 6.0), (-1.0, -0.5), (1.0, 1.0), (2.0, 1.0)):
        yield "hardtanh", {"min_val": low, "max_val": high}, [[1, 2, 3, 4]]
    yield "hardtanh", {"min_val": 1.5}, [[1, 2, 3, 4]]
    yield "hardtanh", {"max_val": -1.5}, [[1, 2, 3, 4]]
    for alpha in (1.0, 0.5, 0.0, -2.0):
        yield "elu", {"alpha": alpha}, [[1, 2, 3, 4]]
    for beta, threshold in ((1.0, 20.0), (2.0, 5.0), (0.5, 0.0), (-1.0, 20.0), (0.0, 20.0)):
        yield "softplus", {"beta": beta, "threshold": threshold}, [[1, 2, 3, 4]]
    for shape in ([2, 3], [2, 3, 4], [1, 3, 4, 4], [2, 3, 4, 5, 2]):
        for n in (1, 3, 2, 4):
            yield "prelu", optional("num_parameters", n, 1), [shape]
    yield "prelu", {"num_parameters": 0}, [[1, 3, 4, 4]]
    yield "log_softmax", {}, [[2, 3, 4]]
    for shape in ([2, 3], [2, 3, 4], [2, 3, 4, 5]):
        for dim in all_dims(len(shape)):
            yield "log_softmax", {"dim": dim}, [shape]


def mean_cases():
    for shape in ([2, 3], [2, 3, 4], [1, 3, 4, 5], [2, 1, 3, 4, 2]):
        rank = len(shape)
        for dim in list(all_dims(rank)) + [[rank - 2, rank - 1], [0, -1], [1, 1 - rank], [0, rank]]:
            for keepdim in (False, True):
                yield "mean", {"dim": dim, **optional("keepdim", keepdim, False)}, [shape]
    for dim in ([0, 1], [-1, -2], [0, 1, 2, 3], [3, 2, 1, 0], [1, 3]):
        yield "mean", {"dim": dim, "keepdim": False}, [[1, 3, 4, 5]]


def parameter_cases():
    for shape in ([1, 1, 8], [8], [1, 4, 3, 3], [2, 3], [1, 5, 1, 2, 3], [0, 3], [3, 0]):
        yield "parameter", {"shape": shape}, []


def matmul_cases():
    pairs = [([3, 4], [4, 5]), ([4], [4, 5]), ([3, 4], [4]), ([4], [4]), ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5]),
             ([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [1, 4, 5]), ([1, 3, 4], [2, 4, 5]), ([1, 2, 3, 4], [2, 4, 5]),
             ([1, 2, 3, 4], [1, 1, 4, 5]), ([2, 3, 4], [4]), ([4], [2, 4, 5]), ([1, 2, 17, 4], [1, 2, 4, 33]),
             ([3, 4], [5, 6]), ([4], [5]), ([3, 4], [5]), ([2, 3, 4], [3, 4, 5]), ([2, 3, 4], [3, 5, 6]),
             ([1, 2, 3, 4], [3, 4, 5]), ([2, 5], [4, 5])]
    for a, b in pairs:
        yield "matmul", {}, [a, b]


def multihead_attention_cases():
    for shape, heads in itertools.product([[2, 5, 8], [1, 7, 12], [3, 1, 6]], [1, 2, 3, 4, 5, 8]):
        yield "multihead_attention", {"num_heads": heads}, [shape]
    for attrs in ({"embed_dim": 8}, {"embed_dim": 6}, {"bias": False}, {"batch_first": False}, {"batch_first": True},
                  {"embed_dim": 8, "bias": True, "batch_first": False}):
        yield "multihead_attention", {"num_heads": 2, **attrs}, [[2, 5, 8]]
    for q, k, v in (([2, 5, 8], [2, 3, 8], [2, 3, 8]), ([5, 2, 8], [3, 2, 8], [3, 2, 8]), ([2, 5, 8], [2, 5, 8], [2, 5, 8]), ([2, 5, 8], [2, 3, 8], [2, 4, 8]),
                    ([2, 5, 8], [1, 3, 8], [1, 3, 8]), ([2, 5, 8], [2, 3, 6], [2, 3, 6]), ([2, 5, 8], [2, 3, 8], [2, 3, 6])):
        for batch_first in (True, False):
            yield "multihead_attention", {"num_heads": 2, "batch_first": batch_first}, [q, k, v]
    for shapes in ([[5, 8]], [[5, 8], [3, 8], [3, 8]], [[1, 2, 5, 8]]):
        yield "multihead_attention", {"num_heads": 2}, shapes

def reshape_cases():
    for shape in ([2, 12], [6, 4], [2, 3, 4], [1, 2, 3, 4], [-1], [2, -1], [-1, 4], [2, -1, 2], [-1, 5], [2, 5],
                  [-1, -1], [2, 0, 12], [24], [1, 24, 1], 24, [4, -2]):
        yield "reshape", {"shape": shape}, [[2, 3, 4]]
    yield "reshape", {"shape": [1, -1, 7, 7]}, [[1, 98]]
    yield "reshape", {"shape": [-1, 7]}, [[1, 3, 3]]


def squeeze_cases():
    for shape in ([2, 1, 3], [1, 3, 1], [2, 3], [1, 1]):
        for dim in all_dims(len(shape)):
            yield "squeeze", {"dim": dim}, [shape]


def unsqueeze_cases():
    for shape in ([2, 3], [2, 3, 4]):
        for dim in range(-len(shape) - 2, len(shape) + 2):
            yield "unsqueeze", {"dim": dim}, [shape]


def permute_cases():
    for dims in ([0, 2, 3, 1], [0, 3, 1, 2], [3, 2, 1, 0], [0, 1, 2, 3], [-4, -2, -1, -3], [0, 2, 1, 3], [0, 1, 2],
                 [0, 1, 2, 3, 4], [0, 1, 1, 3], [0, 2, 3, 4], [0, 2, 3, -5], [0, 2, 3, -4], 0, 3):
        yield "permute", {"dims": dims}, [[1, 2, 3, 4]]
    yield "permute", {"dims": [1, 0]}, [[2, 3]]
    yield "permute", {"dims": [2, 0, 1]}, [[2, 3, 4]]


def transpose_cases():
    for shape in ([2, 3], [2, 3, 4], [1, 2, 3, 4]):
        for dim0, dim1 in itertools.product(all_dims(len(shape)), [0, 1, -1]):
            yield "transpose", {"dim0": dim0, "dim1": dim1}, [shape]


def select_cases():
    for shape in ([2, 3, 4], [1, 5, 2]):
        for dim in all_dims(len(shape)):
            for index in (0, 1, -1, 2, -2, 4, -5):
                yield "select", {"dim": dim, "index": index}, [shape]


def slice_cases():
    shape = [2, 6, 5]
    for start, end in itertools.product([0, 1, -2, 4, 9, -9], [None, 3, -1, 6, 20, -20, 0]):
        yield "slice", {"dim": 1, **optional("start", start, 0), **optional("end", end, None)}, [shape]
    for step in (1, 2, 3, 5, 7, 0, -1):
        yield "slice", {"dim": 1, "start": 1, **optional("step", step, 1)}, [shape]
    for dim in all_dims(len(shape)):
        yield "slice", {"dim": dim, "start": 1, "end": 4, "step": 2}, [shape]
    yield "slice", {"dim": 1, "end": None}, [shape]
    yield "slice", {"dim": 0, "start": -1}, [[3, 2]]


def channel_shuffle_cases():
    for shape, groups in itertools.product([[1, 6, 2, 2], [2, 6, 3], [2, 6], [1, 4, 2, 2, 2]], [1, 2, 3, 4, 6, 12]):
        yield "channel_shuffle", {"groups": groups}, [shape]


def pixel_shuffle_cases():
    for shape, factor in itertools.product([[1, 8, 2, 3], [2, 9, 2, 2], [4, 2, 3], [1, 2, 4, 3, 3], [2, 4]], [1, 2, 3, 4]):
        yield "pixel_shuffle", {"upscale_factor": factor}, [shape]


CASES = [conv2d_cases, maxpool2d_cases, avgpool2d_cases, adaptive_avgpool2d_cases, batchnorm2d_cases,
         linear_cases, flatten_cases, softmax_cases, elementwise_cases, add_cases, concat_cases,
         binary_cases, zoo_activation_cases, layernorm_cases, groupnorm_cases, instancenorm2d_cases, mean_cases,
         parameter_cases, matmul_cases, multihead_attention_cases, reshape_cases, squeeze_cases, unsqueeze_cases,
         permute_cases, transpose_cases, select_cases, slice_cases, channel_shuffle_cases, pixel_shuffle_cases,
         conv_transpose2d_cases, upsample_cases, pad_cases, adaptive_maxpool2d_cases]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True, help="the nnc binary, whose op definitions declare the PyTorch twins")
    parser.add_argument("out", nargs="?", default=pathlib.Path(__file__).with_name("shape_table.json"))
    args = parser.parse_args()
    out_path = args.out
    twins = torch_twins.registry(args.nnc)
    warnings.simplefilter("ignore")  # PyTorch's advice (e.g. on even `same` kernels) is not a result
    cases = [make_case(twins, *c) for gen in CASES for c in gen()]
    lines = ",\n".join("    " + json.dumps(c) for c in cases)
    text = (f'{{\n  "generator": "tests/shapes/gen_shape_table.py",\n  "torch": "{torch.__version__}",\n'
            f'  "cases": [\n{lines}\n  ]\n}}\n')
    with open(out_path, "w") as f:
        f.write(text)
    print(f"{len(cases)} cases ({sum('error' in c for c in cases)} errors) written to {out_path}")


if __name__ == "__main__":
    main()
