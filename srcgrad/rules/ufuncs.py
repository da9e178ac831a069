"""Elementwise rules: NumPy ufuncs and friends.

Rules return the cotangent at the broadcast shape; the engines undo
broadcasting (these primitives are registered with ``broadcasts=True``).
Unary rules take ``x``; binary ufuncs take ``x1, x2`` (NumPy's names; ufunc
arguments are positional-only, so the names never bind keywords).

Conventions at kinks, documented once here:

* ``maximum``/``minimum``/``fmax``/``fmin``: on a tie each argument gets half
  of the cotangent (as JAX does); ``clip``: the bounds are inclusive for ``a``.
* ``power(x1, x2)`` w.r.t. the exponent uses ``log(x1)`` where ``x1 > 0`` and 0
  elsewhere (the real derivative does not exist there).
* ``abs``/``absolute``/``fabs`` use ``sign(x)``: 0 at 0.

Complex values follow the convention of docs/semantics.md ("Complex
numbers"): a holomorphic function's rule is ``g * conj(f'(x))``
(:func:`srcgrad.runtime.conj` is free on real values); a rule of a function
from complex to real values (``abs``, ``real``, ``imag``, ``angle``) reads the
real part of ``g`` only.
"""

import numpy as np

from . import defvjp, defnondiff
from .. import runtime

# ---------------------------------------------------------------- arithmetic


def add_vjp_x1(g, ans, x1, x2):
    return g


def add_vjp_x2(g, ans, x1, x2):
    return g


def subtract_vjp_x2(g, ans, x1, x2):
    return -g


def multiply_vjp_x1(g, ans, x1, x2):
    return g * runtime.conj(x2)


def multiply_vjp_x2(g, ans, x1, x2):
    return g * runtime.conj(x1)


def divide_vjp_x1(g, ans, x1, x2):
    return g / runtime.conj(x2)


def divide_vjp_x2(g, ans, x1, x2):
    return -g * runtime.conj(x1 / np.square(x2))


def power_vjp_x1(g, ans, x1, x2):
    """``x2 * x1**(x2-1)``, taken as 0 where ``x2 == 0`` (also at ``x1 == 0``)."""
    return g * runtime.conj(np.where(x2 == 0, 0.0, x2 * np.power(x1, np.subtract(x2, 1.0))))


def power_vjp_x2(g, ans, x1, x2):
    """``ans log(x1)``; where a real ``x1 <= 0`` (a complex ``x1 == 0``) the
    log is taken as 0 (the derivative does not exist there)."""
    return g * runtime.conj(ans * np.log(np.where(
        np.not_equal(x1, 0) if runtime.is_complex(x1) else np.greater(x1, 0), x1, 1.0)))


def float_power_vjp_x1(g, ans, x1, x2):
    return g * runtime.conj(np.where(x2 == 0, 0.0, x2 * np.float_power(x1, np.subtract(x2, 1.0))))


def negative_vjp(g, ans, x):
    return -g


def positive_vjp(g, ans, x):
    return g


def square_vjp(g, ans, x):
    return g * 2.0 * runtime.conj(x)


def sqrt_vjp(g, ans, x):
    return g * 0.5 / runtime.conj(ans)


def cbrt_vjp(g, ans, x):
    return g / (3.0 * np.square(ans))


def reciprocal_vjp(g, ans, x):
    return -g * runtime.conj(np.square(ans))


def absolute_vjp(g, ans, x):
    """``sign(x)``; for a complex ``x`` NumPy's ``sign`` is ``x / |x|`` (0 at
    0), the direction in which ``|x|`` grows, as PyTorch's ``sgn``."""
    if np.iscomplexobj(x):  # x / |x| written out: it moves with x (second order)
        direction = np.where(ans == 0, 0.0, x / np.where(ans == 0, 1.0, ans))
        return runtime.real_cotangent(g) * direction
    return runtime.real_cotangent(g) * np.sign(x)


def mod_vjp_x2(g, ans, x1, x2):
    return -g * np.floor_divide(x1, x2)


def fmod_vjp_x2(g, ans, x1, x2):
    return -g * np.trunc(np.true_divide(x1, x2))


def divmod_vjp_x1(g, ans, x1, x2):
    """``g = (g_quotient, g_remainder)``; the quotient is piecewise constant."""
    return g[1]


def divmod_vjp_x2(g, ans, x1, x2):
    return -g[1] * ans[0]


