#!/usr/bin/python3
"""Whole torchvision networks: nnc against PyTorch (eager, and frozen + optimized for inference) and ONNX Runtime,
same threads, measured one model after the other in one run so the ratios hold on a busy machine.

Each model is built with weights=None after torch.manual_seed, batch 1, SIZExSIZE, and:
- exported with tools/nnc_export.py (YAML + safetensors); `nnc run` on a seeded input must match eager PyTorch
  (max|diff| <= 1e-3 * max|ref|), then `nnc bench --format json --threads T` gives the median; the compile time is
  `nnc run`'s from an empty JIT cache, the cached one `nnc bench`'s;
- timed in PyTorch eager (eval, torch.no_grad, torch.set_num_threads(T));
- timed as torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model))), or traced when scripting
  fails;
- exported with torch.onnx.export at opset 13 and timed by ONNX Runtime through bench/ort/time_session.mjs
  (intraOpNumThreads T), when bench/ort/setup.sh has installed it in --ort DIR.
Every time is a median after a warm-up, over --runs runs or about --seconds of them. A result whose output does not
match eager PyTorch is shown as wrong and counts in no ratio. ratio = best other / nnc (> 1: nnc is faster), with
their geomean. Failures are noted per model; the exit status is 1 when nnc fails on a model or gives a wrong output.

    bench/ort/setup.sh build/ort       # once, for the ONNX Runtime column
    /usr/bin/python3 bench/compare_networks.py --nnc build/bin/nnc [--ort build/ort] [--threads 1]
        [--models resnet18,resnet50 | --quick] [--runs N | --seconds 1] [--size 224] [--format text|json]
"""
import argparse
import json
import math
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
import torchvision

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nnc_export  # noqa: E402

TIME_SESSION = ROOT / "bench" / "ort" / "time_session.mjs"
DEFAULT_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0", "densenet121", "squeezenet1_1",
                  "shufflenet_v2_x1_0", "convnext_tiny", "vit_b_16"]
QUICK_MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1"]
SEED = 0
TOLERANCE = 1e-3  # times max|ref|
COLUMNS = ["nnc", "torch_eager", "torch_frozen", "ort"]


def build(name, size):
    torch.manual_seed(SEED)
    extra = {"image_size": size} if name.startswith("vit_") else {}
    model = torchvision.models.get_model(name, weights=None, **extra)
    randomize(model, size)
    return model.eval()


def randomize(model, size):
    """Random weights that keep activations near unit scale, so that the output says something about correctness
    and no layer runs on denormals: every parameter torchvision initialises to a constant (zero heads and class
    tokens, unit norm scales, ConvNeXt's 1e-6 layer scale) gets noise, and batchnorm's running statistics are those
    of a seeded batch of 4 (train mode, cumulative average over that one batch)."""
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for p in model.parameters():
            if p.numel() > 1 and bool((p == p.reshape(-1)[0]).all()):
                value = float(p.reshape(-1)[0])
                if p.dim() >= 2 and value == 0:
                    p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p[0].numel()))
                elif value == 0:
                    p.copy_(torch.rand(p.shape, generator=g) * 0.2 - 0.1)
                else:
                    p.copy_(torch.rand(p.shape, generator=g) * 0.5 + 0.75)
        norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        if norms:
            for m in norms:
                m.reset_running_stats()
                m.momentum = None
            model.train()
            model(torch.randn([4, 3, size, size], generator=g))
            for m in norms:
                m.momentum = 0.1


def mismatch(got, want):
    """None when got matches want within the tolerance, else why not; and max|diff|."""
    got, want = np.asarray(got, dtype=np.float64).reshape(-1), np.asarray(want, dtype=np.float64).reshape(-1)
    if got.size != want.size:
        return f"{got.size} output values, PyTorch has {want.size}", None
    worst = float(np.abs(got - want).max())
    limit = TOLERANCE * float(np.abs(want).max())
    return (None if worst <= limit else f"max|diff| {worst:.3g} > {limit:.3g}"), worst


def first_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0][:200] if lines else "(no message)"


def run_json(cmd, env=None):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"exit status {result.returncode}: {first_line(result.stderr or result.stdout)}")
    return json.loads(result.stdout)


def median_ms(fn, x, runs, seconds):
    """The median and the minimum of fn(x) in ms, after a warm-up; runs times, or as many as fill seconds."""
    with torch.no_grad():
        for _ in range(3):
            fn(x)
        times = []
        deadline = time.perf_counter() + seconds
        while len(times) < runs if runs else (len(times) < 5 or time.perf_counter() < deadline):
            start = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, min(times) * 1e3


