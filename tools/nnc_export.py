#!/usr/bin/python3
"""Exports a PyTorch nn.Module to an nnc model: OUT.yaml and its weights, OUT.safetensors.

    python3 tools/nnc_export.py torchvision.models.resnet18 --input-shape 1,3,224,224 -o resnet18.yaml
    python3 tools/nnc_export.py path/to/net.py:make_net --input-shape 1,3,32,32 -o net.yaml --kwarg num_classes=10

MODULE_SPEC names a callable that returns the module: a dotted path (`package.module.factory`, or a class) or
`FILE.py:factory`; `--kwarg NAME=VALUE` (a Python literal) is passed to it. The module is put in eval mode and traced
with torch.fx at the given input shape; every node becomes the nnc ops of the model-format contract with PyTorch's
exact semantics. Submodules keep their paths as layer names (`layer1.0.conv1`), so the state_dict loads unchanged;
functions get their module's path and the op (`layer1.0.add`). A model that returns a dict is exported at its
"out" entry (`--output-key` picks another). Anything without an exact nnc equivalent is an error naming the fx node
and its target; then nothing is written and the exit status is 1 (2 for usage errors).

From Python: `export(module, input_shape, "out.yaml")` raises ExportError listing every problem.
"""
import argparse
import ast
import collections
import contextlib
import dis
import importlib
import importlib.util
import inspect
import json
import math
import operator
import os
import sys
import tempfile
from pathlib import Path

import torch
import torch.fx
import torch.nn.functional as F
import yaml
from torch import nn
from torch.fx.passes.shape_prop import ShapeProp

INPUT_NAME = "input"

# Functions torchvision wraps for fx whose work nnc's contract has no op for, and why.
UNSUPPORTED_FUNCTIONS = {
    "shifted_window_attention": "Swin's shifted-window attention needs torch.roll and relative-position bias "
                                "indexing (a gather), which nnc's contract has no op for",
    "_get_relative_position_bias": "Swin's relative-position bias indexes a table with a tensor (a gather), "
                                   "which nnc's contract has no op for",
    "_patch_merging_pad": "Swin's patch merging takes strided 2x2 patches through a wrapped function nnc does not "
                          "trace into",
}


class ExportError(Exception):
    """Every node that could not be mapped exactly, one message each."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class Unmappable(Exception):
    """One node has no exact nnc equivalent."""


@contextlib.contextmanager
def python311_unpacking():
    """torch 1.13's Proxy.__iter__ finds the UNPACK_SEQUENCE of `a, b = proxy` at instruction f_lasti // 2, which
    Python 3.11's inline caches break; find it by its offset instead."""
    original = torch.fx.Proxy.__iter__

    def proxy_iter(self):
        caller = inspect.currentframe().f_back
        for inst in dis.get_instructions(caller.f_code):
            if inst.offset == caller.f_lasti:
                if inst.opname == "UNPACK_SEQUENCE":
                    return (self[i] for i in range(inst.argval))
                break
        return self.tracer.iter(self)

    torch.fx.Proxy.__iter__ = proxy_iter
    try:
        yield
    finally:
        torch.fx.Proxy.__iter__ = original


class ScopedTracer(torch.fx.Tracer):
    """Records in node.meta["scope"] the path of the module whose forward created each node."""

    def __init__(self):
        super().__init__()
        self.scope = ""

    def call_module(self, m, forward, args, kwargs):
        outer, self.scope = self.scope, self.path_of_module(m)
        try:
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.scope = outer

    def create_node(self, *args, **kwargs):
        node = super().create_node(*args, **kwargs)
        node.meta["scope"] = self.scope
        return node


class ValueProp(ShapeProp):
    """ShapeProp that also keeps every value that is not a tensor (sizes, shape arithmetic) in node.meta["value"]."""

    def run_node(self, n):
        result = super().run_node(n)
        if "tensor_meta" not in n.meta:
            n.meta["value"] = result
        return result


class Tensor:
    """A tensor of the nnc model: the model input or a layer's output."""

    def __init__(self, name, shape):
        self.name, self.shape = name, list(shape)


class Deferred:
    """A tensor whose layer is written only when something reads it: a get_attr parameter, a chunk's piece."""

    def __init__(self, make):
        self.make, self.tensor = make, None

    def get(self):
        if self.tensor is None:
            self.tensor = self.make()
        return self.tensor


class Parameter(Deferred):
    """A get_attr tensor: a `parameter` layer when read as a tensor; a norm's weight when F.layer_norm reads it."""

    def __init__(self, path, value, make):
        super().__init__(make)
        self.path, self.value = path, value


class Failed:
    """The value of a node that could not be mapped; what reads it fails silently (the first error says why)."""


class NoValue:
    """A value nnc cannot compute, such as attention weights; reading it is an error saying why."""

    def __init__(self, why):
        self.why = why


class Silent(Exception):
    """A node that reads a failed node: already reported."""


def pair(v):
    """An int, or [h, w] when the two differ, as the contract writes window sizes."""
    if isinstance(v, (tuple, list)):
        if len(v) == 2 and v[0] == v[1]:
            return int(v[0])
        return [int(x) for x in v]
    return int(v)


def describe_target(node, root):
    if node.op == "call_module":
        m = root.get_submodule(node.target)
        return f"{node.target} ({type(m).__module__}.{type(m).__qualname__})"
    if node.op == "call_method":
        return f"Tensor.{node.target}"
    if node.op == "call_function":
        name = target_name(node.target)
        for public in (torch, F, operator):  # where users know the function from
            if getattr(public, name, None) is node.target:
                return f"{public.__name__}.{name}"
        module = getattr(node.target, "__module__", None)
        return f"{module}.{getattr(node.target, '__qualname__', name)}" if module else name
    return str(node.target)


def is_static(v):
    """Whether an exported value is a Python constant (no tensor inside)."""
    if isinstance(v, (list, tuple)):
        return all(is_static(x) for x in v)
    if isinstance(v, dict):
        return all(is_static(x) for x in v.values())
    return not isinstance(v, (Tensor, Deferred, NoValue))


