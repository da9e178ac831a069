"""Rules for the Bessel functions of ``scipy.special`` (SciPy is an optional
extra; imported by :mod:`srcgrad.rules.scipy_special`).

Gradients are wrt the argument ``x``.  An integer order (``yn``'s ``n``) has
no gradient; a real order (``jv``, ``yv``, ``iv``, ``ive``, ``kv``, ``kve``'s
``v``) has one that srcgrad does not implement: a differentiated order is
refused.  The recurrences: ``J_v' = (J_{v-1} - J_{v+1}) / 2`` (and ``Y``),
``I_v' = (I_{v-1} + I_{v+1}) / 2``, ``K_v' = -(K_{v-1} + K_{v+1}) / 2``.
"""

import numpy as np
import scipy.special as sp

from . import NO_RULE, defvjp


def _def(fn, *rules):
    defvjp(fn, *rules, broadcasts=True, name="scipy.special." + fn.__name__)


# ------------------------------------------------------------------ J, Y

def j0_vjp(g, ans, x):
    return -g * sp.j1(x)


def j1_vjp(g, ans, x):
    return g * 0.5 * (sp.j0(x) - sp.jv(2, x))


def y0_vjp(g, ans, x):
    return -g * sp.y1(x)


def y1_vjp(g, ans, x):
    return g * 0.5 * (sp.y0(x) - sp.yv(2, x))


def jv_vjp_x(g, ans, v, x):
    """(J_{v-1} - J_{v+1}) / 2 (a differentiated order v is refused)."""
    return g * 0.5 * (sp.jv(np.subtract(v, 1), x) - sp.jv(np.add(v, 1), x))


def yv_vjp_x(g, ans, v, x):
    """(Y_{v-1} - Y_{v+1}) / 2 (a differentiated order v is refused)."""
    return g * 0.5 * (sp.yv(np.subtract(v, 1), x) - sp.yv(np.add(v, 1), x))


def yn_vjp_x(g, ans, n, x):
    """(Y_{n-1} - Y_{n+1}) / 2 (the integer order n has no gradient)."""
    return g * 0.5 * (sp.yn(np.subtract(n, 1), x) - sp.yn(np.add(n, 1), x))


_def(sp.j0, j0_vjp)
_def(sp.j1, j1_vjp)
_def(sp.y0, y0_vjp)
_def(sp.y1, y1_vjp)
_def(sp.jv, NO_RULE, jv_vjp_x)   # also scipy.special.jn
_def(sp.yv, NO_RULE, yv_vjp_x)
_def(sp.yn, None, yn_vjp_x)

# ------------------------------------------------------------------ I, K

def i0_vjp(g, ans, x):
    return g * sp.i1(x)


def i1_vjp(g, ans, x):
    """I1' = (I0 + I2) / 2 (finite at 0)."""
    return g * 0.5 * (sp.i0(x) + sp.iv(2, x))


def i0e_vjp(g, ans, x):
    """i0e = exp(-|x|) I0(x)."""
    return g * (sp.i1e(x) - np.sign(x) * ans)


def i1e_vjp(g, ans, x):
    return g * (0.5 * (sp.i0e(x) + sp.ive(2, x)) - np.sign(x) * ans)


def iv_vjp_x(g, ans, v, x):
    """(I_{v-1} + I_{v+1}) / 2 (a differentiated order v is refused)."""
    return g * 0.5 * (sp.iv(np.subtract(v, 1), x) + sp.iv(np.add(v, 1), x))


def ive_vjp_x(g, ans, v, x):
    """ive = exp(-|x|) I_v(x) (real x; a differentiated order v is refused)."""
    return g * (0.5 * (sp.ive(np.subtract(v, 1), x) + sp.ive(np.add(v, 1), x))
                - np.sign(x) * ans)


def k0_vjp(g, ans, x):
    return -g * sp.k1(x)


def k1_vjp(g, ans, x):
    return -g * 0.5 * (sp.k0(x) + sp.kv(2, x))


def k0e_vjp(g, ans, x):
    """k0e = exp(x) K0(x)."""
    return g * (ans - sp.k1e(x))


def k1e_vjp(g, ans, x):
    return g * (ans - 0.5 * (sp.k0e(x) + sp.kve(2, x)))


def kv_vjp_x(g, ans, v, x):
    """-(K_{v-1} + K_{v+1}) / 2 (a differentiated order v is refused)."""
    return -g * 0.5 * (sp.kv(np.subtract(v, 1), x) + sp.kv(np.add(v, 1), x))


def kve_vjp_x(g, ans, v, x):
    """kve = exp(x) K_v(x) (a differentiated order v is refused)."""
    return g * (ans - 0.5 * (sp.kve(np.subtract(v, 1), x) + sp.kve(np.add(v, 1), x)))


_def(sp.i0, i0_vjp)
_def(sp.i1, i1_vjp)
_def(sp.i0e, i0e_vjp)
_def(sp.i1e, i1e_vjp)
_def(sp.iv, NO_RULE, iv_vjp_x)
_def(sp.ive, NO_RULE, ive_vjp_x)
_def(sp.k0, k0_vjp)
_def(sp.k1, k1_vjp)
_def(sp.k0e, k0e_vjp)
_def(sp.k1e, k1e_vjp)
_def(sp.kv, NO_RULE, kv_vjp_x)
_def(sp.kve, NO_RULE, kve_vjp_x)
