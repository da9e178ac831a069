"""Helpers that update their arguments in place (``vx -= dt * gx``,
``p[0] = 0.0``, ``x[x > 0] *= 2.0``): compiled as if the helper received a
copy, which is what plain Python computes whenever the caller does not read
the array it passed after the call (HIPS autograd's fluidsim)."""

import numpy as np

from . import Case

RNG = np.random.default_rng(12)
V = RNG.normal(size=(4, 4)) * 0.3
X = RNG.normal(size=5)


def project(vx, vy):
    """fluidsim's shape: a few Jacobi sweeps, then the arguments updated."""
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0) +
                      np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for k in range(4):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0) +
             np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy


def smooth_advect(f, vx, vy):
    out = f + 0.1 * (vx * np.roll(f, 1, axis=0) + vy * np.roll(f, 1, axis=1))
    return np.reshape(out.ravel(), f.shape)


def simulate(v):
    vx, vy = v * 1.0, np.cos(v)
    for t in range(3):
        vx_updated = smooth_advect(vx, vx, vy)
        vy_updated = smooth_advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
    return np.sum(vx * vy) + np.mean(vx ** 2)


def pin_first(p):
    p[0] = 0.0
    return p * 2.0


def item_update(x):
    y = np.sin(x)
    return np.sum(pin_first(y) * x)


def double_positive(u):
    u[u > 0] *= 2.0
    return np.sum(u ** 2)


def mask_update(x):
    return double_positive(x * 1.5) + np.sum(x)


def through(q):
    r = pin_first(q)
    return r


def passed_on(x):
    """A helper hands its own argument to a helper that updates it."""
    return np.sum(through(x * x) * x)


def maybe_fresh(u, v, c):
    if c > 0:
        u = u * 1.0
    u += v
    return u


def branch_rebinding(x):
    return np.sum(maybe_fresh(x * 2.0, x, 1.0) * maybe_fresh(np.tanh(x), x, -1.0))


def scale_first(ws):
    ws[0] = ws[0] * 2.0
    return ws


def list_argument(x):
    ws = scale_first([x, x * x])
    return np.sum(ws[0] * ws[1])


def updated_in_a_loop(x):
    s = 0.0
    for i in range(3):
        t = x * (i + 1.0)
        s = s + double_positive(t)
    return s


CASES = [
    Case(simulate, [(V,)]),
    Case(item_update, [(X,)]),
    Case(mask_update, [(X,)]),
    Case(passed_on, [(X,)]),
    Case(branch_rebinding, [(X,)]),
    Case(list_argument, [(X,)]),
    Case(updated_in_a_loop, [(X,)]),
]
