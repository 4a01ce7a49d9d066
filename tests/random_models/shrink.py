"""Reduces a model on which nnc fails to a small one on which it fails the same way.

Greedy: try each smaller variant in turn (start the model at a later layer, drop a layer and rewire its readers
to what it read, make a parameter the model's input, drop one of a layer's inputs, leave an attribute to its
default, make a number or a shape smaller) and keep the first that PyTorch still runs and that fails with the
same signature (kind, stage, diagnostic code or signal, thread count); start again from it, until no variant
fails or the time is up.
"""
import copy
import sys
import time
from pathlib import Path

import torch

import differential
from generate import to_yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "torch"))
import nnc_torch  # noqa: E402
import torch_twins  # noqa: E402

SKIPPED = ("op", "name", "input", "inputs")


def explicit_wiring(model, twins):
    """The model with every layer's sources written out, so that dropping a layer cannot rewire another by
    accident."""
    model = copy.deepcopy(model)
    previous = model["input"].get("name", "input")
    for layer in model["layers"]:
        form = twins.ops[layer["op"]]["inputs"]["form"]
        if form != "none" and "input" not in layer and "inputs" not in layer:
            if form == "list":
                layer["inputs"] = [previous]
            else:
                layer["input"] = previous
        previous = layer["name"]
    return model


def drop_layer(model, twins, index):
    """The model without layer `index`, its readers reading what it read; None when a reader would lose its only
    source."""
    model = copy.deepcopy(model)
    gone = model["layers"].pop(index)
    if not model["layers"]:
        return None
    replacement = gone.get("input") or (gone.get("inputs") or [None])[0]
    for layer in model["layers"][index:]:
        if layer.get("input") == gone["name"]:
            if replacement is None:
                return None
            layer["input"] = replacement
        if gone["name"] in layer.get("inputs", []):
            fewest = twins.ops[layer["op"]]["inputs"]["min"]
            if replacement is None:
                layer["inputs"] = [s for s in layer["inputs"] if s != gone["name"]]
                if len(layer["inputs"]) < fewest:
                    return None
            else:
                layer["inputs"] = [replacement if s == gone["name"] else s for s in layer["inputs"]]
    output = model.get("output", gone["name"] if index == len(model["layers"]) else None)
    if output == gone["name"]:
        if replacement is None:
            return None
        model["output"] = replacement
    if model.get("output") == model["layers"][-1]["name"]:
        del model["output"]
    return model


def start_at(model, index, shape):
    """The model from layer `index` on, reading as its input the one tensor that layer reads (of `shape`); None
    when a later layer also reads something from before `index`."""
    model = copy.deepcopy(model)
    (source,) = reads(model["layers"][index])
    model["layers"] = model["layers"][index:]
    name = model["input"].get("name", "input")
    kept = {layer["name"] for layer in model["layers"]}
    for layer in model["layers"]:
        if reads(layer) - kept - {source, name}:
            return None
        if layer.get("input") == source:
            layer["input"] = name
        if "inputs" in layer:
            layer["inputs"] = [name if s == source else s for s in layer["inputs"]]
    model["input"]["shape"] = list(shape)
    return model


def parameter_as_input(model, index):
    """The model with parameter layer `index` gone and its readers reading the model's input, of its shape."""
    model = copy.deepcopy(model)
    gone = model["layers"].pop(index)
    source = model["input"].get("name", "input")
    for layer in model["layers"]:
        if layer.get("input") == gone["name"]:
            layer["input"] = source
        if "inputs" in layer:
            layer["inputs"] = [source if s == gone["name"] else s for s in layer["inputs"]]
    model["input"]["shape"] = gone["shape"] if isinstance(gone["shape"], list) else [gone["shape"]]
    return model


def smaller_numbers(value, floor=None):
    """Values closer to 1 (or 0) than `value`, none below `floor`: an int, a float or a list of them."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, list):
        variants = [value[0]] if len(value) == 2 and value[0] == value[1] else []
        for i, item in enumerate(value):
            variants += [value[:i] + [smaller] + value[i + 1:] for smaller in smaller_numbers(item, floor)]
        return variants
    if isinstance(value, int):
        return [v for v in dict.fromkeys([1, value // 2, value - 1, 0])
                if abs(v) < abs(value) and (floor is None or v >= floor)]
    if isinstance(value, float):
        return [v for v in (0.0, 1.0, round(value / 2, 3)) if abs(v) < abs(value)]
    return []


def reads(layer):
    """The names a layer reads (its wiring written out)."""
    return {layer.get("input"), *layer.get("inputs", [])} - {None}


def variants(model, twins, shapes):
    """Smaller models, the biggest steps first. `shapes`: each tensor's shape, by name."""
    layers = model["layers"]
    for index in range(1, len(layers)):
        sources = reads(layers[index])
        if len(sources) == 1 and min(sources) in shapes and (smaller := start_at(model, index, shapes[min(sources)])):
            yield smaller
    for index in reversed(range(len(layers))):
        if (smaller := drop_layer(model, twins, index)) is not None:
            yield smaller
    for index, layer in enumerate(layers):
        if layer["op"] == "parameter":
            yield parameter_as_input(model, index)
    for index, layer in enumerate(layers):
        fewest = twins.ops[layer["op"]]["inputs"]["min"]
        for i in range(len(layer.get("inputs", [])) if len(layer.get("inputs", [])) > fewest else 0):
            smaller = copy.deepcopy(model)
            del smaller["layers"][index]["inputs"][i]
            yield smaller
    for index, layer in enumerate(layers):
        schema = twins.attributes(layer["op"])
        for key in [k for k in layer if k not in SKIPPED]:
            if not schema.get(key, {}).get("required"):
                smaller = copy.deepcopy(model)
                del smaller["layers"][index][key]
                yield smaller
            for value in smaller_numbers(layer[key], schema.get(key, {}).get("min")):
                smaller = copy.deepcopy(model)
                smaller["layers"][index][key] = value
                yield smaller
    for value in smaller_numbers(model["input"]["shape"], floor=1):
        if isinstance(value, list):
            smaller = copy.deepcopy(model)
            smaller["input"]["shape"] = value
            yield smaller


def tensor_shapes(model, nnc):
    """Every tensor's shape in the model, by name, as PyTorch computes them (none for a model PyTorch refuses)."""
    try:
        torch_model = nnc_torch.build(model, nnc)
        torch_model(torch.zeros(torch_model.input_shape))
    except Exception:
        return {}
    shapes = {name: list(value.shape) for name, value in torch_model.layer_outputs.items()}
    return {torch_model.input_name: torch_model.input_shape, **shapes}


def shrink(model, nnc, fails_alike, seconds):
    """The smallest variant of `model` found within `seconds` on which fails_alike(model) holds (see same_failure)."""
    deadline = time.monotonic() + seconds
    twins = torch_twins.registry(nnc)
    current = explicit_wiring(model, twins)
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        for smaller in variants(current, twins, tensor_shapes(current, nnc)):
            if time.monotonic() >= deadline:
                break
            if fails_alike(smaller):
                current, progress = smaller, True
                break
    return current


def same_failure(nnc, finding, work, cxx):
    """fails_alike for shrink(): the model fails in nnc with the finding's signature."""

    def fails_alike(model):
        try:
            found = differential.again(nnc, finding, to_yaml(model), work, cxx)
        except differential.Invalid:
            return False
        return found is not None and found.signature() == finding.signature()

    return fails_alike
