"""The load_weights of code emitted with --weights-file, fed bad files: each must be rejected with a message naming
the file and the problem, without a crash, and with the weights loaded before still in use. Also: files it must
accept (unused keys, escaped keys, metadata), forward before any load aborts with a message, and a few hundred
seeded mutations of a good file neither crash nor hang it. One small model (conv_pool) is emitted once and built
with the probe by each compiler given, and under ASan+UBSan by --sanitizer-compiler.

    check_weights_loader.py NNC PROBE WORKDIR --compiler CXX [--compiler CXX2] [--sanitizer-compiler CXX]
"""
import argparse
import json
import pathlib
import random
import shutil
import signal
import struct
import subprocess
import sys

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "torch"))
import tensor_files  # noqa: E402
from model_checks import FLAGS, SANITIZE  # noqa: E402

MODEL = REPO / "examples" / "conv_pool.yaml"  # conv2d '0' (weight [5, 1, 5, 5], bias [5]), then a maxpool
MUTANTS = 300
TIMEOUT = 60  # seconds for one probe run: far above what any of them needs, so hitting it means a hang


def header_and_data(path):
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + size]), raw[8 + size:]


def with_header(header_text, data):
    """A file with this header text (str or bytes) and data section; the size field says the header's length."""
    header = header_text.encode() if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(header)) + header + data


