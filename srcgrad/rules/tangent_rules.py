"""Rules for the helper forward-mode code calls, so that generated JVP code
can itself be differentiated (reverse over forward, forward over forward).

``runtime.tangent_like(dt, like)`` broadcasts ``dt`` to ``like``'s shape and
casts it to its dtype: linear in ``dt``; its VJP sums the broadcast axes back
(:func:`srcgrad.runtime.unbroadcast`) and keeps a real ``dt``'s cotangent
real.  ``like`` only gives the shape and dtype: no gradient flows to it.

>>> import numpy as np
>>> float(tangent_like_vjp(np.ones((2, 3)), None, 1.0, np.zeros((2, 3))))
6.0
"""

import numpy as np

from . import defvjp
from .jvp import deflinear
from .. import runtime


def tangent_like_vjp(g, ans, dt, like):
    """``g`` summed back to ``dt``'s shape; zero when ``like`` is an integer
    (its tangent is zeros whatever ``dt``); real for a real ``dt``."""
    if np.result_type(like).kind not in "fc":
        return runtime.zeros_like(dt)
    c = runtime.unbroadcast(g, dt)
    return c if runtime.is_complex(dt) else runtime.real_cotangent(c)


defvjp(runtime.tangent_like, tangent_like_vjp, None)
deflinear(runtime.tangent_like, 0)