def modf_vjp(g, ans, x):
    """``g = (g_fractional, g_integral)``; the integral part is constant."""
    return g[0]


def ldexp_vjp_x1(g, ans, x1, x2):
    return g * np.ldexp(1.0, x2)


def copysign_vjp_x1(g, ans, x1, x2):
    return g * np.sign(x1) * np.copysign(1.0, x2)


defvjp(np.add, add_vjp_x1, add_vjp_x2, broadcasts=True)
defvjp(np.subtract, add_vjp_x1, subtract_vjp_x2, broadcasts=True)
defvjp(np.multiply, multiply_vjp_x1, multiply_vjp_x2, broadcasts=True)
defvjp(np.divide, divide_vjp_x1, divide_vjp_x2, broadcasts=True)  # is np.true_divide
defvjp(np.power, power_vjp_x1, power_vjp_x2, broadcasts=True)
defvjp(np.float_power, float_power_vjp_x1, power_vjp_x2, broadcasts=True)
defvjp(np.mod, add_vjp_x1, mod_vjp_x2, broadcasts=True)  # is np.remainder
defvjp(np.fmod, add_vjp_x1, fmod_vjp_x2, broadcasts=True)
defvjp(np.divmod, divmod_vjp_x1, divmod_vjp_x2, broadcasts=True)
defvjp(np.ldexp, ldexp_vjp_x1, None, broadcasts=True)
defvjp(np.copysign, copysign_vjp_x1, None, broadcasts=True)
defvjp(np.negative, negative_vjp, broadcasts=True)
defvjp(np.positive, positive_vjp, broadcasts=True)
defvjp(np.square, square_vjp, broadcasts=True)
defvjp(np.sqrt, sqrt_vjp, broadcasts=True)
defvjp(np.cbrt, cbrt_vjp, broadcasts=True)
defvjp(np.reciprocal, reciprocal_vjp, broadcasts=True)
defvjp(np.absolute, absolute_vjp, broadcasts=True)  # is np.abs
defvjp(np.fabs, absolute_vjp, broadcasts=True)
defvjp(np.modf, modf_vjp, broadcasts=True)

# ------------------------------------------------------ exponentials and logs


def exp_vjp(g, ans, x):
    return g * runtime.conj(ans)


def exp2_vjp(g, ans, x):
    return g * runtime.conj(ans) * np.log(2.0)


def expm1_vjp(g, ans, x):
    return g * runtime.conj(ans + 1.0)


def log_vjp(g, ans, x):
    return g / runtime.conj(x)


def log2_vjp(g, ans, x):
    return g / runtime.conj(np.multiply(x, np.log(2.0)))


def log10_vjp(g, ans, x):
    return g / runtime.conj(np.multiply(x, np.log(10.0)))


def log1p_vjp(g, ans, x):
    return g / runtime.conj(np.add(1.0, x))


def logaddexp_vjp_x1(g, ans, x1, x2):
    return g * np.exp(x1 - ans)


def logaddexp_vjp_x2(g, ans, x1, x2):
    return g * np.exp(x2 - ans)


def logaddexp2_vjp_x1(g, ans, x1, x2):
    return g * np.exp2(x1 - ans)


def logaddexp2_vjp_x2(g, ans, x1, x2):
    return g * np.exp2(x2 - ans)


defvjp(np.exp, exp_vjp, broadcasts=True)
defvjp(np.exp2, exp2_vjp, broadcasts=True)
defvjp(np.expm1, expm1_vjp, broadcasts=True)
defvjp(np.log, log_vjp, broadcasts=True)
defvjp(np.log2, log2_vjp, broadcasts=True)
defvjp(np.log10, log10_vjp, broadcasts=True)
defvjp(np.log1p, log1p_vjp, broadcasts=True)
defvjp(np.logaddexp, logaddexp_vjp_x1, logaddexp_vjp_x2, broadcasts=True)
defvjp(np.logaddexp2, logaddexp2_vjp_x1, logaddexp2_vjp_x2, broadcasts=True)

# ---------------------------------------------------------------- trigonometry


def sin_vjp(g, ans, x):
    return g * runtime.conj(np.cos(x))


def cos_vjp(g, ans, x):
    return -g * runtime.conj(np.sin(x))


def tan_vjp(g, ans, x):
    return g * runtime.conj(1.0 + np.square(ans))


def arcsin_vjp(g, ans, x):
    return g / runtime.conj(np.sqrt(1.0 - np.square(x)))


