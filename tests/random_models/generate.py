#!/usr/bin/env python3
"""Seeded random models that PyTorch runs: every op `nnc ops` lists, wired as a DAG.

Each layer reads the previous layer or, now and then, an earlier tensor; ops reading several tensors (add, sub,
mul, div, concat, matmul, cross-attention) take earlier tensors that fit (residual adds, concats of branches) or
`parameter` layers shaped to fit (broadcasting shapes, matmul's second operand, attention's key and value). Every
layer is built with its PyTorch twin on zeros of its input's shape; a proposal PyTorch refuses, or whose output
is empty or large, is drawn again, so a model written here is one PyTorch runs.

    generate.py --nnc build/bin/nnc --seed 3      # prints one model's YAML
"""
import argparse
import math
import random
import sys
import warnings
from pathlib import Path

import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "torch"))
import torch_twins  # noqa: E402
import attributes  # noqa: E402

MAX_ELEMENTS = 4096  # per tensor, so that every model runs in milliseconds
MAX_LAYERS = 8
ATTEMPTS = 30
REFUSED_KEPT = 3  # models PyTorch refused, kept per model for `nnc check` to refuse too
BINARY = ("add", "sub", "mul", "div")

warnings.filterwarnings("ignore")


def input_shape(rng):
    """Mostly tiny; a third of the time wide enough for the kernels' vector and tiled paths (a convolution reducing
    over 128 multiply-adds or more, rows longer than a vector)."""
    rank = rng.choice([4, 4, 4, 3, 2])
    batch = rng.choice([1, 1, 2])
    wide = attributes.maybe(rng, 0.3)
    if rank == 4:
        return [batch, rng.randint(8, 24) if wide else rng.randint(1, 6), rng.randint(1, 12 if wide else 9),
                rng.randint(1, 12 if wide else 9)]
    if rank == 3:
        return [batch, rng.randint(1, 12 if wide else 6), rng.choice([16, 24, 32, 40] if wide else [2, 4, 6, 8])]
    return [batch, rng.randint(64, 300) if wide else rng.randint(1, 12)]


class Builder:
    """A model under construction: its layers (as YAML mappings) and each tensor's value on zeros."""

    def __init__(self, twins, rng):
        self.twins, self.rng = twins, rng
        self.shape = input_shape(rng)
        self.tensors = {"input": torch.zeros(self.shape)}
        self.layers = []
        self.refused = []  # (the model up to a layer PyTorch refused, PyTorch's message)
        self.read = set()  # the tensors some layer reads

    def name(self, prefix):
        return f"{prefix}{len(self.layers)}"

    def shapes(self):
        return {name: list(t.shape) for name, t in self.tensors.items()}

    def try_layer(self, layer, sources):
        """Runs the layer's twin on its sources; returns its output, or None when PyTorch (or the contract's ranks)
        refuses it or the output is empty or too large."""
        op = layer["op"]
        attrs = {k: v for k, v in layer.items() if k not in ("op", "name", "input", "inputs")}
        inputs = [self.tensors[s] for s in sources]
        if self.twins.contract_problem(op, [x.shape for x in inputs]):
            return None
        try:
            with torch.no_grad():
                out = self.twins.layer(op, attrs, inputs).eval()(*inputs)
        except Exception as e:
            model = {"input": {"shape": self.shape}, "layers": [*self.layers, layer]}
            self.refused = [*self.refused, (model, f"{type(e).__name__}: {e}")][-REFUSED_KEPT:]
            return None
        # nnc's tensors have no zero-sized dims; PyTorch's may.
        if not isinstance(out, torch.Tensor) or out.numel() == 0 or out.numel() > MAX_ELEMENTS or out.dim() == 0:
            return None
        return out

    def add(self, layer, sources, out):
        self.layers.append(layer)
        self.tensors[layer["name"]] = out
        self.read |= set(sources)

    def parameter(self, shape):
        """A `parameter` layer of `shape`, added now; its name."""
        layer = {"op": "parameter", "name": self.name("p"), "shape": list(shape)}
        self.add(layer, [], torch.zeros(shape))
        return layer["name"]


def broadcast_partner(rng, shape):
    """A shape that broadcasts with `shape`: some dims 1, maybe fewer leading dims."""
    partner = [1 if attributes.maybe(rng, 0.4) else n for n in shape]
    return partner[rng.randint(0, len(partner) - 1):] if attributes.maybe(rng, 0.3) else partner


