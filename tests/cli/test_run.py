"""The contract of `nnc run`, `nnc bench` and `nnc emit` (model-format.md sections 2 and 3), through the binary.

    test_run.py NNC [unittest options]
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "torch"))
import tensor_files  # noqa: E402

NNC = None  # set from the command line
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
CONV_POOL = REPO / "examples" / "conv_pool.yaml"  # conv2d '0' (1 -> 5 channels, 5x5), maxpool2d '1'
INPUT_SHAPE, OUTPUT_SHAPE = (1, 1, 28, 28), (1, 5, 12, 12)
OK, MODEL_ERROR, USAGE = 0, 1, 2


def nnc(*args, cwd=None):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([NNC, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd)


def checked_layers(model):
    """{layer name: its entry in `nnc check --format json`}, in model order."""
    run = nnc("check", model, "--format", "json")
    return {layer["name"]: layer for layer in json.loads(run.stdout)["files"][0]["layers"]}


def without_timings(stdout):
    return [line for line in stdout.splitlines() if not line.startswith("compiled in")]


class Files(unittest.TestCase):
    """A temporary directory with conv_pool's parameters and input, written correctly."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="nnc-cli-"))
        self.addCleanup(shutil.rmtree, self.dir)
        rng = np.random.default_rng(7)
        self.params = {"0.weight": rng.uniform(-0.2, 0.2, (5, 1, 5, 5)).astype(np.float32),
                       "0.bias": rng.uniform(-0.2, 0.2, 5).astype(np.float32)}
        self.weights = self.safetensors("weights.safetensors", self.params)
        self.x = rng.standard_normal(INPUT_SHAPE).astype(np.float32)
        self.input = self.npy("x.npy", self.x)

    def path(self, name):
        return self.dir / name

    def safetensors(self, name, tensors):
        tensor_files.write_safetensors(self.path(name), tensors)
        return self.path(name)

    def npy(self, name, array):
        tensor_files.write_npy(self.path(name), array)
        return self.path(name)

    def raw(self, name, data):
        self.path(name).write_bytes(data)
        return self.path(name)

    def run_conv_pool(self, *args, weights=None, x=None):
        return nnc("run", CONV_POOL, "--weights", weights or self.weights, "--input", x or self.input, *args)

    def assert_fails(self, run, status, *mentions):
        self.assertEqual(run.returncode, status, run.stderr)
        for text in mentions:
            self.assertIn(str(text), run.stderr)