def arccos_vjp(g, ans, x):
    return -g / runtime.conj(np.sqrt(1.0 - np.square(x)))


def arctan_vjp(g, ans, x):
    return g / runtime.conj(1.0 + np.square(x))


def arctan2_vjp_x1(g, ans, x1, x2):
    return g * x2 / (np.square(x1) + np.square(x2))


def arctan2_vjp_x2(g, ans, x1, x2):
    return -g * x1 / (np.square(x1) + np.square(x2))


def hypot_vjp_x1(g, ans, x1, x2):
    return g * x1 / ans


def hypot_vjp_x2(g, ans, x1, x2):
    return g * x2 / ans


def sinh_vjp(g, ans, x):
    return g * runtime.conj(np.cosh(x))


def cosh_vjp(g, ans, x):
    return g * runtime.conj(np.sinh(x))


def tanh_vjp(g, ans, x):
    return g * runtime.conj(1.0 - np.square(ans))


def arcsinh_vjp(g, ans, x):
    return g / runtime.conj(np.sqrt(np.square(x) + 1.0))


def arccosh_vjp(g, ans, x):
    return g / runtime.conj(np.sqrt(np.square(x) - 1.0))


def arctanh_vjp(g, ans, x):
    return g / runtime.conj(1.0 - np.square(x))


def sinc_vjp(g, ans, x):
    """``(cos(pi x) - sinc(x)) / x``, and 0 at ``x == 0``."""
    return g * runtime.conj(np.where(np.equal(x, 0), 0.0, (np.cos(np.multiply(np.pi, x)) - ans)
                                     / np.where(np.equal(x, 0), 1.0, x)))


def deg2rad_vjp(g, ans, x):
    return g * (np.pi / 180.0)


def rad2deg_vjp(g, ans, x):
    return g * (180.0 / np.pi)


defvjp(np.sin, sin_vjp, broadcasts=True)
defvjp(np.cos, cos_vjp, broadcasts=True)
defvjp(np.tan, tan_vjp, broadcasts=True)
defvjp(np.arcsin, arcsin_vjp, broadcasts=True)
defvjp(np.arccos, arccos_vjp, broadcasts=True)
defvjp(np.arctan, arctan_vjp, broadcasts=True)
defvjp(np.arctan2, arctan2_vjp_x1, arctan2_vjp_x2, broadcasts=True)
defvjp(np.hypot, hypot_vjp_x1, hypot_vjp_x2, broadcasts=True)
defvjp(np.sinh, sinh_vjp, broadcasts=True)
defvjp(np.cosh, cosh_vjp, broadcasts=True)
defvjp(np.tanh, tanh_vjp, broadcasts=True)
defvjp(np.arcsinh, arcsinh_vjp, broadcasts=True)
defvjp(np.arccosh, arccosh_vjp, broadcasts=True)
defvjp(np.arctanh, arctanh_vjp, broadcasts=True)
defvjp(np.sinc, sinc_vjp, broadcasts=True)
defvjp(np.deg2rad, deg2rad_vjp, broadcasts=True)
defvjp(np.radians, deg2rad_vjp, broadcasts=True)
defvjp(np.rad2deg, rad2deg_vjp, broadcasts=True)
defvjp(np.degrees, rad2deg_vjp, broadcasts=True)

# ------------------------------------------------------- selection and clipping


def maximum_vjp_x1(g, ans, x1, x2):
    """Ties share the cotangent: each argument gets half."""
    return g * (np.greater(x1, x2) + 0.5 * np.equal(x1, x2))


def maximum_vjp_x2(g, ans, x1, x2):
    return g * (np.less(x1, x2) + 0.5 * np.equal(x1, x2))


def fmax_vjp_x1(g, ans, x1, x2):
    """Like ``maximum``, and all of it when ``x2`` is NaN (fmax ignores NaNs)."""
    return g * (np.greater(x1, x2) + 0.5 * np.equal(x1, x2) + np.isnan(x2))


def fmax_vjp_x2(g, ans, x1, x2):
    return g * (np.less(x1, x2) + 0.5 * np.equal(x1, x2) + np.isnan(x1))


def fmin_vjp_x1(g, ans, x1, x2):
    return g * (np.less(x1, x2) + 0.5 * np.equal(x1, x2) + np.isnan(x2))


def fmin_vjp_x2(g, ans, x1, x2):
    return g * (np.greater(x1, x2) + 0.5 * np.equal(x1, x2) + np.isnan(x1))


