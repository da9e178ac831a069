"""Conversions between kinds of numbers: ``x.astype(float)``, ``float(x)``,
``x.item()``.  Values pass through unchanged, and so do their cotangents
(brought back to the argument's float dtype)."""

import builtins

import numpy as np

from . import defvjp, defnondiff
from .. import runtime


def astype(x, dtype, *args, **kwargs):
    """``x.astype(dtype)`` as a function, so it can have a rule."""
    return np.asarray(x).astype(dtype, *args, **kwargs)


def item(x, *args):
    """``x.item()`` as a function."""
    return np.asarray(x).item(*args)


def tolist(x):
    """``x.tolist()`` as a function (nested lists of Python numbers)."""
    return np.asarray(x).tolist()


def astype_vjp(g, ans, x, dtype, *args, **kwargs):
    return np.asarray(g, dtype=runtime.float_dtype(np.asarray(x).dtype))


def float_vjp(g, ans, x=0.0):
    return g


def item_vjp(g, ans, x, *args):
    return runtime.item_cotangent(g, x, *args)


def tolist_vjp(g, ans, x):
    return np.asarray(g, dtype=float)


defvjp(astype, astype_vjp, None)
defvjp(item, item_vjp)
defvjp(tolist, tolist_vjp)
defvjp(builtins.float, float_vjp)
defnondiff(builtins.int, builtins.bool, builtins.len, builtins.range, builtins.round,
           np.shape, np.ndim, np.size)

# Array constructors: their values are constants.
defnondiff(np.zeros, np.ones, np.empty, np.eye, np.identity, np.arange,
           np.linspace, np.logspace, np.zeros_like, np.ones_like, np.empty_like,
           np.full_like, np.random.rand, np.random.randn, np.random.normal,
           np.random.uniform, builtins.isinstance, builtins.str, builtins.print,
           builtins.enumerate, builtins.zip, builtins.type)