def target_name(target):
    return getattr(target, "__name__", str(target))


def torchvision_function(target):
    """The name of a function torchvision wraps for fx (a call_function node of its own), else None."""
    return target_name(target) if (getattr(target, "__module__", None) or "").startswith("torchvision.") else None


class Exporter:
    """Maps a traced, shape-propagated GraphModule node by node to nnc layers (self.layers) and weights."""

    def __init__(self, gm, input_shape, output_key="out"):
        self.gm, self.output_key = gm, output_key
        self.layers, self.weights, self.problems = [], {}, []
        self.shapes, self.sources = {INPUT_NAME: list(input_shape)}, {}  # by layer name: its shape, what it reads
        self.values = {}
        self.order = {node: i for i, node in enumerate(gm.graph.nodes)}
        self.used = {INPUT_NAME}
        self.reserved = {n.target for n in gm.graph.nodes if n.op in ("call_module", "get_attr")}
        self.input_shape = list(input_shape)
        self.node = None
        self.functions = self.function_table()
        self.methods = self.method_table()

    # ---- names, layers and values

    def unique(self, base, own_path=False):
        """`base`, or base_1, base_2, ... when taken; only a module's or parameter's own layer takes its path."""
        name, i = base, 0
        while name in self.used or (name in self.reserved and not (own_path and name == base)):
            i += 1
            name = f"{base}_{i}"
        self.used.add(name)
        return name

    def function_name(self, op):
        scope = self.node.meta.get("scope", "")
        return self.unique(f"{scope}.{op}" if scope else op)

    def emit(self, op, inputs, shape, attrs=None, params=None, name=None):
        """Appends a layer reading `inputs` (Tensors) and returns its output."""
        name = name or self.function_name(op)
        layer = {"op": op, "name": name}
        if op in ("add", "sub", "mul", "div", "concat", "matmul") or len(inputs) > 1:
            layer["inputs"] = [t.name for t in inputs]
        elif inputs:
            previous = self.layers[-1]["name"] if self.layers else INPUT_NAME
            if inputs[0].name != previous:
                layer["input"] = inputs[0].name
        layer.update(attrs or {})
        self.layers.append(layer)
        self.shapes[name], self.sources[name] = list(shape), [t.name for t in inputs]
        for key, value in (params or {}).items():
            self.weight(f"{name}.{key}", value)
        return Tensor(name, shape)

    def weight(self, key, value):
        value = value.detach()
        if value.dtype != torch.float32:
            raise Unmappable(f"'{key}' is {value.dtype}; nnc's weights are float32")
        self.weights[key] = value.contiguous().numpy()

    def value(self, arg):
        """The exported value of an fx argument: Tensor, Deferred, a list of them, or a Python constant."""
        if isinstance(arg, torch.fx.Node):
            v = self.values[arg]
            if isinstance(v, Failed):
                raise Silent()
            return v
        if isinstance(arg, (list, tuple)):
            return type(arg)(self.value(a) for a in arg)
        if isinstance(arg, dict):
            return {k: self.value(a) for k, a in arg.items()}
        return arg

    def tensor(self, v, what="input"):
        if isinstance(v, Deferred):
            return v.get()
        if isinstance(v, Tensor):
            return v
        if isinstance(v, NoValue):
            raise Unmappable(v.why)
        raise Unmappable(f"its {what} is {type(v).__name__} {v!r}, not a tensor")

    def constant(self, v, what):
        if isinstance(v, (Tensor, Deferred, NoValue)):
            raise Unmappable(f"{what} is computed from tensor data; nnc needs it to be known when exporting")
        if isinstance(v, (list, tuple)):
            for x in v:
                self.constant(x, what)
        return v

    def out_shape(self):
        meta = self.node.meta.get("tensor_meta")
        return list(meta.shape)

    # ---- the graph

    def run(self):
        for node in self.gm.graph.nodes:
            self.node = node
            try:
                self.values[node] = self.visit(node)
            except Silent:
                self.values[node] = Failed()
            except Unmappable as e:
                self.problems.append(f"node '{node.name}' ({node.op} {describe_target(node, self.gm)}): {e}")
                self.values[node] = Failed()
        if self.problems:
            raise ExportError(self.problems)
        self.fuse_channel_shuffles()

    def fuse_channel_shuffles(self):
        """ShuffleNet's channel shuffle, written view(N, g, C/g, H, W), transpose(1, 2), view(N, C, H, W), becomes the
        one channel_shuffle layer it is when nothing else reads the first two layers."""
        output = next(n for n in self.gm.graph.nodes if n.op == "output")
        readers = collections.Counter(source for sources in self.sources.values() for source in sources)
        readers[self.values[output].name] += 1
        fused, renamed = [], {}
        for layer in self.layers:
            for key in ("input", "inputs"):
                if key in layer:
                    layer[key] = renamed.get(layer[key], layer[key]) if key == "input" else [
                        renamed.get(n, n) for n in layer[key]]
            if len(fused) >= 2 and self.is_channel_shuffle(fused[-2], fused[-1], layer, readers):
                view = fused[-2]
                del fused[-2:]
                source = self.sources[view["name"]][0]
                name = self.unique(view["name"].rpartition(".")[0] + ".channel_shuffle"
                                   if "." in view["name"] else "channel_shuffle")
                renamed[layer["name"]] = name
                self.shapes[name], self.sources[name] = self.shapes[layer["name"]], [source]
                layer = {"op": "channel_shuffle", "name": name, "groups": view["shape"][1]}
                if source != (fused[-1]["name"] if fused else INPUT_NAME):
                    layer["input"] = source
            fused.append(layer)
        self.layers = fused
        self.values[output] = Tensor(renamed.get(self.values[output].name, self.values[output].name),
                                     self.values[output].shape)

    def is_channel_shuffle(self, view, transpose, back, readers):
        if view["op"] != "reshape" or len(view["shape"]) != 5 or len(self.shapes[self.sources[view["name"]][0]]) != 4:
            return False
        n, c, h, w = self.shapes[self.sources[view["name"]][0]]
        groups = view["shape"][1]
        return (view["shape"] == [n, groups, c // groups, h, w] and transpose["op"] == "transpose" and {transpose["dim0"], transpose["dim1"]} == {1, 2}
                and self.sources[transpose["name"]] == [view["name"]]
                and back["op"] in ("reshape", "flatten") and self.sources[back["name"]] == [transpose["name"]]
                and self.shapes[back["name"]] == [n, c, h, w]
                and readers[view["name"]] == 1 and readers[transpose["name"]] == 1)

    def visit(self, node):
        if node.op == "placeholder":
            if node is not next(iter(self.gm.graph.nodes)):
                raise Unmappable("nnc models have one input; give the module's other arguments defaults")
            return Tensor(INPUT_NAME, self.input_shape)
        if node.op == "output":
            return self.output(node)
        if node.op == "get_attr":
            return self.get_attr(node)
        if node.op == "call_function" and torchvision_function(node.target) in UNSUPPORTED_FUNCTIONS:
            raise Unmappable(UNSUPPORTED_FUNCTIONS[target_name(node.target)])  # even when its inputs failed
        if node.target is operator.getitem and isinstance(self.value(node.args[0]), (list, tuple, dict)):
            return self.getitem(*self.value(node.args))
        if "tensor_meta" not in node.meta:
            return self.static_value(node)
        args, kwargs = self.value(node.args), self.value(node.kwargs)
        if node.op == "call_module":
            return self.call_module(node, args, kwargs)
        table = self.functions if node.op == "call_function" else self.methods
        handler = table.get(node.target)
        if handler is None and torchvision_function(node.target):
            handler = self.functions.get(torchvision_function(node.target))
        if handler is None:
            raise Unmappable("nnc's contract has no op for it")
        try:
            inspect.signature(handler).bind(*args, **kwargs)
        except TypeError as e:
            raise Unmappable(f"unexpected arguments: {e}")
        return handler(*args, **kwargs)

    STATIC_FROM_TENSOR = {("call_function", getattr), ("call_method", "size"), ("call_method", "dim"),
                          ("call_method", "numel")}

    def static_value(self, node):
        """A node that computes no tensor: sizes and their arithmetic are fixed by the input shape."""
        if not all(is_static(self.value(a)) for a in node.all_input_nodes) and (
                (node.op, node.target) not in self.STATIC_FROM_TENSOR):
            raise Unmappable("its result depends on tensor data, which nnc cannot compute when exporting")
        if node.target is getattr and node.args[1] not in ("shape", "ndim"):
            raise Unmappable(f"attribute '{node.args[1]}' of a tensor has no nnc equivalent")
        return node.meta.get("value")

    def get_attr(self, node):
        value = self.fetch_attr(node.target)
        if not isinstance(value, torch.Tensor):
            return value
        return Parameter(node.target, value, lambda: self.parameter_layer(self.unique(node.target, True), value))

    def parameter_layer(self, name, value):
        """A `parameter` layer: its weights key is its name."""
        self.weight(name, value)
        return self.emit("parameter", [], list(value.shape), {"shape": list(value.shape)}, name=name)

    def fetch_attr(self, target):
        obj = self.gm
        for part in target.split("."):
            obj = getattr(obj, part)
        return obj

    def output(self, node):
        (result,) = self.value(node.args)
        if isinstance(result, dict):
            if self.output_key not in result:
                raise Unmappable(f"the model returns a dict without the key '{self.output_key}' "
                                 f"(keys: {', '.join(map(str, result))}); pick one with --output-key")
            result = result[self.output_key]
        if isinstance(result, (list, tuple)):
            raise Unmappable(f"the model returns {len(result)} values; nnc models have one output")
        out = self.tensor(result, "output")
        if out.name == INPUT_NAME:
            raise Unmappable("the model returns its input unchanged")
        return out

    # ---- modules

    def call_module(self, node, args, kwargs):
        m = self.gm.get_submodule(node.target)
        name = self.unique(node.target, True)
        if isinstance(m, nn.MultiheadAttention):
            return self.attention(m, name, *args, **kwargs)
        if len(args) != 1 or kwargs:
            raise Unmappable("nnc layers of this kind read one tensor and no keyword arguments")
        x = self.tensor(args[0])
        self.check_inplace(node, getattr(m, "inplace", False))
        mapped = self.module_layer(m, x)
        if mapped is None:
            raise Unmappable(f"nnc's contract has no op for {type(m).__name__}")
        if mapped == "identity":
            return x
        op, attrs, params = mapped
        return self.emit(op, [x], self.out_shape(), attrs, params, name=name)

    def module_layer(self, m, x):
        """(op, attributes, parameters) of a leaf module, "identity" for no layer, or None when nnc has no op."""
        if isinstance(m, nn.Conv2d):
            attrs = {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": pair(m.kernel_size),
                     "stride": pair(m.stride), "padding": m.padding if isinstance(m.padding, str) else pair(m.padding),
                     "dilation": pair(m.dilation), "groups": m.groups, "bias": m.bias is not None,
                     "padding_mode": m.padding_mode}
            return "conv2d", without_defaults(attrs, CONV_DEFAULTS), conv_params(m)
        if isinstance(m, nn.ConvTranspose2d):
            attrs = {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": pair(m.kernel_size),
                     "stride": pair(m.stride), "padding": pair(m.padding), "output_padding": pair(m.output_padding),
                     "dilation": pair(m.dilation), "groups": m.groups, "bias": m.bias is not None}
            if m.padding_mode != "zeros":
                raise Unmappable("ConvTranspose2d supports only zeros padding")
            return "conv_transpose2d", without_defaults(attrs, CONV_DEFAULTS), conv_params(m)
        if isinstance(m, nn.Linear):
            attrs = {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None}
            return "linear", without_defaults(attrs, {"bias": True}), conv_params(m)
        if isinstance(m, nn.BatchNorm2d):
            return "batchnorm2d", {"num_features": m.num_features, **eps(m)}, batchnorm_params(m)
        if isinstance(m, nn.LayerNorm):
            attrs = {"normalized_shape": list(m.normalized_shape), **eps(m)}
            if not m.elementwise_affine:
                attrs["elementwise_affine"] = False
            return "layernorm", attrs, affine_params(m)
        if isinstance(m, nn.GroupNorm):
            attrs = {"num_groups": m.num_groups, "num_channels": m.num_channels, **eps(m)}
            if not m.affine:
                attrs["affine"] = False
            return "groupnorm", attrs, affine_params(m)
        if isinstance(m, nn.InstanceNorm2d):
            if m.track_running_stats:
                raise Unmappable("InstanceNorm2d with track_running_stats uses running statistics in eval mode; "
                                 "nnc's instancenorm2d has none")
            attrs = {"num_features": m.num_features, **eps(m)}
            if m.affine:
                attrs["affine"] = True
            return "instancenorm2d", attrs, affine_params(m)
        if isinstance(m, nn.MaxPool2d):
            if m.return_indices:
                raise Unmappable("return_indices has no nnc equivalent")
            return self.max_pool_layer(m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
        if isinstance(m, nn.AvgPool2d):
            return self.avg_pool_layer(m.kernel_size, m.stride, m.padding, m.ceil_mode, m.count_include_pad,
                                       m.divisor_override)
        if isinstance(m, nn.AdaptiveAvgPool2d):
            return "adaptive_avgpool2d", {"output_size": self.output_size(m.output_size, x)}, None
        if isinstance(m, nn.AdaptiveMaxPool2d):
            if m.return_indices:
                raise Unmappable("return_indices has no nnc equivalent")
            return "adaptive_maxpool2d", {"output_size": self.output_size(m.output_size, x)}, None
        if isinstance(m, nn.Flatten):
            return "flatten", {"start_dim": m.start_dim, "end_dim": m.end_dim}, None
        if isinstance(m, (nn.Dropout, nn.Dropout2d, nn.AlphaDropout)):
            return "dropout", {"p": float(m.p)}, None
        if isinstance(m, nn.Identity):
            return "identity", {}, None
        if isinstance(m, (nn.Softmax, nn.LogSoftmax)):
            if m.dim is None:
                raise Unmappable("softmax without dim (PyTorch's implicit, deprecated choice) is ambiguous; give dim")
            return ("softmax" if isinstance(m, nn.Softmax) else "log_softmax"), {"dim": m.dim}, None
        if isinstance(m, nn.PReLU):
            return "prelu", {"num_parameters": m.num_parameters}, {"weight": m.weight}
        if isinstance(m, nn.Upsample):
            return self.upsample_layer(m.size, m.scale_factor, m.mode, m.align_corners, m.recompute_scale_factor)
        if isinstance(m, nn.PixelShuffle):
            return "pixel_shuffle", {"upscale_factor": m.upscale_factor}, None
        if isinstance(m, nn.ChannelShuffle):
            return "channel_shuffle", {"groups": m.groups}, None
        if isinstance(m, (nn.ZeroPad2d, nn.ConstantPad2d, nn.ReflectionPad2d, nn.ReplicationPad2d)):
            mode = {nn.ReflectionPad2d: "reflect", nn.ReplicationPad2d: "replicate"}.get(type(m), "constant")
            return self.pad_layer(list(m.padding), mode, getattr(m, "value", 0.0))
        activation = self.activation_layer(m)
        return activation

    def activation_layer(self, m):
        for cls, op, fields in ACTIVATIONS:
            if type(m) is cls:
                attrs = {f: float(getattr(m, f)) if f != "approximate" else m.approximate for f in fields}
                return op, without_defaults(attrs, ACTIVATION_DEFAULTS), None
        return None

    def check_inplace(self, node, inplace):
        """An in-place op changes a tensor that later nodes may read; nnc's layers never do, so that is an error."""
        if not inplace:
            return
        source = node.args[0]
        if isinstance(source, torch.fx.Node) and any(user is not node and self.order[user] > self.order[node] for user in source.users):
            raise Unmappable(f"it works in place on '{source.name}', which later nodes read")

    def attention(self, m, name, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                  average_attn_weights=True):
        if key_padding_mask is not None or attn_mask is not None:
            raise Unmappable("attention masks have no nnc equivalent")
        if not m._qkv_same_embed_dim or m.bias_k is not None or m.add_zero_attn:
            raise Unmappable("kdim/vdim, add_bias_kv and add_zero_attn have no nnc equivalent")
        q, k, v = (self.tensor(t) for t in (query, key, value))
        attrs = {"embed_dim": m.embed_dim, "num_heads": m.num_heads}
        if m.in_proj_bias is None:
            attrs["bias"] = False
        if not m.batch_first:
            attrs["batch_first"] = False
        params = {"in_proj_weight": m.in_proj_weight, "out_proj.weight": m.out_proj.weight}
        if m.in_proj_bias is not None:
            params.update({"in_proj_bias": m.in_proj_bias, "out_proj.bias": m.out_proj.bias})
        inputs = [q] if q is k is v else [q, k, v]
        out = self.emit("multihead_attention", inputs, q.shape, attrs, params, name=name)
        return (out, NoValue("nnc's multihead_attention does not return the attention weights"))

    # ---- layer helpers shared by modules and functions

    def output_size(self, size, x):
        size = size if isinstance(size, (tuple, list)) else (size, size)
        return pair([x.shape[-2 + i] if s is None else s for i, s in enumerate(size)])

    def max_pool_layer(self, kernel_size, stride, padding, dilation, ceil_mode):
        attrs = {"kernel_size": pair(kernel_size), "stride": pair(stride or kernel_size), "padding": pair(padding),
                 "dilation": pair(dilation), "ceil_mode": bool(ceil_mode)}
        return "maxpool2d", without_defaults(attrs, POOL_DEFAULTS), None

    def avg_pool_layer(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
        if divisor_override is not None:
            raise Unmappable("divisor_override has no nnc equivalent")
        attrs = {"kernel_size": pair(kernel_size), "stride": pair(stride or kernel_size), "padding": pair(padding),
                 "ceil_mode": bool(ceil_mode), "count_include_pad": bool(count_include_pad)}
        return "avgpool2d", without_defaults(attrs, POOL_DEFAULTS), None

    def upsample_layer(self, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias=False):
        if mode not in ("nearest", "bilinear"):
            raise Unmappable(f"upsampling mode '{mode}' has no nnc equivalent (nearest, bilinear)")
        if antialias:
            raise Unmappable("antialiased interpolation has no nnc equivalent")
        attrs = {}
        if size is not None:
            attrs["size"] = pair(self.constant(size, "size"))
        elif recompute_scale_factor:
            attrs["size"] = pair(self.out_shape()[-2:])
        else:
            scale = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor, scale_factor)
            scale = [float(s) for s in scale]
            attrs["scale_factor"] = scale[0] if scale[0] == scale[1] else scale
        attrs["mode"] = mode
        if mode == "bilinear" and align_corners:
            attrs["align_corners"] = True
        return "upsample", attrs, None

    def pad_layer(self, pad, mode, value):
        attrs = {"pad": [int(p) for p in pad]}
        if mode != "constant":
            attrs["mode"] = mode
        elif value:
            attrs["value"] = float(value)
        return "pad", attrs, None

    def layer(self, x, mapped):
        op, attrs, params = mapped
        return self.emit(op, [self.tensor(x)], self.out_shape(), attrs, params)

    # ---- functions and methods

    def function_table(self):
        t = {}
        for fn in (operator.add, torch.add, operator.iadd):
            t[fn] = lambda a, b, alpha=1: self.binary("add", a, b, alpha)
        for fn in (operator.sub, torch.sub, operator.isub):
            t[fn] = lambda a, b, alpha=1: self.binary("sub", a, b, alpha)
        for fn in (operator.mul, torch.mul, operator.imul):
            t[fn] = lambda a, b: self.binary("mul", a, b)
        for fn in (operator.truediv, torch.div, torch.true_divide, operator.itruediv):
            t[fn] = lambda a, b, rounding_mode=None: self.binary("div", a, b, 1, rounding_mode)
        for fn in (torch.matmul, operator.matmul, torch.bmm):
            t[fn] = lambda a, b: self.emit("matmul", [self.tensor(a), self.tensor(b)], self.out_shape())
        t[torch.cat] = t[torch.concat] = self.cat
        t[torch.flatten] = lambda x, start_dim=0, end_dim=-1: self.flatten(x, start_dim, end_dim)
        t[torch.reshape] = self.reshape
        t[torch.permute] = lambda x, dims: self.permute(x, dims)
        t[torch.transpose] = t[torch.swapaxes] = self.transpose
        t[torch.squeeze] = self.squeeze
        t[torch.unsqueeze] = self.unsqueeze
        t[torch.mean] = self.mean
        t[torch.chunk] = self.chunk
        t[torch.split] = self.split
        t[operator.getitem] = self.getitem
        t[torch.channel_shuffle] = lambda x, groups: self.simple(x, "channel_shuffle", {"groups": groups})
        t[torch.pixel_shuffle] = t[F.pixel_shuffle] = (
            lambda x, upscale_factor: self.simple(x, "pixel_shuffle", {"upscale_factor": upscale_factor}))
        t[torch.relu] = t[F.relu] = lambda input, inplace=False: self.simple(input, "relu", inplace=inplace)
        t[F.relu6] = lambda input, inplace=False: self.simple(input, "relu6", inplace=inplace)
        t[F.hardswish] = lambda input, inplace=False: self.simple(input, "hardswish", inplace=inplace)
        t[F.hardsigmoid] = lambda input, inplace=False: self.simple(input, "hardsigmoid", inplace=inplace)
        t[F.silu] = lambda input, inplace=False: self.simple(input, "silu", inplace=inplace)
        t[F.selu] = lambda input, inplace=False: self.simple(input, "selu", inplace=inplace)
        t[F.mish] = lambda input, inplace=False: self.simple(input, "mish", inplace=inplace)
        t[torch.sigmoid] = t[F.sigmoid] = lambda input: self.simple(input, "sigmoid")
        t[torch.tanh] = t[F.tanh] = lambda input: self.simple(input, "tanh")
        t[F.gelu] = lambda input, approximate="none": self.simple(input, "gelu", {"approximate": approximate})
        t[F.leaky_relu] = lambda input, negative_slope=0.01, inplace=False: self.simple(
            input, "leaky_relu", {"negative_slope": float(negative_slope)}, inplace)
        t[F.elu] = lambda input, alpha=1.0, inplace=False: self.simple(input, "elu", {"alpha": float(alpha)}, inplace)
        t[F.hardtanh] = lambda input, min_val=-1.0, max_val=1.0, inplace=False: self.simple(
            input, "hardtanh", {"min_val": float(min_val), "max_val": float(max_val)}, inplace)
        t[F.softplus] = lambda input, beta=1, threshold=20: self.simple(
            input, "softplus", {"beta": float(beta), "threshold": float(threshold)})
        t[torch.softmax] = t[F.softmax] = lambda input, dim=None, _stacklevel=3, dtype=None: self.softmax(
            "softmax", input, dim, dtype)
        t[torch.log_softmax] = t[F.log_softmax] = lambda input, dim=None, _stacklevel=3, dtype=None: self.softmax(
            "log_softmax", input, dim, dtype)
        t[F.dropout] = lambda input, p=0.5, training=True, inplace=False: self.unless_training(input, training)
        t[F.adaptive_avg_pool2d] = lambda input, output_size: self.layer(
            input, ("adaptive_avgpool2d", {"output_size": self.output_size(output_size, self.tensor(input))}, None))
        t[F.adaptive_max_pool2d] = lambda input, output_size, return_indices=False: self.layer(
            input, ("adaptive_maxpool2d", {"output_size": self.output_size(output_size, self.tensor(input))}, None)
            if not return_indices else self.fail("return_indices has no nnc equivalent"))
        t[F.max_pool2d] = (lambda input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                           return_indices=False: self.layer(input, self.max_pool_layer(
                               kernel_size, stride, padding, dilation, ceil_mode) if not return_indices
                               else self.fail("return_indices has no nnc equivalent")))
        t[F.avg_pool2d] = (lambda input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                           divisor_override=None: self.layer(input, self.avg_pool_layer(
                               kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)))
        t[F.interpolate] = (lambda input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                            recompute_scale_factor=None, antialias=False: self.layer(input, self.upsample_layer(
                                size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)))
        t[F.pad] = lambda input, pad, mode="constant", value=None: self.layer(
            input, self.pad_layer(self.constant(pad, "pad"), mode, value or 0.0))
        t[F.layer_norm] = self.layer_norm
        t["stochastic_depth"] = lambda input, p, mode, training=True: self.unless_training(input, training and p > 0)
        return t

    def method_table(self):
        t = {
            "view": self.reshape, "reshape": self.reshape,
            "flatten": lambda x, start_dim=0, end_dim=-1: self.flatten(x, start_dim, end_dim),
            "permute": lambda x, *dims: self.permute(x, dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple))
                                                     else dims),
            "transpose": self.transpose, "squeeze": self.squeeze, "unsqueeze": self.unsqueeze, "mean": self.mean,
            "chunk": self.chunk, "split": self.split, "expand": self.expand,
            "contiguous": lambda x, memory_format=None: self.tensor(x),
            "clone": lambda x, memory_format=None: self.tensor(x),
            "add": lambda a, b, alpha=1: self.binary("add", a, b, alpha),
            "sub": lambda a, b, alpha=1: self.binary("sub", a, b, alpha),
            "mul": lambda a, b: self.binary("mul", a, b),
            "div": lambda a, b, rounding_mode=None: self.binary("div", a, b, 1, rounding_mode),
            "matmul": lambda a, b: self.emit("matmul", [self.tensor(a), self.tensor(b)], self.out_shape()),
            "relu": lambda x: self.simple(x, "relu"), "sigmoid": lambda x: self.simple(x, "sigmoid"),
            "tanh": lambda x: self.simple(x, "tanh"),
            "softmax": lambda x, dim, dtype=None: self.softmax("softmax", x, dim, dtype),
            "log_softmax": lambda x, dim, dtype=None: self.softmax("log_softmax", x, dim, dtype),
        }
        return t

    def here(self, make):
        """`make`, run later as if at the current node (its layers take this node's scope)."""
        node = self.node

        def at_node():
            later, self.node = self.node, node
            try:
                return make()
            finally:
                self.node = later
        return at_node

    def fail(self, why):
        raise Unmappable(why)

    def simple(self, x, op, attrs=None, inplace=False):
        self.check_inplace(self.node, inplace)
        return self.emit(op, [self.tensor(x)], self.out_shape(), without_defaults(attrs or {}, ACTIVATION_DEFAULTS))

    def unless_training(self, x, training):
        if training:
            raise Unmappable("it is active in training mode only; export the module in eval mode")
        return self.tensor(x)

    def softmax(self, op, x, dim, dtype):
        if dim is None or dtype is not None:
            raise Unmappable("softmax needs an explicit dim and no dtype")
        return self.emit(op, [self.tensor(x)], self.out_shape(), {"dim": dim})

    def binary(self, op, a, b, alpha=1, rounding_mode=None):
        if alpha != 1 or rounding_mode is not None:
            raise Unmappable("alpha and rounding_mode have no nnc equivalent")
        inputs = [self.operand(v) for v in (a, b)]
        return self.emit(op, inputs, self.out_shape())

    def operand(self, v):
        """A tensor, or a Python number as a one-element `parameter` layer (PyTorch computes x * 0.5 in float32)."""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return self.parameter_layer(self.function_name("scalar"), torch.tensor([float(v)], dtype=torch.float32))
        return self.tensor(v)

    def cat(self, tensors, dim=0):
        inputs = [self.tensor(t) for t in tensors]
        if len(inputs) == 1:
            return inputs[0]
        return self.emit("concat", inputs, self.out_shape(), {"dim": dim % len(inputs[0].shape)})

    def flatten(self, x, start_dim, end_dim):
        x = self.tensor(x)
        if self.out_shape() == x.shape:
            return x
        return self.emit("flatten", [x], self.out_shape(), {"start_dim": start_dim, "end_dim": end_dim})

    def reshape(self, x, *shape):
        """view/reshape to the node's static output shape: a flatten when it merges adjacent dims, else a reshape."""
        x, out = self.tensor(x), self.out_shape()
        if out == x.shape:
            return x
        rank = len(x.shape)
        for start in range(rank):
            end = start + rank - len(out)
            if end > start and end < rank and out == x.shape[:start] + [math.prod(x.shape[start:end + 1])] + x.shape[end + 1:]:
                return self.emit("flatten", [x], out, {"start_dim": start, "end_dim": end})
        return self.emit("reshape", [x], out, {"shape": out})

    def permute(self, x, dims):
        x, dims = self.tensor(x), [d % len(self.tensor(x).shape) for d in self.constant(dims, "dims")]
        if dims == list(range(len(dims))):
            return x
        return self.emit("permute", [x], self.out_shape(), {"dims": dims})

    def transpose(self, x, dim0, dim1):
        x = self.tensor(x)
        if dim0 % len(x.shape) == dim1 % len(x.shape):
            return x
        return self.emit("transpose", [x], self.out_shape(), {"dim0": dim0, "dim1": dim1})

    def squeeze(self, x, dim=None):
        x = self.tensor(x)
        if self.out_shape() == x.shape:
            return x
        if dim is None:
            return self.emit("reshape", [x], self.out_shape(), {"shape": self.out_shape()})
        return self.emit("squeeze", [x], self.out_shape(), {"dim": dim})

    def unsqueeze(self, x, dim):
        return self.emit("unsqueeze", [self.tensor(x)], self.out_shape(), {"dim": dim})

    def mean(self, x, dim=None, keepdim=False, dtype=None):
        if dim is None or dtype is not None:
            raise Unmappable("mean over every dim, or with a dtype, has no nnc equivalent; give dim")
        dim = list(dim) if isinstance(dim, (list, tuple)) else dim
        attrs = {"dim": dim}
        if keepdim:
            attrs["keepdim"] = True
        return self.emit("mean", [self.tensor(x)], self.out_shape(), attrs)

    def expand(self, x, *sizes):
        """Tensor.expand as concats of copies along each dim it widens (nnc has no broadcast-to op)."""
        x, out = self.tensor(x), self.out_shape()
        if len(out) != len(x.shape):
            raise Unmappable("expand that adds dims has no nnc equivalent")
        for d, (have, want) in enumerate(zip(x.shape, out)):
            if have != want:
                shape = list(x.shape)
                shape[d] = want
                x = self.emit("concat", [x] * want, shape, {"dim": d})
        return x

    def pieces(self, x, sizes, dim):
        """Deferred slices of x along dim with the given sizes (torch.chunk and torch.split)."""
        x = self.tensor(x)
        dim = dim % len(x.shape)
        if len(sizes) == 1:
            return (x,)
        result, start = [], 0
        for size in sizes:
            result.append(Deferred(self.here(lambda start=start, size=size: self.slice_layer(x, dim, start, start + size,
                                                                                             1))))
            start += size
        return tuple(result)

    def chunk(self, x, chunks, dim=0):
        total = self.tensor(x).shape[dim]
        step = -(-total // chunks)
        return self.pieces(x, [min(step, total - s) for s in range(0, total, step)], dim)

    def split(self, x, split_size_or_sections, dim=0):
        total = self.tensor(x).shape[dim]
        if isinstance(split_size_or_sections, int):
            s = split_size_or_sections
            sizes = [min(s, total - start) for start in range(0, total, s)]
        else:
            sizes = list(split_size_or_sections)
        return self.pieces(x, sizes, dim)

    def slice_layer(self, x, dim, start, end, step):
        size = len(range(*slice(start, end, step).indices(x.shape[dim])))
        if size == x.shape[dim] and step == 1:
            return x
        shape = list(x.shape)
        shape[dim] = size
        attrs = {"dim": dim, "start": start}
        if end is not None:
            attrs["end"] = end
        if step != 1:
            attrs["step"] = step
        return self.emit("slice", [x], shape, attrs)

    def getitem(self, base, index):
        if isinstance(base, (list, tuple, dict)):
            return base[self.constant(index, "index")]
        x = self.tensor(base, "indexed value")
        index = index if isinstance(index, tuple) else (index,)
        if not is_static(index):
            raise Unmappable("indexing with a tensor (advanced indexing, a gather) has no nnc equivalent")
        consuming = sum(1 for i in index if i is not None and i is not Ellipsis)
        d = 0
        for item in index:
            if item is Ellipsis:
                d += len(x.shape) - d - (consuming - sum(1 for i in index[:index.index(Ellipsis)]
                                                        if i is not None and i is not Ellipsis))
            elif item is None:
                shape = x.shape[:d] + [1] + x.shape[d:]
                x = self.emit("unsqueeze", [x], shape, {"dim": d})
                d += 1
            elif isinstance(item, slice):
                step = 1 if item.step is None else item.step
                if step < 1:
                    raise Unmappable("slices with a step below 1 have no nnc equivalent")
                x = self.slice_layer(x, d, item.start or 0, item.stop, step)
                d += 1
            elif isinstance(item, int) and not isinstance(item, bool):
                size = x.shape[d]
                if not -size <= item < size:
                    raise Unmappable(f"index {item} is out of range for size {size}")
                x = self.emit("select", [x], x.shape[:d] + x.shape[d + 1:], {"dim": d, "index": item % size})
            else:
                raise Unmappable(f"indexing with {type(item).__name__} (advanced indexing) has no nnc equivalent")
        return x

    def layer_norm(self, input, normalized_shape, weight=None, bias=None, eps=1e-5):
        """F.layer_norm, as nn.LayerNorm subclasses call it: named after the module owning weight and bias."""
        attrs = {"normalized_shape": list(normalized_shape), "eps": float(eps)}
        if weight is None and bias is None:
            attrs["elementwise_affine"] = False
            return self.emit("layernorm", [self.tensor(input)], self.out_shape(), attrs)
        if not (isinstance(weight, Parameter) and isinstance(bias, Parameter)
                and weight.path.endswith(".weight") and bias.path == weight.path[:-len("weight")] + "bias"):
            raise Unmappable("layer_norm's weight and bias must be a module's `weight` and `bias` parameters")
        owner = weight.path[:-len(".weight")]
        return self.emit("layernorm", [self.tensor(input)], self.out_shape(), attrs,
                         {"weight": weight.value, "bias": bias.value}, name=self.unique(owner, True))


CONV_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True, "padding_mode": "zeros",
                 "output_padding": 0}
