"""The derivative table shared by the compiler and the tape.

A *primitive* is a Python callable (``np.sin``, ``math.exp``, ``np.linalg.inv``...).
Its vector-Jacobian rules are plain top-level functions, one per positional
argument, each with the signature ``(g, ans, *args, **params)``:

* ``g``    -- the cotangent of the primitive's output (a tuple of cotangents,
  zeros filled in, when the primitive returns a tuple);
* ``ans``  -- the primitive's output;
* ``args`` / ``params`` -- exactly the arguments the primitive was called with.

A rule returns the cotangent of its argument *before* broadcasting is undone:
the engines call :func:`srcgrad.runtime.unbroadcast` once, for primitives
registered with ``broadcasts=True``.  A rule for an argument that is a list of
arrays (``np.concatenate``'s first argument) returns a list of cotangents.

``None`` in place of a rule means "no gradient flows through this argument".
Primitives in :data:`NONDIFF` have no gradient through any argument (their
outputs are constants: ``np.sign``, ``np.argmax``, comparisons...).

>>> import numpy as np
>>> prim = lookup(np.sin)
>>> prim.name, prim.argnames
('sin', ('x',))
>>> float(prim.vjps[0](1.0, np.sin(0.0), 0.0))
1.0
"""

import importlib
import inspect
import sys
import threading

from .. import runtime

__all__ = ["Primitive", "NoRuleError", "defvjp", "defnondiff", "lookup", "defspecial",
           "special", "has_rule", "is_nondiff", "registered", "NONDIFF", "qualname",
           "POSITIONS", "up_to_positions", "refuse_position", "defmethod", "method",
           "load_optional", "NO_RULE", "refuses", "stand_in", "defjvp", "deflinear",
           "defelementwise", "jvp_of", "is_linear"]


class NoRuleError(NotImplementedError):
    """A function with no derivative rule (and, for the compiler, no source)."""


class Primitive:
    """One row of the table: a callable and its per-argument VJP rules."""

    __slots__ = ("fn", "name", "vjps", "argnames", "broadcasts", "defaults",
                 "varargs", "_jvps")

    def __init__(self, fn, vjps, broadcasts=False, name=None):
        self.fn = fn
        self.name = name or _name_of(fn)
        self.vjps = tuple(vjps)
        self.broadcasts = broadcasts
        first = next((r for r in self.vjps if r is not None and r is not NO_RULE), None)
        self.argnames, self.defaults, self.varargs = _rule_params(first)
        self._jvps = None

    @property
    def jvps(self):
        """The Jacobian-vector rules, parallel to :attr:`vjps` (forward mode,
        :mod:`srcgrad.rules.jvp`): ``None`` where no tangent flows."""
        rules = self._jvps
        if rules is None:
            rules = self._jvps = jvp.derive(self)
        return rules

    def tangent(self, tangents, ans, args, kwargs=None):
        """The output tangent given ``tangents`` ({position: tangent}):
        :func:`srcgrad.rules.jvp.tangent`."""
        return jvp.tangent(self, tangents, ans, args, kwargs)

    def cotangents(self, g, ans, args, positions, kwargs=None):
        """The cotangents of the arguments at ``positions`` (zeros where the
        table has no gradient), broadcasting undone by the runtime when the
        primitive broadcasts: what a pullback through this primitive returns
        outside generated code (``vjp`` of a primitive, dynamic call sites)."""
        out = []
        for i in positions:
            rule = self.vjps[min(i, len(self.vjps) - 1)]
            if rule is None:
                out.append(runtime.zeros_like(args[i]))
                continue
            c = rule(g, ans, *args, **(kwargs or {}))
            if self.broadcasts:
                c = runtime.unbroadcast(c, args[i])
            out.append(c)
        return tuple(out)

    def bind(self, args, kwargs):
        """Map a call's ``(args, kwargs)`` to ``{position: value}`` for the
        positions that have a rule.  Keywords naming a positional parameter of
        the rules count as that position.

        >>> import numpy as np
        >>> lookup(np.clip).bind((1.0,), {"a_min": 0.0, "a_max": 2.0})
        {0: 1.0, 1: 0.0, 2: 2.0}
        """
        out = {}
        for i, rule in enumerate(self.vjps):
            if rule is None:
                continue
            if i < len(args):
                out[i] = args[i]
            elif i < len(self.argnames) and self.argnames[i] in kwargs:
                out[i] = kwargs[self.argnames[i]]
        return out

    def unknown_keywords(self, kwargs):
        """The keyword arguments of a call that the rules do not take (a rule
        called with them would fail): a resolve step can refuse the call with
        the user's line instead.

        >>> import numpy as np
        >>> lookup(np.sin).unknown_keywords({"where": True, "dtype": float})
        ['dtype', 'where']
        >>> lookup(np.sum).unknown_keywords({"axis": 0, "where": True})
        []
        """
        rule = next((r for r in self.vjps if r is not None), None)
        if rule is None or not kwargs:
            return []
        try:
            params = inspect.signature(rule).parameters
        except (TypeError, ValueError):  # pragma: no cover - builtins
            return []
        if any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return []
        names = set(list(params)[2:])
        return sorted(k for k in kwargs if k not in names)

    def __repr__(self):
        return "<primitive %s>" % self.name


