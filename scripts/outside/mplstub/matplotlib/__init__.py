"""A do-nothing matplotlib for the outside harness's examples, used only when
matplotlib is not installed: every attribute is an object that accepts any
call, attribute, item or two-way unpacking (``fig, ax = plt.subplots()``)."""
import sys
import types


class Anything:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter([Anything(), Anything()])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def imread(path):
    """matplotlib.pyplot.imread for 8-bit, non-interlaced PNGs (what the
    examples read): floats in [0, 1], shape (rows, cols[, channels])."""
    import struct
    import zlib

    import numpy as np
    with open(path, "rb") as fh:
        data = fh.read()
    pos, chunks, header = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + n
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace:
        raise NotImplementedError("the stub imread reads 8-bit non-interlaced PNGs only")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int64)
    prev = np.zeros(stride, dtype=np.int64)
    for r in range(height):
        start = r * (stride + 1)
        ftype, line = raw[start], np.frombuffer(raw[start + 1:start + 1 + stride],
                                                dtype=np.uint8).astype(np.int64)
        cur = np.zeros(stride, dtype=np.int64)
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 0:
                pred = 0
            elif ftype == 1:
                pred = a
            elif ftype == 2:
                pred = b
            elif ftype == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (line[i] + pred) & 0xFF
        out[r], prev = cur, cur
    img = out.reshape(height, width, channels).astype(np.float32) / 255.0
    return img[:, :, 0] if channels == 1 else img


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return Anything()


for _sub in ("pyplot", "cm", "image", "colors", "animation", "patches"):
    _m = types.ModuleType("matplotlib." + _sub)
    _m.__getattr__ = __getattr__
    _m.imread = imread
    sys.modules["matplotlib." + _sub] = _m
    globals()[_sub] = _m
