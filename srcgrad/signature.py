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
"""

import functools

import numpy as np

__all__ = ["key_function"]

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