_TABLE = {}          # id(fn) -> Primitive   (ufuncs are not all hashable-stable)
NONDIFF = set()      # ids of callables whose outputs carry no gradient
_NONDIFF_FNS = {}    # id -> fn, to keep them alive and listable


def _name_of(fn):
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", None) or repr(fn)
    if mod.startswith("numpy.linalg") or mod == "numpy.linalg":
        return "linalg." + name
    if mod == "math":
        return "math." + name
    if mod == "numpy.fft":
        return "fft." + name
    if mod == "builtins":
        return name
    return name


def _rule_params(rule):
    """Positional parameter names (after ``g, ans``), defaults, and whether the
    rule takes ``*args``."""
    if rule is None:
        return (), {}, False
    try:
        sig = inspect.signature(rule)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return (), {}, True
    names, defaults, varargs = [], {}, False
    params = list(sig.parameters.values())[2:]
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind == p.VAR_POSITIONAL:
            varargs = True
        if p.default is not p.empty:
            defaults[p.name] = p.default
    return tuple(names), defaults, varargs


def no_rule_for_this_argument(g, ans, *args, **kwargs):
    """The rule of a position whose derivative exists but is not implemented
    (the order ``v`` of ``scipy.special.iv(v, x)``): both engines refuse a
    differentiated value there, at the user's line, where ``None`` would mean
    "no gradient flows".  Never called by them; raises if called directly."""
    raise NoRuleError("srcgrad has no derivative rule for this argument")


#: Put in place of a rule: the position is refused (see :func:`no_rule_for_this_argument`).
NO_RULE = no_rule_for_this_argument


def refuses(rule):
    """Whether ``rule`` (an entry of ``Primitive.vjps``) refuses its position:
    :data:`NO_RULE`, or a ``*_more`` rule that raises past the positions a
    ``*args`` primitive has rules for."""
    return rule is NO_RULE or (rule is not None and rule.__name__.endswith("_more"))


def defvjp(fn, *rules, broadcasts=False, name=None):
    """Register vector-Jacobian rules for ``fn``, one per positional argument.

    ``defvjp(fn, rule0, rule1, ...)``; pass ``None`` for an argument with no
    gradient.  Each rule is ``rule(g, ans, *args, **params)`` and returns the
    cotangent of its argument.  Set ``broadcasts=True`` when ``fn`` broadcasts
    its arguments like a NumPy ufunc (the engine then sums cotangents back to
    each argument's shape).  Returns ``fn`` so it can be used near a ``def``.

    >>> import numpy as np
    >>> def cube(x):
    ...     return x ** 3
    >>> def cube_vjp(g, ans, x):
    ...     return g * 3 * x ** 2
    >>> _ = defvjp(cube, cube_vjp)
    >>> lookup(cube).vjps[0](1.0, 8.0, 2.0)
    12.0
    """
    if not callable(fn):
        raise TypeError("defvjp expects a callable as its first argument, got %r" % (fn,))
    for r in rules:
        if r is not None and not callable(r):
            raise TypeError("defvjp: each rule must be a function or None, got %r" % (r,))
    prim = Primitive(fn, rules, broadcasts=broadcasts, name=name)
    if "jvp" in globals():      # a new VJP row: JVPs declared for the old one no longer hold
        jvp.forget(fn)
    _TABLE[id(fn)] = prim
    NONDIFF.discard(id(fn))
    _NONDIFF_FNS.pop(id(fn), None)
    _KEEP[id(fn)] = fn
    if WRAP_PYTHON_PRIMITIVE is not None and inspect.isfunction(fn) and \
            not (getattr(fn, "__module__", None) or "").startswith(("numpy", "srcgrad.")):
        wrapper = WRAP_PYTHON_PRIMITIVE(fn)   # so the tape uses the rule too
        _TABLE[id(wrapper)] = prim
        _KEEP[id(wrapper)] = wrapper
        return wrapper
    return fn


