#!/usr/bin/env python3
"""Every reference kernel against PyTorch, on many random configurations of every attribute.

Cases are drawn with fixed seeds; their float32 inputs and parameters are written as .npy (format versions 1.0,
2.0 and 3.0 in turn), ref_kernel_tool runs all of them at once, and each output is compared with the result of the
op's PyTorch twin (as nnc's op definitions declare it, tests/torch/torch_twins.py) computed in float64 from the
same float32 values, at rtol 1e-4 / atol 1e-5. Prints each failure and a last line "N passed, M failed"; exits 1
when anything failed.

    check_kernels_against_torch.py --tool build/bin/ref_kernel_tool --nnc build/bin/nnc [--cases-per-op 60]
"""
import argparse
import json
import pathlib
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "torch"))
import torch_twins  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5
PADDING_MODES = ["zeros", "reflect", "replicate", "circular"]


def randn(rng, shape, scale=1.0):
    return (torch.randn(*shape, generator=rng) * scale).float()


def pair_attr(value):
    """A size as the model format writes it: an int when both axes agree, else [h, w]."""
    return value[0] if value[0] == value[1] else list(value)


def conv_window(r, i):
    """groups, channels in and out, kernel, stride and dilation of a convolution."""
    groups = [1, 1, 2, 3][i % 4]
    cin, cout = groups * r.randint(1, 3), groups * r.randint(1, 3)
    return groups, cin, cout, (r.randint(1, 4), r.randint(1, 4)), (r.randint(1, 3), r.randint(1, 3)), (r.randint(1, 2), r.randint(1, 2))


