"""Forward mode's plumbing: the one place an output tangent is broadcast.

``tangent_like(dt, ans)`` makes a sum of contributions the tangent of
``ans`` (its shape, its dtype: a real output's tangent is real). The JVP
rules (srcgrad/rules/jvp.py) and the generated forward code call it; it is
itself a primitive of the rule table (rules/tangent_rules.py), so generated
JVP code can be differentiated again.
"""

import numpy as np


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
    out = np.asarray(dt, dtype=ans_dtype)
    if out.shape != shape:
        out = np.array(np.broadcast_to(out, shape))
    elif isinstance(ans, np.ndarray) and (out is dt or not out.flags.writeable):
        out = out.copy()
    if not isinstance(ans, np.ndarray):
        return out[()]        # a NumPy scalar for a NumPy scalar
    return out
