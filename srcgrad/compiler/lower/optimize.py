"""Clean-up of generated expressions: constant folding and algebraic identities.

:func:`fold` guarantees the value is unchanged for numeric operands (it only
removes multiplications by one, powers of one, additions of zero, double
negations, and evaluates operations on literal numbers and ``None`` tests).

>>> import gast
>>> from ..frontend.anf import dump
>>> e = gast.parse("g * 2 * x ** (2 - 1) * 1.0").body[0].value
>>> print(dump([gast.Expr(value=fold(e))]))
g * 2 * x
"""

import operator
import re

import gast
import numpy as np

from ... import runtime
from ..ir.fastast import Transformer, walk

__all__ = ["fold"]

_EVAL = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.FloorDiv: operator.floordiv,
}


_COMPARE = {
    gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Lt: operator.lt,
    gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge,
}


def _num(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) \
        and not isinstance(node.value, bool)


def _is(node, value):
    return _num(node) and node.value == value


def _foldable_args(args):
    """Whether ``_Folder.visit_Call``'s cases may apply to a call with these
    arguments (each case's test on its arguments, without the callee): all
    literal numbers or booleans (a ufunc), one argument that is a number or
    a product with a number (``conj``), a boolean first of three (``where``),
    a second of 1 (``power``, ``multiply``)."""
    if all(_num(a) or isinstance(a, gast.Constant) and isinstance(a.value, bool)
           for a in args):
        return True
    n = len(args)
    if n == 1:
        a = args[0]
        return _num(a) or isinstance(a, gast.BinOp) and isinstance(a.op, gast.Mult) and \
            (_num(a.left) or _num(a.right))
    if n == 3:
        return isinstance(args[0], gast.Constant) and isinstance(args[0].value, bool)
    return n == 2 and _is(args[1], 1)


class _Folder(Transformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right, op = node.left, node.right, type(node.op)
        if _num(left) and _num(right) and op in _EVAL:
            try:
                value = _EVAL[op](left.value, right.value)
            except (ZeroDivisionError, OverflowError, ValueError):
                return node
            if isinstance(value, (int, float)) and abs(value) < 1e15:
                return gast.Constant(value=value, kind=None)
        if op is gast.Mult:
            if _is(right, 1):
                return left
            if _is(left, 1):
                return right
        if op is gast.Div and _is(right, 1):
            return left
        if op is gast.Pow and _is(right, 1):
            return left
        if op in (gast.Add, gast.Sub) and _is(right, 0):
            return left
        if op is gast.Add and _is(left, 0):
            return right
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub):
            if _num(node.operand):
                return gast.Constant(value=-node.operand.value, kind=None)
            if isinstance(node.operand, gast.UnaryOp) and isinstance(node.operand.op, gast.USub):
                return node.operand.operand
        if isinstance(node.op, gast.Not) and isinstance(node.operand, gast.Constant):
            return gast.Constant(value=not node.operand.value, kind=None)
        return node

    def __init__(self, resolve=None):
        self.resolve = resolve or (lambda node: None)

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.left, gast.Constant) and \
                isinstance(node.comparators[0], gast.Constant):
            a, b, op = node.left.value, node.comparators[0].value, node.ops[0]
            if isinstance(op, gast.Is):
                return gast.Constant(value=a is b, kind=None)
            if isinstance(op, gast.IsNot):
                return gast.Constant(value=a is not b, kind=None)
            fn = _COMPARE.get(type(op))
            if fn is not None and _num(node.left) and _num(node.comparators[0]):
                return gast.Constant(value=bool(fn(a, b)), kind=None)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        args = node.args
        if node.keywords or not args or not _foldable_args(args):
            return node     # no case below applies: the callee is not resolved
        fn = self.resolve(node.func)
        if fn is None:
            return node
        if isinstance(fn, np.ufunc) and args and all(_num(a) or isinstance(
                a, gast.Constant) and isinstance(a.value, bool) for a in args):
            try:
                value = fn(*[a.value for a in args])
            except (ArithmeticError, ValueError, TypeError):
                return node
            if isinstance(value, np.generic) and value.ndim == 0 and np.isfinite(value):
                return gast.Constant(value=value.item(), kind=None)
            return node
        if fn is runtime.conj and len(args) == 1:
            arg = args[0]
            if _num(arg):
                return arg      # a real number is its own conjugate
            if isinstance(arg, gast.BinOp) and isinstance(arg.op, gast.Mult) and \
                    (_num(arg.left) or _num(arg.right)):
                # conj(2 * y) is 2 * conj(y): the number first, for scalars_first
                num, rest = (arg.left, arg.right) if _num(arg.left) else (arg.right, arg.left)
                node.args = [rest]
                return gast.BinOp(left=num, op=gast.Mult(), right=node)
        if fn is np.where and len(args) == 3 and isinstance(args[0], gast.Constant) \
                and isinstance(args[0].value, bool):
            return args[1] if args[0].value else args[2]
        if fn is np.power and len(args) == 2 and _is(args[1], 1):
            return args[0]
        if fn in (np.multiply,) and len(args) == 2 and _is(args[1], 1):
            return args[0]
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if isinstance(node.test, gast.Constant):
            return node.body if node.test.value else node.orelse
        return node