class Succeeds(Files):
    def test_writes_the_output(self):
        out = self.path("y.npy")
        run = self.run_conv_pool("--output", out)
        self.assertEqual(run.returncode, OK, run.stderr)
        y = np.load(out)
        self.assertEqual((y.dtype, y.shape), (np.float32, OUTPUT_SHAPE))
        self.assertIn("[1, 5, 12, 12]", run.stdout)
        self.assertRegex(run.stdout, r"compiled in [\d.]+ ms, ran in [\d.]+ ms")
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["weights.safetensors", "x.npy", "y.npy"])

    def test_model_alone_is_run(self):
        outs = [self.path("run.npy"), self.path("alone.npy")]
        run = nnc("run", CONV_POOL, "--seed", 5, "--output", outs[0])
        alone = nnc(CONV_POOL, "--seed", 5, "--output", outs[1])
        self.assertEqual((run.returncode, alone.returncode), (OK, OK), alone.stderr)
        self.assertEqual(without_timings(run.stdout), without_timings(alone.stdout))
        self.assertEqual(outs[0].read_bytes(), outs[1].read_bytes())

    def test_seed(self):
        def output(*seed):
            out = self.path(f"seed{'_'.join(map(str, seed))}.npy")
            self.assertEqual(nnc("run", CONV_POOL, *seed, "--output", out).returncode, OK)
            return out.read_bytes()

        self.assertEqual(output("--seed", 3), output("--seed", 3))
        self.assertNotEqual(output("--seed", 3), output("--seed", 4))
        self.assertEqual(output(), output("--seed", 0))

    def test_seed_is_unused_with_weights_and_input(self):
        outs = [self.path("a.npy"), self.path("b.npy")]
        for seed, out in zip((1, 2), outs):
            self.assertEqual(self.run_conv_pool("--seed", seed, "--output", out).returncode, OK)
        self.assertEqual(outs[0].read_bytes(), outs[1].read_bytes())

    def test_unused_keys_warn(self):
        extra = self.safetensors("extra.safetensors", {**self.params, "fc.weight": np.zeros((2, 3), np.float32)})
        outs = [self.path("plain.npy"), self.path("extra.npy")]
        plain = self.run_conv_pool("--output", outs[0])
        run = self.run_conv_pool("--output", outs[1], weights=extra)
        self.assertEqual(run.returncode, OK, run.stderr)
        self.assertIn("warning", run.stderr)
        self.assertIn("fc.weight", run.stderr)
        self.assertNotIn("warning", plain.stderr)
        self.assertEqual(outs[0].read_bytes(), outs[1].read_bytes())

    def test_weights_named_in_the_model(self):
        model_dir = self.path("model")
        model_dir.mkdir()
        model = model_dir / "conv_pool.yaml"
        model.write_text(CONV_POOL.read_text() + "weights: w.safetensors\n")
        shutil.copy(self.weights, model_dir / "w.safetensors")
        outs = [self.path(n) for n in ("flag.npy", "named.npy", "override.npy", "seeded.npy")]
        self.assertEqual(self.run_conv_pool("--output", outs[0]).returncode, OK)
        named = nnc("run", model, "--input", self.input, "--output", outs[1], cwd=self.dir)
        self.assertEqual(named.returncode, OK, named.stderr)
        self.assertEqual(outs[0].read_bytes(), outs[1].read_bytes())

        other = self.safetensors("other.safetensors", {k: v * 2 for k, v in self.params.items()})
        self.assertEqual(nnc("run", model, "--weights", other, "--input", self.input, "--output", outs[2]).returncode, OK)
        self.assertEqual(nnc("run", CONV_POOL, "--input", self.input, "--output", outs[3]).returncode, OK)
        self.assertNotEqual(outs[1].read_bytes(), outs[2].read_bytes())
        self.assertNotEqual(outs[1].read_bytes(), outs[3].read_bytes())

        (model_dir / "w.safetensors").unlink()
        self.assert_fails(nnc("run", model), USAGE, "w.safetensors")

    def test_threads(self):
        outs = [self.path("one.npy"), self.path("two.npy")]
        for threads, out in zip((1, 2), outs):
            run = nnc("run", REPO / "examples" / "inception_block.yaml", "--threads", threads, "--output", out)
            self.assertEqual(run.returncode, OK, run.stderr)
        np.testing.assert_allclose(np.load(outs[1]), np.load(outs[0]), rtol=1e-5, atol=1e-6)

    def test_verify_passes_on_every_example(self):
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda path: nnc("run", path, "--verify"), EXAMPLES))
        for path, run in zip(EXAMPLES, runs):
            with self.subTest(example=path.name):
                self.assertEqual(run.returncode, OK, run.stderr)
                self.assertIn("verify: matches the reference kernels", run.stdout)

    def test_verify_allows_rounding_the_model_amplifies(self):
        # Instance norm with a tiny eps over planes of about 1 that vary by 1e-6: a rounding of the mean is a
        # large part of the deviation it divides by. The reference kernels' sum rounds more than nnc's, so the two
        # differ beyond any fixed tolerance, yet no bug, so --verify must not report one.
        model = self.raw("ripple.yaml", b"""\
input: {shape: [1, 4, 32, 32]}
layers:
  - {op: adaptive_avgpool2d, name: level, output_size: 1}
  - {op: hardtanh, name: ripple, min_val: -1.0e-6, max_val: 1.0e-6, input: input}
  - {op: add, name: plane, inputs: [ripple, level]}
  - {op: instancenorm2d, name: norm, num_features: 4, eps: 1.0e-12}
""")
        run = nnc("run", model, "--verify")
        self.assertEqual(run.returncode, OK, run.stderr)
        self.assertIn("within what this model's amplified float rounding explains", run.stdout)

    def test_instance_norm_of_a_constant_plane_is_zero(self):
        # The mean is summed relative to the plane's first value, so a constant plane normalises to exact zeros, as
        # in PyTorch; a plain sum left up to 3e-5 here (random model 2026-8620).
        model = REPO / "tests" / "random_models" / "regressions" / "instancenorm_constant_plane.yaml"
        for seed in range(1, 6):
            for threads in (1, 2):
                out = self.path(f"y{seed}_{threads}.npy")
                run = nnc("run", model, "--seed", seed, "--threads", threads, "--output", out)
                self.assertEqual(run.returncode, OK, run.stderr)
                self.assertEqual(np.abs(np.load(out)).max(), 0.0, f"seed {seed}, {threads} thread(s)")


