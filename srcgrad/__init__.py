"""srcgrad: automatic differentiation of Python + NumPy by source transformation.

``import srcgrad`` gives the compiler API (``grad``, ``value_and_grad``,
``vjp``, ``jvp``, the Jacobians and Hessians, ``source``, ``explain``,
``export``, custom rules, grad modes, ``detach``/``stop_gradient``); the
PyTorch-compatible tape is ``import srcgrad.torch as torch``.  A tape name used
on ``srcgrad`` says where it went:

>>> import srcgrad
>>> srcgrad.tensor
Traceback (most recent call last):
...
AttributeError: srcgrad.tensor moved to srcgrad.torch.tensor: use `import srcgrad.torch as torch`
>>> hasattr(srcgrad, "sum")
False

Public names only; everything is defined in the submodules.
"""

import importlib as _importlib

from .rules import defvjp, defjvp, defnondiff, NoRuleError
from .modes import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                    is_grad_enabled, is_inference_mode_enabled)

__version__ = "0.1.0"
from .api import grad, value_and_grad, vjp, source, explain
from .errors import SrcgradSyntaxError
from .bridge import custom_vjp, compiled
from .export import export
from .tape.engine import detach, stop_gradient, TapeConversionError
from .forward import jvp
from .derived import jacrev, jacfwd, jacobian, hvp, hessian
from .bridge_forward import custom_jvp
from .graph_draw import graph

#: the tape's names that were on ``srcgrad`` before they moved to ``srcgrad.torch``
_MOVED = frozenset((
    "Tensor", "Size", "tensor", "as_tensor", "zeros", "ones", "full", "empty",
    "zeros_like", "ones_like", "full_like", "randn", "rand", "randint", "randn_like",
    "rand_like", "arange", "linspace", "eye", "from_numpy", "manual_seed", "stack", "cat",
    "where", "is_tensor", "dtype", "float32", "float64", "float16", "int64", "int32",
    "int16", "int8", "uint8", "bool", "complex64", "complex128", "float", "double", "half",
    "long", "int", "sigmoid", "relu", "tanh", "exp", "log", "sin", "cos", "sqrt", "abs",
    "sum", "mean", "matmul", "mm", "mv", "dot", "softmax", "log_softmax", "clamp",
    "maximum", "minimum", "pow", "neg", "transpose", "reshape", "unsqueeze", "squeeze",
    "flatten", "max", "min", "prod", "allclose", "numel", "square", "outer",
    "autograd", "nn", "optim"))

#: submodules ``srcgrad.NAME`` loads on first use without an import statement
_LAZY = ("torch", "testing")


def __getattr__(name):
    """``srcgrad.torch`` and ``srcgrad.testing`` load on first use; an old tape
    name raises an AttributeError (so ``hasattr`` stays False) saying where
    it moved."""
    if name in _LAZY:
        return _importlib.import_module("." + name, __name__)
    if name in _MOVED:
        raise AttributeError("srcgrad.%s moved to srcgrad.torch.%s: use "
                             "`import srcgrad.torch as torch`" % (name, name))
    raise AttributeError("module 'srcgrad' has no attribute %r" % name)
