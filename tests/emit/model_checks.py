"""What the emit checks share: one check per model, run on a few threads, each model reported."""
import argparse
import concurrent.futures
import pathlib
import subprocess

# How every check builds emitted code, and its sanitized variant.
FLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror"]
SANITIZE = ["-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def run(cmd):
    """The command's stdout and stderr; raises when it fails."""
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}\n{result.stdout}{result.stderr}")
    return result.stdout, result.stderr


def check_all(check, models, jobs):
    """check(model) returns the model's failure messages. Prints ok or FAIL per model and the totals, and returns
    the exit status."""
    passed, failed = 0, 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {m: pool.submit(check, m) for m in models}
        for model, future in futures.items():
            try:
                failures = future.result()
            except Exception as e:  # a model the checker cannot prepare (torch cannot build it, ...) is a failure
                failures = [f"{type(e).__name__}: {e}"]
            if failures:
                failed += 1
                print(f"FAIL {model.name}")
                for f in failures:
                    print("  " + f.replace("\n", "\n    "))
            else:
                passed += 1
                print(f"ok   {model.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def argument_parser():
    """The arguments every emit check takes: NNC HARNESS WORKDIR --compiler CXX... [--jobs N] MODEL.yaml..."""
    parser = argparse.ArgumentParser()
    parser.add_argument("nnc", type=pathlib.Path)
    parser.add_argument("harness", type=pathlib.Path)
    parser.add_argument("workdir", type=pathlib.Path)
    parser.add_argument("--compiler", action="append", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("models", nargs="+", type=pathlib.Path)
    return parser