class ModelErrors(Files):
    """Exit 1: files that are well-formed but do not fit the model; each error names the key or file and both shapes."""

    def test_missing_key(self):
        weights = self.safetensors("w.safetensors", {"0.weight": self.params["0.weight"]})
        self.assert_fails(self.run_conv_pool(weights=weights), MODEL_ERROR, weights.name, "'0.bias'", "missing", "[5]")

    def test_wrong_shape(self):
        weights = self.safetensors("w.safetensors", {**self.params, "0.weight": self.params["0.weight"][:, :, :3]})
        self.assert_fails(self.run_conv_pool(weights=weights), MODEL_ERROR, weights.name, "'0.weight'", "[5, 1, 3, 5]",
                          "[5, 1, 5, 5]")

    def test_wrong_dtype(self):
        for dtype, word in ((np.float16, "F16"), (np.int64, "I64"), (np.float64, "F64")):
            with self.subTest(dtype=word):
                weights = self.safetensors(f"{word}.safetensors", {**self.params, "0.bias": self.params["0.bias"].astype(dtype)})
                self.assert_fails(self.run_conv_pool(weights=weights), MODEL_ERROR, weights.name, "'0.bias'", word, "F32")

    def test_every_problem_is_reported(self):
        weights = self.safetensors("w.safetensors", {"0.weight": np.zeros((5, 2, 5, 5), np.float32)})
        self.assert_fails(self.run_conv_pool(weights=weights), MODEL_ERROR, "'0.weight'", "[5, 2, 5, 5]", "'0.bias'")

    def test_input_of_the_wrong_shape(self):
        for shape in ((1, 1, 27, 28), (1, 28, 28), (2, 1, 28, 28)):
            with self.subTest(shape=shape):
                x = self.npy("wrong.npy", np.zeros(shape, np.float32))
                self.assert_fails(self.run_conv_pool(x=x), MODEL_ERROR, x.name, list(shape), "[1, 1, 28, 28]")


def safetensors_raw(header, data=b""):
    """A safetensors file with the given header (a dict, or JSON text as is) and data section."""
    text = (header if isinstance(header, str) else json.dumps(header)).encode()
    return struct.pack("<Q", len(text)) + text + data


def npy_raw(header, data):
    """A version 1.0 .npy file with the given header dict text, padded to 64 bytes."""
    text = header.encode()
    text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data


