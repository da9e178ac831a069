"""(l) and (m): parameter trees (issue 13).  The parameters are a list of
``(W, b)`` pairs and the loss loops over them, as HIPS autograd's
``neural_net`` example writes it:

    def predict(params, inputs):
        for W, b in params:
            outputs = inputs @ W + b
            inputs = np.tanh(outputs)
        return outputs - logsumexp(outputs)

    loss = L2 * sum(np.sum(W * W) for W, _ in params) - sum(predict(params, x) * y)

(l) ``ptree_net``: a 784-200-100-10 net on a batch of 128 (float64), the
gradient with respect to ``params``.  (m) ``ptree_layers``: the same loss on
10, 100 and 400 layers of small (8 x 8) pairs, batch 4: the cost per layer
against the hand-written loop (before issue 13 the compiled code's cost grew
quadratically with the number of layers)."""

import numpy as np

import srcgrad
from srcgrad.tape.engine import tape_vjp

from harness import (AUTOGRAD, COMPILED, HAND, JAX, TAPE, TORCH, gradient_case, jax, need,
                     torch)

L2_REG = 1e-3


# ------------------------------------------------------------------ the loss (NumPy)

def log_softmax(outputs):
    m = np.max(outputs, axis=1, keepdims=True)
    return outputs - (m + np.log(np.sum(np.exp(outputs - m), axis=1, keepdims=True)))


def predict(params, inputs):
    for W, b in params:
        outputs = inputs @ W + b
        inputs = np.tanh(outputs)
    return log_softmax(outputs)


def net_loss(params, inputs, targets):
    log_prior = -L2_REG * sum(np.sum(W * W) for W, _ in params)
    log_lik = np.sum(predict(params, inputs) * targets)
    return -log_prior - log_lik


# ------------------------------------------------------------------ hand-written backward

def net_hand(params, inputs, targets):
    """Value and gradient written by hand: the reference."""
    acts = [inputs]
    h = inputs
    for W, b in params:
        outputs = h @ W + b
        h = np.tanh(outputs)
        acts.append(h)
    m = np.max(outputs, axis=1, keepdims=True)
    e = np.exp(outputs - m)
    s = np.sum(e, axis=1, keepdims=True)
    logp = outputs - (m + np.log(s))
    prior = sum(np.sum(W * W) for W, _ in params)
    value = L2_REG * prior - np.sum(logp * targets)
    # d value / d outputs of the last layer: -(targets - softmax * rowsum(targets))
    gout = (e / s) * np.sum(targets, axis=1, keepdims=True) - targets
    grads = [None] * len(params)
    for k in range(len(params) - 1, -1, -1):
        W, b = params[k]
        gW = acts[k].T @ gout + (2 * L2_REG) * W
        gb = gout.sum(axis=0)
        grads[k] = (gW, gb)
        if k:
            h = acts[k]
            gout = (gout @ W.T) * (1.0 - h * h)
    return value, grads


# ------------------------------------------------------------------ data and contenders

def net_data(sizes, batch, seed=0):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, 1 / np.sqrt(m), (m, n)), rng.normal(0, 0.1, n))
              for m, n in zip(sizes[:-1], sizes[1:])]
    inputs = rng.normal(size=(batch, sizes[0]))
    targets = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    return params, inputs, targets


