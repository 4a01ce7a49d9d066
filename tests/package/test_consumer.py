#!/usr/bin/env python3
"""examples/cmake_consumer, copied out of the repository, configured with find_package(nnc) against a freshly
installed prefix, built and run: its output must equal `nnc run`'s on the same input, and touching or editing its
model must make the next build emit the C++ again.

    test_consumer.py --build BUILD_DIR --consumer examples/cmake_consumer [unittest arguments]
"""

import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

from install_prefix import install

BUILD = ""
CONSUMER = ""

INPUT_SHAPE = (1, 1, 8, 8)


class Consumer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="nnc-consumer-"))
        cls.prefix = install(BUILD, cls.dir / "prefix")
        cls.nnc = cls.prefix / "bin/nnc"
        cls.source = cls.dir / "source"
        shutil.copytree(CONSUMER, cls.source)
        cls.model = cls.source / "tiny_net.yaml"
        cls.binary = cls.dir / "build"
        cls.input = np.random.default_rng(7).standard_normal(INPUT_SHAPE).astype(np.float32)
        np.save(cls.dir / "input.npy", cls.input)
        cls.input.tofile(cls.dir / "input.f32")
        configure = subprocess.run(["cmake", "-S", cls.source, "-B", cls.binary, "-G", "Ninja",
                                    f"-DCMAKE_PREFIX_PATH={cls.prefix}"], capture_output=True, text=True, timeout=120)
        assert configure.returncode == 0, configure.stdout + configure.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def build(self):
        proc = subprocess.run(["cmake", "--build", self.binary], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

    def consumer_output(self):
        proc = subprocess.run([self.binary / "classify", self.dir / "input.f32"], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return np.array([float(v) for v in proc.stdout.split()], dtype=np.float32)

    def nnc_run_output(self):
        out = self.dir / "out.npy"
        proc = subprocess.run([self.nnc, "run", self.model, "--input", self.dir / "input.npy", "--output", out],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return np.load(out).ravel()

    def assert_same_as_nnc_run(self):
        expected = self.nnc_run_output()
        got = self.consumer_output()
        self.assertEqual(got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)

    def test_builds_runs_and_rebuilds_on_model_changes(self):
        self.assertIn("nnc: emitting C++", self.build())
        self.assert_same_as_nnc_run()
        self.assertNotIn("nnc: emitting C++", self.build(), "a build with nothing changed emitted again")

        time.sleep(1.1)  # a newer mtime than the outputs', whatever the file system's resolution
        self.model.touch()
        self.assertIn("nnc: emitting C++", self.build(), "touching the model did not emit it again")

        time.sleep(1.1)
        self.model.write_text(self.model.read_text().replace("out_channels: 4", "out_channels: 6"))
        self.assertIn("nnc: emitting C++", self.build(), "editing the model did not emit it again")
        self.assertEqual(self.consumer_output().size, 6 * 3 * 3)
        self.assert_same_as_nnc_run()

    def test_a_broken_model_stops_the_configure_step_with_its_diagnostics(self):
        source = self.dir / "broken"
        shutil.copytree(CONSUMER, source)
        model = source / "tiny_net.yaml"
        model.write_text(model.read_text().replace("op: relu", "op: rleu"))
        proc = subprocess.run(["cmake", "-S", source, "-B", self.dir / "broken-build", "-G", "Ninja",
                               f"-DCMAKE_PREFIX_PATH={self.prefix}"], capture_output=True, text=True, timeout=120)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("nnc_add_model(tiny_net_model)", proc.stderr)
        self.assertIn("tiny_net.yaml:7:", proc.stderr)
        self.assertIn("did you mean 'relu'", proc.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--consumer", required=True)
    args, rest = parser.parse_known_args()
    BUILD, CONSUMER = args.build, args.consumer
    unittest.main(argv=[sys.argv[0], *rest])
