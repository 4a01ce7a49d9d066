"""What the hostile-input tests share: running nnc with a time limit, and a scratch directory.

Each test file is run as `test_X.py --nnc PATH [unittest arguments]`.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NNC = ""

# A hostile input must be refused quickly; a command that outlives this has hung.
TIMEOUT_S = 60


def nnc(*args, cwd=None, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S):
    """Runs nnc without colour; returns the CompletedProcess with bytes stdout and stderr."""
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([NNC, *map(str, args)], capture_output=True, env=env, cwd=cwd, stdin=stdin, timeout=timeout)


class Scratch(unittest.TestCase):
    """A test case with a fresh temporary directory, `self.dir`."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="nnc-hostile-"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, name, content):
        path = self.dir / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def assert_status(self, run, status):
        self.assertEqual(run.returncode, status, run.stderr.decode(errors="replace")[-2000:])

    def assert_no_crash(self, run):
        """A diagnostic and a status of 0, 1 or 2: never a signal, never "a bug in nnc"."""
        self.assertIn(run.returncode, (0, 1, 2), run.stderr.decode(errors="replace")[-2000:])


def main():
    global NNC
    parser = argparse.ArgumentParser()
    parser.add_argument("--nnc", required=True)
    args, rest = parser.parse_known_args()
    NNC = os.path.abspath(args.nnc)
    unittest.main(argv=[sys.argv[0], *rest], module="__main__")
