#!/usr/bin/env python3
"""`nnc graph`: the DOT rendered by Debian's graphviz (`dot -Tsvg`) has a node per layer with its op and attributes,
shapes on the edges and a cluster per block instance; the Mermaid text is a well-formed flowchart of the same.

    test_graph.py --nnc build/bin/nnc [unittest arguments]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

NNC = ""
SVG = "{http://www.w3.org/2000/svg}"

RESIDUAL = """\
name: tiny_resnet
args: {width: 8}
input: {shape: [1, 3, 16, 16]}
blocks:
  basic:
    args: {planes: null}
    layers:
      - {op: conv2d, name: conv1, out_channels: $planes, kernel_size: 3, padding: 1, bias: false}
      - {op: relu, name: relu}
      - {op: add, name: add, inputs: [relu, $input]}
layers:
  - {op: conv2d, name: stem, out_channels: $width, kernel_size: 3, padding: 1}
  - {block: basic, name: layer1, repeat: 2, planes: $width}
  - {op: adaptive_avgpool2d, name: pool, output_size: 1}
  - {op: flatten, name: "say \\"hi\\" <b>"}
  - {op: identity, name: "`tick # x"}
"""

LAYERS = ["stem", "layer1.0.conv1", "layer1.0.relu", "layer1.0.add", "layer1.1.conv1", "layer1.1.relu", "layer1.1.add",
          "pool", 'say "hi" <b>', "`tick # x"]


def nnc(*args):
    proc = subprocess.run([NNC, *args], capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


class Graph(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nnc-graph-")
        self.model = os.path.join(self.dir, "tiny_resnet.yaml")
        with open(self.model, "w") as f:
            f.write(RESIDUAL)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def svg(self):
        status, dot, err = nnc("graph", self.model)
        self.assertEqual(status, 0, err)
        proc = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "", "graphviz warned about the DOT")
        return ET.fromstring(proc.stdout)

    @staticmethod
    def groups(root, kind):
        """{title: [text lines]} of the SVG's <g class=kind> elements."""
        found = {}
        for g in root.iter(SVG + "g"):
            if g.get("class") == kind:
                found[g.find(SVG + "title").text] = [t.text for t in g.iter(SVG + "text")]
        return found

    def test_dot_renders_layers_shapes_and_clusters(self):
        root = self.svg()
        nodes = self.groups(root, "node")
        self.assertEqual(len(nodes), len(LAYERS) + 2)  # and the input and output
        labels = {lines[0]: lines[1:] for lines in nodes.values()}
        for layer in LAYERS:
            self.assertIn(layer, labels)
        self.assertEqual(labels["layer1.0.conv1"], ["conv2d", "out_channels: 8, kernel_size: 3",
                                                   "padding: 1, bias: false"])
        self.assertEqual(labels["input"], ["[1, 3, 16, 16]"])
        self.assertEqual(labels["pool"], ["adaptive_avgpool2d", "output_size: 1"])

        edges = [lines for title, lines in self.groups(root, "edge").items()]
        edge_labels = sorted(line for lines in edges for line in lines)
        # stem, each instance's three layers' inputs (add reads two), pool, flatten, output.
        self.assertEqual(len(edges), 1 + 2 * 4 + 1 + 1 + 1 + 1)
        self.assertEqual(edge_labels.count("[1, 8, 16, 16]"), 1 + 2 * 4)
        self.assertIn("[1, 8, 1, 1]", edge_labels)
        self.assertIn("[1, 8]", edge_labels)

        clusters = self.groups(root, "cluster")
        self.assertEqual(sorted(lines[0] for lines in clusters.values()),
                         ["layer1.0: basic", "layer1.1: basic", "layer1: basic x2"])
        # The instances are drawn inside their group.
        group = next(g for g in root.iter(SVG + "g") if g.get("class") == "cluster" and "x2" in "".join(g.itertext()))
        self.assertIsNotNone(group)

    def test_mermaid_is_a_flowchart_of_the_same(self):
        status, text, err = nnc("graph", self.model, "--format", "mermaid")
        self.assertEqual(status, 0, err)
        lines = [line.strip() for line in text.splitlines()]
        self.assertEqual(lines[0], "flowchart TB")
        depth, max_depth, defined, edges = 0, 0, {}, []
        for line in lines[1:]:
            if line.startswith("subgraph "):
                depth += 1
                max_depth = max(max_depth, depth)
            elif line == "end":
                depth -= 1
                self.assertGreaterEqual(depth, 0)
            elif m := re.fullmatch(r'(\w+) -->\|"([^"]*)"\| (\w+)', line):
                edges.append(m.groups())
            elif m := re.fullmatch(r'(\w+)(?:\["([^"]*)"\]|\(\["([^"]*)"\]\))', line):
                self.assertNotIn(m.group(1), defined)
                defined[m.group(1)] = m.group(2) or m.group(3)
            else:
                self.fail(f"not a flowchart line: {line!r}")
        self.assertEqual(depth, 0)
        self.assertEqual(max_depth, 2)
        self.assertEqual(len(defined), len(LAYERS) + 2)
        self.assertEqual(len(edges), 13)
        for source, _, target in edges:
            self.assertIn(source, defined)
            self.assertIn(target, defined)
        self.assertIn("say #quot;hi#quot; #lt;b#gt;<br/>flatten", defined.values())
        self.assertIn("#96;tick #35; x<br/>identity", defined.values())
        self.assertIn("[1, 8, 16, 16]", [label for _, label, _ in edges])

    def test_set_reaches_the_picture(self):
        status, dot, err = nnc("graph", self.model, "--set", "width=4")
        self.assertEqual(status, 0, err)
        self.assertIn('[label="[1, 4, 16, 16]"]', dot)
        self.assertNotIn("[1, 8, 16, 16]", dot)

    def test_output_file_and_errors(self):
        out = os.path.join(self.dir, "picture.dot")
        self.assertEqual(nnc("graph", self.model, "-o", out)[0], 0)
        with open(out) as f:
            self.assertTrue(f.read().startswith('digraph "tiny_resnet" {'))
        broken = os.path.join(self.dir, "broken.yaml")
        with open(broken, "w") as f:
            f.write("input: {shape: [1, 4]}\nlayers:\n  - {op: linear, in_features: 5, out_features: 2}\n")
        status, text, err = nnc("graph", broken)
        self.assertEqual((status, text), (1, ""))
        self.assertIn("in-features-mismatch", err)
        self.assertEqual(nnc("graph", os.path.join(self.dir, "missing.yaml"))[0], 2)
        self.assertEqual(nnc("graph", self.model, "--format", "png")[0], 2)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--nnc", required=True)
    args, rest = parser.parse_known_args()
    NNC = args.nnc
    unittest.main(argv=[sys.argv[0], *rest])
