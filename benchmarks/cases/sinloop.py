"""(b) 100 iterations of ``x = math.sin(x) * 1.01`` on a Python float: a scalar
loop, where every contender's cost is per-operation overhead."""

import math

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import (AUTOGRAD, COMPILED, HAND, JAX, NUMBA, TAPE, TORCH, gradient_case, jax,
                     need, numba_contender, torch)

STEPS = 100
X0 = 0.5


def sin_loop(x):
    for i in range(100):
        x = math.sin(x) * 1.01
    return x


def sin_loop_np(x):
    """The same loop with ``np.sin``: the tape (like autograd and torch) needs
    its own sin, ``math.sin`` of a tracked value would drop the gradient."""
    for i in range(100):
        x = np.sin(x) * 1.01
    return x


def sin_hand(x):
    xs = []
    for i in range(STEPS):
        xs.append(x)
        x = math.sin(x) * 1.01
    g = 1.0
    for xi in reversed(xs):
        g = g * 1.01 * math.cos(xi)
    return x, (g,)


def sinloop(cfg):
    x0 = X0

    def compiled():
        vg = srcgrad.value_and_grad(sin_loop, wrt=(0,), mode="compile")
        return lambda: vg(x0)

    def tape():
        def run():
            value, pullback = tape_vjp(sin_loop_np, (x0,))
            return value, pullback(1.0)
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def f(x):
            for i in range(STEPS):
                x = anp.sin(x) * 1.01
            return x
        vg = ag.value_and_grad(f)
        return lambda: vg(x0)

    def torch_eager():
        th = torch()

        def run():
            x = th.tensor(x0, dtype=th.float64, requires_grad=True)
            y = x
            for i in range(STEPS):
                y = th.sin(y) * 1.01
            (g,) = th.autograd.grad(y, (x,))
            return y.item(), (g.item(),)
        return run

    def jax_jit():
        jx = jax()

        def f(x):
            for i in range(STEPS):
                x = jx.numpy.sin(x) * 1.01
            return x
        vg = jx.jit(jx.value_and_grad(f))
        return lambda: jx.block_until_ready(vg(x0))

    notes = ["The tape, autograd, torch and jax run the loop with their own sin "
             "(np.sin on the tape: math.sin of a tracked value would lose the gradient)."]
    makers = {HAND: lambda: (lambda: sin_hand(x0)), COMPILED: compiled,
              NUMBA: lambda: numba_contender(sin_loop, (0,), (x0,), notes), TAPE: tape,
              AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit}
    return gradient_case(
        "sinloop", "100 iterations of x = math.sin(x) * 1.01 on a float", makers, cfg,
        notes=notes)
