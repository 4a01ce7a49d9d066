"""Hardening, miscellaneous: diagnostics that quote short files, the LLVM plugin's location, models too large for
the machine, --verify on NaN and infinities, and what yaml-cpp reads without complaint (several documents, a quote
left open)."""
import functools
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import unittest

import numpy as np

import hostile
from hostile import Scratch, nnc, main, REPO

GIB = 1 << 30


def output(run):
    return (run.stdout + run.stderr).decode(errors="replace")


def run_limited(args, limit, resource_kind=resource.RLIMIT_AS, cwd=None):
    """nnc under a memory limit, so that a model it wrongly tries to allocate fails fast instead of filling the
    machine."""
    def limit_memory():
        resource.setrlimit(resource_kind, (limit, limit))

    return subprocess.run([hostile.NNC, *map(str, args)], capture_output=True, env=dict(os.environ, NO_COLOR="1"),
                          cwd=cwd, preexec_fn=limit_memory if limits_work() else None, timeout=hostile.TIMEOUT_S)


@functools.lru_cache(maxsize=None)
def limits_work():
    """False for a sanitizer build, which maps terabytes of shadow memory at start-up and so cannot start under a
    memory limit. Its models too large are refused before anything is allocated all the same (the sizes beyond 1 TiB
    would abort in the sanitizer's allocator, not fill the machine), but the tests that need a limit are skipped."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (4 * GIB, 4 * GIB))

    return subprocess.run([hostile.NNC, "--version"], capture_output=True, preexec_fn=limit_memory).returncode == 0


def needs_limits(test):
    @functools.wraps(test)
    def wrapper(self):
        if not limits_work():
            self.skipTest("nnc cannot run under a memory limit here (a sanitizer build)")
        test(self)
    return wrapper


def needed_gib(run):
    """The total of the "needs N GiB of memory" refusal, in GiB."""
    found = re.search(r"needs ([0-9.]+) (MiB|GiB|TiB) of memory", output(run))
    if not found:
        raise AssertionError("no memory refusal in: " + output(run)[-2000:])
    return float(found.group(1)) * {"MiB": 1 / 1024, "GiB": 1, "TiB": 1024}[found.group(2)]


def linear_model(in_features, out_features, extra_layers=""):
    return f"input: {{shape: [1, {in_features}]}}\nlayers:\n  - {{op: linear, out_features: {out_features}}}\n" + extra_layers


class ShortFilesQuoteTheirLines(Scratch):
    """Issue item 5: the diagnostics kept views into a short (inline) string that moved, and printed `?ello`."""

    COMMANDS = (["check"], ["summary"], ["run"], ["emit", "--emit", "loops"])

    def check_quotes(self, text, line, commands=COMMANDS):
        model = self.write("s.yaml", text)
        for command in commands:
            with self.subTest(command=command, text=text):
                run = nnc(*command, model)
                self.assert_status(run, 1)
                shown = [l for l in output(run).splitlines() if re.match(r"^ +\d+ \| ", l)]
                self.assertTrue(shown, output(run))
                self.assertEqual(shown[0].split(" | ", 1)[1], line, output(run))

    def test_hello(self):
        self.check_quotes("hello\n", "hello")

    def test_every_short_length(self):
        for text, line in [("x\n", "x"), ("ab", "ab"), ("- 1\n", "- 1"), ("[1, 2]\n", "[1, 2]"), ("layers: 5\n", "layers: 5"),
                           ("input: [1, 2]\n", "input: [1, 2]"), ("a: {b: 1}\n", "a: {b: 1}"), ("abcdefghijklmn\n", "abcdefghijklmn"),
                           ("abcdefghijklmno", "abcdefghijklmno")]:
            self.check_quotes(text, line, commands=(["check"], ["run"]))

    def test_long_file(self):
        text = "input: {shape: [1, 4]}\nlayers:\n  - {op: linear, out_features: 3, in_features: 5}\n"
        self.check_quotes(text, "  - {op: linear, out_features: 3, in_features: 5}")

    def test_emit_cpp_quotes_the_line(self):
        model = self.write("s.yaml", "hello\n")
        run = nnc("emit", model, "--emit", "cpp", "-o", self.dir / "out")
        self.assert_status(run, 1)
        self.assertIn("| hello\n", output(run))
        self.assertFalse((self.dir / "out").exists())


class PluginFromTheExecutableOnly(Scratch):
    """Issue item 6: libnnc_llvm.so is found from nnc's real path, never from the current directory."""

    MODEL = "input: {shape: [1, 4]}\nlayers:\n  - {op: relu}\n"

    def plant(self, directory):
        """A lib/libnnc_llvm.so in `directory` whose constructor writes a marker file; the marker's path."""
        marker = self.dir / "planted-library-ran"
        source = self.write("planted.c", '#include <stdio.h>\n__attribute__((constructor)) static void planted(void) {\n'
                            f'  FILE* f = fopen("{marker}", "w");\n  if (f) fclose(f);\n}}\n')
        (directory / "lib").mkdir(parents=True)
        compiler = shutil.which("cc") or shutil.which("gcc")
        if not compiler:
            self.skipTest("no C compiler to build the planted library")
        subprocess.run([compiler, "-shared", "-fPIC", "-o", directory / "lib" / "libnnc_llvm.so", source], check=True)
        return marker

    def test_the_planted_library_is_a_real_one(self):
        # The test below means something only if dlopen would run the planted constructor.
        import ctypes
        marker = self.plant(self.dir / "probe")
        ctypes.CDLL(str(self.dir / "probe" / "lib" / "libnnc_llvm.so"))
        self.assertTrue(marker.exists())

    def test_a_copy_without_its_plugin_fails_clearly(self):
        copy = self.dir / "copy" / "bin" / "nnc"
        copy.parent.mkdir(parents=True)
        shutil.copy2(hostile.NNC, copy)
        cwd = self.dir / "cwd"
        marker = self.plant(cwd)
        model = self.write("m.yaml", self.MODEL)
        for command in (["run"], ["bench", "--runs", "1"], ["emit", "--emit", "llvm"]):
            with self.subTest(command=command):
                run = subprocess.run([copy, *command, model], capture_output=True, cwd=cwd, timeout=hostile.TIMEOUT_S)
                self.assert_status(run, 2)
                self.assertIn(f"cannot load nnc's LLVM backend: {self.dir}/copy/lib/libnnc_llvm.so", output(run))
                self.assertFalse(marker.exists(), "the library planted in the current directory was loaded")

    def test_the_path_comes_from_the_executable_through_symlinks(self):
        # A symlink elsewhere to the real binary finds the plugin beside the real one, not beside the link.
        link = self.dir / "elsewhere" / "bin" / "nnc"
        link.parent.mkdir(parents=True)
        link.symlink_to(hostile.NNC)
        marker = self.plant(self.dir / "elsewhere")
        run = subprocess.run([link, "run", self.write("m.yaml", self.MODEL)], capture_output=True, cwd=self.dir / "elsewhere",
                             timeout=hostile.TIMEOUT_S)
        self.assert_status(run, 0)
        self.assertFalse(marker.exists())

    def test_unreadable_proc_self_exe(self):
        # In a mount namespace with an empty /proc, nnc cannot know its own path: it must say so, not try lib/ of
        # the current directory.
        cwd = self.dir / "cwd"
        marker = self.plant(cwd)
        model = self.write("m.yaml", self.MODEL)
        unshare = shutil.which("unshare")
        if not unshare or subprocess.run([unshare, "-m", "true"], capture_output=True).returncode != 0:
            self.skipTest("no mount namespace here (needs unshare -m)")
        script = 'mount -t tmpfs none /proc && exec "$0" "$@"'
        for command in (["run"], ["emit", "--emit", "asm"]):
            with self.subTest(command=command):
                run = subprocess.run([unshare, "-m", "sh", "-c", script, hostile.NNC, *command, model], capture_output=True, cwd=cwd,
                                     timeout=hostile.TIMEOUT_S)
                self.assert_exit_without_proc(run, 2)
                self.assertIn("the nnc executable's own path is unknown", output(run))
                self.assertFalse(marker.exists(), "the library planted in the current directory was loaded")
        # check never needs the plugin, so it works there too.
        run = subprocess.run([unshare, "-m", "sh", "-c", script, hostile.NNC, "check", model], capture_output=True, cwd=cwd,
                             timeout=hostile.TIMEOUT_S)
        self.assert_exit_without_proc(run, 0)

    def assert_exit_without_proc(self, run, status):
        # In a sanitizer build LeakSanitizer, which needs /proc, ends the process with its own status after nnc's.
        if b"LeakSanitizer has encountered a fatal error" not in run.stderr:
            self.assert_status(run, status)


