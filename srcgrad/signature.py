"""The specialisation key of a cached call (``GradFunction.__call__``, issue 13).

A call of ``grad(f)`` whose arguments have the signature of an earlier call
(each argument's exact type; each plain ndarray's shape; each differentiated
ndarray's dtype) reuses what that call checked and compiled.  The key of a
call is built by a *key function* generated once per type signature:
straight-line code, one ``type(x) is T`` test per argument, then the tuple of
the shapes and dtypes that signature reads -- no per-argument Python loop, no
``map``, no hashing on the path that finds the last signature again (a tuple
compare does).

:func:`key_function` is the one place that decides what the key holds (add a
field here, not at the call site).  Its result ``key_of(*args)`` is ``None``
when an argument's type differs from the signature's, and raises
``TypeError`` when the number of arguments differs (the call binds them).

>>> import numpy as np
>>> key_of = key_function((np.ndarray, float, np.ndarray), wrt=(0,))
>>> x, y = np.ones(3), np.ones((2, 2), dtype=np.float32)
>>> key_of(x, 1.5, y) == ((3,), (2, 2), np.dtype(np.float64))
True
>>> key_of(1.5, 1.5, y) is None      # a float where the signature has an array
True
>>> key_of(x, y)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
TypeError: ...key() missing 1 required positional argument: 'x2'

:func:`fast_call` goes one step further for the common case, a
``grad``/``value_and_grad`` of one real float or ndarray whose fused code
hands back the gradient itself: one generated function per remembered
signature tests the same fields (no key tuple built: each shape compared where
it is read), calls the fused code and checks its result, in one frame.

>>> def fused(x, s):                # what lower/fused.py generates: f_grad
...     return (2.0 * x * s,)
>>> fast = fast_call((np.ndarray, float), (0,), (x, 1.5), fused, False, 0,
...                  give=None, handover=None, state=None)
>>> fast((x, 1.5))
array([3., 3., 3.])
>>> fast((np.ones(4), 1.5)) is MISS, fast((x,)) is MISS, fast((x, 2)) is MISS
(True, True, True)
"""

import functools

import numpy as np

__all__ = ["key_function", "fast_call", "MISS"]

_ARRAY = np.ndarray


def key_function(types, wrt):
    """``key_of(*args)``: the key of a call whose arguments have exactly the
    types ``types`` (else ``None``): the shape of every argument of type
    ``np.ndarray``, then the dtype of those at positions ``wrt`` (whose dtype
    decides the call's checks: floating, complex).  Reads nothing of
    arguments of other types (their type is their whole signature)."""
    arrays = tuple(i for i, t in enumerate(types) if t is _ARRAY)
    dtypes = tuple(i for i in sorted(set(wrt)) if i < len(types) and types[i] is _ARRAY)
    return _maker(len(types), arrays, dtypes)(*types)


@functools.lru_cache(maxsize=256)
def _maker(n, arrays, dtypes):
    """The compiled maker of key functions for ``n`` arguments, reading the
    shapes at ``arrays`` and the dtypes at ``dtypes`` (one per layout: the
    types themselves are the maker's arguments, bound as closure cells)."""
    params = ["x%d" % i for i in range(n)]
    types = ["t%d" % i for i in range(n)]
    test = " and ".join("type(%s) is %s" % (p, t) for p, t in zip(params, types)) or "True"
    fields = ["x%d.shape" % i for i in arrays] + ["x%d.dtype" % i for i in dtypes]
    result = "(%s,)" % ", ".join(fields) if fields else "()"
    source = "\n".join([
        "def make(%s):" % ", ".join(types),
        "    def key(%s):" % ", ".join(params),
        "        if %s:" % test,
        "            return %s" % result,
        "        return None",
        "    return key",
    ])
    namespace = {"__builtins__": {"type": type}}
    exec(compile(source, "<srcgrad signature key>", "exec"), namespace)
    return namespace["make"]


class _Miss:
    """What a fast call returns when the arguments are not of its signature."""

    def __repr__(self):
        return "MISS"


MISS = _Miss()


class _Off:
    on = False


def fast_call(types, wrt, args, fused, with_value, at, give, handover, state):
    """``fast(args)``: the result of a cached call of ``grad``/``value_and_grad``
    (``with_value``) of the single argument at ``at``, for arguments with the
    signature of ``args`` -- the types ``types``, and :func:`key_function`'s
    fields: the shape of each ``np.ndarray``, the dtype of those at ``wrt`` --
    else :data:`MISS`.  Also :data:`MISS` when ``state.on``
    (runtime.complex_inputs's thread-local state: the general path sets it).

    It calls ``fused(*args)`` (``-> grads`` or ``(value, grads)``) and hands
    back ``grads[0]`` when it is a fresh array of the argument's shape and
    dtype or a float for a float, else ``give(grads[0], args[at])``.  An
    exception of ``fused`` of the types ``handover.errors`` goes to
    ``handover(err, args)``, whose result is the call's."""
    arrays = tuple(i for i, t in enumerate(types) if t is _ARRAY)
    dtypes = tuple(i for i in sorted(set(wrt)) if i < len(types) and types[i] is _ARRAY)
    result = "array" if types[at] is _ARRAY else "float"
    make = _fast_maker(len(types), arrays, dtypes, bool(with_value), at, result)
    return make(*types, *(args[i].shape for i in arrays), *(args[i].dtype for i in dtypes),
                fused, give, handover, getattr(handover, "errors", ()),
                _Off() if state is None else state, MISS)


@functools.lru_cache(maxsize=256)
def _fast_maker(n, arrays, dtypes, with_value, at, result):
    """The compiled maker of fast calls of one layout (see :func:`fast_call`);
    the types, shapes, dtypes and callables are the maker's arguments."""
    params = ["x%d" % i for i in range(n)]
    cells = ["t%d" % i for i in range(n)] + ["s%d" % i for i in arrays] + \
        ["d%d" % i for i in dtypes] + ["fused", "give", "handover", "errors", "state", "miss"]
    tests = ["type(%s) is t%d" % (p, i) for i, p in enumerate(params)] + \
        ["x%d.shape == s%d" % (i, i) for i in arrays] + \
        ["x%d.dtype is d%d" % (i, i) for i in dtypes] + ["not state.on"]
    if result == "array":
        fresh = "type(r) is t%d and r.base is None and r.dtype is d%d and " \
            "r.shape == s%d" % (at, at, at)
    else:
        fresh = "type(r) is t%d" % at
    value = "ans, " if with_value else ""
    body = [
        "def make(%s):" % ", ".join(cells),
        "    def fast(args):",
        "        if len(args) == %d:" % n,
    ]
    if n:
        body.append("            %s, = args" % ", ".join(params))
    body += [
        "            if %s:" % " and ".join(tests),
        "                try:",
        "                    out = fused(%s)" % ", ".join(params),
        "                except errors as err:",
        "                    return handover(err, args)",
    ]
    if with_value:
        body.append("                ans, out = out")
    body += [
        "                r = out[0]",
        "                if %s:" % fresh,
        "                    return %sr" % value,
        "                return %sgive(r, x%d)" % (value, at),
        "        return miss",
        "    return fast",
    ]
    namespace = {"__builtins__": {"type": type, "len": len}}
    exec(compile("\n".join(body), "<srcgrad fast call>", "exec"), namespace)
    return namespace["make"]