def bad_files(good, tensors):
    """{case: (file contents or None for a missing file, words the message must contain)}."""
    header, data = header_and_data(good)
    weight, bias = tensors["0.weight"], tensors["0.bias"]
    raw = good.read_bytes()
    return {
        "missing file": (None, ["cannot open", "No such file"]),
        "empty file": (b"", ["not a safetensors file", "0 bytes"]),
        "truncated data": (raw[:-12], ["the tensors cover", "the data section has"]),
        "truncated header": (raw[:20], ["truncated: header size"]),
        "huge header length": (struct.pack("<Q", 2**63 + 5) + raw[8:], ["header size 9223372036854775813", "above the limit"]),
        "garbage JSON": (with_header('{"0.weight": {"dtype": F32}}', data), ["invalid JSON header", "offset 23"]),
        "header not an object": (with_header("[1, 2]  ", data), ["does not start with '{'"]),
        "text after the object": (with_header(json.dumps(header) + " x", data), ["invalid JSON header", "after the header's object"]),
        "unterminated string": (with_header('{"0.weight', b""), ["invalid JSON header", "closing quote"]),
        "invalid escape": (with_header('{"0.w\\qeight": {}}', data), ["invalid escape"]),
        "ill-formed UTF-8 in a key": (with_header(b'{"0.b\xc3ias": {}}', data), ["not valid UTF-8"]),
        "a UTF-16 surrogate in UTF-8": (with_header(b'{"0.b\xed\xa0\x80": {}}', data), ["not valid UTF-8"]),
        "NUL in header": (with_header('{"0.weight"\0: {}}', data), ["invalid JSON header"]),
        "deep nesting": (with_header("{" + '"a": {' * 100000 + "}" * 100001, b""), ["invalid JSON header"]),
        "negative shape": (with_header(json.dumps({"0.weight": {"dtype": "F32", "shape": [-5], "data_offsets": [0, 0]}}), b""),
                           ["a negative number"]),
        "float offset": (with_header(json.dumps({"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0.0, 20]}}), bias.tobytes()),
                         ["not an integer"]),
        "integer overflow": (with_header('{"0.bias": {"dtype": "F32", "shape": [99999999999999999999], "data_offsets": [0, 20]}}', b""),
                             ["does not fit in 64-bit"]),
        "byte count overflow": (with_header(json.dumps({"0.bias": {"dtype": "F32", "shape": [2**62, 2**62], "data_offsets": [0, 20]}}), b""),
                                ["overflows 64-bit byte counts"]),
        "duplicate key": (with_header('{"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]}, '
                                      '"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]}}', bias.tobytes()),
                          ["duplicate tensor '0.bias'"]),
        "unknown field": (with_header(json.dumps({"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20], "x": 1}}), bias.tobytes()),
                          ["unknown field \"x\""]),
        "unknown dtype": (with_header(json.dumps({"0.bias": {"dtype": "F31", "shape": [5], "data_offsets": [0, 20]}}), bias.tobytes()),
                          ["unknown dtype \"F31\""]),
        "size disagrees with offsets": (with_header(json.dumps({"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 16]}}), bias.tobytes()),
                                        ["need 20 bytes", "hold 16"]),
        "overlapping tensors": (with_header(json.dumps({"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]},
                                                        "1.bias": {"dtype": "F32", "shape": [4], "data_offsets": [4, 20]}}), bias.tobytes()),
                                ["must be contiguous and must not overlap"]),
        "wrong dtype": (tensor_files.safetensors_bytes({"0.weight": weight.astype(np.float64), "0.bias": bias}),
                        ["1 problem with the weights", "'0.weight' has shape [5, 1, 5, 5] and dtype F64", "needs shape [5, 1, 5, 5] and dtype F32"]),
        "wrong shape": (tensor_files.safetensors_bytes({"0.weight": weight.reshape(5, 25), "0.bias": bias}),
                        ["'0.weight' has shape [5, 25]", "needs shape [5, 1, 5, 5]"]),
        "missing key": (tensor_files.safetensors_bytes({"0.weight": weight}), ["'0.bias' is missing (expected shape [5])"]),
        "every key missing": (tensor_files.safetensors_bytes({}), ["2 problems with the weights", "'0.weight' is missing", "'0.bias' is missing"]),
    }


def good_files(tensors):
    """Files load_weights must accept, beside the one nnc wrote."""
    weight, bias = tensors["0.weight"], tensors["0.bias"]
    escaped = json.dumps({"0.bias": {"dtype": "F32", "shape": [5], "data_offsets": [0, 20]},
                          "0.w\u00e9ight": {"dtype": "F32", "shape": [1], "data_offsets": [20, 24]},
                          "0.weight": {"dtype": "F32", "shape": [5, 1, 5, 5], "data_offsets": [24, 524]}})
    escaped = escaped.replace('"0.weight"', '"0.w\\u0065ight"')  # the same key, spelled with an escape
    return {
        "unused keys": tensor_files.safetensors_bytes({"0.weight": weight, "0.bias": bias, "0.num_batches_tracked": np.array(3),
                                                       "extra": np.zeros((2, 0), np.float16)}),
        "escaped key and metadata": with_header(escaped[:-1] + ', "__metadata__": {"format": "pt"}}',
                                                bias.tobytes() + np.float32(1).tobytes() + weight.tobytes()),
    }


def mutants(raw, count, seed):
    """Seeded corruptions of a good file: bytes overwritten, removed or inserted (mostly in the header), or a cut."""
    rng = random.Random(seed)
    (size,) = struct.unpack("<Q", raw[:8])
    for _ in range(count):
        data = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(8 + size) if rng.random() < 0.9 else rng.randrange(len(data))
            kind = rng.random()
            if kind < 0.5:
                data[at] = rng.choice(b'{}[]":,0123456789-.eE \\u\x00\xff') if rng.random() < 0.7 else rng.randrange(256)
            elif kind < 0.7:
                del data[at]
            elif kind < 0.9:
                data.insert(at, rng.choice(b'{}[]":,0123456789'))
            else:
                del data[at:]
                break
        yield bytes(data)


def probe(exe, *args):
    command = [str(exe), *map(str, args)]
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, "(none: killed)", "", f"no answer within {TIMEOUT} s: a hang")


def check_build(exe, good, work, tensors):
    failures = []
    cases = {name: (contents, words, False) for name, (contents, words) in bad_files(good, tensors).items()}
    cases.update({name: (contents, [], True) for name, contents in good_files(tensors).items()})
    for index, (name, (contents, words, accept)) in enumerate(cases.items()):
        path = work / f"case{index}.safetensors"
        if contents is not None:
            path.write_bytes(contents)
        result = probe(exe, good, path)
        said = result.stdout.strip()
        if result.returncode != 0:
            failures.append(f"{name}: the probe exited {result.returncode}: {said}\n{result.stderr.strip()}")
        elif accept and said != "accepted":
            failures.append(f"{name}: should load, but {said}")
        elif not accept and not all(word in said for word in ["rejected: ", str(path), *words]):
            failures.append(f"{name}: expected a rejection naming the file and saying {words}, got: {said}")

    mutant_paths = []
    for index, contents in enumerate(mutants(good.read_bytes(), MUTANTS, seed=1)):
        mutant_paths.append(work / f"mutant{index}.safetensors")
        mutant_paths[-1].write_bytes(contents)
    result = probe(exe, good, *mutant_paths)
    if result.returncode != 0:
        failures.append(f"mutants: the probe exited {result.returncode}\n{result.stderr.strip()[-2000:]}")

    result = probe(exe, "--forward-first")
    if result.returncode != -signal.SIGABRT or "forward called before a successful conv_pool::load_weights" not in result.stderr:
        failures.append(f"forward before load_weights: expected an abort with a message, got exit {result.returncode}: {result.stderr.strip()}")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nnc", type=pathlib.Path)
    parser.add_argument("probe", type=pathlib.Path)
    parser.add_argument("workdir", type=pathlib.Path)
    parser.add_argument("--compiler", action="append", required=True)
    parser.add_argument("--sanitizer-compiler", default="")
    args = parser.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    src = args.workdir / "src"
    src.mkdir(parents=True)
    subprocess.run([args.nnc, "emit", MODEL, "--emit", "cpp", "--weights-file", "--seed", "7", "-o", src], check=True)
    (header,) = src.glob("*.hpp")
    name = header.stem
    good = src / f"{name}.safetensors"
    tensors = {"0.weight": np.random.default_rng(3).uniform(-1, 1, (5, 1, 5, 5)).astype(np.float32),
               "0.bias": np.random.default_rng(4).uniform(-1, 1, 5).astype(np.float32)}

    builds = [(pathlib.Path(cxx).name, cxx, FLAGS) for cxx in args.compiler if cxx]
    if args.sanitizer_compiler:
        builds.append(("sanitized", args.sanitizer_compiler, FLAGS + SANITIZE))
    failed = 0
    for tag, cxx, flags in builds:
        work = args.workdir / tag
        work.mkdir()
        exe = work / "probe"
        build = subprocess.run([cxx, *flags, "-include", header, f"-DNNC_MODEL={name}", args.probe, src / f"{name}.cpp", "-o", exe],
                               capture_output=True, text=True)
        failures = [f"build failed:\n{build.stderr}"] if build.returncode else check_build(exe, good, work, tensors)
        failed += bool(failures)
        print(f"{'FAIL' if failures else 'ok  '} {tag}")
        for f in failures:
            print("  " + f.replace("\n", "\n    "))
    print(f"{len(builds) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
