"""Conversions between kinds of numbers: ``x.astype(float)``, ``float(x)``,
``x.item()``.  Values pass through unchanged, and so do their cotangents
(brought back to the argument's float dtype)."""

import builtins

import numpy as np

from . import defvjp, defnondiff
from .. import runtime
from .selection import item_cotangent


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
    """``g`` cast back to the argument's float dtype; zero for a cast to an
    integer or boolean dtype (a rounding: a step function, flat almost everywhere)."""
    # np.result_type reads a Tensor's dtype without converting it; g.astype lets a
    # Tensor record the cast back (create_graph on the tape)
    xdtype = runtime.float_dtype(np.result_type(x) if hasattr(x, "dtype") else
                                 np.asarray(x).dtype)
    if np.dtype(dtype).kind not in "fc":
        return np.zeros(np.shape(x), dtype=xdtype)
    if np.dtype(dtype).kind == "f":
        g = runtime.real_cotangent(g)     # a cast to real drops the imaginary part
    return g.astype(xdtype, copy=False) if hasattr(g, "astype") else np.asarray(g, dtype=xdtype)


def float_vjp(g, ans, x=0.0):
    return runtime.real_cotangent(g)


def complex_vjp_real(g, ans, real=0, imag=0):
    """``complex(real, imag)``: ``real`` gets the real part of ``g`` (all of
    ``g`` when it is complex itself), ``imag`` the imaginary part (times
    ``-i`` for a complex ``imag``, which is multiplied by ``i``)."""
    return g if runtime.is_complex(real) else runtime.real_cotangent(g)


def complex_vjp_imag(g, ans, real=0, imag=0):
    return -1j * g if runtime.is_complex(imag) else np.imag(g)


def item_vjp(g, ans, x, *args):
    return item_cotangent(g, x, *args)


def tolist_vjp(g, ans, x):
    if runtime.is_complex(x):
        return np.asarray(g, dtype=complex)
    return runtime.real_cotangent(np.asarray(g))


defvjp(astype, astype_vjp, None)
defvjp(item, item_vjp)
defvjp(tolist, tolist_vjp)
defvjp(builtins.float, float_vjp)
defvjp(builtins.complex, complex_vjp_real, complex_vjp_imag)
defnondiff(builtins.int, builtins.bool, builtins.len, builtins.range, builtins.round,
           np.shape, np.ndim, np.size, np.iscomplexobj, np.isrealobj)
# the permutation sorted(..., key=) applies, the index min/max(..., key=) picks
# (srcgrad.compiler.frontend.hofs writes these calls)
defnondiff(runtime.key_order, runtime.key_pick)
# np.size for the rules, without computing a Dask array (runtime/duck.py)
defnondiff(runtime.array_size, runtime.reduced_count, runtime.known_lengths)

# Array constructors whose values depend on no float argument (those that do,
# like np.linspace, have rules in .creation).
defnondiff(np.zeros, np.ones, np.empty, np.eye, np.identity, np.zeros_like, np.ones_like,
           np.empty_like, np.random.rand, np.random.randn, builtins.isinstance, builtins.str,
           builtins.print, builtins.type)


# ----------------------------------------------------------------- array metadata

#: attributes that describe an array, not its values: constants in both engines
METADATA = frozenset(("dtype", "strides", "flags", "itemsize", "nbytes"))


def array_attribute(x, name):
    """``x.name`` for an attribute in :data:`METADATA` (``x.strides``,
    ``x.dtype``, ``x.flags.writeable``...): a constant, like ``np.shape``."""
    return getattr(x, name)


defnondiff(array_attribute)


# ----------------------------------------------------------------- containers


def field(obj, name):
    """``obj.name`` as a function: a field of a namedtuple of arrays."""
    return getattr(obj, name)


def field_vjp(g, ans, obj, name):
    return runtime.field_cotangent(g, obj, name)


def list_concat(a, b):
    """``a + b`` for lists (and tuples): concatenation, not addition."""
    return a + b


def list_concat_vjp_a(g, ans, a, b):
    return g[:len(a)]


def list_concat_vjp_b(g, ans, a, b):
    return g[len(a):]


def _sequences(a, b):
    return isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))


def plus(a, b):
    """Python's ``a + b`` where an operand may be a list or tuple: the
    compiler uses this rule for ``+`` when it cannot prove both operands are
    numbers or arrays (two sequences concatenate, they do not add)."""
    return a + b


def plus_vjp_a(g, ans, a, b):
    if _sequences(a, b):
        return g[:len(a)]
    return runtime.unbroadcast(g, a)


def plus_vjp_b(g, ans, a, b):
    if _sequences(a, b):
        return g[len(a):]
    return runtime.unbroadcast(g, b)


