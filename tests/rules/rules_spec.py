"""The spec table: one or more rows per registered primitive.

A row names a primitive, the input domain of its random arguments, the
argument cases to try, keyword arguments, and checker options.  An argument
in a case is one of

* ``None``        -- a Python float drawn from the domain;
* a shape tuple   -- an array of that shape (``()`` is a 0-d array);
* ``C(value)``    -- a constant, passed as is and not differentiated;
* ``L(a, b, ..)`` -- a Python list of such arguments (a list argument);
* a callable      -- ``f(rng)`` builds the (differentiated) value.

Every row gets its own fixed seed, so runs are deterministic.
"""

import collections
import builtins
import math
import operator

import numpy as np

import srcgrad
from srcgrad.rules import qualname  # noqa: F401  (re-exported for the tests)

from srcgrad.rules import nn, conversions, shape as shape_rules, conv
from rules_checker import C, canon_eig, canon_eigh, canon_svd, gauge_free
import rules_spec_fft

# ------------------------------------------------------------------ helpers

DOMAINS = {
    "real": lambda rng, s: rng.uniform(-2.0, 2.0, s),
    "pos": lambda rng, s: rng.uniform(0.5, 2.0, s),
    "unit": lambda rng, s: rng.uniform(-0.9, 0.9, s),
    "gt1": lambda rng, s: rng.uniform(1.2, 3.0, s),
    "nonzero": lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.5, 2.0, s),
    "lo": lambda rng, s: rng.uniform(-0.6, -0.4, s),
    "hi": lambda rng, s: rng.uniform(0.4, 0.6, s),
    # complex domains (docs/semantics.md, "Complex numbers")
    "complex": lambda rng, s: rng.uniform(-2.0, 2.0, s) + 1j * rng.uniform(-2.0, 2.0, s),
    "cnonzero": lambda rng, s: rng.uniform(0.5, 2.0, s) * np.exp(2j * np.pi * rng.uniform(size=s)),
    "cright": lambda rng, s: rng.uniform(0.5, 2.0, s) + 1j * rng.uniform(-1.0, 1.0, s),
    "cunit": lambda rng, s: rng.uniform(-0.5, 0.5, s) + 1j * rng.uniform(-0.5, 0.5, s),
}


class L(tuple):
    """A list argument: ``L(spec, spec, ...)``."""

    def __new__(cls, *items):
        return super().__new__(cls, items)


def _cross_of_2_vectors():
    """Whether this NumPy still takes 2-vectors in np.cross."""
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.cross(np.ones(2), np.ones(3))
        return True
    except ValueError:
        return False


CROSS_OF_2_VECTORS = _cross_of_2_vectors()


class Row:
    def __init__(self, fn, cases, dom="real", kw=None, tag="", **opts):
        self.fn, self.cases, self.dom, self.kw, self.tag = fn, cases, dom, kw or {}, tag
        self.opts = opts  # rtol, atol, sym, canon, argnums


_Pair = collections.namedtuple("_Pair", "w b")


def _dom(dom, i):
    return dom[min(i, len(dom) - 1)] if isinstance(dom, (list, tuple)) else dom


def build(spec, rng, dom):
    if isinstance(spec, C):
        return spec
    if isinstance(spec, L):
        return [build(s, rng, dom).value if isinstance(s, C) else build(s, rng, dom)
                for s in spec]
    draw = dom if callable(dom) else DOMAINS[dom]
    if spec is None:
        x = draw(rng, ())
        return complex(x) if np.iscomplexobj(x) else float(x)
    if callable(spec):
        return spec(rng)
    x = draw(rng, spec)
    return np.asarray(x, dtype=complex if np.iscomplexobj(x) else float)


def make_args(row, case, seed):
    rng = np.random.default_rng(seed)
    return [build(s, rng, _dom(row.dom, i)) for i, s in enumerate(case)]


def _prob(shape):
    """Targets of a binary cross-entropy: probabilities."""
    return lambda rng: rng.uniform(0.0, 1.0, shape)


def spd(n, batch=()):
    def f(rng):
        m = rng.standard_normal(batch + (n, n))
        return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)
    return f


def wellcond(n, batch=()):
    return lambda rng: rng.standard_normal(batch + (n, n)) + 3.0 * np.eye(n)


def sym_distinct(n):
    def f(rng):
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        return (q * np.arange(1.0, n + 1.0)) @ q.T
    return f


def sym_distinct_batch(n, batch):
    def f(rng):
        q, _ = np.linalg.qr(rng.standard_normal(batch + (n, n)))
        return np.matmul(q * np.arange(1.0, n + 1.0), np.swapaxes(q, -1, -2))
    return f


def cplx(shape, shift=0.0):
    """A complex array (``shift`` added on the diagonal of square matrices)."""
    def f(rng):
        z = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        return z + shift * np.eye(shape[-1]) if shift else z
    return f


def with_zeros(shape, idx):
    def f(rng):
        x = rng.uniform(0.5, 2.0, shape)
        for i in idx:
            x[i] = 0.0
        return x
    return f


def with_nans(shape, idx):
    def f(rng):
        x = rng.uniform(-2.0, 2.0, shape)
        for i in idx:
            x[i] = np.nan
        return x
    return f


UNARY = [(None,), ((),), ((4,),), ((2, 3),)]
BINARY = [(None, None), ((), (3,)), ((4,), (4,)), ((2, 3), (3,)), ((2, 1), (1, 3)),
          (None, (2, 3))]
MATH = [(None,), ((),)]
RED = [((2, 3),)]
M23 = [((2, 3),)]

# ------------------------------------------------------------- elementwise

ROWS = []
for _fn, _dom_ in [
        (np.negative, "real"), (np.positive, "real"), (np.square, "real"), (np.sqrt, "pos"),
        (np.cbrt, "nonzero"), (np.reciprocal, "nonzero"), (np.absolute, "nonzero"),
        (np.fabs, "nonzero"), (np.exp, "real"), (np.exp2, "real"), (np.expm1, "real"),
        (np.log, "pos"), (np.log2, "pos"), (np.log10, "pos"), (np.log1p, "pos"),
        (np.sin, "real"), (np.cos, "real"), (np.tan, "unit"), (np.arcsin, "unit"),
        (np.arccos, "unit"), (np.arctan, "real"), (np.sinh, "real"), (np.cosh, "real"),
        (np.tanh, "real"), (np.arcsinh, "real"), (np.arccosh, "gt1"), (np.arctanh, "unit"),
        (np.sinc, "nonzero"), (np.deg2rad, "real"), (np.radians, "real"),
        (np.rad2deg, "real"), (np.degrees, "real"), (np.real, "real"),
        (np.conjugate, "real"), (np.nan_to_num, "real"), (np.modf, "nonzero")]:
    ROWS.append(Row(_fn, UNARY, _dom_))

for _fn, _dom_ in [
        (np.add, "real"), (np.subtract, "real"), (np.multiply, "real"),
        (np.divide, ("real", "nonzero")), (np.power, ("pos", "real")),
        (np.float_power, ("pos", "real")), (np.arctan2, "nonzero"), (np.hypot, "nonzero"),
        (np.maximum, "real"), (np.minimum, "real"), (np.fmax, "real"), (np.fmin, "real"),
        (np.logaddexp, "real"), (np.logaddexp2, "real"), (np.mod, ("real", "nonzero")),
        (np.fmod, ("real", "nonzero")), (np.divmod, ("real", "nonzero")),
        (np.copysign, "nonzero")]:
    ROWS.append(Row(_fn, BINARY, _dom_))

ROWS += [
    Row(np.ldexp, [((3,), C(np.array([1, -2, 3]))), (None, C(2))]),
    Row(np.power, [((3,), C(2)), ((3,), C(3.0))], "real", tag="const-exponent"),
    Row(np.clip, [((2, 3), (), ()), ((2, 3), (3,), ()), ((4,), C(-0.5), C(0.5)),
                  (None, C(None), C(0.5))], ("real", "lo", "hi")),
    Row(np.clip, [((2, 3),)], kw=dict(min=-0.5, max=0.5), tag="min-max"),
    Row(np.clip, [((4,),)], kw=dict(max=0.3), tag="max-only"),
    Row(np.where, [(C(np.array([True, False, True])), (3,), (3,)),
                   (C(np.array([[True], [False]])), (3,), (2, 3)),
                   (C(True), None, (2,))]),
]

# -------------------------------------------------------------- reductions

_AX = [dict(), dict(axis=0), dict(axis=-1), dict(axis=1, keepdims=True),
       dict(axis=(0, 1)), dict(keepdims=True)]
for _fn in (np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.nansum,
            np.nanmean, np.var, np.std):
    ROWS += [Row(_fn, RED, "pos" if _fn is np.prod else "real", kw=k, tag=str(i))
             for i, k in enumerate(_AX)]
    ROWS.append(Row(_fn, [((4,),)] if _fn is np.std else [(None,), ((4,),)], tag="vector"))
ROWS += [
    Row(np.var, RED, kw=dict(ddof=1), tag="ddof"),
    Row(np.std, RED, kw=dict(axis=0, ddof=1), tag="ddof"),
    Row(np.prod, [(with_zeros((2, 3), [(0, 1)]),), (with_zeros((2, 3), [(0, 1), (0, 2)]),),
                  (with_zeros((2, 3), [(0, 1), (1, 1)]),)], tag="zeros"),
    Row(np.prod, [(with_zeros((2, 3), [(0, 1)]),)], kw=dict(axis=1), tag="zeros-axis"),
]
_MASK = np.array([[True, False, True], [True, True, False]])
_WHERE = [dict(where=_MASK), dict(axis=1, where=_MASK), dict(axis=0, keepdims=True, where=_MASK),
          dict(where=np.array([True, False, True]))]
