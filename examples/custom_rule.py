"""A custom gradient for a numerically stable function (softplus).

``softplus(x) = log(1 + e^x)`` is written stably the usual way: ``x`` itself
where ``x`` is large, ``log1p(exp(x))`` elsewhere, chosen with ``np.where``.
Its *value* is then fine everywhere -- but its automatic gradient is not:
``np.where`` sends a zero cotangent into the branch it did not take, and that
branch's derivative ``e^x / (1 + e^x)`` is ``inf / inf = nan`` at x = 800, and
``0 * nan`` is ``nan``.  (Every reverse-mode system does this: it is the
famous "NaN through where" of JAX's FAQ.)

Two fixes, both public API:

* ``srcgrad.custom_vjp``: a forward that returns the value and what the
  backward needs (the stable sigmoid), and a backward ``g * sigmoid(x)``;
* ``srcgrad.defvjp``: register a rule ``(g, ans, x) -> g * sigmoid(x)`` for
  the function, and call the function it returns: the compiler and the tape
  then use the rule instead of differentiating its body.

Both are checked against central finite differences and against the exact
derivative, in both engines (``mode="compile"`` and ``mode="tape"``).

    python examples/custom_rule.py

Expected output::

    x                    [-800.  -30.   -1.    0.    1.   30.  800.]
    exact derivative     [0.     0.     0.2689 0.5    0.7311 1.     1.    ]
    naive value          [  0.       0.       0.3133   0.6931   1.3133  30.     800.    ]
    naive grad (compile)  [0.     0.     0.2689 0.5    0.7311 1.        nan]
    naive grad (tape   )  [0.     0.     0.2689 0.5    0.7311 1.        nan]
    softplus       compile [0.     0.     0.2689 0.5    0.7311 1.     1.    ]  matches exact and finite differences: True
    softplus       tape    [0.     0.     0.2689 0.5    0.7311 1.     1.    ]  matches exact and finite differences: True
    softplus_ruled compile [0.     0.     0.2689 0.5    0.7311 1.     1.    ]  matches exact and finite differences: True
    softplus_ruled tape    [0.     0.     0.2689 0.5    0.7311 1.     1.    ]  matches exact and finite differences: True
"""

import warnings

import numpy as np

import srcgrad

X = np.array([-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0])


def sigmoid(x):
    """1 / (1 + e^-x) without overflow for either sign of x."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def naive_softplus(x):
    return np.where(x > 30.0, x, np.log1p(np.exp(x)))


# --- fix 1: srcgrad.custom_vjp
@srcgrad.custom_vjp
def softplus(x):
    return np.where(x > 30.0, x, np.log1p(np.exp(np.minimum(x, 30.0))))


def softplus_fwd(x):
    return softplus(x), sigmoid(x)        # the value, and the residual the backward uses


def softplus_bwd(s, g):
    return (g * s,)


softplus.defvjp(softplus_fwd, softplus_bwd)


# --- fix 2: srcgrad.defvjp on a plain function
def softplus_ruled(x):
    return np.where(x > 30.0, x, np.log1p(np.exp(np.minimum(x, 30.0))))


def softplus_ruled_vjp(g, ans, x):
    return g * sigmoid(x)


# defvjp returns the function to call: the compiler knows both, the tape records
# one node (with the rule) for the returned one (docs/semantics.md)
softplus_ruled = srcgrad.defvjp(softplus_ruled, softplus_ruled_vjp)


def total(f):
    """A scalar loss through f, so that grad gives the elementwise derivative."""
    def loss(x):
        return np.sum(f(x))
    loss.__name__ = "sum_of_" + f.__name__
    return loss


def numeric(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def main():
    np.set_printoptions(precision=4, suppress=True)
    exact = sigmoid(X)
    print("x                   ", X)
    print("exact derivative    ", exact)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # overflow in exp, inf / inf
        print("naive value         ", naive_softplus(X))
        for mode in ("compile", "tape"):
            g = srcgrad.grad(naive_softplus_loss, mode=mode)(X)
            print("naive grad (%-7s) " % mode, g)
    for f in (softplus, softplus_ruled):
        for mode in ("compile", "tape"):
            g = srcgrad.grad(total(f), mode=mode)(X)
            ok = np.allclose(g, exact, rtol=1e-12, atol=0) and np.allclose(
                g, numeric(f, X), rtol=1e-6, atol=1e-9)
            print("%-14s %-7s %s  matches exact and finite differences: %s"
                  % (f.__name__, mode, g, ok))


naive_softplus_loss = total(naive_softplus)


if __name__ == "__main__":
    main()
