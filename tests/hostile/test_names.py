"""Names from a model file in everything nnc writes (issue 9, items 4, 9 and 10): layer and model names, and the
model's file name, must not inject code into emitted C++, LLVM IR or assembly, must not drive the terminal, must
stay exact in JSON, and must make emitted C++ that compiles and links, alone and beside other models.
"""
import json
import shutil
import subprocess

import numpy as np

from hostile import Scratch, nnc, main, REPO

CXX = ["g++", "-std=c++17", "-Wall", "-Wextra", "-Werror"]
CLANG = shutil.which("clang++-19")
HARNESS = REPO / "tests" / "emit" / "harness.cpp"
INJECTED = "#error INJECTED"

# Names that try to leave a `//` comment or a symbol: line breaks (LF, CR, CRLF, FF, U+2028, U+0085), a line
# splice, a trailing backslash, a trigraph, a comment closer, a terminal escape, a bidirectional override, NUL and
# non-ASCII.
HOSTILE_NAMES = [
    "x\n" + INJECTED, "x\r" + INJECTED, "x\r\n" + INJECTED, "x\\\n" + INJECTED, "x\\", "x ??/", "x */ " + INJECTED,
    "x\u2028" + INJECTED, "\x1b]0;PWNED\x07", "a\u202eb", "caf\u00e9", "x\x00y", "\x0c" + INJECTED, "\u0085" + INJECTED,
]
# Layer names whose identifiers would clash, and names that are keywords, reserved or used by the emitted code.
CLASHING_NAMES = [
    "a.b", "a_b", "a-b", "a b", "a__b", "\u00e9", "\u00fc", "class", "int", "_Foo", "__x", "x_", "1st", "0", "l0",
    "input", "output", "params", "arena", "parameters", "forward", "run_layers", "workspace", "x", "y", "weight", "std",
    "nnc_rt", "NAN", "main", "layer", "layer_2",
]
# Model names that must still give a namespace that compiles.
MODEL_NAMES = ["class", "int", "std", "main", "nnc_rt", "nnc_weights", "exp", "size_t", "NAN", "EOF", "linux", "unix",
               "index", "random", "select", "gamma", "1net", "_Foo", "__x", "a__b", "\u00e9", "-", "input", "forward", "x" * 300, "x\n" + INJECTED]