class UsageErrors(Files):
    """Exit 2: missing, unreadable or malformed files, and bad flags; the message names the file."""

    def test_missing_files(self):
        missing = self.path("missing")
        self.assert_fails(self.run_conv_pool(weights=missing), USAGE, missing)
        self.assert_fails(self.run_conv_pool(x=missing), USAGE, missing)
        self.assert_fails(nnc("run", missing), USAGE, missing)
        self.assert_fails(self.run_conv_pool(weights=self.dir), USAGE, self.dir)

    def test_malformed_safetensors(self):
        good = tensor_files.safetensors_bytes(self.params)
        bias = {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]}
        weight = {"dtype": "F32", "shape": [5, 1, 5, 5], "data_offsets": [20, 520]}
        data = b"\0" * 520
        cases = {
            "empty": b"",
            "shorter than the size field": good[:5],
            "truncated data": good[:-4],
            "truncated header": good[:40],
            "header size beyond the file": struct.pack("<Q", 1 << 20) + good[8:],
            "header size above the cap": struct.pack("<Q", 1 << 40) + good[8:],
            "invalid JSON": safetensors_raw('{"0.bias": nope}', data),
            "header not an object": safetensors_raw("[1, 2]", data),
            "offsets out of bounds": safetensors_raw({"0.bias": {**bias, "data_offsets": [0, 20]},
                                                      "0.weight": {**weight, "data_offsets": [20, 5200]}}, data),
            "size not dtype x elements": safetensors_raw({"0.bias": {**bias, "data_offsets": [0, 24]},
                                                          "0.weight": {**weight, "data_offsets": [24, 520]}}, data),
            "overlapping tensors": safetensors_raw({"0.bias": bias, "0.weight": {**weight, "data_offsets": [16, 516]}},
                                                   data[:516]),
            "duplicate key": safetensors_raw(f'{{"0.bias": {json.dumps(bias)}, "0.bias": {json.dumps(bias)}, '
                                             f'"0.weight": {json.dumps(weight)}}}', data),
            "unknown dtype": safetensors_raw({"0.bias": {**bias, "dtype": "F33"}, "0.weight": weight}, data),
        }
        for what, content in cases.items():
            with self.subTest(what):
                weights = self.raw("bad.safetensors", content)
                self.assert_fails(self.run_conv_pool(weights=weights), USAGE, weights.name)

    def test_malformed_npy(self):
        good = self.input.read_bytes()
        data = self.x.tobytes()
        dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 28, 28), }"
        cases = {
            "empty": (b"", ""),
            "truncated header": (good[:30], ""),
            "truncated data": (good[:-4], ""),
            "wrong magic": (b"\x93NUMPZ" + good[6:], "magic"),
            "unknown version": (good[:6] + b"\x07\x00" + good[8:], ""),
            "bad header": (npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 28, 28}", data), ""),
            "fortran order": (npy_raw(dict_text.replace("False", "True"), data), "fortran"),
            "float64": (npy_raw(dict_text.replace("<f4", "<f8"), data * 2), "float64"),
            "big-endian": (npy_raw(dict_text.replace("<f4", ">f4"), data), ">f4"),
            "int32": (npy_raw(dict_text.replace("<f4", "<i4"), data), "<i4"),
            "extra data": (good + b"\0\0\0\0", ""),
        }
        self.assertEqual(npy_raw(dict_text, data)[len(good) - len(data):], data)
        for what, (content, mention) in cases.items():
            with self.subTest(what):
                x = self.raw("bad.npy", content)
                self.assert_fails(self.run_conv_pool(x=x), USAGE, x.name, mention)

    def test_bad_flags(self):
        for args in (("--bogus",), ("--threads", 0), ("--threads", "two"), ("--seed", "abc"), ("--output",)):
            with self.subTest(args=args):
                self.assert_fails(nnc("run", CONV_POOL, *args), USAGE)
        self.assert_fails(nnc("run"), USAGE)
        self.assert_fails(nnc("runn", CONV_POOL), USAGE, "run")

    def test_output_in_a_missing_directory(self):
        out = self.path("no/such/dir/y.npy")
        self.assert_fails(self.run_conv_pool("--output", out), USAGE, out)
        self.assertFalse(self.path("no").exists())


class OutputUntouchedOnFailure(Files):
    """A failed run leaves an existing output file as it was, and no other file behind."""

    def test_existing_output_is_kept(self):
        bad_weights = self.safetensors("w.safetensors", {"0.weight": self.params["0.weight"]})
        bad_input = self.npy("wrong.npy", np.zeros((1, 1, 27, 28), np.float32))
        broken_weights = self.raw("broken.safetensors", tensor_files.safetensors_bytes(self.params)[:-4])
        broken_input = self.raw("broken.npy", self.input.read_bytes()[:-4])
        bad_model = self.path("bad.yaml")
        bad_model.write_text(CONV_POOL.read_text().replace("kernel_size: 5", "kernel_size: 50"))
        out = self.path("y.npy")
        before = b"an earlier output that must survive"
        out.write_bytes(before)
        failures = {
            "missing key": lambda: self.run_conv_pool("--output", out, weights=bad_weights),
            "wrong input shape": lambda: self.run_conv_pool("--output", out, x=bad_input),
            "malformed weights": lambda: self.run_conv_pool("--output", out, weights=broken_weights),
            "malformed input": lambda: self.run_conv_pool("--output", out, x=broken_input),
            "model error": lambda: nnc("run", bad_model, "--output", out),
        }
        files = sorted(self.dir.iterdir())
        for what, run in failures.items():
            with self.subTest(what):
                self.assertNotEqual(run().returncode, OK)
                self.assertEqual(out.read_bytes(), before)
                self.assertEqual(sorted(self.dir.iterdir()), files)