POOL_DEFAULTS = {"padding": 0, "dilation": 1, "ceil_mode": False, "count_include_pad": True}

# Leaf modules that map one to one, with the attributes they carry over.
ACTIVATIONS = [
    (nn.ReLU, "relu", []), (nn.ReLU6, "relu6", []), (nn.Sigmoid, "sigmoid", []), (nn.Tanh, "tanh", []),
    (nn.SiLU, "silu", []), (nn.Hardswish, "hardswish", []), (nn.Hardsigmoid, "hardsigmoid", []),
    (nn.SELU, "selu", []), (nn.Mish, "mish", []), (nn.GELU, "gelu", ["approximate"]),
    (nn.LeakyReLU, "leaky_relu", ["negative_slope"]), (nn.ELU, "elu", ["alpha"]),
    (nn.Hardtanh, "hardtanh", ["min_val", "max_val"]), (nn.Softplus, "softplus", ["beta", "threshold"]),
]


ACTIVATION_DEFAULTS = {"approximate": "none", "negative_slope": 0.01, "alpha": 1.0, "min_val": -1.0, "max_val": 1.0,
                       "beta": 1.0, "threshold": 20.0}


def without_defaults(attrs, defaults):
    return {k: v for k, v in attrs.items() if k not in defaults or defaults[k] != v}


