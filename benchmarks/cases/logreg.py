"""(e) Logistic regression on 10,000 samples x 100 features: the mean
log-loss ``mean(logaddexp(0, z) - y * z)`` with ``z = X @ w``, gradient with
respect to the weights ``w``."""

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import AUTOGRAD, COMPILED, HAND, JAX, TAPE, TORCH, gradient_case, jax, need, torch

N, D = 10_000, 100


def logreg_loss(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def logreg_hand(w, X, y):
    z = X @ w
    softplus = np.logaddexp(0.0, z)
    loss = np.mean(softplus - y * z)
    gz = (np.exp(z - softplus) - y) / z.size     # sigmoid(z) - y, over n
    return loss, (X.T @ gz,)


def data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D))
    w_true = rng.normal(size=D) / np.sqrt(D)
    y = (rng.random(N) < 1 / (1 + np.exp(-X @ w_true))).astype(float)
    return rng.normal(size=D) * 0.1, X, y


def logreg(cfg):
    args = data()
    w, X, y = args

    def compiled():
        vg = srcgrad.value_and_grad(logreg_loss, wrt=(0,), mode="compile")
        return lambda: vg(*args)

    def tape():
        def run():
            value, pullback = tape_vjp(logreg_loss, args)
            return value, pullback(1.0)
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def f(w, X, y):
            z = anp.dot(X, w)
            return anp.mean(anp.logaddexp(0.0, z) - y * z)
        vg = ag.value_and_grad(f)
        return lambda: vg(*args)

    def torch_eager():
        th = torch()
        tw = th.tensor(w, requires_grad=True)
        tX, ty = th.tensor(X), th.tensor(y)

        def run():
            z = tX @ tw
            loss = (th.nn.functional.softplus(z) - ty * z).mean()
            (g,) = th.autograd.grad(loss, (tw,))
            return loss.item(), (g.numpy(),)
        return run

    def jax_jit():
        jx = jax()
        jnp = jx.numpy

        def f(w, X, y):
            z = X @ w
            return jnp.mean(jnp.logaddexp(0.0, z) - y * z)
        vg = jx.jit(jx.value_and_grad(f))
        jargs = tuple(jnp.asarray(a) for a in args)
        return lambda: jx.block_until_ready(vg(*jargs))

    makers = {HAND: lambda: (lambda: logreg_hand(*args)), COMPILED: compiled, TAPE: tape,
              AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit}
    return gradient_case("logreg", "logistic regression, 10,000 x 100, grad wrt weights",
                         makers, cfg, rtol=1e-6)
