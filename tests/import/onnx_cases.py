"""Small ONNX graphs built with onnx.helper, one or a few per mapping of `nnc import`, each with its PyTorch
reference: case.reference(x, weights) computes what the graph computes, as PyTorch defines the op nnc maps it to.

A graph reads `x` (float32, case.shape) and writes `y`; its initializers are seeded, so every run builds the same
file.
"""
import math

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper

INT64_MAX = 2**63 - 1


class Case:
    def __init__(self, name, shape, nodes, reference, inits=None, opset=13, input_shape=None):
        self.name, self.shape, self.nodes, self.reference = name, list(shape), nodes, reference
        self.inits, self.opset = inits or {}, opset
        self.input_shape = input_shape or self.shape  # the shape declared in the graph (None: dynamic dims)

    def model(self):
        inits = [helper.make_tensor(k, TensorProto.INT64 if v.dtype == np.int64 else TensorProto.FLOAT, v.shape,
                                    v.flatten().tolist()) for k, v in self.inits.items()]
        graph = helper.make_graph(self.nodes, self.name,
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, self.input_shape)],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, self.output_shape())], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = 8
        return model

    def output_shape(self):
        return list(self.expected(np.zeros(self.shape, np.float32)).shape)

    def expected(self, x):
        weights = {k: torch.from_numpy(v) for k, v in self.inits.items()}
        with torch.no_grad():
            return self.reference(torch.from_numpy(x), weights).numpy()


def rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(np.float32)


def ints(*values):
    return np.array(values, dtype=np.int64)


def f32(*values):
    return np.array(values, dtype=np.float32)


def node(op, inputs, outputs=("y",), name=None, **attrs):
    return helper.make_node(op, list(inputs), list(outputs), name=name or f"{op.lower()}_node", **attrs)


def unary(op, fn, opset=13, **attrs):
    return Case(f"{op}{''.join(f'_{k}' for k in attrs)}", [1, 3, 5, 5], [node(op, ["x"], **attrs)], lambda x, w: fn(x), opset=opset)