#: Set by srcgrad.api: ``vjp(fun, *primals)`` -> ``(value, pullback)``, for the
#: rules of a primitive that is given a function and differentiates it
#: (``scipy.integrate.odeint``'s adjoint method); ``None`` until srcgrad.api is imported.
FUNCTION_VJP = None


#: Set by srcgrad.bridge: wraps a user's Python function registered with
#: :func:`defvjp` so that, called with tape Tensors, it records one node that
#: uses the rule (the compiler uses the rule for both the function and the
#: wrapper).
WRAP_PYTHON_PRIMITIVE = None


_KEEP = {}  # id -> fn: keep registered callables alive so ids stay unique

#: How many call positions a primitive taking ``*args`` (``max``, ``math.hypot``,
#: ``np.einsum``) has rules for: positions past its own rules get a rule that
#: raises, so a differentiated value there is refused, never given a zero
#: gradient (both engines give no gradient to a position the table lacks).
POSITIONS = 64


def up_to_positions(rules, beyond):
    """``rules`` followed by the refusing rule ``beyond`` up to
    :data:`POSITIONS` positions."""
    return tuple(rules) + (beyond,) * (POSITIONS - len(rules))


def refuse_position(name, count, hint):
    """The error a refusing rule raises: ``name`` has rules for ``count``
    positional arguments only."""
    return NoRuleError("srcgrad has derivative rules for the first %d positional arguments of "
                       "%s only, and a differentiated value was passed after them; %s"
                       % (count, name, hint))


def defnondiff(*fns):
    """Declare callables whose outputs never carry a gradient (``np.sign``).
    Only for callables whose float outputs do not move when a float argument
    moves (``tests/rules/test_nondiff_proven.py`` checks every library entry):
    anything else needs a rule, or must stay unregistered so that using it on
    a differentiated value is refused."""
    for fn in fns:
        NONDIFF.add(id(fn))
        _NONDIFF_FNS[id(fn)] = fn
        _KEEP[id(fn)] = fn


def lookup(fn):
    """The :class:`Primitive` for ``fn``; raises :class:`NoRuleError`."""
    prim = _TABLE.get(id(fn))
    if prim is None and load_optional():
        prim = _TABLE.get(id(fn))
    if prim is None:
        raise NoRuleError(
            "no derivative rule for %s. Register one with "
            "srcgrad.defvjp(%s, vjp_rule) where vjp_rule(g, ans, *args) returns "
            "the cotangent of the argument." % (_name_of(fn), _name_of(fn)))
    return prim


_SPECIAL = {}  # (id(fn), position, operand ranks) -> rule


def defspecial(fn, position, ranks, rule):
    """Register a rule for argument ``position`` of ``fn`` that holds when its
    operands have the given ``ranks`` (a tuple of ndims).  The compiler uses
    it when it knows the ranks (it specialises on the ranks of the arrays a
    gradient is called with), which lets it emit ``g @ b.T`` instead of a
    rank dispatch."""
    _SPECIAL[(id(fn), position, tuple(ranks))] = rule
    _KEEP[id(fn)] = fn


def special(fn, position, ranks):
    """The rule registered with :func:`defspecial`, or ``None``."""
    return _SPECIAL.get((id(fn), position, tuple(ranks)))


def qualname(fn):
    """How docs and test ids name a primitive: ``np.sum``, ``np.linalg.inv``, ``math.sin``, ``builtins.sum``, ..."""
    owner = getattr(fn, "__self__", None)
    if type(owner).__name__ == "ufunc":       # a ufunc's method: np.add.at
        return "np.%s.%s" % (owner.__name__, fn.__name__)
    prim = _TABLE.get(id(fn))
    if prim is not None and prim.name.startswith(("scipy.", "np.")):
        return prim.name  # named at registration (np.r_ stands for index_r)
    mod = getattr(fn, "__module__", None) or "numpy"
    name = getattr(fn, "__name__", repr(fn))
    if mod.startswith("numpy.linalg"):
        return "np.linalg." + name
    if mod.startswith("numpy.fft"):
        return "np.fft." + name
    if mod.startswith("numpy"):
        return "np." + name
    if mod == "_operator":
        return "operator." + name
    if mod.startswith("srcgrad.runtime."):
        return "runtime." + name      # one namespace, split into modules by concern
    return mod.rsplit(".", 1)[-1] + "." + name