def makers(params, inputs, targets, peers=True):
    args = (params, inputs, targets)

    def compiled():
        vg = srcgrad.value_and_grad(net_loss, mode="compile")
        return lambda: vg(*args)

    def tape():
        def run():
            value, pullback = tape_vjp(net_loss, args, wrt=(0,))
            return value, pullback(1.0)[0]
        return run

    def autograd():
        ag = need("autograd")
        import autograd.numpy as anp

        def loss(params, inputs, targets):
            h = inputs
            for W, b in params:
                outputs = anp.dot(h, W) + b
                h = anp.tanh(outputs)
            m = anp.max(outputs, axis=1, keepdims=True)
            logp = outputs - (m + anp.log(anp.sum(anp.exp(outputs - m), axis=1,
                                                   keepdims=True)))
            prior = sum(anp.sum(W * W) for W, _ in params)
            return L2_REG * prior - anp.sum(logp * targets)
        vg = ag.value_and_grad(loss)
        return lambda: vg(*args)

    def torch_eager():
        th = torch()
        tp = [(th.tensor(W, requires_grad=True), th.tensor(b, requires_grad=True))
              for W, b in params]
        flat = [t for pair in tp for t in pair]
        tx, ty = th.tensor(inputs), th.tensor(targets)

        def run():
            h = tx
            for W, b in tp:
                outputs = h @ W + b
                h = th.tanh(outputs)
            logp = th.log_softmax(outputs, dim=1)
            prior = sum((W * W).sum() for W, _ in tp)
            loss = L2_REG * prior - (logp * ty).sum()
            g = th.autograd.grad(loss, flat)
            return loss.item(), [(g[2 * k].numpy(), g[2 * k + 1].numpy())
                                 for k in range(len(tp))]
        return run

    def jax_jit():
        jx = jax()
        jnp = jx.numpy

        def loss(params, inputs, targets):
            h = inputs
            for W, b in params:
                outputs = h @ W + b
                h = jnp.tanh(outputs)
            logp = jx.nn.log_softmax(outputs, axis=1)
            prior = sum(jnp.sum(W * W) for W, _ in params)
            return L2_REG * prior - jnp.sum(logp * targets)
        vg = jx.jit(jx.value_and_grad(loss))
        jargs = ([(jnp.asarray(W), jnp.asarray(b)) for W, b in params],
                 jnp.asarray(inputs), jnp.asarray(targets))
        return lambda: jx.block_until_ready(vg(*jargs))

    out = {HAND: lambda: (lambda: net_hand(*args)), COMPILED: compiled}
    if peers:
        out.update({TAPE: tape, AUTOGRAD: autograd, TORCH: torch_eager, JAX: jax_jit})
    return out


def ptree_net(cfg):
    data = net_data([784, 200, 100, 10], batch=128)
    return gradient_case(
        "ptree_net", "parameter list: 784-200-100-10 tanh net, params a list of (W, b), "
        "batch 128, gradient wrt params (issue 13)", makers(*data), cfg, rtol=1e-6,
        notes=["Loss as HIPS autograd's neural_net example: `for W, b in params` in "
               "`predict`, an L2 term `sum(np.sum(W * W) for W, _ in params)` (a generator "
               "inside `sum`) and a log-softmax likelihood."])


#: (m): depths of the scaling case; the small layers' width and the batch
LAYERS, WIDTH, BATCH = (10, 100, 400), 8, 4


def ptree_layers(cfg):
    """Per depth, compiled srcgrad against the hand-written loop (HIPS
    autograd beside them); the result's rows are those of the deepest net,
    ``curve`` has every depth: seconds per call and per layer, and the ratio."""
    curve, res = [], None
    for depth in LAYERS:
        data = net_data([WIDTH] * (depth + 1), batch=BATCH, seed=depth)
        mk = makers(*data, peers=False)
        mk[AUTOGRAD] = makers(*data)[AUTOGRAD]
        res = gradient_case("ptree_layers", "parameter list: %s layers of 8x8 (W, b), "
                            "batch 4: cost per layer" % "/".join(map(str, LAYERS)), mk, cfg)
        point = {"layers": depth}
        for row in res["rows"]:
            point[row["name"]] = {"seconds": row["seconds"],
                                  "per_layer": row["seconds"] / depth, "ratio": row["ratio"]}
        curve.append(point)
    res["curve"] = curve
    lines = ["| layers | hand-written per layer | srcgrad compiled per layer | "
             "compiled / hand-written | HIPS autograd / hand-written |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    for p in curve:
        hand, comp, ag = p.get(HAND), p.get(COMPILED), p.get(AUTOGRAD)
        lines.append("| %d | %.2f us | %s | %s | %s |" % (
            p["layers"], hand["per_layer"] * 1e6,
            "%.2f us" % (comp["per_layer"] * 1e6) if comp else "n/a",
            "%.2fx" % comp["ratio"] if comp else "n/a",
            "%.2fx" % ag["ratio"] if ag else "n/a"))
    res["notes"] = ["The rows above are the %d-layer net; every depth:" % LAYERS[-1],
                    "\n".join(lines)]
    return res
