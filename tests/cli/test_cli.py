#!/usr/bin/env python3
"""The command line's contract (model-format.md section 3), through the real binary: exit
statuses, many files per run, `--format json` and `--format github`, colour, and no files written.

    test_cli.py --nnc build/bin/nnc --examples examples [unittest arguments]
"""

import argparse
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

NNC = ""
EXAMPLES = ""

ANSI = re.compile(rb"\x1b\[[0-9;]*m")

BAD_MODEL = """\
# Two errors: in_features disagrees with the flattened conv output, and a layer reads a name
# that does not exist.
input:
  shape: [1, 1, 28, 28]
layers:
  - op: conv2d
    out_channels: 4
    kernel_size: 5
  - op: flatten
  - op: linear
    in_features: 500
    out_features: 10
  - op: relu
    input: nowhere
"""


def run(*args, env=None, cwd=None):
    """Runs nnc with NO_COLOR unset unless `env` sets it; returns (status, stdout, stderr) as bytes."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env or {})
    proc = subprocess.run([NNC, *args], capture_output=True, env=environment, cwd=cwd, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def run_in_terminal(*args, env=None):
    """Runs nnc with stdout and stderr on a pseudo-terminal; returns (status, output)."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env or {})
    master, slave = pty.openpty()
    proc = subprocess.Popen([NNC, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=environment)
    os.close(slave)
    output = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closes when nnc exits
            break
        if not data:
            break
        output += data
    os.close(master)
    return proc.wait(timeout=30), output


class Files(unittest.TestCase):
    """A temporary directory with an ok, a warning-only and a broken model, and a directory."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nnc-cli-")
        self.ok = os.path.join(self.dir, "conv_pool.yaml")
        self.warn = os.path.join(self.dir, "inexact.yaml")
        self.bad = os.path.join(self.dir, "bad.yaml")
        self.missing = os.path.join(self.dir, "missing.yaml")
        self.subdir = os.path.join(self.dir, "models.yaml")
        shutil.copyfile(os.path.join(EXAMPLES, "conv_pool.yaml"), self.ok)
        shutil.copyfile(os.path.join(EXAMPLES, "conv_7x7_stride2_inexact.yaml"), self.warn)
        with open(self.bad, "w") as f:
            f.write(BAD_MODEL)
        os.mkdir(self.subdir)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def check_json(self, *args):
        status, out, err = run("check", "--format", "json", *args)
        return status, json.loads(out)


class ExitStatus(Files):
    def test_ok_model_is_0(self):
        self.assertEqual(run("check", self.ok)[0], 0)

    def test_warnings_are_0(self):
        status, out, _ = run("check", self.warn)
        self.assertEqual(status, 0)
        self.assertIn(b"warning:", out)

    def test_warnings_with_strict_are_1(self):
        self.assertEqual(run("check", "--strict", self.warn)[0], 1)
        self.assertEqual(run("check", "--strict", self.ok)[0], 0)

    def test_errors_are_1(self):
        self.assertEqual(run("check", self.bad)[0], 1)
        self.assertEqual(run("check", "--strict", self.bad)[0], 1)
        self.assertEqual(run("check", self.ok, self.bad)[0], 1)

    def test_missing_file_is_2(self):
        status, out, _ = run("check", self.missing)
        self.assertEqual(status, 2)
        self.assertIn(b"[io-error]", out)

    def test_directory_is_2(self):
        status, out, _ = run("check", self.subdir)
        self.assertEqual(status, 2)
        self.assertIn(b"directory", out)

    @unittest.skipIf(os.geteuid() == 0, "root reads files without read permission")
    def test_unreadable_file_is_2(self):
        os.chmod(self.ok, 0)
        self.assertEqual(run("check", self.ok)[0], 2)

    def test_unreadable_file_wins_over_errors_and_the_rest_is_still_checked(self):
        status, out, _ = run("check", self.bad, self.missing, self.warn)
        self.assertEqual(status, 2)
        self.assertIn(b"[in-features-mismatch]", out)
        self.assertIn(b"[inexact-window]", out)

    def test_bad_usage_is_2(self):
        for args in (["check", "--bogus", self.ok], ["check", "--format", "xml", self.ok],
                     ["check", "--color", "sometimes", self.ok], ["check"], ["frobnicate"], [],
                     ["summary"], ["summary", self.ok, self.ok]):
            with self.subTest(args=args):
                status, out, err = run(*args)
                self.assertEqual(status, 2)
                self.assertTrue(err, "a usage error says what is wrong on stderr")

    def test_help_and_version_are_0(self):
        for args in (["--help"], ["--version"], ["check", "--help"], ["summary", "--help"]):
            with self.subTest(args=args):
                status, out, _ = run(*args)
                self.assertEqual(status, 0)
                self.assertTrue(out)
        self.assertRegex(run("--version")[1].decode(), r"^nnc \d+\.\d+\.\d+")

    def test_summary_statuses(self):
        status, out, _ = run("summary", self.ok)
        self.assertEqual(status, 0)
        self.assertIn(b"[1, 5, 12, 12]", out)
        self.assertEqual(run("summary", self.bad)[0], 1)
        self.assertEqual(run("summary", self.missing)[0], 2)


class ManyFiles(Files):
    def test_each_file_is_reported_in_order(self):
        status, out, _ = run("check", "--color", "never", self.warn, self.ok, self.bad)
        self.assertEqual(status, 1)
        text = out.decode()
        self.assertIn(f"{self.warn}:11:5: warning:", text)
        self.assertIn(f"{self.bad}:11:5: error:", text)
        self.assertIn(f"{self.bad}:14:5: error:", text)
        self.assertLess(text.index(self.warn), text.index(self.bad))
        self.assertTrue(text.endswith("checked 3 files: 2 errors, 1 warning, 1 failed\n"), text)

    def test_json_lists_every_file_in_order(self):
        status, doc = self.check_json(self.bad, self.ok, self.missing, self.warn)
        self.assertEqual(status, 2)
        self.assertEqual([f["file"] for f in doc["files"]], [self.bad, self.ok, self.missing, self.warn])
        self.assertEqual([f["ok"] for f in doc["files"]], [False, True, False, True])

    def test_a_hundred_files_in_one_run(self):
        start = time.monotonic()
        status, doc = self.check_json(*[self.ok] * 50, *[self.warn] * 50)
        self.assertEqual(status, 0)
        self.assertEqual(len(doc["files"]), 100)
        self.assertLess(time.monotonic() - start, 5)


class Json(Files):
    DIAGNOSTIC_KEYS = {"severity", "code", "line", "column", "message", "help"}
    LAYER_KEYS = {"name", "op", "shape", "params", "macs"}

    def assert_structure(self, doc):
        # The contract's keys; `summary` and each file's `input` and `emit_name` are nnc's documented extensions.
        self.assertEqual(set(doc), {"files", "summary"})
        for f in doc["files"]:
            self.assertLessEqual({"file", "ok", "diagnostics"}, set(f))
            self.assertLessEqual(set(f), {"file", "ok", "diagnostics", "layers", "output", "input", "emit_name"})
            if "emit_name" in f:
                self.assertRegex(f["emit_name"], r"^[A-Za-z][A-Za-z0-9_]*$")
            self.assertIsInstance(f["file"], str)
            self.assertIsInstance(f["ok"], bool)
            for d in f["diagnostics"]:
                self.assertEqual(set(d), self.DIAGNOSTIC_KEYS)
                self.assertIn(d["severity"], ("error", "warning"))
                self.assertRegex(d["code"], r"^[a-z0-9]+(-[a-z0-9]+)*$")
                self.assertIsInstance(d["line"], int)
                self.assertIsInstance(d["column"], int)
                self.assertTrue(d["message"])
                self.assertIsInstance(d["help"], str)
            for layer in f.get("layers", []):
                self.assertEqual(set(layer), self.LAYER_KEYS)
                self.assertTrue(all(isinstance(n, int) for n in layer["shape"]))
            if "output" in f:
                self.assertEqual(set(f["output"]), {"name", "shape"})

    def test_conv_pool(self):
        status, doc = self.check_json(self.ok)
        self.assertEqual(status, 0)
        self.assert_structure(doc)
        (f,) = doc["files"]
        self.assertEqual(f["file"], self.ok)
        self.assertTrue(f["ok"])
        self.assertEqual(f["emit_name"], "conv_pool")
        self.assertEqual(f["diagnostics"], [])
        self.assertEqual(f["layers"], [
            {"name": "0", "op": "conv2d", "shape": [1, 5, 24, 24], "params": 130, "macs": 72000},
            {"name": "1", "op": "maxpool2d", "shape": [1, 5, 12, 12], "params": 0, "macs": 0},
        ])
        self.assertEqual(f["output"], {"name": "1", "shape": [1, 5, 12, 12]})

    def test_warnings_and_strict(self):
        _, doc = self.check_json(self.warn)
        self.assert_structure(doc)
        (f,) = doc["files"]
        self.assertTrue(f["ok"])
        (d,) = f["diagnostics"]
        self.assertEqual((d["severity"], d["code"], d["line"], d["column"]), ("warning", "inexact-window", 11, 5))
        self.assertIn("stride 3", d["help"])
        self.assertEqual(f["output"]["shape"], [1, 1, 29, 29])
        status, doc = self.check_json("--strict", self.warn)
        self.assertEqual(status, 1)
        self.assertFalse(doc["files"][0]["ok"])

    def test_errors(self):
        status, doc = self.check_json(self.bad)
        self.assertEqual(status, 1)
        self.assert_structure(doc)
        (f,) = doc["files"]
        self.assertFalse(f["ok"])
        self.assertEqual([(d["severity"], d["code"], d["line"], d["column"]) for d in f["diagnostics"]],
                         [("error", "in-features-mismatch", 11, 5), ("error", "unknown-layer", 14, 5)])
        self.assertIn("in_features: 2304", f["diagnostics"][0]["help"])
        self.assertNotIn("output", f, "the output's shape is unknown when a layer it reads fails")

    def test_unreadable_and_binary_files_still_give_one_document(self):
        junk = self.write("junk.yaml", bytes(range(256)) * 4)
        latin1 = self.write("latin1.yaml", b"input:\n  shape: [1, 4]\nlayers:\n  - op: r\xe9lu\n")
        status, doc = self.check_json(self.missing, self.subdir, junk, latin1)
        self.assertEqual(status, 2)
        self.assert_structure(doc)
        self.assertEqual([f["diagnostics"][0]["code"] for f in doc["files"]],
                         ["io-error", "io-error", "yaml-syntax", "unknown-op"])

    def test_aliases_cannot_blow_up_the_reader(self):
        # A few kilobytes whose aliases name a thousand-entry list thousands of times.
        names = ", ".join(["input"] * 1000)
        model = f"input: {{shape: [1, 4]}}\nx: &x [{names}]\nlayers:\n" + "  - {op: add, inputs: *x}\n" * 3000
        start = time.monotonic()
        status, doc = self.check_json(self.write("bomb.yaml", model.encode()))
        self.assertEqual(status, 1)
        self.assertIn("alias-expansion", [d["code"] for d in doc["files"][0]["diagnostics"]])
        self.assertLess(time.monotonic() - start, 10)


class Github(Files):
    LINE = re.compile(r"^::(error|warning) file=([^,:]*)(?:,line=(\d+),col=(\d+))?,title=nnc [a-z0-9-]+::(.*)$")

    def test_one_annotation_per_diagnostic(self):
        status, out, _ = run("check", "--format", "github", self.bad, self.warn)
        self.assertEqual(status, 1)
        lines = out.decode().splitlines()
        _, doc = self.check_json(self.bad, self.warn)
        expected = [(d["severity"], f["file"], str(d["line"]), str(d["column"]))
                    for f in doc["files"] for d in f["diagnostics"]]
        got = []
        for line in lines:
            m = self.LINE.match(line)
            self.assertIsNotNone(m, line)
            got.append(m.group(1, 2, 3, 4))
        self.assertEqual(got, expected)

    def test_escaping(self):
        # GitHub's workflow commands: %, CR and LF escaped everywhere, and ',' and ':' in properties.
        path = self.write("odd,name:100%.yaml", b"input:\n  shape: [1, 4]\nlayers:\n  - op: relu\n    name: 'x%y'\n"
                                                  b"  - op: relu\n    input: 'a,b:c'\n")
        status, out, _ = run("check", "--format", "github", path)
        self.assertEqual(status, 1)
        text = out.decode()
        self.assertIn("file=" + path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A") + ",line=", text)
        self.assertIn("'a,b:c'", text)
        self.assertIn("x%25y", text)
        self.assertIn("%0Ahelp: ", text)
        for line in text.splitlines():
            self.assertRegex(line, self.LINE)
            self.assertNotRegex(line.split("::", 2)[2], r"%(?!25|0A|0D)")

    def test_io_error_annotation_has_no_position(self):
        status, out, _ = run("check", "--format", "github", self.missing)
        self.assertEqual(status, 2)
        m = self.LINE.match(out.decode().strip())
        self.assertIsNotNone(m)
        self.assertIsNone(m.group(3))


class Colour(Files):
    def test_no_colour_when_piped(self):
        for env in ({}, {"NO_COLOR": "1"}):
            with self.subTest(env=env):
                out = run("check", self.bad, self.warn, env=env)[1]
                self.assertIn(b"error:", out)
                self.assertNotIn(b"\x1b", out)

    def test_colour_always(self):
        out = run("check", "--color", "always", self.bad)[1]
        self.assertRegex(out, ANSI)
        self.assertEqual(ANSI.sub(b"", out), run("check", "--color", "never", self.bad)[1])

    def test_colour_on_a_terminal_unless_no_color(self):
        status, out = run_in_terminal("check", self.bad)
        self.assertEqual(status, 1)
        self.assertRegex(out, ANSI)
        for args, env in ((["check", self.bad], {"NO_COLOR": "1"}), (["check", "--color", "never", self.bad], {})):
            with self.subTest(args=args, env=env):
                status, out = run_in_terminal(*args, env=env)
                self.assertEqual(status, 1)
                self.assertIn(b"error:", out)
                self.assertNotIn(b"\x1b", out)

    def test_json_and_github_never_have_colour(self):
        for fmt in ("json", "github"):
            with self.subTest(format=fmt):
                self.assertNotIn(b"\x1b", run_in_terminal("check", "--format", fmt, self.bad)[1])

    def test_control_characters_from_the_file_are_not_echoed(self):
        path = self.write("esc.yaml", b"input:\n  shape: [1, 4]\nlayers:\n  - op: \"\\e[31mrelu\"\n")
        out = run("check", "--color", "never", path)[1]
        self.assertIn(b"[unknown-op]", out)
        self.assertNotIn(b"\x1b", out)


class NothingWritten(Files):
    def snapshot(self, top):
        found = {}
        for dirpath, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                found[os.path.relpath(path, top)] = (st.st_size, st.st_mtime_ns, st.st_mode)
        return found

    def test_check_and_summary_write_no_files(self):
        models = os.path.join(self.dir, "examples")
        shutil.copytree(EXAMPLES, models)
        work = os.path.join(self.dir, "cwd")
        os.mkdir(work)
        before = self.snapshot(self.dir)
        files = [os.path.join(models, n) for n in sorted(os.listdir(models))] + [self.bad, self.missing]
        for fmt in ("text", "json", "github"):
            run("check", "--format", fmt, "--strict", *files, cwd=work)
        run("summary", os.path.join(models, "conv_pool.yaml"), cwd=work)
        run("summary", self.bad, cwd=work)
        self.assertEqual(self.snapshot(self.dir), before)


def main():
    global NNC, EXAMPLES
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--examples", required=True)
    args, rest = parser.parse_known_args()
    NNC, EXAMPLES = os.path.abspath(args.nnc), os.path.abspath(args.examples)
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
