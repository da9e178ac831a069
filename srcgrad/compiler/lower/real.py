"""Conjugates of real values left out of generated code.

The rules are written for complex numbers (PyTorch's convention,
docs/semantics.md): ``g * conj(f'(x))``, ``g @ W.T.conj()``.  On real values
``_rt.conj(e)`` and ``e.conj()`` return ``e`` itself; :func:`drop_conjugates`
writes ``e`` where the compiler can prove ``e`` real, which saves a call per
use and lets :mod:`.cse` see ``1.0 - h ** 2`` where a rule wrote
``conj(1.0 - h ** 2)``.  The value, and which array it is, are unchanged.

What is real (a greatest fixpoint over the statements, flow-insensitive: a
name is real when every assignment to it anywhere assigns a real value):

* the parameters the caller says are real (``real_params``: the code is
  only ever run with real numbers or real arrays there -- the caller
  guarantees it, e.g. :mod:`srcgrad.hvp_engine` checks every argument and
  tangent first);
* number, boolean and ``None`` constants; a name every assignment of which
  is real; ``for`` targets over ``range(...)``;
* arithmetic of real operands (``**`` only to an integer constant power: a
  negative Python float to a fractional power is complex), comparisons;
* NumPy ufuncs and the reductions, products and shape functions of
  :data:`_REAL_FUNCTIONS` of real arguments; ``.T``, ``.real``, ``.imag``,
  ``.shape``; the ndarray methods of :data:`_REAL_METHODS` of a real
  receiver and real arguments; indexing a real value; tuples and lists of
  real values; the srcgrad.runtime helpers of :data:`_RUNTIME` of real
  arguments (``real_cotangent`` and ``seed_if_float64`` of anything).

Anything else (a user function's result, a rule helper's, an attribute of
an object, a global) is not known real, so its conjugate stays.

>>> import gast, numpy as np
>>> from ..frontend.anf import dump
>>> body = gast.parse("h = np.tanh(x)\\nb = g * _rt.conj(1.0 - h ** 2)\\n"
...                   "c = g @ W.T.conj()\\nd = _rt.conj(u)").body
>>> def resolve(f):
...     if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name):
...         return getattr({"np": np, "_rt": runtime}[f.value.id], f.attr, None)
>>> print(dump(drop_conjugates(body, {"x", "g", "W"}, resolve, {"x", "g", "W", "u"})))
h = np.tanh(x)
b = g * (1.0 - h ** 2)
c = g @ W.T
d = _rt.conj(u)
"""

import gast
import numpy as np

from ... import runtime
from ..ir.fastast import Transformer

__all__ = ["drop_conjugates"]

#: NumPy functions whose result is real where their arguments are
_REAL_FUNCTIONS = frozenset(getattr(np, n) for n in (
    "sum", "mean", "prod", "dot", "matmul", "vdot", "inner", "outer", "tensordot", "einsum",
    "where", "transpose", "reshape", "broadcast_to", "zeros_like", "ones_like", "full_like",
    "zeros", "ones", "full", "clip", "concatenate", "stack", "diag", "trace", "cumsum",
    "cumprod", "var", "std", "max", "min", "amax", "amin", "expand_dims", "squeeze", "ravel",
    "swapaxes", "moveaxis", "asarray", "array", "copy", "diagonal", "tile", "repeat",
    "flip", "roll", "sort", "linspace", "arange", "eye", "identity", "take", "atleast_1d",
    "atleast_2d", "broadcast_arrays", "triu", "tril") if hasattr(np, n))

#: ndarray methods whose result is real where the receiver and arguments are
_REAL_METHODS = frozenset((
    "conj", "conjugate", "sum", "mean", "prod", "dot", "reshape", "transpose", "copy",
    "ravel", "squeeze", "max", "min", "cumsum", "var", "std", "astype", "swapaxes", "clip",
    "diagonal", "trace", "flatten", "take", "repeat"))

#: srcgrad.runtime helpers: real where their arguments are ...
_RUNTIME = frozenset(getattr(runtime, n) for n in (
    "conj", "unbroadcast", "expand_reduced", "zeros_like", "seed", "reduced_seed", "add"))
#: ... and real whatever their arguments
_RUNTIME_ALWAYS = frozenset((runtime.real_cotangent, runtime.seed_if_float64,
                             runtime.unbroadcast_shape))

_ALWAYS_ATTRIBUTES = ("real", "imag", "shape", "ndim", "size")


def drop_conjugates(stmts, real_params, resolve, params=(), numeric=()):
    """``stmts`` with ``_rt.conj(e)`` and ``e.conj()`` / ``e.conjugate()``
    written ``e`` wherever ``e`` is real (see the module docstring);
    ``real_params`` are the parameters known real (``params``: all of them),
    ``resolve(func)`` the object a call refers to (``None`` when unknown),
    ``numeric`` the names known to hold numbers or arrays (their ``.real``,
    ``.imag``, ``.shape`` are real)."""
    numeric = set(numeric)
    real = _real_names(stmts, set(real_params), set(params) - set(real_params), resolve,
                       numeric)
    judge = _Judge(real, resolve, numeric)
    return [_Drop(judge).visit(s) for s in stmts]


