"""``srcgrad.torch.autograd``: PyTorch's ``torch.autograd`` for the tape.

``Function`` (custom forward/backward), ``backward``, ``grad`` (with
``create_graph`` for higher orders) and ``gradcheck`` (finite differences
against the tape's gradients).
"""

import numpy as np

from ..tape.function import Function, FunctionCtx, once_differentiable
from ..tape.api import backward, grad
from ..tape.tensor import Tensor
from ..modes import no_grad, enable_grad, set_grad_enabled, inference_mode

__all__ = ["Function", "FunctionCtx", "backward", "grad", "gradcheck", "once_differentiable",
           "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Analytical and numerical gradients disagree."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              **kwargs):
    """Compare the tape's Jacobian of ``func`` at ``inputs`` with central
    differences, column by column; True when they agree within
    ``atol + rtol * |numerical|``.  Use float64 inputs, as with PyTorch."""
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]

    def run():
        out = func(*inputs)
        return out if isinstance(out, tuple) else (out,)

    outs = run()
    for k, out in enumerate(outs):
        if not isinstance(out, Tensor) or not out.requires_grad:
            continue
        n_out = out._data.size
        # analytical: one vjp per output element
        analytical = [np.zeros((t._data.size, n_out)) for t in diff]
        for j in range(n_out):
            go = np.zeros(out._data.shape, dtype=out._data.dtype)
            go.reshape(-1)[j] = 1
            grads = grad(_nth(run(), k), diff, Tensor._wrap(go), allow_unused=True)
            for a, g in zip(analytical, grads):
                if g is not None:
                    a[:, j] = g._data.reshape(-1)
        # numerical: perturb each input entry
        for t, a in zip(diff, analytical):
            flat = t._data.reshape(-1)
            num = np.zeros_like(a)
            for i in range(flat.size):
                orig = flat[i]
                with no_grad():
                    flat[i] = orig + eps
                    plus = np.array(_nth(run(), k)._data, dtype=np.float64).reshape(-1)
                    flat[i] = orig - eps
                    minus = np.array(_nth(run(), k)._data, dtype=np.float64).reshape(-1)
                flat[i] = orig
                num[i] = (plus - minus) / (2 * eps)
            if not np.allclose(a, num, rtol=rtol, atol=atol):
                if raise_exception:
                    raise GradcheckError(
                        "Jacobian mismatch for output %d with respect to input %d,\n"
                        "numerical:%s\nanalytical:%s\n" % (k, diff.index(t), num, a))
                return False
    return True


def _nth(outs, k):
    return outs[k]
