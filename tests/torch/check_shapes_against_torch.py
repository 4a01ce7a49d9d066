"""Checks nnc's shape inference against PyTorch on every example model and on any YAML files given.

For each model, `nnc check --format json` must report no errors, and the model built with
nnc_torch and run on zeros of the input shape must produce, layer by layer, the shapes nnc
inferred, and the same output name and shape. The examples together must use every op.

    check_shapes_against_torch.py --nnc build/bin/nnc [--examples DIR] [EXTRA.yaml ...]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nnc_torch  # noqa: E402
import torch_twins  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def nnc_report(nnc, path):
    """nnc's JSON entry for one file, or None with nnc's complaint when it gives none."""
    run = subprocess.run([nnc, "check", str(path), "--format", "json"], capture_output=True, text=True)
    try:
        return json.loads(run.stdout)["files"][0], None
    except (json.JSONDecodeError, KeyError, IndexError):
        return None, f"nnc check exited with {run.returncode} and no JSON report: {run.stderr.strip()}"


def nnc_errors(report):
    return [f"nnc error at line {d['line']}: {d['message']} [{d['code']}]"
            for d in report["diagnostics"] if d["severity"] == "error"]


def compare(report, model, output):
    """The differences between nnc's shapes and those of the PyTorch model's last run, as messages."""
    if "layers" not in report:
        return ["nnc inferred no shapes"]
    problems = []
    torch_shapes = {name: list(t.shape) for name, t in model.layer_outputs.items()}
    nnc_names = [layer["name"] for layer in report["layers"]]
    if nnc_names != list(torch_shapes):
        problems.append(f"layer names differ: nnc {nnc_names}, torch {list(torch_shapes)}")
    for layer in report["layers"]:
        expected = torch_shapes.get(layer["name"])
        if expected is not None and layer["shape"] != expected:
            problems.append(f"{layer['op']} '{layer['name']}': nnc {layer['shape']}, torch {expected}")
    if report["input"] != {"name": model.input_name, "shape": model.input_shape}:
        problems.append(f"input: nnc {report['input']}, torch {model.input_name} {model.input_shape}")
    torch_output = {"name": model.output_name, "shape": list(output.shape)}
    if report["output"] != torch_output:
        problems.append(f"output: nnc {report['output']}, torch {torch_output}")
    return problems


def check_file(nnc, path):
    """The problems found in one model file, and the ops it uses."""
    report, complaint = nnc_report(nnc, path)
    problems = [complaint] if complaint else nnc_errors(report)
    try:
        model = nnc_torch.load(path, nnc)
        with torch.no_grad():
            output = model(torch.zeros(model.input_shape))
    except Exception as e:  # PyTorch refusing the model is a finding, not a crash of the checker
        return problems + [f"PyTorch cannot build or run it: {type(e).__name__}: {e}"], set()
    if not problems:
        problems = compare(report, model, output)
    return problems, {op for _, op, _ in model.wiring}


def shown(path):
    """`path` relative to the repository when it is inside it."""
    try:
        return path.resolve().relative_to(REPO)
    except ValueError:
        return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", required=True, help="the nnc binary")
    parser.add_argument("--examples", type=Path, default=REPO / "examples", help="directory of example models")
    parser.add_argument("files", nargs="*", type=Path, help="more model files to check")
    args = parser.parse_args()

    examples = sorted(args.examples.glob("*.yaml"))
    passed = failed = 0
    ops_in_examples = set()
    for path in examples + args.files:
        problems, ops = check_file(args.nnc, path)
        if path in examples:
            ops_in_examples |= ops
        if problems:
            failed += 1
            print(f"FAIL {shown(path)}")
            for problem in problems:
                print(f"    {problem}")
        else:
            passed += 1
            print(f"ok   {shown(path)}")
    unused = sorted(set(torch_twins.registry(args.nnc).ops) - ops_in_examples)
    if unused:
        failed += 1
        print(f"FAIL {shown(args.examples)}: no example uses {', '.join(unused)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
