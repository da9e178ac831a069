"""The compiled Hessian-vector product, cached per kind of arguments.

``hvp(f)(*args, v)`` is the gradient, with respect to the ``wrt`` arguments,
of ``f``'s directional derivative along ``v`` (reverse over forward,
:mod:`srcgrad.higher`): one generated function, the gradient of the
generated *slope* function ``slope(*args, *v) = jvp(f)(args; v)[1]``.
:class:`HvpEngine` keeps, per kind of the arguments (what
``GradFunction._compiled_for`` keys on: scalar, array shape, tree), the
compiled ``grad(slope)``, so a call is the checks of ``grad`` and one run of
generated code -- no first-order gradient, no transform built per call.

Guarantees:

* it handles what the compiler differentiates twice without the general path
  of ``api._second_order``: a plain Python function of real arguments, no
  ``has_aux``, no ``*args``/``**kwargs``, no Tensors (a tape trace), not a
  transform (third order). :meth:`HvpEngine.fast` says whether a call
  qualifies; the caller sends the others down the general path, whose
  semantics are the same;
* the first call for a kind of arguments takes the gradient once (as the
  general path does at each call), so a user's mistake (a non-scalar or
  complex output, an integer argument) is reported as ``grad`` reports it;
* a refusal of the compiler (at the first call for a kind of arguments, or
  at run time) is raised in ``mode="compile"``; in ``mode="auto"`` those
  kinds run on the tape from then on (reverse over reverse, as the general
  path does), the reason logged;
* nothing the user passes is mutated (the tangents are checked copies; the
  generated code copies what it updates in place), and the table holds at
  most ``SHAPE_SPECIALISATIONS`` kinds; it lives as long as the transform.

>>> import numpy as np
>>> from srcgrad.api import GradFunction
>>> def f(x):
...     return np.sum(x ** 3)
>>> engine = HvpEngine(GradFunction(f, 0, False, "compile", "hvp"))
>>> x = np.array([1.0, 2.0])
>>> engine.fast(x)
True
>>> engine.products((x,), (np.array([1.0, 1.0]),))[0].tolist()
[6.0, 12.0]
"""

import inspect
import logging
import operator

import numpy as np

from . import higher, runtime
from .api import (_KIND, GradFunction, Tensor, _give_kind, _holds_tensor, _name, _reason,
                  _seed, _TapeVJP)     # the tape's Tensor through api, the seam (tests/test_layers.py)
from .errors import SrcgradSyntaxError
from .forward import _fill
from .rules import NoRuleError
from .compiler.frontend.parse import NoSource
from .compiler.pipeline import SHAPE_SPECIALISATIONS, CompiledVJP

__all__ = ["HvpEngine"]

log = logging.getLogger("srcgrad")

#: what the compiler raises when it cannot generate the second derivative
REFUSALS = (SrcgradSyntaxError, NoSource, NoRuleError, higher.SecondOrderError,
            SyntaxError, NotImplementedError, runtime.TangentError)


class _OnTheTape:
    """The Hessian-vector product of kinds the compiler refused: the VJP of
    the gradient on the tape (reverse over reverse; the Hessian of a real
    scalar function is symmetric)."""

    def __init__(self, gradient, positions, reason):
        self.engine = _TapeVJP(gradient, positions, False, reason)
        self.single = len(positions) == 1
        self.positions = positions

    def __call__(self, *args_and_vs):
        n = len(args_and_vs) - len(self.positions)
        args, vs = args_and_vs[:n], args_and_vs[n:]
        _, pullback = self.engine.fn(*args)
        cts = pullback(vs[0] if self.single else tuple(vs))
        res = tuple(runtime.to_kind(c, args[i]) for c, i in zip(cts, self.positions))
        return res[0] if self.single else res