def fitting(builder, source, fits):
    """Earlier tensors other than `source` whose shapes `fits`."""
    return [name for name, shape in builder.shapes().items() if name != source and fits(shape)]


def binary_sources(builder, source, op):
    rng, shape = builder.rng, builder.shapes()[source]
    if op == "div":
        # A computed divisor can be zero up to rounding (a norm over one element), which nnc and PyTorch may round
        # to 0 and to 1e-9: divide by a parameter.
        return [source, builder.parameter(broadcast_partner(rng, shape))]
    sources = [source]
    for _ in range(rng.choice([1, 1, 2]) if op == "add" else 1):
        same = fitting(builder, source, lambda s: s == shape)
        if attributes.maybe(rng, 0.6) and (same or (branch := residual_branch(builder, source))):
            sources.append(rng.choice(same) if same else branch)  # a residual
        else:
            sources.append(builder.parameter(broadcast_partner(rng, shape)))
    rng.shuffle(sources)
    return sources


def residual_branch(builder, source):
    """A layer that keeps `source`'s shape (a padded convolution, a square linear), added now; its name, or None."""
    shape = builder.shapes()[source]
    if len(shape) == 4:
        layer = {"op": "conv2d", "name": builder.name("l"), "out_channels": shape[1], "kernel_size": 3, "padding": 1}
    else:
        layer = {"op": "linear", "name": builder.name("l"), "out_features": shape[-1]}
    layer["input"] = source
    out = builder.try_layer(layer, [source])
    if out is None:
        return None
    builder.add(layer, [source], out)
    return layer["name"]


def concat_sources(builder, source, dim):
    rng, shape = builder.rng, builder.shapes()[source]
    d = dim % len(shape)
    fits = lambda s: len(s) == len(shape) and all(a == b for i, (a, b) in enumerate(zip(s, shape)) if i != d)  # noqa: E731
    sources = [source]
    for _ in range(rng.choice([0, 1, 1, 2])):
        branches = fitting(builder, source, fits)
        if branches and attributes.maybe(rng, 0.6):
            sources.append(rng.choice(branches))
        else:
            sources.append(builder.parameter([rng.randint(1, 4) if i == d else n for i, n in enumerate(shape)]))
    rng.shuffle(sources)
    return sources


def matmul_sources(builder, source):
    rng, shape = builder.rng, builder.shapes()[source]
    if attributes.maybe(rng, 0.2):
        return [source, builder.parameter([shape[-1]])]
    batch = shape[:-2] if attributes.maybe(rng, 0.5) else broadcast_partner(rng, shape[:-2]) if shape[:-2] else []
    if attributes.maybe(rng, 0.7):
        return [source, builder.parameter(batch + [shape[-1], rng.randint(1, 6)])]
    return [builder.parameter(batch + [rng.randint(1, 6), shape[-2]]), source]


def attention_sources(builder, source, batch_first):
    """Self-attention reads the one source; cross-attention also a key and a value of another length."""
    rng, shape = builder.rng, builder.shapes()[source]
    if attributes.maybe(rng):
        return [source]
    length = rng.randint(1, 5)
    other = [shape[0], length, shape[2]] if batch_first else [length, shape[1], shape[2]]
    key = builder.parameter(other)
    value = key if attributes.maybe(rng, 0.3) else builder.parameter(other)
    return [source, key, value]


def sources_for(builder, op, source, attrs):
    """The tensors a layer of `op` reads, the parameters it needs added to the model first."""
    name, form = op["name"], op["inputs"]
    if form["form"] == "none":
        return []
    if name in BINARY:
        return binary_sources(builder, source, name)
    if name == "concat":
        return concat_sources(builder, source, attrs.get("dim", 1))
    if name == "matmul":
        return matmul_sources(builder, source)
    if name == "multihead_attention":
        return attention_sources(builder, source, attrs.get("batch_first", True))
    if form["form"] == "list":  # an op landed later: its fewest inputs, all the same tensor
        return [source] * form["min"]
    return [source]