def eps(m):
    return {"eps": float(m.eps)} if m.eps != 1e-5 else {}


def conv_params(m):
    return {"weight": m.weight, **({"bias": m.bias} if m.bias is not None else {})}


def affine_params(m):
    return {"weight": m.weight, "bias": m.bias} if getattr(m, "weight", None) is not None else None


def batchnorm_params(m):
    if m.running_mean is None:
        raise Unmappable("BatchNorm2d without running statistics uses batch statistics, even in eval mode")
    weight = m.weight if m.affine else torch.ones(m.num_features)
    bias = m.bias if m.affine else torch.zeros(m.num_features)
    return {"weight": weight, "bias": bias, "running_mean": m.running_mean, "running_var": m.running_var}


# ---- files

def safetensors_bytes(weights):
    header, offset = {}, 0
    for key, array in weights.items():
        header[key] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little"), text, [a.astype("<f4", copy=False) for a in weights.values()]


def model_yaml(layers, input_shape, weights_file, output, origin):
    def flow(value):  # one line; wrapped in a list so that a plain scalar gets no document-end marker
        return yaml.safe_dump([value], default_flow_style=True, width=float("inf"), sort_keys=False).strip()[1:-1]

    lines = [f"# Exported by tools/nnc_export.py from {origin} (torch {torch.__version__}).",
             f"input: {{shape: {flow(list(input_shape))}}}", f"weights: {flow(weights_file)}", "layers:"]
    lines += [f"  - {flow(layer)}" for layer in layers]
    if output != layers[-1]["name"]:
        lines.append(f"output: {flow(output)}")
    return "\n".join(lines) + "\n"


