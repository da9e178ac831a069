"""The ``math`` module and the builtins ``abs``, ``pow``, ``max``, ``min``, ``sum``.

``math`` functions take and return Python floats; so do their rules (``g``
may also be a NumPy scalar or 0-d array).  Builtins:

* ``max``/``min`` of several arguments or of one iterable: the rule for
  position 0 returns a *list* of cotangents when it is the only argument
  (``max(xs)``), else the cotangent of ``args[0]``; positions 1..3 have rules
  ``max_vjp_1``...; a differentiated fifth or later argument is refused
  (``max_vjp_more``).  Ties share the cotangent equally (like ``np.max``).
* ``sum(iterable, start=0)``: a list of cotangents, each summed back to its
  element's shape (elements may broadcast against each other).  The iterable
  must be a list or tuple, not a generator.
* ``divmod`` shares ``np.divmod``'s rules (``g`` is a pair).
* ``abs`` is registered here; ``abs`` on arrays dispatches through the same
  rule.  ``pow(base, exp, mod)`` with ``mod`` is not differentiable.
"""

import builtins
import math

import numpy as np

from . import defvjp, defnondiff, up_to_positions, refuse_position
from .ufuncs import divmod_vjp_x1, divmod_vjp_x2
from .. import runtime
from .selection import share_extremum

# ------------------------------------------------------------ math: trig


def math_sin_vjp(g, ans, x):
    return g * math.cos(x)


def math_cos_vjp(g, ans, x):
    return -g * math.sin(x)


def math_tan_vjp(g, ans, x):
    return g * (1.0 + ans * ans)


def math_asin_vjp(g, ans, x):
    return g / math.sqrt(1.0 - x * x)


def math_acos_vjp(g, ans, x):
    return -g / math.sqrt(1.0 - x * x)


def math_atan_vjp(g, ans, x):
    return g / (1.0 + x * x)


def math_atan2_vjp_y(g, ans, y, x):
    return g * x / (x * x + y * y)


def math_atan2_vjp_x(g, ans, y, x):
    return -g * y / (x * x + y * y)


def math_sinh_vjp(g, ans, x):
    return g * math.cosh(x)


def math_cosh_vjp(g, ans, x):
    return g * math.sinh(x)


def math_tanh_vjp(g, ans, x):
    return g * (1.0 - ans * ans)


def math_asinh_vjp(g, ans, x):
    return g / math.sqrt(x * x + 1.0)


def math_acosh_vjp(g, ans, x):
    return g / math.sqrt(x * x - 1.0)


def math_atanh_vjp(g, ans, x):
    return g / (1.0 - x * x)


def math_degrees_vjp(g, ans, x):
    return g * (180.0 / math.pi)


def math_radians_vjp(g, ans, x):
    return g * (math.pi / 180.0)


defvjp(math.sin, math_sin_vjp)
defvjp(math.cos, math_cos_vjp)
defvjp(math.tan, math_tan_vjp)
defvjp(math.asin, math_asin_vjp)
defvjp(math.acos, math_acos_vjp)
defvjp(math.atan, math_atan_vjp)
defvjp(math.atan2, math_atan2_vjp_y, math_atan2_vjp_x)
defvjp(math.sinh, math_sinh_vjp)
defvjp(math.cosh, math_cosh_vjp)
defvjp(math.tanh, math_tanh_vjp)
defvjp(math.asinh, math_asinh_vjp)
defvjp(math.acosh, math_acosh_vjp)
defvjp(math.atanh, math_atanh_vjp)
defvjp(math.degrees, math_degrees_vjp)
defvjp(math.radians, math_radians_vjp)

# ------------------------------------------------ math: exp, log, powers


def math_exp_vjp(g, ans, x):
    return g * ans


def math_expm1_vjp(g, ans, x):
    return g * (ans + 1.0)


def math_log_vjp_x(g, ans, x, base=math.e):
    return g / (x * math.log(base))


def math_log_vjp_base(g, ans, x, base=math.e):
    return -g * math.log(x) / (base * math.log(base) ** 2)


def math_log2_vjp(g, ans, x):
    return g / (x * math.log(2.0))


def math_log10_vjp(g, ans, x):
    return g / (x * math.log(10.0))


def math_log1p_vjp(g, ans, x):
    return g / (1.0 + x)


def math_sqrt_vjp(g, ans, x):
    return g * 0.5 / ans


def math_pow_vjp_x(g, ans, x, y):
    return g * (0.0 if y == 0 else y * math.pow(x, y - 1.0))


def math_pow_vjp_y(g, ans, x, y):
    return g * (ans * math.log(x) if x > 0 else 0.0)


def math_hypot_vjp_0(g, ans, *coordinates):
    """Three coordinates at most (a fourth is refused)."""
    return g * coordinates[0] / ans


