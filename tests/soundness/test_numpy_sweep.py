"""The soundness sweep (issue 9): each public callable of NumPy, ``numpy.linalg``,
``numpy.fft``, the ndarray members, ``math`` and the builtins, called on a value that
depends on the differentiated argument, in the compiler, the tape and ``auto``
(soundness_sweep.py says how, and what right / loud / crash / wrong / skip mean).

A callable fails its test on a *wrong* number or an internal *crash* in an engine,
unless ``(callable, engine)`` is listed in :data:`KNOWN` below with what happens. Each
listed entry is also a strict xfail (``test_known_failure_still_fails``): when a fix
lands it XPASSes, the run fails, and the entry must be removed -- so the table stays
honest.

Default run: :data:`soundness_sweep.DEFAULT_SUBSET` (about 70 callables). ``-m slow``:
every callable. ``python tests/soundness/report.py`` prints the counts.
"""

import sys
import types

import numpy as np
import pytest

import srcgrad
import soundness_sweep as sweep

# ------------------------------------------------------------------ known failures
# (callable, engine) -> what happens: the kinds, the patterns (soundness_sweep.PATTERNS:
# "v,c" is np.F(a, C), "c,v" np.F(C, a), ...) and the first pattern's detail. Written
# from `python tests/soundness/report.py --json` on 2026-12-07; remove an entry when
# its test_known_failure_still_fails XPASSes.
KNOWN = {
    ("builtins.divmod", "compile"):
        "wrong (cm,v): gradient [ 0.301  2.035 -2.954], finite differences [-0.467  1.141 "
        "-1.638]",
    ("builtins.divmod", "tape"):
        "wrong (c,m, cm,v, m,cv, v,c): gradient [0.202 0.189 0.631 0.178], finite differences ["
        " 0.202  0.578  0.631 -0.594]",
    ("builtins.divmod", "auto"):
        "wrong (cm,v): gradient [ 0.301  2.035 -2.954], finite differences [-0.467  1.141 "
        "-1.638]",
    ("ndarray.all", "tape"):
        "crash (m,1, m,axis=1, m, v,where=k, v, z): AttributeError: 'Tensor' object has no "
        "attribute 'all'",
    ("ndarray.any", "tape"):
        "crash (m,1, m,axis=1, m, v,where=k, v, z): AttributeError: 'Tensor' object has no "
        "attribute 'any'",
    ("ndarray.argpartition", "tape"):
        "crash (m,1, v,1): AttributeError: 'Tensor' object has no attribute 'argpartition'",
    ("ndarray.argpartition", "auto"):
        "crash (m,1, v,1): AttributeError: 'Tensor' object has no attribute 'argpartition'",
    ("ndarray.argsort", "tape"):
        "crash (m,1, m,axis=1, m, v, z): AttributeError: 'Tensor' object has no attribute "
        "'argsort'",
    ("ndarray.clip", "compile"):
        "crash/wrong (c,out=v, v,out=c, v,where=k): gradient [-0.985 -0.702  0.32 ], finite "
        "differences [0. 0. 0.]",
    ("ndarray.clip", "tape"):
        "wrong (c,out=v): gradient [-0.985 -0.702  0.32 ], finite differences [0. 0. 0.]",
    ("ndarray.clip", "auto"):
        "crash/wrong (c,out=v, v,out=c, v,where=k): gradient [-0.985 -0.702  0.32 ], finite "
        "differences [0. 0. 0.]",
    ("ndarray.compress", "tape"):
        "crash (m,cv, v,c): AttributeError: 'Tensor' object has no attribute 'compress'",
    ("ndarray.compress", "auto"):
        "crash (m,cv, v,c): AttributeError: 'Tensor' object has no attribute 'compress'",
    ("ndarray.conj", "compile"):
        "crash/wrong (c,m, c,v, m,c, v,c): gradient [-0.074 -0.137 -0.538 -0.498], finite "
        "differences [0. 0. 0. 0.]",
    ("ndarray.conj", "tape"):
        "crash (m,c, m, v,c, v, z): AttributeError: 'Tensor' object has no attribute 'conj'",
    ("ndarray.conj", "auto"):
        "crash/wrong (c,m, c,v, m,c, v,c): gradient [-0.074 -0.137 -0.538 -0.498], finite "
        "differences [0. 0. 0. 0.]",
    ("ndarray.conjugate", "tape"):
        "crash (m,c, m, s, v,c, v, z): AttributeError: 'Tensor' object has no attribute "
        "'conjugate'",
    ("ndarray.conjugate", "auto"):
        "crash (m,c, m, s, v,c, v, z): AttributeError: 'Tensor' object has no attribute "
        "'conjugate'",
    ("ndarray.cumprod", "compile"):
        "wrong (c,out=v, v,out=c, z): gradient [ 0.546  0.252 -0.21 ], finite differences [0. "
        "0. 0.]",
    ("ndarray.cumprod", "tape"):
        "wrong (z): gradient [-1.227    nan -0.662], finite differences [-1.227  0.975 -0.662]",
    ("ndarray.cumprod", "auto"):
        "wrong (c,out=v, v,out=c, z): gradient [ 0.546  0.252 -0.21 ], finite differences [0. "
        "0. 0.]",
    ("ndarray.cumsum", "compile"):
        "wrong (c,out=v, v,out=c): gradient [-0.912 -0.002 -0.587], finite differences [0. 0. "
        "0.]",
    ("ndarray.cumsum", "auto"):
        "wrong (c,out=v, v,out=c): gradient [-0.912 -0.002 -0.587], finite differences [0. 0. "
        "0.]",
    ("ndarray.diagonal", "tape"):
        "crash (m,1, m): AttributeError: 'Tensor' object has no attribute 'diagonal'",
    ("ndarray.fill", "compile"):
        "wrong (m,1, v,1): gradient [-0.645 -0.154  0.151 -0.701], finite differences [0. 0. 0."
        " 0.]",
    ("ndarray.fill", "tape"):
        "crash (m,1, v,1): AttributeError: 'Tensor' object has no attribute 'fill'",
    ("ndarray.fill", "auto"):
        "wrong (m,1, v,1): gradient [-0.645 -0.154  0.151 -0.701], finite differences [0. 0. 0."
        " 0.]",
    ("ndarray.imag", "tape"):
        "crash (m, s, v, z): AttributeError: 'Tensor' object has no attribute 'imag'",
    ("ndarray.itemsize", "tape"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute 'itemsize'",
    ("ndarray.mean", "compile"):
        "crash (v,where=k): TypeError: mean_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.mean", "auto"):
        "crash (v,where=k): TypeError: mean_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.nbytes", "tape"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute 'nbytes'",
    ("ndarray.nonzero", "tape"):
        "crash (m, v): AttributeError: 'Tensor' object has no attribute 'nonzero'",
    ("ndarray.partition", "compile"):
        "wrong (m,1): gradient [-0.398  0.967  0.724  0.94 ], finite differences [ 0.724  0.967"
        " -0.398  0.94 ]",
    ("ndarray.partition", "tape"):
        "crash (m,1): AttributeError: 'Tensor' object has no attribute 'partition'",
    ("ndarray.partition", "auto"):
        "wrong (m,1): gradient [-0.398  0.967  0.724  0.94 ], finite differences [ 0.724  0.967"
        " -0.398  0.94 ]",
    ("ndarray.prod", "compile"):
        "crash (v,where=k): TypeError: prod_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.prod", "auto"):
        "crash (v,where=k): TypeError: prod_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.put", "compile"):
        "wrong (c,i,v, c,k,v, v,i,c, v,k,c): gradient [-0.817  0.792  0.5  ], finite "
        "differences [-1.699  0.255  0.5  ]",
    ("ndarray.put", "tape"):
        "crash (v,i,c, v,k,c): AttributeError: 'Tensor' object has no attribute 'put'",
    ("ndarray.put", "auto"):
        "wrong (c,i,v, c,k,v, v,i,c, v,k,c): gradient [-0.817  0.792  0.5  ], finite "
        "differences [-1.699  0.255  0.5  ]",
    ("ndarray.real", "tape"):
        "crash (m, s, v, z): AttributeError: 'Tensor' object has no attribute 'real'",
    ("ndarray.repeat", "tape"):
        "crash (m,1, v,1): AttributeError: 'Tensor' object has no attribute 'repeat'",
    ("ndarray.round", "compile"):
        "wrong (c,out=v): gradient [-0.898 -0.449 -0.462], finite differences [0. 0. 0.]",
    ("ndarray.round", "auto"):
        "wrong (c,out=v): gradient [-0.898 -0.449 -0.462], finite differences [0. 0. 0.]",
    ("ndarray.searchsorted", "tape"):
        "crash (v,1, v,c): AttributeError: 'Tensor' object has no attribute 'searchsorted'",
    ("ndarray.searchsorted", "auto"):
        "crash (v,1, v,c): AttributeError: 'Tensor' object has no attribute 'searchsorted'",
    ("ndarray.sort", "compile"):
        "wrong (m,1, m,axis=1, m, z): gradient [ 0.366  0.589  0.611 -0.22 ], finite "
        "differences [ 0.611  0.589  0.366 -0.22 ]",
    ("ndarray.sort", "tape"):
        "crash (m,1, m,axis=1, m, z): AttributeError: 'Tensor' object has no attribute 'sort'",
    ("ndarray.sort", "auto"):
        "wrong (m,1, m,axis=1, m, z): gradient [ 0.366  0.589  0.611 -0.22 ], finite "
        "differences [ 0.611  0.589  0.366 -0.22 ]",
    ("ndarray.std", "compile"):
        "crash (v,where=k): TypeError: std_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.std", "tape"):
        "wrong (m,1, m,axis=1, m, v, z): value 0.609625726880878, NumPy 0.43761857169642626",
    ("ndarray.std", "auto"):
        "crash (v,where=k): TypeError: std_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.strides", "tape"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute 'strides'",
    ("ndarray.sum", "compile"):
        "crash (v,where=k): TypeError: sum_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.sum", "auto"):
        "crash (v,where=k): TypeError: sum_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.take", "tape"):
        "crash (m,1, v,1): AttributeError: 'Tensor' object has no attribute 'take'",
    ("ndarray.var", "compile"):
        "crash (v,where=k): TypeError: var_vjp() got an unexpected keyword argument 'where'",
    ("ndarray.var", "tape"):
        "wrong (m,1, m,axis=1, m, v, z): value -0.8106878465756138, NumPy -0.7609208766755178",
    ("ndarray.var", "auto"):
        "crash (v,where=k): TypeError: var_vjp() got an unexpected keyword argument 'where'",
    ("numpy.abs", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.894 -0.372 -0.539  "
        "0.629], finite differences [0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.abs", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.894 -0.372 -0.539  0.629], finite differences "
        "[0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.abs", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.894 -0.372 -0.539  "
        "0.629], finite differences [0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.absolute", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.468 -0.375 -0.381  "
        "0.26 ], finite differences [0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.absolute", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.468 -0.375 -0.381  0.26 ], finite differences "
        "[0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.absolute", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.468 -0.375 -0.381  "
        "0.26 ], finite differences [0. 0. 0. 0.] [np.absolute(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.acos", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.885 -0.452  0.659], finite "
        "differences [0. 0. 0.] [np.arccos(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.acos", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.885 -0.452  0.659], finite differences [0. 0. 0.] "
        "[np.arccos(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.acos", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.885 -0.452  0.659], finite "
        "differences [0. 0. 0.] [np.arccos(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.add", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.712  0.767 -0.666], finite differences"
        " [0. 0. 0.]",
    ("numpy.add", "tape"):
        "wrong (c,k,v): gradient [-0.712  0.767 -0.666], finite differences [0. 0. 0.]",
    ("numpy.add", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.712  0.767 -0.666], finite differences"
        " [0. 0. 0.]",
    ("numpy.arange", "compile"):
        "wrong (s,c): zero gradient , finite differences [-0.804]",
    ("numpy.arange", "auto"):
        "wrong (s,c): zero gradient , finite differences [-0.804]",
    ("numpy.arccos", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.608 -0.297 -0.09 ], finite "
        "differences [0. 0. 0.] [np.arccos(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.arccos", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.608 -0.297 -0.09 ], finite differences [0. 0. 0.] "
        "[np.arccos(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.arccos", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.608 -0.297 -0.09 ], finite "
        "differences [0. 0. 0.] [np.arccos(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.arcsin", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.86   0.755 -0.525], finite "
        "differences [0. 0. 0.] [np.arcsin(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.arcsin", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.86   0.755 -0.525], finite differences [0. 0. 0.] "
        "[np.arcsin(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.arcsin", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.86   0.755 -0.525], finite "
        "differences [0. 0. 0.] [np.arcsin(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.arcsinh", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.463  0.904 -0.926 "
        "-0.488], finite differences [0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.arcsinh", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.463  0.904 -0.926 -0.488], finite differences "
        "[0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.arcsinh", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.463  0.904 -0.926 "
        "-0.488], finite differences [0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.arctan", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.592  0.821  0.13  "
        "-0.417], finite differences [0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.arctan", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.592  0.821  0.13  -0.417], finite differences "
        "[0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.arctan", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.592  0.821  0.13  "
        "-0.417], finite differences [0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.arctan2", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.325 -0.991 -0.909], finite differences"
        " [0. 0. 0.]",
    ("numpy.arctan2", "tape"):
        "wrong (c,k,v): gradient [-0.325 -0.991 -0.909], finite differences [0. 0. 0.]",
    ("numpy.arctan2", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.325 -0.991 -0.909], finite differences"
        " [0. 0. 0.]",
    ("numpy.arctanh", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.972 -0.192 -0.129], finite "
        "differences [0. 0. 0.] [np.arctanh(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.arctanh", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.972 -0.192 -0.129], finite differences [0. 0. 0.] "
        "[np.arctanh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.arctanh", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [ 0.972 -0.192 -0.129], finite "
        "differences [0. 0. 0.] [np.arctanh(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.around", "compile"):
        "wrong (c,out=v): gradient [ 0.295 -0.099 -0.002], finite differences [0. 0. 0.]",
    ("numpy.around", "auto"):
        "wrong (c,out=v): gradient [ 0.295 -0.099 -0.002], finite differences [0. 0. 0.]",
    ("numpy.asin", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [-0.137 -0.584 -0.656], finite "
        "differences [0. 0. 0.] [np.arcsin(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.asin", "tape"):
        "wrong (c,out=v, c,v): gradient [-0.137 -0.584 -0.656], finite differences [0. 0. 0.] "
        "[np.arcsin(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.asin", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [-0.137 -0.584 -0.656], finite "
        "differences [0. 0. 0.] [np.arcsin(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.asinh", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.939 -0.274 -0.717  "
        "0.398], finite differences [0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.asinh", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.939 -0.274 -0.717  0.398], finite differences "
        "[0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.asinh", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.939 -0.274 -0.717  "
        "0.398], finite differences [0. 0. 0. 0.] [np.arcsinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.atan", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.223  0.5   -0.589 "
        "-0.97 ], finite differences [0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.atan", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.223  0.5   -0.589 -0.97 ], finite differences "
        "[0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.atan", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.223  0.5   -0.589 "
        "-0.97 ], finite differences [0. 0. 0. 0.] [np.arctan(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.atan2", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.815 -0.819 -0.972], finite differences"
        " [0. 0. 0.]",
    ("numpy.atan2", "tape"):
        "wrong (c,k,v): gradient [-0.815 -0.819 -0.972], finite differences [0. 0. 0.]",
    ("numpy.atan2", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.815 -0.819 -0.972], finite differences"
        " [0. 0. 0.]",
    ("numpy.atanh", "compile"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [-0.573 -0.904 -0.561], finite "
        "differences [0. 0. 0.] [np.arctanh(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.atanh", "tape"):
        "wrong (c,out=v, c,v): gradient [-0.573 -0.904 -0.561], finite differences [0. 0. 0.] "
        "[np.arctanh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.atanh", "auto"):
        "crash/wrong (c,out=v, c,v, v,c, v,out=c): gradient [-0.573 -0.904 -0.561], finite "
        "differences [0. 0. 0.] [np.arctanh(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.atleast_1d", "compile"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [-0.946  0.519  0.339], finite differences [-0.875  1.091  "
        "0.177]",
    ("numpy.atleast_1d", "tape"):
        "wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, v,i,c,"
        " v,k,c): gradient [-0.946  0.519  0.339], finite differences [-0.875  1.091  0.177]",
    ("numpy.atleast_1d", "auto"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [-0.946  0.519  0.339], finite differences [-0.875  1.091  "
        "0.177]",
    ("numpy.atleast_2d", "compile"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [ 0.798  0.536 -0.579], finite differences [ 0.667  0.719 "
        "-0.044]",
    ("numpy.atleast_2d", "tape"):
        "wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, v,i,c,"
        " v,k,c): gradient [ 0.798  0.536 -0.579], finite differences [ 0.667  0.719 -0.044]",
    ("numpy.atleast_2d", "auto"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [ 0.798  0.536 -0.579], finite differences [ 0.667  0.719 "
        "-0.044]",
    ("numpy.atleast_3d", "compile"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [-0.224 -0.315 -0.813], finite differences [-0.472 -0.638  "
        "0.117]",
    ("numpy.atleast_3d", "tape"):
        "wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, v,i,c,"
        " v,k,c): gradient [-0.224 -0.315 -0.813], finite differences [-0.472 -0.638  0.117]",
    ("numpy.atleast_3d", "auto"):
        "crash/wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, s,c, v,1, v,c, "
        "v,i,c, v,k,c): gradient [-0.224 -0.315 -0.813], finite differences [-0.472 -0.638  "
        "0.117]",
    ("numpy.bmat", "auto"):
        "crash (m,1, m,cv, m,c, m): TypeError: unsupported operand type(s) for *: 'NoneType' "
        "and 'float'",
    ("numpy.broadcast_arrays", "tape"):
        "wrong (c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, m, s,c, s, v,1, v,c, v,k,c, "
        "v, z): gradient [ 0.958  0.183 -0.907], finite differences [ 1.781 -0.028 -1.531]",
    ("numpy.broadcast_arrays", "auto"):
        "wrong (c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, m, s,c, s, v,1, v,c, v,k,c, "
        "v, z): gradient [ 0.958  0.183 -0.907], finite differences [ 1.781 -0.028 -1.531]",
    ("numpy.cbrt", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.484 -0.274 -0.276  "
        "0.977], finite differences [0. 0. 0. 0.] [np.cbrt(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.cbrt", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.484 -0.274 -0.276  0.977], finite differences "
        "[0. 0. 0. 0.] [np.cbrt(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.cbrt", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.484 -0.274 -0.276  "
        "0.977], finite differences [0. 0. 0. 0.] [np.cbrt(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.ceil", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.465 -0.414 -0.52   0.5  ], finite differences "
        "[0. 0. 0. 0.] [np.ceil(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.ceil", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.465 -0.414 -0.52   0.5  ], finite differences "
        "[0. 0. 0. 0.] [np.ceil(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.ceil", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.465 -0.414 -0.52   0.5  ], finite differences "
        "[0. 0. 0. 0.] [np.ceil(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.clip", "compile"):
        "crash/wrong (c,out=v, v,out=c, v,where=k): gradient [-0.596  0.373  0.39 ], finite "
        "differences [0. 0. 0.]",
    ("numpy.clip", "tape"):
        "crash/wrong (v,out=c, v,where=k): gradient [-1.129 -0.862 -0.417], finite differences "
        "[-0.52  -1.709  0.058]",
    ("numpy.clip", "auto"):
        "crash/wrong (c,out=v, v,out=c, v,where=k): gradient [-0.596  0.373  0.39 ], finite "
        "differences [0. 0. 0.]",
    ("numpy.conj", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.809 -0.517 -0.521 "
        "-0.519], finite differences [0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.conj", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.809 -0.517 -0.521 -0.519], finite differences "
        "[0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.conj", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.809 -0.517 -0.521 "
        "-0.519], finite differences [0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.conjugate", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.196  0.468  0.458 "
        "-0.246], finite differences [0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.conjugate", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.196  0.468  0.458 -0.246], finite differences "
        "[0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.conjugate", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.196  0.468  0.458 "
        "-0.246], finite differences [0. 0. 0. 0.] [np.conjugate(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.copysign", "compile"):
        "crash/wrong (c,k,v, v,k,c): gradient [-0.206  0.852  0.001], finite differences [0. 0."
        " 0.]",
    ("numpy.copysign", "tape"):
        "wrong (c,k,v): gradient [-0.206  0.852  0.001], finite differences [0. 0. 0.]",
    ("numpy.copysign", "auto"):
        "crash/wrong (c,k,v, v,k,c): gradient [-0.206  0.852  0.001], finite differences [0. 0."
        " 0.]",
    ("numpy.copyto", "compile"):
        "wrong (c,m, c,v, cm,v, m,1, m,cv, m,c, v,1, v,c): gradient [-0.943  0.686  0.939 "
        "-0.471], finite differences [-1.319 -0.216  1.695 -0.849]",
    ("numpy.copyto", "auto"):
        "wrong (c,m, c,v, cm,v, m,1, m,cv, m,c, v,1, v,c): gradient [-0.943  0.686  0.939 "
        "-0.471], finite differences [-1.319 -0.216  1.695 -0.849]",
    ("numpy.cos", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.013 -0.654  0.77  "
        "-0.967], finite differences [0. 0. 0. 0.] [np.cos(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.cos", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.013 -0.654  0.77  -0.967], finite differences "
        "[0. 0. 0. 0.] [np.cos(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.cos", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.013 -0.654  0.77  "
        "-0.967], finite differences [0. 0. 0. 0.] [np.cos(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.cosh", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.755 -0.997 -0.832  "
        "0.572], finite differences [0. 0. 0. 0.] [np.cosh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.cosh", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.755 -0.997 -0.832  0.572], finite differences "
        "[0. 0. 0. 0.] [np.cosh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.cosh", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.755 -0.997 -0.832  "
        "0.572], finite differences [0. 0. 0. 0.] [np.cosh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.cumprod", "compile"):
        "wrong (c,out=v, v,out=c, z): gradient [ 0.153 -0.788  0.142], finite differences [0. "
        "0. 0.]",
    ("numpy.cumprod", "tape"):
        "wrong (v,out=c, z): gradient [-1.019 -0.586  0.396], finite differences [-1.357 -0.564"
        "  0.375]",
    ("numpy.cumprod", "auto"):
        "wrong (c,out=v, v,out=c, z): gradient [ 0.153 -0.788  0.142], finite differences [0. "
        "0. 0.]",
    ("numpy.cumsum", "compile"):
        "wrong (c,out=v, v,out=c): gradient [-0.512 -0.154  0.556], finite differences [0. 0. "
        "0.]",
    ("numpy.cumsum", "tape"):
        "wrong (v,out=c): gradient [ 0.294  0.54  -0.51 ], finite differences [-1.441 -0.233 "
        "-0.878]",
    ("numpy.cumsum", "auto"):
        "wrong (c,out=v, v,out=c): gradient [-0.512 -0.154  0.556], finite differences [0. 0. "
        "0.]",
    ("numpy.deg2rad", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.753 -0.256 -0.242  "
        "0.461], finite differences [0. 0. 0. 0.] [np.deg2rad(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.deg2rad", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.753 -0.256 -0.242  0.461], finite differences "
        "[0. 0. 0. 0.] [np.deg2rad(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.deg2rad", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.753 -0.256 -0.242  "
        "0.461], finite differences [0. 0. 0. 0.] [np.deg2rad(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.degrees", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.372  0.718  0.919 "
        "-0.325], finite differences [0. 0. 0. 0.] [np.degrees(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.degrees", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.372  0.718  0.919 -0.325], finite differences "
        "[0. 0. 0. 0.] [np.degrees(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.degrees", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.372  0.718  0.919 "
        "-0.325], finite differences [0. 0. 0. 0.] [np.degrees(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.divide", "compile"):
        "crash (k,v,c): TypeError: divide_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.divide", "auto"):
        "crash (k,v,c): TypeError: divide_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.divmod", "compile"):
        "crash (k,v,c): TypeError: divmod_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.divmod", "tape"):
        "wrong (c,m, c,s, cm,v, m,1, m,cv, s,c, v,1, v,c): gradient [-0.826  0.607 -0.309 "
        "-0.077], finite differences [-0.826 -0.249 -0.309  0.414]",
    ("numpy.divmod", "auto"):
        "crash (k,v,c): TypeError: divmod_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.equal", "compile"):
        "wrong (c,k,v): gradient [ 0.729 -0.09  -0.083], finite differences [0. 0. 0.]",
    ("numpy.equal", "tape"):
        "wrong (c,k,v): gradient [ 0.729 -0.09  -0.083], finite differences [0. 0. 0.]",
    ("numpy.equal", "auto"):
        "wrong (c,k,v): gradient [ 0.729 -0.09  -0.083], finite differences [0. 0. 0.]",
    ("numpy.exp", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.619 -0.693 -0.29  "
        "-0.677], finite differences [0. 0. 0. 0.] [np.exp(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.exp", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.619 -0.693 -0.29  -0.677], finite differences "
        "[0. 0. 0. 0.] [np.exp(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.exp", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.619 -0.693 -0.29  "
        "-0.677], finite differences [0. 0. 0. 0.] [np.exp(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.exp2", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.037  0.033 -0.732  "
        "0.157], finite differences [0. 0. 0. 0.] [np.exp2(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.exp2", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.037  0.033 -0.732  0.157], finite differences "
        "[0. 0. 0. 0.] [np.exp2(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.exp2", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.037  0.033 -0.732  "
        "0.157], finite differences [0. 0. 0. 0.] [np.exp2(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.expm1", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.157 -0.173 -0.709 "
        "-0.256], finite differences [0. 0. 0. 0.] [np.expm1(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.expm1", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.157 -0.173 -0.709 -0.256], finite differences "
        "[0. 0. 0. 0.] [np.expm1(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.expm1", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.157 -0.173 -0.709 "
        "-0.256], finite differences [0. 0. 0. 0.] [np.expm1(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.fabs", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.137 -0.606  0.694  "
        "0.653], finite differences [0. 0. 0. 0.] [np.fabs(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.fabs", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.137 -0.606  0.694  0.653], finite differences "
        "[0. 0. 0. 0.] [np.fabs(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.fabs", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.137 -0.606  0.694  "
        "0.653], finite differences [0. 0. 0. 0.] [np.fabs(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.fill_diagonal", "compile"):
        "wrong (c,m, cm,v, m,1, m,cv, m,c): gradient [-0.602 -0.15  -0.415 -0.97 ], finite "
        "differences [-0.035 -0.378 -1.175 -0.97 ]",
    ("numpy.fill_diagonal", "auto"):
        "wrong (c,m, cm,v, m,1, m,cv, m,c): gradient [-0.602 -0.15  -0.415 -0.97 ], finite "
        "differences [-0.035 -0.378 -1.175 -0.97 ]",
    ("numpy.fix", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.582  0.344 -0.939  0.403], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.fix", "tape"):
        "wrong (c,m, c,v): gradient [-0.582  0.344 -0.939  0.403], finite differences [0. 0. 0."
        " 0.]",
    ("numpy.fix", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.582  0.344 -0.939  0.403], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.float_power", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.222  0.479 -0.705], finite differences"
        " [0. 0. 0.]",
    ("numpy.float_power", "tape"):
        "wrong (c,k,v): gradient [-0.222  0.479 -0.705], finite differences [0. 0. 0.]",
    ("numpy.float_power", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.222  0.479 -0.705], finite differences"
        " [0. 0. 0.]",
    ("numpy.floor", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.287  0.775 -0.619  0.078], finite differences "
        "[0. 0. 0. 0.] [np.floor(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.floor", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.287  0.775 -0.619  0.078], finite differences "
        "[0. 0. 0. 0.] [np.floor(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.floor", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.287  0.775 -0.619  0.078], finite differences "
        "[0. 0. 0. 0.] [np.floor(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.fmax", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.298 -0.32  -0.309], finite differences"
        " [0. 0. 0.]",
    ("numpy.fmax", "tape"):
        "wrong (c,k,v): gradient [-0.298 -0.32  -0.309], finite differences [0. 0. 0.]",
    ("numpy.fmax", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.298 -0.32  -0.309], finite differences"
        " [0. 0. 0.]",
    ("numpy.fmin", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.733 -0.372 -0.108], finite differences"
        " [0. 0. 0.]",
    ("numpy.fmin", "tape"):
        "wrong (c,k,v): gradient [ 0.733 -0.372 -0.108], finite differences [0. 0. 0.]",
    ("numpy.fmin", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.733 -0.372 -0.108], finite differences"
        " [0. 0. 0.]",
    ("numpy.fmod", "compile"):
        "crash (k,v,c): TypeError: fmod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.fmod", "auto"):
        "crash (k,v,c): TypeError: fmod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.frexp", "tape"):
        "wrong (c,m, c,v, k,v,c, s, v): gradient [-0.034 -0.531 -0.586  0.96 ], finite "
        "differences [0. 0. 0. 0.] [np.frexp(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.frexp", "auto"):
        "wrong (c,m, c,v, k,v,c, s, v): gradient [-0.034 -0.531 -0.586  0.96 ], finite "
        "differences [0. 0. 0. 0.] [np.frexp(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.from_dlpack", "tape"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute '__dlpack__'",
    ("numpy.from_dlpack", "auto"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute '__dlpack__'",
    ("numpy.full_like", "compile"):
        "wrong (c,m, c,s, c,v, cm,v): gradient [ 0.517 -0.693 -0.913 -0.155], finite "
        "differences [ 0.583 -1.185 -0.464 -0.498]",
    ("numpy.full_like", "auto"):
        "wrong (c,m, c,s, c,v, cm,v): gradient [ 0.517 -0.693 -0.913 -0.155], finite "
        "differences [ 0.583 -1.185 -0.464 -0.498]",
    ("numpy.gradient", "tape"):
        "wrong (m,1, m): gradient [ 0.017  0.628 -0.881  0.03 ], finite differences [ 0.236  "
        "2.504 -0.912 -1.654]",
    ("numpy.gradient", "auto"):
        "wrong (m,1, m): gradient [ 0.017  0.628 -0.881  0.03 ], finite differences [ 0.236  "
        "2.504 -0.912 -1.654]",
    ("numpy.greater", "compile"):
        "wrong (c,k,v): gradient [ 0.123  0.853 -0.917], finite differences [0. 0. 0.]",
    ("numpy.greater", "tape"):
        "wrong (c,k,v): gradient [ 0.123  0.853 -0.917], finite differences [0. 0. 0.]",
    ("numpy.greater", "auto"):
        "wrong (c,k,v): gradient [ 0.123  0.853 -0.917], finite differences [0. 0. 0.]",
    ("numpy.greater_equal", "compile"):
        "wrong (c,k,v): gradient [-0.273 -0.408  0.473], finite differences [0. 0. 0.]",
    ("numpy.greater_equal", "tape"):
        "wrong (c,k,v): gradient [-0.273 -0.408  0.473], finite differences [0. 0. 0.]",
    ("numpy.greater_equal", "auto"):
        "wrong (c,k,v): gradient [-0.273 -0.408  0.473], finite differences [0. 0. 0.]",
    ("numpy.heaviside", "compile"):
        "wrong (c,k,v, k,v,c): gradient [ 0.842 -0.034 -0.286], finite differences [0. 0. 0.]",
    ("numpy.heaviside", "tape"):
        "wrong (c,k,v): gradient [ 0.842 -0.034 -0.286], finite differences [0. 0. 0.]",
    ("numpy.heaviside", "auto"):
        "wrong (c,k,v, k,v,c): gradient [ 0.842 -0.034 -0.286], finite differences [0. 0. 0.]",
    ("numpy.histogram", "tape"):
        "wrong (c,v, cm,v, k,v,c, m,1, s, v,1, v, z): gradient [-0.4    0.343 -0.91 ], finite "
        "differences [ 0.225 -0.434 -1.004]",
    ("numpy.histogram", "auto"):
        "wrong (c,v, cm,v, k,v,c, m,1, s, v,1, v, z): gradient [-0.4    0.343 -0.91 ], finite "
        "differences [ 0.225 -0.434 -1.004]",
    ("numpy.histogram2d", "tape"):
        "wrong (c,k,v, c,v, v,c): gradient [0.853 0.507 0.58 ], finite differences [1.596 0.722"
        " 0.806]",
    ("numpy.histogram2d", "auto"):
        "wrong (c,k,v, c,v, v,c): gradient [0.853 0.507 0.58 ], finite differences [1.596 0.722"
        " 0.806]",
    ("numpy.histogramdd", "tape"):
        "wrong (m,1, v,1, v, z): gradient [ 0.806  0.068 -0.544  0.33 ], finite differences [ "
        "0.203  0.44  -0.34   0.33 ]",
    ("numpy.histogramdd", "auto"):
        "wrong (m,1, v,1, v, z): gradient [ 0.806  0.068 -0.544  0.33 ], finite differences [ "
        "0.203  0.44  -0.34   0.33 ]",
    ("numpy.hypot", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.416  0.311  0.281], finite differences"
        " [0. 0. 0.]",
    ("numpy.hypot", "tape"):
        "wrong (c,k,v): gradient [-0.416  0.311  0.281], finite differences [0. 0. 0.]",
    ("numpy.hypot", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.416  0.311  0.281], finite differences"
        " [0. 0. 0.]",
    ("numpy.isfinite", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.162 -0.547 -0.165 -0.577], finite differences "
        "[0. 0. 0. 0.] [np.isfinite(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isfinite", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.162 -0.547 -0.165 -0.577], finite differences "
        "[0. 0. 0. 0.] [np.isfinite(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isfinite", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.162 -0.547 -0.165 -0.577], finite differences "
        "[0. 0. 0. 0.] [np.isfinite(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isfortran", "tape"):
        "crash (m, v, z): AttributeError: 'Tensor' object has no attribute 'flags'",
    ("numpy.isinf", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.772 -0.7    0.432  0.508], finite differences "
        "[0. 0. 0. 0.] [np.isinf(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isinf", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.772 -0.7    0.432  0.508], finite differences "
        "[0. 0. 0. 0.] [np.isinf(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isinf", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.772 -0.7    0.432  0.508], finite differences "
        "[0. 0. 0. 0.] [np.isinf(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isnan", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.895  0.554 -0.203  0.836], finite differences "
        "[0. 0. 0. 0.] [np.isnan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isnan", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.895  0.554 -0.203  0.836], finite differences "
        "[0. 0. 0. 0.] [np.isnan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isnan", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.895  0.554 -0.203  0.836], finite differences "
        "[0. 0. 0. 0.] [np.isnan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.isneginf", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.469  0.092  0.591 -0.694], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.isneginf", "tape"):
        "wrong (c,m, c,v): gradient [-0.469  0.092  0.591 -0.694], finite differences [0. 0. 0."
        " 0.]",
    ("numpy.isneginf", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.469  0.092  0.591 -0.694], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.isposinf", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.932  0.937  0.001  0.483], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.isposinf", "tape"):
        "wrong (c,m, c,v): gradient [-0.932  0.937  0.001  0.483], finite differences [0. 0. 0."
        " 0.]",
    ("numpy.isposinf", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.932  0.937  0.001  0.483], finite differences "
        "[0. 0. 0. 0.]",
    ("numpy.isscalar", "tape"):
        "wrong (s): value -0.0, NumPy -0.9445598125807175",
    ("numpy.ix_", "tape"):
        "wrong (c,i,v, c,k,v, c,v, k,v,c, v,c, v,i,c, v,k,c, v, z): gradient [ 0.075 -0.049 "
        "-0.959], finite differences [-0.573 -0.672 -1.737]",
    ("numpy.ix_", "auto"):
        "wrong (c,i,v, c,k,v, c,v, k,v,c, v,c, v,i,c, v,k,c, v, z): gradient [ 0.075 -0.049 "
        "-0.959], finite differences [-0.573 -0.672 -1.737]",
    ("numpy.ldexp", "compile"):
        "crash/wrong (c,k,v, v,k,c): gradient [0.821 0.864 0.437], finite differences [0. 0. "
        "0.]",
    ("numpy.ldexp", "tape"):
        "wrong (c,k,v): gradient [0.821 0.864 0.437], finite differences [0. 0. 0.]",
    ("numpy.ldexp", "auto"):
        "crash/wrong (c,k,v, v,k,c): gradient [0.821 0.864 0.437], finite differences [0. 0. "
        "0.]",
    ("numpy.less", "compile"):
        "wrong (c,k,v): gradient [-0.035  0.211 -0.737], finite differences [0. 0. 0.]",
    ("numpy.less", "tape"):
        "wrong (c,k,v): gradient [-0.035  0.211 -0.737], finite differences [0. 0. 0.]",
    ("numpy.less", "auto"):
        "wrong (c,k,v): gradient [-0.035  0.211 -0.737], finite differences [0. 0. 0.]",
    ("numpy.less_equal", "compile"):
        "wrong (c,k,v): gradient [-0.147  0.899 -0.657], finite differences [0. 0. 0.]",
    ("numpy.less_equal", "tape"):
        "wrong (c,k,v): gradient [-0.147  0.899 -0.657], finite differences [0. 0. 0.]",
    ("numpy.less_equal", "auto"):
        "wrong (c,k,v): gradient [-0.147  0.899 -0.657], finite differences [0. 0. 0.]",
    ("numpy.linalg.eig", "tape"):
        "wrong (m): gradient [ 0.618  0.816 -0.227 -0.687], finite differences [ 0.194  1.378 "
        "-0.481 -0.416]",
    ("numpy.linalg.eig", "auto"):
        "wrong (m): gradient [ 0.618  0.816 -0.227 -0.687], finite differences [ 0.194  1.378 "
        "-0.481 -0.416]",
    ("numpy.linalg.eigh", "tape"):
        "wrong (m): gradient [ 0.249 -0.768 -0.797 -0.954], finite differences [-0.165 -0.768 "
        "-0.797 -1.339]",
    ("numpy.linalg.lstsq", "tape"):
        "wrong (c,m, cm,v, m,cv, m,c): gradient [ 0.015  0.152  0.09  -0.257], finite "
        "differences [-0.804 -0.873  1.314 -1.175]",
    ("numpy.linalg.lstsq", "auto"):
        "wrong (c,m, cm,v, m,cv, m,c): gradient [ 0.015  0.152  0.09  -0.257], finite "
        "differences [-0.804 -0.873  1.314 -1.175]",
    ("numpy.linalg.qr", "tape"):
        "wrong (m): gradient [0.823 0.945 0.76  0.021], finite differences [ 0.533  0.428  "
        "0.749 -0.224]",
    ("numpy.linalg.qr", "auto"):
        "wrong (m): gradient [0.823 0.945 0.76  0.021], finite differences [ 0.533  0.428  "
        "0.749 -0.224]",
    ("numpy.linalg.slogdet", "tape"):
        "wrong (m): gradient [-0.04  -0.226 -0.067 -0.129], finite differences [-0.261 -0.179 "
        "-0.028 -0.072]",
    ("numpy.linalg.svd", "tape"):
        "wrong (m,1, m): gradient [-0.862  0.563 -0.197 -0.89 ], finite differences [-1.338  "
        "0.745 -0.324 -0.612]",
    ("numpy.linspace", "compile"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-0.24]",
    ("numpy.linspace", "tape"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-0.24]",
    ("numpy.linspace", "auto"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-0.24]",
    ("numpy.log", "compile"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.518 -0.789  0.359], finite"
        " differences [0. 0. 0.] [np.log(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.log", "tape"):
        "wrong (c,out=v, c,v): gradient [-0.518 -0.789  0.359], finite differences [0. 0. 0.] "
        "[np.log(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.log", "auto"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.518 -0.789  0.359], finite"
        " differences [0. 0. 0.] [np.log(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.log10", "compile"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.729 -0.148 -0.385], finite"
        " differences [0. 0. 0.] [np.log10(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.log10", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.729 -0.148 -0.385], finite differences [0. 0. 0.] "
        "[np.log10(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.log10", "auto"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.729 -0.148 -0.385], finite"
        " differences [0. 0. 0.] [np.log10(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.log1p", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.947 -0.262  0.06  "
        "-0.971], finite differences [0. 0. 0. 0.] [np.log1p(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.log1p", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.947 -0.262  0.06  -0.971], finite differences "
        "[0. 0. 0. 0.] [np.log1p(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.log1p", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.947 -0.262  0.06  "
        "-0.971], finite differences [0. 0. 0. 0.] [np.log1p(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.log2", "compile"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.66  -0.358  0.904], finite"
        " differences [0. 0. 0.] [np.log2(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.log2", "tape"):
        "wrong (c,out=v, c,v): gradient [ 0.66  -0.358  0.904], finite differences [0. 0. 0.] "
        "[np.log2(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.log2", "auto"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.66  -0.358  0.904], finite"
        " differences [0. 0. 0.] [np.log2(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.logaddexp", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.857 -0.256 -0.231], finite differences"
        " [0. 0. 0.]",
    ("numpy.logaddexp", "tape"):
        "wrong (c,k,v): gradient [ 0.857 -0.256 -0.231], finite differences [0. 0. 0.]",
    ("numpy.logaddexp", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.857 -0.256 -0.231], finite differences"
        " [0. 0. 0.]",
    ("numpy.logaddexp2", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [0.123 0.522 0.4  ], finite differences "
        "[0. 0. 0.]",
    ("numpy.logaddexp2", "tape"):
        "wrong (c,k,v): gradient [0.123 0.522 0.4  ], finite differences [0. 0. 0.]",
    ("numpy.logaddexp2", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [0.123 0.522 0.4  ], finite differences "
        "[0. 0. 0.]",
    ("numpy.logical_and", "compile"):
        "wrong (c,k,v): gradient [ 0.052 -0.293 -0.824], finite differences [0. 0. 0.]",
    ("numpy.logical_and", "tape"):
        "wrong (c,k,v): gradient [ 0.052 -0.293 -0.824], finite differences [0. 0. 0.]",
    ("numpy.logical_and", "auto"):
        "wrong (c,k,v): gradient [ 0.052 -0.293 -0.824], finite differences [0. 0. 0.]",
    ("numpy.logical_not", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.34   0.628 -0.026 -0.598], finite differences "
        "[0. 0. 0. 0.] [np.logical_not(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.logical_not", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.34   0.628 -0.026 -0.598], finite differences "
        "[0. 0. 0. 0.] [np.logical_not(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.logical_not", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.34   0.628 -0.026 -0.598], finite differences "
        "[0. 0. 0. 0.] [np.logical_not(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.logical_or", "compile"):
        "wrong (c,k,v): gradient [ 0.328 -0.842  0.857], finite differences [0. 0. 0.]",
    ("numpy.logical_or", "tape"):
        "wrong (c,k,v): gradient [ 0.328 -0.842  0.857], finite differences [0. 0. 0.]",
    ("numpy.logical_or", "auto"):
        "wrong (c,k,v): gradient [ 0.328 -0.842  0.857], finite differences [0. 0. 0.]",
    ("numpy.logical_xor", "compile"):
        "wrong (c,k,v): gradient [ 0.879 -0.332  0.955], finite differences [0. 0. 0.]",
    ("numpy.logical_xor", "tape"):
        "wrong (c,k,v): gradient [ 0.879 -0.332  0.955], finite differences [0. 0. 0.]",
    ("numpy.logical_xor", "auto"):
        "wrong (c,k,v): gradient [ 0.879 -0.332  0.955], finite differences [0. 0. 0.]",
    ("numpy.logspace", "compile"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-22.54]",
    ("numpy.logspace", "tape"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-22.54]",
    ("numpy.logspace", "auto"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-22.54]",
    ("numpy.matmul", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.068  0.787 -0.574], finite differences"
        " [0. 0. 0.]",
    ("numpy.matmul", "tape"):
        "wrong (c,k,v): gradient [-0.068  0.787 -0.574], finite differences [0. 0. 0.]",
    ("numpy.matmul", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.068  0.787 -0.574], finite differences"
        " [0. 0. 0.]",
    ("numpy.maximum", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.208  0.156 -0.227], finite differences"
        " [0. 0. 0.]",
    ("numpy.maximum", "tape"):
        "wrong (c,k,v): gradient [-0.208  0.156 -0.227], finite differences [0. 0. 0.]",
    ("numpy.maximum", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.208  0.156 -0.227], finite differences"
        " [0. 0. 0.]",
    ("numpy.mean", "compile"):
        "crash (v,where=k): TypeError: mean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.mean", "tape"):
        "crash (v,where=k): TypeError: mean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.mean", "auto"):
        "crash (v,where=k): TypeError: mean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.meshgrid", "tape"):
        "wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, m, s,c, s, v,1, v,c, "
        "v,i,c, v,k,c, v, z): gradient [ 0.395 -0.132 -0.421], finite differences [ 0.972 "
        "-2.119 -1.487]",
    ("numpy.meshgrid", "auto"):
        "wrong (c,i,v, c,k,v, c,m, c,s, c,v, cm,v, k,v,c, m,1, m,cv, m,c, m, s,c, s, v,1, v,c, "
        "v,i,c, v,k,c, v, z): gradient [ 0.395 -0.132 -0.421], finite differences [ 0.972 "
        "-2.119 -1.487]",
    ("numpy.minimum", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.613 -0.683  0.936], finite differences"
        " [0. 0. 0.]",
    ("numpy.minimum", "tape"):
        "wrong (c,k,v): gradient [-0.613 -0.683  0.936], finite differences [0. 0. 0.]",
    ("numpy.minimum", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.613 -0.683  0.936], finite differences"
        " [0. 0. 0.]",
    ("numpy.mod", "compile"):
        "crash (k,v,c): TypeError: mod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.mod", "auto"):
        "crash (k,v,c): TypeError: mod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.modf", "compile"):
        "crash/wrong (c,m, c,v, k,v,c, m,c, v,c): gradient [-0.515  0.349  0.705  0.251], "
        "finite differences [0. 0. 0. 0.] [np.modf(C, a): a unary ufunc's 2nd positional "
        "argument is out=]",
    ("numpy.modf", "tape"):
        "wrong (c,m, c,v, k,v,c, m, s, v, z): gradient [-0.515  0.349  0.705  0.251], finite "
        "differences [0. 0. 0. 0.] [np.modf(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.modf", "auto"):
        "crash/wrong (c,m, c,v, k,v,c, m,c, v,c): gradient [-0.515  0.349  0.705  0.251], "
        "finite differences [0. 0. 0. 0.] [np.modf(C, a): a unary ufunc's 2nd positional "
        "argument is out=]",
    ("numpy.multiply", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.744 -0.83   0.593], finite differences"
        " [0. 0. 0.]",
    ("numpy.multiply", "tape"):
        "wrong (c,k,v): gradient [ 0.744 -0.83   0.593], finite differences [0. 0. 0.]",
    ("numpy.multiply", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.744 -0.83   0.593], finite differences"
        " [0. 0. 0.]",
    ("numpy.nanmean", "compile"):
        "crash (v,where=k): TypeError: nanmean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.nanmean", "tape"):
        "crash (v,where=k): TypeError: nanmean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.nanmean", "auto"):
        "crash (v,where=k): TypeError: nanmean_vjp() got an unexpected keyword argument 'where'",
    ("numpy.nansum", "compile"):
        "crash (v,where=k): TypeError: nansum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.nansum", "tape"):
        "crash (v,where=k): TypeError: nansum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.nansum", "auto"):
        "crash (v,where=k): TypeError: nansum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.negative", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.094 -0.846  0.144 "
        "-0.542], finite differences [0. 0. 0. 0.] [np.negative(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.negative", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.094 -0.846  0.144 -0.542], finite differences "
        "[0. 0. 0. 0.] [np.negative(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.negative", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.094 -0.846  0.144 "
        "-0.542], finite differences [0. 0. 0. 0.] [np.negative(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.nextafter", "tape"):
        "wrong (c,k,v): gradient [-0.648  0.028 -0.729], finite differences [0. 0. 0.]",
    ("numpy.nextafter", "auto"):
        "wrong (c,k,v): gradient [-0.648  0.028 -0.729], finite differences [0. 0. 0.]",
    ("numpy.not_equal", "compile"):
        "wrong (c,k,v): gradient [-0.726  0.386  0.662], finite differences [0. 0. 0.]",
    ("numpy.not_equal", "tape"):
        "wrong (c,k,v): gradient [-0.726  0.386  0.662], finite differences [0. 0. 0.]",
    ("numpy.not_equal", "auto"):
        "wrong (c,k,v): gradient [-0.726  0.386  0.662], finite differences [0. 0. 0.]",
    ("numpy.place", "compile"):
        "wrong (c,k,v, v,k,c): gradient [-0.211  0.25   0.86 ], finite differences [ 0.082 "
        "-0.06   0.86 ]",
    ("numpy.place", "auto"):
        "wrong (c,k,v, v,k,c): gradient [-0.211  0.25   0.86 ], finite differences [ 0.082 "
        "-0.06   0.86 ]",
    ("numpy.polydiv", "tape"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-1.937]",
    ("numpy.polydiv", "auto"):
        "wrong (c,s, c,v, s,c, v,1, v,c): zero gradient , finite differences [-1.937]",
    ("numpy.positive", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.721 -0.028 -0.097  "
        "0.157], finite differences [0. 0. 0. 0.] [np.positive(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.positive", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.721 -0.028 -0.097  0.157], finite differences "
        "[0. 0. 0. 0.] [np.positive(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.positive", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.721 -0.028 -0.097  "
        "0.157], finite differences [0. 0. 0. 0.] [np.positive(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.pow", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [0.628 0.945 0.495], finite differences "
        "[0. 0. 0.]",
    ("numpy.pow", "tape"):
        "wrong (c,k,v): gradient [0.628 0.945 0.495], finite differences [0. 0. 0.]",
    ("numpy.pow", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [0.628 0.945 0.495], finite differences "
        "[0. 0. 0.]",
    ("numpy.power", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.33  0.06 -0.11], finite differences "
        "[0. 0. 0.]",
    ("numpy.power", "tape"):
        "wrong (c,k,v): gradient [-0.33  0.06 -0.11], finite differences [0. 0. 0.]",
    ("numpy.power", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [-0.33  0.06 -0.11], finite differences "
        "[0. 0. 0.]",
    ("numpy.prod", "compile"):
        "crash (v,where=k): TypeError: prod_vjp() got an unexpected keyword argument 'where'",
    ("numpy.prod", "tape"):
        "crash (v,where=k): TypeError: prod_vjp() got an unexpected keyword argument 'where'",
    ("numpy.prod", "auto"):
        "crash (v,where=k): TypeError: prod_vjp() got an unexpected keyword argument 'where'",
    ("numpy.put", "compile"):
        "wrong (c,i,v, c,k,v, v,i,c, v,k,c): gradient [ 0.986 -0.596 -0.025], finite "
        "differences [ 1.948  0.352 -0.025]",
    ("numpy.put", "auto"):
        "wrong (c,i,v, c,k,v, v,i,c, v,k,c): gradient [ 0.986 -0.596 -0.025], finite "
        "differences [ 1.948  0.352 -0.025]",
    ("numpy.putmask", "compile"):
        "wrong (c,k,v, v,k,c): gradient [ 0.956  0.689 -0.177], finite differences [ 0.06   "
        "0.689 -0.292]",
    ("numpy.putmask", "auto"):
        "wrong (c,k,v, v,k,c): gradient [ 0.956  0.689 -0.177], finite differences [ 0.06   "
        "0.689 -0.292]",
    ("numpy.rad2deg", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.016  0.926 -0.237  "
        "0.441], finite differences [0. 0. 0. 0.] [np.rad2deg(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.rad2deg", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.016  0.926 -0.237  0.441], finite differences "
        "[0. 0. 0. 0.] [np.rad2deg(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.rad2deg", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.016  0.926 -0.237  "
        "0.441], finite differences [0. 0. 0. 0.] [np.rad2deg(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.radians", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.138 -0.419  0.826 "
        "-0.332], finite differences [0. 0. 0. 0.] [np.radians(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.radians", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.138 -0.419  0.826 -0.332], finite differences "
        "[0. 0. 0. 0.] [np.radians(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.radians", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.138 -0.419  0.826 "
        "-0.332], finite differences [0. 0. 0. 0.] [np.radians(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.reciprocal", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.043  0.687 -0.913 "
        "-0.532], finite differences [0. 0. 0. 0.] [np.reciprocal(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.reciprocal", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.043  0.687 -0.913 -0.532], finite differences "
        "[0. 0. 0. 0.] [np.reciprocal(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.reciprocal", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.043  0.687 -0.913 "
        "-0.532], finite differences [0. 0. 0. 0.] [np.reciprocal(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.remainder", "compile"):
        "crash (k,v,c): TypeError: mod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.remainder", "auto"):
        "crash (k,v,c): TypeError: mod_vjp_x2() takes 4 positional arguments but 5 were given",
    ("numpy.require", "auto"):
        "crash (m, s, v, z): TypeError: require() takes from 1 to 3 positional arguments but 4 "
        "were given",
    ("numpy.rint", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.087  0.725  0.508 -0.95 ], finite differences "
        "[0. 0. 0. 0.] [np.rint(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.rint", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.087  0.725  0.508 -0.95 ], finite differences "
        "[0. 0. 0. 0.] [np.rint(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.rint", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.087  0.725  0.508 -0.95 ], finite differences "
        "[0. 0. 0. 0.] [np.rint(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.round", "compile"):
        "wrong (c,out=v): gradient [ 0.81   0.997 -0.235], finite differences [0. 0. 0.]",
    ("numpy.round", "auto"):
        "wrong (c,out=v): gradient [ 0.81   0.997 -0.235], finite differences [0. 0. 0.]",
    ("numpy.sign", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.511  0.371 -0.175  0.782], finite differences "
        "[0. 0. 0. 0.] [np.sign(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sign", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.511  0.371 -0.175  0.782], finite differences "
        "[0. 0. 0. 0.] [np.sign(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sign", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.511  0.371 -0.175  0.782], finite differences "
        "[0. 0. 0. 0.] [np.sign(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.signbit", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.567 -0.224 -0.922  0.475], finite differences "
        "[0. 0. 0. 0.] [np.signbit(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.signbit", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.567 -0.224 -0.922  0.475], finite differences "
        "[0. 0. 0. 0.] [np.signbit(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.signbit", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.567 -0.224 -0.922  0.475], finite differences "
        "[0. 0. 0. 0.] [np.signbit(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sin", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.804 -0.223  0.959 "
        "-0.627], finite differences [0. 0. 0. 0.] [np.sin(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.sin", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.804 -0.223  0.959 -0.627], finite differences "
        "[0. 0. 0. 0.] [np.sin(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sin", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.804 -0.223  0.959 "
        "-0.627], finite differences [0. 0. 0. 0.] [np.sin(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.sinh", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.689  0.879 -0.017  "
        "0.562], finite differences [0. 0. 0. 0.] [np.sinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.sinh", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.689  0.879 -0.017  0.562], finite differences "
        "[0. 0. 0. 0.] [np.sinh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sinh", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.689  0.879 -0.017  "
        "0.562], finite differences [0. 0. 0. 0.] [np.sinh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.spacing", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.217 -0.254 -0.299  0.234], finite differences "
        "[0. 0. 0. 0.] [np.spacing(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.spacing", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.217 -0.254 -0.299  0.234], finite differences "
        "[0. 0. 0. 0.] [np.spacing(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sqrt", "compile"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.068 -0.366 -0.549], finite"
        " differences [0. 0. 0.] [np.sqrt(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.sqrt", "tape"):
        "wrong (c,out=v, c,v): gradient [-0.068 -0.366 -0.549], finite differences [0. 0. 0.] "
        "[np.sqrt(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.sqrt", "auto"):
        "crash/wrong (c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.068 -0.366 -0.549], finite"
        " differences [0. 0. 0.] [np.sqrt(C, a): a unary ufunc's 2nd positional argument is "
        "out=]",
    ("numpy.square", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.851  0.208 -0.76  "
        "-0.536], finite differences [0. 0. 0. 0.] [np.square(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.square", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.851  0.208 -0.76  -0.536], finite differences "
        "[0. 0. 0. 0.] [np.square(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.square", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.851  0.208 -0.76  "
        "-0.536], finite differences [0. 0. 0. 0.] [np.square(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.stack", "compile"):
        "wrong (c,out=v, v,out=c): gradient [-0.597  0.604  0.14 ], finite differences [0. 0. "
        "0.]",
    ("numpy.stack", "tape"):
        "wrong (v,out=c): gradient [-0.048  0.688  0.306], finite differences [0.166 1.111 "
        "0.816]",
    ("numpy.stack", "auto"):
        "wrong (c,out=v, v,out=c): gradient [-0.597  0.604  0.14 ], finite differences [0. 0. "
        "0.]",
    ("numpy.std", "compile"):
        "crash/wrong (s, v,where=k): gradient [nan], finite differences [0.]",
    ("numpy.std", "tape"):
        "crash/wrong (s, v,where=k): gradient [nan], finite differences [0.]",
    ("numpy.std", "auto"):
        "crash/wrong (s, v,where=k): gradient [nan], finite differences [0.]",
    ("numpy.subtract", "compile"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.271 -0.09   0.479], finite differences"
        " [0. 0. 0.]",
    ("numpy.subtract", "tape"):
        "wrong (c,k,v): gradient [ 0.271 -0.09   0.479], finite differences [0. 0. 0.]",
    ("numpy.subtract", "auto"):
        "crash/wrong (c,k,v, k,v,c, v,k,c): gradient [ 0.271 -0.09   0.479], finite differences"
        " [0. 0. 0.]",
    ("numpy.sum", "compile"):
        "crash (v,where=k): TypeError: sum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.sum", "tape"):
        "crash (v,where=k): TypeError: sum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.sum", "auto"):
        "crash (v,where=k): TypeError: sum_vjp() got an unexpected keyword argument 'where'",
    ("numpy.take", "compile"):
        "crash (s,c): IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
        "(`None`) and integer or boolean arrays are valid indices",
    ("numpy.take", "tape"):
        "crash (s,c): IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
        "(`None`) and integer or boolean arrays are valid indices",
    ("numpy.take", "auto"):
        "crash (s,c): IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
        "(`None`) and integer or boolean arrays are valid indices",
    ("numpy.tan", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.069  0.888  0.987  "
        "0.225], finite differences [0. 0. 0. 0.] [np.tan(C, a): a unary ufunc's 2nd positional"
        " argument is out=]",
    ("numpy.tan", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.069  0.888  0.987  0.225], finite differences "
        "[0. 0. 0. 0.] [np.tan(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.tan", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [-0.069  0.888  0.987  "
        "0.225], finite differences [0. 0. 0. 0.] [np.tan(C, a): a unary ufunc's 2nd positional"
        " argument is out=]",
    ("numpy.tanh", "compile"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.129  0.86  -0.145 "
        "-0.841], finite differences [0. 0. 0. 0.] [np.tanh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.tanh", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [ 0.129  0.86  -0.145 -0.841], finite differences "
        "[0. 0. 0. 0.] [np.tanh(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.tanh", "auto"):
        "crash/wrong (c,m, c,out=v, c,v, m,c, v,c, v,out=c): gradient [ 0.129  0.86  -0.145 "
        "-0.841], finite differences [0. 0. 0. 0.] [np.tanh(C, a): a unary ufunc's 2nd "
        "positional argument is out=]",
    ("numpy.tri", "auto"):
        "crash (c,s, s,c, s): TypeError: tri() takes from 1 to 4 positional arguments but 5 "
        "were given",
    ("numpy.tril", "compile"):
        "wrong (v,1, v, z): gradient [-0.018  1.421 -2.605], finite differences [-0.245 -0.467 "
        "-0.904]",
    ("numpy.tril", "auto"):
        "wrong (v,1, v, z): gradient [-0.018  1.421 -2.605], finite differences [-0.245 -0.467 "
        "-0.904]",
    ("numpy.triu", "compile"):
        "wrong (v,1, v, z): gradient [-2.231  0.694 -3.371], finite differences [-0.744 -0.245 "
        "-1.959]",
    ("numpy.triu", "auto"):
        "wrong (v,1, v, z): gradient [-2.231  0.694 -3.371], finite differences [-0.744 -0.245 "
        "-1.959]",
    ("numpy.true_divide", "compile"):
        "crash (k,v,c): TypeError: divide_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.true_divide", "auto"):
        "crash (k,v,c): TypeError: divide_vjp_x2() takes 4 positional arguments but 5 were "
        "given",
    ("numpy.trunc", "compile"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.303  0.238  0.804  0.219], finite differences "
        "[0. 0. 0. 0.] [np.trunc(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.trunc", "tape"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.303  0.238  0.804  0.219], finite differences "
        "[0. 0. 0. 0.] [np.trunc(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.trunc", "auto"):
        "wrong (c,m, c,out=v, c,v): gradient [-0.303  0.238  0.804  0.219], finite differences "
        "[0. 0. 0. 0.] [np.trunc(C, a): a unary ufunc's 2nd positional argument is out=]",
    ("numpy.unique", "tape"):
        "wrong (s,c, v,1): zero gradient , finite differences [-0.46]",
    ("numpy.unique", "auto"):
        "wrong (s,c, v,1): zero gradient , finite differences [-0.46]",
    ("numpy.unique_all", "tape"):
        "wrong (s, v, z): zero gradient , finite differences [0.147]",
    ("numpy.unique_all", "auto"):
        "wrong (s, v, z): zero gradient , finite differences [0.147]",
    ("numpy.unique_counts", "tape"):
        "wrong (s, v, z): zero gradient , finite differences [-0.804]",
    ("numpy.unique_counts", "auto"):
        "wrong (s, v, z): zero gradient , finite differences [-0.804]",
    ("numpy.unique_inverse", "tape"):
        "wrong (s, v, z): zero gradient , finite differences [0.03]",
    ("numpy.unique_inverse", "auto"):
        "wrong (s, v, z): zero gradient , finite differences [0.03]",
    ("numpy.unstack", "tape"):
        "wrong (m,axis=1, m, v, z): gradient [-0.349  0.019  0.776 -0.909], finite differences "
        "[-0.005  0.686  1.53  -1.278]",
    ("numpy.unstack", "auto"):
        "wrong (m,axis=1, m, v, z): gradient [-0.349  0.019  0.776 -0.909], finite differences "
        "[-0.005  0.686  1.53  -1.278]",
    ("numpy.var", "compile"):
        "crash (v,where=k): TypeError: var_vjp() got an unexpected keyword argument 'where'",
    ("numpy.var", "tape"):
        "crash (v,where=k): TypeError: var_vjp() got an unexpected keyword argument 'where'",
    ("numpy.var", "auto"):
        "crash (v,where=k): TypeError: var_vjp() got an unexpected keyword argument 'where'",
    ("numpy.vecdot", "tape"):
        "wrong (c,k,v): gradient [-0.367 -0.977 -0.125], finite differences [0. 0. 0.]",
    ("numpy.vecdot", "auto"):
        "wrong (c,k,v): gradient [-0.367 -0.977 -0.125], finite differences [0. 0. 0.]",
}