def fold(expr, resolve=None):
    """Fold constants and trivial identities in an expression tree.
    ``resolve(node)`` maps a name to the object it stands for (to fold calls
    of NumPy functions on literal numbers)."""
    return _Folder(resolve).visit(expr)


_TEMP = re.compile(r"^_b?t\d+$")


def _loads(node):
    return [n.id for n in walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)]


def _stores(stmt):
    return {n.id for n in walk(stmt) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}


def inline_temps(functions, protected=(), pure=lambda call: False, also=()):
    """Put single-use temporaries back into the expression that uses them.

    ``functions`` is a list of statement lists (the forward and adjoint
    bodies); a temporary ``_tN`` / ``_btN`` (or a name in ``also``: adjoints
    that are not results) read exactly once in all of them,
    by a later simple statement of the same block, is
    substituted there when nothing between writes a name it reads, and it has
    no calls but ``pure`` ones (so moving it changes no result).

    >>> import gast
    >>> from ..frontend.anf import dump
    >>> body = gast.parse("_t1 = x * 2\\n_push(x)\\nx = _t1 + 1").body
    >>> print(dump(inline_temps([body])[0]))
    _push(x)
    x = x * 2 + 1
    """
    counts = {}
    for body in functions:
        for stmt in body:
            for name in _loads(stmt):
                counts[name] = counts.get(name, 0) + 1
    protected = set(protected)
    also = set(also)
    return [_inline_block(body, counts, protected, pure, also) for body in functions]


def _size(node):
    """Nodes in an expression: big ones stay in their own statement, for
    readable generated code."""
    return sum(1 for n in walk(node) if isinstance(n, gast.expr))


def _simple(stmt):
    return isinstance(stmt, (gast.Assign, gast.Expr, gast.Return))


def _inline_block(body, counts, protected, pure, also=frozenset()):
    body = list(body)
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, gast.FunctionDef):
                setattr(stmt, field, _inline_block(inner, counts, protected, pure, also))
    names = {}   # id(stmt) -> (names it loads, names it stores): one walk per statement

    def names_of(stmt):
        hit = names.get(id(stmt))
        if hit is None:
            hit = names[id(stmt)] = _load_store(stmt)
        return hit

    i = 0
    while i < len(body):
        stmt = body[i]
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
                isinstance(stmt.targets[0], gast.Name)):
            i += 1
            continue
        name = stmt.targets[0].id
        if not (_TEMP.match(name) or name in also) or counts.get(name) != 1 or \
                name in protected or \
                not all(pure(c) for c in walk(stmt.value) if isinstance(c, gast.Call)) \
                or _size(stmt.value) > 12:
            i += 1
            continue
        reads = set(_loads(stmt.value))
        j = i + 1
        while j < len(body):
            other = body[j]
            if not _simple(other):
                j = len(body)
                break
            loads, stores = names_of(other)
            if name in loads:
                break
            if isinstance(other, gast.Expr):   # _rt.restore(y, i, _pop()), y.pop(): in place
                stores = stores | _written_by(other.value)
            if stores & reads or isinstance(other, gast.Assign) and name in stores:
                j = len(body)
                break
            j += 1
        if j >= len(body):
            i += 1
            continue
        body[j] = _Replace(name, stmt.value).visit(body[j])
        names.pop(id(body[j]), None)   # it reads other names now
        del body[i]
    return body


def _written_by(value):
    """Names a call made as a statement may write into: the receiver of a
    method and its first argument (``_rt.restore(y, ...)``, ``lst.pop()``)."""
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)):
        return set()
    parts = [value.func.value] + list(value.args[:1])
    return {n.id for p in parts for n in walk(p) if isinstance(n, gast.Name)}


def _load_store(stmt):
    """The names ``stmt`` loads and those it stores, in one walk."""
    loads, stores = set(), set()
    for n in walk(stmt):
        if isinstance(n, gast.Name):
            if isinstance(n.ctx, gast.Load):
                loads.add(n.id)
            elif isinstance(n.ctx, gast.Store):
                stores.add(n.id)
    return loads, stores


