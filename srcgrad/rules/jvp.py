"""Forward mode: the Jacobian-vector products of the rule table.

Each primitive's JVP for argument ``i`` has the signature
``jvp(t, ans, *args, **params)``: ``t`` is the tangent of argument ``i`` (its
shape), ``args``/``params`` are the call's own arguments, ``ans`` its result.
It returns argument ``i``'s contribution to the output's tangent, at a shape
that *broadcasts* to ``ans``'s; the engine sums the contributions of all
arguments and broadcasts once with :func:`srcgrad.runtime.tangent_like`.
Primitives returning a tuple get a tuple of output tangents (``None`` for an
output that carries none, such as an integer one).

There is one source of truth, the VJP table; a JVP comes from one of five
*origins*, recorded as data so docs and tests can show it:

``linear``
    the primitive is linear in argument ``i`` once the others are fixed
    (``reshape``, ``sum``, ``dot``, ``np.multiply``'s ``x1`` ...), declared with
    :func:`deflinear`: ``jvp_i = fn(*args with args[i] := t)``.  The compiler
    emits that call itself (:func:`is_linear`).
``elementwise``
    the Jacobian is diagonal (a ufunc), declared with :func:`defelementwise`:
    on real values ``jvp_i(t) = vjp_i(t)`` exactly (the VJP body is
    ``g * f'(x)``).  On complex values the real 2x2 block of each entry is read
    from two VJP calls (``u = 1`` and ``u = i``), exact for holomorphic and
    non-holomorphic functions alike (docs/semantics.md, "Complex numbers").
``explicit``
    a rule registered with :func:`defjvp` (``d inv = -inv dA inv``...).
``transposition``
    the VJP is linear in its cotangent, so ``(J v)_k = <J^T e_k, v>``: one VJP
    call per output entry (two for a complex entry).  Exact, but it costs
    O(output size); used only for primitives that ship with srcgrad and only
    up to :data:`TRANSPOSE_LIMIT` VJP calls, above which it is refused.
``refused``
    no JVP (:func:`jvp_of` raises :class:`NoRuleError` naming the primitive
    and what to do); a user's primitive registered with ``defvjp`` alone is
    refused unless it is declared linear or elementwise.

>>> import numpy as np
>>> from srcgrad.rules import lookup
>>> prim = lookup(np.sin)
>>> origin(prim, 0)
'elementwise'
>>> float(prim.tangent({0: 2.0}, np.sin(0.0), (0.0,)))
2.0
>>> origin(lookup(np.dot), 1), is_linear(lookup(np.dot), 1)
('linear', True)
"""

import threading

import numpy as np

from . import NoRuleError, NO_RULE, refuses, _TABLE
from .. import runtime

__all__ = ["defjvp", "deflinear", "defelementwise", "defjvp_refused", "jvp_of", "is_linear",
           "origin", "derive", "tangent", "ORIGINS", "TRANSPOSE_LIMIT", "elementwise_rule",
           "linear_zeroed", "jointly_linear", "DERIVED", "transposition"]

ORIGINS = ("linear", "elementwise", "explicit", "transposition", "refused")

#: The most VJP calls one JVP by transposition may make (one per real output
#: entry, two per complex entry); past it the JVP is refused.
TRANSPOSE_LIMIT = 4096

_LOCK = threading.Lock()
_EXPLICIT = {}     # id(fn) -> tuple of JVP rules (None / NO_RULE allowed)
_LINEAR = {}       # id(fn) -> (frozenset of positions, keywords set to 0 in the JVP)
_ELEMENTWISE = {}  # id(fn) -> frozenset of positions, or ALL
_REFUSED = {}      # id(fn) -> {position or None: reason}
ALL = range(10 ** 6)   # "every position" in _ELEMENTWISE
_KEEP = {}

#: In a :func:`defjvp` tuple: "no explicit rule here, derive it from the table".
DERIVED = object()


def _key(fn):
    """The callable a declaration is keyed by: the primitive's own function
    (``defvjp`` returns a tape wrapper for a user's Python function)."""
    prim = _TABLE.get(id(fn))
    return prim.fn if prim is not None else fn


def _forget(fn):
    """Drop ``fn``'s cached JVPs (a declaration changed)."""
    prim = _TABLE.get(id(fn))
    if prim is not None:
        prim._jvps = None
    for p in _TABLE.values():        # a Python function's tape wrapper shares the row
        if p.fn is fn:
            p._jvps = None