PROBES = {p.qualname: p for p in sweep.callables()}
SUBSET = [n for n in sweep.DEFAULT_SUBSET if n in PROBES]
REST = [n for n in PROBES if n not in set(SUBSET)]


def _results(name):
    res = sweep.RESULTS.get(name)
    if res is None:
        res = sweep.RESULTS[name] = sweep.run_callable(PROBES[name])
    return res


def _bad(name, engines=sweep.ENGINES, unless_known=False):
    return ["%s %s %s: %s" % (kind, pattern, engine, detail)
            for (pattern, engine), (kind, detail) in sorted(_results(name).items())
            if engine in engines and kind in ("wrong", "crash") and
            not (unless_known and (name, engine) in KNOWN)]


def _check(name):
    bad = _bad(name, unless_known=True)
    assert not bad, "%s: a wrong gradient or an internal error not in KNOWN:\n  %s" % (
        name, "\n  ".join(bad))


def test_subset_is_swept():
    """The default subset names real callables (a typo would silently sweep less)."""
    assert set(sweep.DEFAULT_SUBSET) <= set(PROBES)
    assert len(PROBES) > 500


@pytest.mark.parametrize("name", SUBSET)
def test_sweep(name):
    _check(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", REST)
def test_sweep_slow(name):
    _check(name)


def _known_params():
    out = []
    for (name, engine), what in sorted(KNOWN.items()):
        marks = [pytest.mark.xfail(strict=True, reason=what)]
        if name not in SUBSET:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(name, engine, id="%s-%s" % (name, engine), marks=marks))
    return out


