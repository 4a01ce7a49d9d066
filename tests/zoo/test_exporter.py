"""tools/nnc_export.py from the command line: a torchvision spec whose weights file loads into torchvision unchanged
and runs in nnc with PyTorch's numbers, a FILE.py:factory whose mappings are checked layer by layer, and the errors
(an op nnc lacks, in-place work on a shared tensor, usage) that write nothing.

    test_exporter.py NNC WORKDIR
"""
import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import torch
import torchvision

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPORTER = ROOT / "tools" / "nnc_export.py"
sys.path.insert(0, str(ROOT / "tests" / "torch"))
import nnc_torch  # noqa: E402

# A module exercising the mappings that need more than one module -> one layer: tuple unpacking of a chunk
# (Python 3.11's inline caches), indexing, scalars, a free parameter, F.layer_norm of an nn.LayerNorm subclass,
# view/permute/transpose (ShuffleNet's channel shuffle among them), expand, in-place activations, eval-mode stochastic
# depth and attention.
FACTORY = '''
import torch
from torch import nn
import torch.nn.functional as F
from torchvision.ops import StochasticDepth


class Norm2d(nn.LayerNorm):
    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(
            0, 3, 1, 2)


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels // 2, channels // 2, 3, padding=1, groups=channels // 2)
        self.scale = nn.Parameter(torch.rand(channels // 2, 1, 1))
        self.norm = Norm2d(channels // 2, eps=1e-6)
        self.drop = StochasticDepth(0.2, "row")
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        b = self.act(self.conv(b))
        b = self.drop(self.scale * self.norm(b)) * 0.5 + b
        n, c, h, w = x.size()
        x = torch.cat([a, b], 1).view(n, 2, c // 2, h, w)
        return torch.transpose(x, 1, 2).contiguous().view(n, -1, h, w)


class Net(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.block = Block(channels)
        self.token = nn.Parameter(torch.rand(1, 1, channels))
        self.attn = nn.MultiheadAttention(channels, 2, batch_first=True)
        self.head = nn.Linear(channels, 3)

    def forward(self, x):
        x = self.block(x)
        x = F.interpolate(x[:, :, 1:, ::2], scale_factor=2.0, mode="bilinear")
        x = x.flatten(2).transpose(1, 2)
        x = torch.cat([self.token.expand(x.shape[0], -1, -1), x], dim=1)
        x, _ = self.attn(x, x, x, need_weights=False)
        return F.softmax(self.head(x[:, 0]), dim=-1)


def make(channels=8):
    return Net(channels)


def rolled():
    return nn.Sequential(nn.Conv2d(3, 4, 1), Roll())


class Roll(nn.Module):
    def forward(self, x):
        return torch.roll(x, 1, 2) + 1


class Shared(nn.Module):
    def forward(self, x):
        y = F.relu(x, inplace=True)
        return y + x
'''

# The layers of Net(8) at input [1, 8, 6, 6], as the contract writes them.
EXPECTED_LAYERS = [
    {"op": "slice", "name": "block.slice", "dim": 1, "start": 4, "end": 8},
    {"op": "conv2d", "name": "block.conv", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1,
     "groups": 4},
    {"op": "relu", "name": "block.act"},
    {"op": "permute", "name": "block.norm.permute", "dims": [0, 2, 3, 1]},
    {"op": "layernorm", "name": "block.norm", "normalized_shape": [4], "eps": 1e-6},
    {"op": "permute", "name": "block.norm.permute_1", "dims": [0, 3, 1, 2]},
    {"op": "parameter", "name": "block.scale", "shape": [4, 1, 1]},
    {"op": "mul", "name": "block.mul", "inputs": ["block.scale", "block.norm.permute_1"]},
    {"op": "parameter", "name": "block.scalar", "shape": [1]},
    {"op": "mul", "name": "block.mul_1", "inputs": ["block.mul", "block.scalar"]},
    {"op": "add", "name": "block.add", "inputs": ["block.mul_1", "block.act"]},
    {"op": "slice", "name": "block.slice_1", "input": "input", "dim": 1, "start": 0, "end": 4},
    {"op": "concat", "name": "block.concat", "inputs": ["block.slice_1", "block.add"], "dim": 1},
    {"op": "channel_shuffle", "name": "block.channel_shuffle", "groups": 2},
    {"op": "slice", "name": "slice", "dim": 2, "start": 1},
    {"op": "slice", "name": "slice_1", "dim": 3, "start": 0, "step": 2},
    {"op": "upsample", "name": "upsample", "scale_factor": 2.0, "mode": "bilinear"},
    {"op": "flatten", "name": "flatten", "start_dim": 2, "end_dim": -1},
    {"op": "transpose", "name": "transpose", "dim0": 1, "dim1": 2},
    {"op": "parameter", "name": "token", "shape": [1, 1, 8]},
    {"op": "concat", "name": "concat", "inputs": ["token", "transpose"], "dim": 1},
    {"op": "multihead_attention", "name": "attn", "embed_dim": 8, "num_heads": 2},
    {"op": "select", "name": "select", "dim": 1, "index": 0},
    {"op": "linear", "name": "head", "in_features": 8, "out_features": 3},
    {"op": "softmax", "name": "softmax", "dim": -1},
]


