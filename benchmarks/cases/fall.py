"""(f) A ``while`` loop with a data-dependent number of steps: a ball thrown
with velocity (vx, vy) under gravity and quadratic air drag, integrated with
explicit Euler steps (dt = 0.01) until it hits the ground; the result is the
distance it travelled, and the gradient is taken with respect to both
components of the initial velocity (the number of steps is held fixed, as
every contender does)."""

import math

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import AUTOGRAD, COMPILED, HAND, JAX, TAPE, TORCH, Skip, gradient_case, need, torch

G, K, DT = 9.81, 0.05, 0.01
V0 = (10.0, 12.0)


def fall_distance(vx, vy):
    x = 0.0
    y = 0.0
    while y >= 0.0:
        speed = math.sqrt(vx * vx + vy * vy)
        ax = -0.05 * speed * vx
        ay = -9.81 - 0.05 * speed * vy
        x = x + vx * 0.01
        y = y + vy * 0.01
        vx = vx + ax * 0.01
        vy = vy + ay * 0.01
    return x


def fall_distance_np(vx, vy):
    """The same, with ``np.sqrt`` for the tape (``math.sqrt`` of a tracked
    value would drop its gradient)."""
    x = 0.0
    y = 0.0
    while y >= 0.0:
        speed = np.sqrt(vx * vx + vy * vy)
        ax = -0.05 * speed * vx
        ay = -9.81 - 0.05 * speed * vy
        x = x + vx * 0.01
        y = y + vy * 0.01
        vx = vx + ax * 0.01
        vy = vy + ay * 0.01
    return x


def fall_hand(vx, vy):
    x = 0.0
    y = 0.0
    saved = []
    while y >= 0.0:
        s = math.sqrt(vx * vx + vy * vy)
        saved.append((vx, vy, s))
        x = x + vx * DT
        y = y + vy * DT
        vx = vx - K * s * vx * DT
        vy = vy + (-G - K * s * vy) * DT
    bvx = bvy = 0.0               # the adjoint of x stays 1; y feeds only the test
    for vx, vy, s in reversed(saved):
        bs = -K * DT * (bvx * vx + bvy * vy)
        c = 1.0 - K * s * DT
        bvx, bvy = DT + bvx * c + bs * vx / s, bvy * c + bs * vy / s
    return x, (bvx, bvy)


def fall(cfg):
    v0 = V0

    def compiled():
        vg = srcgrad.value_and_grad(fall_distance, wrt=(0, 1), mode="compile")
        return lambda: vg(*v0)

    def tape():
        def run():
            value, pullback = tape_vjp(fall_distance_np, v0, wrt=(0, 1))
            return value, pullback(1.0)
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def f(vx, vy):
            x = 0.0
            y = 0.0
            while y >= 0.0:
                speed = anp.sqrt(vx * vx + vy * vy)
                ax = -K * speed * vx
                ay = -G - K * speed * vy
                x = x + vx * DT
                y = y + vy * DT
                vx = vx + ax * DT
                vy = vy + ay * DT
            return x
        vg = ag.value_and_grad(f, argnum=(0, 1))
        return lambda: vg(*v0)

    def torch_eager():
        th = torch()

        def run():
            vx0 = th.tensor(v0[0], dtype=th.float64, requires_grad=True)
            vy0 = th.tensor(v0[1], dtype=th.float64, requires_grad=True)
            vx, vy = vx0, vy0
            x = y = 0.0
            while y >= 0.0:
                speed = th.sqrt(vx * vx + vy * vy)
                ax = -K * speed * vx
                ay = -G - K * speed * vy
                x = x + vx * DT
                y = y + vy * DT
                vx = vx + ax * DT
                vy = vy + ay * DT
            gx, gy = th.autograd.grad(x, (vx0, vy0))
            return x.item(), (gx.item(), gy.item())
        return run

    def jax_jit():
        need("jax")
        raise Skip("a Python while loop on traced values cannot be jitted, and reverse-mode "
                   "jax.grad does not support lax.while_loop")

    makers = {HAND: lambda: (lambda: fall_hand(*v0)), COMPILED: compiled, TAPE: tape,
              AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit}
    steps = 0
    x, y, vx, vy = 0.0, 0.0, *v0
    while y >= 0.0:
        s = math.sqrt(vx * vx + vy * vy)
        x, y = x + vx * DT, y + vy * DT
        vx, vy = vx - K * s * vx * DT, vy + (-G - K * s * vy) * DT
        steps += 1
    return gradient_case(
        "fall", "while loop: thrown ball with drag until it lands (%d steps), "
        "grad of distance wrt initial velocity" % steps, makers, cfg,
        notes=["The tape, autograd and torch use their own sqrt (np.sqrt on the tape)."])
