"""Signal-style NumPy functions: convolve, correlate, gradient, interp,
trapezoid, polyval, vander.

Every one except ``interp`` (in ``x``) and ``piecewise`` is linear in its data
argument, so its cotangent is the transpose of a banded linear map:

* ``convolve``/``correlate``: the cotangent is zero-padded to the ``'full'``
  output, then correlated with the other operand (``np.correlate`` conjugates
  its second argument, which is the conjugate transpose the complex
  convention asks for);
* ``gradient``: a row of the map along one axis touches at most five columns
  (``edge_order=2`` at the ends), so its band is read off ``np.gradient``
  applied to five comb vectors -- exact for every spacing form, and O(n);
* ``interp`` in ``fp``: each output is a convex combination of two ``fp``
  entries, whose weights come from ``searchsorted`` as in NumPy.

Arguments that are coordinates (``np.interp``'s ``xp``, ``np.gradient``'s
coordinate arrays) get a rule that raises: a differentiated value there is
refused, never given a zero gradient.  (``np.piecewise`` calls user
functions out of sight of both engines: it has no rule, so it is refused.)
"""

import numpy as np

from . import defvjp, up_to_positions, refuse_position
from .. import runtime


def _real_for(c, x):
    """A real argument's cotangent is the real part (the complex convention)."""
    return c if np.iscomplexobj(x) else np.real(c)

# ------------------------------------------------- convolve and correlate


def _full_offset(n, m, mode, correlate):
    """Where the ``mode`` output of a convolution (correlation) of lengths
    ``n`` and ``m`` starts inside the ``'full'`` one."""
    k = min(n, m)
    if mode == "valid":
        return k - 1
    if mode == "same":
        return k // 2 if correlate and n < m else (k - 1) // 2
    return 0


def _padded_full(g, n, m, mode, correlate=False):
    """The cotangent of a ``mode`` output, embedded in the ``'full'`` output
    (zeros where ``mode`` drops entries)."""
    start = _full_offset(n, m, mode, correlate)
    return np.pad(np.asarray(g), (start, n + m - 1 - start - np.size(g)))


def convolve_vjp_a(g, ans, a, v, mode="full"):
    """The cotangent, zero-padded to the full output, correlated with the
    other operand (NumPy swaps the operands when ``v`` is longer: the full
    output is the same)."""
    return np.correlate(_padded_full(g, np.size(a), np.size(v), mode), v, "valid")


def convolve_vjp_v(g, ans, a, v, mode="full"):
    return np.correlate(_padded_full(g, np.size(a), np.size(v), mode), a, "valid")


def correlate_vjp_a(g, ans, a, v, mode="valid"):
    """``correlate(a, v)`` is ``convolve(a, conj(v[::-1]))`` on the full
    output."""
    full = _padded_full(g, np.size(a), np.size(v), mode, correlate=True)
    return np.correlate(full, np.conj(np.flip(v)), "valid")


def correlate_vjp_v(g, ans, a, v, mode="valid"):
    full = _padded_full(g, np.size(a), np.size(v), mode, correlate=True)
    return np.conj(np.flip(np.correlate(full, a, "valid")))


defvjp(np.convolve, convolve_vjp_a, convolve_vjp_v)
defvjp(np.correlate, correlate_vjp_a, correlate_vjp_v)

# ------------------------------------------------------------- gradient


def _gradient_axes(f, axis):
    nd = np.ndim(f)
    if axis is None:
        return tuple(range(nd))
    return tuple(int(a) % nd for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))


def _gradient_spacings(varargs, count):
    """One tuple of spacing arguments (empty, a step, or coordinates) per axis."""
    if not varargs:
        return [()] * count
    if len(varargs) == 1:
        return [(varargs[0],)] * count
    return [(h,) for h in varargs]