@pytest.mark.parametrize("name,engine", _known_params())
def test_known_failure_still_fails(name, engine):
    """Passes (so XPASS: strict, the run fails) once ``(name, engine)`` gives no wrong
    number and no crash: remove its entry from KNOWN."""
    assert name in PROBES, "%s is no longer swept: remove it from KNOWN" % name
    assert not _bad(name, (engine,))


# ------------------------------------------------------------------ the harness itself

def _fixture_module():
    """A module ``_sweep_fixture`` with four primitives registered with srcgrad (the
    wrappers ``defvjp`` returns, so the tape uses the rules too): one with the right
    rule, one with a wrong rule, one declared non-differentiable though it is not, and
    one whose rule raises KeyError."""
    mod = types.ModuleType("_sweep_fixture")

    def good(x):
        return np.sin(x)

    def bad(x):
        return np.sin(x)

    def lying(x):
        return x * 2.0

    def crashing(x):
        return np.cos(x)

    def good_vjp(g, ans, x):
        return g * np.cos(x)

    def bad_vjp(g, ans, x):
        return g * np.sin(x)

    def crashing_vjp(g, ans, x):
        return {}["missing"]

    for fn in (good, bad, lying, crashing):
        fn.__module__ = mod.__name__
    mod.good = srcgrad.defvjp(good, good_vjp)
    mod.bad = srcgrad.defvjp(bad, bad_vjp)
    srcgrad.defnondiff(lying)
    mod.lying = lying
    mod.crashing = srcgrad.defvjp(crashing, crashing_vjp)
    sys.modules[mod.__name__] = mod
    np._sweep_fixture = mod     # the probe module reaches it as np._sweep_fixture.NAME
    return mod