def conv2d(r, g, i):
    groups, cin, cout, kernel, stride, dilation = conv_window(r, i)
    padding_kind = ["int", "pair", "valid", "same"][(i // 4) % 4]
    padding = {"int": r.randint(0, 2), "pair": [r.randint(0, 2), r.randint(0, 3)], "valid": "valid", "same": "same"}[padding_kind]
    if padding == "same":
        stride = (1, 1)
    mode = PADDING_MODES[(i // 16) % 4] if i < 64 else r.choice(PADDING_MODES)
    bias = r.random() < 0.7
    x = randn(g, (r.randint(1, 2), cin, r.randint(2, 9), r.randint(2, 9)))
    params = {"weight": randn(g, (cout, cin // groups) + kernel, 0.5)}
    if bias:
        params["bias"] = randn(g, (cout,))
    attrs = {"out_channels": cout, "kernel_size": pair_attr(kernel), "stride": pair_attr(stride), "padding": padding,
             "dilation": pair_attr(dilation), "groups": groups, "bias": bias, "padding_mode": mode}
    return attrs, [x], params


def maxpool2d(r, g, i):
    kernel = (r.randint(1, 4), r.randint(1, 4))
    stride = (r.randint(1, 3), r.randint(1, 3))
    padding = (r.randint(0, kernel[0] // 2), r.randint(0, kernel[1] // 2))
    dilation = (r.randint(1, 2), r.randint(1, 2)) if i % 2 else (1, 1)
    ceil_mode = (i // 2) % 2 == 1
    x = randn(g, (r.randint(1, 2), r.randint(1, 3), r.randint(1, 10), r.randint(1, 10)))
    attrs = {"kernel_size": pair_attr(kernel), "stride": pair_attr(stride), "padding": pair_attr(padding),
             "dilation": pair_attr(dilation), "ceil_mode": ceil_mode}
    return attrs, [x], {}


def reaches_past_padding(size, kernel, stride, padding):
    """Whether ceil_mode's last window ends beyond the right padding, where PyTorch's divisor stops counting."""
    out = -(-(size + 2 * padding - kernel) // stride) + 1
    if (out - 1) * stride >= size + padding:
        out -= 1
    return (out - 1) * stride - padding + kernel > size + padding


def avgpool2d(r, g, i):
    ceil_mode, count_include_pad = i % 2 == 1, (i // 2) % 2 == 0
    for _ in range(100):
        kernel = (r.randint(1, 4), r.randint(1, 4))
        stride = (r.randint(1, 3), r.randint(1, 3))
        padding = (r.randint(0, kernel[0] // 2), r.randint(0, kernel[1] // 2))
        size = (r.randint(1, 10), r.randint(1, 10))
        # Half the ceil_mode cases with padding are drawn to exercise that divisor rule.
        if not (ceil_mode and i % 4 == 1) or any(map(reaches_past_padding, size, kernel, stride, padding)):
            break
    x = randn(g, (r.randint(1, 2), r.randint(1, 3)) + size)
    attrs = {"kernel_size": pair_attr(kernel), "stride": pair_attr(stride), "padding": pair_attr(padding),
             "ceil_mode": ceil_mode, "count_include_pad": count_include_pad}
    return attrs, [x], {}


def adaptive_pool(r, g, i):
    h, w = r.randint(1, 12), r.randint(1, 12)
    size = (r.randint(1, h + 3), r.randint(1, w + 3))
    x = randn(g, (r.randint(1, 2), r.randint(1, 3), h, w))
    return {"output_size": pair_attr(size)}, [x], {}


def batchnorm2d(r, g, i):
    c = r.randint(1, 6)
    eps = r.choice([1e-5, 1e-3, 0.1])
    params = {"weight": randn(g, (c,)), "bias": randn(g, (c,)), "running_mean": randn(g, (c,)),
              "running_var": (torch.rand(c, generator=g) * 2 + 0.1).float()}
    x = randn(g, (r.randint(1, 3), c, r.randint(1, 6), r.randint(1, 6)), 2.0)
    return {"eps": eps}, [x], params


def linear(r, g, i):
    fin, fout = r.randint(1, 40), r.randint(1, 20)
    bias = i % 3 != 0
    params = {"weight": randn(g, (fout, fin), 0.3)}
    if bias:
        params["bias"] = randn(g, (fout,))
    lead = [r.randint(1, 3) for _ in range(i % 4)]
    x = randn(g, lead + [fin])
    return {"out_features": fout, "bias": bias}, [x], params


def flatten(r, g, i):
    rank = r.randint(1, 5)
    start = r.randrange(-rank, rank)
    end = r.randrange(start % rank, rank) - (rank if r.random() < 0.5 else 0)
    x = randn(g, [r.randint(1, 4) for _ in range(rank)])
    return {"start_dim": start, "end_dim": end}, [x], {}


def activation(attrs_for):
    def make(r, g, i):
        attrs = attrs_for(r, i)
        x = randn(g, [r.randint(1, 5) for _ in range(r.randint(1, 4))], 3.0)
        return attrs, [x], {}
    return make


def leaky_relu_attrs(r, i):
    return {"negative_slope": [0.01, 0.2, 1.5, -0.3][i % 4]}


def gelu_attrs(r, i):
    return {"approximate": ["none", "tanh"][i % 2]}


def dropout_attrs(r, i):
    return {"p": r.choice([0.0, 0.1, 0.5, 0.9])}


def softmax(r, g, i):
    rank = r.randint(1, 4)
    dim = r.randrange(-rank, rank)
    x = randn(g, [r.randint(1, 6) for _ in range(rank)], [1.0, 10.0, 100.0][i % 3]) + (1000.0 if i % 5 == 0 else 0.0)
    return {"dim": dim}, [x], {}


def hardtanh_attrs(r, i):
    return [{}, {"min_val": -2.5, "max_val": 0.5}, {"min_val": 0.0, "max_val": 6.0}, {"max_val": 4.0}][i % 4]


def elu_attrs(r, i):
    return [{}, {"alpha": 0.3}, {"alpha": 2.0}, {"alpha": -1.0}][i % 4]


def softplus_attrs(r, i):
    return [{}, {"beta": 2.0, "threshold": 3.0}, {"beta": 0.5, "threshold": 1.0}, {"beta": -1.5}][i % 4]


def prelu(r, g, i):
    x = randn(g, [r.randint(1, 3) for _ in range(r.randint(1, 4))], 3.0)
    channels = x.shape[1] if x.dim() >= 2 else 1
    n = [1, channels][i % 2]
    return {"num_parameters": n}, [x], {"weight": randn(g, (n,))}


def broadcast_shapes(r, count):
    """`count` shapes that broadcast: a common shape, each of its dims set to 1 or some leading dims dropped at random."""
    shape = [r.randint(1, 5) for _ in range(r.randint(1, 4))]
    shapes = []
    for _ in range(count):
        s = [1 if r.random() < 0.3 else n for n in shape]
        shapes.append(s[r.randint(0, len(s) - 1):])
    shapes[r.randrange(count)] = list(shape)  # one input of the full shape, as a fused epilogue needs
    return shapes


def add(r, g, i):
    if i % 2:
        return {}, [randn(g, s) for s in broadcast_shapes(r, 2 + i % 3)], {}
    shape = [r.randint(1, 5) for _ in range(r.randint(1, 4))]
    return {}, [randn(g, shape) for _ in range(2 + i % 3)], {}


def binary(r, g, i):
    a, b = broadcast_shapes(r, 2)
    xs = [randn(g, a), randn(g, b)]
    if i % 4 == 3:  # divisors near zero
        xs[1] = xs[1] * 1e-3
    return {}, xs, {}


def concat(r, g, i):
    rank = r.randint(1, 4)
    dim = r.randrange(-rank, rank)
    shape = [r.randint(1, 4) for _ in range(rank)]
    xs = []
    for _ in range(1 + i % 4):
        s = list(shape)
        s[dim] = r.randint(0, 4)
        xs.append(randn(g, s))
    return {"dim": dim}, xs, {}


def affine(g, shape, present):
    """A norm's weight and bias, away from the identity, when it has them."""
    if not present:
        return {}
    return {"weight": (torch.rand(shape, generator=g) + 0.5).float(), "bias": randn(g, shape)}


def layernorm(r, g, i):
    shape = [r.randint(1, 5) for _ in range(r.randint(1, 4))]
    dims = r.randint(1, len(shape))
    normalized = shape[-dims:]
    elementwise_affine = i % 3 != 0
    attrs = {"normalized_shape": normalized[0] if dims == 1 and i % 2 else normalized,
             "eps": r.choice([1e-5, 1e-3, 0.1]), "elementwise_affine": elementwise_affine}
    return attrs, [randn(g, shape, 3.0) + r.uniform(-5, 5)], affine(g, normalized, elementwise_affine)


def groupnorm(r, g, i):
    groups = r.randint(1, 4)
    c = groups * r.randint(1, 3)
    shape = [r.randint(1, 3), c] + [r.randint(1, 5) for _ in range(i % 4)]
    if shape[0] * (c // groups) * int(np.prod(shape[2:])) == 1:
        shape[0] = 2  # PyTorch refuses statistics over one value
    attrs = {"num_groups": groups, "eps": r.choice([1e-5, 1e-3, 0.1]), "affine": i % 3 != 0}
    return attrs, [randn(g, shape, 2.0) + r.uniform(-5, 5)], affine(g, (c,), attrs["affine"])


def instancenorm2d(r, g, i):
    c = r.randint(1, 5)
    attrs = {"eps": r.choice([1e-5, 1e-3, 0.1]), "affine": i % 2 == 0}
    h = r.randint(1, 6)
    w = r.randint(1 if h > 1 else 2, 6)  # PyTorch refuses statistics over one value
    x = randn(g, (r.randint(1, 3), c, h, w), 2.0) + r.uniform(-5, 5)
    return attrs, [x], affine(g, (c,), attrs["affine"])


def mean(r, g, i):
    shape = [r.randint(1, 6) for _ in range(r.randint(1, 5))]
    rank = len(shape)
    dims = r.sample(range(rank), r.randint(1, rank))
    dims = [d - rank if r.random() < 0.3 else d for d in dims]
    keepdim = i % 2 == 0 or len(dims) == rank  # PyTorch's 0-D result has no nnc counterpart
    attrs = {"dim": dims[0] if len(dims) == 1 and i % 3 == 0 else dims, "keepdim": keepdim}
    return attrs, [randn(g, shape, 2.0) + r.uniform(-2, 2)], {}


def matmul(r, g, i):
    m, k, n = r.randint(1, 19), r.randint(1, 35), r.randint(1, 37)
    batch = [r.randint(1, 3) for _ in range(r.randint(0, 2))]
    a_shape = [d if r.random() < 0.7 else 1 for d in batch] + [m, k]
    b_shape = [d if r.random() < 0.7 else 1 for d in batch][r.randint(0, len(batch)):] + [k, n]
    if i % 4 == 1:
        a_shape = [k]
    elif i % 4 == 2:
        b_shape = [k]
    return {}, [randn(g, a_shape), randn(g, b_shape)], {}


def multihead_attention(r, g, i):
    heads = r.randint(1, 4)
    embed = heads * r.randint(1, 6)
    batch, queries, keys = r.randint(1, 3), r.randint(1, 9), r.randint(1, 9)
    batch_first, bias = i % 2 == 0, i % 3 != 0
    def tokens(length):
        return randn(g, (batch, length, embed) if batch_first else (length, batch, embed))
    inputs = [tokens(queries)] if i % 4 < 2 else [tokens(queries), tokens(keys), tokens(keys)]
    params = {"in_proj_weight": randn(g, (3 * embed, embed), 0.5), "out_proj.weight": randn(g, (embed, embed), 0.5)}
    if bias:
        params.update({"in_proj_bias": randn(g, (3 * embed,)), "out_proj.bias": randn(g, (embed,))})
    attrs = {"num_heads": heads, "bias": bias, "batch_first": batch_first}
    if i % 5 == 0:
        attrs["embed_dim"] = embed
    return attrs, inputs, params
def random_shape(r, ranks, largest=4):
    return [r.randint(1, largest) for _ in range(r.randint(*ranks))]


def with_negative(r, dim, rank):
    """`dim`, or the same dim counted from the end, at random."""
    return dim - rank if r.random() < 0.5 else dim


def reshape(r, g, i):
    shape = random_shape(r, (1, 4))
    out = r.sample(shape, len(shape))
    if len(out) > 1 and i % 2:
        out = [out[0] * out[1]] + out[2:]
    if i % 3 == 0:
        out[r.randrange(len(out))] = -1
    return {"shape": out}, [randn(g, shape)], {}


def squeeze(r, g, i):
    shape = [r.choice([1, 1, 2, 3]) for _ in range(r.randint(2, 4))]
    return {"dim": r.randrange(-len(shape), len(shape))}, [randn(g, shape)], {}


def unsqueeze(r, g, i):
    shape = random_shape(r, (1, 4))
    return {"dim": r.randint(-len(shape) - 1, len(shape))}, [randn(g, shape)], {}


def permute(r, g, i):
    shape = random_shape(r, (1, 5))
    dims = [with_negative(r, d, len(shape)) for d in r.sample(range(len(shape)), len(shape))]
    return {"dims": dims}, [randn(g, shape)], {}


def transpose(r, g, i):
    shape = random_shape(r, (1, 5))
    rank = len(shape)
    return {"dim0": r.randrange(-rank, rank), "dim1": r.randrange(-rank, rank)}, [randn(g, shape)], {}


def select(r, g, i):
    shape = random_shape(r, (2, 5))
    dim = r.randrange(len(shape))
    index = with_negative(r, r.randrange(shape[dim]), shape[dim])
    return {"dim": with_negative(r, dim, len(shape)), "index": index}, [randn(g, shape)], {}


def slice_along(r, g, i):
    shape = random_shape(r, (1, 4), 7)
    dim = r.randrange(len(shape))
    size = shape[dim]
    while True:  # Python's rules, clamping included; nnc refuses an empty slice
        attrs = {"dim": with_negative(r, dim, len(shape)), "start": r.randint(-size - 2, size + 2),
                 "end": r.choice([None, r.randint(-size - 2, size + 2)]), "step": r.randint(1, 3)}
        if len(range(size)[attrs["start"]:attrs["end"]:attrs["step"]]):
            return attrs, [randn(g, shape)], {}


def channel_shuffle(r, g, i):
    groups = r.randint(1, 4)
    shape = [r.randint(1, 2), groups * r.randint(1, 3)] + random_shape(r, (1, 3))
    return {"groups": groups}, [randn(g, shape)], {}


def pixel_shuffle(r, g, i):
    factor = r.randint(1, 3)
    shape = random_shape(r, (0, 2), 2) + [factor * factor * r.randint(1, 3), r.randint(1, 4), r.randint(1, 4)]
    return {"upscale_factor": factor}, [randn(g, shape)], {}
def conv_transpose2d(r, g, i):
    groups, cin, cout, kernel, stride, dilation = conv_window(r, i)
    padding = (r.randint(0, 2), r.randint(0, 2))
    output_padding = tuple(r.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation))
    bias = r.random() < 0.7
    x = randn(g, (r.randint(1, 2), cin, r.randint(1, 6), r.randint(1, 6)))
    params = {"weight": randn(g, (cin, cout // groups) + kernel, 0.5)}
    if bias:
        params["bias"] = randn(g, (cout,))
    attrs = {"out_channels": cout, "kernel_size": pair_attr(kernel), "stride": pair_attr(stride), "padding": pair_attr(padding),
             "output_padding": pair_attr(output_padding), "groups": groups, "bias": bias, "dilation": pair_attr(dilation)}
    return attrs, [x], params


def upsample(r, g, i):
    mode = ["nearest", "bilinear"][i % 2]
    x = randn(g, (r.randint(1, 2), r.randint(1, 3), r.randint(1, 8), r.randint(1, 8)))
    kind = (i // 2) % 3
    if kind == 2:
        attrs = {"size": pair_attr((r.randint(1, 17), r.randint(1, 17)))}
    else:
        factors = [2, 3, 4] if kind == 0 else [0.5, 0.6, 0.75, 1.3, 1.5, 1.7, 2.25, 2.5, 3.1]
        attrs = {"scale_factor": pair_attr((r.choice(factors), r.choice(factors)))}
    attrs["mode"] = mode
    if mode == "bilinear" and r.random() < 0.6:
        attrs["align_corners"] = r.random() < 0.5
    return attrs, [x], {}


def pad(r, g, i):
    """Pads (negative ones crop) that nnc's rules allow: edge modes on the ranks PyTorch gives them, reflect below
    the size, circular within what the crop leaves, every output size at least 1."""
    mode = ["constant", "reflect", "replicate", "circular"][i % 4]
    pairs = r.randint(1, 3)
    rank = {"constant": r.randint(max(pairs, 2), 5), "circular": pairs + 2}.get(mode, pairs + r.randint(1, 2))
    shape = [r.randint(1, 3)] + [r.randint(1, 6) for _ in range(rank - 1)]
    pads = []
    for k in range(pairs):
        size = shape[-1 - k]
        while True:
            before, after = r.randint(-2, 3), r.randint(-2, 3)
            kept = size + min(before, 0) + min(after, 0)
            if size + before + after < 1 or kept < 1:
                continue
            if mode == "reflect" and max(before, after) >= size:
                continue
            if mode == "circular" and max(before, after) > kept:
                continue
            break
        pads += [before, after]
    attrs = {"pad": pads, "mode": mode}
    if mode == "constant" and r.random() < 0.5:
        attrs["value"] = r.choice([-1.5, 0.25, 3.0])
    return attrs, [randn(g, shape)], {}


def with_params(module, params):
    """The module in float64 with the given parameters and buffers (keys as state_dict's: out_proj.weight)."""
    module = module.double()
    state = module.state_dict()
    with torch.no_grad():
        for key, value in params.items():
            state[key].copy_(value)
    return module


# op -> its case generator: (random.Random, torch.Generator, case number) -> (attrs, inputs, params).
GENERATORS = {
    "conv2d": conv2d,
    "maxpool2d": maxpool2d,
    "avgpool2d": avgpool2d,
    "adaptive_avgpool2d": adaptive_pool,
    "batchnorm2d": batchnorm2d,
    "linear": linear,
    "flatten": flatten,
    "relu": activation(lambda r, i: {}),
    "sigmoid": activation(lambda r, i: {}),
    "tanh": activation(lambda r, i: {}),
    "silu": activation(lambda r, i: {}),
    "leaky_relu": activation(leaky_relu_attrs),
    "gelu": activation(gelu_attrs),
    "dropout": activation(dropout_attrs),
    "softmax": softmax,
    "add": add,
    "concat": concat,
    "sub": binary,
    "mul": binary,
    "div": binary,
    "relu6": activation(lambda r, i: {}),
    "hardswish": activation(lambda r, i: {}),
    "hardsigmoid": activation(lambda r, i: {}),
    "selu": activation(lambda r, i: {}),
    "mish": activation(lambda r, i: {}),
    "identity": activation(lambda r, i: {}),
    "hardtanh": activation(hardtanh_attrs),
    "elu": activation(elu_attrs),
    "softplus": activation(softplus_attrs),
    "log_softmax": softmax,
    "prelu": prelu,
    "layernorm": layernorm,
    "groupnorm": groupnorm,
    "instancenorm2d": instancenorm2d,
    "mean": mean,
    "matmul": matmul,
    "multihead_attention": multihead_attention,
    "reshape": reshape,
    "squeeze": squeeze,
    "unsqueeze": unsqueeze,
    "permute": permute,
    "transpose": transpose,
    "select": select,
    "slice": slice_along,
    "channel_shuffle": channel_shuffle,
    "pixel_shuffle": pixel_shuffle,
    "conv_transpose2d": conv_transpose2d,
    "adaptive_maxpool2d": adaptive_pool,
    "upsample": upsample,
    "pad": pad,
}


def save(path, array, case_number):
    version = [(1, 0), (2, 0), (3, 0)][case_number % 3]
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(array.numpy(), dtype=np.float32), version=version,
                                  allow_pickle=False)


def make_cases(twins, directory, per_op):
    """Writes every case's files; returns (manifest cases, {id: (description, expected array)})."""
    manifest, expected = [], {}
    for op_index, (op, generate) in enumerate(GENERATORS.items()):
        r = random.Random(1000 + op_index)
        g = torch.Generator().manual_seed(op_index)
        i = attempts = 0
        while i < per_op:
            attempts += 1
            if attempts > 20 * per_op:
                raise SystemExit(f"{op}: cannot draw {per_op} valid configurations")
            attrs, inputs, params = generate(r, g, i)
            layer = twins.layer(op, attrs, inputs)
            try:
                with torch.no_grad():
                    y = with_params(layer, {k: v.double() for k, v in params.items()})(*[x.double() for x in inputs])
            except RuntimeError:
                continue  # a configuration torch refuses (e.g. a kernel larger than the padded input)
            if op in ("maxpool2d", "avgpool2d", "upsample"):
                attrs["output"] = list(y.shape[2:])
            case_id = f"{op}-{i}"
            files = {}
            for name, tensor in [(f"in{k}", x) for k, x in enumerate(inputs)] + list(params.items()):
                files[name] = str(directory / f"{case_id}-{name}.npy")
                save(files[name], tensor, len(manifest))
            manifest.append({"id": case_id, "op": op, "attrs": attrs,
                             "inputs": [files[f"in{k}"] for k in range(len(inputs))],
                             "params": {k: files[k] for k in params},
                             "output": str(directory / f"{case_id}-out.npy")})
            shapes = [list(x.shape) for x in inputs]
            expected[case_id] = (f"{op} {json.dumps(attrs)} inputs {shapes}", y.numpy())
            i += 1
    return manifest, expected


def compare(case, description, want):
    got = np.load(case["output"], allow_pickle=False)
    if got.dtype != np.float32:
        return f"output dtype {got.dtype}"
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, torch {list(want.shape)}"
    close = np.isclose(got, want, rtol=RTOL, atol=ATOL)
    if not close.all():
        at = np.unravel_index(np.argmin(close), close.shape)
        return f"{(~close).sum()} of {close.size} values differ, e.g. at {list(at)}: {got[at]} vs torch {want[at]}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True)
    parser.add_argument("--nnc", required=True, help="the nnc binary, whose op definitions declare the PyTorch twins")
    parser.add_argument("--cases-per-op", type=int, default=60)
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", "Using padding='same'")

    with tempfile.TemporaryDirectory(prefix="nnc-kernels-") as tmp:
        directory = pathlib.Path(tmp)
        manifest, expected = make_cases(torch_twins.registry(args.nnc), directory, args.cases_per_op)
        (directory / "manifest.json").write_text(json.dumps({"cases": manifest}))
        run = subprocess.run([args.tool, str(directory / "manifest.json")], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"ref_kernel_tool failed with status {run.returncode}:\n{run.stderr}")
            return 1
        results = {}
        for line in run.stdout.splitlines():
            status, _, rest = line.partition(" ")
            case_id, _, message = rest.partition(": ")
            results[case_id] = message if status == "error" else None

        passed = failed = 0
        for case in manifest:
            description, want = expected[case["id"]]
            if case["id"] not in results:
                problem = "no result from ref_kernel_tool"
            elif results[case["id"]] is not None:
                problem = "ref_kernel_tool: " + results[case["id"]]
            else:
                problem = compare(case, description, want)
            if problem:
                failed += 1
                print(f"FAIL {case['id']}: {description}: {problem}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