def _gradient_adjoint(gk, n, spacing, ax, edge_order):
    """``gk`` pulled back through ``np.gradient`` along axis ``ax`` (length
    ``n``): row ``i`` of the map touches columns ``i-2 .. i+2`` only, so
    ``np.gradient`` of the comb of columns ``= k (mod 5)`` holds, in row
    ``i``, the entry of the one such column."""
    gm = np.moveaxis(np.asarray(gk), ax, -1)
    out = np.zeros(gm.shape, dtype=np.result_type(gm.dtype, float))
    cols = np.arange(n)
    for k in range(min(5, n)):
        band = np.gradient((cols % 5 == k).astype(float), *spacing, edge_order=edge_order)
        for d in range(-2, 3):
            rows = cols[((cols + d) % 5 == k) & (cols + d >= 0) & (cols + d < n)]
            out[..., rows + d] += gm[..., rows] * band[rows]
    return np.moveaxis(out, -1, ax)


def gradient_vjp_f(g, ans, f, *varargs, axis=None, edge_order=1):
    """The sum, over the differentiated axes, of each axis's pulled-back
    cotangent (``g`` is a tuple when NumPy returns one array per axis)."""
    axes = _gradient_axes(f, axis)
    gs = (g,) if len(axes) == 1 else g
    total = np.zeros(np.shape(f), dtype=np.result_type(np.asarray(f).dtype, float))
    for gk, ax, h in zip(gs, axes, _gradient_spacings(varargs, len(axes))):
        total = total + _gradient_adjoint(gk, np.shape(f)[ax], h, ax, edge_order)
    return total


def _gradient_step(g, ans, f, varargs, axis, k):
    """Cotangent of spacing argument ``k``: a scalar step ``h`` divides the
    axis's output, so it gets ``-sum(g * out) / h`` over the axes it spaces."""
    h = varargs[k]
    if np.ndim(h) != 0:
        raise NotImplementedError(
            "srcgrad: the gradient of np.gradient with respect to sample coordinates (an "
            "array spacing argument) is not supported; differentiate the sampled values only, "
            "or pass a scalar step")
    axes = _gradient_axes(f, axis)
    gs = (g,) if len(axes) == 1 else g
    outs = (ans,) if len(axes) == 1 else ans
    spaced = range(len(axes)) if len(varargs) == 1 else (k,)
    return -sum(np.sum(gs[i] * outs[i]) for i in spaced) / h


def gradient_vjp_h1(g, ans, f, *varargs, axis=None, edge_order=1):
    return _gradient_step(g, ans, f, varargs, axis, 0)


def gradient_vjp_h2(g, ans, f, *varargs, axis=None, edge_order=1):
    return _gradient_step(g, ans, f, varargs, axis, 1)


def gradient_vjp_h3(g, ans, f, *varargs, axis=None, edge_order=1):
    return _gradient_step(g, ans, f, varargs, axis, 2)


def gradient_vjp_more(g, ans, f, *varargs, axis=None, edge_order=1):
    raise refuse_position("np.gradient", 4, "differentiate at most three spacing arguments")


defvjp(np.gradient, *up_to_positions(
    (gradient_vjp_f, gradient_vjp_h1, gradient_vjp_h2, gradient_vjp_h3), gradient_vjp_more))

# --------------------------------------------------------------- interp


def _interp_parts(x, xp, period):
    """``(lo, hi, t, nodes, src, below, above)``: each ``x`` lies between
    extended ``nodes`` ``lo`` and ``hi = lo + 1`` at fraction ``t`` (clipped to [0, 1]);
    ``src`` maps extended nodes to ``fp`` indices (the identity, or NumPy's
    sorted, wrapped nodes under ``period``); ``below``/``above`` mark the
    points NumPy gives ``left``/``right``."""
    x = np.asarray(x, dtype=float)
    xp = np.asarray(xp, dtype=float)
    if period is None and np.any(np.diff(xp) < 0):
        raise ValueError("srcgrad: np.interp's sample points xp are not increasing, so its "
                         "values are not a piecewise-linear function (NumPy does not check); "
                         "sort xp (and fp with it) before calling np.interp")
    src = np.arange(np.size(xp))
    if period is not None:
        period = abs(period)
        x = x % period
        order = np.argsort(xp % period)
        xs = (xp % period)[order]
        xp = np.concatenate([xs[-1:] - period, xs, xs[:1] + period])
        src = np.concatenate([order[-1:], order, order[:1]])
    hi = np.clip(np.searchsorted(xp, x, side="right"), 1, max(np.size(xp) - 1, 1))
    lo = hi - 1
    if np.size(xp) == 1:
        hi = lo
    width = xp[hi] - xp[lo]
    t = np.clip(np.where(width == 0, 1.0, (x - xp[lo]) / np.where(width == 0, 1.0, width)),
                0.0, 1.0)
    below = (x < xp[0]) if period is None else np.zeros(np.shape(x), bool)
    above = (x > xp[-1]) if period is None else np.zeros(np.shape(x), bool)
    return lo, hi, t, xp, src, below, above


