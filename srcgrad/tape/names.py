"""PyTorch's names for backward nodes (``MulBackward0``, ``SumBackward1``...).

Guarantees: :data:`record.NAMES` maps each NumPy callable (or primitive of
:mod:`srcgrad.rules.nn`) the tape records to the node name PyTorch 2.x gives
the same operation, or to a function of ``(args, kwargs)`` choosing among
PyTorch's variants (``SumBackward0`` without ``dim``, ``SumBackward1`` with);
callables missing from the table get ``<CamelCaseName>Backward0``.
"""

import operator

import numpy as np

from ..rules import nn as nnrules
from ..rules.conversions import astype as _astype
from .record import NAMES as _NAMES, SHOW_NONE as _SHOW_NONE
from .tensor import Tensor

__all__ = ["getitem_name", "rsub_name"]

for _fn, _name in [
        (np.add, "AddBackward0"), (np.subtract, "SubBackward0"),
        (np.multiply, "MulBackward0"), (np.true_divide, "DivBackward0"),
        (np.negative, "NegBackward0"), (np.exp, "ExpBackward0"), (np.log, "LogBackward0"),
        (np.sin, "SinBackward0"), (np.cos, "CosBackward0"), (np.tan, "TanBackward0"),
        (np.tanh, "TanhBackward0"), (np.sinh, "SinhBackward0"), (np.cosh, "CoshBackward0"),
        (np.sqrt, "SqrtBackward0"), (np.absolute, "AbsBackward0"),
        (np.arcsin, "AsinBackward0"), (np.arccos, "AcosBackward0"),
        (np.arctan, "AtanBackward0"), (np.arctan2, "Atan2Backward0"),
        (np.log1p, "Log1PBackward0"), (np.expm1, "Expm1Backward0"),
        (np.log2, "Log2Backward0"), (np.log10, "Log10Backward0"), (np.exp2, "Exp2Backward0"),
        (np.square, "PowBackward0"), (np.reciprocal, "ReciprocalBackward0"),
        (np.maximum, "MaximumBackward0"), (np.minimum, "MinimumBackward0"),
        (np.fmax, "FmaxBackward0"), (np.fmin, "FminBackward0"),
        (np.where, "WhereBackward0"), (np.clip, "ClampBackward1"),
        (np.prod, "ProdBackward0"), (np.var, "VarBackward0"), (np.std, "StdBackward0"),
        (np.cumsum, "CumsumBackward0"), (np.cumprod, "CumprodBackward0"),
        (np.concatenate, "CatBackward0"), (np.stack, "StackBackward0"),
        (np.transpose, "PermuteBackward0"), (np.swapaxes, "TransposeBackward0"),
        (np.reshape, "ViewBackward0"), (np.ravel, "ViewBackward0"),
        (np.expand_dims, "UnsqueezeBackward0"), (np.broadcast_to, "ExpandBackward0"),
        (np.copy, "CloneBackward0"), (np.flip, "FlipBackward0"), (np.amax, "AmaxBackward0"),
        (np.amin, "AminBackward0"), (np.tensordot, "TensordotBackward0"),
        (np.einsum, "EinsumBackward0"), (np.outer, "OuterBackward0"),
        (np.logaddexp, "LogaddexpBackward0"), (_astype, "ToCopyBackward0"),
        (nnrules.sigmoid, "SigmoidBackward0"), (nnrules.relu, "ReluBackward0"),
        (nnrules.softplus, "SoftplusBackward0"), (nnrules.log_softmax, "LogSoftmaxBackward0"),
        (nnrules.softmax, "SoftmaxBackward0"), (nnrules.nll_loss, "NllLossBackward0"),
        (nnrules.mse_loss, "MseLossBackward0"), (nnrules.index_put, "CopySlices"),
        (nnrules.leaky_relu, "LeakyReluBackward0"), (nnrules.addmm, "AddmmBackward0")]:
    _NAMES[id(_fn)] = _name
for _fn in (np.add, np.subtract, np.multiply, np.true_divide, nnrules.mse_loss):
    _SHOW_NONE.add(id(_fn))


def _sum_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else None
    if axis is None and len(args) > 1:
        axis = args[1]
    return "SumBackward0" if axis is None else "SumBackward1"


def _mean_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else None
    return "MeanBackward0" if axis is None and len(args) < 2 else "MeanBackward1"


def _max_name(kind):
    def name(args, kwargs):
        axis = kwargs.get("axis") if kwargs else None
        return kind + ("Backward1" if axis is None and len(args) < 2 else "Backward0")
    return name


def _pow_name(args, kwargs):
    a, b = args[0], args[1]
    if not isinstance(a, Tensor):
        return "PowBackward2"
    return "PowBackward1" if isinstance(b, Tensor) else "PowBackward0"


def _matmul_name(args, kwargs):
    na, nb = np.ndim(args[0]), np.ndim(args[1])
    if na == 1 and nb == 1:
        return "DotBackward0"
    if na == 2 and nb == 2:
        return "MmBackward0"
    if na == 2 and nb == 1:
        return "MvBackward0"
    return "UnsafeViewBackward0"


def _squeeze_name(args, kwargs):
    axis = kwargs.get("axis") if kwargs else (args[1] if len(args) > 1 else None)
    return "SqueezeBackward0" if axis is None else "SqueezeBackward1"


def _getitem_name(args, kwargs):
    idx = args[1]
    idx = idx if isinstance(idx, tuple) else (idx,)
    name = "AliasBackward0"
    for k in idx:
        if k is None:
            name = "UnsqueezeBackward0"
        elif k is Ellipsis:
            continue
        elif isinstance(k, slice):
            if k != slice(None):
                name = "SliceBackward0"
        elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            name = "SelectBackward0"
        else:
            return "IndexBackward0"
    return name


for _fn, _name in [(np.sum, _sum_name), (np.mean, _mean_name), (np.max, _max_name("Max")),
                   (np.min, _max_name("Min")), (np.power, _pow_name),
                   (np.matmul, _matmul_name), (np.dot, _matmul_name),
                   (np.squeeze, _squeeze_name), (operator.getitem, _getitem_name)]:
    _NAMES[id(_fn)] = _name


def _rsub_name(args, kwargs):
    return "SubBackward0" if isinstance(args[0], Tensor) else "RsubBackward1"


getitem_name = _getitem_name
rsub_name = _rsub_name