def frozen(model, x):
    """torch.jit.optimize_for_inference(torch.jit.freeze(...)) of the scripted model, else of the traced one."""
    errors = []
    for how in ("script", "trace"):
        try:
            with torch.no_grad():
                jit = torch.jit.script(model) if how == "script" else torch.jit.trace(model, x)
                return torch.jit.optimize_for_inference(torch.jit.freeze(jit.eval())), how
        except Exception as e:  # each model fails in its own way; the next method is tried
            errors.append(f"{how}: {type(e).__name__}: {first_line(e)}")
    raise RuntimeError("; ".join(errors))


class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.timing = ["--runs", str(args.runs)] if args.runs else []

    def model(self, name):
        args, work = self.args, self.work / name
        work.mkdir(parents=True, exist_ok=True)
        row = {"model": name, "ms": {}, "min_ms": {}, "max_diff": {}, "notes": []}
        shape = [1, 3, args.size, args.size]
        model = build(name, args.size)
        x = np.random.default_rng(SEED).standard_normal(shape).astype(np.float32)
        np.save(work / "x.npy", x)
        x.tofile(work / "x.f32")
        xt = torch.from_numpy(x)
        with torch.no_grad():
            ref = model(xt).numpy()

        for column, measure in (("nnc", self.nnc), ("torch_eager", self.eager), ("torch_frozen", self.frozen),
                                ("ort", self.ort)):
            try:
                result = measure(model, xt, shape, ref, work, row)
            except Exception as e:  # a failure of one column is noted and the others still run
                row["notes"].append(f"{column}: {type(e).__name__}: {first_line(e)}")
                continue
            if result is None:
                continue
            (median, least), out = result
            problem, worst = mismatch(out, ref)
            if worst is not None:
                row["max_diff"][column] = worst
            if problem:
                row["notes"].append(f"{column}: wrong output: {problem}")
                row.setdefault("wrong", []).append(column)
                continue
            row["ms"][column], row["min_ms"][column] = median, least
        others = [row["ms"][c] for c in COLUMNS[1:] if c in row["ms"]]
        if "nnc" in row["ms"] and others:
            row["ratio"] = min(others) / row["ms"]["nnc"]
        return row

    def nnc(self, model, xt, shape, ref, work, row):
        yaml_path = work / f"{row['model']}.yaml"
        nnc_export.export(model, shape, yaml_path, origin=f"torchvision.models {row['model']}")
        threads = ["--threads", str(self.args.threads)]
        # A cache of its own: `run` compiles cold and fills it, `bench` loads from it.
        env = dict(os.environ, NNC_CACHE_DIR=str(work / "nnc-cache"))
        run = subprocess.run([self.args.nnc, "run", yaml_path, "--input", work / "x.npy", "--output", work / "y_nnc.npy",
                              *threads], capture_output=True, text=True, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"nnc run: exit status {run.returncode}: {first_line(run.stderr)}")
        out = np.load(work / "y_nnc.npy")
        bench = run_json([self.args.nnc, "bench", yaml_path, "--format", "json", *threads, *self.timing], env=env)
        row["compile_ms"] = float(re.search(r"compiled in ([\d.]+) ms", run.stdout).group(1))
        if bench["compile_cached"]:
            row["cached_compile_ms"] = bench["compile_ms"]
        row["nnc_gflops"] = bench["gflops"]
        return (bench["median_ms"], bench["min_ms"]), out

    def eager(self, model, xt, shape, ref, work, row):
        with torch.no_grad():
            out = model(xt).numpy()
        return median_ms(model, xt, self.args.runs, self.args.seconds), out

    def frozen(self, model, xt, shape, ref, work, row):
        optimized, how = frozen(model, xt)
        row["torch_frozen_from"] = how
        with torch.no_grad():
            for _ in range(2):  # the optimizing executor specializes on its first runs
                out = optimized(xt).numpy()
        return median_ms(optimized, xt, self.args.runs, self.args.seconds), out

    def ort(self, model, xt, shape, ref, work, row):
        if self.args.ort_missing:
            return None
        onnx_path = work / f"{row['model']}.onnx"
        # Outside torch.no_grad(): there nn.MultiheadAttention takes its fast path, aten::_native_multi_head_attention,
        # which has no ONNX export.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, xt, str(onnx_path), opset_version=13, input_names=["input"],
                              output_names=["output"])
        timing = self.timing or ["--seconds", str(self.args.seconds)]
        result = run_json(["node", TIME_SESSION, "--ort", self.args.ort, "--model", onnx_path,
                           "--shape", ",".join(map(str, shape)), "--threads", str(self.args.threads),
                           "--input", work / "x.f32", "--output", work / "y_ort.f32", *timing])
        return (result["median_ms"], result["min_ms"]), np.fromfile(work / "y_ort.f32", dtype=np.float32)


