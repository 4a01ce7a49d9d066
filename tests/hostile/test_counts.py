"""Huge counts on the command line and in a model (100,000 names in one `inputs:` list, `--set` given thousands of
times, thousands of files checked at once), and every command that writes a file leaving a file already there
untouched when it fails, without a temporary file left behind."""
import json
import os
import resource
import subprocess

import numpy as np

import hostile
from hostile import Scratch, main, nnc

MODEL_ERROR, USAGE = 1, 2
MODEL = "input: {shape: [1, 4]}\nlayers:\n  - {op: linear, out_features: 3}\n"
ARGS_MODEL = "args: {width: 4}\ninput: {shape: [1, 3]}\nlayers:\n  - {op: linear, out_features: $width}\n"


class HugeCounts(Scratch):
    def test_100000_unknown_names_in_one_join(self):
        names = ", ".join(f"n{i}" for i in range(100000))
        text = f"input: {{shape: [1, 3, 5]}}\nlayers:\n  - {{op: relu, name: r}}\n  - op: add\n    inputs: [{names}]\n"
        run = nnc("check", self.write("m.yaml", text), "--format", "json")
        self.assert_status(run, MODEL_ERROR)
        diags = json.loads(run.stdout)["files"][0]["diagnostics"]
        self.assertEqual([d["code"] for d in diags], ["too-many-inputs"])

    def test_one_unknown_name_among_255_known_ones(self):
        names = ", ".join(["r"] * 255 + ["zz"])
        text = f"input: {{shape: [1, 3, 5]}}\nlayers:\n  - {{op: relu, name: r}}\n  - op: add\n    inputs: [{names}]\n"
        run = nnc("check", self.write("m.yaml", text), "--format", "json")
        self.assert_status(run, MODEL_ERROR)
        diags = json.loads(run.stdout)["files"][0]["diagnostics"]
        self.assertEqual(len(diags), 1)
        self.assertIn("'zz'", diags[0]["message"])

    def test_10000_layers_with_list_attributes(self):
        """Each list attribute once copied the whole document's YAML nodes: 30 s for 2,000 such layers."""
        layers = "".join(f"  - {{op: maxpool2d, name: p{i}, kernel_size: [1, 1], stride: [1, 1], input: input}}\n"
                         for i in range(10000))
        run = nnc("check", self.write("m.yaml", "input: {shape: [1, 3, 8, 8]}\nlayers:\n" + layers), "--format", "json")
        self.assert_status(run, 0)
        self.assertEqual(json.loads(run.stdout)["summary"]["warnings"], 9999, "every layer but the last is unused")

    def test_10000_layers_with_substituted_lists(self):
        """Each list an argument filled in once copied the whole document's YAML nodes too: 50 s for 2,000 layers."""
        layers = "".join(f"  - {{op: maxpool2d, name: p{i}, kernel_size: [$k, $k], stride: [1, $k], input: input}}\n"
                         for i in range(10000))
        blocks = "blocks:\n  pool:\n    args: {k: 1}\n    layers:\n      - {op: maxpool2d, kernel_size: [$k, $k]}\n"
        for text in ("args: {k: 1}\ninput: {shape: [1, 3, 8, 8]}\nlayers:\n" + layers,
                     blocks + "input: {shape: [1, 3, 8, 8]}\nlayers:\n  - {block: pool, repeat: 10000}\n"):
            run = nnc("check", self.write("m.yaml", text), "--format", "json")
            self.assert_status(run, 0)
            self.assertEqual(json.loads(run.stdout)["files"][0]["layers"][-1]["shape"], [1, 3, 8, 8])

    def test_set_given_thousands_of_times(self):
        model = self.write("m.yaml", ARGS_MODEL)
        same = [a for i in range(1, 5001) for a in ("--set", f"width={i}")]
        run = nnc("check", model, *same, "--format", "json")
        self.assert_status(run, 0)
        self.assertEqual(json.loads(run.stdout)["files"][0]["layers"][0]["shape"], [1, 5000], "the last --set wins")
        unknown = [a for i in range(5000) for a in ("--set", f"w{i}={i}")]
        run = nnc("check", model, *unknown, "--format", "json")
        self.assert_status(run, MODEL_ERROR)
        self.assertEqual(json.loads(run.stdout)["summary"]["errors"], 5000)

    def test_thousands_of_files_under_a_low_file_limit(self):
        good, bad = "input: {shape: [1, 3]}\nlayers:\n  - {op: relu}\n", "input: {shape: [1, 3]}\nlayers:\n  - {op: rleu}\n"
        files = [self.write(f"m{i:04d}.yaml", bad if i % 3 == 0 else good) for i in range(3000)]

        def few_files():
            resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))

        run = subprocess.run([hostile.NNC, "check", "--format", "json", *map(str, files)], capture_output=True,
                             preexec_fn=few_files, timeout=hostile.TIMEOUT_S)
        self.assert_status(run, MODEL_ERROR)
        report = json.loads(run.stdout)
        self.assertEqual(report["summary"], {"files": 3000, "failed": 1000, "errors": 1000, "warnings": 0})
        self.assertEqual([f["ok"] for f in report["files"]], [i % 3 != 0 for i in range(3000)])


