"""Array constructors whose values move with a float argument.

``np.linspace``/``np.logspace`` (start, stop, base), ``np.full``/``np.full_like``
(the fill value), ``np.arange`` (start and step: ``start + i * step``) and the
sampling functions ``np.random.normal``/``np.random.uniform`` (the sample as a
function of its parameters, for a fixed draw: ``loc + scale * z``,
``low + (high - low) * u``).  Constructors whose values depend on no float
argument (``np.zeros``, ``np.eye``, ``np.ones_like``...) are registered as
non-differentiable in :mod:`.conversions`; ``tests/rules/test_nondiff_proven.py``
checks that every such entry's outputs stay put when its float arguments move.

An integer output (``dtype=int``) has no gradient: its rules give zeros.
"""

import numpy as np

from . import defvjp
from .. import runtime


def _inexact(ans):
    """1.0 for a float or complex output, 0.0 for an integer one."""
    return 1.0 if np.result_type(ans).kind in "fc" else 0.0


# ------------------------------------------------------------ fill values


def full_vjp_fill_value(g, ans, shape, fill_value, dtype=None, order="C", **kwargs):
    return runtime.unbroadcast(g * (np.result_type(ans).kind in "fc"), fill_value)


def full_like_vjp_fill_value(g, ans, a, fill_value, dtype=None, order="K", subok=True,
                             shape=None, **kwargs):
    return runtime.unbroadcast(g * (np.result_type(ans).kind in "fc"), fill_value)


defvjp(np.full, None, full_vjp_fill_value)
defvjp(np.full_like, None, full_like_vjp_fill_value)

# ------------------------------------------------------------ ranges


def _fractions(ans, num, endpoint, axis):
    """``t`` with ``linspace(start, stop)[i] = start + t[i] (stop - start)``,
    shaped to broadcast against the samples along ``axis``."""
    div = (num - 1) if endpoint else num
    t = np.arange(num, dtype=float) / div if div > 0 else np.zeros(num)
    shape = [1] * np.ndim(ans)
    if shape:
        shape[axis % len(shape)] = num
    return np.reshape(t, shape)


def _sum_samples(v, ans, axis):
    """Sum a samples-shaped array over the samples axis (what start/stop of
    the broadcast shape receive)."""
    return np.sum(v, axis=axis % np.ndim(ans)) if np.ndim(ans) else v


def _linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, which):
    """Shared by start (``which=0``) and stop (``which=1``)."""
    samples, gs = (ans[0], g[0]) if retstep else (ans, g)
    t = _fractions(samples, num, endpoint, axis)
    weight = t if which else 1.0 - t
    out = _sum_samples(gs * weight, samples, axis) * _inexact(samples)
    if retstep:
        div = (num - 1) if endpoint else num
        if div > 0:
            out = out + (g[1] / div if which else -g[1] / div)
    return out


def linspace_vjp_start(g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None,
                       axis=0, **kwargs):
    """``start`` gets ``sum g (1 - t)``, ``stop`` gets ``sum g t`` with
    ``t = i / (num - 1)`` (``i / num`` without the endpoint); with
    ``retstep=True`` the step ``(stop - start) / div`` adds ``-+g_step / div``."""
    ct = _linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, 0)
    return runtime.unbroadcast(ct, start)


def linspace_vjp_stop(g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None,
                      axis=0, **kwargs):
    ct = _linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, 1)
    return runtime.unbroadcast(ct, stop)


def _logspace_exponents(ans, start, stop, num, endpoint, axis):
    return np.linspace(start, stop, num, endpoint=endpoint, axis=axis)


def logspace_vjp_start(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                       axis=0):
    """``ans = base ** y`` with ``y = linspace(start, stop)``: start and stop
    get the linspace cotangent of ``g ans log(base)``, base gets
    ``sum g y ans / base``."""
    scale = g * ans * np.log(np.expand_dims(base, axis) if np.ndim(base) else base)
    return runtime.unbroadcast(
        _linspace_vjp(scale, ans, start, stop, num, endpoint, False, axis, 0), start)


def logspace_vjp_stop(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                      axis=0):
    scale = g * ans * np.log(np.expand_dims(base, axis) if np.ndim(base) else base)
    return runtime.unbroadcast(
        _linspace_vjp(scale, ans, start, stop, num, endpoint, False, axis, 1), stop)


def logspace_vjp_base(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                      axis=0):
    y = _logspace_exponents(ans, start, stop, num, endpoint, axis)
    b = np.expand_dims(base, axis) if np.ndim(base) else base
    return runtime.unbroadcast(_sum_samples(g * y * ans / b, ans, axis) * _inexact(ans), base)


# Not ``broadcasts=True``: the output's shape is not the arguments' broadcast
# shape (the samples axis, ``size=``), so each rule sums back itself.
defvjp(np.linspace, linspace_vjp_start, linspace_vjp_stop)
defvjp(np.logspace, logspace_vjp_start, logspace_vjp_stop, None, None, logspace_vjp_base)


def arange_vjp_start(g, ans, start, stop=None, step=1, **kwargs):
    """``arange(stop)`` has no gradient (its values are 0, 1, 2...);
    ``arange(start, stop, step)`` is ``start + i * step``: start gets
    ``sum g``, step ``sum g i``; stop only sets the length."""
    return 0.0 * np.sum(g) if stop is None else np.sum(g) * (np.result_type(ans).kind in "fc")


def arange_vjp_step(g, ans, start, stop=None, step=1, **kwargs):
    return np.sum(g * np.arange(np.size(ans))) * (np.result_type(ans).kind in "fc")


defvjp(np.arange, arange_vjp_start, None, arange_vjp_step)

# ------------------------------------------------------------ sampling


def normal_vjp_loc(g, ans, loc=0.0, scale=1.0, size=None):
    """The draw as a function of its parameters: ``loc + scale * z``."""
    return runtime.unbroadcast(g, loc)


def normal_vjp_scale(g, ans, loc=0.0, scale=1.0, size=None):
    return runtime.unbroadcast(g * (ans - loc) / scale, scale)


def uniform_vjp_low(g, ans, low=0.0, high=1.0, size=None):
    """``low + (high - low) * u``."""
    return runtime.unbroadcast(g * (high - ans) / (high - low), low)


def uniform_vjp_high(g, ans, low=0.0, high=1.0, size=None):
    return runtime.unbroadcast(g * (ans - low) / (high - low), high)


defvjp(np.random.normal, normal_vjp_loc, normal_vjp_scale)
defvjp(np.random.uniform, uniform_vjp_low, uniform_vjp_high)
