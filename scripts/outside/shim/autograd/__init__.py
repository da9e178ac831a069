"""A shim ``autograd``: HIPS autograd's API mapped onto srcgrad (outside harness).

``autograd.numpy`` *is* NumPy (and ``.random``, ``.linalg``, ``.fft``), so the
compiler sees the very callables its rules are registered for;
``autograd.scipy.*`` is SciPy.  The differential operators call srcgrad in the
mode the runner chose (``SRCGRAD_OUTSIDE_MODE``).
"""

import sys as _sys

import numpy as _np

numpy = _np
for _name, _mod in (("numpy", _np), ("numpy.random", _np.random),
                    ("numpy.linalg", _np.linalg), ("numpy.fft", _np.fft)):
    _sys.modules[__name__ + "." + _name] = _mod

from . import scipy_map as _scipy_map  # noqa: E402  (registers autograd.scipy.*)
from .builtins import dict, isinstance, list, tuple, type  # noqa: E402,F401
from .differential_operators import (  # noqa: E402,F401
    checkpoint, deriv, elementwise_grad, grad, grad_and_aux, grad_named, hessian,
    hessian_tensor_product, hessian_vector_product, holomorphic_grad, jacobian, make_ggnvp,
    make_hvp, make_jvp, make_vjp, multigrad_dict, tensor_jacobian_product, value_and_grad,
    vector_jacobian_product)
from .extend import primitive  # noqa: E402,F401