def write_files(yaml_path, text, weights):
    """Writes OUT.yaml and OUT.safetensors whole or not at all: temporary files beside them, renamed when both are
    complete."""
    yaml_path = Path(yaml_path)
    weights_path = yaml_path.with_suffix(".safetensors")
    temps = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, write in ((weights_path, lambda f: write_safetensors(f, weights)),
                            (yaml_path, lambda f: f.write(text.encode()))):
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            temps.append((temp, path))
            os.fchmod(fd, 0o666 & ~umask)
            with os.fdopen(fd, "wb") as f:
                write(f)
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


def write_safetensors(f, weights):
    size, header, arrays = safetensors_bytes(weights)
    f.write(size)
    f.write(header)
    for array in arrays:
        f.write(array.tobytes())


# ---- the API and the command line

def trace(module, input_shape):
    """The module traced by torch.fx in eval mode, with shapes and static values propagated."""
    module.eval()
    with python311_unpacking():
        tracer = ScopedTracer()
        graph = tracer.trace(module)
    gm = torch.fx.GraphModule(tracer.root, graph)
    example = torch.randn(input_shape, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ValueProp(gm).propagate(example)
    return gm


def export(module, input_shape, yaml_path, output_key="out", origin=None):
    """Exports `module` at `input_shape` to yaml_path and yaml_path with .safetensors; raises ExportError."""
    try:
        gm = trace(module, input_shape)
    except Exception as e:
        raise ExportError([f"torch.fx cannot trace {type(module).__name__}: {type(e).__name__}: {e}"]) from e
    exporter = Exporter(gm, input_shape, output_key)
    exporter.run()
    output = exporter.values[next(n for n in gm.graph.nodes if n.op == "output")]
    text = model_yaml(exporter.layers, input_shape, Path(yaml_path).with_suffix(".safetensors").name, output.name,
                      origin or type(module).__name__)
    write_files(yaml_path, text, exporter.weights)
    return exporter.layers


def load_factory(spec):
    """The callable named by `package.module.attr` or `FILE.py:attr`."""
    if ":" in spec:
        file, _, attr = spec.rpartition(":")
        loader = importlib.util.spec_from_file_location(Path(file).stem, file)
        if loader is None or not Path(file).is_file():
            raise ValueError(f"cannot read '{file}'")
        module = importlib.util.module_from_spec(loader)
        sys.path.insert(0, str(Path(file).resolve().parent))
        loader.loader.exec_module(module)
        return getattr(module, attr)
    module_name, _, attr = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"'{spec}' is neither package.module.factory nor FILE.py:factory")
    return getattr(importlib.import_module(module_name), attr)