for _fn in (np.sum, np.mean, np.prod, np.nansum, np.nanmean, np.var, np.std):
    ROWS += [Row(_fn, RED, "pos" if _fn is np.prod else "real", kw=k, tag="where%d" % i)
             for i, k in enumerate(_WHERE)]
for _fn, _init in ((np.max, -10.0), (np.min, 10.0), (np.amax, -10.0), (np.amin, 10.0)):
    ROWS += [Row(_fn, RED, kw=dict(k, initial=_init), tag="where%d" % i)
             for i, k in enumerate(_WHERE)]
_NAN23 = with_nans((2, 3), [(0, 1), (1, 2)])
for _fn in (np.nanmax, np.nanmin, np.nanprod, np.nanvar, np.nanstd, np.nansum, np.nanmean):
    ROWS += [Row(_fn, [(_NAN23,), ((2, 3),)], tag="nan"),
             Row(_fn, [(_NAN23,)], kw=dict(axis=1), tag="nan-axis1"),
             Row(_fn, [(_NAN23,)], kw=dict(axis=0, keepdims=True), tag="nan-axis0")]
    if _fn not in (np.nanvar, np.nanstd, np.nanmean):
        ROWS.append(Row(_fn, [(_NAN23,)], kw=dict(
            axis=1, where=_MASK, initial={np.nanmax: -10.0, np.nanmin: 10.0}.get(_fn, 2.0)),
            tag="nan-where-initial"))
    else:
        ROWS.append(Row(_fn, [(_NAN23,)], kw=dict(axis=1, where=_MASK), tag="nan-where"))
ROWS += [
    Row(np.nanvar, [(_NAN23,)], kw=dict(axis=1, ddof=1), tag="nan-ddof"),
    Row(np.nancumsum, [(_NAN23,), ((4,),)]),
    Row(np.nancumsum, [(_NAN23,)], kw=dict(axis=1), tag="axis1"),
    Row(np.nancumprod, [(_NAN23,), ((4,),), (with_zeros((5,), [2]),)]),
    Row(np.nancumprod, [(_NAN23,)], kw=dict(axis=0), tag="axis0"),
    Row(np.ptp, [((2, 3),), ((4,),)]),
    Row(np.ptp, [((2, 3),)], kw=dict(axis=1), tag="axis1"),
    Row(np.ptp, [((2, 3),)], kw=dict(axis=0, keepdims=True), tag="axis0-keepdims"),
    Row(np.prod, RED, "pos", kw=dict(initial=2.0), tag="initial"),
    Row(np.prod, RED, "pos", kw=dict(axis=1, initial=-1.5, where=_MASK), tag="initial-where"),
    Row(np.sum, RED, kw=dict(axis=0, initial=2.0, where=_MASK), tag="initial-where"),
    Row(np.nansum, RED, kw=dict(initial=2.0), tag="initial"),
]
ROWS += [
    Row(np.var, RED, kw=dict(axis=1, correction=1), tag="correction"),
    Row(np.std, RED, kw=dict(axis=1, ddof=1, where=_MASK), tag="ddof-where"),
    Row(np.max, RED, kw=dict(initial=10.0), tag="initial-wins"),
]
for _fn in (np.cumsum, np.cumprod):
    ROWS.append(Row(_fn, [((2, 3),), ((4,),), (None,)], "nonzero"))
    ROWS += [Row(_fn, [((2, 3),)], "nonzero", kw=dict(axis=a), tag="axis%d" % a)
             for a in (0, 1, -1)]
ROWS += [
    Row(np.cumprod, [(with_zeros((5,), [1]),), (with_zeros((5,), [1, 3]),),
                     (with_zeros((5,), [0]),), (with_zeros((5,), [4]),),
                     (with_zeros((2, 3), [(0, 1), (1, 0)]),)], tag="zeros"),
    Row(np.prod, [((0, 3),), ((0, 3), C(0)), ((0, 3), C(1))], tag="empty"),
    Row(np.prod, [((),)], kw=dict(axis=0), tag="0d-axis"),
    Row(np.cumprod, [((),)], kw=dict(axis=0), tag="0d-axis"),
    Row(np.cumsum, [((),)], kw=dict(axis=0), tag="0d-axis"),
    Row(np.take, [((), C([0, 0]), C(0)), ((), C(0))], tag="0d"),
    Row(np.cumprod, [(with_zeros((2, 3), [(0, 1), (1, 1)]),)], kw=dict(axis=0),
        tag="zeros-axis0"),
    Row(np.cumprod, [(with_zeros((3, 4), [(0, 1), (1, 2), (1, 3)]),)], kw=dict(axis=1),
        tag="zeros-axis1"),
]
ROWS += [
    Row(np.average, [((2, 3),), ((2, 3), C(None), (2, 3)), ((2, 3), C(1), (3,)),
                     ((2, 3), C(0), (2, 3))], ("real", "real", "pos")),
    Row(np.average, [((2, 3), C(1), (3,), C(True))], ("real", "real", "pos"), tag="returned"),
]

# ------------------------------------------------------------ linear algebra