class ModelsTooLargeForTheMachine(Scratch):
    """Issue item 8: refused before anything is allocated, with a diagnostic and exit 1, counting every copy."""

    def physical_memory(self):
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")

    def test_absurd_out_features_is_a_model_error_everywhere(self):
        model = self.write("m.yaml", "input: {shape: [1, 784]}\nlayers:\n  - {op: relu}\n  - {op: linear, out_features: 100000000000}\n")
        for command in (["check"], ["summary"], ["run"], ["bench"], ["run", "--verify"], ["emit", "--emit", "cpp", "-o", self.dir / "out"],
                        ["emit", "--emit", "obj", "-o", self.dir / "out"], ["emit", "--emit", "llvm"]):
            with self.subTest(command=command):
                run = run_limited([*command, model], 2 * GIB, resource.RLIMIT_DATA)
                self.assert_status(run, 1)
                self.assertRegex(output(run), r"m\.yaml:4:\d+: error: linear '1': with this layer the model's parameters and "
                                              r"activations take [0-9.]+ TiB, more than the 1\.0 TiB any model may take \[model-too-large\]")
                self.assertNotIn("out of memory", output(run))
        self.assertFalse((self.dir / "out").exists())

    def test_absurd_activations_and_parameters(self):
        cases = [
            ("input: {shape: [1, 1]}\nlayers:\n  - {op: linear, out_features: 100000000000}\n", 3),  # 1.1 TiB in all
            ("input: {shape: [1, 3, 224, 224]}\nlayers:\n  - {op: conv2d, out_channels: 10000000, kernel_size: 3}\n", 3),
            ("input: {shape: [1, 100000000000]}\nlayers:\n  - {op: relu}\n  - {op: relu}\n  - {op: relu}\n", 5),
            ("input: {shape: [1, 1000000]}\nlayers:\n  - {op: linear, out_features: 1000000}\n", 3),
        ]
        for text, line in cases:
            with self.subTest(text=text):
                run = run_limited(["run", self.write("m.yaml", text)], 2 * GIB, resource.RLIMIT_DATA)
                self.assert_status(run, 1)
                self.assertRegex(output(run), rf"m.yaml:{line}:\d+: error: .* \[model-too-large\]")

    def test_check_does_not_depend_on_this_machine(self):
        # 40 GB of parameters: too large for most machines, but a model; only the commands that allocate refuse it.
        model = self.write("m.yaml", linear_model(100000, 100000))
        self.assert_status(nnc("check", model), 0)

    @needs_limits
    def test_more_than_physical_memory_is_refused_before_allocating(self):
        physical = self.physical_memory()
        features = int(math.sqrt(1.5 * physical / 4)) + 1  # the parameters alone: one and a half times the memory
        model = self.write("m.yaml", linear_model(features, features))
        expected_available = f"{physical / GIB:.1f} GiB"
        for command in (["run"], ["bench"], ["emit", "--emit", "cpp", "-o", self.dir / "out"], ["emit", "--emit", "obj", "-o", self.dir / "out"]):
            with self.subTest(command=command):
                # RLIMIT_DATA only makes a wrong attempt to allocate fail fast: nnc compares with RLIMIT_AS.
                run = run_limited([*command, model], 2 * GIB, resource.RLIMIT_DATA)
                self.assert_status(run, 1)
                self.assertIn(f"more than the {expected_available} this machine has for nnc", output(run))
                self.assertGreater(needed_gib(run), 2 * 1.5 * physical / GIB - 0.1)  # seeded and packed at least
                self.assertNotIn("out of memory", output(run))
        self.assertFalse((self.dir / "out").exists())

    @needs_limits
    def test_every_copy_is_counted(self):
        # 2 GiB of parameters under a 3 GiB limit: once they fit, but seeded and packed they do not.
        model = self.write("m.yaml", linear_model(32768, 16384, "  - {op: linear, out_features: 4}\n"))
        run = run_limited(["run", model], 3 * GIB)
        self.assert_status(run, 1)
        text = output(run)
        self.assertIn("more than the 3.0 GiB this machine has for nnc", text)
        self.assertRegex(text, r"the parameters, seeded +2\.0 GiB")
        self.assertRegex(text, r"the packed parameter block +2\.0 GiB")
        self.assertRegex(text, r"the input +128\.0 KiB")
        self.assertRegex(text, r"activations \(the arena\) +64\.0 KiB")
        self.assertGreaterEqual(needed_gib(run), 4.0)

    @needs_limits
    def test_a_weights_file_is_counted_with_the_tensors_read_from_it(self):
        from_file = self.write("m.yaml", linear_model(16384, 16384) + "weights: w.safetensors\n")
        # A sparse file: the size it claims is what nnc would read.
        with open(self.dir / "w.safetensors", "wb") as f:
            f.truncate(GIB + 4096)
        run = run_limited(["run", from_file], 2 * GIB)
        self.assert_status(run, 1)
        self.assertRegex(output(run), r"w\.safetensors, read whole +1\.0 GiB")
        self.assertRegex(output(run), r"the parameters, read from it +1\.0 GiB")

    @needs_limits
    def test_verify_counts_the_reference_tensors(self):
        model = self.write("m.yaml", "input: {shape: [1, 100000000]}\nlayers:\n" + "  - {op: relu}\n" * 8)
        plain = run_limited(["run", model], GIB // 2)
        verified = run_limited(["run", "--verify", model], GIB // 2)
        self.assert_status(plain, 1)
        self.assert_status(verified, 1)
        self.assertIn("(--verify)", output(verified))
        self.assertNotIn("(--verify)", output(plain))
        # Eight layer outputs of 0.37 GiB each, and a copy of the output.
        self.assertGreater(needed_gib(verified) - needed_gib(plain), 3.3)

    @needs_limits
    def test_emit_cpp_counts_the_source_text(self):
        model = self.write("m.yaml", linear_model(8192, 8192))  # 256 MiB of parameters
        run = run_limited(["emit", model, "--emit", "cpp", "-o", self.dir / "out"], GIB)
        self.assert_status(run, 1)
        self.assertIn("the source text embedding them", output(run))
        self.assertFalse((self.dir / "out").exists())
        # With --weights-file the source holds no parameters, and the same model fits.
        run = run_limited(["emit", model, "--emit", "cpp", "--weights-file", "-o", self.dir / "out"], 4 * GIB)
        self.assert_status(run, 0)

    @needs_limits
    def test_a_model_that_fits_still_runs(self):
        model = self.write("m.yaml", linear_model(1024, 1024))
        run = run_limited(["run", "--verify", model], 4 * GIB)
        self.assert_status(run, 0)


class VerifyWithNanAndInfinity(Scratch):
    """Issue item 11: NaN equals NaN, and an infinity the same infinity, under --verify."""

    def run_verify(self, text, values, shape):
        model = self.write("m.yaml", text)
        data = np.resize(np.array(values, dtype=np.float32), int(np.prod(shape))).reshape(shape)
        np.save(self.dir / "x.npy", data)
        return nnc("run", "--verify", model, "--input", self.dir / "x.npy", "--output", self.dir / "y.npy")

    def test_nan_and_infinities_pass_through(self):
        special = [float("nan"), float("inf"), -float("inf"), 1.0, -2.0, 0.5, float("inf"), float("nan")]
        for layers in ["  - {op: dropout}\n", "  - {op: flatten}\n", "  - {op: add, inputs: [input, input]}\n",
                       "  - {op: concat, inputs: [input, input]}\n", "  - {op: dropout}\n  - {op: add, inputs: [0, input]}\n"]:
            with self.subTest(layers=layers):
                run = self.run_verify("input: {shape: [1, 32]}\nlayers:\n" + layers, special, (1, 32))
                self.assert_status(run, 0)
                self.assertIn("verify: matches the reference kernels", output(run))
                y = np.load(self.dir / "y.npy")
                self.assertTrue(np.isnan(y).any() and np.isinf(y).any())

    def test_against_pytorch(self):
        import torch
        import yaml
        sys.path.insert(0, str(REPO / "tests" / "torch"))
        import nnc_torch
        special = [float("nan"), float("inf"), -float("inf"), 3.0, -1.0, 0.25, 7.5, -0.125]
        for layers in ["  - {op: relu}\n", "  - {op: maxpool2d, kernel_size: 2}\n", "  - {op: tanh}\n", "  - {op: sigmoid}\n",
                       "  - {op: avgpool2d, kernel_size: 2}\n", "  - {op: leaky_relu}\n", "  - {op: silu}\n", "  - {op: gelu}\n",
                       "  - {op: softmax}\n", "  - {op: adaptive_avgpool2d, output_size: 1}\n"]:
            with self.subTest(layers=layers):
                text = "input: {shape: [1, 2, 4, 4]}\nlayers:\n" + layers
                run = self.run_verify(text, special, (1, 2, 4, 4))
                x = torch.from_numpy(np.load(self.dir / "x.npy"))
                with torch.no_grad():
                    want = nnc_torch.build(yaml.safe_load(text), hostile.NNC)(x).numpy()
                got = np.load(self.dir / "y.npy") if (self.dir / "y.npy").exists() else None
                if got is not None and np.allclose(got, want, equal_nan=True) and np.array_equal(np.isnan(got), np.isnan(want)):
                    # nnc agrees with PyTorch, so --verify must not call it a bug.
                    self.assert_status(run, 0)
                else:
                    self.assertNotEqual(run.returncode, 0, "a real difference from PyTorch passed --verify")

    def test_zoo_activations_propagate_nan_as_pytorch_does(self):
        """The clamps (relu6, hardtanh, hardswish, hardsigmoid) keep NaN, hardswish(-inf) is NaN, softplus returns x
        above its threshold: nnc's numbers equal PyTorch's, NaN for NaN."""
        import torch
        import yaml
        sys.path.insert(0, str(REPO / "tests" / "torch"))
        import nnc_torch
        special = [float("nan"), float("inf"), -float("inf"), 3.0, -3.0, 6.0, 7.5, -0.125, 25.0, -100.0, 1e-7, 0.0]
        for layers in ["  - {op: relu6}\n", "  - {op: hardswish}\n", "  - {op: hardsigmoid}\n", "  - {op: selu}\n",
                       "  - {op: mish}\n", "  - {op: identity}\n", "  - {op: hardtanh, min_val: 0.0, max_val: 6.0}\n",
                       "  - {op: elu, alpha: 0.5}\n", "  - {op: softplus, beta: 2.0, threshold: 5.0}\n",
                       "  - {op: log_softmax, dim: -1}\n"]:
            with self.subTest(layers=layers):
                text = "input: {shape: [1, 2, 4, 4]}\nlayers:\n" + layers
                run = self.run_verify(text, special, (1, 2, 4, 4))
                self.assert_status(run, 0)
                x = torch.from_numpy(np.load(self.dir / "x.npy"))
                with torch.no_grad():
                    want = nnc_torch.build(yaml.safe_load(text), hostile.NNC)(x).numpy()
                got = np.load(self.dir / "y.npy")
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)

    def test_infinities_that_reach_finite_values(self):
        run = self.run_verify("input: {shape: [1, 8]}\nlayers:\n  - {op: sigmoid}\n", [float("inf"), -float("inf"), 0.0, 1.0], (1, 8))
        self.assert_status(run, 0)
        y = np.load(self.dir / "y.npy")
        self.assertEqual(list(y[0, :3]), [1.0, 0.0, 0.5])


class OneDocumentNoOpenQuotes(Scratch):
    """Issue item 14: what yaml-cpp reads without complaint but is a mistake."""

    MODEL = "input: {shape: [1, 4]}\nlayers:\n  - {op: relu}\n"

    def assert_error(self, text, code, line, column, message=""):
        model = self.write("m.yaml", text)
        run = nnc("check", model)
        self.assert_status(run, 1)
        self.assertRegex(output(run), rf"m\.yaml:{line}:{column}: error: [^\n]*{re.escape(message)}[^\n]* \[{code}\]")
        # run refuses the same way, before compiling anything
        self.assert_status(nnc("run", model), 1)

    def test_second_document(self):
        self.assert_error(self.MODEL + "---\n" + self.MODEL, "multiple-documents", 4, 1, "a second YAML document starts here")

    def test_second_document_variations(self):
        cases = [
            (self.MODEL + "---\n", 4),                       # `---` then an empty document
            (self.MODEL + "---\n\n# nothing\n", 4),
            (self.MODEL + "--- # comment\n", 4),
            (self.MODEL + "---\n---\n", 4),
            ("---\n" + self.MODEL + "---\nname: other\n", 5),
            (self.MODEL + "...\n---\nname: other\n", 5),      # `...` ends the first, `---` starts another
            ("%YAML 1.2\n---\n" + self.MODEL + "---\n", 6),
            (self.MODEL + "--- |\n  text\n", 4),
        ]
        for text, line in cases:
            with self.subTest(text=text):
                self.assert_error(text, "multiple-documents", line, 1)

    def test_content_after_document_end(self):
        self.assert_error(self.MODEL + "...\nname: other\n", "multiple-documents", 5, 1)
        self.assert_error("...\n" + self.MODEL, "multiple-documents", 2, 1)

    def test_one_document_with_markers_is_fine(self):
        for text in ["---\n" + self.MODEL, self.MODEL + "...\n", "---\n" + self.MODEL + "...\n", "%YAML 1.2\n---\n" + self.MODEL,
                     self.MODEL + "... # the end\n", "# a comment\n---\n" + self.MODEL + "...\n# after the end\n"]:
            with self.subTest(text=text):
                self.assert_status(nnc("check", self.write("m.yaml", text)), 0)

    def test_unclosed_double_quote_at_the_end(self):
        self.assert_error(self.MODEL + 'name: "abc\n', "yaml-syntax", 4, 7, "this `\"` opens a quoted string that is never closed")

    def test_unclosed_quote_variations(self):
        cases = [
            (self.MODEL + 'name: "abc', 4, 7),               # no line break at the end
            (self.MODEL + "name: 'abc\n", 4, 7),
            (self.MODEL + "name: 'abc", 4, 7),
            (self.MODEL + 'name: "abc\n\n\n', 4, 7),
            (self.MODEL + 'name: "abc\n# a comment\n', 4, 7),
            (self.MODEL + 'name: "it\\"s\n', 4, 7),         # an escaped quote does not close it
            (self.MODEL + "name: 'it''s\n", 4, 7),            # nor a doubled single quote
            ('name: "abc\n' + self.MODEL, 1, 7),             # swallowing the rest of the file
            (self.MODEL + 'name: ["abc\n', 4, 8),             # inside a flow list, which is unclosed too
            (self.MODEL + "name: {a: 'abc\n", 4, 11),
            ("input: {shape: [1, 4]}\nlayers:\n  - op: \"relu\n", 3, 9),
        ]
        for text, line, column in cases:
            with self.subTest(text=text):
                self.assert_error(text, "yaml-syntax", line, column, "opens a quoted string that is never closed")

    def test_quotes_that_are_closed_or_not_quotes(self):
        for extra in ['name: "abc"\n', "name: 'it''s'\n", "name: it's\n", 'name: a"b\n', "# it's\n", "name: |\n  'abc\n",
                      'name: "two\n  lines"\n']:
            with self.subTest(extra=extra):
                run = nnc("check", self.write("m.yaml", self.MODEL + extra))
                self.assert_status(run, 0)

    def test_unclosed_flow_collections_at_the_end(self):
        for text, line, column in [(self.MODEL + "name: [a, b\n", 4, 7), (self.MODEL + "name: {a: b", 4, 7),
                                   ("input: {shape: [1, 4]\nlayers: [{op: relu}]\n", 1, 8)]:
            with self.subTest(text=text):
                self.assert_error(text, "yaml-syntax", line, column, "never closed")


class ParserLoops(hostile.Scratch):
    """Texts on which yaml-cpp's LoadAll never returns (found by libFuzzer): nnc asks its parser for two documents
    at most, so each is reported at once."""

    TEXTS = [
        b"# a comment\n, 1, 32, 32]\nlayers:\n  - op: conv2d\n    out_channels2 1\n    kernel_size2: 5\n",
        b"# a comment , 32, 32]*layers:\n  - op: conv2d\n    in_channels: 1\n, 32]*layers:\n  - op: conv2d\n",
        b',# Thand: a 4x3 keL- l transform# The s\n"   kerner el_size:on 0ns o5f',
    ]

    def test_each_is_refused_at_once(self):
        for text in self.TEXTS:
            with self.subTest(text=text):
                run = hostile.nnc("check", self.write("loop.yaml", text), timeout=20)
                self.assert_status(run, 1)
                self.assertIn(b"[multiple-documents]", run.stdout)


if __name__ == "__main__":
    main()