class Bench(Files):
    def bench(self, model, *args):
        run = nnc("bench", model, "--format", "json", "--runs", 3, *args)
        self.assertEqual(run.returncode, OK, run.stderr)
        return json.loads(run.stdout)

    def test_json(self):
        for model, threads in ((CONV_POOL, 1), (REPO / "examples" / "resnet_basic_block.yaml", 2)):
            with self.subTest(model=model.name):
                doc = self.bench(model, "--threads", threads)
                self.assertEqual(list(doc), ["model", "threads", "runs", "compile_ms", "compile_cached", "min_ms", "median_ms", "gflops",
                                             "layers"])
                self.assertEqual((doc["model"], doc["threads"], doc["runs"]), (model.stem, threads, 3))
                self.assertGreater(doc["compile_ms"], 0)
                self.assertGreater(doc["min_ms"], 0)
                self.assertLessEqual(doc["min_ms"], doc["median_ms"])
                checked = checked_layers(model)
                macs = sum(layer["macs"] for layer in checked.values())
                self.assertAlmostEqual(doc["gflops"], 2 * macs / (doc["median_ms"] * 1e6), delta=doc["gflops"] * 1e-6)
                # One entry per kernel, named by its first layer, with the layers fused into it in "fused".
                covered = []
                for entry in doc["layers"]:
                    self.assertIn(list(entry), (["name", "op", "median_ms", "gflops"],
                                                ["name", "op", "median_ms", "gflops", "fused"]))
                    self.assertEqual(entry["op"], checked[entry["name"]]["op"])
                    self.assertGreater(entry["median_ms"], 0)
                    names = [entry["name"], *entry.get("fused", [])]
                    expected = 2 * sum(checked[n]["macs"] for n in names) / (entry["median_ms"] * 1e6)
                    self.assertAlmostEqual(entry["gflops"], expected, delta=expected * 1e-6)
                    covered += names
                self.assertEqual(sorted(covered), sorted(checked))


