#!/usr/bin/env python3
"""How long `nnc check` takes on a model of many block instances, and on the same model written flat.

Writes a model with INSTANCES instances (default 1,000) of a 7-layer residual block, expands it with `nnc expand`,
and times `nnc check` on both REPEAT times in one run: the median and best wall times, and their ratio (expansion
happens once, when the model is read, so the blocks file should check faster than its flat form). Run:

    python3 bench/block_expansion.py --nnc build/bin/nnc [--instances 1000] [--repeat 10]
"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

MODEL = """\
args: {{width: 16}}
input: {{shape: [1, 16, 8, 8]}}
blocks:
  basic:
    args: {{planes: null}}
    layers:
      - {{op: conv2d, name: conv1, out_channels: $planes, kernel_size: 3, padding: 1, bias: false}}
      - {{op: batchnorm2d, name: bn1}}
      - {{op: relu, name: relu}}
      - {{op: conv2d, name: conv2, out_channels: '${{planes * 1}}', kernel_size: 3, padding: 1, bias: false}}
      - {{op: batchnorm2d, name: bn2}}
      - {{op: add, name: add, inputs: [bn2, $input]}}
      - {{op: relu, name: relu2}}
layers:
  - {{block: basic, name: stage, repeat: {instances}, planes: $width}}
"""


def time_check(nnc: str, path: str, repeat: int) -> list:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run([nnc, "check", path], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            print(run.stdout, run.stderr, file=sys.stderr)
            sys.exit(1)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        blocks = pathlib.Path(tmp) / "blocks.yaml"
        flat = pathlib.Path(tmp) / "flat.yaml"
        blocks.write_text(MODEL.format(instances=args.instances))
        expand = subprocess.run([args.nnc, "expand", str(blocks), "-o", str(flat)], capture_output=True, text=True)
        if expand.returncode != 0:
            print(expand.stderr, file=sys.stderr)
            return 1
        with_blocks = time_check(args.nnc, str(blocks), args.repeat)
        written_flat = time_check(args.nnc, str(flat), args.repeat)
    layers = 7 * args.instances
    print(f"nnc check: {args.instances} block instances ({layers} layers), {args.repeat} runs each")
    for name, times in (("blocks", with_blocks), ("flat", written_flat)):
        print(f"  {name:<7} median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms")
    print(f"  blocks / flat: {statistics.median(with_blocks) / statistics.median(written_flat):.2f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
