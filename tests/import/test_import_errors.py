"""`nnc import` of bad input: each problem a clear message and its exit status (1 an op or construct nnc lacks,
every one named; 2 usage or a file that is not valid ONNX), and then nothing written, an existing file untouched.

    test_import_errors.py NNC [unittest options]
"""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

NNC = None
OK, MODEL_ERROR, USAGE = 0, 1, 2


def model(nodes, inputs=None, inits=(), opsets=(("", 13),), output_shape=(1, 3, 4, 4)):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])]
    graph = helper.make_graph(nodes, "g", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)], list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = 8
    return m


class ImportErrors(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="nnc_import_"))

    def nnc_import(self, m, *args, name="m.onnx"):
        path = self.dir / name
        if isinstance(m, bytes):
            path.write_bytes(m)
        else:
            onnx.save(m, str(path))
        run = subprocess.run([NNC, "import", path, *args], capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
        return run

    def assert_nothing_written(self):
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["m.onnx"])

    def test_every_unsupported_node_is_named_with_its_domain(self):
        nodes = [helper.make_node("Relu", ["x"], ["r"], name="ok"),
                 helper.make_node("Frobnicate", ["r"], ["f"], name="foreign", domain="com.example"),
                 helper.make_node("TopK", ["f", "k"], ["t", "i"], name="topk", axis=1),
                 helper.make_node("Frobnicate", ["t"], ["y"], name="foreign_2", domain="com.example")]
        k = helper.make_tensor("k", TensorProto.INT64, [1], [2])
        # No output shape: ONNX's checker would refuse the file, but the ops are named first.
        run = self.nnc_import(model(nodes, inits=[k], opsets=(("", 13), ("com.example", 1)), output_shape=None))
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertIn("node 'foreign' (Frobnicate, domain com.example)", run.stderr)
        self.assertIn("node 'topk' (TopK, domain ai.onnx)", run.stderr)
        self.assertIn("node 'foreign_2' (Frobnicate, domain com.example)", run.stderr)
        self.assertIn("3 errors; nothing written", run.stderr)
        self.assert_nothing_written()

    def test_nodes_without_an_exact_mapping_are_all_named(self):
        nodes = [helper.make_node("Erf", ["x"], ["e"], name="lone_erf"),
                 helper.make_node("Gather", ["e", "two"], ["g"], name="gather_list", axis=1),
                 helper.make_node("Clip", ["g", "", "hi"], ["y"], name="clip_above")]
        inits = [helper.make_tensor("two", TensorProto.INT64, [2], [0, 1]), helper.make_tensor("hi", TensorProto.FLOAT, [], [1.0])]
        run = self.nnc_import(model(nodes, inits=inits, output_shape=(1, 2, 4, 4)))
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertIn("node 'lone_erf' (Erf, domain ai.onnx)", run.stderr)
        self.assertIn("node 'gather_list' (Gather, domain ai.onnx): nnc takes one constant index", run.stderr)
        self.assertIn("node 'clip_above' (Clip, domain ai.onnx)", run.stderr)
        self.assertIn("3 errors; nothing written", run.stderr)
        self.assert_nothing_written()

    def test_clip_bounds_that_leave_a_constant(self):
        # The last pair differs as doubles and is equal once cast to float, as nnc's hardtanh holds them.
        for lo, hi, hi_type in [(-1.0, -2.0, TensorProto.FLOAT), (3.0, 3.0, TensorProto.FLOAT), (1.0, 1.0 + 1e-9, TensorProto.DOUBLE)]:
            inits = [helper.make_tensor("lo", TensorProto.FLOAT, [], [lo]), helper.make_tensor("hi", hi_type, [], [hi])]
            nodes = [helper.make_node("Cast", ["hi"], ["hi32"], to=TensorProto.FLOAT),
                     helper.make_node("Clip", ["x", "lo", "hi32"], ["y"], name="clip")]
            run = self.nnc_import(model(nodes, inits=inits))
            self.assertEqual(run.returncode, MODEL_ERROR, (lo, hi, run.stderr))
            self.assertIn("node 'clip' (Clip, domain ai.onnx): Clip whose lower bound is not below its upper bound", run.stderr)
            self.assert_nothing_written()

    def test_window_attributes_that_are_not_positive(self):
        # libonnx's shape inference would divide by them: refused before it runs, each node named.
        w = helper.make_tensor("w", TensorProto.FLOAT, [3, 3, 1, 1], [0.5] * 9)
        for op, inputs, attrs, bad in [("Conv", ["x", "w"], {"strides": [0, 1]}, "strides"), ("Conv", ["x", "w"], {"group": 0}, "group"),
                                       ("MaxPool", ["x"], {"kernel_shape": [1, 1], "strides": [1, 0]}, "strides"),
                                       ("AveragePool", ["x"], {"kernel_shape": [0, 1]}, "kernel_shape"),
                                       ("Conv", ["x", "w"], {"dilations": [-1, 1]}, "dilations")]:
            run = self.nnc_import(model([helper.make_node(op, inputs, ["y"], name="windowed", **attrs)], inits=[w]))
            self.assertEqual(run.returncode, MODEL_ERROR, (op, attrs, run.stderr))
            self.assertIn(f"node 'windowed' ({op}): its {bad} must be positive", run.stderr)
            self.assert_nothing_written()

    def test_attributes_that_crash_libonnx_shape_inference(self):
        # libonnx 1.12 reads past the end of a weight's dimensions here (found by tests/fuzz/fuzz_onnx_import): nnc
        # must report the model, however the out-of-bounds read turns out.
        w = helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [0.5] * 108)
        b = helper.make_tensor("b", TensorProto.FLOAT, [3], [0.0] * 3)
        for data, weight in [("w", "b"), ("x", "b")]:
            nodes = [helper.make_node("ConvTranspose", [data, weight], ["y"], name="up", strides=[2, 2], pads=[1, 1, 1, 1],
                                      output_padding=[1, 1])]
            run = self.nnc_import(model(nodes, inits=[w, b]))
            self.assertIn(run.returncode, (MODEL_ERROR, USAGE), run.stderr)
            if run.returncode == USAGE:
                self.assertIn("libonnx's shape inference crashed", run.stderr)
            self.assert_nothing_written()

    def test_an_output_no_node_computes(self):
        run = self.nnc_import(model([helper.make_node("Relu", ["x"], ["r"], name="relu")]))
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertIn("the graph's output 'y' is neither its input nor computed by any node", run.stderr)
        self.assert_nothing_written()

    def test_truncated_file_is_a_usage_error_and_writes_nothing(self):
        w = helper.make_tensor("W", TensorProto.FLOAT, [4, 3, 3, 3], np.ones(108, np.float32).tolist())
        whole = model([helper.make_node("Conv", ["x", "W"], ["y"])], inits=[w]).SerializeToString()
        for cut in (len(whole) // 2, len(whole) - 7, 3):
            with self.subTest(cut=cut):
                run = self.nnc_import(whole[:cut])
                self.assertEqual(run.returncode, USAGE, run.stderr)
                self.assertRegex(run.stderr, "not an ONNX model|checker rejects it")
                self.assert_nothing_written()

    def test_not_onnx_at_all(self):
        run = self.nnc_import(b"input:\n  shape: [1, 3]\nlayers: []\n")
        self.assertEqual(run.returncode, USAGE, run.stderr)
        self.assertIn("not an ONNX model", run.stderr)
        self.assert_nothing_written()

    def test_missing_file(self):
        run = subprocess.run([NNC, "import", self.dir / "absent.onnx"], capture_output=True, text=True)
        self.assertEqual(run.returncode, USAGE, run.stderr)
        self.assertIn("absent.onnx", run.stderr)

    def test_checker_failure_is_reported(self):
        run = self.nnc_import(model([helper.make_node("Relu", ["nowhere"], ["y"])]))
        self.assertEqual(run.returncode, USAGE, run.stderr)
        self.assertIn("the ONNX checker rejects it", run.stderr)
        self.assertIn("nowhere", run.stderr)
        self.assert_nothing_written()

    def test_dynamic_dimension_needs_input_shape(self):
        dynamic = [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 4, 4])]
        nodes = [helper.make_node("Relu", ["images"], ["y"])]
        run = self.nnc_import(model(nodes, inputs=dynamic, output_shape=["batch", 3, 4, 4]))
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertIn("input 'images' has the shape [batch, 3, 4, 4]", run.stderr)
        self.assertIn("--input-shape", run.stderr)
        self.assert_nothing_written()
        run = self.nnc_import(model(nodes, inputs=dynamic, output_shape=["batch", 3, 4, 4]), "--input-shape", "2,3,4,4")
        self.assertEqual(run.returncode, OK, run.stderr)
        self.assertIn("shape: [2, 3, 4, 4]", (self.dir / "m.yaml").read_text())
        for bad in ("2,5,4,4", "2,3,4", "2,x,4,4", "0,3,4,4", ""):
            with self.subTest(shape=bad):
                run = self.nnc_import(model(nodes, inputs=dynamic), "--input-shape", bad)
                self.assertIn(run.returncode, (MODEL_ERROR, USAGE), run.stderr)
                self.assertIn("shape", run.stderr)

    def test_opset_outside_11_to_17(self):
        run = self.nnc_import(model([helper.make_node("Relu", ["x"], ["y"])], opsets=(("", 10),)))
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertIn("opset 10", run.stderr)

    def test_existing_files_are_untouched_on_failure(self):
        out = self.dir / "out.yaml"
        out.write_text("old yaml\n")
        (self.dir / "out.safetensors").write_text("old weights\n")
        run = self.nnc_import(model([helper.make_node("TopK", ["x", "k"], ["y", "i"])],
                                    inits=[helper.make_tensor("k", TensorProto.INT64, [1], [2])], output_shape=(1, 3, 4, 2)), "-o", out)
        self.assertEqual(run.returncode, MODEL_ERROR, run.stderr)
        self.assertEqual(out.read_text(), "old yaml\n")
        self.assertEqual((self.dir / "out.safetensors").read_text(), "old weights\n")
        self.assertEqual(len(list(self.dir.iterdir())), 3, "no temporary file left behind")

    def test_output_names_and_layer_names(self):
        nodes = [helper.make_node("Relu", ["x"], ["a"], name="/features/0/Relu"),
                 helper.make_node("Sigmoid", ["a"], ["b"], name="/features/0/Relu"),
                 helper.make_node("Tanh", ["b"], ["y"], name="")]
        out = self.dir / "sub" / "net.yaml"
        out.parent.mkdir()
        run = self.nnc_import(model(nodes), "-o", out)
        self.assertEqual(run.returncode, OK, run.stderr)
        text = out.read_text()
        self.assertIn('name: "features.0.Relu"', text)
        self.assertIn('name: "features.0.Relu_2"', text)
        self.assertIn('name: "y"', text)
        self.assertIn('weights: "net.safetensors"', text)
        self.assertTrue((out.parent / "net.safetensors").is_file())
        first = text
        self.assertEqual(self.nnc_import(model(nodes), "-o", out).returncode, OK)
        self.assertEqual(out.read_text(), first, "the same model gives the same file")
        check = subprocess.run([NNC, "check", out], capture_output=True, text=True)
        self.assertEqual(check.returncode, OK, check.stderr)

    def test_output_must_not_be_the_weights_file(self):
        run = self.nnc_import(model([helper.make_node("Relu", ["x"], ["y"])]), "-o", self.dir / "m.safetensors")
        self.assertEqual(run.returncode, USAGE, run.stderr)
        self.assert_nothing_written()


class Linking(unittest.TestCase):
    def test_only_the_plugin_links_onnx_and_protobuf(self):
        """`nnc check` must not pay for the importer: nnc and libnnc_core.so need neither ONNX nor protobuf."""
        nnc = Path(NNC).resolve()
        for binary in (nnc, nnc.parent.parent / "lib" / "libnnc_core.so", nnc.parent.parent / "lib" / "libnnc_onnx.so"):
            needed = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
            links = "libonnx" in needed and "libprotobuf" in needed
            self.assertEqual(links, binary.name == "libnnc_onnx.so", f"{binary.name}:\n{needed}")


if __name__ == "__main__":
    NNC = sys.argv.pop(1)
    unittest.main()
