"""``srcgrad.torch.optim``: SGD (momentum, dampening, Nesterov, weight decay) and
Adam, with PyTorch's update formulas, ``zero_grad`` and ``step``.

Updates write into each parameter's buffer (bumping its version, as
PyTorch's in-place updates under ``no_grad`` do) and never record a graph.
"""

import math

import numpy as np

from ..tape.graph import bump_version

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(params[0], dict):
            params = [{"params": params}]
        self.param_groups = []
        for group in params:
            g = dict(self.defaults)
            g.update(group)
            g["params"] = list(g["params"])
            self.param_groups.append(g)
        self.state = {}

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        p._grad.zero_()

    def _params_with_grad(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    yield group, p, p._grad._data

    def state_dict(self):
        return {"state": self.state, "param_groups": self.param_groups}


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, maximize=False):
        if lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group, p, g in self._params_with_grad():
            d = -g if group["maximize"] else g
            if group["weight_decay"]:
                d = d + group["weight_decay"] * p._data
            mom = group["momentum"]
            if mom:
                st = self.state.setdefault(id(p), {})
                buf = st.get("momentum_buffer")
                if buf is None:
                    buf = st["momentum_buffer"] = np.array(d, copy=True)
                else:
                    buf *= mom
                    buf += (1 - group["dampening"]) * d
                d = d + mom * buf if group["nesterov"] else buf
            p._data -= (group["lr"] * d).astype(p._data.dtype, copy=False)
            bump_version(p)
        return loss


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, maximize=False):
        if lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group, p, g in self._params_with_grad():
            if group["maximize"]:
                g = -g
            if group["weight_decay"]:
                g = g + group["weight_decay"] * p._data
            b1, b2 = group["betas"]
            st = self.state.setdefault(id(p), {})
            if not st:
                st["step"] = 0
                st["exp_avg"] = np.zeros_like(p._data)
                st["exp_avg_sq"] = np.zeros_like(p._data)
                if group["amsgrad"]:
                    st["max_exp_avg_sq"] = np.zeros_like(p._data)
            st["step"] += 1
            m, v = st["exp_avg"], st["exp_avg_sq"]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            t = st["step"]
            bc1 = 1 - b1 ** t
            bc2 = 1 - b2 ** t
            if group["amsgrad"]:
                np.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
                v = st["max_exp_avg_sq"]
            denom = np.sqrt(v) / math.sqrt(bc2) + group["eps"]
            p._data -= ((group["lr"] / bc1) * m / denom).astype(p._data.dtype, copy=False)
            bump_version(p)
        return loss
