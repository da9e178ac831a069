"""Forward mode's plumbing: the one place an output tangent is broadcast.

``tangent_like(dt, ans)`` makes a sum of contributions the tangent of
``ans`` (its shape, its dtype: a real output's tangent is real). The JVP
rules (srcgrad/rules/jvp.py) and the generated forward code call it; it is
itself a primitive of the rule table (rules/tangent_rules.py), so generated
JVP code can be differentiated again.  ``tangents_like`` does the same per
item of a tuple, list or dict output; ``tangent_code`` wraps tangent
statements inside a ``try`` body with ``except`` clauses so that a failure
computing a tangent is never handled by the user's handlers.
"""

import numpy as np

from .duck import is_duck, known_lengths
from .trees import zeros_like


def tangent_like(dt, ans):
    """The tangent ``dt`` (a sum of contributions that broadcasts to ``ans``)
    made the tangent of ``ans``: broadcast to its shape, cast to its dtype (a
    real output's tangent is real: its imaginary part is dropped); a Python
    number for a Python number, a fresh writable array for an array.  An
    integer or boolean ``ans`` gets float zeros (it does not move).

    >>> tangent_like(2.0, np.zeros((2, 1))).tolist()
    [[2.0], [2.0]]
    >>> tangent_like(1 + 2j, 3.0), tangent_like(1.0, 3j)
    (1.0, (1+0j))
    >>> tangent_like(np.ones(2, dtype=complex), np.zeros(2, dtype=np.float32)).dtype
    dtype('float32')
    """
    ta = type(ans)
    if ta is float or ta is int:
        return float(np.real(dt)) if ta is float else 0.0
    if ta is complex:
        return complex(dt)
    ans_dtype = getattr(ans, "dtype", None)
    shape = np.shape(ans)
    if ans_dtype is None:
        ans_dtype = np.asarray(ans).dtype
    kind = np.dtype(ans_dtype).kind
    if kind not in "fc":
        return np.zeros(shape) if shape or isinstance(ans, np.ndarray) else 0.0
    if kind == "f":
        dt = np.real(dt)
    if is_duck(dt) or is_duck(ans):   # a Dask tangent stays lazy (np.asarray would compute it)
        if np.shape(dt) != shape:
            dt = np.broadcast_to(dt, known_lengths(shape))
        return dt.astype(ans_dtype) if np.result_type(dt) != ans_dtype else dt
    out = np.asarray(dt, dtype=ans_dtype)
    if out.shape != shape:
        out = np.array(np.broadcast_to(out, shape))
    elif isinstance(ans, np.ndarray) and (out is dt or not out.flags.writeable):
        out = out.copy()
    if not isinstance(ans, np.ndarray):
        return out[()]        # a NumPy scalar for a NumPy scalar
    return out


def tangents_like(dt, ans):
    """The tangent of a primitive's tuple (or list) output: per output,
    :func:`tangent_like` of its tangent, zeros where the rule gave ``None``
    (an integer output, or one that does not move), so every output the code
    unpacks holds a tangent.

    >>> tangents_like((None, np.ones(2)), (1, np.zeros(2)))
    (0.0, array([1., 1.]))
    """
    if isinstance(ans, (tuple, list)):
        parts = [tangents_like(None if dt is None else d, a) for d, a in zip(
            (None,) * len(ans) if dt is None else dt, ans)]
        if hasattr(ans, "_fields"):
            return type(ans)(*parts)
        return parts if isinstance(ans, list) else tuple(parts)
    if isinstance(ans, dict):
        return {k: tangents_like(None if dt is None else dt[k], v) for k, v in ans.items()}
    if isinstance(ans, (np.ndarray, np.generic, float, int, complex)):
        return tangent_like(0.0 if dt is None else dt, ans)
    return zeros_like(ans) if dt is None else dt   # a dict view, an object: as it is


class TangentError(BaseException):
    """An exception raised while computing a tangent inside a ``try`` body with
    ``except`` clauses, re-raised as a ``BaseException`` so that the user's
    handlers, which are there for the function's own exceptions, do not catch
    it (it would send the JVP down a path the function did not take)."""


class _TangentCode:
    """``with _rt.tangent_code:`` around tangent statements (see TangentError)."""

    def __enter__(self):
        return self

    def __exit__(self, tp, value, tb):
        if tp is not None and issubclass(tp, Exception):
            raise TangentError("srcgrad: computing a tangent failed inside a try statement "
                               "(%s: %s); forward mode does not hand that to the function's "
                               "except clauses" % (tp.__name__, value)) from value
        return False


tangent_code = _TangentCode()


def constant(x):
    """``x``, as a constant: what the forward transform writes around a value
    the user computed under ``no_grad`` (or ``inference_mode``), so that code
    differentiating the generated JVP again (srcgrad/higher.py) sees no
    dependence there either -- second derivatives keep the grad-mode
    semantics of first ones.  Declared non-differentiable in the rule table.

    >>> constant(2.5)
    2.5
    """
    return x
