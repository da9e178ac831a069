"""Common-subexpression elimination on generated statements.

:func:`eliminate` computes once an expression the statements compute twice:
the second occurrence reads the first's value, held in a new temporary
(``_t7 = 1.0 - np.square(h)`` put before the first occurrence's statement),
or in the name a whole right-hand side was assigned to (``s = x * 2`` then
``y = (x * 2) + 1`` reads ``y = s + 1``).

Which expressions: arithmetic and comparison operators and NumPy ufunc calls
(no ``out=``, no keywords) whose leaves are number constants and names known
to hold numbers or arrays (``numeric``: the facts' numeric names, and the
temporaries made here).  Those compute the same value from the same
operands, and a user object's ``__sub__`` never runs twice or once
instead of twice: its names are not numeric.

When an expression is *available* (its earlier value still equals what it
would compute now):

* straight-line statements in order: a statement rebinding a name the
  expression reads ends its availability; so does anything that may write
  into an array -- an assignment to a subscript or attribute, an augmented
  assignment (``a += b`` writes into the array ``a`` and every alias of it),
  a call the effects table (:mod:`srcgrad.rules.effects`) does not call
  pure (srcgrad's own rules are: they return new values), a method that is
  not a known ndarray method on a numeric name or a cotangent, a call of
  anything else (a user function, a callee's VJP);
* a statement holding such a call is neither rewritten nor a source of
  occurrences (a call in it may change what the expression reads before or
  after it is evaluated);
* in a branch, what is available before it, and nothing the branch computes
  after it; a loop's body starts with nothing available (its second
  iteration sees the names its first rebinds); after a branch or a loop,
  nothing that reads a name it assigns (anything, if it holds a call that
  may write into an array);
* a nested function is left alone.

A whole right-hand side is never replaced by a name (``b = x * 2`` does not
become ``b = a``: ``b`` and ``a`` would be the same array, and writing into
one would change the other), so no two names come to share an array they
did not share before.

>>> import gast, numpy as np
>>> from ..frontend.anf import dump
>>> body = gast.parse("d = t * (1.0 - np.square(h))\\n"
...                   "g = b * (1.0 - np.square(h))").body
>>> names = iter(["_t9"])
>>> print(dump(eliminate(body, lambda: next(names), {"t", "h", "b"},
...                      lambda f: np.square if getattr(f, "attr", "") == "square" else None)))
_t9 = 1.0 - np.square(h)
d = t * _t9
g = b * _t9
"""

import inspect
import re

import gast
import numpy as np

from ... import runtime
from ...rules.effects import INPLACE_METHODS, call_effect
from ...rules.operators import METHODS
from ..frontend.anf import dump

__all__ = ["eliminate"]

_OPERATORS = (gast.BinOp, gast.UnaryOp, gast.Compare)

#: srcgrad.runtime functions generated code calls that write into none of
#: their arguments
_RUNTIME_READERS = frozenset(
    getattr(runtime, n) for n in (
        "conj", "real_cotangent", "unbroadcast", "unbroadcast_shape", "expand_reduced",
        "zeros_like", "seed", "seed_if_float64", "reduced_seed", "unchanged", "to_kind"))


class _Seen:
    """An occurrence of an expression: where it is (``stmt``, ``parent``,
    ``field``, ``index``), and ``name`` once it is held in a name."""

    __slots__ = ("stmt", "parent", "field", "index", "name", "reads")

    def __init__(self, stmt, parent, field, index, reads, name=None):
        self.stmt, self.parent, self.field, self.index = stmt, parent, field, index
        self.reads, self.name = reads, name


def eliminate(stmts, temp, numeric, resolve, cotangents=()):
    """``stmts`` with repeated available expressions computed once (see the
    module docstring); ``temp()`` gives a fresh temporary name, ``numeric``
    the names holding numbers or arrays, ``resolve(func)`` the object a call
    refers to (``None`` when unknown), ``cotangents`` the names of adjoints
    (numbers, arrays, ``None`` or containers of them: their methods are not a
    user's, but they are not operands of expressions eliminated here)."""
    block = _Block(temp, set(numeric), resolve, set(cotangents))
    block.operands = _operands_only(stmts, block)
    return block.run(stmts, {})


_TEMP = re.compile(r"^_t\d+$")


def _operands_only(stmts, block):
    """The temporaries (``_tN``) read only as operands of operators and
    ufuncs, which make new values: one may hold the same array as another
    (``_t6 = _t3``) without either being written into or handed on."""
    operand, other = set(), set()
    for stmt in stmts:
        for node in gast.walk(stmt):
            makes_new = isinstance(node, _OPERATORS) or isinstance(node, gast.Call) and \
                isinstance(block.resolve(node.func), np.ufunc)
            for name, child in gast.iter_fields(node):
                for c in child if isinstance(child, list) else [child]:
                    if isinstance(c, gast.Name) and _TEMP.match(c.id) and \
                            isinstance(c.ctx, gast.Load):
                        (operand if makes_new and name != "func" else other).add(c.id)
    return operand - other