ROWS += [
    Row(np.dot, [((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (4, 3, 5)), ((2, 3), ()), (None, (2,))]),
    Row(np.matmul, [((3,), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                    ((2, 1, 2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,))]),
    Row(np.inner, [((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3))]),
    Row(np.outer, [((3,), (4,)), ((2, 2), (3,))]),
    Row(np.vdot, [((3,), (3,)), ((2, 3), (3, 2))]),
    Row(np.tensordot, [((2, 3, 4), (3, 4, 5)), ((2, 3), (3, 4), C(1)), ((2, 3), (4,), C(0)),
                       ((2, 3, 4), (4, 2, 5), C(([0, 2], [1, 0]))),
                       ((2, 3), (3, 2), C((1, 0)))]),
    Row(np.einsum, [(C("ij,jk->ik"), (2, 3), (3, 4)), (C("ii->i"), (3, 3)), (C("ii"), (3, 3)),
                    (C("ij->"), (2, 3)), (C("i,i"), (3,), (3,)), (C("ij,k->i"), (2, 3), (4,)),
                    (C("...ij,...jk->...ik"), (5, 2, 3), (1, 3, 4)),
                    (C("ij,jk,kl->il"), (2, 3), (3, 4), (4, 2)), (C("i,j->ij"), (2,), (3,)),
                    (C("ijk->kji"), (2, 3, 4)), (C("ij,jk"), (2, 3), (3, 2)),
                    (C("bii,bi->b"), (2, 3, 3), (2, 3)), (C(" i j , j "), (2, 3), (3,)),
                    (C("i...->..."), (3, 2, 2)), (C("a,b,c,d,e,f,g,h->"), *[(2,)] * 8)]),
    Row(np.einsum, [((2, 3), C([0, 1]), C([1, 0])), ((2, 3), C([0, 1])),
                    ((2, 3), C([0, 1]), (3, 4), C([1, 2]), C([0, 2])),
                    ((2, 3), C([0, 1]), (3, 4), C([1, 2])),
                    ((2, 3), C([0, 1]), (3,), C([1]), (2,), C([0]), C([])),
                    ((3, 3), C([0, 0]), C([0])), ((2, 2, 3), C([Ellipsis, 1]), C([Ellipsis])),
                    ((2, 3), C([30, 2]), (3,), C([2]), C([30]))], tag="sublist"),
    Row(np.trace, [((3, 3),), ((3, 4), C(1)), ((2, 3, 3), C(0), C(1), C(2)),
                   ((3, 4), C(-1))]),
    Row(np.kron, [((2, 3), (2, 2)), ((3,), (2,)), ((2,), (2, 3))]),
    Row(np.cross, [((3,), (3,)), ((4, 3), (3,)), ((2, 3), (4, 1, 3))]),
    Row(np.cross, [((3, 4), (3, 4))], kw=dict(axis=0), tag="axis0"),
] + ([  # 2-vectors: deprecated in NumPy 2.0, an error in later NumPy
    Row(np.cross, [((4, 2), (4, 3)), ((3,), (2,)), ((2, 4), (3, 4), C(0), C(0), C(0)),
                   ((2,), (2, 2)), ((3, 2), (2,)), ((2, 1, 3), (4, 3), C(-1), C(-1), C(0))],
        tag="mixed"),
] if CROSS_OF_2_VECTORS else []) + [
    Row(np.linalg.norm, [((4,),), ((2, 3),), ((2, 2, 3),), (None,)]),
    Row(np.linalg.norm, [((2, 3),)], kw=dict(axis=1), tag="axis1"),
    Row(np.linalg.norm, [((2, 3),)], kw=dict(axis=0, keepdims=True), tag="keepdims"),
    Row(np.linalg.norm, [((4,),), ((2, 3),)], "nonzero", kw=dict(ord=1, axis=-1), tag="ord1"),
    Row(np.linalg.norm, [((4,),)], kw=dict(ord=np.inf), tag="inf"),
    Row(np.linalg.norm, [((4,),)], kw=dict(ord=-np.inf), tag="-inf"),
    Row(np.linalg.norm, [((4,),)], "pos", kw=dict(ord=3), tag="ord3"),
    Row(np.linalg.norm, [((4,),)], kw=dict(ord=0), tag="ord0"),
    Row(np.linalg.norm, [((3, 3),)], kw=dict(ord="fro"), tag="fro"),
    Row(np.linalg.norm, [((3, 3),), ((4, 2),)], kw=dict(ord="nuc"), tag="nuc"),
    Row(np.linalg.norm, [((2, 3, 3),)], kw=dict(axis=(1, 2)), tag="matrix-axes"),
    Row(np.linalg.norm, [((3, 3), C(2)), ((3, 4), C(2)), ((4, 3), C(-2)), ((3, 3), C(1)),
                         ((3, 4), C(-1)), ((3, 3), C(np.inf)), ((4, 3), C(-np.inf)),
                         ((2, 3, 4), C(2), C((2, 1))), ((2, 3, 4), C(1), C((0, 2)), C(True)),
                         ((3, 2, 2), C(-np.inf), C((-1, -2)))], tag="matrix-ord"),
    Row(np.linalg.inv, [(wellcond(3),), (wellcond(2, (2,)),)]),
    Row(np.linalg.matrix_power, [((3, 3), C(3)), ((3, 3), C(1)), ((2, 3, 3), C(2)),
                                 (wellcond(3), C(-2)), ((3, 3), C(0))], "unit"),
    Row(np.linalg.eigvalsh, [(sym_distinct(3),), (sym_distinct(4),)]),
    Row(np.linalg.eigvalsh, [(sym_distinct(3),)], kw=dict(UPLO="U"), tag="upper"),
    Row(np.linalg.svdvals, [((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    Row(np.linalg.qr, [(wellcond(3),), ((4, 3),), ((2, 5, 2),), ((3, 5),), ((2, 2, 4),),
                       (cplx((4, 3)),), (cplx((2, 4)),)]),
    Row(np.linalg.pinv, [(wellcond(3),), ((4, 3),), ((2, 4),), ((2, 3, 2),), (cplx((3, 2)),)]),
    Row(np.linalg.qr, [((4, 3),), (wellcond(3),), ((2, 4),), ((2, 5, 3),)], kw=dict(mode="r"),
        tag="r"),
    Row(np.linalg.qr, [((3, 3),), ((2, 4),), ((2, 3, 4),)], kw=dict(mode="complete"),
        tag="complete"),
    Row(np.linalg.matrix_power, [(cplx((3, 3)), C(3)), (cplx((3, 3), 3.0), C(-2))],
        tag="complex"),
    Row(np.linalg.eig, [((4, 4),), ((3, 3),), ((2, 3, 3),), (cplx((3, 3)),),
                        (cplx((2, 3, 3)),), (sym_distinct(3),)],
        canon=canon_eig, project=gauge_free),
    Row(np.linalg.eigvals, [((4, 4),), ((2, 3, 3),), (cplx((3, 3)),)]),
    Row(np.linalg.eigvalsh, [(sym_distinct_batch(3, (2,)),)], tag="batched"),
    Row(np.linalg.eigh, [(sym_distinct_batch(3, (2,)),)], canon=canon_eigh, tag="batched"),
    Row(np.linalg.lstsq, [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3,)), ((2, 4), (2,)),
                          ((2, 4), (2, 3)), (cplx((5, 3)), cplx((5,)))]),
    Row(np.linalg.cond, [(wellcond(3),), ((4, 3),), ((2, 3),), ((2, 3, 3),),
                         (cplx((3, 3)),)]),
    Row(np.linalg.cond, [(wellcond(3), C(2)), (wellcond(3), C(-2)), ((4, 3), C(-2)),
                         (wellcond(3), C("fro")), (wellcond(3, (2,)), C("nuc")),
                         (wellcond(3), C(1)), (wellcond(3), C(-1)), (wellcond(3), C(np.inf)),
                         (wellcond(3), C(-np.inf)), (cplx((3, 3), 2.0), C("fro"))], tag="p"),
    Row(np.linalg.multi_dot, [(L((2, 3), (3, 4), (4, 2)),), (L((3,), (3, 4), (4,)),),
                              (L((3,), (3, 2), (2, 2), (2, 3)),)]),
    Row(np.linalg.matmul, [((2, 3), (3, 4)), ((5, 2, 3), (3,))]),
    Row(np.linalg.outer, [((3,), (4,))]),
    Row(np.linalg.matrix_transpose, [((2, 3),), ((4, 2, 3),)]),
    Row(np.linalg.vector_norm, [((4,),), ((2, 3),)]),
    Row(np.linalg.vector_norm, [((2, 3, 2),)], kw=dict(axis=(0, 2)), tag="axes"),
    Row(np.linalg.vector_norm, [((2, 3),)], kw=dict(axis=1, keepdims=True, ord=1),
        dom="nonzero", tag="ord1"),
    Row(np.linalg.vector_norm, [((2, 3),)], kw=dict(axis=(0, 1), ord=np.inf), tag="inf"),
    Row(np.linalg.vector_norm, [((2, 3),)], kw=dict(ord=3), dom="pos", tag="ord3"),
    Row(np.linalg.matrix_norm, [((3, 3),), ((2, 3, 4),)]),
    Row(np.linalg.matrix_norm, [((3, 4),)], kw=dict(ord=2), tag="ord2"),
    Row(np.linalg.matrix_norm, [((2, 3, 3),)], kw=dict(ord="nuc", keepdims=True), tag="nuc"),
    Row(np.linalg.trace, [((3, 3),), ((2, 3, 4),)]),
    Row(np.linalg.trace, [((3, 4),)], kw=dict(offset=1), tag="offset"),
    Row(np.linalg.diagonal, [((3, 3),), ((2, 3, 4),)]),
    Row(np.linalg.diagonal, [((3, 4),)], kw=dict(offset=-1), tag="offset"),
    Row(np.linalg.vecdot, [((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))]),
    Row(np.linalg.vecdot, [((3, 2), (3, 1))], kw=dict(axis=0), tag="axis0"),
    Row(np.linalg.solve, [(wellcond(3), (3,)), (wellcond(3), (3, 2)),
                          (wellcond(3, (2,)), (3, 2)), (wellcond(3), (2, 3, 2)),
                          (wellcond(3, (2,)), (3,))]),
    Row(np.linalg.det, [(wellcond(3),), (wellcond(2, (2,)),)]),
    Row(np.linalg.slogdet, [(wellcond(3),), (wellcond(2, (2,)),)]),
    Row(np.linalg.cholesky, [(spd(3),), (spd(2, (2,)),)]),
    Row(np.linalg.cholesky, [(spd(3),)], kw=dict(upper=True), tag="upper"),
    Row(np.linalg.eigh, [(sym_distinct(3),), (sym_distinct(4),)], canon=canon_eigh),
    Row(np.linalg.svd, [((4, 3),), ((3, 4),), ((3, 3),), ((2, 4, 3),)],
        kw=dict(full_matrices=False), canon=canon_svd),
    Row(np.linalg.svd, [((3, 3),)], tag="full", canon=canon_svd),
    Row(np.linalg.svd, [((4, 3),)], kw=dict(compute_uv=False), tag="s-only"),
    Row(np.linalg.svd, [((2, 3, 3),), ((3, 2, 4),)], kw=dict(compute_uv=False),
        tag="s-only-batched"),
    Row(np.linalg.cholesky, [(spd(2, (2, 3)),)], kw=dict(upper=True), tag="upper-batched"),
    Row(np.linalg.slogdet, [(wellcond(3, (2, 2)),)], tag="batched2"),
    Row(np.linalg.det, [(wellcond(3, (2, 2)),)], tag="batched2"),
    Row(np.linalg.inv, [(wellcond(3, (2, 2)),)], tag="batched2"),
]

# --------------------------------------------------------- shape, indexing

ROWS += [
    Row(np.reshape, [((2, 3), C((3, 2))), ((6,), C((2, -1))), (None, C((1,)))]),
    Row(np.reshape, [((2, 3), C((3, 2)))], kw=dict(order="F"), tag="F"),
    Row(np.ravel, [((2, 3),), ((),)]),
    Row(np.transpose, [((2, 3),), ((2, 3, 4), C((1, 2, 0))), ((2, 3, 4), C((-1, 0, 1)))]),
    Row(np.swapaxes, [((2, 3, 4), C(0), C(2))]),
    Row(np.moveaxis, [((2, 3, 4), C(0), C(-1)), ((2, 3, 4), C((0, 1)), C((2, 0)))]),
    Row(np.rollaxis, [((2, 3, 4), C(2)), ((2, 3, 4), C(0), C(2)), ((2, 3, 4), C(-1), C(1))]),
    Row(np.expand_dims, [((2, 3), C(1)), ((3,), C((0, 2)))]),
    Row(np.squeeze, [((2, 1, 3),), ((1, 3, 1), C(0))]),
    Row(np.broadcast_to, [((3,), C((2, 3))), ((2, 1), C((2, 3))), (None, C((2,)))]),
    Row(np.atleast_1d, [(None,), ((3,),), (None, (3,), (2, 3), (2,))]),
    Row(np.atleast_2d, [(None,), ((3,),), ((2, 3),), ((3,), None, (2, 3), (2, 2, 2))]),
    Row(np.atleast_3d, [((3,),), ((2, 3),), ((2, 3), (3,), None, (2,))]),
    Row(np.copy, [((2, 3),)]),
    Row(np.array, [(L(None, None, None),), (L((3,), (3,)),), ((2, 3),),
                   (L(L(None, None), L(None, None)),)]),
    Row(np.asarray, [(L(None, None),), ((2, 3),)]),
    Row(np.full, [(C((2, 3)), None), (C((2, 3)), (3,)), (C(3), (1,))]),
    Row(np.full, [(C((2, 3)), None)], kw=dict(dtype=int), tag="int"),
    Row(np.full_like, [(C(np.ones((2, 3))), None), (C(np.ones((2, 3))), (3,)),
                       (C(np.ones(3)), (1,))]),
    Row(np.full_like, [(C(np.ones(3)), None)], kw=dict(shape=(2, 2)), tag="shape"),
    Row(np.linspace, [(None, None, C(5)), (None, None, C(4), C(False)), ((), None, C(1)),
                      ((2,), (2,), C(3)), ((2, 1), (3,), C(4), C(True), C(False), C(None),
                                          C(-1)), (None, (2,), C(3), C(True), C(False),
                                                   C(None), C(1))]),
    Row(np.linspace, [(None, None, C(5)), ((2,), None, C(3))], kw=dict(retstep=True),
        tag="retstep"),
    Row(np.logspace, [(None, None, C(5)), (None, None, C(4), C(False), None),
                      ((2,), (2,), C(3), C(True), (2,)), ((2,), None, C(3), C(True), None,
                                                          C(None), C(1))],
        ("real", "real", "real", "real", "pos")),
    Row(np.arange, [(None, C(3.0), C(0.5)), (None, C(2.5), None), (C(0.5), C(2.5), None),
                    (None,)], ("hi", "hi", "pos")),
    Row(np.heaviside, [((4,), (4,)), (C(np.array([-1.0, 0.0, 2.0, 0.0])), (4,)),
                       (C(np.array([[0.0], [1.0]])), (3,)), (C(0.0), None)]),
    Row(np.random.normal, [(None, None, C(3)), ((3,), (3,)), ((2, 1), None, C((2, 3)))],
        ("real", "pos"), reseed=True),
    Row(np.random.uniform, [(None, None, C(3)), ((3,), None), (None, (2, 1), C((2, 3)))],
        ("lo", "hi"), reseed=True),
    Row(np.concatenate, [(L((2, 3), (1, 3)),), (L((2, 3), (2, 2)), C(1)),
                         (L((2, 3), (4,)), C(None))]),
    Row(np.stack, [(L((3,), (3,)),), (L((2, 3), (2, 3), (2, 3)), C(-1)), (L(None, None),)]),
    Row(np.hstack, [(L((3,), (2,)),), (L((2, 3), (2, 1)),), (L(None, (2,)),)]),
    Row(np.vstack, [(L((3,), (3,)),), (L((2, 3), (1, 3)),), (L((3,), (2, 3)),)]),
    Row(np.dstack, [(L((3,), (3,)),), (L((2, 3), (2, 3)),), (L((2, 3, 2), (2, 3)),)]),
    Row(np.column_stack, [(L((3,), (3,)),), (L((3, 2), (3,)),)]),
    Row(np.append, [((2, 3), (4,)), ((2, 3), (2, 2), C(1)), (None, (2,))]),
    Row(np.split, [((6,), C(3)), ((4, 3), C([1, 3])), ((2, 6), C(2), C(1))]),
    Row(np.array_split, [((7,), C(3)), ((2, 5), C(2), C(1))]),
    Row(np.hsplit, [((6,), C(2)), ((2, 4), C(2))]),
    Row(np.vsplit, [((4, 3), C(2))]),
    Row(np.dsplit, [((2, 2, 4), C(2))]),
    Row(np.tile, [((3,), C(2)), ((2, 3), C((2, 1))), ((3,), C((2, 2))), ((2, 3), C(2))]),
    Row(np.repeat, [((3,), C(2)), ((2, 3), C(2), C(1)), ((2, 3), C([1, 0, 2]), C(1)),
                    ((2, 3), C(2))]),
    Row(np.flip, [((2, 3),), ((2, 3), C(1)), ((2, 3, 2), C((0, 2)))]),
    Row(np.fliplr, M23), Row(np.flipud, M23),
    Row(np.rot90, [((2, 3),), ((2, 3), C(2)), ((2, 3, 4), C(-1), C((1, 2)))]),
    Row(np.roll, [((5,), C(2)), ((2, 3), C(1)), ((2, 3), C(1), C(1)),
                  ((2, 3), C((1, -1)), C((0, 1)))]),
    Row(np.diag, [((3,),), ((3,), C(1)), ((3, 3),), ((3, 4), C(1)), ((4, 3), C(-2))]),
    Row(np.diagonal, [((3, 3),), ((3, 4), C(1)), ((2, 3, 4), C(-1), C(1), C(2)),
                      ((3, 2, 3), C(0), C(0), C(2))]),
    Row(np.tril, [((3, 3),), ((3, 4), C(1)), ((2, 3, 3), C(-1))]),
    Row(np.triu, [((3, 3),), ((3, 4), C(1)), ((2, 3, 3), C(-1))]),
    Row(np.pad, [((3,), C(1)), ((2, 3), C(((1, 0), (2, 1)))), ((2, 3), C((1, 2)))]),
    Row(np.pad, [((2, 3), C(1))], kw=dict(constant_values=5.0), tag="value"),
    Row(np.pad, [((3,), C(2)), ((2, 3), C(((1, 0), (2, 1))))], kw=dict(mode="edge"), tag="edge"),
    Row(np.pad, [((4,), C(3)), ((2, 3), C(1))], kw=dict(mode="reflect"), tag="reflect"),
    Row(np.pad, [((3,), C(4)), ((2, 3), C((1, 2)))], kw=dict(mode="symmetric"),
        tag="symmetric"),
    Row(np.pad, [((3,), C(5)), ((2, 3), C(1))], kw=dict(mode="wrap"), tag="wrap"),
    Row(np.sort, [((5,),), ((2, 3), C(0)), ((2, 3), C(None))]),
    Row(np.partition, [((5,), C(2)), ((2, 4), C(1), C(1))]),
    Row(np.take, [((5,), C([0, 2, 2])), ((2, 3), C([[0, 1], [2, 2]]), C(1)),
                  ((2, 3), C(4)), ((3,), C([0, 4]), C(0), C(None), C("wrap")),
                  ((3,), C([-1, 5]), C(0), C(None), C("clip"))]),
    Row(np.select, [(C([np.array([True, False, False]), np.array([True, True, False])]),
                     L((3,), (3,)), ()),
                    (C([np.array([[True, False]]), np.array([[False, True]])]),
                     L((2, 2), (2,)), (1, 2))]),
    Row(np.diff, [((5,),), ((2, 4), C(2)), ((3, 4), C(1), C(0))]),
    Row(np.diff, [((4,),)], kw=dict(prepend=0.0, append=np.array([1.0, 2.0])), tag="pre-app"),
    Row(np.diff, [((3, 4),)], kw=dict(axis=0, prepend=np.zeros((2, 4))), tag="prepend-2d"),
    Row(operator.getitem, [((4, 5), C(1)), ((4, 5), C((slice(1, 3), 2))),
                           ((4, 5), C((Ellipsis, None, 0))), ((4, 5), C(np.array([0, 2, 2]))),
                           ((4, 5), C(np.arange(20).reshape(4, 5) % 3 == 0)),
                           ((4, 5), C(([0, 1, 1], [2, 3, 3]))), ((4,), C(slice(None, None, -2))),
                           (L((3,), (2,), None), C(1)), (L(None, None, None), C(slice(1, None))),
                           ((), C(()))]),
]

# ------------------------------- signal-style functions (rules/signal.py), index tricks

_XP = C(np.array([-1.5, -0.5, 0.3, 1.0, 1.8]))
_COORDS5 = C(np.array([0.0, 0.4, 1.1, 1.3, 2.0]))
ROWS += [
    Row(np.convolve, [((5,), (3,)), ((3,), (5,)), ((4,), (4,)), ((1,), (3,)), ((6,), (2,)),
                      ((5,), (3,), C("same")), ((3,), (5,), C("same")), ((2,), (6,), C("same")),
                      ((4,), (5,), C("same")), ((5,), (4,), C("same")), ((5,), (3,), C("valid")),
                      ((3,), (5,), C("valid")), ((4,), (4,), C("valid"))]),
    Row(np.convolve, [((5,), (2,))], kw=dict(mode="same"), tag="mode-kw"),
    Row(np.correlate, [((5,), (3,)), ((3,), (5,)), ((5,), (3,), C("full")),
                       ((3,), (5,), C("full")), ((5,), (3,), C("same")),
                       ((3,), (5,), C("same")), ((2,), (6,), C("same")),
                       ((4,), (5,), C("same")), ((6,), (3,), C("same")),
                       ((1,), (3,), C("same"))]),
    Row(np.correlate, [((5,), (2,))], kw=dict(mode="full"), tag="mode-kw"),
    Row(np.gradient, [((5,),), ((2,),), ((5,), None), ((5,), _COORDS5), ((3, 4),),
                      ((3, 4), None), ((3, 4), None, None), ((3, 4), C(0.5), None),
                      ((3, 5), C(0.5), _COORDS5), ((2, 3, 4),)], ("real", "pos", "pos")),
    Row(np.gradient, [((5,),), ((5,), None), ((3, 5), C(0.5), _COORDS5), ((3, 4),)],
        ("real", "pos", "pos"), kw=dict(edge_order=2), tag="edge2"),
    Row(np.gradient, [((3, 4),), ((3, 4), None)], ("real", "pos"), kw=dict(axis=1),
        tag="axis"),
    Row(np.gradient, [((3, 4),), ((3, 4), None, None)], ("real", "pos", "pos"),
        kw=dict(axis=(1, 0), edge_order=2), tag="axes"),
    Row(np.gradient, [((2, 3, 4), None)], ("real", "pos"), kw=dict(axis=-1), tag="axis-1"),
    Row(np.gradient, [((2, 3, 4), None, None, None)], ("real", "pos", "pos", "pos"),
        tag="three-steps"),
    Row(np.interp, [((6,), _XP, (5,)), (None, _XP, (5,)), ((2, 3), _XP, (5,)),
                    ((6,), _XP, (5,), None, None), ((6,), _XP, (5,), C(0.5), None)],
        ("real", "real", "real")),
    Row(np.interp, [((6,), C(np.array([0.4, 2.9, 1.1, 5.5])), (4,))],
        lambda rng, s: rng.uniform(-4.0, 8.0, s), kw=dict(period=3.0), tag="period"),
    Row(np.polyval, [((3,), None), ((4,), (5,)), ((1,), (2,)), ((3,), (2, 3)), ((2,), ())]),
    Row(np.polyval, [((3, 2), (2,)), ((3, 2), (4, 2)), ((3, 3), (3, 3)), ((3, 1), (4,))],
        tag="2d-p"),
    Row(np.vander, [((4,),), ((4,), C(3)), ((4,), C(5), C(True)), (with_zeros((4,), [1]),),
                    (with_zeros((3,), [0]), C(4), C(True))]),
    Row(np.asanyarray, [(L(None, None),), ((2, 3),)]),
    Row(np.real_if_close, [((3,),), ((2, 2),)]),
    Row(shape_rules.index_r, [(L((3,), None, (2,)),), (L((2, 3), (1, 3)),), (L(None, None),)]),
    Row(shape_rules.index_c, [(L((3,), (3,)),), (L((2,), (2, 3)),), (L((2, 2), (2,)),)]),
]
for _fn in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)):
    if _fn is not None:
        ROWS += [
            Row(_fn, [((5,),), ((2, 5),), ((5,), _COORDS5), ((5,), (5,)), ((2, 5), (5,)),
                      ((2, 5), (2, 5)), ((5,), C(None), None), ((3, 4), C(None), C(1.0), C(0)),
                      ((3, 4), (3,), C(1.0), C(0))]),
            Row(_fn, [((3, 4),)], kw=dict(dx=0.5, axis=0), tag="kw"),
            Row(_fn, [((3,), C(np.array([True, False, True]))), ((3,), C(np.array([0, 2, 1])))],
                tag="bool-int-x"),
        ]

# ------------------------------------------------------------- math, builtins

for _fn, _dom_ in [
        (math.sin, "real"), (math.cos, "real"), (math.tan, "unit"), (math.asin, "unit"),
        (math.acos, "unit"), (math.atan, "real"), (math.sinh, "real"), (math.cosh, "real"),
        (math.tanh, "real"), (math.asinh, "real"), (math.acosh, "gt1"), (math.atanh, "unit"),
        (math.exp, "real"), (math.expm1, "real"), (math.log, "pos"), (math.log2, "pos"),
        (math.log10, "pos"), (math.log1p, "pos"), (math.sqrt, "pos"), (math.fabs, "nonzero"),
        (math.erf, "real"), (math.erfc, "real"), (math.gamma, "pos"), (math.lgamma, "pos"),
        (math.degrees, "real"), (math.radians, "real")]:
    ROWS.append(Row(_fn, MATH, _dom_))
ROWS += [
    Row(math.gamma, [(None,)], lambda rng, s: rng.uniform(-0.9, -0.1, s), tag="negative"),
    Row(math.atan2, [(None, None), ((), ())], "nonzero"),
    Row(math.log, [(None, None)], ("pos", "gt1"), tag="base"),
    Row(math.pow, [(None, None)], ("pos", "real")),
    Row(math.hypot, [(None, None), (None, None, None), ((),)], "nonzero"),
    Row(math.copysign, [(None, None)], "nonzero"),
    Row(builtins.abs, [(None,), ((3,),)], "nonzero"),
    Row(builtins.pow, [(None, None), ((3,), None)], ("pos", "real")),
    Row(builtins.max, [(None, None), (None, None, None), (L(None, None, None),),
                       (None, None, None, None)]),
    Row(builtins.min, [(None, None), (L(None, None, None),)]),
    Row(builtins.sum, [(L(None, None, None),), (L((3,), (3,)), None), (L((3,), (2, 3)),)]),
    Row(builtins.float, [(None,), ((),)]),
    Row(builtins.divmod, [(None, None)], ("real", "nonzero")),
]

# ------------------------------- other modules' primitives (nn, conversions)

ROWS += [
    Row(nn.sigmoid, UNARY), Row(nn.relu, UNARY, "nonzero"),
    Row(nn.leaky_relu, UNARY, "nonzero"),
    Row(nn.leaky_relu, [((3,), C(0.2))], "nonzero", tag="slope"),
    Row(nn.softplus, UNARY), Row(nn.softplus, [((3,), C(2.0), C(1.0))], tag="threshold"),
    Row(nn.softmax, [((4,),), ((2, 3),), ((2, 3), C(0))]),
    Row(nn.log_softmax, [((4,),), ((2, 3),), ((2, 3), C(0))]),
    Row(nn.nll_loss, [((2, 3), C(np.array([0, 2]))), ((3,), C(1)),
                      ((2, 3), C(np.array([1, 1])), C("sum")),
                      ((2, 3), C(np.array([1, 0])), C("none"))]),
    Row(nn.mse_loss, [((3,), (3,)), ((2, 3), (3,)), ((3,), (3,), C("sum")),
                      ((2, 3), (2, 3), C("none"))]),
    Row(nn.addmm, [((3,), (2, 4), (4, 3)), ((2, 3), (2, 4), (4, 3)), ((), (1, 2), (2, 3))]),
    Row(nn.index_put, [((4,), C(1), None), ((2, 3), C((slice(None), 1)), (2,)),
                       ((2, 3), C(np.array([True, False])), (1, 3))]),
    Row(conv.conv2d, [((1, 2, 5, 4), (3, 2, 2, 2), (3,)), ((2, 1, 4, 4), (2, 1, 3, 3)),
                      ((1, 2, 6, 5), (2, 2, 2, 3), C(None), C((2, 1)), C(((1, 1), (2, 2))),
                       C((1, 2)))]),
    Row(conv.max_pool2d, [((1, 2, 4, 4), C((2, 2)), C((2, 2))),
                          ((2, 1, 5, 6), C((3, 2)), C((2, 1)), C(((1, 1), (1, 1))),
                           C((1, 2)))]),
    Row(conv.avg_pool2d, [((1, 2, 4, 4), C((2, 2)), C((2, 2))),
                          ((2, 1, 5, 6), C((3, 2)), C((2, 1)), C(((1, 1), (1, 1))), C(False)),
                          ((1, 1, 4, 5), C((2, 3)), C((1, 2)), C(((0, 0), (1, 1))), C(True),
                           C(4))]),
    Row(conv.adaptive_avg_pool2d, [((1, 2, 5, 7), C((3, 2))), ((2, 1, 4, 4), C((1, 1)))]),
    Row(conv.binary_cross_entropy_with_logits,
        [((3,), _prob((3,))), ((2, 3), _prob((2, 3)), (3,), (3,)),
         ((2, 3), _prob((2, 3)), C(None), (3,), C("sum")),
         ((2, 3), _prob((2, 3)), (2, 3), C(None), C("none"))]),
    Row(conversions.astype, [((3,), C(float)), ((), C(np.float64))]),
    Row(conversions.item, [((),), ((1,),), ((3,), C(1))]),
    Row(conversions.tolist, [((3,),), ((2, 2),)]),
    Row(conversions.field, [(lambda rng: _Pair(rng.normal(size=3), rng.normal(size=(2, 2))),
                             C("w")),
                            (lambda rng: _Pair(rng.normal(size=3), rng.normal()), C("b"))]),
    Row(conversions.list_concat, [(L((2,), (3,)), L((3,))), (L(None), L(None, (2,)))]),
    Row(conversions.plus, [(L((2,), (3,)), L((3,))), ((2, 3), (3,)), ((), (2,))]),
    Row(conversions.times, [(L((2,), ()), C(2)), (C(3), L((2,))), ((2, 3), (3,))]),
    Row(conversions.as_sequence, [(L((2,), (2,)),), ((3, 2),)]),
    Row(conversions.argument_copy, [((3,),), ((2, 2),), (L((2,), None),)]),
    Row(conversions.make_closure, [(C(np.add), L((3,), None)), (C(np.multiply), L((2, 2),))]),
    Row(conversions.dict_values, [(lambda rng: {"a": rng.normal(size=2), "b": rng.normal()},)]),
    Row(conversions.dict_items, [(lambda rng: {0: rng.normal(size=2), 1: rng.normal()},)]),
    Row(conversions.dict_get, [(lambda rng: {"a": rng.normal(size=2)}, C("a")),
                               (lambda rng: {"a": rng.normal(size=2)}, C("b"), (3,))]),
    Row(builtins.list, [(L((2,), (3,)),), ((3, 2),)]),
    Row(builtins.tuple, [(L((2,), None),)]),
    Row(builtins.dict, [(lambda rng: {"a": rng.normal(size=2), "b": rng.normal()},)]),
]

ROWS += rules_spec_fft.rows(Row)   # np.fft

#: callables registered as having no gradient (checked: no rule, is_nondiff)
NONDIFF = [
    np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.floor_divide, np.signbit, np.equal, np.not_equal, np.less,
    np.less_equal, np.greater, np.greater_equal, np.isclose, np.allclose, np.array_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.invert,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.isnan, np.isfinite, np.isinf,
    np.isneginf, np.isposinf, np.zeros_like, np.ones_like, np.empty_like,
    np.zeros, np.ones, np.empty, np.eye, np.identity,
    np.argmax, np.argmin, np.argsort, np.argpartition, np.nonzero, np.flatnonzero,
    np.argwhere, np.all, np.any, np.count_nonzero, np.shape, np.ndim, np.size,
    np.iscomplexobj, np.isrealobj, np.searchsorted, np.linalg.matrix_rank, math.floor, math.ceil, math.trunc, math.isnan,
    math.isinf,
    math.isfinite, builtins.round, builtins.len, builtins.int, builtins.bool, builtins.range,
    np.random.rand, np.random.randn, builtins.isinstance, builtins.str, builtins.print,
    builtins.type, conversions.dict_keys, conversions.array_attribute, srcgrad.detach,
    srcgrad.runtime.key_order, srcgrad.runtime.key_pick, srcgrad.runtime.zeros_like,
    srcgrad.runtime.constant, srcgrad.runtime.array_size, srcgrad.runtime.reduced_count,
    srcgrad.runtime.known_lengths,
]


# ------------------------- helpers generated forward-mode code calls (rules/tangent_rules.py)

ROWS += [
    Row(srcgrad.runtime.tangent_like, [((3,), C(np.zeros((2, 3)))), (None, C(np.zeros(2))),
                                       ((2, 1), C(np.zeros((2, 3)))), (None, C(1.5)),
                                       ((3,), C(np.arange(3)))]),
    Row(srcgrad.runtime.tangent_like, [((3,), C(np.zeros((2, 3), dtype=complex))),
                                       ((2,), C(np.zeros(2)))], "complex", tag="complex"),
    Row(srcgrad.runtime.conj, UNARY, "real"),
    Row(srcgrad.runtime.add, [((3,), (3,)), ((2, 3), (2, 3)), ((), ()),
                              (L((2,), (3,)), L((2,), (3,)))]),
    Row(srcgrad.runtime.tangents_like, [(L((3,), (2,)), C([np.zeros((2, 3)), np.zeros(2)])),
                                        (L((), (2,)), C([1.5, np.zeros((3, 2))]))]),
]


def cases():
    """``(id, row, case, seed)`` for every case of every row."""
    out, seen = [], {}
    for row in ROWS:
        base = qualname(row.fn) + ("[%s]" % row.tag if row.tag else "")
        for j, case in enumerate(row.cases):
            name = "%s-%d" % (base, j)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name += "#%d" % seen[name]
            out.append((name, row, case, 1000 + len(out)))
    return out

# ------------------------------------------ SciPy (an optional extra): rows only with SciPy

try:
    import scipy.special as _sp
    import scipy.linalg as _sl
    import scipy.stats  # noqa: F401  (its rules load when it is imported)
except ImportError:  # pragma: no cover - CI's 3.13 venv has no SciPy
    HAVE_SCIPY = False
else:
    HAVE_SCIPY = True

if HAVE_SCIPY:
    srcgrad.rules.load_optional()
    from srcgrad.rules import scipy_stats as _st, scipy_stats_shapes as _sts
    from srcgrad.rules import scipy_stats_discrete as _stp, scipy_stats_multivariate as _stm

    for _fn, _dom_ in [
            (_sp.gammaln, "pos"), (_sp.digamma, "pos"), (_sp.gamma, "pos"),
            (_sp.erf, "real"), (_sp.erfc, "real"), (_sp.erfinv, "unit"),
            (_sp.erfcinv, lambda rng, s: rng.uniform(0.2, 1.8, s)), (_sp.expit, "real"),
            (_sp.logit, lambda rng, s: rng.uniform(0.1, 0.9, s)), (_sp.i0, "real"),
            (_sp.i1, "real"), (_sp.i0e, "nonzero"), (_sp.i1e, "nonzero"),
            (_sp.ndtr, "real"), (_sp.log_ndtr, "real"),
            (_sp.ndtri, lambda rng, s: rng.uniform(0.1, 0.9, s)), (_sp.entr, "pos")]:
        ROWS.append(Row(_fn, UNARY, _dom_))
    for _fn in (_sp.beta, _sp.betaln, _sp.xlogy, _sp.xlog1py, _sp.rel_entr):
        ROWS.append(Row(_fn, BINARY, "pos"))
    ROWS += [
        Row(_sp.polygamma, [(C(1), (3,)), (C(np.array([0, 2])), (2,)), (C(0), None)], "pos"),
        Row(_sp.log_ndtr, [((3,),)], lambda rng, s: rng.uniform(-30.0, -20.0, s), tag="tail"),
        Row(_sp.logsumexp, [((4,),), ((2, 3),), ((2, 3), C(1))]),
        # weights b > 0: with negative ones the sum may be negative, and its log nan
        Row(_sp.logsumexp, [((2, 3), C(-1), (3,))], ("real", "real", "pos"), tag="weights"),
        Row(_sp.logsumexp, [((2, 3),)], kw=dict(axis=1, keepdims=True), tag="keepdims"),
        Row(_sp.logsumexp, [((2, 3),)], kw=dict(keepdims=True), tag="all-keepdims"),
        Row(_sp.logsumexp, [((2, 3), C(None), (2, 1))], ("real", "real", "pos"),
            kw=dict(keepdims=True), tag="all-keepdims-weights"),
        Row(_sp.logsumexp, [((2, 3), C(1), (2, 3))], ("real", "real", "pos"),
            kw=dict(return_sign=True), tag="return_sign"),
        Row(_sp.logsumexp, [((2, 3), C(0), (2, 3))], ("real", "real", "real"),
            kw=dict(return_sign=True), tag="negative-weights"),
        Row(_sp.softmax, [((4,),), ((2, 3), C(1)), ((2, 3), C(0))]),
        Row(_sp.log_softmax, [((4,),), ((2, 3), C(1)), ((2, 3), C(0))]),
        # complex arguments (docs/semantics.md, "Complex numbers"): holomorphic rules
        # take g * conj(f'(z))
        Row(_sp.erf, UNARY, "cunit", tag="complex"),
        Row(_sp.erfc, UNARY, "cunit", tag="complex"),
        Row(_sp.ndtr, UNARY, "cunit", tag="complex"),
        Row(_sp.log_ndtr, UNARY, "cunit", tag="complex"),
        Row(_sp.gamma, UNARY, "cright", tag="complex"),
        Row(_sp.xlogy, [((3,), (3,)), (None, None)], ("complex", "cright"), tag="complex"),
        Row(_sp.xlog1py, [((3,), (3,))], ("complex", "cright"), tag="complex"),
        Row(_sp.logsumexp, [((4,),), ((2, 3), C(1))], "cunit", tag="complex"),
        Row(_sp.softmax, [((4,),), ((2, 3), C(1))], "cunit", tag="complex"),
        Row(_sp.log_softmax, [((4,),), ((2, 3), C(1))], "cunit", tag="complex"),
    ]
    _LOCSCALE = [((4,),), ((2, 3), (3,), ()), ((2, 3), None, (2, 1)), (None, None, None)]
    for _fn in (_st.norm_logpdf, _st.norm_pdf, _st.norm_cdf, _st.norm_logcdf, _st.norm_sf,
                _st.norm_logsf, _sts.laplace_logpdf):
        ROWS.append(Row(_fn, _LOCSCALE, ("real", "real", "pos")))
    ROWS += [
        Row(_st.norm_logcdf, [((3,),)], lambda rng, s: rng.uniform(-30.0, -20.0, s),
            tag="tail"),
        Row(_sts.expon_logpdf, [((2, 3), C(-3.0), (3,)), ((4,), (4,), None)],
            ("pos", "lo", "pos")),
        Row(_st.t_logpdf, [((4,), None), ((2, 3), (3,), (), (2, 1))],
            ("real", "gt1", "real", "pos")),
        Row(_st.t_pdf, [((4,), None), ((2, 3), (3,), (), (2, 1))],
            ("real", "gt1", "real", "pos")),
        Row(_sts.gamma_logpdf, [((4,), None), ((2, 3), (3,), C(-1.0), (2, 1)),
                               ((3,), None, C(-2.0), None), ((3,), (3,), (3,))],
            ("pos", "gt1", "lo", "pos")),
        Row(_sts.beta_logpdf, [((4,), None, None),
                              ((2, 3), (3,), (2, 1), C(-0.5), C(2.0)),
                              ((3,), None, None, C(0.0), None),
                              ((3,), None, None, C(0.0), C(1.0)),
                              ((3,), C(1.5), C(2.5), (), C(3.0))],
            [lambda rng, s: rng.uniform(0.2, 0.8, s), "gt1", "gt1", "lo",
             lambda rng, s: rng.uniform(1.5, 3.0, s)]),
        Row(_stp.poisson_logpmf, [(C(np.array([0, 1, 3])), (3,)), (C(2), None)], "pos"),
        # a full x leaves the simplex when moved: its gradient is checked with
        # K - 1 components (SciPy completes the last)
        Row(_stm.dirichlet_logpdf, [(C(np.array([0.2, 0.3, 0.5])), (3,)),
                                   (C(np.array([[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]])), (3,)),
                                   (lambda rng: rng.dirichlet([2.0, 3.0, 4.0], 5).T[:2],
                                    C(np.array([1.5, 2.0, 3.0]))),
                                   (lambda rng: rng.dirichlet([2.0, 3.0, 4.0])[:2], (3,))],
            "gt1"),
        Row(_stm.multivariate_normal_logpdf, [((3,), (3,), C(np.diag([1.0, 2.0, 0.5]))),
                                             ((4, 3), (3,), C(np.eye(3))),
                                             ((4, 3), (3,), C(2.0)),
                                             ((4, 2), C(np.zeros(2)), C(np.array([1.0, 2.0])))]),
        Row(_stm.multivariate_normal_logpdf, [(C(np.array([[0.5, -1.0, 0.2], [1.0, 0.3, 0.1]])),
                                              C(np.zeros(3)), spd(3))], sym=True, tag="cov"),
        Row(_stm.multivariate_normal_logpdf, [(C(np.array([0.5, -1.0])), C(np.zeros(2)), None),
                                             (C(np.array([[0.5, -1.0], [1.0, 0.3]])),
                                              C(np.zeros(2)), (2,))], "pos", tag="cov-diag"),
        Row(_stm.multivariate_normal_pdf, [((3,), (3,), C(np.diag([1.0, 2.0, 0.5]))),
                                          ((4, 3), (3,), C(np.eye(3)))]),
        Row(_stm.multivariate_normal_pdf, [(C(np.array([[0.5, -1.0, 0.2], [1.0, 0.3, 0.1]])),
                                           C(np.zeros(3)), spd(3))], sym=True, tag="cov"),
    ]

    def _tri(n, lower, batch=()):
        def f(rng):
            m = rng.standard_normal(batch + (n, n)) * 0.3 + 2.0 * np.eye(n)
            return np.tril(m) if lower else np.triu(m)
        return f

    ROWS += [
        Row(_sl.inv, [(wellcond(3),)]),
        Row(_sl.det, [(wellcond(3),)]),
        Row(_sl.solve, [(wellcond(3), (3,)), (wellcond(3), (3, 2))]),
        Row(_sl.solve, [(spd(3), C(np.array([[1.0, -0.5], [0.3, 2.0], [-1.2, 0.7]])))],
            kw=dict(assume_a="pos"), sym=True, tag="pos"),
        Row(_sl.cholesky, [(spd(3),)], sym=True),
        Row(_sl.cholesky, [(spd(3),)], kw=dict(lower=True), sym=True, tag="lower"),
        Row(_sl.solve_triangular, [(_tri(3, False), (3,)), (_tri(3, False), (3, 2))]),
        Row(_sl.solve_triangular, [(_tri(3, True), (3, 2))], kw=dict(lower=True), tag="lower"),
        Row(_sl.solve_triangular, [(_tri(3, True), (3,))], kw=dict(lower=True, trans=1),
            tag="lower-trans"),
        Row(_sl.solve_triangular, [(_tri(3, False), (3, 2))], kw=dict(trans="T"), tag="trans"),
        Row(_sl.solve_triangular, [(_tri(3, True), (3,))],
            kw=dict(lower=True, unit_diagonal=True), tag="unit"),
        Row(_sl.expm, [(lambda rng: 0.5 * rng.standard_normal((3, 3)),)]),
        Row(_sl.sqrtm, [(spd(3),)]),
        Row(_sl.solve_sylvester, [(wellcond(3), wellcond(3), (3, 3)),
                                  (wellcond(2), wellcond(3), (2, 3))]),
        Row(_sl.solve_banded, [(C((1, 1)), lambda rng: rng.normal(size=(3, 5)) + [[0], [4], [0]], (5,)),
                               (C((2, 0)), lambda rng: rng.normal(size=(3, 4)) + [[4], [0], [0]],
                                (4, 2))]),
        Row(_sl.lu, [(wellcond(3),), (lambda rng: rng.normal(size=(3, 3)),)]),
        Row(_sl.lu, [(wellcond(3),)], kw=dict(permute_l=True), tag="permute_l"),
        Row(_sl.lu_factor, [(wellcond(3),), (lambda rng: rng.normal(size=(4, 4)),)]),
        Row(_sl.lu_solve, [(lambda rng: _sl.lu_factor(rng.normal(size=(3, 3))), (3,)),
                           (lambda rng: _sl.lu_factor(rng.normal(size=(3, 3))), (3, 2))]),
        Row(_sl.lu_solve, [(lambda rng: _sl.lu_factor(rng.normal(size=(3, 3))), (3,))],
            kw=dict(trans=1), tag="trans"),
        Row(_sl.cho_factor, [(spd(3),)], sym=True),
        Row(_sl.cho_factor, [(spd(3),)], kw=dict(lower=True), sym=True, tag="lower"),
        Row(_sl.cho_solve, [(lambda rng: _sl.cho_factor(spd(3)(rng)), (3,)),
                            (lambda rng: _sl.cho_factor(spd(3)(rng), lower=True), (3, 2))]),
    ]

    import scipy.signal as _ss
    import scipy.integrate as _si

    def _ode_rhs(y, t, a, b):
        """autograd's test_odeint system."""
        return -np.sqrt(t) - y + a - np.mean((y + b) ** 2)

    def _ode_decay(y, t):
        return -0.5 * y + np.sin(t)

    ROWS += [
        Row(_si.odeint, [(C(_ode_rhs), (3,), lambda rng: np.sort(rng.uniform(0.1, 0.4, 4)),
                          lambda rng: (rng.normal(size=3), rng.normal(size=3)))],
            rtol=1e-4, atol=1e-6),
        Row(_si.odeint, [(C(_ode_decay), (2,), lambda rng: np.sort(rng.uniform(0.0, 2.0, 3)))],
            rtol=1e-4, atol=1e-6, tag="no-args"),
    ]
    _CONV = [((5,), (3,)), ((3,), (5,)), ((4, 3), (2, 2)), ((3, 3, 2), (2, 2, 2))]
    for _fn in (_ss.convolve, _ss.correlate):
        for _mode in ("full", "valid", "same"):
            ROWS.append(Row(_fn, _CONV, kw=dict(mode=_mode), tag=_mode))

    # -------------------------------------- the rest of scipy.special and scipy.stats
    _GT = lambda rng, s: rng.uniform(1.3, 4.0, s)   # noqa: E731  (Bessel, gamma arguments)
    for _fn, _dom_ in [
            (_sp.j0, _GT), (_sp.j1, _GT), (_sp.y0, _GT), (_sp.y1, _GT), (_sp.k0, _GT),
            (_sp.k1, _GT), (_sp.k0e, _GT), (_sp.k1e, _GT), (_sp.rgamma, "pos"),
            (_sp.gammasgn, "pos"), (_sp.loggamma, "pos"), (_sp.erfcx, "real"),
            (_sp.log_expit, "real")]:
        ROWS.append(Row(_fn, UNARY, _dom_))
    _ORDER_X = [(C(2.5), (3,)), (C(np.array([0.5, 1.0, 3.0])), (3,)), (C(1.5), None),
                (C(0.5), (2, 3))]
    for _fn in (_sp.jv, _sp.yv, _sp.iv, _sp.ive, _sp.kv, _sp.kve, _sp.gammainc, _sp.gammaincc):
        ROWS.append(Row(_fn, _ORDER_X, _GT))
    ROWS += [
        Row(_sp.yn, [(C(2), (3,)), (C(np.array([0, 1, 3])), (3,))], _GT),
        Row(_sp.ive, [(C(2), (4,))], "nonzero", tag="negative"),
        Row(_sp.betainc, [(C(2.5), C(1.5), (3,)), (C(np.array([0.5, 2.0])), C(3.0), (2,))],
            lambda rng, s: rng.uniform(0.1, 0.9, s)),
        Row(_sp.betaincc, [(C(2.5), C(1.5), (3,))], lambda rng, s: rng.uniform(0.1, 0.9, s)),
        Row(_sp.multigammaln, [(None, C(1)), ((3,), C(2)), ((2, 3), C(3))],
            lambda rng, s: rng.uniform(2.0, 5.0, s)),
    ]
    _X_SHAPE = [((4,), None), ((2, 3), (3,), (), (2, 1)), ((3,), (3,), C(-0.5), None)]
    for _fn in (_sts.gamma_pdf, _sts.chi2_logpdf, _sts.chi2_pdf):
        ROWS.append(Row(_fn, _X_SHAPE, ("pos", "gt1", "lo", "pos")))
    for _fn in (_sts.gamma_cdf, _sts.chi2_cdf):
        ROWS.append(Row(_fn, [((4,), C(2.5)), ((2, 3), C(np.array([1.5, 2.0, 3.0])), (), (2, 1))],
                        ("pos", "gt1", "lo", "pos")))
    _UNIT = lambda rng, s: rng.uniform(0.2, 0.8, s)   # noqa: E731
    ROWS += [
        Row(_sts.beta_pdf, [((4,), None, None), ((2, 3), (3,), (2, 1), C(-0.5), C(2.0)),
                            ((3,), None, None, (), (3,))],
            [_UNIT, "gt1", "gt1", "lo", lambda rng, s: rng.uniform(1.5, 3.0, s)]),
        Row(_sts.beta_cdf, [((4,), C(2.0), C(3.0)), ((2, 3), C(1.5), C(2.5), (), C(3.0)),
                            ((3,), C(2.0), C(3.0), None, (3,))],
            [_UNIT, "gt1", "gt1", "lo", lambda rng, s: rng.uniform(1.5, 3.0, s)]),
        Row(_st.t_cdf, [((4,), C(3.5)), ((2, 3), C(2.5), (3,), (2, 1))],
            ("real", "gt1", "real", "pos")),
        Row(_st.t_logcdf, [((4,), C(3.5)), ((2, 3), C(2.5), (3,), (2, 1))],
            ("real", "gt1", "real", "pos")),
        Row(_stp.poisson_pmf, [(C(np.array([0, 1, 3])), (3,)), (C(2), None)], "pos"),
        Row(_stp.poisson_cdf, [(C(np.array([0, 1, 3])), (3,)), (C(np.array([[0.0], [2.5]])),
                                                              (3,))], "pos"),
        Row(_stm.dirichlet_pdf, [(C(np.array([0.2, 0.3, 0.5])), (3,)),
                                 (lambda rng: rng.dirichlet([2.0, 3.0, 4.0])[:2], (3,))], "gt1"),
        Row(_stm.multivariate_normal_entropy, [(C(np.zeros(3)), spd(3))], sym=True),
        Row(_stm.multivariate_normal_entropy, [(C(np.zeros(2)), (2,))], "pos", tag="diag"),
    ]


# ---------------------------------------------------- complex inputs and outputs
# Every rule NumPy accepts complex values for, at complex arguments (and a real
# argument beside a complex one): checked with the real inner product
# Re sum(conj(a) b), under which srcgrad's (PyTorch's) convention makes the
# cotangent the adjoint of the derivative (see rules_checker).


def _herm(n, batch=()):
    """A complex Hermitian matrix with distinct eigenvalues."""
    def f(rng):
        m = rng.standard_normal(batch + (n, n)) + 1j * rng.standard_normal(batch + (n, n))
        q, _ = np.linalg.qr(m)
        return (q * np.arange(1.0, n + 1.0)) @ np.conj(np.swapaxes(q, -1, -2))
    return f


def _cwell(n, batch=()):
    return lambda rng: (rng.standard_normal(batch + (n, n)) +
                        1j * rng.standard_normal(batch + (n, n)) + 3.0 * np.eye(n))


def _c(shape):
    """A complex array argument whatever the row's domain."""
    return lambda rng: DOMAINS["complex"](rng, shape)


ROWS += [Row(np.imag, UNARY, "real"), Row(np.angle, UNARY, "nonzero"),
         Row(np.angle, [((3,),)], "nonzero", kw=dict(deg=True), tag="deg"),
         Row(np.real_if_close, UNARY, "real"),
         Row(builtins.complex, [(None,), (None, None)], "real")]

for _fn, _dom_ in [
        (np.negative, "complex"), (np.positive, "complex"), (np.square, "complex"),
        (np.sqrt, "cright"), (np.reciprocal, "cnonzero"), (np.absolute, "cnonzero"),
        (np.exp, "complex"), (np.exp2, "complex"), (np.expm1, "complex"), (np.log, "cright"),
        (np.log2, "cright"), (np.log10, "cright"), (np.log1p, "cright"), (np.sin, "complex"),
        (np.cos, "complex"), (np.tan, "cunit"), (np.arcsin, "cunit"), (np.arccos, "cunit"),
        (np.arctan, "cunit"), (np.sinh, "complex"), (np.cosh, "complex"), (np.tanh, "cunit"),
        (np.arcsinh, "cunit"), (np.arctanh, "cunit"), (np.sinc, "cnonzero"),
        (np.real, "complex"), (np.imag, "complex"), (np.conjugate, "complex"),
        (np.angle, "cnonzero"), (np.real_if_close, "complex")]:
    ROWS.append(Row(_fn, UNARY, _dom_, tag="complex"))

for _fn, _dom_ in [
        (np.add, "complex"), (np.subtract, "complex"), (np.multiply, "complex"),
        (np.divide, ("complex", "cnonzero")), (np.power, ("cright", "cunit"))]:
    ROWS.append(Row(_fn, BINARY, _dom_, tag="complex"))
    ROWS.append(Row(_fn, [((3,), (3,)), (None, (2,))], (_dom_ if isinstance(_dom_, str) else
                                                       _dom_[0], "pos"), tag="complex-real"))
ROWS.append(Row(np.power, [((3,), C(2)), ((3,), C(3.0))], "complex", tag="complex-const"))

for _fn in (np.sum, np.mean, np.prod, np.var, np.std, np.cumsum, np.cumprod):
    ROWS += [Row(_fn, RED, "cnonzero", kw=k, tag="complex%d" % i)
             for i, k in enumerate([dict(), dict(axis=0), dict(axis=1, keepdims=True)])
             if not (_fn in (np.cumsum, np.cumprod) and k.get("keepdims"))]

ROWS += [
    Row(np.dot, [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (4, 3, 2))], "complex", tag="complex"),
    Row(np.dot, [((2, 3), (3,))], ("complex", "real"), tag="complex-real"),
    Row(np.matmul, [((3,), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4))], "complex",
        tag="complex"),
    Row(np.inner, [((3,), (3,)), ((2, 3), (4, 3))], "complex", tag="complex"),
    Row(np.outer, [((3,), (4,))], "complex", tag="complex"),
    Row(np.vdot, [((3,), (3,)), ((2, 3), (3, 2))], "complex", tag="complex"),
    Row(np.tensordot, [((2, 3, 4), (3, 4, 5)), ((2, 3), (3, 4), C(1))], "complex",
        tag="complex"),
    Row(np.einsum, [(C("ij,jk->ik"), (2, 3), (3, 4)), (C("ii->i"), (3, 3)),
                    (C("i,i"), (3,), (3,))], "complex", tag="complex"),
    Row(np.kron, [((2, 3), (2, 2))], "complex", tag="complex"),
    Row(np.trace, [((3, 3),)], "complex", tag="complex"),
    Row(np.linalg.norm, [((4,),), ((2, 3),)], "cnonzero", tag="complex"),
    Row(np.linalg.norm, [((4,),)], "cnonzero", kw=dict(ord=1), tag="complex-ord1"),
    Row(np.linalg.norm, [((4,),)], "cnonzero", kw=dict(ord=3), tag="complex-ord3"),
    Row(np.linalg.norm, [((3, 3),)], "cnonzero", kw=dict(ord="nuc"), tag="complex-nuc"),
    Row(np.linalg.norm, [((3, 3),)], "cnonzero", kw=dict(ord=2), tag="complex-2"),
    Row(np.linalg.inv, [(_cwell(3),), (_cwell(2, (2,)),)], tag="complex"),
    Row(np.linalg.solve, [(_cwell(3), _c((3,))), (_cwell(3), _c((3, 2)))], tag="complex"),
    Row(np.linalg.det, [(_cwell(3),), (_cwell(2, (2,)),)], tag="complex"),
    Row(np.linalg.slogdet, [(_cwell(3),), (_cwell(2, (2,)),)], tag="complex"),
    Row(np.linalg.svdvals, [(_c((4, 3)),), (_c((3, 3)),)], tag="complex"),
    Row(np.linalg.svd, [(_c((4, 3)),)], kw=dict(compute_uv=False), tag="complex-s-only"),
    Row(np.linalg.eigvalsh, [(_herm(3),)], tag="complex"),
    Row(np.linalg.matrix_power, [(_cwell(3), C(3)), (_cwell(3), C(-2))], tag="complex"),
    Row(np.linalg.multi_dot, [(L(_c((2, 3)), _c((3, 4)), _c((4, 2))),)], tag="complex"),
    Row(np.linalg.pinv, [(_cwell(3),), (_c((4, 3)),), (_c((2, 4)),)], tag="complex"),
    Row(builtins.abs, [(None,)], "cnonzero", tag="complex"),
    Row(np.cross, [((3,), (3,)), ((4, 3), (3,))], "complex", tag="complex"),
    Row(np.average, [((2, 3),)], "complex", tag="complex"),
    Row(np.average, [((2, 3), C(1), (3,))], "complex", tag="complex-weights"),
    Row(builtins.complex, [(None,), (None, None)], "complex", tag="complex"),
]


# rows added after the others keep the others' seeds (cases() numbers them in order)
ROWS += [
    Row(srcgrad.runtime.real_cotangent, UNARY, "real"),   # rules/tangent_rules.py
    Row(srcgrad.runtime.real_cotangent, [((3,),), ((2, 2),)], "complex", tag="complex"),
]

# the tangent of a namedtuple's field (compiler/transforms/forward_dynamic.py,
# rules/tangent_rules.py): linear in the tangent, no gradient to the object
from srcgrad.compiler.transforms import forward_dynamic as _forward_dynamic  # noqa: E402

ROWS += [
    Row(_forward_dynamic.field_tangent,
        [(lambda rng: _Pair(rng.normal(size=3), rng.normal(size=(2, 2))),
          lambda rng: _Pair(rng.normal(size=3), rng.normal(size=(2, 2))), C("w")),
         (lambda rng: _Pair(rng.normal(size=3), rng.normal()),
          lambda rng: _Pair(rng.normal(size=3), rng.normal()), C("b"))]),
]

# last, so that the seeds of the rows above (1000 + their place) stay as they were
ROWS.append(Row(srcgrad.runtime.as_array, [(L(None, None),), ((2, 3),)]))   # (Dask: itself)
