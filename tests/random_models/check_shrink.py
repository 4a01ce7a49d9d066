#!/usr/bin/env python3
"""The shrinker, on a planted failure: "PyTorch runs the model and its output depends on a grouped conv2d". From
random models of five layers or more, it must come down to the grouped conv2d alone, with no attribute but the required ones and
groups, on an input no larger than needed.

    check_shrink.py --nnc build/bin/nnc
"""
import argparse
import itertools
import sys
from pathlib import Path

import yaml

import generate
import shrink

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "torch"))
import nnc_torch  # noqa: E402
import torch_twins  # noqa: E402

MODELS = 3


def grouped(layer):
    return layer["op"] == "conv2d" and layer.get("groups", 1) > 1


def live(model):
    """The layers the output depends on (the wiring written out, as the shrinker writes it, or implicit)."""
    layers = {layer["name"]: layer for layer in model["layers"]}
    previous = dict(zip(list(layers)[1:], list(layers)))
    wanted, found = [model.get("output", model["layers"][-1]["name"])], []
    while wanted:
        layer = layers.get(wanted.pop())
        if layer and layer not in found:
            found.append(layer)
            implicit = [previous.get(layer["name"], "input")] if layer["op"] != "parameter" else []
            wanted += [layer["input"]] if "input" in layer else layer.get("inputs", implicit)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True)
    args = parser.parse_args()
    twins = torch_twins.registry(args.nnc)

    def fails_alike(model):
        try:
            nnc_torch.build(yaml.safe_load(generate.to_yaml(model)), args.nnc)
        except Exception:
            return False
        return any(grouped(layer) for layer in live(model))

    seeds = (f"shrink:{i}" for i in itertools.count())
    models = (generate.generate(twins, seed)[0] for seed in seeds)
    failed = 0
    for model in itertools.islice((m for m in models if len(m["layers"]) >= 5 and fails_alike(m)), MODELS):
        small = shrink.shrink(model, args.nnc, fails_alike, seconds=60)
        (layer,) = small["layers"] if len(small["layers"]) == 1 else (None,)
        extra = layer and set(layer) - {"op", "name", "input", "out_channels", "kernel_size", "groups"}
        shape = small["input"]["shape"]
        if layer is None or not grouped(layer) or extra or shape[0] != 1 or shape[1] != layer["groups"]:
            failed += 1
            print(f"FAIL {len(model['layers'])} layers became:\n{generate.to_yaml(small)}")
        else:
            print(f"ok   {len(model['layers'])} layers became: {generate.to_yaml(small).splitlines()[-1].strip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
