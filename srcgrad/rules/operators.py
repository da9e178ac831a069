"""Python syntax mapped to the NumPy callables whose rules differentiate it.

Shared by the compiler (which keys on gast node class names) and the tape
(whose ``Tensor`` dunders look up the same callables), so an operator has one
rule whichever engine runs it.

>>> BINOPS["Add"] is np.add, UNARYOPS["USub"] is np.negative
(True, True)
"""

import math
import operator

import numpy as np

__all__ = ["BINOPS", "UNARYOPS", "CMPOPS", "DUNDERS", "METHODS", "ATTRIBUTES",
           "OPERATOR_MODULE"]

#: gast binary operator class name -> numpy callable
BINOPS = {
    "Add": np.add,
    "Sub": np.subtract,
    "Mult": np.multiply,
    "Div": np.true_divide,
    "FloorDiv": np.floor_divide,
    "Mod": np.mod,
    "Pow": np.power,
    "MatMult": np.matmul,
    "BitAnd": np.bitwise_and,     # (x > a) & (x < b): on booleans, no gradient
    "BitOr": np.bitwise_or,
    "BitXor": np.bitwise_xor,
    "LShift": np.left_shift,
    "RShift": np.right_shift,
}

#: gast unary operator class name -> numpy callable ("Not" has no gradient)
UNARYOPS = {
    "USub": np.negative,
    "UAdd": np.positive,
    "Not": np.logical_not,
    "Invert": np.invert,
}

#: gast comparison class name -> numpy callable (all without gradient)
CMPOPS = {
    "Eq": np.equal,
    "NotEq": np.not_equal,
    "Lt": np.less,
    "LtE": np.less_equal,
    "Gt": np.greater,
    "GtE": np.greater_equal,
}

#: dunder name -> (numpy callable, reflected?)
DUNDERS = {}
for _op, _fn in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                 ("truediv", np.true_divide), ("floordiv", np.floor_divide),
                 ("mod", np.mod), ("pow", np.power), ("matmul", np.matmul)):
    DUNDERS["__%s__" % _op] = (_fn, False)
    DUNDERS["__r%s__" % _op] = (_fn, True)
DUNDERS["__neg__"] = (np.negative, False)
DUNDERS["__pos__"] = (np.positive, False)
DUNDERS["__abs__"] = (np.absolute, False)

#: the ``operator`` module's functions, for ``functools.reduce(operator.add, ...)``
OPERATOR_MODULE = {
    operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
    operator.truediv: np.true_divide, operator.pow: np.power,
    operator.matmul: np.matmul, operator.neg: np.negative,
    operator.mod: np.mod, operator.floordiv: np.floor_divide, operator.pos: np.positive,
    operator.abs: np.absolute,
    operator.lt: np.less, operator.le: np.less_equal, operator.gt: np.greater,
    operator.ge: np.greater_equal, operator.eq: np.equal, operator.ne: np.not_equal,
}

#: ndarray method name -> numpy function taking the array first, for the
#: methods that compute the same value as the function and change nothing
#: (``x.sort()`` sorts in place and returns None: it is not here, see
#: rules/effects.py).  Methods whose call shape differs from the function
#: (``x.reshape(2, 3)``, ``x.transpose(1, 0)``) are normalised by the engines
#: before lookup.
METHODS = {
    name: getattr(np, name) for name in (
        "sum", "mean", "prod", "max", "min", "var", "std", "cumsum", "cumprod",
        "dot", "reshape", "ravel", "transpose", "swapaxes", "squeeze", "repeat",
        "clip", "round", "trace", "diagonal", "take", "argmax", "argmin",
        "argsort", "nonzero", "all", "any", "conj", "conjugate", "copy")
}
METHODS["flatten"] = np.ravel  # flatten always copies; gradients are the same

#: ndarray attribute -> numpy function of the array
ATTRIBUTES = {
    "T": np.transpose,
    "shape": np.shape,
    "ndim": np.ndim,
    "size": np.size,
    "real": np.real,
    "imag": np.imag,
}

_ = math  # math functions are primitives themselves (see rules.scalars)
