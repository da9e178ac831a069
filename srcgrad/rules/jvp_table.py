"""Which primitives are linear or elementwise: the data forward mode derives
JVPs from (:mod:`srcgrad.rules.jvp`).  Declared here, never guessed from
names; a primitive listed nowhere gets an explicit rule
(:mod:`srcgrad.rules.jvp_explicit`) or, failing that, its JVP by
transposition of its VJP (exact, bounded in size).

Linear means linear over the reals in that argument once the others are
fixed (``np.vdot`` conjugates its first argument: still linear over the
reals, and ``fn(t, b)`` is its JVP).  An argument that is a list of arrays
(``np.concatenate``) is one argument: ``fn`` is linear in the whole list, so
its JVP is ``fn`` of the list of tangents.  A primitive that is only *jointly*
linear (``np.append(arr, values)``, ``np.linspace(start, stop)``) or affine
(``np.where``'s branches) is not listed as linear.
"""

import builtins
import math
import operator

import numpy as np

from . import POSITIONS
from .. import runtime
from .jvp import deflinear, defelementwise
from . import shape, conversions, nn

_ALL = tuple(range(POSITIONS))

# ----------------------------------------------------------------- linear

for _fn in (np.reshape, np.ravel, np.transpose, np.swapaxes, np.moveaxis, np.rollaxis,
            np.expand_dims, np.squeeze, np.broadcast_to, np.copy, np.array, np.asarray,
            np.asanyarray, runtime.as_array, np.concatenate, np.stack, np.hstack, np.vstack, np.dstack,
            np.column_stack, shape.index_r, shape.index_c, np.split, np.array_split,
            np.hsplit, np.vsplit, np.dsplit, np.tile, np.repeat, np.flip, np.fliplr,
            np.flipud, np.rot90, np.roll, np.diagonal, np.diag, np.tril, np.triu, np.take,
            operator.getitem, np.mean, np.cumsum, np.trace,
            np.linalg.trace, np.linalg.diagonal, np.linalg.matrix_transpose,
            np.fft.fft, np.fft.ifft, np.fft.fftn, np.fft.ifftn, np.fft.fft2, np.fft.ifft2,
            np.fft.rfft, np.fft.irfft, np.fft.rfftn, np.fft.irfftn, np.fft.rfft2,
            np.fft.irfft2, np.fft.hfft, np.fft.ihfft, np.fft.fftshift, np.fft.ifftshift,
            np.trapezoid, conversions.astype, conversions.item, conversions.tolist,
            builtins.float, conversions.field, conversions.as_sequence,
            conversions.dict_values, conversions.dict_items, builtins.list, builtins.tuple, builtins.dict,
            conversions.argument_copy):
    deflinear(_fn, 0)

deflinear(np.sum, 0, zero=("initial",))
deflinear(np.diff, 0, zero=("prepend", "append"))
deflinear(np.pad, 0, 3, zero=("end_values",), jointly=True)
deflinear(np.gradient, 0)
deflinear(np.polyval, 0)
deflinear(np.full, 1)
deflinear(np.full_like, 1)
deflinear(conversions.make_closure, 1)
deflinear(nn.nll_loss, 0)

# jointly linear: linear in these arguments together (the others' tangents zeroed)
for _fn in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    deflinear(_fn, 0, 1, 2, 3, jointly=True)
deflinear(np.append, 0, 1, jointly=True)
deflinear(np.select, 1, 2, jointly=True)
deflinear(np.linspace, 0, 1, jointly=True)
deflinear(np.interp, 2, 3, 4, jointly=True)      # fp, left, right (x: elementwise)
deflinear(builtins.complex, 0, 1, jointly=True)
deflinear(builtins.sum, 0, 1, jointly=True)
deflinear(conversions.list_concat, 0, 1, jointly=True)
deflinear(conversions.plus, 0, 1, jointly=True)
deflinear(conversions.dict_get, 0, 2, jointly=True)
deflinear(nn.index_put, 0, 2, jointly=True)

# multilinear: linear in each argument when the others are fixed
for _fn in (np.dot, np.matmul, np.inner, np.tensordot, np.vdot, np.outer, np.kron,
            np.cross, np.convolve, np.correlate, np.linalg.matmul, np.linalg.outer,
            np.linalg.vecdot, np.multiply, conversions.times):
    deflinear(_fn, 0, 1)
deflinear(np.einsum, *_ALL)          # every operand, string and sublist forms
deflinear(np.divide, 0)              # the numerator

# ------------------------------------------------------------ elementwise

defelementwise(
    np.add, np.subtract, np.power, np.float_power, np.mod, np.fmod, np.ldexp,
    np.copysign, np.negative, np.positive, np.square, np.sqrt, np.cbrt, np.reciprocal,
    np.absolute, np.fabs, np.exp, np.exp2, np.expm1, np.log, np.log2, np.log10, np.log1p,
    np.logaddexp, np.logaddexp2, np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan,
    np.arctan2, np.hypot, np.sinh, np.cosh, np.tanh, np.arcsinh, np.arccosh, np.arctanh,
    np.sinc, np.deg2rad, np.radians, np.rad2deg, np.degrees, np.maximum, np.minimum,
    np.fmax, np.fmin, np.clip, np.where, np.nan_to_num, np.real, np.imag, np.angle,
    np.heaviside, np.conjugate,
    math.sin, math.cos, math.tan, math.asin, math.acos, math.atan, math.atan2, math.sinh,
    math.cosh, math.tanh, math.asinh, math.acosh, math.atanh, math.degrees, math.radians,
    math.exp, math.expm1, math.log, math.log2, math.log10, math.log1p, math.sqrt, math.pow,
    math.hypot, math.fabs, math.copysign, math.erf, math.erfc, math.gamma, math.lgamma,
    builtins.abs, builtins.pow,
    nn.sigmoid, nn.relu, nn.leaky_relu, nn.softplus)
defelementwise(np.divide, positions=(1,))       # the denominator
defelementwise(np.polyval, positions=(1,))      # x (p is linear)
defelementwise(np.interp, positions=(0,))        # x: the slope of its segment

from . import jvp_explicit  # noqa: E402,F401  (explicit rules override the above)
