#!/usr/bin/env python3
"""`cmake --install`: a prefix with bin/nnc, its libraries, the docs and the CMake package, that still runs after
it is moved elsewhere (every library found relative to the executable, none from the build tree).

    test_install.py --build BUILD_DIR --examples EXAMPLES_DIR [unittest arguments]
"""

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from install_prefix import install

BUILD = ""
EXAMPLES = ""


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="nnc-install-"))
        install(BUILD, cls.dir / "first")
        # Moved after installing: nothing may still point at the first place, or at the build tree.
        cls.prefix = cls.dir / "moved" / "prefix"
        cls.prefix.parent.mkdir()
        shutil.move(cls.dir / "first", cls.prefix)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_has_the_files_of_a_prefix(self):
        for relative in ["bin/nnc", "lib/libnnc_core.so", "lib/libnnc_llvm.so", "lib/cmake/nnc/nncConfig.cmake",
                         "lib/cmake/nnc/nncConfigVersion.cmake", "lib/cmake/nnc/nncTargets.cmake",
                         "lib/cmake/nnc/nnc_add_model.cmake", "share/doc/nnc/README.md", "share/doc/nnc/model-format.md",
                         "share/doc/nnc/using-nnc.md"]:
            self.assertTrue((self.prefix / relative).is_file(), relative)

    def test_moved_prefix_runs_a_model(self):
        # The JIT path loads the plugin lib/libnnc_llvm.so; the output shape shows it ran.
        proc = subprocess.run([self.prefix / "bin/nnc", os.path.join(EXAMPLES, "conv_pool.yaml")], capture_output=True,
                              text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("[1, 5, 12, 12]", proc.stdout)

    def test_libraries_come_from_the_moved_prefix(self):
        out = subprocess.run(["ldd", self.prefix / "bin/nnc"], capture_output=True, text=True, check=True).stdout
        (core,) = re.findall(r"libnnc_core\.so => (\S+)", out)
        self.assertEqual(os.path.realpath(core), str(self.prefix / "lib/libnnc_core.so"))
        for binary in ["bin/nnc", "lib/libnnc_llvm.so"]:
            dynamic = subprocess.run(["readelf", "-d", self.prefix / binary], capture_output=True, text=True, check=True).stdout
            self.assertIn("$ORIGIN", dynamic, binary)
            self.assertNotIn(str(pathlib.Path(BUILD).resolve()), dynamic, binary)

    def test_version_file_accepts_this_version(self):
        version_file = (self.prefix / "lib/cmake/nnc/nncConfigVersion.cmake").read_text()
        proc = subprocess.run([self.prefix / "bin/nnc", "--version"], capture_output=True, text=True, check=True)
        self.assertIn(f'set(PACKAGE_VERSION "{proc.stdout.split()[1]}")', version_file)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--examples", required=True)
    args, rest = parser.parse_known_args()
    BUILD, EXAMPLES = args.build, args.examples
    unittest.main(argv=[sys.argv[0], *rest])
