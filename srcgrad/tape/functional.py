"""``torch.<op>(tensor, ...)`` spellings: each forwards to the Tensor method of
the same name (so there is one implementation per operation)."""

import builtins

import numpy as np

from .tensor import Tensor
from .creation import as_tensor

__all__ = ["sigmoid", "relu", "tanh", "exp", "log", "sin", "cos", "sqrt", "abs", "sum",
           "mean", "matmul", "mm", "mv", "dot", "softmax", "log_softmax", "clamp", "maximum",
           "minimum", "pow", "neg", "transpose", "reshape", "unsqueeze", "squeeze", "flatten",
           "max", "min", "prod", "allclose", "numel", "square", "outer"]


def _method(name):
    def fn(input, *args, out=None, **kwargs):
        res = getattr(as_tensor(input), name)(*args, **kwargs)
        if out is None:
            return res
        from .compat import write_out      # PyTorch's out=: refused on tracked values
        return write_out(name, res, out, (input,) + args)
    fn.__name__ = name
    fn.__doc__ = "``torch.%s(input, ..., out=None)`` = ``input.%s(...)``." % (name, name)
    return fn


sigmoid, relu, tanh, exp, log, sin, cos, sqrt, abs, square = (
    _method(n) for n in ("sigmoid", "relu", "tanh", "exp", "log", "sin", "cos", "sqrt",
                         "abs", "square"))
sum, mean, prod, max, min = (_method(n) for n in ("sum", "mean", "prod", "max", "min"))
matmul, mm, mv, dot, outer = (_method(n) for n in ("matmul", "mm", "mv", "dot", "outer"))
softmax, log_softmax, clamp = (_method(n) for n in ("softmax", "log_softmax", "clamp"))
maximum, minimum, neg = (_method(n) for n in ("maximum", "minimum", "neg"))
transpose, reshape, unsqueeze, squeeze, flatten = (
    _method(n) for n in ("transpose", "reshape", "unsqueeze", "squeeze", "flatten"))


def pow(input, exponent):
    if isinstance(input, Tensor):
        return input.pow(exponent)
    return input ** exponent


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return builtins.bool(np.allclose(a._data, b._data, rtol=rtol, atol=atol,
                                     equal_nan=equal_nan))


def numel(t):
    return t.numel()
