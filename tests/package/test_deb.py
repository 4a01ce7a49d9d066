#!/usr/bin/env python3
"""`cpack -G DEB`: a Debian package with the installed prefix's files under /usr and Debian's libraries as its
dependencies, whose nnc runs once unpacked.

    test_deb.py --build BUILD_DIR --examples EXAMPLES_DIR [unittest arguments]
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = ""
EXAMPLES = ""


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="nnc-deb-"))
        subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", cls.dir],
                       check=True, capture_output=True, timeout=300)
        (cls.deb,) = cls.dir.glob("nnc_*.deb")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_contents(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True, check=True).stdout
        paths = {line.split()[-1] for line in listing.splitlines()}
        for path in ["./usr/bin/nnc", "./usr/lib/libnnc_core.so", "./usr/lib/libnnc_llvm.so",
                     "./usr/lib/cmake/nnc/nncConfig.cmake", "./usr/lib/cmake/nnc/nnc_add_model.cmake",
                     "./usr/share/doc/nnc/using-nnc.md"]:
            self.assertIn(path, paths)

    def test_depends_on_debian_libraries(self):
        depends = subprocess.run(["dpkg-deb", "-f", self.deb, "Depends"], capture_output=True, text=True, check=True).stdout
        for package in ["libllvm19", "libyaml-cpp0.7", "libfmt9"]:
            self.assertIn(package, depends)

    def test_unpacked_nnc_runs(self):
        root = self.dir / "root"
        subprocess.run(["dpkg-deb", "-x", self.deb, root], check=True)
        proc = subprocess.run([root / "usr/bin/nnc", os.path.join(EXAMPLES, "conv_pool.yaml")], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("[1, 5, 12, 12]", proc.stdout)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--examples", required=True)
    args, rest = parser.parse_known_args()
    BUILD, EXAMPLES = args.build, args.examples
    unittest.main(argv=[sys.argv[0], *rest])
