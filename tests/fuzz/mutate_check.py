#!/usr/bin/env python3
"""Mutation fuzzing of `nnc check`: no input may crash nnc, hang it, or end in an internal error.

Takes every model under the given files and directories, writes a few thousand seeded mutants of
them (byte flips, line edits, odd numbers, renamed keys, broken indentation, aliases, deep nesting,
truncation, binary junk, and a few extreme files) into a temporary directory, and checks them in
batches, one nnc process per batch, in turn as text, json and github output. Every run must exit
with 0, 1 or 2 within the timeout; json output must be one JSON document. A failing batch is
narrowed to the single file, which is printed and kept.

    mutate_check.py --nnc build/bin/nnc examples tests/diagnostics/cases
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

NUMBERS = ["0", "-1", "1", "2", "65536", "4294967296", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "1e30", "1.5", "-0", "0x10", "nan", ".inf", "'3'", "three", "null", "~",
           "[]", "{}", "[1, 2, 3]", "true"]
KEYS = ["op", "name", "input", "inputs", "shape", "layers", "output", "weights", "kernel_size", "stride",
        "padding", "dilation", "groups", "in_channels", "out_channels", "in_features", "out_features",
        "num_features", "output_size", "dim", "start_dim", "end_dim", "p", "eps", "bias", "ceil_mode",
        "padding_mode", "approximate", "negative_slope", "count_include_pad", "<<", "? x", "-", ""]
WORDS = ["conv2d", "maxpool2d", "avgpool2d", "adaptive_avgpool2d", "batchnorm2d", "linear", "flatten",
         "relu", "softmax", "add", "concat", "gelu", "dropout", "same", "valid", "reflect", "circular",
         "input", "0", "1", "-1", "", "\"\"", "'", "\"", "*a", "&a", "!!str", "!!binary", "|", ">", "%", "@",
         "`", "---", "...", "\t", "é", "\u202e", "\\x00", "{", "}", "[", "]", ":", ",", "#", "?"]
NUMBER_RE = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
KEY_RE = re.compile(rb"^(\s*(?:- )?)([A-Za-z_][\w]*)(:)", re.M)


def load_sources(paths):
    sources = []
    for path in paths:
        names = sorted(os.path.join(path, n) for n in os.listdir(path)) if os.path.isdir(path) else [path]
        for name in names:
            if name.endswith((".yaml", ".yml")) and os.path.isfile(name):
                with open(name, "rb") as f:
                    sources.append(f.read())
    return sources


def lines_of(data):
    return data.splitlines(keepends=True) or [b""]


def byte_flips(rng, data):
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def line_edit(rng, data):
    lines = lines_of(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.choice(["delete", "duplicate", "swap", "move"])
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(j, lines.pop(i))
    return b"".join(lines)


def replace_number(rng, data):
    matches = list(NUMBER_RE.finditer(data))
    if not matches:
        return data + b"\n" + rng.choice(NUMBERS).encode()
    for m in rng.sample(matches, min(len(matches), rng.randint(1, 3))):
        data = data[:m.start()] + rng.choice(NUMBERS).encode().ljust(m.end() - m.start()) + data[m.end():]
    return data


def rename_key(rng, data):
    matches = list(KEY_RE.finditer(data))
    if not matches:
        return data
    m = rng.choice(matches)
    new = rng.choice(KEYS + [m.group(2).decode() + "x", m.group(2).decode()[:-1], m.group(2).decode().upper()])
    return data[:m.start(2)] + new.encode() + data[m.end(2):]


def replace_word(rng, data):
    words = list(re.finditer(rb"[A-Za-z_]\w*", data))
    if not words:
        return data
    m = rng.choice(words)
    return data[:m.start()] + rng.choice(WORDS).encode() + data[m.end():]


def reindent(rng, data):
    lines = lines_of(data)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        change = rng.choice([b" ", b"  ", b"\t", b"- ", b"? ", b": "])
        if rng.random() < 0.5 and lines[i][:1] in (b" ", b"\t"):
            lines[i] = lines[i][1:]
        else:
            lines[i] = change + lines[i]
    return b"".join(lines)


def add_aliases(rng, data):
    lines = lines_of(data)
    i = rng.randrange(len(lines))
    line = lines[i]
    colon = line.find(b": ")
    if colon < 0:
        colon = line.find(b"- ")
    if colon < 0:
        return data + b"\nx: &a [*a]\n"
    anchored = line[:colon + 2] + b"&a " + line[colon + 2:]
    lines[i] = anchored
    j = rng.randrange(i, len(lines))
    target = lines[j]
    c = target.find(b": ")
    if rng.random() < 0.3 or c < 0:
        lines.insert(j + 1, b" " * (len(target) - len(target.lstrip())) + b"- *a\n")
    else:
        lines[j] = target[:c + 2] + b"*a\n"
    return b"".join(lines)


def deep_nesting(rng, data):
    depth = rng.choice([100, 499, 500, 501, 1000, 20000])
    opener, closer = rng.choice([(b"[", b"]"), (b"{", b"}"), (b"{a: ", b"}"), (b"- ", b"")])
    closed = rng.random() < 0.7
    if opener == b"- ":
        nest = b"".join(b" " * k + b"- \n" for k in range(min(depth, 2000)))
    else:
        nest = opener * depth + b"1" + (closer * depth if closed else b"")
    lines = lines_of(data)
    i = rng.randrange(len(lines))
    c = lines[i].find(b": ")
    if c >= 0:
        lines[i] = lines[i][:c + 2] + nest + b"\n"
    else:
        lines.insert(i, b"x: " + nest + b"\n")
    return b"".join(lines)


def truncate(rng, data):
    return data[:rng.randrange(len(data) + 1)]


def binary_junk(rng, data):
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    at = rng.randrange(len(data) + 1)
    return data[:at] + junk + data[at:] if rng.random() < 0.8 else junk * rng.randint(1, 64)


def oddities(rng, data):
    choice = rng.randrange(6)
    if choice == 0:
        return data.replace(b"\n", b"\r\n")
    if choice == 1:
        return b"\xef\xbb\xbf" + data
    if choice == 2:
        return data + b"---\n" + data
    if choice == 3:
        return data.replace(b"\n", b"\r")
    if choice == 4:
        return b"%YAML 1.2\n---\n" + data
    return data.replace(b" ", b"\t", 1)


MUTATORS = [byte_flips, line_edit, replace_number, rename_key, replace_word, reindent, add_aliases,
            deep_nesting, truncate, binary_junk, oddities]


def mutate(rng, source):
    data = source
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = rng.choice(MUTATORS)(rng, data)
    return data


def extreme_files(rng):
    """Whole files no mutation of a small model reaches."""
    layer = b"  - op: relu\n"
    many = [f"  - op: relu\n    name: l{i}\n    input: {'input' if i == 0 else f'm{i - 1}'}\n".encode()
            for i in range(20000)]
    return {
        "empty.yaml": b"",
        "blank.yaml": b"\n \n\t\n",
        "twenty_mb.yaml": b"input:\n  shape: [1, 4]\nlayers:\n" + layer * (20 * 2**20 // len(layer)),
        "one_line.yaml": b"{input: {shape: [1, 4]}, layers: [" + b"{op: relu, name: }, " * (2 * 2**20 // 20) + b"]}",
        "long_string.yaml": b"name: " + b"x" * (10 * 2**20) + b"\n",
        "alias_bomb.yaml": b"input: {shape: [1, 4]}\nx: &n [" + b"a, " * 200000 + b"]\nlayers: [" +
                           b"{op: add, inputs: *n}, " * 50000 + b"]\n",
        "many_layers.yaml": b"input:\n  shape: [1, 4]\nlayers:\n" + b"".join(many),
        "many_keys.yaml": b"input:\n  shape: [1, 4]\nlayers:\n  - op: relu\n" + b"".join(
            f"    k{i}: {i}\n".encode() for i in range(50000)),
        "deep_brackets.yaml": b"input:\n  shape: " + b"[" * 200000 + b"\n",
        "deep_braces.yaml": b"x: " + b"{a: " * 100000 + b"\n",
        "self_alias.yaml": b"input: &i {shape: [1, *i], name: *i}\nlayers: &l [*l, {op: add, inputs: *l}]\n",
        "random.yaml": bytes(rng.randrange(256) for _ in range(4096)),
    }


def run_nnc(nnc, files, fmt, timeout):
    """Returns a failure description, or None when the run behaved."""
    try:
        proc = subprocess.run([nnc, "check", "--format", fmt, "--color", "never", *files], capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"no exit within {timeout} s"
    if proc.returncode < 0:
        return f"killed by signal {-proc.returncode}"
    if proc.returncode not in (0, 1, 2):
        return f"exit status {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}"
    if fmt == "json":
        try:
            doc = json.loads(proc.stdout)
        except ValueError as e:
            return f"--format json printed no single JSON document: {e}"
        if len(doc.get("files", [])) != len(files):
            return f"--format json lists {len(doc.get('files', []))} files for {len(files)}"
    return None


def narrow(nnc, files, fmt, timeout, limit=5):
    """The single files of a failing batch that fail on their own (at most `limit`), with their failures."""
    found = []
    for path in files:
        failure = run_nnc(nnc, [path], fmt, timeout)
        if failure:
            found.append((path, failure))
            if len(found) == limit:
                break
    return found


def show(path):
    with open(path, "rb") as f:
        data = f.read()
    shown = data[:4000]
    tail = f"\n... ({len(data)} bytes in all)" if len(data) > len(shown) else ""
    return shown.decode("utf-8", errors="backslashreplace") + tail


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True, help="the nnc binary")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--count", type=int, default=3000, help="mutants to write")
    parser.add_argument("--batch", type=int, default=250, help="files per nnc run")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per nnc run")
    parser.add_argument("--keep", help="write the mutants here and keep them")
    parser.add_argument("sources", nargs="+", help="model files or directories of them")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    sources = load_sources(args.sources)
    if not sources:
        sys.exit("mutate_check: no model files found in " + " ".join(args.sources))

    workdir = args.keep or tempfile.mkdtemp(prefix="nnc-fuzz-")
    os.makedirs(workdir, exist_ok=True)
    files = []
    for name, data in extreme_files(rng).items():
        files.append(os.path.join(workdir, name))
        with open(files[-1], "wb") as f:
            f.write(data)
    for i in range(args.count):
        files.append(os.path.join(workdir, f"mutant_{i:05d}.yaml"))
        with open(files[-1], "wb") as f:
            f.write(mutate(rng, rng.choice(sources)))

    formats = ["text", "json", "github"]
    failures = 0
    try:
        for b, start in enumerate(range(0, len(files), args.batch)):
            batch = files[start:start + args.batch]
            fmt = formats[b % len(formats)]
            if not run_nnc(args.nnc, batch, fmt, args.timeout):
                continue
            failures += 1
            found = narrow(args.nnc, batch, fmt, args.timeout)
            if not found:
                print(f"FAIL: a batch of {len(batch)} files fails (--format {fmt}), but no single file does")
            for path, failure in found:
                kept = os.path.join(tempfile.gettempdir(), "nnc-fuzz-failure-" + os.path.basename(path))
                shutil.copyfile(path, kept)
                print(f"FAIL: nnc check --format {fmt} {kept}: {failure}\n--- the file ---\n{show(path)}\n---")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"mutate_check: {len(files)} files from {len(sources)} models, seed {args.seed}: "
          f"{'no failures' if not failures else f'{failures} failing batches'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