def parse_kwarg(text):
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=VALUE")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def parse_shape(text):
    try:
        shape = [int(s) for s in text.split(",")]
    except ValueError:
        shape = []
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a shape such as 1,3,224,224")
    return shape


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", metavar="MODULE_SPEC", help="package.module.factory or FILE.py:factory")
    parser.add_argument("--input-shape", required=True, type=parse_shape, help="e.g. 1,3,224,224")
    parser.add_argument("-o", "--output", required=True, type=Path, help="OUT.yaml (OUT.safetensors beside it)")
    parser.add_argument("--kwarg", action="append", default=[], type=parse_kwarg, metavar="NAME=VALUE",
                        help="a keyword argument for the factory, a Python literal (repeatable)")
    parser.add_argument("--output-key", default="out", help="the entry exported when the model returns a dict")
    args = parser.parse_args(argv)
    if args.output.suffix != ".yaml" or not args.output.parent.is_dir():
        parser.error(f"-o {args.output}: give OUT.yaml in an existing directory")
    try:
        factory = load_factory(args.module)
        module = factory(**dict(args.kwarg))
    except Exception as e:
        print(f"nnc_export: error: {args.module}: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    if not isinstance(module, nn.Module):
        print(f"nnc_export: error: {args.module} returned {type(module).__name__}, not an nn.Module", file=sys.stderr)
        return 2
    try:
        layers = export(module, args.input_shape, args.output, args.output_key, origin=args.module)
    except ExportError as e:
        for problem in e.problems:
            print(f"nnc_export: error: {problem}", file=sys.stderr)
        print(f"nnc_export: {len(e.problems)} error(s); nothing written", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({len(layers)} layers) and {args.output.with_suffix('.safetensors')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