def forget(fn):
    """Drop every forward-mode declaration of ``fn`` (``defvjp`` calls this
    when it registers a new VJP row: its JVPs must be declared again, or
    forward mode refuses ``fn``)."""
    with _LOCK:
        for table in (_EXPLICIT, _LINEAR, _ELEMENTWISE, _REFUSED):
            table.pop(id(fn), None)


def defjvp(fn, *jvps):
    """Register Jacobian-vector rules for ``fn`` (already registered with
    ``defvjp``), one per positional argument, ``None`` where no tangent
    flows.  Each rule is ``jvp(t, ans, *args, **params)`` and returns the
    argument's contribution to the output's tangent, at a shape broadcasting
    to ``ans``'s (``t * 3 * x ** 2``).  Returns ``fn``.

    >>> import numpy as np, srcgrad
    >>> def cube(x):
    ...     return x ** 3
    >>> def cube_vjp(g, ans, x):
    ...     return g * 3 * x ** 2
    >>> def cube_jvp(t, ans, x):
    ...     return t * 3 * x ** 2
    >>> cube = srcgrad.defvjp(cube, cube_vjp)
    >>> _ = defjvp(cube, cube_jvp)
    >>> from srcgrad.rules import lookup
    >>> float(lookup(cube).tangent({0: 1.0}, 8.0, (2.0,)))
    12.0
    """
    if not callable(fn):
        raise TypeError("defjvp expects a callable as its first argument, got %r" % (fn,))
    for r in jvps:
        if r is not None and r is not DERIVED and not callable(r):
            raise TypeError("defjvp: each rule must be a function or None, got %r" % (r,))
    key = _key(fn)
    with _LOCK:
        _EXPLICIT[id(key)] = tuple(jvps)
        _KEEP[id(key)] = key
        _KEEP[id(fn)] = fn
        _forget(fn)
    return fn


def deflinear(fn, *positions, zero=(), jointly=False):
    """Declare ``fn`` linear in each argument at ``positions`` when the others
    are fixed (multilinear: ``np.dot`` in ``a`` and in ``b``), so its JVP there
    is ``fn`` itself applied to the tangent.  ``zero``: keyword arguments that
    make ``fn`` affine rather than linear (``np.sum``'s ``initial``), set to 0
    in the JVP call.  ``jointly=True``: ``fn`` is linear in the arguments at
    ``positions`` *together* (``np.append(arr, values)``, ``np.linspace(start,
    stop)``): the JVP of one of them sets the others to zeros."""
    fn = _key(fn)
    with _LOCK:
        _LINEAR[id(fn)] = (frozenset(positions), tuple(zero), bool(jointly))
        _KEEP[id(fn)] = fn
        _forget(fn)
    return fn


def defelementwise(*fns, positions=None):
    """Declare each of ``fns`` elementwise (a diagonal Jacobian: output entry
    ``k`` moves only with entry ``k`` of each argument, after broadcasting)
    in its arguments at ``positions`` (all by default)."""
    with _LOCK:
        for fn in map(_key, fns):
            _ELEMENTWISE[id(fn)] = ALL if positions is None else frozenset(positions)
            _KEEP[id(fn)] = fn
            _forget(fn)


def defjvp_refused(fn, reason, positions=None):
    """Declare that ``fn`` has no JVP at ``positions`` (all by default):
    :func:`jvp_of` raises :class:`NoRuleError` with ``reason``."""
    fn = _key(fn)
    with _LOCK:
        entry = _REFUSED.setdefault(id(fn), {})
        for p in (None,) if positions is None else positions:
            entry[p] = reason
        _KEEP[id(fn)] = fn
        _forget(fn)


# ------------------------------------------------------------ derivations


class DerivedJVP:
    """A JVP derived from the table (linear, elementwise or by transposition):
    callable with the JVP signature; ``origin`` says how it was derived.  The
    compiler does not inline it: it emits ``fn(..t..)`` for a linear argument
    and the VJP rule's body for an elementwise one (:func:`elementwise_rule`)."""

    __slots__ = ("prim", "position", "origin", "__name__")

    def __init__(self, prim, position, origin):
        self.prim, self.position, self.origin = prim, position, origin
        self.__name__ = "%s_jvp_%d_by_%s" % (prim.name.replace(".", "_"), position, origin)

    def __call__(self, t, ans, *args, **params):
        if self.origin == "linear":
            return linear_jvp(self.prim, self.position, t, ans, args, params)
        if self.origin == "elementwise":
            return elementwise_jvp(self.prim, self.position, t, ans, args, params)
        return transposed_jvp(self.prim, self.position, t, ans, args, params)

    def __repr__(self):
        return "<%s jvp of %s arg %d>" % (self.origin, self.prim.name, self.position)


