"""``torch.optim.RMSprop`` with PyTorch's update (``alpha``, ``eps``,
``weight_decay``, ``momentum``, ``centered``, ``maximize``):

    v = alpha v + (1 - alpha) g^2
    avg = sqrt(v - m^2) + eps   (centered: m = alpha m + (1 - alpha) g)
    p -= lr g / avg             (momentum: b = momentum b + g / avg; p -= lr b)

Updates write into each parameter's buffer (its version bumped) and never
record a graph, as :mod:`srcgrad.torch.optim`'s other optimisers.
"""

import numpy as np

from ..tape.graph import bump_version
from .optim import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= momentum:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= alpha:
            raise ValueError("Invalid alpha value: {}".format(alpha))
        if differentiable:
            from ..tape.conv import unsupported
            raise unsupported("optim.RMSprop(differentiable=True)",
                              "Write the update with tape operations instead.")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group, p, g in self._params_with_grad():
            if group["maximize"]:
                g = -g
            if group["weight_decay"]:
                g = g + group["weight_decay"] * p._data
            alpha = group["alpha"]
            st = self.state.setdefault(id(p), {})
            if not st:
                st["step"] = 0
                st["square_avg"] = np.zeros_like(p._data)
                if group["momentum"] > 0:
                    st["momentum_buffer"] = np.zeros_like(p._data)
                if group["centered"]:
                    st["grad_avg"] = np.zeros_like(p._data)
            st["step"] += 1
            v = st["square_avg"]
            v *= alpha
            v += (1 - alpha) * g * g
            if group["centered"]:
                m = st["grad_avg"]
                m += (g - m) * (1 - alpha)
                avg = np.sqrt(v - m * m) + group["eps"]
            else:
                avg = np.sqrt(v) + group["eps"]
            if group["momentum"] > 0:
                buf = st["momentum_buffer"]
                buf *= group["momentum"]
                buf += g / avg
                p._data -= (group["lr"] * buf).astype(p._data.dtype, copy=False)
            else:
                p._data -= (group["lr"] * g / avg).astype(p._data.dtype, copy=False)
            bump_version(p)
        return loss
