"""Every op's PyTorch twin, as nnc's own op definitions declare it (`nnc ops --format json`).

    twins = torch_twins.registry("build/bin/nnc")
    layer = twins.layer("conv2d", {"out_channels": 4, "kernel_size": 3}, [x])
    y = layer(x)

`layer` takes the attributes a model file writes (YAML values: pairs as lists, `same`, null) and the
layer's input tensors, and returns a torch.nn.Module: the twin module itself (so its state_dict keys
are nnc's parameter keys; an attention module called on (query, key, value) or one input for all
three), a module calling the twin function (a torch function, or for what PyTorch writes as indexing,
such as x[:, a:b], one of INDEXING), or for an op that reads nothing a module holding the function's
result as its learned `value`. Attributes left out are filled in as the definition says: from an
input dimension, with nnc's default, or with PyTorch's own.
"""
import functools
import importlib
import json
import subprocess

import torch
from torch import nn


def slice_along(x, dim, start=0, end=None, step=1):
    """x[..., start:end:step, ...] along `dim`: nnc's slice, which PyTorch writes as indexing."""
    index = [slice(None)] * x.dim()
    index[dim] = slice(start, end, step)
    return x[tuple(index)]


# Twins that PyTorch writes as indexing rather than as a function, under the name nnc's definition gives.
INDEXING = {"slice": slice_along}


def resolve(dotted):
    """The object a dotted name such as torch.nn.Conv2d or torch.cat names, or an INDEXING twin."""
    if dotted in INDEXING:
        return INDEXING[dotted]
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def torch_value(value, attr_type):
    """A YAML value as PyTorch takes it: pairs and lists as tuples, one int of a list as a 1-tuple, floats as floats
    (PyYAML reads `1e-5` as a string)."""
    if attr_type == "float":
        return float(value)
    if attr_type == "int_list" and isinstance(value, int):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


class Function(nn.Module):
    """A twin that is a function: called on the inputs (one, folded left, or as a list) and the attributes."""

    def __init__(self, name, inputs, kwargs):
        super().__init__()
        self.name, self.inputs, self.kwargs = name, inputs, kwargs
        self.function = resolve(name)

    def forward(self, *xs):
        if self.inputs == "fold":
            return functools.reduce(lambda total, x: self.function(total, x, **self.kwargs), xs)
        if self.inputs == "list":
            return self.function(list(xs), **self.kwargs)
        return self.function(xs[0], **self.kwargs)

    def extra_repr(self):
        return ", ".join([self.name] + [f"{k}={v!r}" for k, v in self.kwargs.items()])


class Value(nn.Module):
    """A twin that reads nothing: the function's result, made once, as a learned value (nnc's `parameter`). Its
    state_dict key is `value`, which stands for the layer's name itself in nnc's weights."""

    def __init__(self, name, kwargs):
        super().__init__()
        self.value = nn.Parameter(resolve(name)(**kwargs))

    def forward(self):
        return self.value


def attention(module_class, kwargs):
    """The attention module called as m(query, key, value, need_weights=False)[0], one input standing for all three."""

    class Attention(module_class):
        def forward(self, query, key=None, value=None):
            key = query if key is None else key
            value = query if value is None else value
            # Under no_grad, PyTorch 1.13 takes a fast path that fails without biases; with grad enabled (the
            # weights require it) it takes its ordinary path, which computes the same.
            grad = torch.is_grad_enabled()
            with torch.enable_grad():
                out = super().forward(query, key, value, need_weights=False)[0]
            return out if grad else out.detach()

    return Attention(**kwargs)


class Registry:
    """The ops of one nnc binary, keyed by name, as `nnc ops --format json` prints them."""

    def __init__(self, document):
        self.ops = {op["name"]: op for op in document["ops"]}
        # The input rank per op: contract_problem runs on every call of a layer, which benchmarks time.
        self.input_rank = {name: op["torch"]["input_rank"] for name, op in self.ops.items()}

    def attributes(self, op):
        """{attribute name: its schema}, in the op's order."""
        return {a["name"]: a for a in self.ops[op]["attributes"]}

    def twin(self, op):
        return self.ops[op]["torch"]

    def call_arguments(self, op, attrs, inputs):
        """The keyword arguments of the twin's call for a layer with the given attributes and inputs."""
        schema = self.attributes(op)
        kwargs = {}
        for arg in self.twin(op)["args"]:
            name, keyword = arg["attr"], arg["keyword"]
            if keyword is None:
                continue
            if name in attrs:
                kwargs[keyword] = torch_value(attrs[name], schema[name]["type"])
            elif arg["when_left_out"] == "nnc_default":
                kwargs[keyword] = torch_value(schema[name]["default"], schema[name]["type"])
            elif arg["when_left_out"] == "input_dim":
                kwargs[keyword] = inputs[0].shape[arg["input_dim"]]
        return kwargs

    def layer(self, op, attrs, inputs):
        """The module computing `op` with `attrs` (as a model file writes them) on `inputs` (tensors)."""
        twin = self.twin(op)
        kwargs = self.call_arguments(op, attrs, inputs)
        if twin["inputs"] == "none":
            return Value(twin["function"], kwargs)
        if "function" in twin:
            return Function(twin["function"], twin["inputs"], kwargs)
        if twin["inputs"] == "attention":
            module = attention(resolve(twin["module"]), kwargs)
        else:
            module = resolve(twin["module"])(**kwargs)
        return module.eval() if twin["eval"] else module

    def contract_problem(self, op, shapes):
        """Why nnc's contract refuses inputs of these shapes (all lists or all torch.Size) that PyTorch may accept:
        a rank other than the one nnc takes (PyTorch's image ops also take unbatched input). None when there is no
        such problem."""
        rank = self.input_rank[op]
        for shape in shapes if rank else ():
            if len(shape) != rank:
                return f"expects a {rank}-D input, got shape {list(shape)}"
        return None


@functools.lru_cache(maxsize=None)
def registry(nnc):
    """The registry of the nnc binary at path `nnc`, read once per process."""
    run = subprocess.run([str(nnc), "ops", "--format", "json"], capture_output=True, text=True, check=True)
    return Registry(json.loads(run.stdout))
