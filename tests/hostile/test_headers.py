"""safetensors and .npy headers that lie in every field: the dtype, each dimension (negative, beyond int64, a product
that overflows int64), the data offsets (past the end, reversed, negative, overlapping, leaving holes) and the header
length itself. Each is refused at once with the file named and a reason, and nothing is written."""
import json
import struct

import numpy as np

from hostile import Scratch, main, nnc

USAGE = 2
MODEL = "input: {shape: [1, 4]}\nlayers:\n  - {op: linear, out_features: 3}\n"
WEIGHT = np.arange(12, dtype=np.float32).reshape(3, 4)
BIAS = np.ones(3, np.float32)


def safetensors(header, data=WEIGHT.tobytes() + BIAS.tobytes(), length=None):
    """A safetensors file with this header (a dict, or JSON text as it is) and data section."""
    text = (header if isinstance(header, str) else json.dumps(header)).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def entry(dtype="F32", shape=(3, 4), offsets=(0, 48)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


def good_header(**weight):
    return {"0.weight": entry(**weight), "0.bias": entry(shape=[3], offsets=[48, 60])}


def npy(header_text, data=np.zeros(4, np.float32).tobytes(), version=1):
    """A .npy file whose header dictionary is `header_text`, padded as numpy pads it."""
    body = header_text.encode("latin1")
    length_format = "<H" if version == 1 else "<I"
    prefix = 8 + struct.calcsize(length_format)
    body += b" " * (-(prefix + len(body) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(length_format, len(body)) + body + data


class LyingHeaders(Scratch):
    def setUp(self):
        super().setUp()
        self.model = self.write("m.yaml", MODEL)
        self.output = self.dir / "y.npy"

    def assert_refused(self, option, content, *needles):
        """`nnc run` refuses the file given to `option`: exit 2, the file named, each needle said, no output."""
        path = self.write("bad.safetensors" if option == "--weights" else "bad.npy", content)
        run = nnc("run", self.model, option, path, "--output", self.output)
        self.assert_status(run, USAGE)
        err = run.stderr.decode(errors="replace")
        self.assertIn(str(path), err)
        for needle in needles:
            self.assertIn(needle, err)
        self.assertNotIn("bug in nnc", err)
        self.assertFalse(self.output.exists())

    def test_the_good_files_run(self):
        weights = self.write("good.safetensors", safetensors(good_header()))
        x = self.write("good.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }"))
        run = nnc("run", self.model, "--weights", weights, "--input", x, "--output", self.output)
        self.assert_status(run, 0)
        np.testing.assert_array_equal(np.load(self.output), [BIAS])

    def test_safetensors_dtypes(self):
        for dtype in ("F64", "F16", "I64", "BOOL", "F32 ", "f32", "", 32, None, ["F32"]):
            with self.subTest(dtype=dtype):
                self.assert_refused("--weights", safetensors(good_header(dtype=dtype)), "0.weight")

    def test_safetensors_shapes(self):
        for shape in ([-3, 4], [3, -4], [2**62, 2**62], [2**32, 2**32, 16], [2**63, 1], [2**64 + 3, 4], [1e30, 1],
                      [3.0, 4], ["3", 4], [None], [[3], 4], [3, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]):
            with self.subTest(shape=shape):
                self.assert_refused("--weights", safetensors(good_header(shape=shape)), "0.weight")

    def test_safetensors_offsets(self):
        for offsets in ([0, 4800], [48, 0], [-48, 0], [0, -1], [2**64 - 48, 2**64], [2**63, 2**63 + 48], [0], [0, 48, 96],
                        ["0", "48"], [0.5, 48.5], [12, 60]):
            with self.subTest(offsets=offsets):
                self.assert_refused("--weights", safetensors(good_header(offsets=offsets)), "0.weight")

    def test_safetensors_overlapping_and_holes(self):
        overlapping = {"0.weight": entry(), "0.bias": entry(shape=[3], offsets=[36, 48])}
        self.assert_refused("--weights", safetensors(overlapping, data=WEIGHT.tobytes()))
        same = {"0.weight": entry(), "0.bias": entry(shape=[3], offsets=[0, 12])}
        self.assert_refused("--weights", safetensors(same, data=WEIGHT.tobytes()))
        hole = {"0.weight": entry(), "0.bias": entry(shape=[3], offsets=[52, 64])}
        self.assert_refused("--weights", safetensors(hole, data=WEIGHT.tobytes() + bytes(16)))

    def test_safetensors_header_lengths(self):
        header = json.dumps(good_header())
        for length in (0, 1, len(header) - 1, len(header) + 1, 2**31, 2**63, 2**64 - 1):
            with self.subTest(length=length):
                self.assert_refused("--weights", safetensors(header, length=length))
        self.assert_refused("--weights", b"\x10\x00\x00")

    def test_safetensors_headers_of_the_wrong_kind(self):
        for header in ("[]", "null", '"x"', "{}", '{"0.weight": 5}', '{"0.weight": {}}', '{"__metadata__": 5}',
                       '{"0.weight": {"dtype": "F32", "shape": [3, 4]}}',
                       json.dumps(good_header())[:-1] + ', "0.weight": ' + json.dumps(entry()) + "}"):
            with self.subTest(header=header[:60]):
                run = nnc("run", self.model, "--weights", self.write("w.safetensors", safetensors(header)))
                self.assertIn(run.returncode, (1, 2), run.stderr.decode(errors="replace"))
                self.assertNotIn(b"bug in nnc", run.stderr)

    def test_npy_dtypes(self):
        for descr in ("'<f8'", "'>f4'", "'<i4'", "'|b1'", "'<f2'", "'<c8'", "'O'", "'<U4'", "[('a', '<f4')]", "5",
                      "'<f4 '", "''"):
            with self.subTest(descr=descr):
                header = f"{{'descr': {descr}, 'fortran_order': False, 'shape': (1, 4), }}"
                self.assert_refused("--input", npy(header))

    def test_npy_shapes(self):
        for shape in ("(-1, 4)", "(1, -4)", "(2**62, 4)", "(4611686018427387904, 4611686018427387904)",
                      "(4294967296, 4294967296, 16)", "(9223372036854775808, 1)", "(18446744073709551620, 4)",
                      "(1.0, 4)", "('1', 4)", "[1, 4]", "1", "None", "(1, 4, 0)", "(1, 2)", "(1, 5)"):
            with self.subTest(shape=shape):
                self.assert_refused("--input", npy(f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}"))
        # The right number of values in the wrong shape is the model's mismatch (exit 1), not a bad file.
        x = self.write("t.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 1), }"))
        run = nnc("run", self.model, "--input", x, "--output", self.output)
        self.assert_status(run, 1)
        self.assertIn(b"holds shape [4, 1], but the model's input 'input' has shape [1, 4]", run.stderr)
        self.assertFalse(self.output.exists())

    def test_npy_header_fields(self):
        for header in ("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 4), }",
                       "{'descr': '<f4', 'shape': (1, 4), }", "{'fortran_order': False, 'shape': (1, 4), }",
                       "{'descr': '<f4', 'fortran_order': False, }", "{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 4), }",
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), 'descr': '<f8', }",
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4)", "[]", "", "\x00" * 10):
            with self.subTest(header=header):
                self.assert_refused("--input", npy(header))

    def test_npy_versions_and_lengths(self):
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }"
        good = npy(header)
        for version in (0, 3, 255):
            with self.subTest(version=version):
                self.assert_refused("--input", good[:6] + bytes([version]) + good[7:])
        self.assert_refused("--input", npy(header, version=2)[:8] + struct.pack("<I", 2**32 - 1) + good[10:])
        self.assert_refused("--input", good[:8] + struct.pack("<H", 0) + good[10:])
        for cut in (5, 9, 20, len(good) - 1):
            with self.subTest(cut=cut):
                self.assert_refused("--input", good[:cut])


if __name__ == "__main__":
    main()
