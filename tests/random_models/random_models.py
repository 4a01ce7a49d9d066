#!/usr/bin/env python3
"""Random models against PyTorch, nnc's JIT and its emitted C++; every disagreement shrunk to a small model file.

    random_models.py --nnc build/bin/nnc --seed 1 --count 60 --cpp-every 6         # a fixed batch (ctest -L fuzz)
    random_models.py --nnc build/bin/nnc --seed 7 --count 10000 --state run.json     # long, resumable
    random_models.py --nnc build/bin/nnc --replay tests/random_models/regressions   # the regressions found so far

Model i of seed S is generated from the seed "S:i" alone, so a run is repeatable and a stopped one resumes where
it stopped: --state records the next model, the counts and the findings after every model. Each finding is
written to --out (default: the state file's directory, else ./random-models-findings) as the model that failed
and its shrunk form, with what went wrong in the file's leading comment. Replaying a directory checks every
model file in it, the emitted C++ included; a file whose first line starts with `# known:` is a bug not fixed yet,
reported but not counted as a failure. Exits 1 when anything was found (or a known bug is fixed: drop the mark).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch
import yaml

import differential
import generate
import shrink

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "torch"))
import torch_twins  # noqa: E402

KNOWN = "# known:"


def load_state(path, seed, count):
    if path and path.exists():
        state = json.loads(path.read_text())
        if state["seed"] != seed:
            sys.exit(f"{path} records seed {state['seed']}, not {seed}: give another --state file")
        state["count"] = count
        return state
    return {"seed": seed, "count": count, "next": 0, "ran": 0, "with_cpp": 0, "invalid": 0, "findings": []}


def save_state(path, state):
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1) + "\n")
        os.replace(temporary, path)


def record(finding, model, label, args, work):
    """Shrinks the failing model and writes both forms to the output directory; returns the finding's entry. A
    finding that does not happen again (a hang on a loaded machine) is written as found and marked flaky."""
    fails_alike = shrink.same_failure(args.nnc, finding, work / "shrink", args.cxx)
    flaky = not fails_alike(model)
    small = model if flaky else shrink.shrink(model, args.nnc, fails_alike, args.shrink_seconds)
    again = differential.again(args.nnc, finding, generate.to_yaml(small), work / "final", args.cxx)
    if again is None or again.signature() != finding.signature():
        small, again = model, finding
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{label}-{finding.stage}-{finding.kind}.yaml"
    path.write_text(generate.to_yaml(small, f"random model {label}: {again}"))
    path.with_suffix(".original.yaml").write_text(generate.to_yaml(model, f"random model {label}: {finding}"))
    return {"model": label, "signature": list(finding.signature()), "detail": str(again), "file": str(path),
            "layers": len(small["layers"]), "flaky": flaky}


def run_batch(args, twins):
    state = load_state(args.state, args.seed, args.count)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nnc-random-") as tmp:
        work = Path(tmp)
        while state["next"] < args.count:
            index = state["next"]
            label = f"{args.seed}-{index}"
            model, refused = generate.generate(twins, f"{args.seed}:{index}")
            text = generate.to_yaml(model)
            cxx = args.cxx if args.cpp_every and index % args.cpp_every == 0 else None
            threads = 1 + index // max(args.cpp_every, 1) % 2  # alternate, for the C++ models too
            try:
                findings = [(model, differential.check_model(args.nnc, text, differential.seed_of(text),
                                                             work / "model", cxx, threads))]
            except differential.Invalid as e:  # the generator's fault: counted, not a finding
                state["invalid"] += 1
                print(f"invalid {label}: {e}", flush=True)
                findings = []
            else:
                state["ran"] += 1
                state["with_cpp"] += cxx is not None
            for probe, message in refused:
                try:
                    findings.append((probe, differential.refused_alike(args.nnc, generate.to_yaml(probe), work / "model")))
                except differential.Invalid:  # PyTorch refused the layer only on zeros or only with the generator's wiring
                    pass
            for failing, finding in [(m, f) for m, f in findings if f]:
                print(f"FOUND {label}: {finding}", flush=True)
                entry = record(finding, failing, label, args, work)
                shrunk = "did not happen again" if entry["flaky"] else f"shrunk to {entry['layers']} layer(s)"
                print(f"      {shrunk}: {entry['file']}", flush=True)
                state["findings"].append(entry)
            if args.verbose and not any(f for _, f in findings):
                print(f"ok {label}{' (+C++)' if cxx else ''}", flush=True)
            shutil.rmtree(work / "model", ignore_errors=True)
            state["next"] = index + 1
            save_state(args.state, state)
    report(state, time.monotonic() - start)
    return 1 if state["findings"] else 0


def report(state, seconds):
    print(f"seed {state['seed']}: {state['ran']} models ran ({state['with_cpp']} also as emitted C++), "
          f"{state['invalid']} invalid, {len(state['findings'])} finding(s); {state['next']} of {state['count']} done; "
          f"this session {seconds:.0f} s")
    kinds = {}
    for entry in state["findings"]:
        kind = " ".join(entry["signature"]).strip() + (" (did not happen again)" if entry.get("flaky") else "")
        kinds.setdefault(kind, []).append(entry["file"])
    for kind, files in sorted(kinds.items()):
        print(f"  {len(files)} x {kind}: {', '.join(files[:5])}{' ...' if len(files) > 5 else ''}")


def replay_one(args, text, work):
    """The first finding on a regression model, on one thread and on two."""
    try:
        for threads in (1, 2):
            if finding := differential.check_model(args.nnc, text, differential.seed_of(text), work, args.cxx, threads):
                return finding
    except differential.Invalid:  # a model PyTorch refuses: nnc must refuse it too
        return differential.refused_alike(args.nnc, text, work)
    return None


def replay(args):
    """Checks every model file in the directory; returns the exit status."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="nnc-replay-") as tmp:
        for path in sorted(args.replay.glob("*.yaml")):
            text = path.read_text()
            known = text.startswith(KNOWN)
            finding = replay_one(args, text, Path(tmp) / path.stem)
            if finding and known:
                print(f"known {path.name}: {finding}")
            elif finding:
                failed += 1
                print(f"FAIL  {path.name}: {finding}")
            elif known:
                failed += 1
                print(f"FIXED {path.name}: it passes now, drop its `{KNOWN}` line")
            else:
                print(f"ok    {path.name}")
    print(f"{failed} of {len(list(args.replay.glob('*.yaml')))} regression model(s) failed")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnc", type=Path, required=True)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--cpp-every", type=int, default=10, help="build the emitted C++ of every Nth model (0: none)")
    parser.add_argument("--cxx", default="g++")
    parser.add_argument("--state", type=Path, help="progress and findings, for resuming")
    parser.add_argument("--out", type=Path, help="where the findings go")
    parser.add_argument("--shrink-seconds", type=float, default=300)
    parser.add_argument("--replay", type=Path, help="check the model files in this directory instead")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.out = args.out or (args.state.parent if args.state else Path("random-models-findings")) / "findings"
    torch.set_num_threads(1)
    if args.replay:
        return replay(args)
    return run_batch(args, torch_twins.registry(args.nnc))


if __name__ == "__main__":
    sys.exit(main())