def q(text):
    """`text` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def conv_model(names, model_name=None, input_name=None):
    """A chain of 3x3 convolutions, one per name, each followed by a batchnorm and a relu that fuse into it."""
    lines = [f"name: {q(model_name)}"] if model_name is not None else []
    lines += ["input:", "  shape: [1, 2, 6, 6]"]
    if input_name is not None:
        lines.append(f"  name: {q(input_name)}")
    lines.append("layers:")
    for i, name in enumerate(names):
        lines.append(f"  - {{op: conv2d, name: {q(name)}, out_channels: 2, kernel_size: 3, padding: 1}}")
        lines.append(f"  - {{op: batchnorm2d, name: {q(f'bn{i}')}}}")
        lines.append(f"  - {{op: relu, name: {q(f'relu{i}')}}}")
    return "\n".join(lines) + "\n"


def fused_model(names):
    """One convolution with a batchnorm per name fused into its kernel: their parameters meet in one function."""
    lines = ["name: fused", "input:", "  shape: [1, 2, 6, 6]", "layers:",
             "  - {op: conv2d, name: conv2d_c, out_channels: 2, kernel_size: 3, padding: 1}"]
    lines += [f"  - {{op: batchnorm2d, name: {q(name)}}}" for name in names]
    return "\n".join(lines) + "\n"


class NamesCase(Scratch):
    def emit(self, model, kind, out, *extra):
        run = nnc("emit", model, "--emit", kind, "-o", out, *extra)
        self.assert_status(run, 0)
        return run

    def emit_cpp(self, model, out, *extra):
        """Emits model as C++ into out; returns the namespace (the files' stem)."""
        self.emit(model, "cpp", out, *extra)
        (header,) = out.glob("*.hpp")
        return header.stem

    def compile(self, *args, cxx=None):
        """Compiles (and links, when there is no -c) with warnings as errors; fails the test with the messages."""
        for compiler in [cxx] if cxx else [CXX] + ([[CLANG, *CXX[1:]]] if CLANG else []):
            result = subprocess.run([*compiler, *map(str, args)], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, f"{' '.join(compiler)}:\n{result.stderr[-3000:]}")

    def assert_no_injected_line(self, path):
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            self.assertFalse(line.lstrip().startswith(b"#error"), f"{path.name}:{number}: {line!r}")

    def assert_terminal_safe(self, data):
        """No control character but newline, and no C1 control (U+0080 to U+009F) either."""
        for byte in set(data) - {ord("\n")}:
            self.assertFalse(byte < 0x20 or byte == 0x7F, f"control byte {byte:#04x} in {data[-2000:]!r}")
        for c1 in range(0x80, 0xA0):
            self.assertNotIn(chr(c1).encode(), data)


class CodeInjection(NamesCase):
    """Item 4: no name reaches a comment, a literal or an identifier of any backend raw."""

    def test_layer_names_in_every_backend(self):
        layers = [name + suffix for name in HOSTILE_NAMES for suffix in ("", "2")]
        model = self.write("all.yaml", conv_model(layers, model_name=HOSTILE_NAMES[0], input_name="image"))
        for variant, extra in (("embedded", []), ("weights_file", ["--weights-file"])):
            out = self.dir / variant
            stem = self.emit_cpp(model, out, *extra)
            for path in out.glob("*.[ch]pp"):
                self.assert_no_injected_line(path)
            self.compile("-c", out / f"{stem}.cpp", "-o", out / f"{stem}.o", cxx=None if variant == "embedded" else CXX)
        self.check_machine_code(model)
        out = self.dir / "obj"
        self.emit(model, "obj", out)
        (header,) = out.glob("*.hpp")
        self.assert_no_injected_line(header)
        self.compile("-include", header, f"-DNNC_MODEL={header.stem}", HARNESS, out / f"{header.stem}.o", "-o", out / "run",
                     cxx=CXX)

    def check_machine_code(self, model):
        """The Loop IR dump, LLVM IR and assembly: no injected line, nothing for a terminal to act on, and LLVM's
        and the assembler's tools read them."""
        for kind in ("loops", "llvm", "asm"):
            out = self.dir / f"{model.stem}.{kind}"
            self.emit(model, kind, out)
            self.assert_no_injected_line(out)
            self.assert_terminal_safe(out.read_bytes().replace(b"\t", b" "))
        self.compile("-c", "-x", "assembler", self.dir / f"{model.stem}.asm", "-o", self.dir / f"{model.stem}.s.o", cxx=["g++"])
        llvm_as = "/usr/lib/llvm-19/bin/llvm-as"
        if shutil.which(llvm_as):
            check = subprocess.run([llvm_as, "-o", "/dev/null", self.dir / f"{model.stem}.llvm"], capture_output=True)
            self.assertEqual(check.returncode, 0, check.stderr.decode(errors="replace"))

    def test_model_names_in_every_backend(self):
        cpp_headers, obj_headers = [], []
        for i, name in enumerate(HOSTILE_NAMES):
            with self.subTest(name=name):
                model = self.write(f"m{i}.yaml", conv_model(["c"], model_name=name))
                self.emit_cpp(model, self.dir / f"cpp{i}")
                self.emit(model, "obj", self.dir / f"obj{i}")
                for kind, headers in (("cpp", cpp_headers), ("obj", obj_headers)):
                    for path in (self.dir / f"{kind}{i}").glob("*.[ch]pp"):
                        self.assert_no_injected_line(path)
                    headers += (self.dir / f"{kind}{i}").glob("*.hpp")
                self.check_machine_code(model)
        # Every header in one program: each compiles, and no two models share a namespace.
        for kind, headers in (("cpp", cpp_headers), ("obj", obj_headers)):
            main_cpp = self.write(f"{kind}.cpp", "".join(f'#include "{h}"\n' for h in headers) + "int main() {}\n")
            self.compile("-fsyntax-only", main_cpp)

    def test_model_file_name_in_the_banner(self):
        headers = []
        for i, file_name in enumerate(["x\n" + INJECTED, "x\\", "x\r" + INJECTED, "\x1b[31mred"]):
            with self.subTest(file_name=file_name):
                model = self.write(f"{file_name}.yaml", conv_model(["c"], model_name=f"m{i}"))
                out = self.dir / f"banner{i}"
                self.emit_cpp(model, out)
                for path in out.glob("*.[ch]pp"):
                    self.assert_no_injected_line(path)
                    self.assertTrue(path.read_text(encoding="ascii").startswith("// Generated by nnc"))
                headers.append(out / f"m{i}.hpp")
        main_cpp = self.write("main.cpp", "".join(f'#include "{h}"\n' for h in headers) + "int main() {}\n")
        self.compile("-fsyntax-only", main_cpp)


class TerminalEscapes(NamesCase):
    """Item 9: names reach a terminal only as printable text, and JSON only escaped, exactly."""

    NAMES = ["\x1b]0;PWNED\x07", "\x1b[2J\x1b[H", "\u009b31m", "a\rb", "a\x7fb", "\x00"]

    def model(self):
        names = self.NAMES
        lines = [f"name: {q(names[0])}", "input:", "  shape: [1, 2, 6, 6]", f"  name: {q(names[1])}", "layers:",
                 f"  - {{op: conv2d, name: {q(names[2])}, out_channels: 2, kernel_size: 3, padding: 1, input: {q(names[1])}}}"]
        lines += [f"  - {{op: relu, name: {q(n)}}}" for n in names[3:]]
        lines.append(f"  - {{op: add, name: {q(names[0])}, inputs: [{q(names[2])}, {q(names[-1])}]}}")
        return self.write("m.yaml", "\n".join(lines) + "\n")

    def test_summary_run_and_bench_tables(self):
        model = self.model()
        for args in (["summary", model], ["run", model], ["run", model, "--verify"], ["bench", model, "--runs", "1"],
                     ["check", model], ["emit", model, "--emit", "loops"]):
            with self.subTest(args=args[0:1] + args[2:]):
                run = nnc(*args)
                self.assert_status(run, 0)
                self.assert_terminal_safe(run.stdout)
                self.assert_terminal_safe(run.stderr)
                if args[0] != "check":
                    self.assertIn(b"PWNED", run.stdout)

    def test_json_keeps_the_exact_names(self):
        model = self.model()
        bench = nnc("bench", model, "--runs", "1", "--format", "json")
        self.assert_status(bench, 0)
        self.assert_terminal_safe(bench.stdout)
        doc = json.loads(bench.stdout)
        self.assertEqual(doc["model"], self.NAMES[0])
        names = {layer["name"] for layer in doc["layers"]} | {n for layer in doc["layers"] for n in layer.get("fused", [])}
        self.assertTrue(set(self.NAMES[2:]) <= names, names)

        check = nnc("check", model, "--format", "json")
        self.assert_status(check, 0)
        self.assert_terminal_safe(check.stdout)
        layers = json.loads(check.stdout)["files"][0]["layers"]
        self.assertEqual([layer["name"] for layer in layers], self.NAMES[2:] + [self.NAMES[0]])

    def test_invalid_utf8_in_a_name(self):
        model = self.write("m.yaml", conv_model(["ok"]).replace("name: \"ok\"", "name: \"a\xc0\xafb\\x9b\"", 1).encode("latin-1"))
        for args in (["summary", model], ["check", model, "--format", "json"], ["bench", model, "--runs", "1", "--format", "json"]):
            with self.subTest(args=args[0]):
                run = nnc(*args)
                self.assert_no_crash(run)
                self.assert_terminal_safe(run.stdout)
                self.assert_terminal_safe(run.stderr)
                if "json" in args and run.returncode == 0:
                    json.loads(run.stdout)

    def test_error_messages_of_run(self):
        model = self.write("m.yaml", conv_model(["c"], input_name="\x1b]0;PWNED\x07"))
        wrong = self.dir / "x.npy"
        np.save(wrong, np.zeros((1, 3, 6, 6), np.float32))
        run = nnc("run", model, "--input", wrong)
        self.assert_status(run, 1)
        self.assertIn(b"PWNED", run.stderr)
        self.assert_terminal_safe(run.stderr)

    def test_weights_file_keys_in_warnings(self):
        model = self.write("m.yaml", conv_model(["c"]))
        weights = self.dir / "w.safetensors"
        saved = nnc("emit", model, "--emit", "cpp", "--weights-file", "-o", self.dir / "w")
        self.assert_status(saved, 0)
        # An extra, unused key whose name drives the terminal: the warning that names it must not.
        data = (self.dir / "w" / "m.safetensors").read_bytes()
        size = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + size])
        header["\x1b]0;PWNED\x07"] = {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}
        encoded = json.dumps(header).encode()
        weights.write_bytes(len(encoded).to_bytes(8, "little") + encoded + data[8 + size:])
        run = nnc("run", model, "--weights", weights)
        self.assert_no_crash(run)
        self.assertIn(b"PWNED", run.stderr)
        self.assert_terminal_safe(run.stderr)


