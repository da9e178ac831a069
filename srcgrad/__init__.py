"""srcgrad: automatic differentiation of Python + NumPy by source transformation.

Public names only; everything is defined in the submodules.
"""

from .rules import defvjp, defjvp, defnondiff, NoRuleError
from .modes import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                    is_grad_enabled)
from .tape import (Tensor, Size, tensor, as_tensor, zeros, ones, full, empty,  # tape
                   zeros_like, ones_like, full_like, randn, rand, randint, randn_like,
                   rand_like, arange, linspace, eye, from_numpy, manual_seed, stack, cat,
                   where, is_tensor, dtype, float32, float64, float16, int64, int32, int16,
                   int8, uint8, bool, complex64, complex128, float, double, half, long, int,
                   sigmoid, relu, tanh, exp, log, sin, cos, sqrt, abs, sum, mean, matmul, mm,
                   mv, dot, softmax, log_softmax, clamp, maximum, minimum, pow, neg,
                   transpose, reshape, unsqueeze, squeeze, flatten, max, min, prod,
                   allclose, numel, square, outer)
from .modes import is_inference_mode_enabled  # tape
from . import autograd, nn, optim  # tape

__version__ = "0.1.0"
from .api import grad, value_and_grad, vjp, source, explain
from .errors import SrcgradSyntaxError
from .bridge import custom_vjp, compiled
from .export import export
from .tape.engine import detach, stop_gradient, TapeConversionError
from .forward import jvp
from .derived import jacrev, jacfwd, jacobian, hvp, hessian
from .bridge_forward import custom_jvp
from . import testing
from .graph_draw import graph
