"""Checks the transforms make on what users pass them: ndarray subclasses
among the arguments (refused), and a ``vjp`` cotangent against the output
(structure and shape).  Each failure is a ``TypeError`` or ``ValueError``
naming the user's function, the argument or output element, and what to do.
"""

import numbers

import numpy as np

from .runtime.duck import is_duck as _is_duck

__all__ = ["where", "refused_subclass", "refuse_subclasses", "check_cotangent"]


def refused_subclass(tp):
    """ndarray subclasses other than ``np.memmap`` (an ndarray backed by a
    file, with the same arithmetic) are refused."""
    return issubclass(tp, np.ndarray) and tp is not np.ndarray and \
        not issubclass(tp, np.memmap)


def where(fn):
    """``file:line (qualname)`` of a function, for messages."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return getattr(fn, "__qualname__", repr(fn))
    return "%s:%d (%s)" % (code.co_filename, code.co_firstlineno, fn.__qualname__)


def refuse_subclasses(fun, args, params):
    """Refuse ndarray subclasses (``np.matrix``, masked arrays...) among the
    arguments and the leaves of the lists, tuples and dicts they hold, in
    every mode: they change what operators and functions mean (``*`` is a
    matrix product for ``np.matrix``; masked values drop out of reductions),
    so neither engine's rules would be right for them."""
    for i, a in enumerate(args):
        path = _subclass_path(a, 0)
        if path is None:
            continue
        name = params[i] if i < len(params) else str(i)
        tp = type(_at(a, path))
        spot = name + "".join("[%r]" % k for k in path)
        raise TypeError(
            "%s was called with %s.%s for argument %d (%s): ndarray subclasses such as "
            "np.matrix and masked arrays change what operators and functions mean, and "
            "srcgrad does not differentiate them. Pass a plain array: np.asarray(%s) "
            "(for a masked array, %s.filled(value) or np.ma.getdata(%s))." % (
                where(fun), tp.__module__, tp.__qualname__, i, spot, spot, spot, spot))


def _subclass_path(value, depth):
    """The path (keys and indices) to a refused ndarray subclass inside
    ``value``, ``()`` for ``value`` itself, or ``None``."""
    tp = type(value)
    if tp is np.ndarray or tp is float:
        return None
    if isinstance(value, np.ndarray):
        return () if refused_subclass(tp) else None
    if depth < 8 and isinstance(value, (list, tuple, dict)):
        if not isinstance(value, dict) and set(map(type, value)) <= _PLAIN:
            return None  # numbers and plain arrays only (checked at C speed)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            sub = _subclass_path(v, depth + 1)
            if sub is not None:
                return (k,) + sub
    return None


_PLAIN = {float, int, np.ndarray, np.float64, np.float32, bool, str, type(None)}


def _at(value, path):
    for k in path:
        value = value[k]
    return value


def check_cotangent(fun, ans, g, part="the output"):
    """Refuse a cotangent whose structure or shape is not the output's, as
    torch and jax do: a wrong one would otherwise broadcast into a wrong
    answer.  A number stands for a 0-d array (and the other way round)."""
    if isinstance(ans, (tuple, list)):
        if not isinstance(g, (tuple, list)) or len(g) != len(ans):
            raise TypeError(
                "the cotangent for %s of %s must be a tuple of %d cotangents, one per "
                "element, got %s" % (part, where(fun), len(ans), _describe(g)))
        for k, (a, c) in enumerate(zip(ans, g)):
            check_cotangent(fun, a, c, "%s[%d]" % (part, k))
        return
    if isinstance(ans, dict):
        if not isinstance(g, dict) or set(g) != set(ans):
            raise TypeError("the cotangent for %s of %s must be a dict with the keys %s, got %s"
                            % (part, where(fun), sorted(map(repr, ans)), _describe(g)))
        for k in ans:
            check_cotangent(fun, ans[k], g[k], "%s[%r]" % (part, k))
        return
    if not isinstance(ans, (np.ndarray, np.generic, numbers.Number)) and \
            not _is_duck(ans) or isinstance(ans, (bool, np.bool_)):
        return  # not a differentiable value: whatever the engine accepts for it
    if hasattr(g, "shape") and hasattr(g, "dtype") and not isinstance(g, (np.ndarray,
                                                                        np.generic)):
        shape = tuple(g.shape)  # a duck array (a Tensor, for higher order): its shape only
    elif not isinstance(g, (np.ndarray, np.generic, numbers.Number)) or \
            isinstance(g, (bool, np.bool_)) or np.asarray(g).dtype.kind not in "iufc":
        raise TypeError("the cotangent for %s of %s must be a number or a numeric array "
                        "shaped like it %s, got %s" % (part, where(fun), np.shape(ans),
                                                      _describe(g)))
    else:
        shape = np.shape(g)
    if shape != np.shape(ans):
        raise ValueError("the cotangent for %s of %s has shape %s, but %s has shape %s: "
                         "pass a cotangent of the output's shape" % (
                             part, where(fun), shape, part, np.shape(ans)))


def _describe(value):
    if isinstance(value, np.ndarray):
        return "an array of shape %s" % (value.shape,)
    if isinstance(value, (tuple, list, dict)):
        return "a %s of length %d" % (type(value).__name__, len(value))
    return "%r" % (value,)