def transposition(fn, position):
    """The JVP of ``fn``'s argument ``position`` by transposition, as a
    :class:`DerivedJVP` an explicit rule calls for the cases its formula does
    not cover (``qr`` of a wide matrix): generated JVP code calling it can be
    differentiated again (compiler/transforms/forward_transposed.py), where
    a call of :func:`transposed_jvp` could not.

    >>> import numpy as np
    >>> transposition(np.linalg.qr, 0)
    <transposition jvp of linalg.qr arg 0>
    """
    from . import lookup
    return DerivedJVP(lookup(fn), position, "transposition")


class RefusedJVP:
    """The JVP entry of a position that has a VJP but no JVP: raises."""

    __slots__ = ("message", "__name__")
    origin = "refused"

    def __init__(self, message):
        self.message = message
        self.__name__ = "refused_jvp"

    def __call__(self, *args, **kwargs):
        raise NoRuleError(self.message)


def _library(prim):
    """Whether ``prim``'s VJP rules ship with srcgrad (transposition is
    allowed for those only: a user's rule is never assumed linear in ``g``)."""
    return any(r is not None and r is not NO_RULE and
               (getattr(r, "__module__", None) or "").startswith("srcgrad.")
               for r in prim.vjps)


def _explicit_for(prim):
    rules = _EXPLICIT.get(id(prim.fn))
    if rules is None:
        from . import jvp_scipy   # SciPy's explicit rules, keyed by name
        rules = jvp_scipy.explicit(prim)
    return rules


def _declared(prim, table):
    entry = table.get(id(prim.fn))
    if entry is None and prim.name.startswith("scipy."):
        from . import jvp_scipy
        entry = jvp_scipy.declared(prim, table is _LINEAR)
    return entry


def _refusal(prim, i, why=None):
    return ("srcgrad has no forward-mode (JVP) rule for argument %d of %s%s. Register one "
            "with srcgrad.defjvp(%s, jvp_rule, ...) where jvp_rule(t, ans, *args) returns the "
            "argument's contribution to the output's tangent, or use reverse mode (grad, "
            "vjp, jacrev)." % (i, prim.name, " (%s)" % why if why else "", prim.name))


def derive(prim):
    """The tuple of JVP rules parallel to ``prim.vjps``: each ``None`` (no
    tangent flows), a callable, or a :class:`RefusedJVP`."""
    explicit = _explicit_for(prim) or ()
    linear = _declared(prim, _LINEAR)
    elementwise = _declared(prim, _ELEMENTWISE)
    refused = _REFUSED.get(id(prim.fn), {})
    library = _library(prim)
    out = []
    for i, vjp in enumerate(prim.vjps):
        if vjp is None:
            out.append(None)
        elif refuses(vjp) or vjp.__name__.endswith("_refused"):
            out.append(RefusedJVP(_refusal(prim, i, "its reverse-mode rule refuses it too")))
        elif i < len(explicit) and explicit[i] is None:   # never a silent zero tangent
            out.append(RefusedJVP(_refusal(prim, i, "its JVP was registered as None, but a "
                                                    "gradient flows through it")))
        elif i < len(explicit) and explicit[i] is not DERIVED:
            out.append(explicit[i])
        elif i in refused or None in refused:
            out.append(RefusedJVP(_refusal(prim, i, refused.get(i, refused.get(None)))))
        elif linear is not None and i in linear[0]:
            out.append(DerivedJVP(prim, i, "linear"))
        elif elementwise is not None and i in elementwise:
            out.append(DerivedJVP(prim, i, "elementwise"))
        elif library:
            out.append(DerivedJVP(prim, i, "transposition"))
        else:
            out.append(RefusedJVP(_refusal(prim, i, "a user's rule registered with "
                                                    "srcgrad.defvjp only")))
    return tuple(out)


def jvp_of(prim, i):
    """The JVP rule of ``prim`` for argument ``i``: ``None`` when no tangent
    flows there, else a callable; raises :class:`NoRuleError` (naming the
    primitive and what to do) when there is none."""
    rules = prim.jvps
    if not rules:
        raise NoRuleError(_refusal(prim, i))
    rule = rules[min(i, len(rules) - 1)]
    if isinstance(rule, RefusedJVP):
        raise NoRuleError(rule.message)
    return rule


def origin(prim, i):
    """How the JVP of argument ``i`` is obtained: one of :data:`ORIGINS`, or
    ``None`` where no tangent flows."""
    rules = prim.jvps
    rule = rules[min(i, len(rules) - 1)] if rules else None
    if rule is None:
        return None
    return getattr(rule, "origin", "explicit") if isinstance(rule, (DerivedJVP, RefusedJVP)) \
        else "explicit"


