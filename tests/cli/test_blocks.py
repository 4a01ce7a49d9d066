#!/usr/bin/env python3
"""Blocks through the real binary: `nnc expand`, `--set` on every command that reads a model, `summary --depth`,
the short header of big models, and notes in text, JSON and GitHub output.

    test_blocks.py --nnc build/bin/nnc [unittest arguments]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

NNC = ""

RESIDUAL = """\
args: {width: 8, depth: 2}
input: {shape: [1, 3, 16, 16]}
blocks:
  basic:
    args: {planes: null}
    layers:
      - {op: conv2d, name: conv1, out_channels: $planes, kernel_size: 3, padding: 1, bias: false}
      - {op: batchnorm2d, name: bn1}
      - {op: relu, name: relu}
      - {op: add, name: add, inputs: [relu, $input]}
layers:
  - {op: conv2d, name: stem, out_channels: $width, kernel_size: 3, padding: 1}
  - {block: basic, name: layer1, repeat: $depth, planes: $width}
  - {op: adaptive_avgpool2d, name: pool, output_size: 1}
  - {op: flatten, name: flatten}
  - {op: linear, name: fc, out_features: 10}
"""

BROKEN = """\
input: {shape: [1, 4]}
blocks:
  head:
    layers:
      - {op: linear, name: fc, in_features: 5, out_features: 2}
layers:
  - {block: head, name: classifier}
"""


def run(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([NNC, *args], capture_output=True, env=env, cwd=cwd, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class Blocks(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nnc-blocks-")
        self.model = self.write("residual.yaml", RESIDUAL)
        self.broken = self.write("broken.yaml", BROKEN)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def layers(self, *args):
        status, out, err = run("check", "--format", "json", *args)
        self.assertEqual(status, 0, err)
        return json.loads(out)["files"][0]["layers"]

    def test_expand_runs_to_the_same_numbers(self):
        status, flat, err = run("expand", self.model)
        self.assertEqual(status, 0, err)
        self.assertNotIn("$", flat)
        self.assertNotIn("block:", flat)
        flat_path = self.write("flat.yaml", flat)
        self.assertEqual(self.layers(flat_path), self.layers(self.model))
        outputs = []
        for path in (self.model, flat_path):
            out = os.path.join(self.dir, os.path.basename(path) + ".npy")
            status, _, err = run("run", path, "--output", out)
            self.assertEqual(status, 0, err)
            with open(out, "rb") as f:
                outputs.append(f.read())
        self.assertEqual(outputs[0], outputs[1])

    def test_expand_to_a_file_is_whole_or_untouched(self):
        target = self.write("flat.yaml", "keep me\n")
        status, _, err = run("expand", self.broken, "-o", target)
        self.assertEqual(status, 1)
        self.assertIn("[in-features-mismatch]", err)
        with open(target) as f:
            self.assertEqual(f.read(), "keep me\n")
        status, _, err = run("expand", self.model, "-o", target, "--set", "depth=3")
        self.assertEqual(status, 0, err)
        with open(target) as f:
            self.assertIn("layer1.2.add", f.read())
        self.assertEqual(sorted(os.listdir(self.dir)), ["broken.yaml", "flat.yaml", "residual.yaml"])

    def test_set_reaches_every_command(self):
        wide = self.layers(self.model, "--set", "width=16", "--set", "depth=3")
        self.assertEqual(wide[0]["shape"], [1, 16, 16, 16])
        self.assertEqual(sum(1 for l in wide if l["name"].endswith(".add")), 3)
        status, out, err = run("summary", self.model, "--set", "width=12")
        self.assertEqual(status, 0, err)
        self.assertIn("[1, 12, 16, 16]", out)
        status, out, err = run("run", self.model, "--set", "width=12")
        self.assertEqual(status, 0, err)
        status, out, err = run("bench", self.model, "--set", "width=12", "--runs", "2", "--format", "json")
        self.assertEqual(status, 0, err)
        self.assertIn("layer1.1.conv1", out)
        status, _, err = run("emit", self.model, "--set", "width=12", "--emit", "loops", "-o", os.path.join(self.dir, "loops.txt"))
        self.assertEqual(status, 0, err)

    def test_set_mistakes(self):
        status, _, err = run("check", self.model, "--set", "widht=4")
        self.assertEqual(status, 1)
        self.assertIn("did you mean 'width'", err + run("check", self.model, "--set", "widht=4")[1])
        status, _, err = run("check", self.model, "--set", "width")
        self.assertEqual(status, 2)
        self.assertIn("NAME=VALUE", err)
        status, out, _ = run("check", self.model, "--set", "width=[3")
        self.assertEqual(status, 1)
        self.assertIn("[bad-value]", out)

    def test_summary_depth_collapses_instances_and_keeps_the_totals(self):
        status, full, err = run("summary", self.model)
        self.assertEqual(status, 0, err)
        status, short, err = run("summary", self.model, "--depth", "1")
        self.assertEqual(status, 0, err)
        self.assertIn("layer1.0.conv1", full)
        self.assertNotIn("layer1.0.conv1", short)
        row = next(line for line in short.splitlines() if line.strip().startswith("layer1 "))
        self.assertIn("basic x2", row)
        # conv1 8*8*9 and bn1 2*8 per instance
        self.assertIn("1,184", row)
        self.assertEqual(full.split("\n\noutput")[1], short.split("\n\noutput")[1])
        status, middle, err = run("summary", self.model, "--depth", "2")
        self.assertEqual(status, 0, err)
        self.assertIn("block basic", middle)
        self.assertEqual(run("summary", self.model, "--depth", "0")[0], 2)

    def test_run_shows_a_header_for_big_models(self):
        status, out, err = run("run", self.model, "--set", "depth=20")
        self.assertEqual(status, 0, err)
        self.assertIn("84 layers", out)
        self.assertNotIn("layer1.7.relu", out)
        self.assertIn("--depth 1", out)
        status, out, err = run("run", self.model)
        self.assertEqual(status, 0, err)
        self.assertIn("layer1.1.relu", out)

    def test_notes_in_every_format(self):
        status, out, _ = run("check", self.broken)
        self.assertEqual(status, 1)
        self.assertIn("broken.yaml:5:32: error:", out)
        self.assertIn("broken.yaml:7:6: note: in instance 'classifier' of block 'head'", out)
        status, out, _ = run("check", "--format", "json", self.broken)
        diagnostic = json.loads(out)["files"][0]["diagnostics"][0]
        self.assertEqual(diagnostic["notes"], [{"message": "in instance 'classifier' of block 'head'", "line": 7, "column": 6}])
        status, out, _ = run("check", "--format", "github", self.broken)
        self.assertIn("note: line 7, column 6: in instance 'classifier' of block 'head'", out)


def main():
    global NNC
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    args, rest = parser.parse_known_args()
    NNC = os.path.abspath(args.nnc)
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
