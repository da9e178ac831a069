"""(a) a 64-wide two-layer MLP (batch 32, 16 -> 64 -> 1)
and (d) a 512-wide one on a batch of 256 (512 -> 512 -> 1), where the matrix
products dominate; (d) also measures the peak memory of one gradient call.

Loss: mean squared error of ``tanh(x @ W1 + b1) @ W2 + b2``; gradient with
respect to W1, b1, W2, b2."""

import statistics
import tracemalloc

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import (AUTOGRAD, COMPILED, HAND, JAX, TAPE, TORCH, Skip, gradient_case, need,
                     jax, torch)


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


def mlp_hand(W1, b1, W2, b2, x, y):
    """Loss and gradient, backward pass written by hand."""
    h = np.tanh(x @ W1 + b1)
    err = h @ W2 + b2 - y
    loss = np.mean(err ** 2)
    g_out = err * (2.0 / err.size)
    gW2 = h.T @ g_out
    gb2 = g_out.sum(axis=0)
    g_pre = (g_out @ W2.T) * (1.0 - h * h)
    gW1 = x.T @ g_pre
    gb1 = g_pre.sum(axis=0)
    return loss, (gW1, gb1, gW2, gb2)


def mlp_data(batch=32, n_in=16, width=64, seed=0):
    rng = np.random.default_rng(seed)
    params = (rng.normal(0, 1 / np.sqrt(n_in), (n_in, width)), np.zeros(width),
              rng.normal(0, 1 / np.sqrt(width), (width, 1)), np.zeros(1))
    x = rng.normal(size=(batch, n_in))
    y = np.sin(x.sum(axis=1, keepdims=True))
    return params, x, y


def makers(params, x, y):
    args = (*params, x, y)

    def compiled():
        vg = srcgrad.value_and_grad(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
        return lambda: vg(*args)

    def tape():
        def run():
            value, pullback = tape_vjp(mlp_loss, args, wrt=(0, 1, 2, 3))
            return value, pullback(1.0)
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def loss(W1, b1, W2, b2, x, y):
            h = anp.tanh(anp.dot(x, W1) + b1)
            return anp.mean((anp.dot(h, W2) + b2 - y) ** 2)
        vg = ag.value_and_grad(loss, argnum=(0, 1, 2, 3))
        return lambda: vg(*args)

    def torch_eager():
        th = torch()
        tp = [th.tensor(p, requires_grad=True) for p in params]
        tx, ty = th.tensor(x), th.tensor(y)

        def run():
            W1, b1, W2, b2 = tp
            loss = ((th.tanh(tx @ W1 + b1) @ W2 + b2 - ty) ** 2).mean()
            grads = th.autograd.grad(loss, tp)
            return loss.item(), tuple(g.numpy() for g in grads)
        return run

    def jax_jit():
        jx = jax()
        jnp = jx.numpy

        def loss(W1, b1, W2, b2, x, y):
            h = jnp.tanh(x @ W1 + b1)
            return jnp.mean((h @ W2 + b2 - y) ** 2)
        vg = jx.jit(jx.value_and_grad(loss, argnums=(0, 1, 2, 3)))
        jargs = tuple(jnp.asarray(a) for a in args)
        return lambda: jx.block_until_ready(vg(*jargs))

    return {HAND: lambda: (lambda: mlp_hand(*args)), COMPILED: compiled, TAPE: tape,
            AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit}


def mlp64(cfg):
    params, x, y = mlp_data(batch=32, n_in=16, width=64)
    return gradient_case("mlp64", "64-wide two-layer MLP (batch 32, 16 -> 64 -> 1, MSE)",
                         makers(params, x, y), cfg)


def peak_bytes(fn, times=3):
    """Peak bytes traced by ``tracemalloc`` during one call of ``fn`` (median
    of ``times``), above what was allocated before the call.  NumPy reports its
    array buffers to tracemalloc; torch's allocations are invisible to it."""
    fn()
    peaks = []
    tracemalloc.start()
    try:
        for _ in range(times):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            result = fn()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
            del result
    finally:
        tracemalloc.stop()
    return statistics.median(peaks)


def mlp512(cfg):
    params, x, y = mlp_data(batch=256, n_in=512, width=512)
    res = gradient_case(
        "mlp512", "512-wide two-layer MLP on a batch of 256 (512 -> 512 -> 1, MSE)",
        makers(params, x, y), cfg, rtol=1e-6)
    mk = makers(params, x, y)
    memory = {}
    for row in res["rows"]:
        name = row["name"]
        if name in (TORCH, JAX):
            continue       # allocations outside NumPy: not visible to tracemalloc
        try:
            memory[name] = peak_bytes(mk[name]())
        except Skip:
            pass
    hand = memory[HAND]
    for row in res["rows"]:
        if row["name"] in memory:
            row["peak_bytes"] = memory[row["name"]]
            row["peak_ratio"] = memory[row["name"]] / hand
    res["notes"].append(
        "Peak memory: tracemalloc peak during one loss-and-gradient call, above the memory "
        "in use before it (inputs excluded, outputs included); the inputs take %.1f MB. "
        "torch and jax allocate outside tracemalloc's view and are not measured."
        % (sum(a.nbytes for a in (*params, x, y)) / 1e6))
    return res