class CleanedNames(NamesCase):
    """Item 10: cleaned names are unique, never keywords or reserved, and models link side by side."""

    def run_emitted(self, model, out, *extra):
        """Builds the emitted model with the emit tests' harness and checks its output against `nnc run`."""
        stem = self.emit_cpp(model, out, *extra)
        x = np.random.default_rng(0).standard_normal((1, 2, 6, 6)).astype(np.float32)
        np.save(self.dir / "x.npy", x)
        x.tofile(self.dir / "x.f32")
        self.assert_status(nnc("run", model, "--input", self.dir / "x.npy", "--output", self.dir / "want.npy"), 0)
        flags = ["-DNNC_WEIGHTS_FILE"] if extra else []
        self.compile(*flags, "-include", out / f"{stem}.hpp", f"-DNNC_MODEL={stem}", HARNESS, out / f"{stem}.cpp",
                     "-o", out / "run", cxx=CXX)
        weights = [out / f"{stem}.safetensors"] if extra else []
        subprocess.run([out / "run", self.dir / "x.f32", out / "got.f32", *weights], check=True)
        got = np.fromfile(out / "got.f32", np.float32)
        np.testing.assert_allclose(got, np.load(self.dir / "want.npy").ravel(), rtol=1e-4, atol=1e-5)

    def test_clashing_layer_names_compile_and_compute(self):
        model = self.write("clash.yaml", conv_model(CLASHING_NAMES, input_name="image"))
        self.run_emitted(model, self.dir / "embedded")
        self.run_emitted(model, self.dir / "weights_file", "--weights-file")
        if CLANG:
            self.compile("-c", self.dir / "embedded" / "clash.cpp", "-o", self.dir / "clash.o", cxx=[CLANG, *CXX[1:]])

    def test_clashing_fused_layer_names(self):
        model = self.write("fused.yaml", fused_model(["0", "l0", "a.b", "a_b", "\u00e9", "\u00fc", "c", "x0", "weight"]))
        loops = nnc("emit", model, "--emit", "loops")
        self.assert_status(loops, 0)
        self.assertEqual(loops.stdout.count(b"static void "), 1, "the batchnorms are fused into the convolution")
        self.run_emitted(model, self.dir / "fused")

    def test_model_names(self):
        """Every name's C++ header in one program after the C library's, and every name's bundle linked into it
        (the bundle's header declares the same namespace): cheaper than building every C++ source, which
        test_two_models_whose_names_clean_up_alike_link does for a few."""
        headers, objects = [], []
        for i, name in enumerate(MODEL_NAMES):
            with self.subTest(name=name):
                model = self.write(f"n{i}.yaml", conv_model(["c"], model_name=name))
                stem = self.emit_cpp(model, self.dir / f"cpp{i}")
                self.assertRegex(stem, r"^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$")
                self.assertLess(len(stem), 100)
                self.emit(model, "obj", self.dir / f"obj{i}")
                headers.append(self.dir / f"cpp{i}" / f"{stem}.hpp")
                objects.append(self.dir / f"obj{i}" / f"{stem}.o")
        stems = [h.stem for h in headers]
        self.assertEqual(len(set(stems)), len(MODEL_NAMES), stems)
        main_cpp = self.main_calling(stems, "main_all.cpp")
        self.compile(*[f"-I{h.parent}" for h in headers], "-fsyntax-only", main_cpp)
        self.compile(*[f"-I{o.parent}" for o in objects], main_cpp, *objects, "-o", self.dir / "all", cxx=CXX)
        self.assert_status(subprocess.run([self.dir / "all"], capture_output=True), 0)

    def test_plain_names_stay(self):
        model = self.write("plain.yaml", conv_model(["conv1", "layer1.0.conv1"], model_name="my_net"))
        out = self.dir / "plain"
        self.assertEqual(self.emit_cpp(model, out), "my_net")
        source = (out / "my_net.cpp").read_text()
        self.assertIn("conv2d_conv1(", source)
        self.assertIn("conv2d_layer1_0_conv1(", source)

    def two_models(self, first, second):
        models = []
        for i, name in enumerate((first, second)):
            models.append(self.write(f"two{i}.yaml", conv_model(["a.b", "a_b"], model_name=name)))
        return models

    def main_calling(self, stems, path):
        """A program that includes the C library's headers, then each model's header, and calls each model."""
        body = "".join(f"#include <{h}>\n" for h in ("cmath", "cstdio", "cstdlib", "cstring", "cstdint", "cstddef", "cerrno"))
        body += "".join(f'#include "{s}.hpp"\n' for s in stems) + "int main() {\n  float in[72] = {}, out[72];\n"
        body += "".join(f"  {s}::forward(in, out);\n" for s in stems) + "  return 0;\n}\n"
        return self.write(path, body)

    def build_and_run(self, sources):
        """All the models' sources in one program, built by g++ and run; clang++ checks the program's source."""
        main_cpp = self.main_calling([s.stem for s in sources], "main_all.cpp")
        includes = [f"-I{s.parent}" for s in sources]
        self.compile(*includes, main_cpp, *sources, "-o", self.dir / "all", cxx=CXX)
        self.assert_status(subprocess.run([self.dir / "all"], capture_output=True), 0)
        if CLANG:
            self.compile(*includes, "-fsyntax-only", main_cpp, cxx=[CLANG, *CXX[1:]])

    def test_two_models_whose_names_clean_up_alike_link(self):
        names = ["a-b", "a_b", "a.b", "a b", "\u00e9", "\u00fc", "1net", "model_1net", "class", "class_"]
        sources = []
        for i, name in enumerate(names):
            out = self.dir / f"two{i}"
            model = self.write(f"two{i}.yaml", conv_model(["a.b", "a_b"], model_name=name))
            sources.append(out / f"{self.emit_cpp(model, out)}.cpp")
        self.assertEqual(len({s.stem for s in sources}), len(names), [s.stem for s in sources])
        self.build_and_run(sources)

    def test_embedded_and_weights_file_models_link(self):
        first, second = self.two_models("a-b", "a_b")
        sources = [self.dir / "embedded" / f"{self.emit_cpp(first, self.dir / 'embedded')}.cpp",
                   self.dir / "weights_file" / f"{self.emit_cpp(second, self.dir / 'weights_file', '--weights-file')}.cpp"]
        main_cpp = self.main_calling([s.stem for s in sources], "main_mixed.cpp")
        self.compile(*[f"-I{s.parent}" for s in sources], main_cpp, *sources, "-o", self.dir / "mixed", cxx=CXX)

    def test_two_obj_bundles_link(self):
        objects, stems = [], []
        for i, model in enumerate(self.two_models("a-b", "a_b")):
            out = self.dir / f"obj{i}"
            self.emit(model, "obj", out)
            (header,) = out.glob("*.hpp")
            stems.append(header.stem)
            objects.append(out / f"{header.stem}.o")
        self.assertEqual(len(set(stems)), 2, stems)
        main_cpp = self.main_calling(stems, "main_obj.cpp")
        self.compile(*[f"-I{o.parent}" for o in objects], main_cpp, *objects, "-o", self.dir / "two_obj", cxx=CXX)
        self.assert_status(subprocess.run([self.dir / "two_obj"], capture_output=True), 0)


if __name__ == "__main__":
    main()
