"""(c) A vanilla RNN, 32 hidden units, 30 steps, 8 inputs per step:
``h = tanh(W @ h + U @ xs[t])``, loss ``sum(h ** 2)``, gradient with respect
to W and U."""

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import (AUTOGRAD, COMPILED, HAND, JAX, NUMBA, TAPE, TORCH, gradient_case, jax,
                     need, numba_contender, torch)

HIDDEN, STEPS, INPUTS = 32, 30, 8


def rnn_loss(W, U, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h ** 2)


def rnn_hand(W, U, xs, h0):
    hs = [h0]
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
        hs.append(h)
    loss = np.sum(h ** 2)
    gh = 2.0 * h
    gW = np.zeros_like(W)
    gU = np.zeros_like(U)
    for t in range(xs.shape[0] - 1, -1, -1):
        ga = gh * (1.0 - hs[t + 1] * hs[t + 1])
        gW += np.outer(ga, hs[t])
        gU += np.outer(ga, xs[t])
        gh = W.T @ ga
    return loss, (gW, gU)


def data(seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, HIDDEN))
    U = rng.normal(0, 1 / np.sqrt(INPUTS), (HIDDEN, INPUTS))
    xs = rng.normal(size=(STEPS, INPUTS))
    return W, U, xs, np.zeros(HIDDEN)


def rnn(cfg):
    args = data()
    W, U, xs, h0 = args

    def compiled():
        vg = srcgrad.value_and_grad(rnn_loss, wrt=(0, 1), mode="compile")
        return lambda: vg(*args)

    def tape():
        def run():
            value, pullback = tape_vjp(rnn_loss, args, wrt=(0, 1))
            return value, pullback(1.0)
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def f(W, U, xs, h0):
            h = h0
            for t in range(xs.shape[0]):
                h = anp.tanh(anp.dot(W, h) + anp.dot(U, xs[t]))
            return anp.sum(h ** 2)
        vg = ag.value_and_grad(f, argnum=(0, 1))
        return lambda: vg(*args)

    def torch_eager():
        th = torch()
        tW = th.tensor(W, requires_grad=True)
        tU = th.tensor(U, requires_grad=True)
        txs, th0 = th.tensor(xs), th.tensor(h0)

        def run():
            h = th0
            for t in range(STEPS):
                h = th.tanh(tW @ h + tU @ txs[t])
            loss = (h ** 2).sum()
            gW, gU = th.autograd.grad(loss, (tW, tU))
            return loss.item(), (gW.numpy(), gU.numpy())
        return run

    def jax_jit():
        jx = jax()
        jnp = jx.numpy

        def f(W, U, xs, h0):
            h = h0
            for t in range(STEPS):
                h = jnp.tanh(W @ h + U @ xs[t])
            return jnp.sum(h ** 2)
        vg = jx.jit(jx.value_and_grad(f, argnums=(0, 1)))
        jargs = tuple(jnp.asarray(a) for a in args)
        return lambda: jx.block_until_ready(vg(*jargs))

    notes = []
    makers = {HAND: lambda: (lambda: rnn_hand(*args)), COMPILED: compiled,
              NUMBA: lambda: numba_contender(rnn_loss, (0, 1), args, notes), TAPE: tape,
              AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit}
    return gradient_case("rnn", "RNN, 32 hidden x 30 steps (8 inputs), grad wrt W, U",
                         makers, cfg, notes=notes)