def math_hypot_vjp_1(g, ans, *coordinates):
    return g * coordinates[1] / ans


def math_hypot_vjp_2(g, ans, *coordinates):
    return g * coordinates[2] / ans


def math_hypot_vjp_more(g, ans, *coordinates):
    """A fourth or later coordinate: refused."""
    raise refuse_position("math.hypot", 3, "use np.linalg.norm of an array instead")


def math_fabs_vjp(g, ans, x):
    return g * math.copysign(1.0, x) if x != 0 else 0.0 * g


def math_copysign_vjp_x(g, ans, x, y):
    return g * (math.copysign(1.0, x) * math.copysign(1.0, y) if x != 0 else 0.0)


def math_erf_vjp(g, ans, x):
    return g * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


def math_erfc_vjp(g, ans, x):
    return -g * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


def math_gamma_vjp(g, ans, x):
    return g * ans * runtime.digamma(x)


def math_lgamma_vjp(g, ans, x):
    return g * runtime.digamma(x)


defvjp(math.exp, math_exp_vjp)
defvjp(math.expm1, math_expm1_vjp)
defvjp(math.log, math_log_vjp_x, math_log_vjp_base)
defvjp(math.log2, math_log2_vjp)
defvjp(math.log10, math_log10_vjp)
defvjp(math.log1p, math_log1p_vjp)
defvjp(math.sqrt, math_sqrt_vjp)
defvjp(math.pow, math_pow_vjp_x, math_pow_vjp_y)
defvjp(math.hypot, *up_to_positions((math_hypot_vjp_0, math_hypot_vjp_1, math_hypot_vjp_2),
                                     math_hypot_vjp_more))
defvjp(math.fabs, math_fabs_vjp)
defvjp(math.copysign, math_copysign_vjp_x, None)
defvjp(math.erf, math_erf_vjp)
defvjp(math.erfc, math_erfc_vjp)
defvjp(math.gamma, math_gamma_vjp)
defvjp(math.lgamma, math_lgamma_vjp)

defnondiff(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
           builtins.round, builtins.len, builtins.int, builtins.bool)

# ------------------------------------------------------------- builtins


def abs_vjp(g, ans, x):
    """``sign(x)``; ``x / |x|`` for a complex ``x`` (NumPy's sign), 0 at 0."""
    return runtime.real_cotangent(g) * np.sign(x)


def pow_vjp_base(g, ans, base, exp, mod=None):
    return g * np.where(np.equal(exp, 0), 0.0, exp * np.power(base, np.subtract(exp, 1.0)))


def pow_vjp_exp(g, ans, base, exp, mod=None):
    return g * ans * np.log(np.where(np.greater(base, 0), base, 1.0))


def max_vjp_0(g, ans, *args):
    """``max(a, b, ...)``: rule k is for argument k, ties share equally;
    ``max(iterable)``: rule 0 returns a list of cotangents."""
    return share_extremum(g, ans, args, 0)


def max_vjp_1(g, ans, *args):
    return share_extremum(g, ans, args, 1)


def max_vjp_2(g, ans, *args):
    return share_extremum(g, ans, args, 2)


def max_vjp_3(g, ans, *args):
    return share_extremum(g, ans, args, 3)


def max_vjp_more(g, ans, *args):
    """A fifth or later argument: refused."""
    raise refuse_position("max()/min()", 4, "pass the values as one list: max([a, b, c, d, e])")


def sum_vjp_iterable(g, ans, iterable, start=0):
    """A list argument: one cotangent per element, summed to its shape.  An array
    (``sum(x)`` adds its rows): an array of them, shaped like the argument."""
    if isinstance(iterable, np.ndarray):
        rows = [runtime.unbroadcast(g, v) for v in iterable]
        if not rows:
            return np.zeros(np.shape(iterable), dtype=runtime.float_dtype(iterable.dtype))
        return np.reshape(np.stack(rows), np.shape(iterable))
    return [runtime.unbroadcast(g, v) for v in iterable]


def sum_vjp_start(g, ans, iterable, start=0):
    return runtime.unbroadcast(g, start)


defvjp(builtins.abs, abs_vjp, broadcasts=True)
defvjp(builtins.pow, pow_vjp_base, pow_vjp_exp, broadcasts=True)
defvjp(builtins.max, *up_to_positions((max_vjp_0, max_vjp_1, max_vjp_2, max_vjp_3), max_vjp_more))
defvjp(builtins.min, *up_to_positions((max_vjp_0, max_vjp_1, max_vjp_2, max_vjp_3), max_vjp_more))
defvjp(builtins.sum, sum_vjp_iterable, sum_vjp_start)
defvjp(builtins.divmod, divmod_vjp_x1, divmod_vjp_x2,
       broadcasts=True)  # same rules as np.divmod (on arrays it broadcasts too)