def wire(layer, op, sources, previous):
    """Writes the layer's `input:` or `inputs:` (nothing when it reads the previous layer)."""
    if op["inputs"]["form"] == "none":
        return
    if len(sources) > 1 or op["inputs"]["form"] == "list":
        layer["inputs"] = list(sources)
    elif sources[0] != previous:
        layer["input"] = sources[0]


def pick_source(builder, rank):
    """The previous tensor most of the time, else any earlier one; of the rank the op needs (0: any)."""
    names = [n for n, s in builder.shapes().items() if not rank or len(s) == rank]
    if not names:
        return None
    last = list(builder.tensors)[-1]
    return last if last in names and attributes.maybe(builder.rng, 0.7) else builder.rng.choice(names)


def add_layer(builder, ops):
    """Adds one random valid layer (and the parameters it reads); False when every attempt failed."""
    rng = builder.rng
    for _ in range(ATTEMPTS):
        op = rng.choice(ops)
        source = pick_source(builder, op["torch"]["input_rank"])
        if source is None:
            continue
        mark = len(builder.layers), dict(builder.tensors)
        try:
            attrs = attributes.propose(rng, op, builder.shapes()[source])
            sources = sources_for(builder, op, source, attrs)
        except (IndexError, ValueError, ZeroDivisionError):  # a proposal for a shape the op cannot take
            continue
        layer = {"op": op["name"], "name": builder.name("l"), **attrs}
        wire(layer, op, sources, previous=list(builder.tensors)[-1])
        out = builder.try_layer(layer, sources)
        if out is not None:
            builder.add(layer, sources, out)
            return True
        del builder.layers[mark[0]:]
        builder.tensors = mark[1]
        builder.read &= set(builder.tensors)
    return False


def sink(builder):
    """Concatenates every tensor that no layer reads, flattened, into the output, so that no layer is dead code
    (nnc drops those)."""
    unread = [name for name in builder.tensors if name not in builder.read and name != "input"]
    if len(unread) < 2:
        return
    flat = []
    for name in unread:
        layer = {"op": "reshape", "name": builder.name("l"), "shape": [1, -1], "input": name}
        builder.add(layer, [name], builder.tensors[name].reshape(1, -1))
        flat.append(layer["name"])
    builder.add({"op": "concat", "name": builder.name("l"), "inputs": flat}, flat, torch.cat([builder.tensors[n] for n in flat], 1))


def weight(op):
    """How often an op is drawn: image ops (which need a 4-D tensor at hand) and ops with shape-dependent
    attributes or several inputs more often, as they hide more; an op reading nothing never, as `parameter`
    layers come with the ops that read them."""
    if op["inputs"]["form"] == "none":
        return 0
    if op["torch"]["input_rank"] == 4:
        return 6 if op["name"] in attributes.PROPOSALS else 4
    return 2 if op["name"] in attributes.PROPOSALS or op["inputs"]["form"] == "list" else 1


def weighted_ops(twins):
    return [op for op in twins.ops.values() for _ in range(weight(op))]


def generate(twins, seed):
    """One random model, as a dict ready for YAML, and a few models that PyTorch refused on the way, each with
    PyTorch's message."""
    rng = random.Random(seed)
    builder = Builder(twins, rng)
    ops = weighted_ops(twins)
    for _ in range(rng.randint(1, MAX_LAYERS)):
        add_layer(builder, ops)
    sink(builder)
    if not builder.layers or builder.layers[-1]["op"] == "parameter":
        # A model's output must depend on its input.
        builder.layers.append({"op": "identity", "name": builder.name("l"), "input": "input"})
    return {"input": {"shape": builder.shape}, "layers": builder.layers}, builder.refused


def to_yaml(model, comment=""):
    """The model as a model file, one flow mapping per layer."""
    lines = [f"# {line}" for line in comment.splitlines()]
    if "name" in model:
        lines.append(f"name: {model['name']}")
    lines.append(f"input: {{shape: {model['input']['shape']}}}")
    lines.append("layers:")
    for layer in model["layers"]:
        lines.append("  - " + yaml.safe_dump(layer, default_flow_style=True, sort_keys=False, width=math.inf).strip())
    if "output" in model:
        lines.append(f"output: {model['output']}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--seed", default="0")
    args = parser.parse_args()
    print(to_yaml(generate(torch_twins.registry(args.nnc), args.seed)[0]), end="")


if __name__ == "__main__":
    main()