def export(args, cwd):
    return subprocess.run([sys.executable, EXPORTER, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def read_safetensors(path):
    data = pathlib.Path(path).read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {key: torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").reshape(entry["shape"]).copy())
            for key, entry in header.items() for a, b in [entry["data_offsets"]]}


def check_torchvision_spec(nnc, work):
    """A torchvision spec with --kwarg: the weights load into torchvision's module unchanged (strict), and nnc run on
    the exported model gives torchvision's numbers."""
    result = export(["torchvision.models.squeezenet1_1", "--input-shape", "1,3,48,48", "-o", "sq.yaml",
                     "--kwarg", "num_classes=10"], work)
    assert result.returncode == 0, result.stderr
    model = torchvision.models.squeezenet1_1(num_classes=10).eval()
    model.load_state_dict(read_safetensors(work / "sq.safetensors"), strict=True)
    x = np.random.default_rng(3).standard_normal((1, 3, 48, 48)).astype(np.float32)
    np.save(work / "x.npy", x)
    subprocess.run([nnc, "run", work / "sq.yaml", "--input", work / "x.npy", "--output", work / "y.npy"], check=True,
                   capture_output=True)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    got = np.load(work / "y.npy")
    assert np.abs(got - want).max() <= 1e-3 * np.abs(want).max(), (got, want)


def check_round_trip(nnc, work):
    """The exported YAML rebuilt in PyTorch by nnc_torch (each op's twin, dotted names as submodule paths) loads the
    weights file as its state_dict and computes torchvision's numbers: the mapping is right apart from nnc's kernels."""
    for name in ("resnet18", "mobilenet_v3_small"):
        model = getattr(torchvision.models, name)().eval()
        export([f"torchvision.models.{name}", "--input-shape", "1,3,64,64", "-o", f"{name}.yaml"], work)
        weights = read_safetensors(work / f"{name}.safetensors")
        for module in (model, nnc_torch.load(work / f"{name}.yaml", nnc)):
            missing, unexpected = module.load_state_dict(weights, strict=False)
            assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
        twin = module
        x = torch.randn(1, 3, 64, 64)
        with torch.no_grad():
            assert torch.allclose(twin(x), model(x), rtol=1e-4, atol=1e-5), name


def check_factory(work):
    """FILE.py:factory with a keyword argument: every layer as expected, every weights key a state_dict key."""
    (work / "net.py").write_text(FACTORY)
    result = export(["net.py:make", "--input-shape", "1,8,6,6", "-o", "net.yaml", "--kwarg", "channels=8"], work)
    assert result.returncode == 0, result.stderr
    import yaml
    spec = yaml.safe_load((work / "net.yaml").read_text())
    assert spec["input"] == {"shape": [1, 8, 6, 6]} and spec["weights"] == "net.safetensors", spec
    for got, want in zip(spec["layers"], EXPECTED_LAYERS):
        assert got == want, f"got {got}\nwant {want}"
    assert len(spec["layers"]) == len(EXPECTED_LAYERS), spec["layers"][len(EXPECTED_LAYERS):]
    keys = set(read_safetensors(work / "net.safetensors"))
    sys.path.insert(0, str(work))
    import net
    state = set(net.make().state_dict())
    assert keys - state == {"block.scalar"} and state - keys == set(), (keys ^ state)


def check_errors(work):
    """Unmappable nodes are named with their targets, exit 1 and write nothing; usage errors exit 2."""
    (work / "net.py").write_text(FACTORY)
    (work / "old.yaml").write_text("kept\n")
    result = export(["net.py:rolled", "--input-shape", "1,3,4,4", "-o", "old.yaml"], work)
    assert result.returncode == 1, result
    assert "node 'roll' (call_function torch.roll): nnc's contract has no op for it" in result.stderr, result.stderr
    assert (work / "old.yaml").read_text() == "kept\n" and not (work / "old.safetensors").exists()
    assert not [p for p in work.iterdir() if p.name.startswith(".old.")], list(work.iterdir())

    result = export(["net.py:Shared", "--input-shape", "1,3,4,4", "-o", "shared.yaml"], work)
    assert result.returncode == 1 and "works in place on 'x', which later nodes read" in result.stderr, result.stderr
    assert not (work / "shared.yaml").exists()

    for args in (["net.py:make", "--input-shape", "1,x", "-o", "a.yaml"],
                 ["net.py:nothing", "--input-shape", "1,8,6,6", "-o", "a.yaml"],
                 ["no_such_module.factory", "--input-shape", "1,8,6,6", "-o", "a.yaml"],
                 ["net.py:make", "--input-shape", "1,8,6,6", "-o", "a.txt"]):
        result = export(args, work)
        assert result.returncode == 2, (args, result)
        assert not (work / "a.yaml").exists()


def main():
    nnc, work = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    torch.manual_seed(0)
    check_torchvision_spec(nnc, work)
    check_round_trip(nnc, work)
    check_factory(work)
    check_errors(work)
    print("ok")


if __name__ == "__main__":
    main()