def is_linear(prim, i):
    """Whether ``prim`` is declared (multi)linear in argument ``i``: its JVP
    there is ``prim.fn`` applied with ``t`` in place of the argument, the
    other arguments as they are, and the keywords :func:`linear_zeroed` names
    set to 0.  False for a *jointly* linear primitive (see
    :func:`jointly_linear`), whose JVP zeroes the other arguments too."""
    return origin(prim, i) == "linear" and not jointly_linear(prim)


def linear_zeroed(prim):
    """The keywords a linear JVP call sets to 0 (``initial`` of ``np.sum``)."""
    entry = _declared(prim, _LINEAR)
    return entry[1] if entry else ()


def jointly_linear(prim):
    """The positions of a jointly linear primitive (zeroed in each other's
    JVP), or an empty set."""
    entry = _declared(prim, _LINEAR)
    return entry[0] if entry and entry[2] else frozenset()


def elementwise_rule(prim, i):
    """For an elementwise argument: the VJP rule whose body, with ``g := t``,
    is the JVP on real values (``None`` for other origins)."""
    return prim.vjps[i] if origin(prim, i) == "elementwise" else None


# ------------------------------------------------- the generic derivations


def _substituted(prim, i, t, args, params):
    args, params = list(args), dict(params)
    if i < len(args):
        args[i] = t
    else:
        params[prim.argnames[i]] = t
    return args, params


def _discrete_value(x):
    if isinstance(x, (bool, np.bool_, str)) or x is None:
        return True
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return np.dtype(dtype).kind in "biu"
    return isinstance(x, (int, np.integer))


def linear_jvp(prim, i, t, ans, args, params):
    """``fn(*args with args[i] := t)``; 0 for an integer/boolean output."""
    for j in jointly_linear(prim):
        if j != i and j in prim.bind(args, params):
            args, params = _substituted(prim, j, _zeros(prim.bind(args, params)[j]),
                                        args, params)
    args, params = _substituted(prim, i, t, args, params)
    for k in linear_zeroed(prim):
        if k in params and params[k] is not None:
            params[k] = np.zeros(np.shape(params[k]))
    if _discrete_value(ans):
        return None
    return prim.fn(*args, **params)


def _is_cplx(x):
    if isinstance(x, (list, tuple)):
        return any(_is_cplx(v) for v in x)
    return runtime.is_complex(x)


def elementwise_jvp(prim, i, t, ans, args, params):
    """``vjp_i(t)`` on real values; on complex ones, each entry's real 2x2
    block from ``vjp_i(1)`` and ``vjp_i(i)``: ``Re(conj(c1) t) + i Re(conj(c2) t)``."""
    vjp = prim.vjps[i]
    if not (_is_cplx(t) or _is_cplx(ans) or any(_is_cplx(a) for a in args)):
        return vjp(t, ans, *args, **params)
    one = np.ones(np.shape(ans))
    c1 = vjp(one, ans, *args, **params)
    re = np.real(np.conj(c1) * t)
    if not runtime.is_complex(ans):
        return re
    c2 = vjp(1j * one, ans, *args, **params)
    return re + 1j * np.real(np.conj(c2) * t)


# transposition over nested outputs (tuples, namedtuples, lists, dicts)

def _leaves(x, path=()):
    if isinstance(x, dict):
        for k in x:
            yield from _leaves(x[k], path + (k,))
    elif isinstance(x, (list, tuple)):
        for k, v in enumerate(x):
            yield from _leaves(v, path + (k,))
    else:
        yield path, x