def clip_vjp_a(g, ans, a, a_min=None, a_max=None, out=None, min=None, max=None):
    """``min=``/``max=`` (NumPy 2.1) are ``a_min``/``a_max`` under other names:
    positions 4 and 5, reachable only as keywords, with the same rules."""
    return g * np.logical_and(
        (min if a_min is None else a_min) is None or
        np.greater_equal(a, min if a_min is None else a_min),
        (max if a_max is None else a_max) is None or
        np.less_equal(a, max if a_max is None else a_max))


def clip_vjp_a_min(g, ans, a, a_min=None, a_max=None, out=None, min=None, max=None):
    return g * np.logical_and(np.less(a, min if a_min is None else a_min),
                              (max if a_max is None else a_max) is None or
                              np.less_equal(min if a_min is None else a_min,
                                            max if a_max is None else a_max))


def clip_vjp_a_max(g, ans, a, a_min=None, a_max=None, out=None, min=None, max=None):
    return g * np.logical_or(np.greater(a, max if a_max is None else a_max),
                             (min if a_min is None else a_min) is not None and
                             np.greater(min if a_min is None else a_min,
                                        max if a_max is None else a_max))


def where_vjp_x(g, ans, condition, x=None, y=None):
    return np.where(condition, g, 0.0)


def where_vjp_y(g, ans, condition, x=None, y=None):
    return np.where(condition, 0.0, g)


def nan_to_num_vjp(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    return np.where(np.isfinite(x), g, 0.0)


def real_vjp(g, ans, val):
    return runtime.real_cotangent(g)


def imag_vjp(g, ans, val):
    """``i g`` (``imag(x + iy) = y``); a real ``val`` has a constant zero
    imaginary part."""
    if runtime.is_complex(val):
        return 1j * runtime.real_cotangent(g)
    return 0.0 * runtime.real_cotangent(g)


def angle_vjp(g, ans, z, deg=False):
    """``g i / conj(z)`` (the gradient of ``atan2(y, x)``), 0 at 0 and for a
    real ``z`` (its angle is a constant 0 or pi), as PyTorch's ``angle``."""
    gr = runtime.real_cotangent(g) * (np.pi / 180.0 if deg else 1.0)
    if not runtime.is_complex(z):
        return 0.0 * gr
    zero = np.equal(z, 0)
    return np.where(zero, 0.0, gr * 1j / np.where(zero, 1.0, np.conj(z)))


def real_if_close_vjp(g, ans, a, tol=100):
    """``g``, or its real part where NumPy dropped a negligible imaginary
    part (the result then does not move with it)."""
    return g if runtime.is_complex(ans) else runtime.real_cotangent(g)


def heaviside_vjp_x2(g, ans, x1, x2):
    """``heaviside(x1, x2)`` is ``x2`` where ``x1 == 0`` (a step elsewhere)."""
    return g * np.equal(x1, 0)


def conjugate_vjp(g, ans, x):
    return np.conj(g)


defvjp(np.maximum, maximum_vjp_x1, maximum_vjp_x2, broadcasts=True)
defvjp(np.minimum, maximum_vjp_x2, maximum_vjp_x1, broadcasts=True)
defvjp(np.fmax, fmax_vjp_x1, fmax_vjp_x2, broadcasts=True)
defvjp(np.fmin, fmin_vjp_x1, fmin_vjp_x2, broadcasts=True)
defvjp(np.clip, clip_vjp_a, clip_vjp_a_min, clip_vjp_a_max, None, clip_vjp_a_min,
       clip_vjp_a_max, broadcasts=True)
defvjp(np.where, None, where_vjp_x, where_vjp_y, broadcasts=True)
defvjp(np.nan_to_num, nan_to_num_vjp)
defvjp(np.real, real_vjp)
defvjp(np.imag, imag_vjp)
defvjp(np.angle, angle_vjp)
defvjp(np.real_if_close, real_if_close_vjp)
defvjp(np.heaviside, None, heaviside_vjp_x2, broadcasts=True)
defvjp(np.conjugate, conjugate_vjp, broadcasts=True)  # is np.conj

# ------------------------------------------------------------ zero gradient

defnondiff(
    np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.floor_divide, np.signbit,
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.isclose, np.allclose, np.array_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.invert,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor,
    np.isnan, np.isfinite, np.isinf, np.isneginf, np.isposinf,
    np.zeros_like, np.ones_like, np.empty_like,
    np.zeros, np.ones, np.empty, np.eye, np.identity,
)