class _Replace(Transformer):
    def __init__(self, name, value):
        self.name = name
        self.value = value

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return self.value
        return node


def expr_shape(node, shape_of, resolve):
    """The shape of an elementwise expression over names of known shape
    (``None`` when unknown)."""
    if isinstance(node, gast.Constant):
        return () if _num(node) else None
    if isinstance(node, gast.Name):
        return shape_of(node.id)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        return expr_shape(node.operand, shape_of, resolve)
    parts = None
    if isinstance(node, gast.BinOp) and type(node.op) in _EVAL:
        parts = [node.left, node.right]
    elif isinstance(node, gast.Call) and not node.keywords and \
            (isinstance(resolve(node.func), np.ufunc) or resolve(node.func) is runtime.conj):
        parts = node.args
    if parts is None:
        return None
    shapes = [expr_shape(p, shape_of, resolve) for p in parts]
    if any(s is None for s in shapes):
        return None
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def scalars_first(expr, shape_of, resolve, expand):
    """Reassociate products so scalar factors multiply first (``g * (2 * x)``
    becomes ``g * 2 * x``: one array operation instead of two), and drop an
    explicit broadcast of a scalar (``expand(c, S, None, False)``, the
    cotangent of a full reduction) when the other factors already have shape
    ``S``.  Values are unchanged up to rounding."""

    class _Products(Transformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if not isinstance(node.op, gast.Mult):
                return node
            factors = _factors(node)
            scalars, arrays, need = [], [], None
            for f in factors:
                if isinstance(f, gast.Call) and resolve(f.func) is expand and len(f.args) == 4 \
                        and isinstance(f.args[1], gast.Constant) and \
                        isinstance(f.args[2], gast.Constant) and f.args[2].value is None and \
                        expr_shape(f.args[0], shape_of, resolve) == ():
                    scalars.append(f.args[0])
                    need = f.args[1].value
                    continue
                shape = expr_shape(f, shape_of, resolve)
                (scalars if shape == () else arrays).append(f)
            if need is not None:
                full = expr_shape(_product(arrays), shape_of, resolve) if arrays else None
                if full != tuple(need):
                    return node   # the broadcast is needed: keep the product as written
            if need is None and (not arrays or len(scalars) < 2 or
                                 factors[:len(scalars)] == scalars):
                return node  # nothing to gain: keep the product as written
            return _product(scalars + arrays)

    return _Products().visit(expr)


def _factors(node):
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _product(factors):
    out = factors[0]
    for f in factors[1:]:
        out = gast.BinOp(left=out, op=gast.Mult(), right=f)
    return out


_NAMES = {"_pop": "_pop", "_rev": "_rev", "reversed": "reversed", "range": "range",
          "len": "len"}


def fuse_pops(stmts, islice_name, names=None):
    r"""An adjoint loop whose body starts by popping one saved value, and pops
    nothing else, iterates over the saved values directly:
    ``for i in reversed(r): x = _pop(); ...`` becomes
    ``for x in islice(_rev, len(r)): ...`` (when ``i`` is not read).
    ``names`` maps ``"_pop"``, ``"_rev"``, ``"reversed"``, ``"range"`` and
    ``"len"`` to what they are called in this function (``Env.state`` and
    ``Env.builtin``: another name when the user's code binds the usual one).

    >>> from ..frontend.anf import dump
    >>> body = gast.parse("for i in reversed(r):\n    x = _pop()\n    g = g * x").body
    >>> print(dump(fuse_pops(body, "_islice")))
    for x in _islice(_rev, len(r)):
        g = g * x
    """
    names = names or _NAMES
    pop, rev = names["_pop"], names["_rev"]
    out = []
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            stmt.body = fuse_pops(stmt.body, islice_name, names)
            stmt.orelse = fuse_pops(stmt.orelse, islice_name, names)
        if isinstance(stmt, gast.For) and stmt.body:
            count = _trip_count(stmt.iter, names)
            first = stmt.body[0]
            pops = sum(1 for n in walk(stmt) if isinstance(n, gast.Call) and
                       isinstance(n.func, gast.Name) and n.func.id == pop)
            if count is not None and pops == 1 and isinstance(first, gast.Assign) and \
                    len(first.targets) == 1 and isinstance(first.targets[0], gast.Name) and \
                    isinstance(first.value, gast.Call) and \
                    isinstance(first.value.func, gast.Name) and \
                    first.value.func.id == pop and \
                    stmt.target.id not in _loads(gast.Module(body=stmt.body, type_ignores=[])):
                stmt.target = gast.Name(id=first.targets[0].id, ctx=gast.Store(),
                                        annotation=None, type_comment=None)
                stmt.iter = gast.Call(func=gast.Name(id=islice_name, ctx=gast.Load(),
                                                     annotation=None, type_comment=None),
                                      args=[gast.Name(id=rev, ctx=gast.Load(),
                                                      annotation=None, type_comment=None),
                                            count], keywords=[])
                stmt.body = stmt.body[1:] or [gast.Pass()]
        out.append(stmt)
    return out


def _trip_count(node, names):
    """The number of iterations of ``reversed(seq)`` or ``range(n)``."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
            len(node.args) == 1 and not node.keywords:
        arg = node.args[0]
        if node.func.id == names["range"]:
            return arg
        if node.func.id == names["reversed"]:
            if isinstance(arg, gast.Subscript) and isinstance(arg.slice, gast.Slice) and \
                    arg.slice.lower is None and arg.slice.step is None and \
                    arg.slice.upper is not None:
                return arg.slice.upper
            return gast.Call(func=gast.Name(id=names["len"], ctx=gast.Load(), annotation=None,
                                            type_comment=None), args=[arg], keywords=[])
    return None


def propagate_copies(stmts, keep=()):
    r"""Copy propagation and dead-store removal in straight-line runs of the
    adjoint: after ``a = b`` (names), later reads of ``a`` read ``b`` while
    neither is reassigned; ``b = a`` when they are equal is dropped; an
    assignment of a name (not in ``keep``) that nothing reads is removed.

    >>> from ..frontend.anf import dump
    >>> body = gast.parse("t = g\nv = pop()\ng = t\nh = t * 2").body
    >>> print(dump(propagate_copies(body, keep={"h", "g"})))
    v = pop()
    h = g * 2
    """
    stmts = _propagate(stmts)
    keep = set(keep)
    simple = {}   # id(stmt) -> its loads, for statements no later sweep changes
    while True:
        reads = {}
        for stmt in stmts:
            loads = simple.get(id(stmt))
            if loads is None:
                loads = _loads(stmt)
                if not isinstance(stmt, (gast.If, gast.For, gast.While)):
                    simple[id(stmt)] = loads
            for name in loads:
                reads[name] = reads.get(name, 0) + 1
        pruned = _drop_dead(stmts, reads, keep)
        if pruned is None:
            return stmts
        stmts = pruned


def _propagate(stmts):
    out, copies = [], {}
    copied = set()   # a superset of copies' values
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            copies = {}   # a block boundary: start over inside and after
            copied = set()
            stmt.body = _propagate(stmt.body)
            stmt.orelse = _propagate(stmt.orelse)
            if not stmt.body and not stmt.orelse:
                continue  # everything in it was a no-op
            stmt.body = stmt.body or [gast.Pass()]
            out.append(stmt)
            continue
        if copies:
            stmt = _Substitute(copies).visit(stmt)
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name) \
                and stmt.targets[0].id == stmt.value.id:
            continue  # a no-op after propagation: the two names hold the same object
        stored = _stores(stmt)
        if isinstance(stmt, gast.AugAssign):
            stored.add(stmt.target.id if isinstance(stmt.target, gast.Name) else "")
        for name in stored:
            copies.pop(name, None)
            if name in copied:   # (a set of the values: no scan of every copy per store)
                for k in [k for k, v in copies.items() if v == name]:
                    del copies[k]
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name):
            copies[stmt.targets[0].id] = stmt.value.id
            copied.add(stmt.value.id)
        out.append(stmt)
    return out


def _drop_dead(stmts, reads, keep):
    changed = False
    out = []
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            body = _drop_dead(stmt.body, reads, keep)
            orelse = _drop_dead(stmt.orelse, reads, keep)
            if body is not None:
                stmt.body, changed = body or [gast.Pass()], True
            if orelse is not None:
                stmt.orelse, changed = orelse, True
            if all(isinstance(x, gast.Pass) for x in stmt.body + stmt.orelse):
                changed = True
                continue  # nothing left in it
            out.append(stmt)
            continue
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and \
                stmt.targets[0].id not in keep and not reads.get(stmt.targets[0].id) and \
                isinstance(stmt.value, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp)) \
                and not any(isinstance(n, gast.Call) for n in walk(stmt.value)):
            changed = True
            continue
        out.append(stmt)
    return out if changed else None


class _Substitute(Transformer):
    def __init__(self, copies):
        self.copies = copies

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.copies:
            return gast.Name(id=self.copies[node.id], ctx=gast.Load(), annotation=None,
                             type_comment=None)
        return node
