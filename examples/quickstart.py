"""Quickstart: fit a small two-layer tanh network with plain NumPy and srcgrad.

The model and the loss are ordinary NumPy functions.  ``srcgrad.value_and_grad``
reads their source and writes a new Python function that computes the loss and
its gradient; we train with plain gradient descent, check the gradient against
central finite differences, and print the code srcgrad generated.

    python examples/quickstart.py
    python -m srcgrad show examples/quickstart.py:loss --wrt W1,b1,W2,b2

Expected output (then the generated ``def loss_value_and_grad(W1, b1, W2, b2, x, y):``)::

    step    0   loss 0.38695
    step  100   loss 0.05546
    step  200   loss 0.02919
    step  300   loss 0.02293
    step  400   loss 0.01862
    step  500   loss 0.01536
    step  600   loss 0.01284
    gradient vs central finite differences: relative error 9.3e-11
"""

import numpy as np

import srcgrad


def predict(W1, b1, W2, b2, x):
    """A 1 -> 16 -> 1 network: tanh hidden layer, linear output."""
    h = np.tanh(x @ W1 + b1)
    return h @ W2 + b2


def loss(W1, b1, W2, b2, x, y):
    """Mean squared error of the network on (x, y)."""
    err = predict(W1, b1, W2, b2, x) - y
    return np.mean(err ** 2)


PARAMS = ("W1", "b1", "W2", "b2")
loss_and_grad = srcgrad.value_and_grad(loss, wrt=PARAMS)


def init(rng, hidden=16):
    return [rng.normal(0.0, 1.0, (1, hidden)), np.zeros(hidden),
            rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, 1)), np.zeros(1)]


def finite_difference_check(params, x, y, rng, eps=1e-6):
    """Compare <grad, v> with the central difference of the loss along a
    random direction v; return the relative error."""
    _, grads = loss_and_grad(*params, x, y)
    direction = [rng.normal(size=p.shape) for p in params]
    analytic = sum(float(np.sum(g * v)) for g, v in zip(grads, direction))
    plus = loss(*[p + eps * v for p, v in zip(params, direction)], x, y)
    minus = loss(*[p - eps * v for p, v in zip(params, direction)], x, y)
    numeric = (plus - minus) / (2 * eps)
    return abs(analytic - numeric) / max(1e-12, abs(numeric))


def train(steps=600, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(-2.0, 2.0, 64).reshape(-1, 1)
    y = np.sin(2.0 * x)
    params = init(rng)
    history = []
    for step in range(steps + 1):
        value, grads = loss_and_grad(*params, x, y)
        history.append(value)
        if step % 100 == 0:
            print("step %4d   loss %.5f" % (step, value))
        params = [p - lr * g for p, g in zip(params, grads)]
    rel = finite_difference_check(params, x, y, rng)
    print("gradient vs central finite differences: relative error %.1e" % rel)
    return history, rel


def main():
    history, rel = train()
    print()
    print("The code srcgrad generated for the gradient of loss:")
    print()
    print(srcgrad.source(loss_and_grad))
    if not history[-1] < 0.1 * history[0]:
        raise SystemExit("training did not reduce the loss ten-fold: %r -> %r"
                         % (history[0], history[-1]))
    if not rel < 1e-6:
        raise SystemExit("gradient disagrees with finite differences (rel. error %.2e)" % rel)


if __name__ == "__main__":
    main()