def _repeat_cotangent(g, seq):
    """The cotangent of ``seq`` repeated ``len(g) // len(seq)`` times: the
    sum of the chunks' cotangents, item by item."""
    n = len(seq)
    if not n:
        return type(seq)() if not hasattr(seq, "_fields") else seq
    chunks = [g[k:k + n] for k in range(0, len(g), n)]
    items = [runtime.zeros_like(v) for v in seq]
    for chunk in chunks:
        items = [runtime.add(acc, c) for acc, c in zip(items, chunk)]
    return type(seq)(items)


def times(a, b):
    """Python's ``a * b`` where an operand may be a list or tuple (then it is
    repeated, not multiplied); see :func:`plus`."""
    return a * b


def _repeat(seq, count):
    """Whether ``seq * count`` repeats a sequence (an int count) rather than
    letting NumPy multiply (an array count)."""
    return isinstance(seq, (list, tuple)) and isinstance(count, (int, np.integer))


def times_vjp_a(g, ans, a, b):
    if _repeat(a, b):
        return _repeat_cotangent(g, a)
    if _repeat(b, a):
        return runtime.zeros_like(a)   # the repeat count
    return runtime.unbroadcast(g * runtime.conj(b), a)


def times_vjp_b(g, ans, a, b):
    if _repeat(b, a):
        return _repeat_cotangent(g, b)
    if _repeat(a, b):
        return runtime.zeros_like(b)
    return runtime.unbroadcast(g * runtime.conj(a), b)


def as_sequence(x):
    """What ``for v in x`` iterates over, as an indexable sequence: lists,
    tuples and arrays as they are, anything else (dict keys, sets,
    generators) as a list."""
    return x if isinstance(x, (list, tuple, np.ndarray, range)) or runtime.is_duck(x) \
        else list(x)


def as_sequence_vjp(g, ans, x):
    return g if isinstance(x, (list, tuple, np.ndarray)) or runtime.is_duck(x) \
        else runtime.zeros_like(x)


def dict_get(d, key, default=None):
    """``d.get(key, default)`` as a function."""
    return d.get(key, default)


def dict_get_vjp(g, ans, d, key, default=None):
    return runtime.field_cotangent(g, d, key) if key in d else runtime.zeros_like(d)


def dict_get_default_vjp(g, ans, d, key, default=None):
    return runtime.zeros_like(default) if key in d else g


def dict_keys(d):
    """``d.keys()`` as a list."""
    return list(d.keys())


def dict_values(d):
    """``d.values()`` as a list."""
    return list(d.values())


def dict_items(d):
    """``d.items()`` as a list of pairs."""
    return list(d.items())


def dict_values_vjp(g, ans, d):
    return dict(zip(d.keys(), g))


def dict_items_vjp(g, ans, d):
    return {k: pair[1] for k, pair in zip(d.keys(), g)}


defvjp(field, field_vjp, None)
defvjp(list_concat, list_concat_vjp_a, list_concat_vjp_b)
defvjp(plus, plus_vjp_a, plus_vjp_b)
defvjp(times, times_vjp_a, times_vjp_b)
defvjp(as_sequence, as_sequence_vjp)
defvjp(dict_values, dict_values_vjp)
defvjp(dict_items, dict_items_vjp)
defvjp(dict_get, dict_get_vjp, None, dict_get_default_vjp)
defnondiff(dict_keys)


def copy_vjp(g, ans, x=()):
    """``list(x)``, ``tuple(x)``, ``dict(x)`` copy a container: the cotangent
    comes back in the argument's own kind."""
    return runtime.container_cotangent(g, x)


defvjp(builtins.list, copy_vjp)
defvjp(builtins.tuple, copy_vjp)
defvjp(builtins.dict, copy_vjp)


def argument_copy(x):
    """The copy a compiled helper works on when it assigns into its argument
    (``p[0] = 0.0`` in ``def h(p)``): an array, list or dict is copied (one
    level), anything else is passed as is.  Only generated code calls it."""
    if isinstance(x, np.ndarray) or runtime.is_duck(x):
        return x.copy()
    if isinstance(x, list):
        return list(x)
    if isinstance(x, dict):
        return dict(x)
    return x


def argument_copy_vjp(g, ans, x):
    """A copy: the cotangent passes through unchanged."""
    return g


defvjp(argument_copy, argument_copy_vjp)


def make_closure(fn, cells):
    """A nested function that reads local variables, used as a value in
    compiled code (``return lambda x: x * a``): the lifted ``fn`` with the
    values it reads (see :class:`srcgrad.runtime.Closure`)."""
    return runtime.Closure(fn, cells)


def make_closure_vjp_cells(g, ans, fn, cells):
    """The gradient of a closure is its cells': they come back as a tuple."""
    if isinstance(g, runtime.Closure):
        return tuple(g.cells)
    return runtime.zeros_like(tuple(cells))


defvjp(make_closure, None, make_closure_vjp_cells)