class _Block:
    def __init__(self, temp, numeric, resolve, cotangents):
        self.temp, self.numeric, self.resolve = temp, numeric, resolve
        self.cotangents = cotangents
        self.before = {}    # id(stmt) -> the temporaries to put before it, in order

    def run(self, stmts, avail):
        """``stmts`` rewritten, ``avail`` (key -> _Seen) updated to what is
        available after them."""
        before = self.before
        for stmt in stmts:
            self.statement(stmt, avail, before)
        out = []
        for stmt in stmts:
            out.extend(before.get(id(stmt), ()))
            out.append(stmt)
        return out

    # ---------------------------------------------------------------- statements

    def statement(self, stmt, avail, before):
        if isinstance(stmt, gast.Assign) and all(isinstance(t, (gast.Name, gast.Tuple))
                                                 for t in stmt.targets):
            stores = _stored(stmt.targets)
            if stores is None or not self.harmless(stmt.value):
                avail.clear()
                return
            whole = None
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
                whole = stmt.targets[0].id
            self.expression(stmt, stmt, "value", None, avail, before, top=True)
            _kill(avail, stores)
            value = stmt.value
            if whole is not None and self.candidate(value) and whole not in _reads(value):
                avail.setdefault(_key(value), _Seen(stmt, None, None, None, _reads(value),
                                                    whole))
                self.numeric.add(whole)
        elif isinstance(stmt, (gast.Expr, gast.Return)):
            if stmt.value is None:
                return
            if not self.harmless(stmt.value):
                avail.clear()
                return
            self.expression(stmt, stmt, "value", None, avail, before, top=True)
        elif isinstance(stmt, gast.If):
            if not self.harmless(stmt.test):
                avail.clear()
                return
            stmt.body = self.run(stmt.body, dict(avail))
            stmt.orelse = self.run(stmt.orelse, dict(avail))
            self.after_compound(stmt, avail)
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt.body = self.run(stmt.body, {})
            stmt.orelse = self.run(stmt.orelse, {})
            self.after_compound(stmt, avail)
        elif isinstance(stmt, gast.Pass):
            return
        else:   # anything else (a nested def, an assignment into an array...): start again
            avail.clear()

    def after_compound(self, stmt, avail):
        inner = [n for n in gast.walk(stmt) if isinstance(n, gast.stmt) and n is not stmt]
        for n in inner + [stmt]:
            if isinstance(n, (gast.AugAssign, gast.FunctionDef, gast.Delete, gast.Global,
                              gast.Nonlocal, gast.With, gast.Try, gast.Raise)) or \
                    isinstance(n, gast.Assign) and _stored(n.targets) is None:
                avail.clear()
                return
        for n in gast.walk(stmt):
            if isinstance(n, gast.Call) and not self.harmless_call(n):
                avail.clear()
                return
        _kill(avail, {n.id for n in gast.walk(stmt) if isinstance(n, gast.Name)
                      and isinstance(n.ctx, gast.Store)})

    # ---------------------------------------------------------------- expressions

    def expression(self, stmt, parent, field, index, avail, before, top=False,
                   operand=False):
        """Rewrite the expression at ``parent.field[index]`` of ``stmt``: an
        available one in an *operand* position (of an operator or a ufunc,
        which make a new value of it) reads the name holding it; otherwise it
        becomes available.  Only operands: a value handed on as it is
        (``_rt.conj(e)`` of a real ``e``, ``e.T``, a tuple) could come to be
        shared by two names, and a write into one change the other."""
        node = getattr(parent, field) if index is None else getattr(parent, field)[index]
        if self.candidate(node):
            key = _key(node)
            seen = avail.get(key)
            if seen is not None and operand:
                _put(_Seen(stmt, parent, field, index, None), _name(self.held(seen, before)))
                return
            if seen is not None and top and self.shareable(stmt, seen):
                stmt.value = _name(self.held(seen, before))     # _t6 = _t3
                return
            if seen is None and operand:
                avail[key] = _Seen(stmt, parent, field, index, _reads(node))
        makes_new = isinstance(node, _OPERATORS) or isinstance(node, gast.Call) and \
            isinstance(self.resolve(node.func), np.ufunc)
        for child_field, value in gast.iter_fields(node):
            if child_field == "func":
                continue
            if isinstance(value, gast.expr):
                self.expression(stmt, node, child_field, None, avail, before,
                                operand=makes_new)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, gast.expr):
                        self.expression(stmt, node, child_field, i, avail, before,
                                        operand=makes_new and child_field != "keywords")

    def held(self, seen, before):
        """The name holding ``seen``'s value: a new temporary, assigned before
        the statement of its first occurrence, if it has none yet."""
        if seen.name is None:
            seen.name = self.temp()
            self.numeric.add(seen.name)
            self.operands.add(seen.name)
            hold = gast.Assign(targets=[gast.Name(id=seen.name, ctx=gast.Store(),
                                                  annotation=None, type_comment=None)],
                               value=_slot(seen), type_comment=None)
            hold.user_line = getattr(seen.stmt, "user_line", None)
            holds = before.setdefault(id(seen.stmt), [])
            at = len(holds)     # before a temporary whose value holds this one
            for i, other in enumerate(holds):
                if any(n is seen.parent for n in gast.walk(other.value)):
                    at = i
                    break
            holds.insert(at, hold)
            _put(seen, _name(seen.name))
        return seen.name

    def shareable(self, stmt, seen):
        """Whether ``stmt``, ``_tN = e`` with ``e`` held by ``seen``, may
        read ``_tN = name``: both names only ever read as operands."""
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) and \
            len(stmt.targets) == 1 else None
        return isinstance(target, gast.Name) and target.id in self.operands and \
            (seen.name is None or seen.name in self.operands)

    def candidate(self, node):
        """An operator or ufunc expression (not a bare name or constant)
        whose leaves are numeric names and number constants."""
        if not isinstance(node, _OPERATORS + (gast.Call,)):
            return False
        return self.computable(node)

    def computable(self, node):
        if isinstance(node, gast.Name):
            return node.id in self.numeric
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float, bool)
        if isinstance(node, gast.BinOp):
            return self.computable(node.left) and self.computable(node.right)
        if isinstance(node, gast.UnaryOp):
            return self.computable(node.operand)
        if isinstance(node, gast.Compare):
            return self.computable(node.left) and all(map(self.computable, node.comparators)) \
                and not any(isinstance(o, (gast.Is, gast.IsNot, gast.In, gast.NotIn))
                            for o in node.ops)
        if isinstance(node, gast.Call):
            fn = self.resolve(node.func)
            return isinstance(fn, np.ufunc) and not node.keywords and \
                len(node.args) == fn.nin and all(map(self.computable, node.args))
        return False

    def array(self, node):
        """Whether ``node`` is a numeric name, or its ``.T``, ``.real`` or
        ``.imag``: a number or an array, whose methods are NumPy's."""
        while isinstance(node, gast.Attribute) and node.attr in ("T", "real", "imag"):
            node = node.value
        return isinstance(node, gast.Name) and (node.id in self.numeric or
                                                node.id in self.cotangents)

    def harmless(self, expr):
        """Whether evaluating ``expr`` writes into no array (every call in it
        is one the effects table calls pure)."""
        return all(self.harmless_call(n) for n in gast.walk(expr) if isinstance(n, gast.Call))

    def harmless_call(self, call):
        func = call.func
        fn = self.resolve(func)
        if fn is None:
            return isinstance(func, gast.Attribute) and self.array(func.value) and \
                func.attr in METHODS and \
                func.attr not in INPLACE_METHODS and \
                not any(k.arg in ("out",) for k in call.keywords)
        if fn in _RUNTIME_READERS:
            return True
        module = getattr(fn, "__module__", None) or ""
        if module.startswith("srcgrad.rules.") and inspect.isfunction(fn):
            return True     # srcgrad's own rules and their helpers return new values
        if not (isinstance(fn, np.ufunc) or module.split(".")[0] == "numpy"):
            return False
        try:
            effect = call_effect(fn, len(call.args), tuple(k.arg for k in call.keywords))
        except Exception:   # noqa: BLE001 - unknown to the table: not harmless
            return False
        return effect.kind == "pure" and not any(k.arg is None for k in call.keywords) and \
            not any(isinstance(a, gast.Starred) for a in call.args)


def _stored(targets):
    """The names plain-name targets bind, or ``None`` for a target that
    writes into an object (a subscript, an attribute, a starred target)."""
    out = set()
    for t in targets:
        if isinstance(t, gast.Name):
            out.add(t.id)
        elif isinstance(t, gast.Tuple):
            inner = _stored(t.elts)
            if inner is None:
                return None
            out |= inner
        else:
            return None
    return out


def _kill(avail, stores):
    if not stores:
        return
    for key in [k for k, s in avail.items() if s.reads & stores or s.name in stores]:
        del avail[key]


def _reads(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}


def _key(node):
    return dump([gast.Expr(value=node)])


def _name(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _slot(seen):
    value = getattr(seen.parent, seen.field)
    return value if seen.index is None else value[seen.index]


def _put(seen, node):
    if seen.index is None:
        setattr(seen.parent, seen.field, node)
    else:
        getattr(seen.parent, seen.field)[seen.index] = node
