"""Builds a torch.nn.Module from an nnc model file, with PyTorch's own layers for every op.

    model = nnc_torch.load("examples/lenet5.yaml")
    y = model(torch.zeros(model.input_shape))
    model.layer_outputs          # {layer name: its output}, from the last call

Layers are registered under their nnc names, so state_dict() keys are "<layer>.weight",
"<layer>.running_mean", ... as in nnc's weights files (PyTorch adds batchnorm's
"<layer>.num_batches_tracked", which nnc does not use). The model is in eval mode, as nnc
is: batchnorm uses its running statistics and dropout is the identity. Where PyTorch is more
lenient than nnc's contract (add broadcasts, convolutions accept unbatched input), the model
raises instead, so a model PyTorch runs is one nnc must accept.
"""
from pathlib import Path

import torch
import yaml
from torch import nn

REQUIRED = object()  # the attribute has no default
INFERRED = object()  # in_channels and friends: taken from the input, checked by PyTorch when given

FLOAT_ATTRS = {"eps", "negative_slope", "p"}
RANK4_OPS = {"conv2d", "maxpool2d", "avgpool2d", "adaptive_avgpool2d", "batchnorm2d"}
TOP_KEYS = {"name", "input", "weights", "layers", "output"}


class Add(nn.Module):
    """add: the sum of two or more tensors of one shape, left to right."""

    def forward(self, *xs):
        for x in xs[1:]:
            if x.shape != xs[0].shape:
                raise ValueError(f"add: inputs of different shapes {[list(x.shape) for x in xs]}")
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return total