class Emit(Files):
    def test_machine_code(self):
        for kind in ("llvm", "asm"):
            with self.subTest(kind):
                out = self.path(f"conv_pool.{kind}")
                run = nnc("emit", CONV_POOL, "--emit", kind, "-o", out)
                self.assertEqual(run.returncode, OK, run.stderr)
                self.assertGreater(len(out.read_bytes()), 0)
        self.assertIn(b"define", self.path("conv_pool.llvm").read_bytes())

    def test_object_bundle_paths(self):
        """-o DIR writes DIR/NAME.o and DIR/NAME.hpp; -o FILE.o writes FILE.o and NAME.hpp beside it."""
        for output, obj, header in ((self.path("bundle"), self.path("bundle/conv_pool.o"), self.path("bundle/conv_pool.hpp")),
                                    (self.path("m.o"), self.path("m.o"), self.path("conv_pool.hpp"))):
            with self.subTest(output=output.name):
                run = nnc("emit", CONV_POOL, "--emit", "obj", "--weights", self.weights, "-o", output)
                self.assertEqual(run.returncode, OK, run.stderr)
                self.assertTrue(obj.read_bytes().startswith(b"\x7fELF"))
                self.assertIn("extern \"C\" void nnc_conv_pool_forward(", header.read_text())

    def test_object_bundle_has_the_cpp_api(self):
        """The bundle's header declares exactly what the --emit cpp header declares."""
        for kind in ("cpp", "obj"):
            run = nnc("emit", CONV_POOL, "--emit", kind, "-o", self.path(kind))
            self.assertEqual(run.returncode, OK, run.stderr)
        cpp_header = self.path("cpp/conv_pool.hpp").read_text()
        declarations = cpp_header[cpp_header.index("namespace conv_pool {"):]
        self.assertIn(declarations, self.path("obj/conv_pool.hpp").read_text())

    def test_loops_prints_every_layer(self):
        """Each kernel starts with a comment naming the layers it computes (all of them when steps share it): every
        layer in exactly one."""
        for model in (CONV_POOL, REPO / "examples" / "inception_block.yaml", REPO / "examples" / "resnet_basic_block.yaml"):
            with self.subTest(model=model.name):
                run = nnc("emit", model, "--emit", "loops")
                self.assertEqual(run.returncode, OK, run.stderr)
                headers = [line for line in run.stdout.splitlines() if line.startswith("// layer ")]
                printed = sorted(re.findall(r"'([^']+)' \((\w+), line \d+\)", "\n".join(headers)))
                self.assertEqual(printed, sorted((name, layer["op"]) for name, layer in checked_layers(model).items()))
                self.assertEqual(len(re.findall(r"^static void \w+\(", run.stdout, re.M)), len(headers))
                self.assertIn("void forward(", run.stdout)

    def test_dump_ir_after_a_pass(self):
        """--dump-ir-after PASS prints the Loop IR on stderr after that pass: before `simplify` the kernels are as the
        ops wrote them, after the last pass they are what --emit loops prints; stdout is untouched."""
        final = nnc("emit", CONV_POOL, "--emit", "loops")
        dumps = {}
        for command in (("emit", CONV_POOL, "--emit", "loops"), ("run", CONV_POOL), ("bench", CONV_POOL, "--runs", "1")):
            with self.subTest(command=command[0]):
                run = nnc(*command, "--dump-ir-after", "all")
                self.assertEqual(run.returncode, OK, run.stderr)
                passes = re.findall(r"^// Loop IR after (\w+)$", run.stderr, re.M)
                self.assertEqual(passes, ["lower", "simplify", "verify", "share"])
                dumps[command[0]] = dict(zip(passes, re.split(r"^// Loop IR after \w+\n", run.stderr, flags=re.M)[1:]))
        self.assertEqual(dumps["emit"]["share"], final.stdout)
        self.assertNotEqual(dumps["emit"]["lower"], dumps["emit"]["simplify"])
        one = nnc("emit", CONV_POOL, "--emit", "loops", "--dump-ir-after", "simplify")
        self.assertEqual(re.findall(r"^// Loop IR after (\w+)$", one.stderr, re.M), ["simplify"])
        self.assertEqual(one.stdout, final.stdout)
        self.assert_fails(nnc("emit", CONV_POOL, "--dump-ir-after", "vectorise"), USAGE, "vectorise")

    def test_weights_file(self):
        """--weights-file: the parameters go to NAME.safetensors under their model keys, not into the source."""
        out = self.path("cpp")
        run = nnc("emit", CONV_POOL, "--emit", "cpp", "--weights", self.weights, "--weights-file", "-o", out)
        self.assertEqual(run.returncode, OK, run.stderr)
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["conv_pool.cpp", "conv_pool.hpp", "conv_pool.safetensors"])
        header = (out / "conv_pool.hpp").read_text()
        self.assertIn('constexpr const char* weights_file = "conv_pool.safetensors";', header)
        self.assertIn("bool load_weights(const char* path, std::string* error = nullptr);", header)
        self.assertNotIn("const float parameters[", (out / "conv_pool.cpp").read_text())
        embedded = nnc("emit", CONV_POOL, "--emit", "cpp", "--weights", self.weights, "-o", self.path("embedded"))
        self.assertEqual(embedded.returncode, OK, embedded.stderr)
        self.assertNotIn("load_weights", (self.path("embedded") / "conv_pool.hpp").read_text())
        for weights, y in ((self.weights, "given.npy"), (out / "conv_pool.safetensors", "written.npy")):
            run = self.run_conv_pool("--output", self.path(y), weights=weights)
            self.assertEqual(run.returncode, OK, run.stderr)
            self.assertNotIn("warning", run.stderr)
        self.assertTrue(np.array_equal(np.load(self.path("given.npy")), np.load(self.path("written.npy"))))

    def test_weights_file_errors(self):
        self.assert_fails(nnc("emit", CONV_POOL, "--emit", "llvm", "--weights-file"), USAGE, "--weights-file is for --emit cpp only")
        out = self.path("cpp")
        out.mkdir()
        (out / "conv_pool.safetensors").write_text("before")
        wrong = self.safetensors("wrong.safetensors", {"0.weight": self.params["0.weight"][:, :, :3, :3], "0.bias": self.params["0.bias"]})
        self.assert_fails(nnc("emit", CONV_POOL, "--emit", "cpp", "--weights", wrong, "--weights-file", "-o", out), MODEL_ERROR,
                          "'0.weight' has shape [5, 1, 3, 3]")
        self.assertEqual([p.name for p in out.iterdir()], ["conv_pool.safetensors"])
        self.assertEqual((out / "conv_pool.safetensors").read_text(), "before")

    def test_errors(self):
        self.assert_fails(nnc("emit", CONV_POOL, "--emit", "bogus"), USAGE)
        self.assert_fails(nnc("emit", self.path("missing.yaml"), "--emit", "loops"), USAGE, "missing.yaml")
        self.assert_fails(nnc("emit", CONV_POOL, "--emit", "obj", "-o", self.path("no/dir/m.o")), USAGE, "no/dir/m.o")
        for to_stdout in ([], ["-o", "-"]):  # two files cannot go to standard output
            self.assert_fails(nnc("emit", CONV_POOL, "--emit", "obj", *to_stdout), USAGE, "-o DIR", "-o FILE.o")


if __name__ == "__main__":
    NNC = os.path.abspath(sys.argv.pop(1))
    unittest.main()
