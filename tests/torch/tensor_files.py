"""The files nnc reads, written from numpy arrays: safetensors (by hand, no package needed) and .npy.

    write_safetensors(path, {"conv1.weight": array, ...})   # dtype from each array: F32, F16, F64, I64, ...
    write_npy(path, array)
"""
import json
import struct
from pathlib import Path

import numpy as np

SAFETENSORS_DTYPES = {
    np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.float64): "F64",
    np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8",
}


def safetensors_bytes(tensors):
    """A safetensors file holding `tensors` (key -> numpy array) in the given order, header padded to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for key, array in tensors.items():
        array = np.asarray(array)
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        header[key] = {"dtype": SAFETENSORS_DTYPES[array.dtype], "shape": list(array.shape),
                       "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_safetensors(path, tensors):
    Path(path).write_bytes(safetensors_bytes(tensors))


def write_npy(path, array):
    np.save(path, np.asarray(array), allow_pickle=False)
