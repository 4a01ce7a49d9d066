"""The files nnc reads and writes, when they are not what a careful user gives it (issue 9, items 3, 7, 13, 14, 15).

Reading: only regular files, never blocking on a FIFO, sizes a header claims checked against the file before
reading, and nothing of a file's content echoed. Writing: regular files replaced whole or not at all (every file of a
command together), through symlinks, keeping their mode; devices and FIFOs written to, never replaced. Empty paths
refused.

This runs as root on the test machines: no test here writes to the real /dev/null, and the last one checks that it
is still a character device.
"""
import io
import json
import os
import resource
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import unittest

import numpy as np

import hostile
from hostile import Scratch, nnc, main, REPO

sys.path.insert(0, str(REPO / "tests" / "torch"))
import tensor_files  # noqa: E402

USAGE = 2
MODEL = """name: tiny
input: {shape: [1, 4]}
layers:
  - {op: linear, out_features: 3}
"""
PARAMS = {"0.weight": np.arange(12, dtype=np.float32).reshape(3, 4) / 10, "0.bias": np.ones(3, np.float32)}
SECRET = "SECRET-9f3a1c-TOKEN"


def stderr_of(run):
    return run.stderr.decode(errors="replace")


def kind(path):
    """'regular', 'symlink', 'fifo', 'chr', 'dir', 'socket' or 'missing' for `path` itself."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    for name, test in (("symlink", stat.S_ISLNK), ("regular", stat.S_ISREG), ("fifo", stat.S_ISFIFO),
                       ("chr", stat.S_ISCHR), ("dir", stat.S_ISDIR), ("socket", stat.S_ISSOCK)):
        if test(mode):
            return name
    return "other"


class FifoReader:
    """Reads everything written to a FIFO, in a thread, from before nnc starts until nnc closes it."""

    def __init__(self, path):
        self.data = b""
        self.thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self.thread.start()

    def _read(self, path):
        with open(path, "rb") as f:  # waits here for nnc to open the FIFO for writing
            self.data = f.read()

    def result(self):
        self.thread.join(hostile.TIMEOUT_S)
        return self.data


def nnc_with_file_size_limit(limit, *args):
    """nnc where no file may grow beyond `limit` bytes: writes past it fail (EFBIG), as on a full disk."""

    def limit_writes():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the process is killed instead of seeing the error
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([hostile.NNC, *map(str, args)], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=hostile.TIMEOUT_S, preexec_fn=limit_writes)


class Files(Scratch):
    """A scratch directory with a tiny model (m.yaml), its weights (w.safetensors) and an input (x.npy)."""

    def setUp(self):
        super().setUp()
        self.model = self.write("m.yaml", MODEL)
        self.weights = self.dir / "w.safetensors"
        tensor_files.write_safetensors(self.weights, PARAMS)
        self.input = self.dir / "x.npy"
        np.save(self.input, np.full((1, 4), 0.5, np.float32))

    def fifo(self, name):
        path = self.dir / name
        os.mkfifo(path)
        return path

    def loops(self):
        """What `nnc emit --emit loops` prints for the model."""
        run = nnc("emit", self.model, "--emit", "loops")
        self.assert_status(run, 0)
        return run.stdout

    def assert_refused(self, run, *needles):
        """Exit 2 with each needle in the messages (`nnc check` reports on stdout, the others on stderr)."""
        self.assert_status(run, USAGE)
        for needle in needles:
            self.assertIn(needle, (run.stdout or b"").decode(errors="replace") + stderr_of(run))


class ReadingSpecialFiles(Files):
    """Item 15 and item 7: a FIFO, a device or a directory is refused at once, wherever nnc reads a file."""

    def test_a_fifo_as_the_model_is_refused_without_blocking(self):
        fifo = self.fifo("model.yaml")
        for command in (["check"], ["summary"], ["run"], ["emit", "--emit", "loops"], ["bench", "--runs", "1"]):
            with self.subTest(command[0]):
                run = nnc(command[0], fifo, *command[1:])
                self.assert_refused(run, f"cannot read '{fifo}': it is a FIFO, not a regular file")
        # The good file beside it is still checked.
        run = nnc("check", fifo, self.model, "--format", "json")
        self.assert_status(run, USAGE)
        self.assertEqual([f["ok"] for f in json.loads(run.stdout)["files"]], [False, True])

    def test_a_fifo_with_a_writer_is_refused_too(self):
        fifo = self.fifo("model.yaml")
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer is there, and the text is waiting in the pipe
        self.addCleanup(os.close, fd)
        os.write(fd, MODEL.encode())
        self.assert_refused(nnc("check", fifo), "it is a FIFO, not a regular file")

    def test_devices_and_directories_as_the_model(self):
        for path, what in (("/dev/zero", "a character device"), ("/dev/urandom", "a character device"),
                           (self.dir, "a directory")):
            with self.subTest(path):
                self.assert_refused(nnc("check", path), f"it is {what}, not a regular file")
        # /dev/stdin: here a character device (nnc's stdin is /dev/null), then a pipe holding a model.
        self.assert_refused(nnc("check", "/dev/stdin"), "it is a character device, not a regular file")
        run = subprocess.run([hostile.NNC, "check", "/dev/stdin"], input=MODEL.encode(), capture_output=True,
                             timeout=hostile.TIMEOUT_S)
        self.assert_refused(run, "it is a FIFO, not a regular file")

    def test_special_files_as_weights_and_input(self):
        fifo = self.fifo("pipe")
        for path, what in (("/dev/zero", "a character device"), ("/dev/urandom", "a character device"),
                           (fifo, "a FIFO"), (self.dir, "a directory"), ("/", "a directory")):
            for option in ("--weights", "--input"):
                with self.subTest(path=str(path), option=option):
                    run = nnc("run", self.model, option, path)
                    self.assert_refused(run, f"cannot read '{path}': it is {what}, not a regular file")
            with self.subTest(path=str(path), option="emit --weights"):
                run = nnc("emit", self.model, "--emit", "cpp", "-o", self.dir / "out", "--weights", path)
                self.assert_refused(run, f"it is {what}, not a regular file")
                self.assertFalse((self.dir / "out" / "tiny.cpp").exists())

    def test_special_files_named_by_weights_in_the_model(self):
        fifo = self.fifo("pipe")
        for weights, what in (("/dev/zero", "a character device"), ("pipe", "a FIFO"), ("../..", "a directory"),
                              (".", "a directory")):
            with self.subTest(weights):
                model = self.write("named.yaml", MODEL + f"weights: {weights}\n")
                for command in (["run"], ["emit", "--emit", "cpp", "-o", self.dir / "out"]):
                    run = nnc(command[0], model, *command[1:])
                    self.assert_refused(run, f"it is {what}, not a regular file")
        self.assertEqual(kind(fifo), "fifo")


class ReadingWithoutEcho(Files):
    """Item 7: a file that is not safetensors (or .npy) is refused without printing anything of its content."""

    def assert_no_echo(self, run, content):
        self.assert_status(run, USAGE)
        err = stderr_of(run)
        self.assertNotIn(SECRET, err)
        if len(content) >= 8:
            self.assertNotIn(str(int.from_bytes(content[:8], "little")), err)
        for line in content.decode(errors="replace").splitlines():
            if len(line) > 4:
                self.assertNotIn(line, err)

    def test_a_text_file_as_weights(self):
        content = f"root:{SECRET}:19000:0:99999:7:::\nuser:x:1000\n".encode()
        secret = self.write("secret", content)
        self.assert_no_echo(nnc("run", self.model, "--weights", secret), content)
        model = self.write("named.yaml", MODEL + "weights: secret\n")
        run = nnc("run", model)
        self.assert_no_echo(run, content)
        self.assertIn("not a safetensors file", stderr_of(run))

    def test_system_files_as_weights(self):
        for path in ("/etc/shadow", "/etc/passwd", "/etc/hostname", "/proc/self/environ", "/proc/self/cmdline"):
            if not os.path.exists(path):
                continue
            with self.subTest(path):
                with open(path, "rb") as f:
                    content = f.read()
                model = self.write("named.yaml", MODEL + f"weights: {path}\n")
                self.assert_no_echo(nnc("run", model), content)

    def test_a_small_header_size_followed_by_text(self):
        """Past the size check, a JSON error must not quote the text either."""
        for text in (f"{{{SECRET}", f'{{"{SECRET}": ', f'{{"a": {SECRET}}}', f'{{"a": [1, {SECRET}'):
            with self.subTest(text):
                body = text.encode()
                content = struct.pack("<Q", len(body)) + body
                weights = self.write("w2.safetensors", content)
                run = nnc("run", self.model, "--weights", weights)
                self.assert_status(run, USAGE)
                self.assertIn("invalid JSON header", stderr_of(run))
                self.assertNotIn(SECRET, stderr_of(run))

    def test_a_text_file_as_input(self):
        content = f"{SECRET}\nmore text here\n".encode()
        secret = self.write("secret.npy", content)
        run = nnc("run", self.model, "--input", secret)
        self.assert_no_echo(run, content)
        self.assertIn("not a .npy file", stderr_of(run))


class ClaimedSizes(Files):
    """Item 7: a header's claims are checked against the file's real size before anything is read; a file far larger
    than its header says (sparse here, so the disk is not filled) is refused at once, not read into memory."""

    HUGE = 1 << 40

    def assert_refused_unread(self, run, header_message):
        """Refused without reading the file: by the header check (exit 2), or first by the memory check, which counts
        the file's size as if it were valid (exit 1)."""
        self.assertIn(run.returncode, (1, 2), stderr_of(run))
        expected = header_message if run.returncode == 2 else "of memory, more than"
        self.assertIn(expected, stderr_of(run))
        self.assertNotIn("out of memory", stderr_of(run))

    def sparse(self, name, head, size):
        path = self.dir / name
        with open(path, "wb") as f:
            f.write(head)
            f.truncate(size)
        return path

    def test_safetensors_much_larger_than_its_header_says(self):
        good = tensor_files.safetensors_bytes(PARAMS)
        weights = self.sparse("big.safetensors", good, self.HUGE)
        run = nnc("run", self.model, "--weights", weights)
        self.assert_refused_unread(run, "the tensors cover 60 bytes, but the data section has")

    def test_safetensors_header_claiming_more_than_the_file(self):
        good = tensor_files.safetensors_bytes(PARAMS)
        for size in (len(good) - 7, 1 << 20, 100_000_000):
            with self.subTest(size):
                weights = self.write("claims.safetensors", struct.pack("<Q", size) + good[8:])
                self.assert_refused(nnc("run", self.model, "--weights", weights), "truncated, or not a safetensors file")

    def test_npy_much_larger_than_its_header_says(self):
        head = io.BytesIO()
        np.save(head, np.zeros((1, 4), np.float32))
        x = self.sparse("big.npy", head.getvalue(), self.HUGE)
        run = nnc("run", self.model, "--input", x)
        self.assert_refused_unread(run, "bytes of trailing garbage")

    def test_npy_header_claiming_more_than_the_file(self):
        head = io.BytesIO()
        np.save(head, np.zeros((1, 4), np.float32))
        good = head.getvalue()
        for length, needle in ((0xFFFF, "truncated: the header length says 65535 bytes"),):
            with self.subTest(length):
                x = self.write("claims.npy", good[:8] + struct.pack("<H", length) + good[10:])
                self.assert_refused(nnc("run", self.model, "--input", x), needle)
        v2 = b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{"
        self.assert_refused(nnc("run", self.model, "--input", self.write("v2.npy", v2)),
                            "truncated: the header length says 4294967280 bytes, but only 1 bytes follow it")

    def test_a_huge_model_file(self):
        model = self.sparse("huge.yaml", MODEL.encode(), self.HUGE)
        self.assert_refused(nnc("check", model), "too large for a model file")


class RelativeWeights(Files):
    """Item 7: `weights:` is relative to the model file, wherever nnc runs."""

    def test_weights_beside_and_above_the_model(self):
        (self.dir / "models").mkdir()
        (self.dir / "models" / "w.safetensors").write_bytes(self.weights.read_bytes())
        for weights in ("w.safetensors", "../w.safetensors", str(self.weights)):
            with self.subTest(weights):
                model = self.dir / "models" / "m.yaml"
                model.write_text(MODEL + f"weights: {weights}\n")
                run = nnc("run", model, "--input", self.input, "--output", self.dir / "y.npy", cwd="/")
                self.assert_status(run, 0)
                want = PARAMS["0.weight"] @ np.full(4, 0.5, np.float32) + 1
                np.testing.assert_allclose(np.load(self.dir / "y.npy")[0], want, rtol=1e-6)


class EmptyPaths(Files):
    """Item 14: an empty path is a usage error, never "not given"."""

    def test_empty_path_options(self):
        out = self.dir / "out"
        cases = {
            "run --output": ["run", self.model, "--output", ""],
            "run --output=": ["run", self.model, "--output="],
            "run --weights": ["run", self.model, "--weights", ""],
            "run --input": ["run", self.model, "--input", ""],
            "bench --weights": ["bench", self.model, "--weights", "", "--runs", "1"],
            "bench --input": ["bench", self.model, "--input", "", "--runs", "1"],
            "emit -o": ["emit", self.model, "--emit", "loops", "-o", ""],
            "emit --output": ["emit", self.model, "--emit", "llvm", "--output", ""],
            "emit cpp -o": ["emit", self.model, "--emit", "cpp", "-o", ""],
            "emit obj -o": ["emit", self.model, "--emit", "obj", "-o", ""],
            "emit --weights": ["emit", self.model, "--emit", "cpp", "-o", out, "--weights", ""],
            "check": ["check", ""],
            "check among files": ["check", self.model, ""],
            "summary": ["summary", ""],
            "run model": ["run", ""],
            "emit model": ["emit", "", "--emit", "loops"],
        }
        for what, args in cases.items():
            with self.subTest(what):
                run = nnc(*args)
                self.assert_status(run, USAGE)
                # `--output=` is CLI11's own "1 required TEXT missing".
                self.assertRegex(stderr_of(run), "the path is empty|--output: 1 required TEXT missing")
                self.assertEqual(run.stdout, b"")
        self.assertFalse(out.exists())

    def test_an_empty_weights_path_in_the_model(self):
        for value in ('""', "''"):
            with self.subTest(value):
                model = self.write("empty.yaml", MODEL + f"weights: {value}\n")
                for command in (["check"], ["run"]):
                    run = nnc(*command, model)
                    self.assert_status(run, 1)
                    self.assertIn("weights is an empty path [bad-value]", run.stdout.decode() + stderr_of(run))


class WritingDevicesAndFifos(Files):
    """Item 3: a character device or a FIFO given as an output is written to, never replaced."""

    def test_dev_full_reports_a_full_disk_and_stays_a_device(self):
        cases = {
            "emit loops": ["emit", self.model, "--emit", "loops", "-o", "/dev/full"],
            "emit llvm": ["emit", self.model, "--emit", "llvm", "-o", "/dev/full"],
            "run --output": ["run", self.model, "--output", "/dev/full"],
        }
        for what, args in cases.items():
            with self.subTest(what):
                run = nnc(*args)
                self.assert_refused(run, "cannot write '/dev/full': No space left on device")
                self.assertEqual(kind("/dev/full"), "chr")
        for what in ("cpp", "obj"):  # these take a directory
            with self.subTest(what):
                self.assert_status(nnc("emit", self.model, "--emit", what, "-o", "/dev/full"), USAGE)
                self.assertEqual(kind("/dev/full"), "chr")

    def test_a_symlink_to_dev_full(self):
        link = self.dir / "out.ll"
        link.symlink_to("/dev/full")
        self.assert_refused(nnc("emit", self.model, "--emit", "loops", "-o", link), "No space left on device")
        self.assertEqual(kind(link), "symlink")
        self.assertEqual(kind("/dev/full"), "chr")

    def test_standard_output_on_a_full_disk(self):
        for args in (["emit", self.model, "--emit", "loops"], ["emit", self.model, "--emit", "llvm", "-o", "-"],
                     ["check", self.model, "--format", "json"], ["summary", self.model]):
            with self.subTest(args[0]), open("/dev/full", "wb") as full:
                run = subprocess.run([hostile.NNC, *map(str, args)], stdout=full, stderr=subprocess.PIPE,
                                     timeout=hostile.TIMEOUT_S)
                self.assert_refused(run, "cannot write to standard output")

    def test_a_fifo_nobody_reads_is_refused_at_once(self):
        fifo = self.fifo("out")
        for args in (["emit", self.model, "--emit", "loops", "-o", fifo], ["run", self.model, "--output", fifo]):
            with self.subTest(args[0]):
                self.assert_refused(nnc(*args), f"cannot write '{fifo}': it is a FIFO that no process is reading")
                self.assertEqual(kind(fifo), "fifo")

    def test_a_fifo_with_a_reader_gets_the_output(self):
        fifo = self.fifo("out")
        want = self.loops()
        reader = FifoReader(fifo)
        # nnc may start before the reader has opened the FIFO; then it is refused and tried again.
        for _ in range(200):
            run = nnc("emit", self.model, "--emit", "loops", "-o", fifo)
            if run.returncode == 0:
                break
            self.assertIn("no process is reading", stderr_of(run))
        self.assert_status(run, 0)
        self.assertEqual(reader.result(), want)
        self.assertEqual(kind(fifo), "fifo")

    def test_run_output_into_a_fifo(self):
        fifo = self.fifo("y.npy")
        reader = FifoReader(fifo)
        for _ in range(200):
            run = nnc("run", self.model, "--weights", self.weights, "--input", self.input, "--output", fifo)
            if run.returncode == 0:
                break
        self.assert_status(run, 0)
        y = np.load(io.BytesIO(reader.result()))
        np.testing.assert_allclose(y[0], PARAMS["0.weight"] @ np.full(4, 0.5, np.float32) + 1, rtol=1e-6)
        self.assertEqual(kind(fifo), "fifo")

    def test_a_private_null_device_stays_a_device(self):
        """A character device node of our own (as /dev/null is): if nnc replaced it, only this one is lost."""
        null = self.dir / "null"
        try:
            os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            self.skipTest("cannot create device nodes here")
        link = self.dir / "null-link"
        link.symlink_to(null)
        for target in (null, link):
            for args in (["emit", self.model, "--emit", "loops", "-o", target],
                         ["emit", self.model, "--emit", "asm", "-o", target],
                         ["run", self.model, "--output", target]):
                with self.subTest(target=target.name, command=args[0]):
                    self.assert_status(nnc(*args), 0)
                    self.assertEqual(kind(null), "chr")
                    self.assertEqual(kind(link), "symlink")
        self.assertEqual(sorted(os.listdir(self.dir)), sorted(["m.yaml", "w.safetensors", "x.npy", "null", "null-link"]))

    def test_directories_and_sockets_are_refused(self):
        directory = self.dir / "d"
        directory.mkdir()
        (directory / "keep").write_text("kept")
        sock_path = self.dir / "sock"
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(str(sock_path))
        for target, what in ((directory, "a directory"), (sock_path, "a socket")):
            for args in (["emit", self.model, "--emit", "loops", "-o", target], ["run", self.model, "--output", target]):
                with self.subTest(what=what, command=args[0]):
                    self.assert_refused(nnc(*args), f"it is {what}, not a regular file, a character device or a FIFO")
        self.assertEqual((directory / "keep").read_text(), "kept")
        self.assertEqual(kind(sock_path), "socket")


class WritingRegularFiles(Files):
    """Item 3: regular files are replaced whole, keep their mode, and symlinks to them stay symlinks."""

    def test_an_existing_files_mode_is_kept(self):
        for mode in (0o600, 0o640, 0o755, 0o444):
            for what, args, name in (("emit", ["emit", self.model, "--emit", "loops", "-o"], "out.txt"),
                                     ("run", ["run", self.model, "--output"], "y.npy")):
                with self.subTest(mode=oct(mode), command=what):
                    out = self.write(name, "old")
                    os.chmod(out, mode)
                    self.assert_status(nnc(*args, out), 0)
                    self.assertNotEqual(out.read_bytes(), b"old")
                    self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), mode)

    def test_emit_cpp_keeps_each_files_mode(self):
        out = self.dir / "out"
        self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", out, "--weights-file"), 0)
        modes = {"tiny.hpp": 0o600, "tiny.cpp": 0o640, "tiny.safetensors": 0o604}
        for name, mode in modes.items():
            os.chmod(out / name, mode)
        self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", out, "--weights-file", "--seed", "3"), 0)
        for name, mode in modes.items():
            self.assertEqual(stat.S_IMODE(os.stat(out / name).st_mode), mode, name)

    def test_a_new_file_follows_the_umask(self):
        out = self.dir / "new.txt"
        run = subprocess.run(["sh", "-c", 'umask 027 && exec "$0" "$@"', hostile.NNC, "emit", str(self.model),
                              "--emit", "loops", "-o", str(out)], capture_output=True, timeout=hostile.TIMEOUT_S)
        self.assert_status(run, 0)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o640)

    def test_writing_through_symlinks(self):
        want = self.loops()
        (self.dir / "real").mkdir()
        target = self.write("real/target.txt", "old")
        chain = [self.dir / "link1", self.dir / "link2"]
        chain[0].symlink_to("real/target.txt")
        chain[1].symlink_to(chain[0])
        dangling = self.dir / "dangling"
        dangling.symlink_to("real/created.txt")
        for link, written in ((chain[0], target), (chain[1], target), (dangling, self.dir / "real" / "created.txt")):
            with self.subTest(link.name):
                self.assert_status(nnc("emit", self.model, "--emit", "loops", "-o", link), 0)
                self.assertEqual(kind(link), "symlink")
                self.assertEqual(written.read_bytes(), want)
        self.assertEqual(sorted(os.listdir(self.dir / "real")), ["created.txt", "target.txt"])

    def test_run_output_through_a_symlink_keeps_mode(self):
        target = self.write("y.npy", "old")
        os.chmod(target, 0o600)
        link = self.dir / "link.npy"
        link.symlink_to(target)
        self.assert_status(nnc("run", self.model, "--output", link), 0)
        self.assertEqual(kind(link), "symlink")
        self.assertEqual(np.load(target).shape, (1, 3))
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o600)


