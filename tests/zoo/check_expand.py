"""`nnc expand` of a model written with blocks is a model of its own: the flat file has no blocks, arguments or `$`
left, `nnc check --strict` accepts it, and `nnc run` of it gives bit for bit the output of the model it came from
(same layer names, so the same seeded parameters; same seeded input).

    check_expand.py NNC WORKDIR MODEL.yaml [--set NAME=VALUE]... [--layers N]

--set is passed to `nnc expand` and to `nnc run` of MODEL.yaml (the flat model has its arguments substituted and
takes none); --layers is the number of layers the flat model must have.
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np

SEED = 5


def run(cmd):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}\n{result.stdout}{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nnc", type=pathlib.Path)
    parser.add_argument("workdir", type=pathlib.Path)
    parser.add_argument("model", type=pathlib.Path)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--layers", type=int)
    args = parser.parse_args()
    sets = [a for s in args.set for a in ("--set", s)]
    work = args.workdir / (args.model.stem + "".join("_" + s.replace("=", "") for s in args.set))
    work.mkdir(parents=True, exist_ok=True)
    failures = []

    flat = work / "flat.yaml"
    flat.write_text(run([args.nnc, "expand", args.model, *sets]))
    text = flat.read_text()
    for word in ("blocks:", "block:", "args:", "$"):
        if word in text:
            failures.append(f"the expanded model still holds '{word}'")

    # Both files check without a diagnostic, to the same layers (names, ops, shapes, parameter counts) and output.
    reports = []
    for path, extra in ((args.model, sets), (flat, [])):
        out = subprocess.run([str(c) for c in (args.nnc, "check", path, *extra, "--strict", "--format", "json")],
                             capture_output=True, text=True).stdout
        report = json.loads(out)["files"][0]
        if not report["ok"] or report["diagnostics"]:
            failures.append(f"nnc check --strict {path.name}: {report['diagnostics']}")
        reports.append(report)
    if reports[0].get("layers") != reports[1].get("layers"):
        failures.append("nnc check gives the expanded model other layers than the original")
    if reports[0].get("output") != reports[1].get("output"):
        failures.append(f"outputs differ: {reports[0].get('output')} and {reports[1].get('output')}")
    layers = reports[1].get("layers") or []
    if args.layers is not None and len(layers) != args.layers:
        failures.append(f"the expanded model has {len(layers)} layers, not {args.layers}")
    print(f"{args.model.name}: {len(layers)} layers, {sum(l['params'] for l in layers):,} parameters, "
          f"{sum(l['macs'] for l in layers):,} multiply-adds")

    run([args.nnc, "run", args.model, *sets, "--seed", SEED, "--output", work / "ref.npy"])  # seeded input and weights
    run([args.nnc, "run", flat, "--seed", SEED, "--output", work / "flat.npy"])
    ref, got = np.load(work / "ref.npy"), np.load(work / "flat.npy")
    if ref.shape != got.shape or ref.tobytes() != got.tobytes():
        failures.append(f"nnc run: the expanded model's output differs from the original's "
                        f"(shapes {ref.shape} and {got.shape}, max|diff| "
                        f"{float(np.abs(ref - got).max()) if ref.shape == got.shape else float('nan'):.3g})")
    elif not np.isfinite(ref).all() or not ref.any():
        failures.append("nnc run: the output is not finite, or all zero")
    else:
        print(f"nnc run: identical outputs of shape {list(ref.shape)}")

    for f in failures:
        print("FAIL " + f)
    if not failures:
        shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