class Concat(nn.Module):
    """concat: torch.cat along dim."""

    def __init__(self, dim=1):
        super().__init__()
        self.dim = dim

    def forward(self, *xs):
        return torch.cat(xs, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


def _size(value):
    """An int, a [h, w] pair (with null entries for adaptive pools) or a word such as `same`."""
    return tuple(value) if isinstance(value, list) else value


def _given(value, inferred):
    return inferred if value is INFERRED else value


def _conv2d(a, x):
    return nn.Conv2d(_given(a["in_channels"], x.shape[1]), a["out_channels"], a["kernel_size"], stride=a["stride"],
                     padding=a["padding"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"],
                     padding_mode=a["padding_mode"])


# op: (factory(attributes, first input) -> nn.Module, {attribute: default})
OPS = {
    "conv2d": (_conv2d, dict(in_channels=INFERRED, out_channels=REQUIRED, kernel_size=REQUIRED, stride=1, padding=0,
                             dilation=1, groups=1, bias=True, padding_mode="zeros")),
    "maxpool2d": (lambda a, x: nn.MaxPool2d(a["kernel_size"], a["stride"], a["padding"], a["dilation"],
                                            ceil_mode=a["ceil_mode"]),
                  dict(kernel_size=REQUIRED, stride=None, padding=0, dilation=1, ceil_mode=False)),
    "avgpool2d": (lambda a, x: nn.AvgPool2d(a["kernel_size"], a["stride"], a["padding"], ceil_mode=a["ceil_mode"],
                                            count_include_pad=a["count_include_pad"]),
                  dict(kernel_size=REQUIRED, stride=None, padding=0, ceil_mode=False, count_include_pad=True)),
    "adaptive_avgpool2d": (lambda a, x: nn.AdaptiveAvgPool2d(a["output_size"]), dict(output_size=REQUIRED)),
    "batchnorm2d": (lambda a, x: nn.BatchNorm2d(_given(a["num_features"], x.shape[1]), eps=a["eps"]),
                    dict(num_features=INFERRED, eps=1e-5)),
    "linear": (lambda a, x: nn.Linear(_given(a["in_features"], x.shape[-1]), a["out_features"], bias=a["bias"]),
               dict(in_features=INFERRED, out_features=REQUIRED, bias=True)),
    "flatten": (lambda a, x: nn.Flatten(a["start_dim"], a["end_dim"]), dict(start_dim=1, end_dim=-1)),
    "relu": (lambda a, x: nn.ReLU(), {}),
    "sigmoid": (lambda a, x: nn.Sigmoid(), {}),
    "tanh": (lambda a, x: nn.Tanh(), {}),
    "silu": (lambda a, x: nn.SiLU(), {}),
    "leaky_relu": (lambda a, x: nn.LeakyReLU(a["negative_slope"]), dict(negative_slope=0.01)),
    "gelu": (lambda a, x: nn.GELU(approximate=a["approximate"]), dict(approximate="none")),
    "softmax": (lambda a, x: nn.Softmax(dim=a["dim"]), dict(dim=1)),
    "dropout": (lambda a, x: nn.Dropout(a["p"]), dict(p=0.5)),
    "add": (lambda a, x: Add(), {}),
    "concat": (lambda a, x: Concat(a["dim"]), dict(dim=1)),
}
VARIADIC_OPS = {"add", "concat"}


class NncModel(nn.ModuleDict):
    """The layers of an nnc model, keyed by layer name, run in order along the model's wiring."""

    def __init__(self, model_name, input_name, input_shape):
        super().__init__()
        self.model_name = model_name
        self.input_name = input_name
        self.input_shape = list(input_shape)
        self.wiring = []  # (layer name, op, names of the tensors it reads), in evaluation order
        self.output_name = None
        self.layer_outputs = {}

    def run_layer(self, values, name, op, sources):
        """Computes layer `name` from `values` (tensor name -> tensor) and stores its output there."""
        args = [values[source] for source in sources]
        if op in RANK4_OPS and args[0].dim() != 4:
            raise ValueError(f"{op} '{name}': expects [N, C, H, W], got shape {list(args[0].shape)}")
        values[name] = self[name](*args)

    def forward(self, x):
        values = {self.input_name: x}
        for step in self.wiring:
            self.run_layer(values, *step)
        self.layer_outputs = {name: values[name] for name, _, _ in self.wiring}
        return values[self.output_name]


def _attributes(op, layer, where):
    """The op's factory and every attribute's value, given or default."""
    factory, schema = OPS[op]
    unknown = set(layer) - set(schema) - {"op", "name", "input", "inputs"}
    if unknown:
        raise ValueError(f"{where}: unknown attribute(s) {sorted(unknown)} for {op}")
    attrs = {}
    for key, default in schema.items():
        value = layer.get(key, default)
        if value is REQUIRED:
            raise ValueError(f"{where}: {op} needs {key}")
        # PyYAML reads `1e-5` (no dot) as a string; YAML 1.2 and nnc read a number.
        attrs[key] = float(value) if key in FLOAT_ATTRS else _size(value)
    return factory, attrs


def _sources(op, layer, previous, where):
    """The names of the tensors a layer reads: its `input:` or `inputs:`, else the previous layer."""
    if op in VARIADIC_OPS:
        if "input" in layer or "inputs" not in layer:
            raise ValueError(f"{where}: {op} reads `inputs: [a, b, ...]`")
        return [str(name) for name in layer["inputs"]]
    if "inputs" in layer:
        raise ValueError(f"{where}: {op} reads one tensor, `input: NAME`")
    return [str(layer.get("input", previous))]


def build(spec, default_name="model"):
    """The model described by `spec`, a model file's parsed YAML."""
    unknown = set(spec) - TOP_KEYS
    if unknown:
        raise ValueError(f"unknown top-level key(s) {sorted(unknown)}")
    model_input = spec["input"]
    model = NncModel(str(spec.get("name", default_name)), str(model_input.get("name", "input")), model_input["shape"])
    # Each layer runs on zeros as it is added, so the next one can take its sizes from the result.
    values = {model.input_name: torch.zeros(model.input_shape)}
    previous = model.input_name
    with torch.no_grad():
        for index, layer in enumerate(spec["layers"]):
            name = str(layer.get("name", index))
            op = layer["op"]
            where = f"layer '{name}'"
            if op not in OPS:
                raise ValueError(f"{where}: unknown op '{op}'")
            if name in values:
                raise ValueError(f"{where}: the name is already used")
            sources = _sources(op, layer, previous, where)
            missing = [source for source in sources if source not in values]
            if missing:
                raise ValueError(f"{where}: reads {missing}, neither the input nor an earlier layer")
            factory, attrs = _attributes(op, layer, where)
            model[name] = factory(attrs, values[sources[0]]).eval()
            model.wiring.append((name, op, sources))
            model.run_layer(values, name, op, sources)
            previous = name
    model.output_name = str(spec.get("output", previous))
    if model.output_name not in model:
        raise ValueError(f"output names no layer: '{model.output_name}'")
    return model.eval()


def load(path):
    """The model in the YAML file at `path`; its default name is the file's stem."""
    path = Path(path)
    return build(yaml.safe_load(path.read_text()), default_name=path.stem)
