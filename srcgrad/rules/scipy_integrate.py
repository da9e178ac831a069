"""Rules for ``scipy.integrate.odeint`` (SciPy is an optional extra): the
adjoint method, as HIPS autograd's.

``y = odeint(func, y0, t, args)`` holds the solution at the times ``t``.  The
cotangent runs backwards from the last time to the first: between two times
the augmented system ``[y, a, a_t, a_args]`` with ``a' = -a df/dy``,
``a_t' = -a df/dt``, ``a_args' = -a df/dargs`` is integrated by ``odeint``
itself, from ``t[i]`` to ``t[i - 1]``; ``g[i - 1]`` is added to ``a`` at each
time.  The VJPs of ``func`` come from srcgrad itself (``rules.FUNCTION_VJP``,
i.e. ``srcgrad.vjp``: compiled, or on the tape when the compiler cannot).
No gradient flows into ``func`` (a function capturing a differentiated
value is refused: pass such values through ``args``).  ``full_output``,
``Dfun`` and ``tfirst`` are not taken by the rules, so calls using them are refused.
"""

import numpy as np
from scipy.integrate import odeint

from . import NO_RULE, defvjp
import srcgrad.rules as _rules


def _leaves(tree):
    """The numbers and arrays of ``tree`` (lists, tuples and dicts of them), in order."""
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in _leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def _flat(args):
    """``args`` (a tree: ode_net passes a list of (W, b) layers) as one vector."""
    leaves = _leaves(args)
    return np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in leaves]) \
        if leaves else np.zeros(0)


def _unflat(flat, args):
    """``flat`` cut into the shape of the tree ``args`` (numbers stay numbers)."""
    k = [0]

    def build(tree):
        if isinstance(tree, dict):
            return {key: build(tree[key]) for key in tree}
        if isinstance(tree, (list, tuple)):
            items = [build(item) for item in tree]
            return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
        n = np.size(tree)
        piece = flat[k[0]:k[0] + n]
        k[0] += n
        return float(piece[0]) if np.ndim(tree) == 0 and not isinstance(tree, np.ndarray) \
            else np.reshape(piece, np.shape(tree))
    return tuple(build(a) for a in args)


def _adjoint(g, ans, func, y0, t, args, kw):
    """``(cotangent of y0, of t, of args)`` by the adjoint method."""
    vjp = _rules.FUNCTION_VJP
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    yt = np.reshape(np.asarray(ans, dtype=float), (len(t), -1))
    g = np.reshape(np.asarray(g, dtype=float), yt.shape)
    t = np.asarray(t, dtype=float)
    n = yt.shape[1]

    def augmented(state, time):
        y, a = state[:n], state[n:2 * n]
        dy, pullback = vjp(func, y, time, *args)
        cts = pullback(-a)
        return np.concatenate([np.ravel(dy), np.ravel(cts[0]), [np.sum(cts[1])],
                               _flat(cts[2:])])

    a = g[-1].copy()
    a_t0 = 0.0
    a_args = np.zeros(_flat(args).size)
    g_times = np.zeros(len(t))
    for i in range(len(t) - 1, 0, -1):
        g_times[i] = np.dot(np.ravel(func(yt[i], t[i], *args)), g[i])
        a_t0 = a_t0 - g_times[i]
        state = np.concatenate([yt[i], a, [a_t0], a_args])
        back = odeint(augmented, state, np.array([t[i], t[i - 1]]), **kw)[1]
        a, a_t0, a_args = back[n:2 * n], back[2 * n], back[2 * n + 1:]
        a = a + g[i - 1]
    g_times[0] = a_t0
    return np.reshape(a, np.shape(y0)), g_times, _unflat(a_args, args)


def odeint_vjp_y0(g, ans, func, y0, t, args=(), rtol=None, atol=None, h0=0.0, hmax=0.0,
                  hmin=0.0, mxstep=0):
    """The adjoint method, as HIPS autograd's: an augmented system integrated back
    from t[-1] to t[0] by odeint, with srcgrad's VJPs of func (none into func)."""
    kw = dict(rtol=rtol, atol=atol, h0=h0, hmax=hmax, hmin=hmin, mxstep=mxstep)
    return _adjoint(g, ans, func, y0, t, args, kw)[0]


def odeint_vjp_t(g, ans, func, y0, t, args=(), rtol=None, atol=None, h0=0.0, hmax=0.0,
                 hmin=0.0, mxstep=0):
    kw = dict(rtol=rtol, atol=atol, h0=h0, hmax=hmax, hmin=hmin, mxstep=mxstep)
    return np.reshape(_adjoint(g, ans, func, y0, t, args, kw)[1], np.shape(t))


def odeint_vjp_args(g, ans, func, y0, t, args=(), rtol=None, atol=None, h0=0.0, hmax=0.0,
                    hmin=0.0, mxstep=0):
    """A tuple of cotangents, one per element of args."""
    kw = dict(rtol=rtol, atol=atol, h0=h0, hmax=hmax, hmin=hmin, mxstep=mxstep)
    return _adjoint(g, ans, func, y0, t, args, kw)[2]


defvjp(odeint, NO_RULE, odeint_vjp_y0, odeint_vjp_t, odeint_vjp_args,
       name="scipy.integrate.odeint")
