"""Neural-network primitives PyTorch has and NumPy lacks, with their rules.

Each primitive is a plain NumPy function; each rule a top-level
``(g, ans, *args, **params)`` function written with NumPy calls and operators
only, so it also runs on tape Tensors (higher-order gradients).

>>> import numpy as np
>>> relu(np.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
>>> relu_vjp(np.ones(2), None, np.array([-1.0, 2.0])).tolist()
[0.0, 1.0]
"""

import numpy as np

from . import defvjp
from .. import runtime
from .mutation import index_put  # noqa: F401  (t[i] = v; tape/ calls it nnrules.index_put)
from .contractions import product_vjp_a, product_vjp_b

__all__ = ["sigmoid", "relu", "leaky_relu", "softplus", "softmax", "log_softmax",
           "nll_loss", "mse_loss", "index_put", "addmm"]

# ----------------------------------------------------------------- activations


def sigmoid(x):
    """Logistic function, computed without overflow."""
    return np.exp(-np.logaddexp(0, -x))


def sigmoid_vjp(g, ans, x):
    return g * ans * (1 - ans)


def relu(x):
    return np.maximum(x, 0)


def relu_vjp(g, ans, x):
    return g * np.greater(x, 0)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope)


def leaky_relu_vjp(g, ans, x, negative_slope=0.01):
    return g * np.where(x > 0, 1.0, negative_slope)


def softplus(x, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta*x)) / beta``; linear where ``beta*x > threshold``."""
    bx = x * beta
    return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta)


def softplus_vjp(g, ans, x, beta=1.0, threshold=20.0):
    bx = x * beta
    return g * np.where(bx > threshold, 1.0, np.exp(-np.logaddexp(0, -bx)))


defvjp(sigmoid, sigmoid_vjp)
defvjp(relu, relu_vjp)
defvjp(leaky_relu, leaky_relu_vjp, None)
defvjp(softplus, softplus_vjp, None, None)

# --------------------------------------------------------------- (log-)softmax


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_vjp(g, ans, x, axis=-1):
    return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_vjp(g, ans, x, axis=-1):
    return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)


defvjp(softmax, softmax_vjp)
defvjp(log_softmax, log_softmax_vjp)

# ----------------------------------------------------------------------- losses


def _reduce(v, reduction):
    if reduction == "mean":
        return np.mean(v)
    if reduction == "sum":
        return np.sum(v)
    return v


def _onehot(target, ncls, dtype):
    return np.eye(ncls, dtype=dtype)[np.asarray(target)]


def nll_loss(logp, target, reduction="mean"):
    """Negative log-likelihood of class indices ``target`` under log-probabilities
    ``logp`` of shape ``(N, C)`` (or ``(C,)`` with a scalar target)."""
    picked = np.sum(logp * _onehot(target, np.shape(logp)[-1], np.asarray(logp).dtype),
                    axis=-1)
    return _reduce(-picked, reduction)


def nll_loss_vjp(g, ans, logp, target, reduction="mean"):
    shape = np.shape(logp)
    onehot = _onehot(target, shape[-1], getattr(logp, "dtype", np.float64))
    count = onehot.shape[0] if onehot.ndim == 2 and reduction == "mean" else 1
    if reduction == "none" and onehot.ndim == 2:
        g = np.reshape(g, (-1, 1))
    return g * onehot * (-1.0 / count)


def mse_loss(a, b, reduction="mean"):
    d = a - b
    return _reduce(d * d, reduction)


def mse_loss_vjp_a(g, ans, a, b, reduction="mean"):
    n = np.maximum(runtime.array_size(a - b), 1) if reduction == "mean" else 1
    return g * (a - b) * (2.0 / n)


def mse_loss_vjp_b(g, ans, a, b, reduction="mean"):
    n = np.maximum(runtime.array_size(a - b), 1) if reduction == "mean" else 1
    return g * (b - a) * (2.0 / n)


defvjp(nll_loss, nll_loss_vjp, None)
defvjp(mse_loss, mse_loss_vjp_a, mse_loss_vjp_b, broadcasts=True)

# ----------------------------------------------------------------- layers


def addmm(bias, x, wt):
    """``bias + x @ wt`` in one primitive: PyTorch's ``addmm``, which
    ``nn.Linear`` records (``AddmmBackward0``).

    >>> addmm(np.array([1.0, 2.0]), np.ones((1, 3)), np.ones((3, 2))).tolist()
    [[4.0, 5.0]]
    """
    return bias + np.matmul(x, wt)


def addmm_vjp_bias(g, ans, bias, x, wt):
    return g    # summed back to the shape of ``bias`` (broadcasts=True)


def addmm_vjp_x(g, ans, bias, x, wt):
    return product_vjp_a(g, x, wt, runtime.matmul_subscripts)


def addmm_vjp_wt(g, ans, bias, x, wt):
    return product_vjp_b(g, x, wt, runtime.matmul_subscripts)


defvjp(addmm, addmm_vjp_bias, addmm_vjp_x, addmm_vjp_wt, broadcasts=True)