class _Judge:
    def __init__(self, real, resolve, numeric):
        self.real, self.resolve, self.numeric = real, resolve, numeric

    def __call__(self, node):
        if node is None:
            return True
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float, bool) or node.value is None
        if isinstance(node, gast.Name):
            return node.id in self.real
        if isinstance(node, gast.BinOp):
            if isinstance(node.op, gast.Pow):
                exp = node.right
                if isinstance(exp, gast.UnaryOp) and isinstance(exp.op, (gast.USub, gast.UAdd)):
                    exp = exp.operand
                return self(node.left) and isinstance(exp, gast.Constant) and \
                    type(exp.value) is int
            return self(node.left) and self(node.right)
        if isinstance(node, gast.UnaryOp):
            return self(node.operand)
        if isinstance(node, gast.Compare):
            return self(node.left) and all(map(self, node.comparators))
        if isinstance(node, gast.BoolOp):
            return all(map(self, node.values))      # one of them
        if isinstance(node, gast.IfExp):
            return self(node.body) and self(node.orelse)
        if isinstance(node, (gast.Tuple, gast.List)):
            return all(map(self, node.elts))
        if isinstance(node, gast.Subscript):
            return self(node.value)
        if isinstance(node, gast.Attribute):
            if node.attr in _ALWAYS_ATTRIBUTES:
                return self(node.value) or isinstance(node.value, gast.Name) and \
                    node.value.id in self.numeric
            return node.attr == "T" and self(node.value)
        if isinstance(node, gast.Call):
            return self.call(node)
        return False

    def call(self, node):
        args = list(node.args) + [k.value for k in node.keywords]
        if any(k.arg == "dtype" for k in node.keywords):
            return False
        if any(isinstance(a, gast.Starred) for a in node.args) or \
                any(k.arg is None for k in node.keywords):
            return False
        fn = self.resolve(node.func)
        if fn is None:
            func = node.func
            return isinstance(func, gast.Attribute) and func.attr in _REAL_METHODS and \
                self(func.value) and all(map(self, args))
        try:
            if fn in _RUNTIME_ALWAYS:
                return True
            known = isinstance(fn, np.ufunc) or fn in _REAL_FUNCTIONS or fn in _RUNTIME or \
                fn is range or fn is len
        except TypeError:   # unhashable
            return False
        if fn is np.einsum and node.args and isinstance(node.args[0], gast.Constant) and \
                type(node.args[0].value) is str:
            args = args[1:]     # the subscripts
        return known and all(map(self, args))


def _real_names(stmts, real_params, other_params, resolve, numeric):
    """The names every assignment of which (in ``stmts``, at any depth) is
    real, with ``real_params`` and without ``other_params``: the greatest
    fixpoint."""
    assigns = []        # (name, value expression or None: not known real)
    for stmt in stmts:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Assign):
                for t in node.targets:
                    _targets(t, node.value, assigns)
            elif isinstance(node, gast.AugAssign):
                _targets(node.target, gast.BinOp(left=node.target, op=node.op,
                                                 right=node.value), assigns)
            elif isinstance(node, gast.For):
                it = node.iter
                ranged = isinstance(it, gast.Call) and resolve(it.func) is range
                _targets(node.target, gast.Constant(value=0, kind=None) if ranged else None,
                         assigns)
            elif isinstance(node, (gast.FunctionDef, gast.With, gast.Try, gast.Global,
                                   gast.Nonlocal, gast.Delete)):
                return set()     # not a layout this pass knows: nothing is real
    covered = {id(n) for n, _ in assigns}
    for stmt in stmts:      # bound some other way (a comprehension, :=): not known real
        for node in gast.walk(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store) and \
                    id(node) not in covered:
                assigns.append((node, None))
    real = (set(real_params) | {n.id for n, _ in assigns}) - other_params
    for n, value in assigns:
        if value is None:
            real.discard(n.id)
    judge = _Judge(real, resolve, numeric)
    changed = True
    while changed:
        changed = False
        for n, value in assigns:
            if n.id in real and not judge(value):
                real.discard(n.id)
                changed = True
    return real


def _targets(target, value, out):
    """``(Name, value)`` pairs for an assignment of ``value`` to
    ``target``: ``None`` for a value not known piecewise; a subscript
    assignment ``x[i] = v`` is an assignment of ``v`` to ``x``."""
    if isinstance(target, gast.Name):
        out.append((target, value))
    elif isinstance(target, (gast.Tuple, gast.List)):
        pieces = value.elts if isinstance(value, (gast.Tuple, gast.List)) and \
            len(value.elts) == len(target.elts) else [None] * len(target.elts)
        for t, v in zip(target.elts, pieces):
            _targets(t, v, out)
    elif isinstance(target, gast.Subscript):
        base = target.value
        while isinstance(base, gast.Subscript):
            base = base.value
        if isinstance(base, gast.Name):
            out.append((base, value))
    elif isinstance(target, gast.Starred):
        _targets(target.value, None, out)


class _Drop(Transformer):
    def __init__(self, judge):
        self.judge = judge

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if len(node.args) == 1 and not node.keywords and \
                self.judge.resolve(func) is runtime.conj and self.judge(node.args[0]):
            return node.args[0]
        if isinstance(func, gast.Attribute) and func.attr in ("conj", "conjugate") and \
                not node.args and not node.keywords and self.judge.resolve(func) is None and \
                self.judge(func.value):
            return func.value
        return node
