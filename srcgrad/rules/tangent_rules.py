"""Rules for the runtime helpers generated code calls, so that generated JVP
code can itself be differentiated (reverse over forward: srcgrad/higher.py).

``runtime.zeros_like`` (a materialised zero tangent) has no gradient;
``runtime.conj`` is ``np.conj``; ``runtime.add`` (per-item addition of
containers) and ``runtime.tangents_like`` (``tangent_like`` per item of a
tuple, list or dict output) are linear.

``runtime.tangent_like(dt, like)`` broadcasts ``dt`` to ``like``'s shape and
casts it to its dtype: linear in ``dt``; its VJP sums the broadcast axes back
(:func:`srcgrad.runtime.unbroadcast`) and keeps a real ``dt``'s cotangent
real.  ``like`` only gives the shape and dtype: no gradient flows to it.

``field_tangent(t, obj, name)`` (compiler/transforms/forward_dynamic.py, the
tangent of ``obj.name``) reads the field of the tangent ``t``: linear in
``t``; ``obj`` gives only which fields hold numbers, except through a
``@property``, whose tangent is the getter's JVP -- its gradient with respect
to ``obj`` is refused (see :func:`field_tangent_vjp_obj`).

>>> import numpy as np
>>> float(tangent_like_vjp(np.ones((2, 3)), None, 1.0, np.zeros((2, 3))))
6.0
"""

import inspect

import numpy as np

from . import defnondiff, defvjp
from .jvp import deflinear
from .ufuncs import conjugate_vjp, real_vjp
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


def _items(g, like):
    """``g`` as a list parallel to the items of the container ``like``."""
    if isinstance(like, dict):
        return [None if g is None else g.get(k) for k in like]
    return [None] * len(like) if g is None else list(g)


def tangents_like_vjp(g, ans, dt, like):
    """Per item of the container ``like``: :func:`tangent_like_vjp`, ``None``
    where the tangent was ``None`` (an integer output: no gradient)."""
    if dt is None:
        return None
    if isinstance(like, (tuple, list, dict)):
        keys = list(like) if isinstance(like, dict) else range(len(like))
        parts = [tangents_like_vjp(gi, None, dt[k], like[k])
                 for gi, k in zip(_items(g, like), keys)]
        if isinstance(like, dict):
            return dict(zip(keys, parts))
        return type(dt)(parts) if isinstance(dt, list) else tuple(parts)
    if isinstance(like, (np.ndarray, np.generic, float, int, complex)):
        return tangent_like_vjp(g, None, dt, like)
    return g


def add_vjp_a(g, ans, a, b):
    """``runtime.add`` is the sum, per item: its cotangent passes through."""
    return g


def add_vjp_b(g, ans, a, b):
    return g


defnondiff(runtime.zeros_like)
defnondiff(runtime.constant)   # a value computed under no_grad (forward.py)
defvjp(runtime.conj, conjugate_vjp)
deflinear(runtime.conj, 0)
defvjp(runtime.real_cotangent, real_vjp)   # np.real of a complex value, else itself
deflinear(runtime.real_cotangent, 0)
defvjp(runtime.tangents_like, tangents_like_vjp, None)
deflinear(runtime.tangents_like, 0)
defvjp(runtime.add, add_vjp_a, add_vjp_b)
deflinear(runtime.add, 0, 1, jointly=True)


def field_tangent_vjp_t(g, ans, t, obj, name):
    """The cotangent of the tangent ``t``: ``g`` in its field ``name``, zeros
    elsewhere (zeros entirely when the field holds no numbers: its tangent
    was a zero, not read from ``t``)."""
    if not runtime._holds_gradient(getattr(obj, name)):
        return runtime.zeros_like(t)
    return runtime.field_cotangent(g, t, name)


def field_tangent_vjp_obj(g, ans, t, obj, name):
    """Zero for a stored field (its tangent is read off ``t``; ``obj`` only
    says the field holds numbers); a ``@property``'s tangent is the getter's
    JVP, a function of ``obj`` whose gradient is not generated: refused."""
    if isinstance(inspect.getattr_static(type(obj), name, None), property):
        raise NotImplementedError(
            "srcgrad: the second derivative through the @property %s.%s is not generated; "
            "use mode=\"auto\" (it runs on the tape)" % (type(obj).__name__, name))
    return runtime.zeros_like(obj)


def register_field_tangent(fn):
    """Give ``fn`` (forward_dynamic.field_tangent, which lives with the
    compiler: it compiles a property's JVP) its rules."""
    defvjp(fn, field_tangent_vjp_t, field_tangent_vjp_obj, None)
    deflinear(fn, 0)
