"""`nnc import` of each mapping (onnx_cases.py): every case's graph is written with onnx.helper, imported, run by
`nnc run` and compared with its PyTorch reference.

    test_import_ops.py NNC WORKDIR [CASE_NAME ...]
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx

import onnx_cases

RTOL, ATOL = 1e-4, 1e-4


def check(nnc, work, case):
    path = work / f"{case.name}.onnx"
    onnx.save(case.model(), str(path))
    shape_args = ["--input-shape", ",".join(map(str, case.shape))] if case.input_shape != case.shape else []
    imported = subprocess.run([nnc, "import", path, *shape_args], capture_output=True, text=True)
    if imported.returncode != 0:
        return f"nnc import exit {imported.returncode}: {imported.stderr.strip()}"
    x = np.random.default_rng(1).standard_normal(case.shape).astype(np.float32)
    np.save(work / f"{case.name}.x.npy", x)
    ran = subprocess.run([nnc, "run", path.with_suffix(".yaml"), "--input", work / f"{case.name}.x.npy", "--output",
                          work / f"{case.name}.y.npy"], capture_output=True, text=True)
    if ran.returncode != 0:
        return f"nnc run exit {ran.returncode}: {ran.stderr.strip()}\n{path.with_suffix('.yaml').read_text()}"
    got, want = np.load(work / f"{case.name}.y.npy"), case.expected(x)
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, PyTorch's {list(want.shape)}"
    if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
        return f"max difference {np.abs(got - want).max():.3g} from PyTorch"
    return None


def main():
    nnc, work, only = sys.argv[1], Path(sys.argv[2]), set(sys.argv[3:])
    work.mkdir(parents=True, exist_ok=True)
    cases = [c for c in onnx_cases.cases() if not only or c.name in only]
    failures = [(c.name, why) for c in cases if (why := check(nnc, work, c))]
    for name, why in failures:
        print(f"FAIL {name}: {why}")
    print(f"{len(cases) - len(failures)} of {len(cases)} mappings match PyTorch")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
