"""Random attributes for one layer, given the shape of the tensor it reads.

Every attribute of an op's schema (`nnc ops --format json`) gets a value of its type or is left out (its default),
so an op that lands later is covered without changes here. Ops whose validity depends on the input's shape have a
proposal of their own (PROPOSALS) that leans to the edges: kernels as large as the input, strides larger than the
kernel, dilation, groups up to depthwise, ceil_mode windows that start in the padding, negative dims, -1 in
reshape, negative (cropping) pads. A proposal may still be invalid; the generator asks PyTorch and draws again.
"""
import math

FLOATS = [0.0, 0.1, 0.5, 1.0, 2.0, -0.5, 3.0, 1, 0]  # ints too: a float attribute may be written `1`
OVER = 0.05  # how often a bound is overshot by one, for a layer PyTorch refuses and nnc check must refuse too
POSITIVE_FLOATS = [1e-5, 1e-3, 0.1, 1.0]


def maybe(rng, probability=0.5):
    return rng.random() < probability


def size2(rng, low, high):
    """An int or, half the time, an [h, w] pair, each in [low, high]."""
    if maybe(rng):
        return rng.randint(low, high)
    return [rng.randint(low, high), rng.randint(low, high)]


def pair(value):
    return list(value) if isinstance(value, list) else [value, value]


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def dim(rng, rank):
    """A dim of a rank-`rank` tensor, negative half the time."""
    d = rng.randrange(rank)
    return d - rank if maybe(rng) else d


def generic_value(rng, attribute, rank):
    """A value of the attribute's type, for ops without a proposal of their own."""
    kind, low = attribute["type"], attribute.get("min", 0)
    if kind == "bool":
        return maybe(rng)
    if kind == "choice":
        return rng.choice(attribute["choices"])
    if kind == "float":
        return rng.choice(POSITIVE_FLOATS if "eps" in attribute["name"] else FLOATS)
    if kind == "int":
        return rng.randint(max(low, -rank), max(low, rank - 1))
    if kind in ("size2", "output_size"):
        return size2(rng, max(low, 1), 3)
    if kind == "scale2":
        return rng.choice([2, 0.5, 1.5, [2, 3]])
    if kind == "int_list":
        return [rng.randint(max(low, -rank), max(low, rank - 1)) for _ in range(rng.randint(1, rank))]
    if kind == "padding":
        return rng.choice([0, 1, [1, 0]] + attribute.get("choices", []))
    raise ValueError(f"no random values for attribute type {kind}")


def inferred_value(op, name, shape):
    """The value an inferred attribute (in_channels, num_features, ...) takes from the input, as the op's twin
    declares it, or None."""
    for arg in op["torch"]["args"]:
        if arg["attr"] == name and arg["when_left_out"] == "input_dim":
            return shape[arg["input_dim"]]
    return None


def schema_values(rng, op, shape, proposed):
    """The attributes a proposal left out: an inferred one written out now and then (it is checked), the required
    ones drawn, and half the others; for an op with a proposal, only those of a type validity cannot depend on."""
    attrs = {}
    for attribute in op["attributes"]:
        name = attribute["name"]
        if name in proposed:
            continue
        if attribute.get("inferred"):
            value = inferred_value(op, name, shape)
            if value is not None and maybe(rng, 0.3):
                attrs[name] = value
        elif op["name"] in PROPOSALS and attribute["type"] not in ("bool", "choice", "float"):
            continue
        elif attribute.get("required") or maybe(rng):
            attrs[name] = generic_value(rng, attribute, len(shape))
    return attrs


