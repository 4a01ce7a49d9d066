#!/usr/bin/env python3
"""Models built to make compilation blow up: long chains of fused elementwise layers, joins of very
many tensors, more layers than the documented limit, and sizes whose byte counts overflow int64.
Each must either compile in time linear in its size and compute the right numbers, or be refused at
`nnc check` with its own diagnostic.
"""
import json

import numpy as np

from hostile import Scratch, main, nnc


def chain(op, count, shape=(1, 37)):
    lines = [f"input: {{shape: {list(shape)}}}", "layers:"]
    lines += [f"  - op: {op}"] * count
    return "\n".join(lines) + "\n"


def join(op, count):
    names = ", ".join(["r"] * count)
    return f"input: {{shape: [1, 3, 5]}}\nlayers:\n  - {{op: relu, name: r}}\n  - op: {op}\n    inputs: [{names}]\n"


class Case(Scratch):
    def run_numbers(self, model_text, x):
        model = self.write("m.yaml", model_text)
        np.save(self.dir / "x.npy", x)
        run = nnc("run", model, "--input", self.dir / "x.npy", "--output", self.dir / "y.npy")
        self.assert_status(run, 0)
        return np.load(self.dir / "y.npy")

    def diagnostics(self, model_text):
        run = nnc("check", self.write("m.yaml", model_text), "--format", "json")
        self.assert_status(run, 1)
        return json.loads(run.stdout)["files"][0]["diagnostics"]


class FusedChains(Case):
    def loops(self, model_text):
        run = nnc("emit", self.write("m.yaml", model_text), "--emit", "loops")
        self.assert_status(run, 0)
        return run.stdout.decode()

    def test_each_fused_value_is_computed_once(self):
        # relu reads its input twice; fused naively, the input's expression doubles per layer.
        for count in (3, 40):
            self.assertEqual(self.loops(chain("relu", count)).count("x[i]"), 2, f"{count} relus")

    def test_dump_grows_linearly(self):
        small, large = (len(self.loops(chain("leaky_relu", n))) for n in (10, 60))
        self.assertLess(large, 8 * small)

    def test_long_chains_compute_the_right_numbers(self):
        x = np.random.default_rng(1).standard_normal((1, 37)).astype(np.float32)
        self.assertTrue(np.array_equal(self.run_numbers(chain("relu", 3000), x), np.maximum(x, 0)))
        y, expected = self.run_numbers(chain("leaky_relu", 25), x), x.astype(np.float64)
        for _ in range(25):
            expected = np.where(expected > 0, expected, expected * np.float32(0.01))
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-30)

    def test_gelu_chain(self):
        x = np.random.default_rng(2).standard_normal((1, 37)).astype(np.float32)
        text = chain("gelu", 30).replace("- op: gelu", "- {op: gelu, approximate: tanh}")
        y = self.run_numbers(text, x)
        self.assertTrue(np.isfinite(y).all())


class Joins(Case):
    def test_too_many_inputs_is_refused_at_check(self):
        for op in ("add", "concat"):
            for count in (257, 5000, 100000):
                diags = self.diagnostics(join(op, count))
                self.assertEqual([d["code"] for d in diags], ["too-many-inputs"], (op, count))
                self.assertEqual(diags[0]["line"], 5)
                self.assertIn("256", diags[0]["message"])

    def test_the_limit_itself_compiles_and_is_right(self):
        x = np.random.default_rng(3).standard_normal((1, 3, 5)).astype(np.float32)
        r = np.maximum(x, 0)
        np.testing.assert_allclose(self.run_numbers(join("add", 256), x), 256 * r, rtol=1e-5)
        self.assertTrue(np.array_equal(self.run_numbers(join("concat", 256), x), np.concatenate([r] * 256, axis=1)))

    def test_a_join_of_many_fused_epilogue_inputs(self):
        # 17 inputs: more than a fused add takes, so it runs as a kernel of its own.
        x = np.random.default_rng(4).standard_normal((1, 3, 5)).astype(np.float32)
        text = ("input: {shape: [1, 3, 5]}\nlayers:\n  - {op: relu, name: r}\n  - {op: sigmoid, name: s}\n"
                "  - op: add\n    inputs: [s" + ", r" * 16 + "]\n  - op: relu\n")
        expected = 1 / (1 + np.exp(-np.maximum(x, 0))) + 16 * np.maximum(x, 0)
        np.testing.assert_allclose(self.run_numbers(text, x), expected, rtol=1e-5)


class Layers(Case):
    def test_more_layers_than_the_limit_is_refused(self):
        diags = self.diagnostics(chain("relu", 100001))
        self.assertEqual([d["code"] for d in diags], ["too-many-layers"])
        self.assertEqual(diags[0]["line"], 2)


class Sizes(Case):
    def test_a_shape_beyond_2_56_elements(self):
        for shape in ("[9223372036854775807, 1]", "[4611686018427387904, 2]", "[1, 1, 268435456, 268435457]"):
            text = f"input: {{shape: {shape}}}\nlayers:\n  - op: relu\n"
            self.assertEqual([d["code"] for d in self.diagnostics(text)], ["size-overflow"], shape)
            for command in ("summary", "run"):
                run = nnc(command, self.write("m.yaml", text))
                self.assert_status(run, 1)
                self.assertNotIn(b"-4 B", run.stdout + run.stderr)

    def test_outputs_and_parameters_beyond_the_limit(self):
        outputs = "input: {shape: [1, 1, 65536, 65536]}\nlayers:\n  - {op: conv2d, out_channels: 268435456, kernel_size: 1}\n"
        params = "input: {shape: [1, 16777216]}\nlayers:\n  - {op: linear, out_features: 17179869184}\n"
        padded = ("input: {shape: [1, 1, 65536, 65536]}\nlayers:\n"
                  "  - {op: conv2d, out_channels: 1, kernel_size: 1, padding: 100000000000}\n")
        for text in (outputs, params, padded):
            diags = self.diagnostics(text)
            self.assertEqual([d["code"] for d in diags], ["size-overflow"], text)
            self.assertEqual(diags[0]["line"], 3)

    def test_the_model_as_a_whole_beyond_the_limit(self):
        # Each activation holds 2^54 floats: the first layer's output alone is past what a model may take.
        text = chain("relu", 6, shape=(1, 4194304, 65536, 65536))
        diags = self.diagnostics(text)
        self.assertEqual([(d["code"], d["line"]) for d in diags], [("model-too-large", 3)])

    def test_summary_totals_never_turn_negative(self):
        text = "input: {shape: [1, 1048576, 65536, 1]}\nlayers:\n" + "  - op: relu\n" * 3
        run = nnc("summary", self.write("m.yaml", text))
        self.assert_status(run, 0)
        self.assertNotIn(b"(-", run.stdout)
        self.assertIn(b"256.0 GiB", run.stdout)


if __name__ == "__main__":
    main()