class OutputsKeptOnFailure(Scratch):
    """A command that fails leaves the file it was to write as it was, and adds nothing beside it."""

    OLD = b"old content\n"

    def setUp(self):
        super().setUp()
        self.good = self.write("m.yaml", MODEL)
        self.bad = self.write("bad.yaml", MODEL.replace("linear", "lniear"))
        np.save(self.dir / "x.npy", np.zeros((1, 4), np.float32))
        self.wrong_input = self.dir / "wrong.npy"
        np.save(self.wrong_input, np.zeros((1, 5), np.float32))
        self.out = self.dir / "out"
        self.out.mkdir()

    def assert_kept(self, name, args, status):
        target = self.out / name
        target.write_bytes(self.OLD)
        run = nnc(*args, "-o" if args[0] != "run" else "--output", target)
        self.assert_status(run, status)
        self.assertEqual(target.read_bytes(), self.OLD)
        self.assertEqual(os.listdir(self.out), [name])
        target.unlink()

    def test_each_command(self):
        cases = (
            ("y.npy", ["run", self.bad], MODEL_ERROR),
            ("y.npy", ["run", self.good, "--input", self.wrong_input], MODEL_ERROR),
            ("y.npy", ["run", self.good, "--input", "/dev/zero"], USAGE),
            ("y.npy", ["run", self.good, "--weights", self.write("w.safetensors", b"\x10" + bytes(7) + b"{}")], USAGE),
            ("m.loops", ["emit", self.bad, "--emit", "loops"], MODEL_ERROR),
            ("m.ll", ["emit", self.bad, "--emit", "llvm"], MODEL_ERROR),
            ("m.o", ["emit", self.bad, "--emit", "obj"], MODEL_ERROR),
            ("m.yaml", ["expand", self.bad], MODEL_ERROR),
            ("m.dot", ["graph", self.bad], MODEL_ERROR),
            ("m.yaml", ["import", "/dev/zero"], USAGE),
        )
        for name, args, status in cases:
            with self.subTest(args=[str(a) for a in args]):
                self.assert_kept(name, args, status)

    def test_emit_cpp_into_a_directory(self):
        old = {"tiny.hpp": b"old header\n", "tiny.cpp": b"old source\n"}
        for name, content in old.items():
            (self.out / name).write_bytes(content)
        run = nnc("emit", self.bad, "--emit", "cpp", "-o", self.out)
        self.assert_status(run, MODEL_ERROR)
        self.assertEqual({p.name: p.read_bytes() for p in self.out.iterdir()}, old)


if __name__ == "__main__":
    main()