class _Compiled:
    """The compiled ``grad(slope)`` of one kind of arguments, called as
    ``grad`` calls it with what ``grad`` checks per call done once (the
    arguments are real, the kinds those compiled for): the fused
    ``slope_grad(*args, *vs) -> grads`` (compiler/lower/fused.py: no value
    of the slope, no pullback), or the generated VJP and its pullback seeded
    with 1.0 where there is no fused form.  A rebound global or a recursion
    too deep for Python's stack goes through ``grad`` itself, which handles
    them."""

    __slots__ = ("second", "fn", "fused", "positions")

    def __init__(self, second, compiled, positions):
        self.second, self.fn, self.positions = second, compiled.fn, positions
        self.fused = compiled.fused("grad") if type(compiled) is CompiledVJP else None

    def __call__(self, full, args):
        try:
            if self.fused is not None:
                grads = self.fused(*full)
            else:
                ans, pullback = self.fn(*full)
                grads = pullback(1.0 if type(ans) in _FLOATS else _seed(self.second.fun, ans))
        except (runtime.Rebound, RecursionError, runtime.SeedError):
            out = self.second(*full)    # grad's own call: compiles again, or names f
            return (out,) if len(self.positions) == 1 else out
        out = []
        passed = None
        for g, i in zip(grads, self.positions):
            a = args[i]
            if type(g) is np.ndarray:
                if passed is None:
                    passed = set(map(id, full))
                if id(g) in passed:     # never an array the user passed (v itself): a copy
                    g = np.array(g)
                if type(a) is np.ndarray and g.dtype is a.dtype and g.shape == a.shape and \
                        g.base is None:
                    out.append(g)       # a fresh array of the argument's kind (the common case)
                    continue
            out.append(_give_kind(g, a))
        return tuple(out)


