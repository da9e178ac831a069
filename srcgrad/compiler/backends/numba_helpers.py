"""The Numba versions of the runtime helpers the fused gradient function
calls (numba_layout.HELPERS), for the Numba backend (numba_backend.py).

Each is a stub with a ``numba.extending.overload`` that gives an
implementation only for the types where it computes what the helper in
``srcgrad.runtime`` computes: real scalars and float64 (some int64 / bool)
arrays.  For any other type there is no implementation, so Numba's typing
fails and the backend runs the NumPy form (never a different result).
Importing this module imports numba.
"""

import numpy as np

from .numba_layout import HELPERS

__all__ = ["make_helpers"]


def make_helpers():
    """``{"_nb_" + name: helper}`` for every name of numba_layout.HELPERS and
    ``sum_axes`` (imports numba)."""
    import numba
    from numba import types
    from numba.extending import overload

    @numba.njit(cache=False, boundscheck=True)
    def _summed_down(g, shape, extra, ndim):
        """``g`` summed over its ``extra`` leading axes and over the axes where
        ``shape`` has length 1 (what NumPy broadcasting added): a new array
        of ``shape``; the other axes must match (else ValueError, as NumPy)."""
        for a in range(ndim):
            if shape[a] != 1 and g.shape[extra + a] != shape[a]:
                raise ValueError("operands could not be broadcast together")
        out = np.zeros(shape, np.float64)
        flat = out.reshape(-1)
        for index in np.ndindex(g.shape):
            j = 0
            for a in range(ndim):
                n = shape[a]
                j = j * n + (0 if n == 1 else index[extra + a])
            flat[j] += g[index]
        return out

    def seed(out):
        """srcgrad.runtime.seed: 1.0 for a real scalar output."""

    def reduced_seed(reduce, x):
        """srcgrad.runtime.reduced_seed: 1.0 for a float64 array."""

    def seed_if_float64(*values):
        """srcgrad.runtime.seed_if_float64, where all values are float64."""

    def conj(x):
        """srcgrad.runtime.conj of a real value: itself."""

    def zeros_like(x):
        """srcgrad.runtime.zeros_like of a number or real array."""

    def real_scalar(t):
        return isinstance(t, types.Integer) or isinstance(t, types.Float) and \
            t.bitwidth == 64 or isinstance(t, types.Boolean)

    def real_array(t):
        return isinstance(t, types.Array) and t.dtype in (types.float64, types.int64,
                                                           types.boolean)

    @overload(seed)
    def _seed(out):
        if real_scalar(out):
            return lambda out: 1.0

    @overload(reduced_seed)
    def _reduced_seed(reduce, x):
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return lambda reduce, x: 1.0

    @overload(seed_if_float64)
    def _seed_if_float64(*values):
        items = values[0] if len(values) == 1 and isinstance(values[0], types.BaseTuple) \
            else values
        if all(isinstance(v, types.Array) and v.dtype == types.float64 or
               isinstance(v, types.Integer) or v == types.float64 for v in items):
            return lambda *values: 1.0

    @overload(conj)
    def _conj(x):
        if real_scalar(x) or real_array(x):
            return lambda x: x

    @overload(zeros_like)
    def _zeros_like(x):
        if real_scalar(x) or isinstance(x, types.NoneType):
            return lambda x: 0.0
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return lambda x: np.zeros(x.shape, np.float64)
        if real_array(x):
            return lambda x: np.zeros(x.shape, np.float64)

    def owned(g):
        """srcgrad.runtime.owned: a private float copy of an array cotangent."""

    def add_at(g, index, value):
        """srcgrad.runtime.add_at: ``g[index] += value`` for basic indices."""

    @overload(owned)
    def _owned(g):
        if real_scalar(g):
            return lambda g: g
        if real_array(g):
            if g.dtype == types.float64:
                return lambda g: np.copy(g)
            return lambda g: g.astype(np.float64)   # a copy, float64

    def basic_index(t):
        return isinstance(t, (types.Integer, types.SliceType)) or \
            isinstance(t, types.BaseTuple) and all(basic_index(i) for i in t)

    @overload(add_at)
    def _add_at(g, index, value):
        # integer and slice indices only: an index array with repeats needs np.add.at
        if isinstance(g, types.Array) and g.dtype == types.float64 and g.ndim >= 1 and \
                basic_index(index) and (real_scalar(value) or real_array(value)):
            def impl(g, index, value):
                g[index] += value
                return g
            return impl

    def unbroadcast(g, x):
        """srcgrad.runtime.unbroadcast: ``g`` summed down to the shape of ``x``."""

    def expand_reduced(g, shape, axis=None, keepdims=False):
        """srcgrad.runtime.expand_reduced of a full reduction (``axis=None``)."""

    @overload(unbroadcast)
    def _unbroadcast(g, x):
        if real_scalar(g) and real_scalar(x):
            return lambda g, x: g
        if isinstance(g, types.Array) and g.dtype == types.float64 and real_scalar(x):
            return lambda g, x: np.sum(g)
        if not (isinstance(g, types.Array) and g.dtype == types.float64 and real_array(x)
                and g.ndim >= x.ndim >= 1):
            return None
        extra, ndim = g.ndim - x.ndim, x.ndim
        if extra > 0:
            return lambda g, x: _summed_down(g, x.shape, extra, ndim)
        if g.layout == "C":
            def impl(g, x):     # g itself when no axis is summed
                if g.shape == x.shape:
                    return g
                return _summed_down(g, x.shape, extra, ndim)
            return impl

        def impl_any_layout(g, x):
            if g.shape == x.shape:
                return np.ascontiguousarray(g)
            return _summed_down(g, x.shape, extra, ndim)
        return impl_any_layout

    @overload(expand_reduced)
    def _expand_reduced(g, shape, axis=None, keepdims=False):
        full = axis is None or isinstance(axis, (types.NoneType, types.Omitted))
        if not (full and real_scalar(g) and isinstance(shape, types.BaseTuple)):
            return None
        if len(shape) == 0:
            return lambda g, shape, axis=None, keepdims=False: g
        return lambda g, shape, axis=None, keepdims=False: np.full(shape, g)

    @numba.njit(cache=False, boundscheck=True)
    def sum_axes(g, axes, shape):
        """``g.sum(axis=axes, keepdims=True).reshape(shape)``, as NumPy
        computes it (a size mismatch raises ValueError)."""
        kept = np.empty(g.ndim, np.int64)
        for i in range(g.ndim):
            kept[i] = g.shape[i]
        for a in axes:
            kept[a] = 1
        size = 1
        for i in range(g.ndim):
            size *= kept[i]
        total = 1
        for n in shape:
            total *= n
        if size != total:
            raise ValueError("cannot reshape the sum to that shape")
        flat = np.zeros(size, np.float64)
        for index in np.ndindex(g.shape):
            j = 0
            for i in range(g.ndim):
                j = j * kept[i] + (0 if kept[i] == 1 else index[i])
            flat[j] += g[index]
        return flat.reshape(shape)

    made = {"unbroadcast": unbroadcast, "expand_reduced": expand_reduced,
            "owned": owned, "add_at": add_at, "seed": seed, "reduced_seed": reduced_seed, "seed_if_float64": seed_if_float64,
            "conj": conj, "zeros_like": zeros_like}
    assert set(made) == set(HELPERS)
    made["sum_axes"] = sum_axes     # numba_layout's rewrite of g.sum(axis=..., keepdims=True)
    return {"_nb_" + k: v for k, v in made.items()}
