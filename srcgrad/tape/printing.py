"""``repr(Tensor)`` exactly as PyTorch prints it (default print options).

Integer-valued floats print as ``4.``; others with 4 decimals; scientific
notation when the magnitudes span more than 1000x or leave [1e-4, 1e8];
columns are right-aligned to a common width, rows wrap at 80 characters, and
tensors of more than 1000 elements are summarised with ``...``.  Suffixes:
``dtype=`` (for non-default dtypes), ``grad_fn=<Name>`` or
``requires_grad=True``.
"""

import math

import numpy as np

__all__ = ["tensor_repr"]

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80
_DEFAULT = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_),
            np.dtype(np.complex64))


class _Formatter:
    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(_plain(v)))
            return
        vals = flat.astype(np.float64)
        nz = vals[np.isfinite(vals) & (vals != 0)]
        if nz.size == 0:
            return
        absv = np.abs(nz)
        lo, hi = float(absv.min()), float(absv.max())
        nzl = nz.tolist()
        for v in nzl:
            if v != math.ceil(v):
                self.int_mode = False
                break
        if self.int_mode:
            if hi / lo > 1000.0 or hi > 1.0e8:
                self.sci_mode = True
                fmt = "{:.%de}" % PRECISION
                self.max_width = max(self.max_width, *(len(fmt.format(v)) for v in nzl))
            else:
                self.max_width = max(self.max_width, *(len("%.0f" % v) + 1 for v in nzl))
        else:
            if hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4:
                self.sci_mode = True
                fmt = "{:.%de}" % PRECISION
            else:
                fmt = "{:.%df}" % PRECISION
            self.max_width = max(self.max_width, *(len(fmt.format(v)) for v in nzl))

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                ret = ("{:%d.%de}" % (self.max_width, PRECISION)).format(value)
            elif self.int_mode:
                ret = "%.0f" % value
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = ("{:.%df}" % PRECISION).format(value)
        else:
            ret = _plain(value)
        return (self.max_width - len(ret)) * " " + ret


def _plain(v):
    return str(v)


def _summarized(a):
    """The elements shown when summarising (edge items along every axis)."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
    if a.ndim == 1:
        return a
    return np.stack([_summarized(x) for x in a]) if len(a) else a


def _vector_str(a, indent, summarize, fmt):
    element_length = fmt.width() + 2
    per_line = max(1, int(math.floor((LINEWIDTH - indent) / element_length)))
    vals = a.tolist()
    if summarize and len(vals) > 2 * EDGEITEMS:
        data = ([fmt.format(v) for v in vals[:EDGEITEMS]] + [" ..."]
                + [fmt.format(v) for v in vals[-EDGEITEMS:]])
    else:
        data = [fmt.format(v) for v in vals]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        slices = ([_tensor_str(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)]
                  + ["..."]
                  + [_tensor_str(a[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)])
    else:
        slices = [_tensor_str(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _dtype_name(d):
    from .dtypes import from_numpy_dtype
    return repr(from_numpy_dtype(d))


def array_str(a, indent):
    summarize = a.size > THRESHOLD
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    fmt = _Formatter(_summarized(a) if summarize else a)
    return _tensor_str(a, indent, summarize, fmt)


def tensor_repr(t):
    a = t._data
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append("size=" + str(tuple(a.shape)))
        if a.dtype != np.float32:
            suffixes.append("dtype=" + _dtype_name(a.dtype))
        body = "[]"
    else:
        if a.dtype not in _DEFAULT:
            suffixes.append("dtype=" + _dtype_name(a.dtype))
        body = array_str(a, indent)
    if t.grad_fn is not None:
        suffixes.append("grad_fn=<%s>" % type(t.grad_fn).__name__)
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return prefix + _add_suffixes(body, suffixes, indent)


def _add_suffixes(body, suffixes, indent):
    parts = [body]
    last_line_len = len(body) - body.rfind("\n") + 1
    for s in suffixes:
        if last_line_len + len(s) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + s)
            last_line_len = indent + len(s)
        else:
            parts.append(", " + s)
            last_line_len += len(s) + 2
    parts.append(")")
    return "".join(parts)