def interp_vjp_x(g, ans, x, xp, fp, left=None, right=None, period=None):
    """The slope of the segment each point lies on (zero outside ``xp``)."""
    # constant on each segment: found on x's value (runtime.constant), so the
    # compiler can differentiate this rule again (second derivatives)
    lo, hi, t, nodes, src, below, above = _interp_parts(runtime.constant(x), xp, period)
    fe = np.asarray(fp)[src]
    width = nodes[hi] - nodes[lo]
    slope = np.where(width == 0, 0.0, (fe[hi] - fe[lo]) / np.where(width == 0, 1.0, width))
    return _real_for(g * np.conj(np.where(below | above, 0.0, slope)), x)


def interp_vjp_xp_refused(g, ans, x, xp, fp, left=None, right=None, period=None):
    raise NotImplementedError(
        "srcgrad: np.interp is not differentiated with respect to its sample points xp; keep "
        "xp independent of the differentiated arguments (fp and x are differentiable)")


def interp_vjp_fp(g, ans, x, xp, fp, left=None, right=None, period=None):
    """Each output is ``(1 - t) fp[lo] + t fp[hi]`` (or ``left``/``right``)."""
    lo, hi, t, _, src, below, above = _interp_parts(x, xp, period)
    off = (below if left is not None else False) | (above if right is not None else False)
    gg = np.where(off, 0.0, g)
    out = np.zeros(np.shape(fp), dtype=np.result_type(np.asarray(fp).dtype, np.asarray(g).dtype,
                                                        float))
    np.add.at(out, src[np.ravel(lo)], np.ravel(gg * (1.0 - t)))
    np.add.at(out, src[np.ravel(hi)], np.ravel(gg * t))
    return out


def interp_vjp_left(g, ans, x, xp, fp, left=None, right=None, period=None):
    lo, hi, t, _, src, below, above = _interp_parts(x, xp, period)
    return np.sum(np.where(below, g, 0.0))


def interp_vjp_right(g, ans, x, xp, fp, left=None, right=None, period=None):
    lo, hi, t, _, src, below, above = _interp_parts(x, xp, period)
    return np.sum(np.where(above, g, 0.0))


defvjp(np.interp, interp_vjp_x, interp_vjp_xp_refused, interp_vjp_fp, interp_vjp_left,
       interp_vjp_right)

# ------------------------------------------------------------ trapezoid


def _trapezoid_steps(y, x, dx, ax):
    """The step between samples along ``ax``, shaped to broadcast with ``y``
    (length ``n - 1`` along ``ax``)."""
    nd = np.ndim(y)
    if x is None:
        return np.reshape(np.full(np.shape(y)[ax] - 1, dx, dtype=float),
                          [-1 if i == ax else 1 for i in range(nd)])
    x = np.asarray(x)
    d = np.diff(x, axis=0 if x.ndim == 1 else ax)   # NumPy's steps (bool: XOR)
    d = d.astype(np.result_type(d.dtype, float))
    return np.reshape(d, [-1 if i == ax else 1 for i in range(nd)]) if x.ndim == 1 else d


