#!/usr/bin/env python3
"""How long `nnc check` takes on many model files in one run.

Copies the examples into N files (default 200) in a temporary directory, runs `nnc check` on all
of them REPEAT times, and prints the median and best wall time and the files per second. Run:

    python3 bench/check_throughput.py --nnc build/bin/nnc [--files 200] [--repeat 10]
"""
import argparse
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", required=True)
    parser.add_argument("--examples", default=str(pathlib.Path(__file__).resolve().parent.parent / "examples"))
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    sources = sorted(pathlib.Path(args.examples).glob("*.yaml"))
    if not sources:
        print(f"no examples in {args.examples}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.files):
            target = pathlib.Path(tmp) / f"model_{i:04d}.yaml"
            shutil.copyfile(sources[i % len(sources)], target)
            files.append(str(target))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run = subprocess.run([args.nnc, "check", "--format", "json", *files], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if run.returncode not in (0, 1):
                print(run.stderr, file=sys.stderr)
                return 1
        checked = run.stdout.count('"file":')
    if checked != args.files:
        print(f"nnc reported {checked} files, expected {args.files}", file=sys.stderr)
        return 1
    median = statistics.median(times)
    print(f"nnc check: {args.files} files from {len(sources)} examples, {args.repeat} runs")
    print(f"  median {median * 1000:.1f} ms, best {min(times) * 1000:.1f} ms, "
          f"{args.files / median:.0f} files/s ({median / args.files * 1e6:.0f} us per file, process start included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
