"""Writes the seed corpora of the libFuzzer targets for the readers of outside bytes: real files made by the writers
people use, each small.

    make_seeds.py OUTDIR      # OUTDIR/npy, OUTDIR/safetensors, OUTDIR/onnx, and OUTDIR/model empty

OUTDIR is emptied first: the fuzzers add the inputs they find to these directories, and each run starts afresh.

npy: numpy's own np.save and format.write_array (versions 1.0, 2.0 and 3.0, dtypes and orders nnc refuses too).
safetensors: the tests' writer (tensor_files.py) on seeded weights of small models, every dtype, with metadata.
onnx: every graph of the import tests (onnx_cases.py) and a small network exported by torch.onnx.export.
"""
import io
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "torch"))
sys.path.insert(0, str(REPO / "tests" / "import"))
import onnx_cases  # noqa: E402
import tensor_files  # noqa: E402


def npy_seeds():
    rng = np.random.default_rng(0)
    arrays = {
        "scalar": np.float32(1.5),
        "vector": rng.standard_normal(7).astype(np.float32),
        "image": rng.standard_normal((1, 3, 4, 4)).astype(np.float32),
        "empty": np.zeros((0, 3), np.float32),
        "special": np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45], np.float32),
        "float64": rng.standard_normal((2, 2)),
        "int64": np.arange(6).reshape(2, 3),
        "big_endian": rng.standard_normal(4).astype(">f4"),
        "fortran": np.asfortranarray(rng.standard_normal((3, 2)).astype(np.float32)),
    }
    for name, array in arrays.items():
        out = io.BytesIO()
        np.save(out, array, allow_pickle=False)
        yield name, out.getvalue()
    for version in [(1, 0), (2, 0), (3, 0)]:
        out = io.BytesIO()
        np.lib.format.write_array(out, arrays["image"], version=version, allow_pickle=False)
        yield f"version_{version[0]}", out.getvalue()


def safetensors_seeds():
    rng = np.random.default_rng(0)
    yield "empty", tensor_files.safetensors_bytes({})
    yield "conv", tensor_files.safetensors_bytes({"conv1.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
                                                  "conv1.bias": rng.standard_normal(4).astype(np.float32)})
    yield "dtypes", tensor_files.safetensors_bytes({f"t_{dtype.name}": np.arange(4).astype(dtype)
                                                    for dtype in tensor_files.SAFETENSORS_DTYPES})
    yield "batchnorm", tensor_files.safetensors_bytes({"bn.weight": np.ones(3, np.float32), "bn.bias": np.zeros(3, np.float32),
                                                       "bn.running_mean": np.zeros(3, np.float32),
                                                       "bn.running_var": np.ones(3, np.float32),
                                                       "bn.num_batches_tracked": np.array(0, np.int64)})
    yield "zero_sized", tensor_files.safetensors_bytes({"none": np.zeros((0, 4), np.float32), "one": np.ones(1, np.float32)})
    # With "__metadata__", as the safetensors package writes it for PyTorch ("format": "pt").
    body = tensor_files.safetensors_bytes({"w": np.ones((2, 2), np.float32)})
    header = json.loads(body[8:8 + struct.unpack("<Q", body[:8])[0]])
    text = json.dumps({"__metadata__": {"format": "pt"}, **header}).encode()
    text += b" " * (-len(text) % 8)
    yield "metadata", struct.pack("<Q", len(text)) + text + np.ones((2, 2), np.float32).tobytes()


def onnx_seeds():
    for case in onnx_cases.cases():
        yield case.name, case.model().SerializeToString()
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 5)).eval()
    out = io.BytesIO()
    torch.onnx.export(net, torch.zeros(1, 3, 8, 8), out, opset_version=13)
    yield "exported_convnet", out.getvalue()


def main():
    root = Path(sys.argv[1])
    shutil.rmtree(root, ignore_errors=True)
    (root / "model").mkdir(parents=True)
    for kind, seeds in [("npy", npy_seeds()), ("safetensors", safetensors_seeds()), ("onnx", onnx_seeds())]:
        directory = root / kind
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for name, data in seeds:
            (directory / f"{name}.{kind}").write_bytes(data)
            count += 1
        print(f"{count} {kind} seeds in {directory}")


if __name__ == "__main__":
    main()
