"""The JIT's on-disk object cache (NNC_CACHE_DIR): a second compile of the same model loads its machine code, and
runs bit for bit as the first; damaged entries are compiled again, a cache that cannot be written changes nothing
but speed, an empty NNC_CACHE_DIR turns it off, and the least recently used entries go first past its size limit.

    test_cache.py --nnc NNC [unittest options]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONV_POOL = REPO / "examples" / "conv_pool.yaml"
LENET = REPO / "examples" / "lenet5.yaml"
MOBILENET_V2 = REPO / "examples" / "networks" / "mobilenet_v2.yaml"
FROM_CACHE = "machine code from the cache"
NNC = None


class Cache(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="nnc-cache-test-"))
        self.addCleanup(shutil.rmtree, self.dir)
        self.cache = self.dir / "cache"

    def run_model(self, model, *args, cache=None, env=None):
        environment = dict(os.environ, NO_COLOR="1", NNC_CACHE_DIR=str(self.cache if cache is None else cache), **(env or {}))
        out = self.dir / "y.npy"
        run = subprocess.run([NNC, "run", str(model), "--output", str(out), *args], capture_output=True, text=True,
                             env=environment, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout, out.read_bytes()

    def entries(self):
        return sorted(p for p in self.cache.iterdir() if p.suffix == ".o") if self.cache.exists() else []

    def test_second_compile_loads_the_same_code(self):
        first, first_out = self.run_model(LENET)
        self.assertNotIn(FROM_CACHE, first)
        self.assertEqual(len(self.entries()), 1)
        second, second_out = self.run_model(LENET)
        self.assertIn(FROM_CACHE, second)
        self.assertEqual(second_out, first_out, "cached machine code must compute the same bits")
        uncached, uncached_out = self.run_model(LENET, cache="")
        self.assertNotIn(FROM_CACHE, uncached)
        self.assertEqual(uncached_out, first_out)
        # Another model, or the same one on another input shape, is another entry.
        self.run_model(CONV_POOL)
        self.assertEqual(len(self.entries()), 2)

    def test_bench_loads_what_run_compiled(self):
        # The LLVM module must be the same bytes in every process: alias scopes once followed buffer addresses,
        # which differ between `run` and `bench`.
        env = dict(os.environ, NNC_CACHE_DIR=str(self.cache))
        for model in (CONV_POOL, MOBILENET_V2):
            with self.subTest(model=model.name):
                self.run_model(model)
                bench = subprocess.run([NNC, "bench", str(model), "--format", "json", "--runs", "2"], capture_output=True,
                                       text=True, env=env, check=True, timeout=300)
                self.assertTrue(json.loads(bench.stdout)["compile_cached"])

    def test_damaged_entries_are_compiled_again(self):
        _, want = self.run_model(CONV_POOL)
        [entry] = self.entries()
        intact = entry.read_bytes()
        for damaged in (intact[:-1] + bytes([intact[-1] ^ 1]), intact[: len(intact) // 2], b"", b"\x7fELF" + intact[4:]):
            entry.write_bytes(damaged)
            out, got = self.run_model(CONV_POOL)
            self.assertNotIn(FROM_CACHE, out)
            self.assertEqual(got, want)
            self.assertEqual(entry.read_bytes(), intact, "the damaged entry is replaced")

    def test_a_cache_that_cannot_be_written_changes_only_speed(self):
        blocker = self.dir / "a-file"
        blocker.write_text("not a directory\n")
        for cache in (blocker, blocker / "below"):
            out, _ = self.run_model(CONV_POOL, cache=cache)
            self.assertNotIn(FROM_CACHE, out)
        self.assertEqual(blocker.read_text(), "not a directory\n")
        if os.geteuid() != 0:  # root writes anywhere
            self.cache.mkdir()
            self.cache.chmod(0o500)
            self.addCleanup(self.cache.chmod, 0o700)
            self.run_model(CONV_POOL)
            self.assertEqual(self.entries(), [])

    def test_empty_cache_dir_writes_nothing(self):
        home = self.dir / "home"
        home.mkdir()
        out, _ = self.run_model(CONV_POOL, cache="", env={"HOME": str(home), "XDG_CACHE_HOME": str(home / "xdg")})
        self.assertNotIn(FROM_CACHE, out)
        self.assertEqual(list(home.iterdir()), [])

    def test_least_recently_used_entries_go_first(self):
        self.cache.mkdir()
        old = [self.cache / (f"{i:064x}.o") for i in range(3)]
        kept = self.cache / "notes.txt"  # not an entry: never removed
        for i, path in enumerate(old):
            path.write_bytes(b"x" * (600 << 10))
            os.utime(path, (time.time() - 1000 + i, time.time() - 1000 + i))
        kept.write_bytes(b"y" * (2 << 20))
        os.utime(old[2], None)  # used just now
        self.run_model(CONV_POOL, env={"NNC_CACHE_SIZE_MB": "1"})
        names = {p.name for p in self.cache.iterdir()}
        self.assertNotIn(old[0].name, names)
        self.assertNotIn(old[1].name, names)
        self.assertIn(old[2].name, names)
        self.assertIn(kept.name, names)
        self.assertEqual(len(self.entries()), 2, "the new entry and the one used last")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--nnc", required=True)
    args, rest = parser.parse_known_args()
    NNC = args.nnc
    unittest.main(argv=[sys.argv[0], *rest])
