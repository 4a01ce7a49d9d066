#!/usr/bin/python3
"""Where a model's time goes in nnc, by layer class: `nnc bench --format json` per layer, grouped by op and, for
convolutions, kernel size, stride and grouping (e.g. `conv2d 1x1 s1`, `conv2d 3x3 s2 depthwise`). Prints each
class's layer count, total median time, share of the layers' total and GFLOP/s, the biggest share first. Run:

    /usr/bin/python3 bench/layer_classes.py --nnc build/bin/nnc MODEL.yaml [--threads 1] [--runs N]

(an exported model, e.g. `/usr/bin/python3 tools/nnc_export.py torchvision.models.resnet50 --input-shape
1,3,224,224 -o resnet50.yaml`).
"""
import argparse
import collections
import json
import subprocess
import sys

import yaml


def layer_class(layer):
    op = layer.get("op", "?")
    if op not in ("conv2d", "maxpool2d", "avgpool2d"):
        return op
    k = layer.get("kernel_size", "?")
    kernel = "x".join(map(str, k)) if isinstance(k, list) else f"{k}x{k}"
    s = layer.get("stride", 1 if op == "conv2d" else k)
    text = f"{op} {kernel} s{'x'.join(map(str, s)) if isinstance(s, list) else s}"
    groups = layer.get("groups", 1)
    if groups > 1:
        text += " depthwise" if groups == layer.get("in_channels") == layer.get("out_channels") else " grouped"
    if layer.get("dilation", 1) != 1:
        text += " dilated"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()

    with open(args.model) as f:
        layers = {layer["name"]: layer for layer in yaml.safe_load(f)["layers"] if "name" in layer}
    cmd = [args.nnc, "bench", args.model, "--format", "json", "--threads", str(args.threads)]
    run = subprocess.run(cmd + (["--runs", str(args.runs)] if args.runs else []), capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return 1
    bench = json.loads(run.stdout)

    count, ms, gflop = collections.Counter(), collections.Counter(), collections.Counter()
    for layer in bench["layers"]:
        key = layer_class(layers.get(layer["name"], {"op": layer["op"]}))
        count[key] += 1
        ms[key] += layer["median_ms"]
        gflop[key] += layer["gflops"] * layer["median_ms"] * 1e-3
    total = sum(ms.values())
    print(f"{bench['model']}: median {bench['median_ms']:.2f} ms whole, {total:.2f} ms summed over layers, "
          f"{args.threads} thread(s)")
    print(f"{'class':<28} {'layers':>6} {'ms':>9} {'share':>7} {'GFLOP/s':>8}")
    for key, value in ms.most_common():
        rate = f"{gflop[key] / value * 1e3:.1f}" if gflop[key] else "-"
        print(f"{key:<28} {count[key]:>6} {value:>9.3f} {value / total:>6.1%} {rate:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