class AllOrNothing(Files):
    """Item 13: a command that writes several files writes all of them or leaves every one as it was."""

    def emitted(self, out):
        """The regular files in `out` (a symlink to /dev/full would read zeros for ever)."""
        return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if kind(p) == "regular"} if out.exists() else {}

    def old_cpp(self, out, *extra):
        self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", out, "--seed", "1", *extra), 0)
        return self.emitted(out)

    def test_one_unwritable_file_leaves_the_others_as_they_were(self):
        for extra, names in (((), ("tiny.hpp", "tiny.cpp")),
                             (("--weights-file",), ("tiny.hpp", "tiny.cpp", "tiny.safetensors"))):
            for failing in names:
                with self.subTest(extra=extra, failing=failing):
                    out = self.dir / f"out-{len(extra)}-{failing}"
                    old = self.old_cpp(out, *extra)
                    (out / failing).unlink()
                    (out / failing).symlink_to("/dev/full")
                    del old[failing]
                    run = nnc("emit", self.model, "--emit", "cpp", "-o", out, "--seed", "2", *extra)
                    self.assert_refused(run, "No space left on device")
                    self.assertEqual(kind(out / failing), "symlink")
                    self.assertEqual(self.emitted(out), old)

    def test_a_full_disk_at_every_point(self):
        """Writes that fail after a given number of bytes, as on a full disk: every file new, or every file old."""
        for extra in ((), ("--weights-file",)):
            out = self.dir / f"out{len(extra)}"
            old = self.old_cpp(out, *extra)
            new_dir = self.dir / f"new{len(extra)}"
            self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", new_dir, "--seed", "2", *extra), 0)
            new = self.emitted(new_dir)
            self.assertNotEqual(old, new)
            sizes = sorted({len(v) for v in new.values()})
            for limit in sorted({0, 1, *[s - 1 for s in sizes], *sizes}):
                with self.subTest(extra=extra, limit=limit):
                    run = nnc_with_file_size_limit(limit, "emit", self.model, "--emit", "cpp", "-o", out, "--seed", "2",
                                                   *extra)
                    self.assert_no_crash(run)
                    got = self.emitted(out)
                    if run.returncode == 0:
                        self.assertEqual(got, new)
                        self.assertGreaterEqual(limit, max(sizes))
                    else:
                        self.assertIn("File too large", stderr_of(run))
                        self.assertEqual(got, old)
                    if got == new:  # put the old files back for the next limit
                        self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", out, "--seed", "1", *extra), 0)

    def test_emit_obj_writes_object_and_header_together(self):
        out = self.dir / "obj"
        self.assert_status(nnc("emit", self.model, "--emit", "obj", "-o", out, "--seed", "1"), 0)
        old = self.emitted(out)
        self.assertEqual(sorted(old), ["tiny.hpp", "tiny.o"])
        for failing in old:
            with self.subTest(failing):
                (out / failing).unlink()
                (out / failing).symlink_to("/dev/full")
                run = nnc("emit", self.model, "--emit", "obj", "-o", out, "--seed", "2")
                self.assert_refused(run, "No space left on device")
                other = next(name for name in old if name != failing)
                self.assertEqual((out / other).read_bytes(), old[other])
                (out / failing).unlink()
                (out / failing).write_bytes(old[failing])
        run = nnc_with_file_size_limit(len(old["tiny.hpp"]) + 1, "emit", self.model, "--emit", "obj", "-o", out, "--seed", "2")
        self.assert_refused(run, "File too large")
        self.assertEqual(self.emitted(out), old)

    def test_no_temporary_file_is_left_behind(self):
        out = self.dir / "out"
        self.old_cpp(out, "--weights-file")
        (out / "tiny.cpp").unlink()
        (out / "tiny.cpp").symlink_to("/dev/full")
        self.assert_status(nnc("emit", self.model, "--emit", "cpp", "-o", out, "--weights-file"), USAGE)
        self.assertEqual(sorted(os.listdir(out)), ["tiny.cpp", "tiny.hpp", "tiny.safetensors"])


class DevNullSurvives(unittest.TestCase):
    """Last, by name: after everything above, the machine's /dev/null is still a character device."""

    def test_zz_dev_null_is_a_character_device(self):
        self.assertEqual(kind("/dev/null"), "chr")


if __name__ == "__main__":
    main()