def window(rng, size, dilation=1):
    """A kernel for an axis of `size`: often exactly the (dilated) size, now and then one more, else small."""
    largest = max(1, (size - 1) // dilation + 1)
    if maybe(rng, OVER):
        return largest + 1
    return largest if maybe(rng, 0.2) else rng.randint(1, min(largest, 4))


def up_to(rng, bound):
    """An int in [0, bound], now and then bound + 1."""
    return bound + 1 if maybe(rng, OVER) else rng.randint(0, bound)


def conv2d(rng, shape):
    channels, spatial = shape[1], shape[2:]
    groups = rng.choice(divisors(channels))
    if maybe(rng, 0.2):
        groups = channels  # depthwise
    out = groups * rng.randint(1, max(1, (channels + 6) // groups)) if groups < channels or maybe(rng) else channels
    dilation = [rng.choice([1, 1, 2]) for _ in spatial]
    kernel = [window(rng, n, d) for n, d in zip(spatial, dilation)]
    attrs = {"out_channels": out, "kernel_size": kernel if maybe(rng) or kernel[0] != kernel[1] else kernel[0]}
    if groups > 1:
        attrs["groups"] = groups
    if dilation != [1, 1]:
        attrs["dilation"] = dilation
    if maybe(rng, 0.2):
        attrs["padding"] = rng.choice(["same", "valid"])
    elif maybe(rng):
        attrs["padding"] = [up_to(rng, min(k, n - 1)) for k, n in zip(kernel, spatial)]
    if attrs.get("padding") != "same" and maybe(rng):
        attrs["stride"] = size2(rng, 1, max(kernel) + 2)  # may exceed the kernel
    if maybe(rng, 0.3):
        attrs["padding_mode"] = rng.choice(["zeros", "reflect", "replicate", "circular"])
    return attrs


def conv_transpose2d(rng, shape):
    channels = shape[1]
    groups = rng.choice(divisors(channels))
    attrs = {"out_channels": groups * rng.randint(1, max(1, (channels + 6) // groups)), "kernel_size": size2(rng, 1, 4)}
    kernel = pair(attrs["kernel_size"])
    if groups > 1:
        attrs["groups"] = groups
    stride, dilation = size2(rng, 1, 3), size2(rng, 1, 2)
    if maybe(rng):
        attrs["stride"] = stride
    if maybe(rng, 0.3):
        attrs["dilation"] = dilation
    stride, dilation = pair(attrs.get("stride", 1)), pair(attrs.get("dilation", 1))
    if maybe(rng):
        attrs["padding"] = [rng.randint(0, d * (k - 1)) for k, d in zip(kernel, dilation)]
    if maybe(rng, 0.4):
        attrs["output_padding"] = [rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation)]
    return attrs


def pool(rng, shape, has_dilation):
    spatial = shape[2:]
    dilation = [rng.choice([1, 1, 2]) for _ in spatial] if has_dilation else [1, 1]
    kernel = [window(rng, n, d) for n, d in zip(spatial, dilation)]
    attrs = {"kernel_size": kernel}
    if maybe(rng, 0.6):
        attrs["stride"] = size2(rng, 1, max(kernel) + 2)
    if maybe(rng, 0.6):
        attrs["padding"] = [up_to(rng, k // 2) for k in kernel]
    if dilation != [1, 1]:
        attrs["dilation"] = dilation
    return attrs


def maxpool2d(rng, shape):
    return pool(rng, shape, has_dilation=True)


def avgpool2d(rng, shape):
    return pool(rng, shape, has_dilation=False)


def adaptive_pool(rng, shape):
    sizes = [rng.randint(1, n + 2) for n in shape[2:]]
    if maybe(rng, 0.2):
        sizes[rng.randrange(2)] = None
    return {"output_size": sizes if maybe(rng) or sizes[0] != sizes[1] else sizes[0]}


def upsample(rng, shape):
    attrs = {"mode": "bilinear"} if maybe(rng) else ({"mode": "nearest"} if maybe(rng) else {})
    if maybe(rng):
        attrs["size"] = size2(rng, 1, 9)
    else:
        attrs["scale_factor"] = rng.choice([2, 3, 0.5, 1.5, 2.5, [2, 1], [1.5, 2]])
    if attrs.get("mode") == "bilinear" and maybe(rng):
        attrs["align_corners"] = maybe(rng)
    return attrs


def layernorm(rng, shape):
    count = rng.randint(1, min(3, len(shape) - 1))
    normalized = shape[len(shape) - count:]
    return {"normalized_shape": normalized[0] if count == 1 and maybe(rng) else normalized}


def groupnorm(rng, shape):
    return {"num_groups": rng.choice(divisors(shape[1]))}


def linear(rng, shape):
    return {"out_features": rng.randint(1, max(8, shape[-1]))}


def flatten(rng, shape):
    rank = len(shape)
    start = rng.randrange(rank)
    end = rng.randrange(start, rank)
    attrs = {}
    if maybe(rng, 0.7):
        attrs["start_dim"] = start - rank if maybe(rng) else start
    if maybe(rng, 0.7):
        attrs["end_dim"] = end - rank if maybe(rng) else end
    return attrs


def reshape(rng, shape):
    """The same elements in a new rank: the batch dim kept or folded in, one dim maybe -1."""
    total = math.prod(shape)
    dims = []
    left = total
    for _ in range(rng.randint(0, 3)):
        d = rng.choice(divisors(left))
        dims.append(d)
        left //= d
    dims.append(left)
    rng.shuffle(dims)
    if maybe(rng, 0.6):
        dims[rng.randrange(len(dims))] = -1
    return {"shape": dims}


def permutation(rng, rank):
    dims = list(range(rank))
    rng.shuffle(dims)
    return [d - rank if maybe(rng, 0.3) else d for d in dims]


def permute(rng, shape):
    return {"dims": permutation(rng, len(shape))}


def transpose(rng, shape):
    return {"dim0": dim(rng, len(shape)), "dim1": dim(rng, len(shape))}


def squeeze(rng, shape):
    ones = [d for d, n in enumerate(shape) if n == 1]
    return {"dim": rng.choice(ones) if ones and maybe(rng, 0.7) else dim(rng, len(shape))}


def unsqueeze(rng, shape):
    rank = len(shape) + 1
    d = rng.randrange(rank)
    return {"dim": d - rank if maybe(rng) else d}


def select(rng, shape):
    d = dim(rng, len(shape))
    size = shape[d]
    index = rng.randrange(size)
    return {"dim": d, "index": index - size if maybe(rng) else index}


def slice_(rng, shape):
    d = dim(rng, len(shape))
    size = shape[d]
    attrs = {"dim": d}
    bound = lambda: rng.choice([rng.randint(-size, size), rng.randint(-size - 3, size + 3)])  # noqa: E731
    if maybe(rng):
        attrs["start"] = bound()
    if maybe(rng):
        attrs["end"] = None if maybe(rng, 0.2) else bound()
    if maybe(rng):
        attrs["step"] = rng.randint(1, 3)
    return attrs


def channel_shuffle(rng, shape):
    return {"groups": rng.choice(divisors(shape[1]))}


def pixel_shuffle(rng, shape):
    factors = [r for r in (1, 2, 3) if shape[-3] % (r * r) == 0]
    return {"upscale_factor": rng.choice(factors)}


def pad(rng, shape):
    mode = rng.choice(["constant", "constant", "reflect", "replicate", "circular"])
    count = rng.randint(1, min(2, len(shape) - 2) if mode != "constant" else min(3, len(shape)))
    sizes = [shape[-1 - i // 2] for i in range(2 * count)]
    if mode == "reflect":
        pads = [up_to(rng, n - 1) for n in sizes]
    elif mode == "circular":
        pads = [rng.randint(0, n) for n in sizes]
    else:
        pads = [rng.randint(-(n - 1) // 2 if mode == "constant" else 0, 2) for n in sizes]
    attrs = {"pad": pads}
    if mode != "constant" or maybe(rng):
        attrs["mode"] = mode
    if mode == "constant" and maybe(rng):
        attrs["value"] = rng.choice(FLOATS)
    return attrs


def prelu(rng, shape):
    return {"num_parameters": shape[1]} if len(shape) >= 2 and maybe(rng) else {}


def mean(rng, shape):
    rank = len(shape)
    dims = rng.sample(range(rank), rng.randint(1, rank))
    dims = [d - rank if maybe(rng, 0.3) else d for d in dims]
    attrs = {"dim": dims[0] if len(dims) == 1 and maybe(rng) else dims}
    return attrs


def hardtanh(rng, shape):
    low = rng.choice([-2.0, -1.0, -0.5, 0.0])
    return {"min_val": low, "max_val": low + rng.choice([0.5, 1.0, 3.0])}


def softplus(rng, shape):
    # beta 0 divides by zero: PyTorch returns nan, nnc's contract refuses it.
    return {"beta": rng.choice([0.5, 1.0, 2.0, -1.0])}


def attention(rng, shape):
    heads = rng.choice(divisors(shape[-1]))
    return {"num_heads": heads}


# Ops whose valid attributes depend on the input's shape; every other op draws from its schema alone.
PROPOSALS = {
    "conv2d": conv2d, "conv_transpose2d": conv_transpose2d, "maxpool2d": maxpool2d, "avgpool2d": avgpool2d,
    "adaptive_avgpool2d": adaptive_pool, "adaptive_maxpool2d": adaptive_pool, "upsample": upsample,
    "layernorm": layernorm, "groupnorm": groupnorm, "linear": linear, "flatten": flatten, "reshape": reshape,
    "permute": permute, "transpose": transpose, "squeeze": squeeze, "unsqueeze": unsqueeze, "select": select,
    "slice": slice_, "channel_shuffle": channel_shuffle, "pixel_shuffle": pixel_shuffle, "pad": pad,
    "prelu": prelu, "mean": mean, "hardtanh": hardtanh, "softplus": softplus,
    "multihead_attention": attention,
}
# Dims counted like the ops' inputs: softmax's dim, concat's dim.
DIM_ATTRIBUTES = {"softmax": "dim", "log_softmax": "dim", "concat": "dim"}


def propose(rng, op, shape):
    """Attributes for a layer of `op` (its `nnc ops` entry) reading a tensor of `shape`."""
    name = op["name"]
    attrs = PROPOSALS[name](rng, shape) if name in PROPOSALS else {}
    if name in DIM_ATTRIBUTES and maybe(rng, 0.8):
        attrs[DIM_ATTRIBUTES[name]] = dim(rng, len(shape))
    return {**attrs, **schema_values(rng, op, shape, attrs)}