def machine():
    """The CPU's model name, its logical cores and its vector flags (avx2, fma, avx512*), from /proc/cpuinfo."""
    info = {"cpu": "unknown", "cores": None, "vector_flags": []}
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return info
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and info["cpu"] == "unknown":
            info["cpu"] = value.strip()
        if key.strip() == "flags" and not info["vector_flags"]:
            info["vector_flags"] = [f for f in value.split() if f in ("avx2", "fma") or f.startswith("avx512")]
    info["cores"] = sum(1 for line in text.splitlines() if line.split(":")[0].strip() == "processor")
    return info


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def print_table(rows, report):
    def cell(row, column):
        if column in row["ms"]:
            return f"{row['ms'][column]:.2f}"
        return "wrong" if column in row.get("wrong", []) else "-"

    cpu = report["machine"]
    avx512 = "AVX-512" if any(f.startswith("avx512") for f in cpu["vector_flags"]) else "no AVX-512"
    print(f"{report['threads']} thread(s), batch 1, {report['size']}x{report['size']}; {cpu['cpu']}, {cpu['cores']} "
          f"cores, {avx512}; torch {report['torch']}; ONNX Runtime: {report['ort']}")
    print(f"{'model':<20} {'nnc ms':>9} {'eager ms':>9} {'frozen ms':>10} {'ORT ms':>9} {'ratio':>7} {'compile ms':>11} "
          f"{'cached ms':>10}")
    for row in rows:
        ratio = f"{row['ratio']:.2f}x" if "ratio" in row else "-"
        compile_ms = f"{row['compile_ms']:.0f}" if "compile_ms" in row else "-"
        cached_ms = f"{row['cached_compile_ms']:.0f}" if "cached_compile_ms" in row else "-"
        print(f"{row['model']:<20} {cell(row, 'nnc'):>9} {cell(row, 'torch_eager'):>9} {cell(row, 'torch_frozen'):>10} "
              f"{cell(row, 'ort'):>9} {ratio:>7} {compile_ms:>11} {cached_ms:>10}")
    if report["geomean_ratio"] is not None:
        print(f"geomean ratio (best other / nnc, > 1: nnc faster): {report['geomean_ratio']:.2f}x")
    for row in rows:
        for note in row["notes"]:
            print(f"note: {row['model']}: {note}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--ort", help="where bench/ort/setup.sh installed ONNX Runtime (default: ort beside the "
                                      "directory of --nnc, i.e. build/ort for build/bin/nnc)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", help="comma-separated torchvision names (default: " + ",".join(DEFAULT_MODELS) + ")")
    parser.add_argument("--quick", action="store_true", help="only " + ",".join(QUICK_MODELS))
    parser.add_argument("--runs", type=int, help="timed runs per measurement (default: about --seconds of them)")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=224, help="input height and width")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--workdir", type=pathlib.Path, help="keep the exported files here (default: a temporary "
                                                            "directory, removed at the end)")
    args = parser.parse_args()
    if args.models and args.quick:
        parser.error("--models and --quick exclude each other")
    args.models = args.models.split(",") if args.models else QUICK_MODELS if args.quick else DEFAULT_MODELS
    args.ort = pathlib.Path(args.ort or pathlib.Path(args.nnc).resolve().parent.parent / "ort")
    args.ort_missing = None
    if shutil.which("node") is None:
        args.ort_missing = "node is not on PATH"
    elif not (args.ort / "node_modules" / "onnxruntime-node").is_dir():
        args.ort_missing = (f"onnxruntime-node is not installed in {args.ort}; run bench/ort/setup.sh {args.ort} "
                            f"(or pass --ort DIR)")
    return args


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    ort_version = None
    if not args.ort_missing:
        try:
            ort_version = run_json(["node", TIME_SESSION, "--ort", args.ort, "--version"])["version"]
        except RuntimeError as e:
            args.ort_missing = f"onnxruntime-node in {args.ort} does not load: {e}"
    if args.ort_missing:
        print(f"ONNX Runtime skipped: {args.ort_missing}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="nnc-networks-") as tmp:
        work = args.workdir or pathlib.Path(tmp)
        bench = Bench(args, work)
        rows = []
        for name in args.models:
            print(f"{name} ...", file=sys.stderr, flush=True)
            rows.append(bench.model(name))
            if not args.workdir:
                shutil.rmtree(work / name, ignore_errors=True)  # the big ones' weights take gigabytes
    report = {
        "threads": args.threads, "size": args.size, "machine": machine(),
        "ort": f"skipped ({args.ort_missing})" if args.ort_missing else f"{ort_version} from {args.ort}",
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "models": rows, "geomean_ratio": geomean([r["ratio"] for r in rows if "ratio" in r]),
    }
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print_table(rows, report)
    return 1 if any("nnc" not in r["ms"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
