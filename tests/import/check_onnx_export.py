"""A torchvision model exported by torch.onnx.export (opset 13), imported by `nnc import`, run by `nnc run` and
compared with torchvision's own output (seeded weights, as tests/zoo builds them; tolerance 1e-3 * max|ref|).

    check_onnx_export.py NNC WORKDIR MODEL SIZE     (the input is [1, 3, SIZE, SIZE])
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zoo"))
from check_zoo_model import SEED, build, compare, randomize  # noqa: E402


class OutEntry(torch.nn.Module):
    """A segmentation model's "out" entry, as the exporter needs a tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def unzero(model):
    """Seeded values for weights torchvision initialises to zero (ViT's head), so that the output means something."""
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2 and not p.any():
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)


def main():
    nnc, work, name, size = sys.argv[1], Path(sys.argv[2]) / sys.argv[3], sys.argv[3], int(sys.argv[4])
    work.mkdir(parents=True, exist_ok=True)
    model = build(name, size)
    randomize(model)
    unzero(model)
    model.eval()
    if name.startswith("lraspp") or name.startswith("fcn"):
        model = OutEntry(model)
    x = np.random.default_rng(SEED).standard_normal((1, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    onnx_path = work / f"{name}.onnx"
    # Grad enabled: torch 1.13 exports nn.MultiheadAttention off its fused fast path only then.
    with torch.enable_grad():
        torch.onnx.export(model, torch.from_numpy(x), str(onnx_path), opset_version=13, input_names=["input"])
    np.save(work / "x.npy", x)
    for cmd in ([nnc, "import", onnx_path], [nnc, "run", onnx_path.with_suffix(".yaml"), "--input", work / "x.npy", "--output",
                                            work / "y.npy"]):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{' '.join(map(str, cmd))}: exit {done.returncode}\n{done.stderr}")
            return 1
    if not want.any():
        print("torchvision's output is all zeros: nothing to compare")
        return 1
    failure = compare(np.load(work / "y.npy"), want, f"nnc import + run of {name}")
    if failure:
        print(failure)
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