def _zeros(x):
    """A zero cotangent shaped like ``x`` (same containers; float leaves)."""
    if isinstance(x, dict):
        return {k: _zeros(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [_zeros(v) for v in x]
        if hasattr(x, "_fields"):
            return type(x)(*items)
        return items if isinstance(x, list) else tuple(items)
    if isinstance(x, (float, int, complex, bool, np.number, np.bool_)) and np.ndim(x) == 0 and \
            not isinstance(x, np.ndarray):
        return 0j if isinstance(x, (complex, np.complexfloating)) else 0.0
    x = np.asarray(x)
    return np.zeros(x.shape, dtype=complex if x.dtype.kind == "c" else float)


def _set(tree, path, value):
    """``tree`` with the leaf at ``path`` replaced (containers rebuilt)."""
    if not path:
        return value
    k = path[0]
    if isinstance(tree, dict):
        out = dict(tree)
        out[k] = _set(tree[k], path[1:], value)
        return out
    items = list(tree)
    items[k] = _set(tree[k], path[1:], value)
    if hasattr(tree, "_fields"):
        return type(tree)(*items)
    return items if isinstance(tree, list) else tuple(items)


def _inner(a, b):
    """``Re <a, b>`` over matching structures; ``None`` counts as 0."""
    if a is None or b is None:
        return 0.0
    if isinstance(a, dict):
        return sum(_inner(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and not isinstance(b, np.ndarray):
        return sum(_inner(x, y) for x, y in zip(a, b))
    return float(np.real(np.sum(np.conj(np.asarray(a)) * np.asarray(b))))


def transposed_jvp(prim, i, t, ans, args, params):
    """``(J t)_k = <J^T e_k, t>``: one VJP call per real output entry (two per
    complex entry).  Refused past :data:`TRANSPOSE_LIMIT` calls."""
    leaves = [(p, x) for p, x in _leaves(ans)]
    calls = sum(0 if _discrete_value(x) else np.size(x) * (2 if runtime.is_complex(x) else 1)
                for _, x in leaves)
    if calls > TRANSPOSE_LIMIT:
        raise NoRuleError(
            "the forward-mode (JVP) rule of %s argument %d is derived by transposing its "
            "reverse-mode rule, one call per output entry, and this output has %d entries "
            "(the limit is %d). Register an explicit rule with srcgrad.defjvp, or use "
            "reverse mode (grad, vjp, jacrev)." % (prim.name, i, calls, TRANSPOSE_LIMIT))
    zero = _zeros(ans)
    out = zero
    for path, x in leaves:
        if _discrete_value(x):
            out = _set(out, path, None)
            continue
        cplx = runtime.is_complex(x)
        shape = np.shape(x)
        res = np.zeros(shape, dtype=complex if cplx else float)
        flat = res.reshape(-1)
        for k in range(flat.size):
            for unit in ((1.0, 1j) if cplx else (1.0,)):
                e = np.zeros(shape, dtype=complex if cplx else float)
                e.reshape(-1)[k] = unit
                leaf = e if isinstance(x, np.ndarray) or shape else \
                    (complex(unit) if cplx else float(unit))
                u = _set(zero, path, leaf)
                ct = prim.cotangents(u, ans, tuple(args), [i], params)[0]
                flat[k] += unit * _inner(ct, t)
        value = res if isinstance(x, np.ndarray) else (res.item() if not shape else res)
        out = _set(out, path, value)
    return out


# ------------------------------------------------------ outside generated code


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple):
        return tuple(_add(x, y) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return [_add(x, y) for x, y in zip(a, b)]
    return a + b


def _finish(dt, ans):
    """Broadcast and cast a summed tangent to ``ans``'s structure."""
    if isinstance(ans, runtime.Closure):
        return runtime.Closure(ans.fn, _finish(None if dt is None else dt.cells, ans.cells))
    if isinstance(ans, tuple) or isinstance(ans, list):
        dt = (None,) * len(ans) if dt is None else dt
        items = [_finish(d, a) for d, a in zip(dt, ans)]
        if hasattr(ans, "_fields"):
            return type(ans)(*items)
        return items if isinstance(ans, list) else tuple(items)
    if isinstance(ans, dict):
        return {k: _finish(None if dt is None else dt[k], v) for k, v in ans.items()}
    if _discrete_value(ans):
        return None
    return runtime.tangent_like(0.0 if dt is None else dt, ans)


def tangent(prim, tangents, ans, args, kwargs=None):
    """The output tangent of a call of ``prim``: the contributions of the
    arguments in ``tangents`` ({position: tangent}) summed, then broadcast and
    cast to ``ans`` by :func:`srcgrad.runtime.tangent_like` (per output for a
    tuple).  Raises :class:`NoRuleError` for an argument without a JVP."""
    kwargs = kwargs or {}
    bound = prim.bind(args, kwargs)
    total = None
    for i in sorted(tangents):
        rule = jvp_of(prim, i)
        if rule is None or tangents[i] is None:
            continue
        t = _filled(tangents[i], bound.get(i))
        total = _add(total, rule(t, ans, *args, **kwargs))
    return _finish(total, ans)


def _filled(t, arg):
    """A list argument's tangent with ``None`` (an element that carries none)
    replaced by zeros shaped like that element."""
    if isinstance(t, (list, tuple)) and isinstance(arg, (list, tuple)) and \
            len(t) == len(arg) and any(v is None for v in t):
        items = [_zeros(a) if v is None else _filled(v, a) for v, a in zip(t, arg)]
        return items if isinstance(t, list) else tuple(items)
    return t