def cases():
    c = []
    # ---- layers with weights
    c.append(Case("conv", [1, 3, 9, 9], [node("Conv", ["x", "W", "B"], pads=[1, 1, 1, 1], strides=[2, 2])],
                  lambda x, w: F.conv2d(x, w["W"], w["B"], stride=2, padding=1), {"W": rand(4, 3, 3, 3), "B": rand(4)}))
    c.append(Case("conv_asymmetric_pads_groups", [1, 4, 8, 8],
                  [node("Conv", ["x", "W"], pads=[0, 0, 1, 1], group=2, dilations=[1, 2], kernel_shape=[3, 3])],
                  lambda x, w: F.conv2d(F.pad(x, (0, 1, 0, 1)), w["W"], groups=2, dilation=(1, 2)), {"W": rand(6, 2, 3, 3)}))
    c.append(Case("conv_same_upper", [1, 2, 8, 8], [node("Conv", ["x", "W"], auto_pad="SAME_UPPER", strides=[2, 2])],
                  lambda x, w: F.conv2d(F.pad(x, (0, 1, 0, 1)), w["W"], stride=2), {"W": rand(3, 2, 3, 3)}))
    c.append(Case("conv_transpose", [1, 4, 5, 5],
                  [node("ConvTranspose", ["x", "W", "B"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])],
                  lambda x, w: F.conv_transpose2d(x, w["W"], w["B"], stride=2, padding=1, output_padding=1),
                  {"W": rand(4, 3, 3, 3), "B": rand(3)}))
    c.append(Case("gemm_transB_alpha_beta", [2, 6], [node("Gemm", ["x", "W", "C"], transB=1, alpha=0.5, beta=2.0)],
                  lambda x, w: 0.5 * x @ w["W"].T + 2 * w["C"], {"W": rand(5, 6), "C": rand(5)}))
    c.append(Case("gemm_no_bias", [2, 6], [node("Gemm", ["x", "W"])], lambda x, w: x @ w["W"], {"W": rand(6, 5)}))
    c.append(Case("matmul_add_is_linear", [1, 3, 6], [node("MatMul", ["x", "W"], ["h"]), node("Add", ["h", "B"])],
                  lambda x, w: x @ w["W"] + w["B"], {"W": rand(6, 4), "B": rand(4)}))
    c.append(Case("matmul_of_tensors", [1, 3, 6], [node("Transpose", ["x"], ["t"], perm=[0, 2, 1]), node("MatMul", ["x", "t"])],
                  lambda x, w: x @ x.transpose(1, 2)))
    c.append(Case("batchnorm", [1, 3, 4, 4], [node("BatchNormalization", ["x", "s", "b", "m", "v"], epsilon=1e-3)],
                  lambda x, w: F.batch_norm(x, w["m"], w["v"], w["s"], w["b"], eps=1e-3),
                  {"s": rand(3), "b": rand(3, seed=1), "m": rand(3, seed=2), "v": np.abs(rand(3, seed=3)) + 0.5}))
    c.append(Case("layernormalization_opset17", [1, 3, 8], [node("LayerNormalization", ["x", "s", "b"], axis=-1, epsilon=1e-6)],
                  lambda x, w: F.layer_norm(x, [8], w["s"], w["b"], eps=1e-6), {"s": rand(8), "b": rand(8, seed=1)}, opset=17))
    c.append(Case("layernorm_decomposed", [1, 3, 8], [
        node("ReduceMean", ["x"], ["mean"], axes=[-1]), node("Sub", ["x", "mean"], ["d"]),
        node("Pow", ["d", "two"], ["sq"]), node("ReduceMean", ["sq"], ["var"], axes=[-1]),
        node("Add", ["var", "eps"], ["ve"]), node("Sqrt", ["ve"], ["std"]), node("Div", ["d", "std"], ["n"]),
        node("Mul", ["n", "s"], ["ns"]), node("Add", ["ns", "b"])],
        lambda x, w: F.layer_norm(x, [8], w["s"], w["b"], eps=1e-5),
        {"two": f32(2.0), "eps": f32(1e-5), "s": rand(8), "b": rand(8, seed=1)}))
    c.append(Case("prelu", [1, 3, 4, 4], [node("PRelu", ["x", "slope"])], lambda x, w: F.prelu(x, w["slope"].flatten()),
                  {"slope": rand(3, 1, 1)}))
    # ---- activations
    c += [unary("Relu", F.relu), unary("Sigmoid", torch.sigmoid), unary("Tanh", torch.tanh),
          unary("HardSwish", F.hardswish, opset=14), unary("Softplus", F.softplus), unary("Selu", F.selu),
          unary("Elu", lambda x: F.elu(x, 0.5), alpha=0.5), unary("LeakyRelu", lambda x: F.leaky_relu(x, 0.2), alpha=0.2),
          unary("HardSigmoid", F.hardsigmoid, alpha=1 / 6, beta=0.5)]
    for lo, hi, fn in ((0.0, 6.0, F.relu6), (-1.0, 2.0, lambda x: F.hardtanh(x, -1.0, 2.0)), (0.0, None, F.relu)):
        bounds = {"lo": f32(lo)} | ({"hi": f32(hi)} if hi is not None else {})
        c.append(Case(f"clip_{lo}_{hi}", [1, 3, 5, 5], [node("Mul", ["x", "four"], ["x4"]), node("Clip", ["x4", *bounds])],
                      lambda x, w, fn=fn: fn(x * 4), {"four": f32(4.0), **bounds}))
    c.append(Case("silu_pattern", [1, 3, 5, 5], [node("Sigmoid", ["x"], ["s"]), node("Mul", ["x", "s"])], lambda x, w: F.silu(x)))
    c.append(Case("hardswish_pattern", [1, 3, 5, 5], [node("HardSigmoid", ["x"], ["s"], alpha=1 / 6), node("Mul", ["x", "s"])],
                  lambda x, w: F.hardswish(x)))
    c.append(Case("gelu_erf_pattern", [1, 3, 5, 5], [
        node("Div", ["x", "sqrt2"], ["d"]), node("Erf", ["d"], ["e"]), node("Add", ["e", "one"], ["a"]),
        node("Mul", ["x", "a"], ["m"]), node("Mul", ["m", "half"])], lambda x, w: F.gelu(x),
        {"sqrt2": f32(math.sqrt(2)), "one": f32(1.0), "half": f32(0.5)}))
    # ---- windows
    c.append(Case("maxpool", [1, 2, 9, 9], [node("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)],
                  lambda x, w: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)))
    c.append(Case("averagepool", [1, 2, 8, 8], [node("AveragePool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])],
                  lambda x, w: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)))
    c.append(Case("globalaveragepool", [1, 3, 5, 5], [node("GlobalAveragePool", ["x"])], lambda x, w: x.mean((2, 3), keepdim=True)))
    # ---- shapes
    c.append(Case("flatten", [1, 3, 2, 2], [node("Flatten", ["x"])], lambda x, w: x.flatten(1)))
    c.append(Case("flatten_axis2", [1, 3, 2, 2], [node("Flatten", ["x"], axis=2)], lambda x, w: x.reshape(3, 4)))
    c.append(Case("reshape_of_folded_shape", [2, 3, 4], [
        node("Shape", ["x"], ["s"]), node("Gather", ["s", "zero"], ["n"], axis=0), node("Unsqueeze", ["n", "axes0"], ["n1"]),
        node("Concat", ["n1", "minus1"], ["shape"], axis=0), node("Reshape", ["x", "shape"])],
        lambda x, w: x.reshape(2, -1), {"zero": np.array(0, dtype=np.int64), "axes0": ints(0), "minus1": ints(-1)}))
    c.append(Case("transpose", [1, 2, 3, 4], [node("Transpose", ["x"], perm=[0, 3, 1, 2])], lambda x, w: x.permute(0, 3, 1, 2)))
    c.append(Case("unsqueeze_squeeze", [1, 3, 4], [node("Unsqueeze", ["x", "a"], ["u"]), node("Squeeze", ["u", "a"], ["s"]),
                                                    node("Unsqueeze", ["s", "a2"])],
                  lambda x, w: x.unsqueeze(1).unsqueeze(4), {"a": ints(1), "a2": ints(1, 4)}))
    c.append(Case("squeeze_unsqueeze_opset11", [1, 3, 1, 4], [node("Squeeze", ["x"], ["s"], axes=[2]), node("Unsqueeze", ["s"], axes=[0])],
                  lambda x, w: x.squeeze(2).unsqueeze(0), opset=11))
    c.append(Case("slice", [1, 4, 6, 6], [node("Slice", ["x", "st", "en", "ax", "sp"])], lambda x, w: x[:, 1:, -5:INT64_MAX:2],
                  {"st": ints(1, -5), "en": ints(INT64_MAX, INT64_MAX), "ax": ints(1, 2), "sp": ints(1, 2)}))
    c.append(Case("gather_scalar_is_select", [1, 4, 3], [node("Gather", ["x", "i"], axis=1)], lambda x, w: x[:, -1],
                  {"i": np.array(-1, dtype=np.int64)}))
    c.append(Case("concat_with_initializer", [1, 2, 3], [node("Concat", ["x", "P"], axis=1)], lambda x, w: torch.cat([x, w["P"]], 1),
                  {"P": rand(1, 1, 3)}))
    c.append(Case("split", [1, 4, 3], [node("Split", ["x", "sizes"], ["a", "b"], axis=1), node("Sub", ["a", "b"])],
                  lambda x, w: x[:, :2] - x[:, 2:], {"sizes": ints(2, 2)}))
    c.append(Case("split_opset11_attr", [1, 4, 3], [node("Split", ["x"], ["a", "b"], axis=1, split=[1, 3]),
                                                     node("ReduceMean", ["b"], ["m"], axes=[1]), node("Add", ["a", "m"])],
                  lambda x, w: x[:, :1] + x[:, 1:].mean(1, keepdim=True), opset=11))
    c.append(Case("expand", [1, 1, 3], [node("Expand", ["x", "shape"])], lambda x, w: x.expand(1, 4, 3), {"shape": ints(1, 4, 3)}))
    c.append(Case("identity_dropout", [1, 3], [node("Identity", ["x"], ["i"]), node("Dropout", ["i"], ["d"]), node("Relu", ["d"])],
                  lambda x, w: F.relu(x)))
    # ---- arithmetic with constants, reductions, softmax
    c.append(Case("add_sub_mul_div_constants", [1, 3, 2, 2], [
        node("Add", ["x", "a"], ["t1"], name="add"), node("Sub", ["b", "t1"], ["t2"], name="sub"),
        node("Mul", ["t2", "c"], ["t3"], name="mul"), node("Div", ["t3", "d"], name="div")],
        lambda x, w: ((w["b"] - (x + w["a"])) * w["c"]) / w["d"],
        {"a": rand(3, 1, 1), "b": f32(0.5), "c": rand(1, 3, 2, 2), "d": np.abs(rand(2)) + 1}))
    c.append(Case("reducemean", [1, 3, 4, 4], [node("ReduceMean", ["x"], axes=[2, 3], keepdims=0)], lambda x, w: x.mean((2, 3))))
    c.append(Case("softmax", [1, 3, 4], [node("Softmax", ["x"])], lambda x, w: F.softmax(x, -1)))
    c.append(Case("logsoftmax_axis1", [1, 3, 4], [node("LogSoftmax", ["x"], axis=1)], lambda x, w: F.log_softmax(x, 1)))
    # ---- resize and pad
    c.append(Case("resize_nearest", [1, 2, 3, 4], [node("Resize", ["x", "", "scales"], mode="nearest",
                                                        coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
                  lambda x, w: F.interpolate(x, scale_factor=2, mode="nearest"), {"scales": f32(1, 1, 2, 2)}))
    c.append(Case("resize_bilinear_sizes", [1, 2, 3, 4], [node("Resize", ["x", "", "", "sizes"], mode="linear",
                                                               coordinate_transformation_mode="half_pixel")],
                  lambda x, w: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False), {"sizes": ints(1, 2, 5, 7)}))
    c.append(Case("resize_align_corners", [1, 2, 3, 4], [node("Resize", ["x", "", "scales"], mode="linear",
                                                              coordinate_transformation_mode="align_corners")],
                  lambda x, w: F.interpolate(x, size=(6, 8), mode="bilinear", align_corners=True), {"scales": f32(1, 1, 2, 2)}))
    c.append(Case("pad_reflect", [1, 2, 4, 4], [node("Pad", ["x", "pads"], mode="reflect")],
                  lambda x, w: F.pad(x, (2, 1, 1, 0), mode="reflect"), {"pads": ints(0, 0, 1, 2, 0, 0, 0, 1)}))
    c.append(Case("pad_constant_value", [1, 2, 4, 4], [node("Pad", ["x", "pads", "v"])],
                  lambda x, w: F.pad(x, (1, 1, 0, 2), value=0.5), {"pads": ints(0, 0, 0, 1, 0, 0, 2, 1), "v": f32(0.5)}))
    c.append(Case("dynamic_batch_with_input_shape", [2, 3], [node("Relu", ["x"])], lambda x, w: F.relu(x), input_shape=["N", 3]))
    return c