class HvpEngine:
    """The Hessian-vector products of ``gf.fun`` with respect to
    ``gf.positions`` (``gf``: the hvp's :class:`~srcgrad.api.GradFunction`,
    which holds the user's function, positions and mode; ``gradient``: the
    ``grad`` object of the same, made here when not given)."""

    def __init__(self, gf, gradient=None):
        self.fun, self.positions, self.mode = gf.fun, tuple(gf.positions), gf.mode
        self.wrt = self.positions[0] if len(self.positions) == 1 else self.positions
        if gradient is None:
            gradient = GradFunction(gf.fun, self.wrt, gf.has_aux, gf.mode, "grad")
        self.gradient = gradient        # grad(fun): what the tape differentiates
        self._by_kind = {}
        self._hits = {}     # types -> (pick, {layouts: _Compiled}): see remembered
        self.usable = gf.mode != "tape" and not gf.has_aux and not gf.varargs and \
            inspect.isfunction(gf.fun) and not hasattr(gf.fun, "__srcgrad_mode__")

    def fast(self, *args):
        """Whether a call with ``args`` takes this engine (real arguments,
        no Tensors); else the general path of ``api._second_order``."""
        if not self.usable:
            return False
        for a in args:
            ta = type(a)
            if ta is np.ndarray:
                if a.dtype.kind == "c":
                    return False
            elif ta in _COMPLEX or isinstance(a, Tensor) or \
                    ta in (list, tuple, dict) and _holds_tensor(a):
                return False
            elif ta is not float and _KIND[ta] is None and not higher._real((a,)):
                return False    # a complex leaf in a tree: the general path refuses it
        return True

    def products(self, args, vs, kinds=None):
        """``H v`` for each position (a tuple, one result per position, of
        the kinds of the arguments); ``vs`` are checked tangents, filled."""
        if kinds is None:
            kinds = tuple([("a",) + a.shape if type(a) is np.ndarray else _kind(a)
                           for a in args])
        entry = self._by_kind.get(kinds)
        if entry is None:
            entry = self._build(kinds, args, vs)
        full = tuple(args) + tuple(vs)
        try:
            if type(entry) is _Compiled:
                return entry(full, args)
            out = entry(*full)
        except REFUSALS as err:
            if self.mode == "compile" or isinstance(entry, _OnTheTape):
                raise
            out = self._on_the_tape(kinds, err)(*full)   # a refusal at run time
        return (out,) if len(self.positions) == 1 else out

    def remembered(self, args, vs):
        """:meth:`products` for a call whose signature -- the types of the
        arguments and tangents, the shapes and dtypes of the arrays among
        them -- a call of :meth:`fast_products` with ready tangents (of
        their arguments' shapes and float dtypes) has checked: those checks
        read nothing else, so a hit runs the generated code at once (as
        ``grad``'s cached call does, api.py).  ``None`` on a miss, and where
        the generated code refuses (the caller's general path handles it)."""
        full = (*args, *vs)
        by_types = self._hits.get(tuple(map(type, full)))
        if by_types is None:
            return None
        pick, layouts = by_types
        entry = layouts.get(tuple(map(_LAYOUT, full if pick is None else pick(full))))
        if entry is None:
            return None
        try:
            return entry(full, args)
        except REFUSALS:
            return None

    def _remember_signature(self, args, vs, entry):
        """Keep ``entry`` for calls with the signature of ``(args, vs)``
        (see :meth:`remembered`) when every one of them is a number, a
        string, ``None`` or a plain ndarray (containers and objects: their
        contents are walked per call)."""
        full = (*args, *vs)
        types = tuple(map(type, full))
        if not all(t in _BY_TYPE for t in types):
            return
        table = self._hits
        by_types = table.get(types)
        if by_types is None:
            at = [i for i, t in enumerate(types) if t is np.ndarray]
            pick = None if len(at) == len(types) else _picker(at)
            if len(table) >= _HITS:
                table = self._hits = {}
            by_types = table[types] = (pick, {})
        pick, layouts = by_types
        if len(layouts) >= _HITS:
            layouts.clear()
        layouts[tuple(map(_LAYOUT, full if pick is None else pick(full)))] = entry

    def fast_products(self, args, vs, ready=False):
        """:meth:`products` when the call takes this engine (:meth:`fast`),
        else ``None``: the arguments' kinds and the checks in one pass.
        ``ready``: the tangents are of their arguments' shapes and float
        dtypes (then the call's signature is remembered)."""
        if not self.usable:
            return None
        kinds = []
        for a in args:
            ta = type(a)
            if ta is np.ndarray:
                if a.dtype.kind == "c":
                    return None
                kinds.append(("a",) + a.shape)
            elif ta is float:
                kinds.append("f")
            elif ta in _COMPLEX or isinstance(a, Tensor):
                return None
            else:
                kind = _KIND[ta]
                # a tree (list, dict, object): a Tensor or a complex leaf in it takes
                # the general path (the tape; complex: refused, see higher._real)
                if kind is None and (ta in (list, tuple, dict) and _holds_tensor(a) or
                                     not higher._real((a,))):
                    return None
                kinds.append(kind)
        kinds = tuple(kinds)
        out = self.products(args, vs, kinds)
        if ready:
            entry = self._by_kind.get(kinds)
            if type(entry) is _Compiled:
                self._remember_signature(args, vs, entry)
        return out

    def prepared(self, args, vs):
        """``vs -> products(args, vs)`` for many ``vs`` at the same ``args``
        (a Hessian's columns): the kind looked up once (``vs``: the first
        tangents, for the first compile)."""
        kinds = tuple([("a",) + a.shape if type(a) is np.ndarray else _kind(a) for a in args])
        entry = self._by_kind.get(kinds)
        if entry is None:
            entry = self._build(kinds, args, vs)
        args = tuple(args)
        if type(entry) is not _Compiled:
            return lambda vs: self.products(args, vs)

        def run(vs):
            try:
                return entry(args + tuple(vs), args)
            except REFUSALS:      # raised again, or the tape in auto: as products does
                return self.products(args, vs)
        return run

    def hessian(self, args, single):
        """The Hessian at ``args`` (floats or float arrays at the positions),
        one product along each input coordinate: the column of coordinate
        ``j`` of argument ``p`` gives block ``(q, p)``'s slice ``[..., j]``
        for every position ``q``; a tuple of tuples of blocks unless
        ``single``."""
        positions = self.positions
        zeros = [_fill(args[i], None) for i in positions]
        run = self.prepared(args, zeros)
        blocks = [[None] * len(positions) for _ in positions]
        for p, i in enumerate(positions):
            n = int(np.size(args[i]))
            cols = [[] for _ in positions]
            for j in range(n):
                vs = list(zeros)
                vs[p] = _unit(args[i], j)
                for q, r in enumerate(run(vs)):
                    cols[q].append(np.asarray(r).reshape(-1))
            for q, k in enumerate(positions):
                stacked = np.array(cols[q]).reshape(n, -1).T
                block = stacked.reshape(np.shape(args[k]) + np.shape(args[i]))
                blocks[q][p] = float(block) if block.ndim == 0 else block
        return blocks[0][0] if single else tuple(tuple(row) for row in blocks)

    def _build(self, kinds, args, vs):
        """Compile ``grad(slope)`` for these kinds (strictly: the tape cannot
        run generated JVP code), or, refused in mode="auto", the tape."""
        # the gradient once, as the general path takes it at every call: a user's
        # mistake (a non-scalar output, an integer argument) or a function the
        # compiler cannot read is reported as grad reports it, naming the function
        self.gradient(*args)
        try:
            # real: every call of this engine has real arguments and tangents
            # (fast/fast_products check them; check_tangent refuses a complex
            # tangent of a real argument), so the code has no conjugates
            slope = higher.slope_function(self.fun, self.positions, False, "compile", kinds,
                                          real=True)
            second = higher.second_gradient(slope, self.wrt)
            compiled = second._compiled_for(tuple(args) + tuple(vs))   # refusals show now
        except REFUSALS as err:
            if self.mode == "compile":
                raise
            return self._on_the_tape(kinds, err)
        entry = _Compiled(second, compiled, self.positions)
        self._remember(kinds, entry)
        return entry

    def _on_the_tape(self, kinds, err):
        self._hits = {}     # no remembered signature runs the compiled code of these kinds
        reason = "grad of a gradient: %s" % _reason(err)
        log.info("srcgrad: the hvp of %s runs on the tape: %s", _name(self.fun), reason)
        tape = _OnTheTape(self.gradient, self.positions, reason)
        self._remember(kinds, tape)
        return tape

    def _remember(self, kinds, engine):
        if len(self._by_kind) >= SHAPE_SPECIALISATIONS:
            try:
                del self._by_kind[next(iter(self._by_kind))]   # the oldest
            except (KeyError, StopIteration, RuntimeError):
                pass    # another thread made room first
        self._by_kind[kinds] = engine


_FLOATS = (float, np.float64)
#: the types whose signature decides the checks of a call (see remembered)
_BY_TYPE = frozenset([np.ndarray, float, int, bool, str, type(None), np.float64, np.float32,
                      np.int64, np.int32, np.bool_])
#: signatures kept per table level (as api's _HITS)
_HITS = 4 * SHAPE_SPECIALISATIONS
_LAYOUT = operator.attrgetter("shape", "dtype.num")


def _picker(positions):
    """``pick(full)``: the tuple of ``full`` at ``positions`` (sorted)."""
    if len(positions) == 1:
        return operator.itemgetter(slice(positions[0], positions[0] + 1))
    return operator.itemgetter(*positions) if positions else operator.itemgetter(slice(0, 0))
_COMPLEX = (complex, np.complex128, np.complex64)


def _kind(a):
    return _KIND[type(a)]


def _unit(x, j):
    """The tangent of ``x`` (a float or a float array) with a one at flat
    index ``j``, of ``x``'s type and dtype."""
    if type(x) is np.ndarray:
        e = np.zeros(x.shape, dtype=x.dtype)
        e.reshape(-1)[j] = 1.0
        return e
    return float(1.0) if type(x) is float else np.ones((), np.asarray(x).dtype)[()]
