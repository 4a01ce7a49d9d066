"""`nnc import` of hostile ONNX files: special files as the model, protobuf whose length fields lie, initializers
whose dimensions lie, absurd dimensions, huge graphs, and names full of control characters and terminal escapes.
Each is refused at once (or imported into a model that `nnc check` judges), nothing left behind on failure, and no
control character reaches the YAML or the terminal raw."""
import os
import re

import numpy as np
import onnx
from onnx import TensorProto, helper

from hostile import Scratch, main, nnc

MODEL_ERROR, USAGE = 1, 2
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def model(nodes, inputs=None, inits=(), shape=(1, 3, 4, 4), output="y"):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))]
    outputs = [helper.make_tensor_value_info(output, TensorProto.FLOAT, list(shape))]
    m = helper.make_model(helper.make_graph(nodes, "g", inputs, outputs, list(inits)),
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def conv(weight):
    return model([helper.make_node("Conv", ["x", "W"], ["y"], pads=[1, 1, 1, 1])], inits=[weight])


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


class Import(Scratch):
    def setUp(self):
        super().setUp()
        self.out = self.dir / "out" / "m.yaml"
        self.out.parent.mkdir()

    def save(self, m, name="m.onnx"):
        path = self.dir / name
        path.write_bytes(m if isinstance(m, bytes) else m.SerializeToString())
        return path

    def assert_refused(self, source, status, *needles):
        """`nnc import` refuses `source`: the status, each needle in the message, nothing in the output directory."""
        run = nnc("import", source, "-o", self.out)
        self.assert_status(run, status)
        for needle in needles:
            self.assertIn(needle, run.stderr.decode(errors="replace"))
        self.assertIn(b"nothing written", run.stderr)
        self.assertEqual(list(self.out.parent.iterdir()), [])
        return run

    def test_special_files_as_the_model(self):
        fifo = self.dir / "pipe.onnx"
        os.mkfifo(fifo)
        for path, what in ((fifo, "a FIFO"), ("/dev/zero", "a character device"), ("/dev/null", "a character device"),
                           (self.dir, "a directory")):
            with self.subTest(str(path)):
                self.assert_refused(path, USAGE, f"it is {what}, not a regular file")

    def test_every_truncation_of_a_small_model(self):
        whole = conv(helper.make_tensor("W", TensorProto.FLOAT, [3, 3, 3, 3], np.ones(81, np.float32).tobytes(),
                                        raw=True)).SerializeToString()
        for cut in range(0, len(whole), 7):
            with self.subTest(cut=cut):
                self.assert_refused(self.save(whole[:cut]), USAGE, "not an ONNX model")

    def test_length_fields_that_lie(self):
        good = model([helper.make_node("Relu", ["x"], ["y"])]).SerializeToString()
        graph = good.index(b"\x3a")  # ModelProto.graph, field 7, length-delimited
        cases = {
            "graph longer than the file": good[:graph + 1] + varint(2**62) + good[graph + 2:],
            "graph a byte too long": good[:graph + 1] + varint(good[graph + 1] + 1) + good[graph + 2:],
            "length of 2^31 - 1 then the model": b"\x08\x08\x3a" + varint(2**31 - 1) + good,
            "varint of eleven bytes": b"\x08\x08\x3a" + b"\xff" * 11,
            "node longer than its graph": b"\x3a\x05\x0a\xff\xff\xff\x7f",
        }
        for name, content in cases.items():
            with self.subTest(name):
                self.assert_refused(self.save(content), USAGE, "not an ONNX model")

    def test_initializers_whose_dimensions_lie(self):
        def weight(dims, count=81):
            w = helper.make_tensor("W", TensorProto.FLOAT, [3, 3, 3, 3], np.ones(count, np.float32).tobytes(), raw=True)
            w.dims[:] = dims
            return w

        for dims, needle in (([3_000_000_000_000, 3, 3, 3], "has a dimension of 3000000000000"),
                             ([-3, 3, 3, 3], "has a dimension of -3"),
                             ([3, 3, 3, 4], "holds 324 bytes of data for 108 elements")):
            with self.subTest(dims=dims):
                self.assert_refused(self.save(conv(weight(dims))), MODEL_ERROR, needle)
        short = weight([3, 3, 3, 3])
        short.raw_data = short.raw_data[:50]
        self.assert_refused(self.save(conv(short)), MODEL_ERROR, "holds 50 bytes of data for 81 elements")
        self.assert_refused(self.save(conv(weight([2**31, 2**31, 2**31, 8]))), USAGE, "checker rejects it")

    def test_absurd_input_dimensions_are_refused_as_check_would(self):
        shape = [1, 3, 10**12, 4]
        run = nnc("import", self.save(model([helper.make_node("Relu", ["x"], ["y"])], shape=shape)), "-o", self.out)
        self.assert_status(run, MODEL_ERROR)
        self.assertIn(b"the imported model would fail nnc check: relu 'y': with this layer the model's parameters and activations take",
                      run.stderr)
        self.assertFalse(self.out.exists())

    def test_a_graph_of_many_nodes_and_initializers(self):
        """The weights file's header was once built in time quadratic in its tensors: minutes for these."""
        count = 20000
        nodes = [helper.make_node("Add", ["x" if i == 0 else f"t{i - 1}", f"b{i}"], ["y" if i == count - 1 else f"t{i}"])
                 for i in range(count)]
        inits = [helper.make_tensor(f"b{i}", TensorProto.FLOAT, [1], [1.0]) for i in range(count)]
        run = nnc("import", self.save(model(nodes, inits=inits, shape=(1, 3))), "-o", self.out)
        self.assert_status(run, 0)
        self.assertIn(f"({2 * count} layers)".encode(), run.stdout, "each Add and its constant, a parameter layer")
        self.assert_status(nnc("check", self.out), 0)

    def test_control_characters_and_escapes_in_names(self):
        evil = "x\x1b[2J\x1b]0;title\x07\n- {op: relu}\r\t\"\\\x00\x7f"
        nodes = [helper.make_node("Relu", [evil], ["a"], name="node\x1b[31mRED\x1b[0m\n\x07"),
                 helper.make_node("Relu", ["a"], [evil + "out"], name=evil)]
        inputs = [helper.make_tensor_value_info(evil, TensorProto.FLOAT, [1, 3, 4, 4])]
        source = self.save(model(nodes, inputs=inputs, output=evil + "out"), "evil\n\x1b[31m.onnx")
        run = nnc("import", source, "-o", self.out)
        self.assert_status(run, 0)
        self.assertIsNone(CONTROL.search(run.stdout + run.stderr))
        yaml = self.out.read_bytes()
        self.assertIsNone(CONTROL.search(yaml.replace(b"\n", b"")), yaml)
        self.assertEqual(yaml.count(b"op: relu"), 2)
        self.assert_status(nnc("check", self.out), 0)

    def test_control_characters_in_an_unsupported_node(self):
        node = helper.make_node("TopK\x1b[31m", ["x"], ["y"], name="bad\x1b[2J\nname", domain="dom\x1b[1m")
        m = model([node])
        m.opset_import.append(helper.make_opsetid("dom\x1b[1m", 1))
        run = self.assert_refused(self.save(m), MODEL_ERROR, "nnc has no op for it")
        self.assertIsNone(CONTROL.search(run.stderr.replace(b"\n", b"")), run.stderr)

    def test_an_existing_output_is_untouched_on_failure(self):
        self.out.write_text("old yaml\n")
        weights = self.out.with_suffix(".safetensors")
        weights.write_text("old weights\n")
        for source in ("/dev/zero", self.save(b"\x08\x08\x3a\xff\xff\xff\xff\x0f")):
            with self.subTest(str(source)):
                run = nnc("import", source, "-o", self.out)
                self.assert_status(run, USAGE)
                self.assertEqual(self.out.read_text(), "old yaml\n")
                self.assertEqual(weights.read_text(), "old weights\n")
                self.assertEqual(sorted(p.name for p in self.out.parent.iterdir()), ["m.safetensors", "m.yaml"])


if __name__ == "__main__":
    main()
