#!/usr/bin/env python3
"""`nnc ops --format json` against the registry and against PyTorch: every op of `nnc ops` is there with typed
attributes; every twin names a torch callable taking the keywords it is given, with PyTorch's defaults equal to
nnc's wherever the twin relies on them; every twin holds exactly the declared parameters, of the declared shapes, and
gives the shape table's output on each of its accepted cases; and nnc_torch refuses what nnc's contract refuses.

    test_ops_json.py --nnc build/bin/nnc [unittest arguments]
"""
import argparse
import ast
import inspect
import json
import subprocess
import sys
import unittest
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "torch"))
import nnc_torch  # noqa: E402
import torch_twins  # noqa: E402

NNC = ""
TYPES = {"int": int, "size2": (int, list), "padding": (int, list, str), "output_size": (int, list), "bool": bool,
         "float": float, "choice": str, "int_list": (int, list), "scale2": (int, float, list)}
PRESENCE = ("required", "default", "same_as", "inferred", "optional")


def nnc_ops(fmt):
    return subprocess.run([NNC, "ops", "--format", fmt], capture_output=True, text=True, check=True).stdout


def signature_defaults(twin):
    """{keyword: default} of the twin's constructor or function (inspect.Parameter.empty: none); for a builtin, from
    the signature its docstring opens with (`pad(input, pad, mode="constant", value=None) -> Tensor`); None when
    neither can be read, or when that signature is an overload without the twin's keywords (torch.mean's first)."""
    target = torch_twins.resolve(twin.get("module") or twin["function"])
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        defaults = docstring_defaults(target)
        keywords = {arg["keyword"] for arg in twin["args"] if arg["keyword"] is not None}
        return defaults if defaults is not None and keywords <= set(defaults) else None
    return {name: p.default for name, p in parameters.items()}


def docstring_defaults(target):
    first = (target.__doc__ or "").strip().split("\n")[0].split("->")[0].strip()
    try:
        arguments = ast.parse(f"def {first}: pass").body[0].args
    except SyntaxError:
        return None
    defaults = [inspect.Parameter.empty] * (len(arguments.args) - len(arguments.defaults))
    defaults += [ast.literal_eval(d) for d in arguments.defaults]
    return {a.arg: d for a, d in zip(arguments.args, defaults)}


def nnc_default(attribute):
    """nnc's default as PyTorch writes it: pairs as tuples, a default copied from another attribute as None."""
    if "same_as" in attribute:
        return None
    return torch_twins.torch_value(attribute["default"], attribute["type"])