def has_rule(fn):
    return id(fn) in _TABLE or (load_optional() and id(fn) in _TABLE)


def is_nondiff(fn):
    return id(fn) in NONDIFF or (load_optional() and id(fn) in NONDIFF)


# ------------------------------------------------------ methods of objects

_METHODS = {}  # (id(obj), attribute) -> the primitive standing for obj.attribute


def defmethod(obj, attr, fn):
    """Declare that ``obj.attr(...)`` (a method of a module-level object, such
    as ``scipy.stats.norm.logpdf``) is the primitive ``fn``: same arguments,
    same result.  A bound method is a new object at each access, so the table
    cannot key it by identity; the compiler resolves ``obj.attr`` through
    :func:`method` instead."""
    _METHODS[(id(obj), attr)] = fn
    _KEEP[id(obj)] = obj


def method(obj, attr):
    """The primitive registered with :func:`defmethod` for ``obj.attr``, or
    ``None``."""
    fn = _METHODS.get((id(obj), attr))
    if fn is None and (type(obj).__module__ or "").startswith("scipy.") and load_optional():
        fn = _METHODS.get((id(obj), attr))
    return fn


def stand_in(fun):
    """``fun`` itself, or, when it is a bound method declared with
    :func:`defmethod` (``scipy.stats.norm.logpdf`` handed to ``grad`` as the
    function to differentiate), the primitive standing for it."""
    if not inspect.ismethod(fun):
        return fun
    return method(fun.__self__, fun.__name__) or fun


# ------------------------------------------------ optional libraries (SciPy)

#: Rule modules for optional libraries: ``(library module, rule module)``.  A
#: rule module is imported the first time a lookup misses while its library
#: is already imported (a user holding ``scipy.special.gammaln`` has imported
#: ``scipy.special``), so ``import srcgrad`` never imports SciPy, and a
#: program that never imports SciPy never pays for its rules.
_OPTIONAL = (("scipy.special", "scipy_special"), ("scipy.stats", "scipy_stats"),
             ("scipy.linalg", "scipy_linalg"), ("scipy.signal", "scipy_signal"),
             ("scipy.integrate", "scipy_integrate"))
_OPTIONAL_DONE = set()
_OPTIONAL_LOCK = threading.Lock()


def load_optional():
    """Import the rule modules whose library has been imported since the
    last call; whether any was imported (then a missed lookup is retried)."""
    if len(_OPTIONAL_DONE) == len(_OPTIONAL):
        return False
    todo = [(lib, mod) for lib, mod in _OPTIONAL
            if mod not in _OPTIONAL_DONE and lib in sys.modules]
    if not todo:
        return False
    with _OPTIONAL_LOCK:
        for lib, mod in todo:
            if mod not in _OPTIONAL_DONE:
                try:
                    importlib.import_module("." + mod, __name__)
                except ImportError:  # pragma: no cover - a SciPy too old for a rule
                    pass            # its functions stay without rules: refused
                _OPTIONAL_DONE.add(mod)
    return True


def registered():
    """All primitives and non-differentiable callables, for docs and tests:
    a list of ``(fn, Primitive or None)``."""
    load_optional()
    rows = [(p.fn, p) for p in _TABLE.values()]
    rows += [(fn, None) for fn in _NONDIFF_FNS.values()]
    return rows


# The table itself: importing these modules registers their rules.
from . import ufuncs, reductions, linalg, shape, scalars, nn  # noqa: E402,F401
from . import conversions, creation, fft, linalg_more, matfuncs, signal  # noqa: E402,F401
from . import mutation, conv  # noqa: E402,F401
# Forward mode: the JVP machinery, then the declarations and explicit rules.
from . import jvp  # noqa: E402
from .jvp import defjvp, deflinear, defelementwise, jvp_of, is_linear  # noqa: E402,F401
from . import jvp_table, tangent_rules  # noqa: E402,F401