def _trapezoid_means(y, ax):
    y = np.asarray(y)
    n = y.shape[ax]
    return (np.take(y, np.arange(n - 1), axis=ax) + np.take(y, np.arange(1, n), axis=ax)) / 2.0


def trapezoid_vjp_y(g, ans, y, x=None, dx=1.0, axis=-1):
    """Sample ``i`` weighs half the two steps next to it."""
    ax = axis % np.ndim(y)
    d = _trapezoid_steps(y, x, dx, ax)
    width = [(0, 0)] * np.ndim(d)
    width[ax] = (1, 0)
    before = np.pad(d, width)
    width[ax] = (0, 1)
    w = (before + np.pad(d, width)) / 2.0
    return np.broadcast_to(np.expand_dims(g, ax) * w, np.shape(y))


def trapezoid_vjp_x(g, ans, y, x=None, dx=1.0, axis=-1):
    """Step ``i`` weighs the mean of its two samples; a sample point gets the
    step before it minus the step after it."""
    ax = axis % np.ndim(y)
    gd = np.expand_dims(g, ax) * _trapezoid_means(y, ax)
    if np.ndim(x) == 1:
        gd = np.sum(gd, axis=tuple(i for i in range(np.ndim(gd)) if i != ax))
        ax = 0
    else:
        gd = runtime.unbroadcast_shape(gd, np.shape(x)[:ax] + (np.shape(x)[ax] - 1,) +
                                       np.shape(x)[ax + 1:])
    width = [(0, 0)] * np.ndim(gd)
    width[ax] = (1, 1)
    return _real_for(-np.diff(np.pad(gd, width), axis=ax), x)


def trapezoid_vjp_dx(g, ans, y, x=None, dx=1.0, axis=-1):
    if x is not None:
        return 0.0 * np.sum(g)  # dx is ignored when x is given
    ax = axis % np.ndim(y)
    return _real_for(np.sum(np.expand_dims(g, ax) * _trapezoid_means(y, ax)), dx)


for _fn in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)):
    if _fn is not None:
        defvjp(_fn, trapezoid_vjp_y, trapezoid_vjp_x, trapezoid_vjp_dx)

# -------------------------------------------------------- polyval, vander


def polyval_vjp_p(g, ans, p, x):
    """NumPy's Horner loop runs over the first axis of ``p``, so
    ``polyval(p, x) = sum_k p[k] x ** (N - 1 - k)``, each ``p[k]`` broadcasting
    with ``x``: ``p[k]`` gets ``g conj(x) ** (N - 1 - k)`` summed to its shape."""
    pa = np.asarray(p)
    n = pa.shape[0]
    xc = np.conj(np.asarray(x))
    return np.stack([runtime.unbroadcast_shape(g * xc ** (n - 1 - k), pa.shape[1:])
                     for k in range(n)]).reshape(pa.shape)


def polyval_vjp_x(g, ans, p, x):
    """``g conj(p'(x))``, the derivative's coefficients in NumPy's layout."""
    pa = np.asarray(p)
    n = pa.shape[0]
    if n < 2:
        return g * np.zeros(np.shape(x))
    powers = np.reshape(np.arange(n - 1, 0, -1), (n - 1,) + (1,) * (pa.ndim - 1))
    return g * np.conj(np.polyval(pa[:-1] * powers, x))


def vander_vjp(g, ans, x, N=None, increasing=False):
    """``V[i, j] = x_i ** p_j``: row ``i`` gives ``sum_j g[i, j] p_j x_i ** (p_j - 1)``
    (no term for ``p_j = 0``, so ``x = 0`` is exact)."""
    cols = np.shape(ans)[1]
    p = np.arange(cols) if increasing else np.arange(cols - 1, -1, -1)
    dv = np.where(p > 0, p * np.asarray(x)[:, None] ** np.maximum(p - 1, 0), 0.0)
    return np.sum(g * np.conj(dv), axis=1)


defvjp(np.polyval, polyval_vjp_p, polyval_vjp_x, broadcasts=True)
defvjp(np.vander, vander_vjp)