class Document(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ops = json.loads(nnc_ops("json"))["ops"]

    def test_every_op_of_the_registry_in_order(self):
        listed = [line.split(":")[0] for line in nnc_ops("text").splitlines() if not line.startswith(" ")]
        self.assertEqual([op["name"] for op in self.ops], listed)
        for op in self.ops:
            self.assertEqual(op["aliases"], [])
            self.assertTrue(op["summary"])
            self.assertGreaterEqual(op["inputs"]["min"], 1)

    def test_every_attribute_typed_with_one_presence(self):
        for op in self.ops:
            names = [a["name"] for a in op["attributes"]]
            for a in op["attributes"]:
                with self.subTest(op=op["name"], attribute=a["name"]):
                    self.assertIn(a["type"], TYPES)
                    self.assertEqual(sum(key in a for key in PRESENCE), 1)
                    if a.get("default") is not None:  # null: no value (slice's end)
                        self.assertIsInstance(a["default"], TYPES[a["type"]])
                    if a["type"] == "choice":
                        self.assertIn(a["default"], a["choices"])
                    if "same_as" in a:
                        self.assertIn(a["same_as"], names)

    def test_parameters_depend_on_bool_attributes(self):
        for op in self.ops:
            types = {a["name"]: a["type"] for a in op["attributes"]}
            names = [p["name"] for p in op["parameters"]]
            self.assertEqual(len(names), len(set(names)), op["name"])
            for p in op["parameters"]:
                if "only_if" in p:
                    self.assertEqual(types.get(p["only_if"]), "bool", f"{op['name']}.{p['name']}")


class Twins(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ops = json.loads(nnc_ops("json"))["ops"]

    def test_every_callable_resolves_in_torch(self):
        for op in self.ops:
            twin = op["torch"]
            with self.subTest(op=op["name"]):
                self.assertEqual(("module" in twin) + ("function" in twin), 1)
                target = torch_twins.resolve(twin.get("module") or twin["function"])
                self.assertTrue(callable(target))
                if "module" in twin:
                    self.assertTrue(issubclass(target, nn.Module))
                    self.assertIn(twin["inputs"], ("one", "attention"))
                self.assertEqual(twin["inputs"] in ("fold", "list"), op["inputs"]["form"] == "list")
                self.assertEqual(twin["inputs"] == "attention", op["inputs"]["form"] == "one_or_list")
                self.assertEqual(twin["inputs"] == "none", op["inputs"]["form"] == "none")
                # A summary naming a torch callable names the twin's.
                if "(torch." in op["summary"]:
                    self.assertIn(twin.get("module") or twin["function"], op["summary"])

    def test_every_attribute_mapped_once_to_a_real_keyword(self):
        for op in self.ops:
            twin = op["torch"]
            self.assertEqual([arg["attr"] for arg in twin["args"]], [a["name"] for a in op["attributes"]], op["name"])
            defaults = signature_defaults(twin)
            for arg in twin["args"]:
                with self.subTest(op=op["name"], attr=arg["attr"]):
                    if arg["keyword"] is not None and defaults is not None:
                        self.assertIn(arg["keyword"], defaults)

    def test_pytorch_defaults_are_nncs_where_the_twin_relies_on_them(self):
        for op in self.ops:
            twin = op["torch"]
            attributes = {a["name"]: a for a in op["attributes"]}
            defaults = signature_defaults(twin)
            for arg in twin["args"]:
                if arg["keyword"] is None:
                    continue
                a = attributes[arg["attr"]]
                with self.subTest(op=op["name"], attr=a["name"]):
                    rule = arg["when_left_out"]
                    if rule == "input_dim":
                        self.assertIn("inferred", a)
                    elif rule == "nnc_default":
                        self.assertIn("default", a)
                        # Declared only where PyTorch's default differs or cannot be read.
                        if defaults is not None:
                            self.assertNotEqual(defaults[arg["keyword"]], nnc_default(a))
                    elif "optional" in a:
                        self.assertIsNotNone(defaults, "a function's defaults cannot be read")
                        self.assertIsNone(defaults[arg["keyword"]])
                    elif "required" in a and defaults is None:
                        pass  # always given, so nothing relies on the builtin's unreadable default
                    elif "required" in a:
                        # None: PyTorch's "all of them" (torch.squeeze's dim), which nnc asks to be written out.
                        self.assertIn(defaults[arg["keyword"]], (inspect.Parameter.empty, None))
                    elif "inferred" in a:
                        self.assertIsNotNone(defaults, "a function's signature cannot be read")
                        self.assertIs(defaults[arg["keyword"]], inspect.Parameter.empty)
                    else:
                        self.assertIsNotNone(defaults, "a function's defaults cannot be read: pass nnc's (nnc_default)")
                        self.assertEqual(defaults[arg["keyword"]], nnc_default(a))

    def test_twins_hold_the_declared_parameters_and_give_the_tables_shapes(self):
        twins = torch_twins.registry(NNC)
        cases = json.loads((REPO / "tests" / "shapes" / "shape_table.json").read_text())["cases"]
        for op in self.ops:
            attributes = {a["name"]: a for a in op["attributes"]}
            accepted = [c for c in cases if c["op"] == op["name"] and "output" in c]
            self.assertTrue(accepted, op["name"])
            for case in accepted:
                with self.subTest(op=op["name"], attrs=case["attrs"], inputs=case["inputs"]):
                    xs = [torch.zeros(shape) for shape in case["inputs"]]
                    layer = twins.layer(op["name"], case["attrs"], xs)
                    values = {name: torch_twins.torch_value(a["default"], a["type"])
                              for name, a in attributes.items() if "default" in a}
                    values.update({name: torch_twins.torch_value(v, attributes[name]["type"]) for name, v in case["attrs"].items()})
                    values.update(twins.call_arguments(op["name"], case["attrs"], xs))
                    types = {k: attributes[k]["type"] if k in attributes else None for k in values}  # keywords may differ
                    values = {k: (v, v) if types[k] == "size2" and isinstance(v, int) else v for k, v in values.items()}
                    values = {k: (v,) if types[k] == "int_list" and isinstance(v, int) else v for k, v in values.items()}
                    want = {p["name"]: eval(p["shape"], {}, dict(values)) for p in op["parameters"]
                            if values.get(p.get("only_if"), True)}
                    # A value's own key stands for the layer's name, which nnc's declaration writes as "".
                    own = "value" if isinstance(layer, torch_twins.Value) else None
                    got = {"" if k == own else k: list(v.shape) for k, v in layer.state_dict().items() if k != "num_batches_tracked"}
                    self.assertEqual(got, want)
                    with torch.no_grad():
                        self.assertEqual(list(layer(*xs).shape), case["output"])


class Strictness(unittest.TestCase):
    """nnc_torch raises where PyTorch is more lenient than nnc's contract, as the twins declare."""

    def build(self, shape, layers):
        return nnc_torch.build({"input": {"shape": shape}, "layers": layers}, NNC)

    def test_image_ops_take_4d_input_only(self):
        for op in ({"op": "conv2d", "out_channels": 2, "kernel_size": 1}, {"op": "maxpool2d", "kernel_size": 1}):
            with self.subTest(op=op["op"]):
                with self.assertRaisesRegex(ValueError, "expects a 4-D input"):
                    self.build([2, 4, 4], [op])
                self.build([1, 2, 4, 4], [op])

    def test_binary_ops_broadcast(self):
        model = self.build([2, 3], [{"op": "linear", "out_features": 1, "name": "a"}, {"op": "sub", "inputs": ["input", "a"]}])
        x = torch.randn(2, 3)
        self.assertTrue(torch.equal(model(x), x - model["a"](x)))
        model = self.build([2, 3], [{"op": "relu", "name": "a"}, {"op": "add", "inputs": ["a", "input", "a"]}])
        self.assertTrue(torch.equal(model(-torch.ones(2, 3)), -torch.ones(2, 3)))


def main():
    global NNC
    parser = argparse.ArgumentParser()
    parser.add_argument("--nnc", required=True)
    args, rest = parser.parse_known_args()
    NNC = str(Path(args.nnc).resolve())
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
