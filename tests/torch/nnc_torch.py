"""Builds a torch.nn.Module from an nnc model file, with PyTorch's own layers for every op.

    model = nnc_torch.load("examples/lenet5.yaml", "build/bin/nnc")
    y = model(torch.zeros(model.input_shape))
    model.layer_outputs          # {layer name: its output}, from the last call

Each layer is its op's PyTorch twin, as the nnc binary given declares it (torch_twins.py). Layers
are registered under their nnc names, a dotted name as a path of submodules as PyTorch nests them
("layer1.0.conv1" is the child conv1 of the child 0 of layer1), so state_dict() keys are "<layer>.weight",
"<layer>.running_mean", ... as in nnc's weights files (PyTorch adds batchnorm's
"<layer>.num_batches_tracked", which nnc does not use). The model is in eval mode, as nnc
is: batchnorm uses its running statistics and dropout is the identity. Where PyTorch is more
lenient than nnc's contract (add broadcasts, convolutions accept unbatched input), the model
raises instead, so a model PyTorch runs is one nnc must accept.
"""
import sys
from pathlib import Path

import torch
import yaml
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_twins  # noqa: E402

TOP_KEYS = {"name", "input", "weights", "layers", "output"}


class NncModel(nn.Module):
    """The layers of an nnc model, indexed by layer name, run in order along the model's wiring."""

    def __init__(self, twins, model_name, input_name, input_shape):
        super().__init__()
        self.twins = twins
        self.model_name = model_name
        self.input_name = input_name
        self.input_shape = list(input_shape)
        self.wiring = []  # (layer name, op, names of the tensors it reads), in evaluation order
        self.output_name = None
        self.layer_outputs = {}

    def __getitem__(self, name):
        return self.get_submodule(name)

    def __setitem__(self, name, layer):
        """Registers `layer` at the submodule path `name`, with empty modules for the parents not registered yet."""
        *parents, last = name.split(".")
        parent = self
        for part in parents:
            if part not in parent._modules:
                parent.add_module(part, nn.Module())
            parent = parent._modules[part]
        placeholder = parent._modules.get(last)
        if placeholder is not None:  # layers named below this one came first: keep them as children
            for child_name, child in placeholder.named_children():
                layer.add_module(child_name, child)
        parent.add_module(last, layer)

    def __contains__(self, name):
        return any(layer == name for layer, _, _ in self.wiring)

    def values(self):
        """The layers' modules, in evaluation order."""
        return [self[name] for name, _, _ in self.wiring]

    def run_layer(self, values, name, op, sources):
        """Computes layer `name` from `values` (tensor name -> tensor) and stores its output there."""
        args = [values[source] for source in sources]
        problem = self.twins.contract_problem(op, [x.shape for x in args])
        if problem:
            raise ValueError(f"{op} '{name}': {problem}")
        values[name] = self[name](*args)

    def forward(self, x):
        values = {self.input_name: x}
        for step in self.wiring:
            self.run_layer(values, *step)
        self.layer_outputs = {name: values[name] for name, _, _ in self.wiring}
        return values[self.output_name]


def _attributes(twins, op, layer, where):
    """The attributes the layer gives, checked against the op's schema."""
    schema = twins.attributes(op)
    unknown = set(layer) - set(schema) - {"op", "name", "input", "inputs"}
    if unknown:
        raise ValueError(f"{where}: unknown attribute(s) {sorted(unknown)} for {op}")
    missing = [key for key, spec in schema.items() if spec.get("required") and key not in layer]
    if missing:
        raise ValueError(f"{where}: {op} needs {missing[0]}")
    return {key: layer[key] for key in schema if key in layer}


def _sources(twins, op, layer, previous, where):
    """The names of the tensors a layer reads: its `input:` or `inputs:`, else the previous layer."""
    if twins.ops[op]["inputs"]["variadic"]:
        if "input" in layer or "inputs" not in layer:
            raise ValueError(f"{where}: {op} reads `inputs: [a, b, ...]`")
        return [str(name) for name in layer["inputs"]]
    if "inputs" in layer:
        raise ValueError(f"{where}: {op} reads one tensor, `input: NAME`")
    return [str(layer.get("input", previous))]


def build(spec, nnc, default_name="model"):
    """The model described by `spec`, a model file's parsed YAML, with the twins the nnc binary at `nnc` declares."""
    twins = torch_twins.registry(nnc)
    unknown = set(spec) - TOP_KEYS
    if unknown:
        raise ValueError(f"unknown top-level key(s) {sorted(unknown)}")
    model_input = spec["input"]
    model = NncModel(twins, str(spec.get("name", default_name)), str(model_input.get("name", "input")), model_input["shape"])
    # Each layer runs on zeros as it is added, so the next one can take its sizes from the result.
    values = {model.input_name: torch.zeros(model.input_shape)}
    previous = model.input_name
    with torch.no_grad():
        for index, layer in enumerate(spec["layers"]):
            name = str(layer.get("name", index))
            op = layer["op"]
            where = f"layer '{name}'"
            if op not in twins.ops:
                raise ValueError(f"{where}: unknown op '{op}'")
            if name in values:
                raise ValueError(f"{where}: the name is already used")
            sources = _sources(twins, op, layer, previous, where)
            missing = [source for source in sources if source not in values]
            if missing:
                raise ValueError(f"{where}: reads {missing}, neither the input nor an earlier layer")
            attrs = _attributes(twins, op, layer, where)
            model[name] = twins.layer(op, attrs, [values[source] for source in sources]).eval()
            model.wiring.append((name, op, sources))
            model.run_layer(values, name, op, sources)
            previous = name
    model.output_name = str(spec.get("output", previous))
    if model.output_name not in model:
        raise ValueError(f"output names no layer: '{model.output_name}'")
    return model.eval()


def load(path, nnc):
    """The model in the YAML file at `path`; its default name is the file's stem."""
    path = Path(path)
    return build(yaml.safe_load(path.read_text()), nnc, default_name=path.stem)
