#!/usr/bin/env python3
"""nnc against PyTorch (whose CPU convolutions are oneDNN's) on the same models, same thread count,
measured in one run so the ratio holds even on a busy machine.

For each model: `nnc bench --format json` gives nnc's median time; the same model built in torch
(tests/torch/nnc_torch.py), in eval mode under torch.no_grad(), is timed the same way. Prints
both medians and nnc's speed relative to PyTorch (> 1: nnc is faster). Run:

    /usr/bin/python3 bench/compare_torch.py --nnc build/bin/nnc [--threads 1] [MODEL.yaml ...]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "torch"))

import torch  # noqa: E402

import nnc_torch  # noqa: E402

DEFAULT_MODELS = ["examples/conv_pool.yaml", "examples/lenet5.yaml", "bench/models/resnet_conv3x3_64.yaml",
                  "examples/resnet_basic_block.yaml", "examples/mobilenet_block.yaml", "examples/mlp.yaml"]


def torch_median_ms(model, x, seconds=1.0):
    with torch.no_grad():
        for _ in range(5):
            model(x)
        start = time.perf_counter()
        model(x)
        once = time.perf_counter() - start
        runs = max(10, min(10000, int(seconds / max(once, 1e-6))))
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, runs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    print(f"{'model':<32} {'nnc ms':>10} {'torch ms':>10} {'nnc GFLOP/s':>12} {'speedup':>8}")
    for path in args.models or [str(ROOT / m) for m in DEFAULT_MODELS]:
        run = subprocess.run([args.nnc, "bench", path, "--format", "json", "--threads", str(args.threads)],
                             capture_output=True, text=True, check=True)
        nnc = json.loads(run.stdout)
        model = nnc_torch.load(path, args.nnc)
        model.eval()
        x = torch.randn(*model.input_shape)
        torch_ms, _ = torch_median_ms(model, x)
        print(f"{pathlib.Path(path).stem:<32} {nnc['median_ms']:>10.4f} {torch_ms:>10.4f} {nnc['gflops']:>12.1f} "
              f"{torch_ms / nnc['median_ms']:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
