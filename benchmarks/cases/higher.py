"""(j) a Hessian-vector product of the 64-wide MLP's loss (batch 32,
16 -> 64 -> 1, MSE) with respect to all four parameters, and (k) the 100 x 100
Hessian of a scalar function, ``sum(tanh(A x) ** 2) + sum(x ** 4) / 4``.

srcgrad's compiled column is ``mode="compile"``: generated code, the
gradient of the generated JVP (srcgrad/higher.py); its tape column is
``mode="tape"`` (reverse over reverse).  The peers: HIPS autograd's
``hessian_vector_product``/``hessian``, ``torch.func`` (``jvp`` of ``grad``,
``hessian``), ``jax.jit`` of ``jvp(grad)``/``hessian``; the reference is
forward-over-reverse written by hand in NumPy."""

import numpy as np

import srcgrad

from cases.mlp import mlp_data, mlp_loss
from harness import (AUTOGRAD, COMPILED, HAND, JAX, TAPE, TORCH, gradient_case, need,
                     jax, torch)



def mlp_hvp_hand(W1, b1, W2, b2, x, y, v):
    """The MLP loss's Hessian times ``v``: the hand-written backward pass,
    differentiated forward along ``v`` by hand."""
    dW1, db1, dW2, db2 = v
    h = np.tanh(x @ W1 + b1)
    s = 1.0 - h * h
    r = h @ W2 + b2 - y
    gr = r * (2.0 / r.size)
    gh = gr @ W2.T
    # tangents of the forward pass
    dh = s * (x @ dW1 + db1)
    dgr = (dh @ W2 + h @ dW2 + db2) * (2.0 / r.size)
    # tangents of the backward pass
    dgW2 = dh.T @ gr + h.T @ dgr
    dgb2 = dgr.sum(axis=0)
    dgh = dgr @ W2.T + gr @ dW2.T
    dga = dgh * s - 2.0 * gh * h * dh
    return (x.T @ dga, dga.sum(axis=0), dgW2, dgb2)


def hvp_makers(params, x, y, v):
    def tape():
        h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="tape")
        return lambda: h(*params, x, y, v)

    def compiled():
        h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
        return lambda: h(*params, x, y, v)

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        shapes = [np.shape(p) for p in params]
        cuts = np.cumsum([0] + [int(np.prod(s)) for s in shapes])

        def loss(theta):      # hessian_vector_product wants one flat vector
            W1, b1, W2, b2 = [anp.reshape(theta[a:b], s)
                              for a, b, s in zip(cuts[:-1], cuts[1:], shapes)]
            hid = anp.tanh(anp.dot(x, W1) + b1)
            return anp.mean((anp.dot(hid, W2) + b2 - y) ** 2)
        hvp = ag.hessian_vector_product(loss)
        theta = np.concatenate([np.ravel(p) for p in params])
        flat_v = np.concatenate([np.ravel(a) for a in v])

        def run():
            out = hvp(theta, flat_v)
            return tuple(out[a:b].reshape(s) for a, b, s in zip(cuts[:-1], cuts[1:], shapes))
        return run

    def torch_func():
        th = torch()
        from torch.func import grad, jvp
        tp = tuple(th.tensor(p) for p in params)
        tv = tuple(th.tensor(a) for a in v)
        tx, ty = th.tensor(x), th.tensor(y)

        def loss(p):
            W1, b1, W2, b2 = p
            return ((th.tanh(tx @ W1 + b1) @ W2 + b2 - ty) ** 2).mean()
        return lambda: tuple(t.numpy() for t in jvp(grad(loss), (tp,), (tv,))[1])

    def jax_jit():
        jx = jax()
        jnp = jx.numpy
        jxx, jy = jnp.asarray(x), jnp.asarray(y)

        def loss(p):
            W1, b1, W2, b2 = p
            return jnp.mean((jnp.tanh(jxx @ W1 + b1) @ W2 + b2 - jy) ** 2)
        hvp = jx.jit(lambda p, t: jx.jvp(jx.grad(loss), (p,), (t,))[1])
        jp = tuple(jnp.asarray(a) for a in params)
        jv = tuple(jnp.asarray(a) for a in v)
        return lambda: jx.block_until_ready(hvp(jp, jv))

    return {HAND: lambda: (lambda: mlp_hvp_hand(*params, x, y, v)), COMPILED: compiled,
            TAPE: tape, AUTOGRAD: autograd, TORCH: torch_func, JAX: jax_jit}


def hvp(cfg):
    params, x, y = mlp_data(batch=32, n_in=16, width=64)
    rng = np.random.default_rng(1)
    v = tuple(rng.normal(size=np.shape(p)) for p in params)
    return gradient_case("hvp", "Hessian-vector product of the 64-wide MLP's loss (batch 32, "
                         "16 -> 64 -> 1, all parameters)", hvp_makers(params, x, y, v), cfg,
                         rtol=1e-7, atol=1e-10)


# ------------------------------------------------------------------ Hessian 100 x 100

def scalar_fn(x, A):
    return np.sum(np.tanh(A @ x) ** 2) + np.sum(x ** 4) / 4.0


def hessian_hand(x, A):
    t = np.tanh(A @ x)
    d = (2.0 - 6.0 * t * t) * (1.0 - t * t)
    return (A.T * d) @ A + np.diag(3.0 * x * x)


def hessian_makers(x, A):
    def tape():
        h = srcgrad.hessian(scalar_fn, mode="tape")
        return lambda: h(x, A)

    def compiled():
        h = srcgrad.hessian(scalar_fn, mode="compile")
        return lambda: h(x, A)

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp
        h = ag.hessian(lambda z: anp.sum(anp.tanh(anp.dot(A, z)) ** 2) + anp.sum(z ** 4) / 4.0)
        return lambda: h(x)

    def torch_func():
        th = torch()
        from torch.func import hessian
        tA, tx = th.tensor(A), th.tensor(x)
        h = hessian(lambda z: (th.tanh(tA @ z) ** 2).sum() + (z ** 4).sum() / 4.0)
        return lambda: h(tx).numpy()

    def jax_jit():
        jx = jax()
        jnp = jx.numpy
        jA = jnp.asarray(A)
        h = jx.jit(jx.hessian(lambda z: jnp.sum(jnp.tanh(jA @ z) ** 2) + jnp.sum(z ** 4) / 4.0))
        jxx = jnp.asarray(x)
        return lambda: jx.block_until_ready(h(jxx))

    return {HAND: lambda: (lambda: hessian_hand(x, A)), COMPILED: compiled, TAPE: tape,
            AUTOGRAD: autograd, TORCH: torch_func, JAX: jax_jit}


def hessian(cfg):
    rng = np.random.default_rng(2)
    n = 100
    A = rng.normal(size=(n, n)) / np.sqrt(n)
    x = rng.normal(size=n)
    return gradient_case("hessian", "100 x 100 Hessian of sum(tanh(A x) ** 2) + sum(x ** 4) / 4",
                         hessian_makers(x, A), cfg, rtol=1e-7, atol=1e-10)