@pytest.fixture(scope="module")
def fixture_module():
    mod = _fixture_module()
    yield mod
    del np._sweep_fixture
    sys.modules.pop(mod.__name__, None)


@pytest.mark.parametrize("name,want", [("good", "right"), ("bad", "wrong"),
                                       ("lying", "wrong"), ("crashing", "crash")])
def test_harness_classifies(fixture_module, name, want):
    """The classifier is not vacuous: a right rule is right, a wrong rule and a false
    non-differentiable declaration are wrong, a rule raising KeyError is a crash.
    (The tape ignores ``defnondiff`` on a Python function and runs its body: right.)"""
    probe = sweep.Probe("fixture." + name, "np._sweep_fixture." + name)
    res = sweep.classify(probe, "v")
    tape = "right" if name == "lying" else want
    assert {e: k for e, (k, _) in res.items()} == {"compile": want, "auto": want,
                                                   "tape": tape}, res


def test_harness_skips_what_numpy_refuses():
    probe = sweep.Probe("numpy.linalg.inv", "np.linalg.inv")
    res = sweep.classify(probe, "v")      # inv of a vector: NumPy raises
    assert all(k == "skip" and "numpy raises" in d for k, d in res.values())


def test_harness_sees_in_place_effects():
    """An in-place method is checked through its effect on its receiver: NumPy's
    ``ndarray.fill`` makes the result independent of ``x`` (finite differences are
    zero); an engine must not answer with the gradient of the receiver's old value."""
    source, x = sweep.make_source(PROBES["ndarray.fill"], "v,1")
    assert "a0.fill(a1)" in source and "np.sum(a0 * WA0)" in source
