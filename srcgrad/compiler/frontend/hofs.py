"""Higher-order builtins as constructs the compiler already handles.

Runs on the parsed function, before the fence.  Each call below whose
function the compiler can see (a lambda, a global, closure or NumPy function,
a nested ``def`` or named lambda, a ``functools.partial`` of one) is rewritten:

- ``map(f, xs)`` -> ``[f(v) for v in xs]``; ``map(f, xs, ys)`` -> ``[f(a, b) for
  a, b in zip(xs, ys)]``; ``filter(p, xs)`` -> ``[v for v in xs if p(v)]``
  (``filter(None, xs)`` keeps the true items).  srcgrad evaluates them eagerly.
- ``functools.reduce(f, xs[, init])`` -> a loop before the statement, folding
  into a fresh accumulator.
- ``sorted(xs, key=k[, reverse=r])`` -> the items, reordered by the permutation
  ``runtime.key_order`` computes from the keys (the order carries no
  gradient; the items do); ``min``/``max(xs, key=k)`` -> the item at the index
  ``runtime.key_pick`` picks.
- ``g = functools.partial(f, a, k=b)`` (``g`` bound once, only ever called) ->
  the bound arguments saved in fresh names where the partial was made, and
  each call ``g(x)`` -> ``f(a', x, k=b')``; ``functools.partial(f, a)(x)`` ->
  ``f(a, x)``.  A lambda's body is inlined, its parameters renamed.

What each builtin becomes is in :mod:`.hofs_builtins`; this module walks the
function, keeps track of where statements may be hoisted (not inside a
lambda, a comprehension, a branch of a conditional expression, the right of
``and``/``or`` or a ``while`` test: there ``reduce``/``sorted``/``min``/``max``
are left as written), binds partials and inlines lambdas.  Nested ``def``s
are left to their own compile (they are lifted and compiled as functions).

Guarantees: the output computes what the input computes (in the same order
within each statement, except that a hoisted ``reduce``/``sorted``/``min``/
``max`` runs before the rest of its statement; a ``map``/``filter`` runs
eagerly only where that is exact: consumed where it is made, or reading
nothing that changes); a call it cannot rewrite faithfully is left as it
was (then resolved, or refused, as any other call); refused here, located:
``map``/``filter`` over an infinite ``itertools`` iterator, a lambda given
to a ``map``/``filter`` kept for later while what it reads changes, and a
bound partial given to a builtin call left as written.  The input node is
never changed: a rewritten function gets a copy of ``info``.

>>> import functools, numpy as np
>>> from .parse import parse_function
>>> from .anf import Namer, dump
>>> def f(x, ws):
...     ys = list(map(lambda w: w * x, ws))
...     return functools.reduce(np.dot, ys)
>>> info = parse_function(f)
>>> print(dump(rewrite(info, Namer(set(info.local_names))).node.body))
ys = [(w * x) for w in ws]
_acc = ys[0]
for _item in ys[1:]:
    _acc = np.dot(_acc, _item)
return _acc
"""

import builtins
import copy
import functools
import operator

import gast

from ..ir.fastast import walk as _walk
from ..ir.nodes import root_name
from .hofs_builtins import REWRITES, _call, _load, _located, _one_of, _resolve, _store

__all__ = ["rewrite"]

_KINDS = {builtins.map: "map", builtins.filter: "filter", functools.reduce: "reduce",
          builtins.sorted: "sorted", builtins.min: "min", builtins.max: "max",
          functools.partial: "partial"}

def _kind_of(obj):
    """``"map"``, ``"partial"``... for those builtins (by identity: a user's
    callable may be unhashable, or compare in its own way), else ``None``."""
    return next((kind for fn, kind in _KINDS.items() if obj is fn), None)


def _is_chain(node):
    """``name`` or ``a.b.c``: a callee read without calling anything."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name)


def _root(node):
    while isinstance(node, gast.Attribute):
        node = node.value
    return node


def rewrite(info, namer):
    """``info`` itself when its function uses none of these builtins, else a
    copy whose ``node`` is rewritten (fresh names taken from ``namer``)."""
    if not any(isinstance(n, gast.Call) and _kind_of(_resolve(info, n.func))
               for n in _walk(info.node)):
        return info
    node = copy.deepcopy(info.node)
    rw = _Rewriter(info, namer, node)
    node.body = rw.block(node.body)
    if not rw.changed:
        return info
    new = copy.copy(info)
    new.node = node
    new.local_names = set(info.local_names) | rw.fresh_names
    if rw.rt_name is not None:
        from ... import runtime
        new.closure = dict(info.closure, **{rw.rt_name: runtime})
    return new


class _Rewriter:
    def __init__(self, info, namer, fn):
        self.info = info
        self.namer = namer
        self.changed = False
        self.fresh_names = set()
        self.partials = {}      # name -> (callee, bound args, bound keywords)
        self.pending = None     # where hoisted statements go; None: nowhere
        self.rt_name = None     # the closure name of srcgrad.runtime, once used
        self.stmt_node = None
        self.seen = set()       # names read by the statements already rewritten
        self.nested_reads = {n.id for d in _walk(fn) if isinstance(d, gast.FunctionDef)
                             and d is not fn for n in _walk(d) if isinstance(n, gast.Name)}
        self.stores = {}
        for n in _walk(fn):
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                self.stores[n.id] = self.stores.get(n.id, 0) + 1
        self.callee_uses = set()  # ids of Name nodes used as a callee (directly or via a HOF)
        for n in _walk(fn):
            if isinstance(n, gast.Call):
                self.callee_uses.add(id(n.func))
                kind = self.kind(n.func)
                if kind in ("map", "filter", "reduce", "partial") and n.args:
                    self.callee_uses.add(id(n.args[0]))
                for k in n.keywords:
                    if k.arg == "key" and kind in ("sorted", "min", "max"):
                        self.callee_uses.add(id(k.value))
        # map/filter objects that are consumed one item at a time stay lazy (not rewritten)
        lazy = [n.args[0] for n in _walk(fn) if isinstance(n, gast.Call) and n.args
                and _one_of(_resolve(info, n.func), (builtins.next, builtins.iter))]
        lazy_names = {n.id for n in lazy if isinstance(n, gast.Name)}
        self.lazy = {id(n) for n in lazy} | {
            id(n.value) for n in _walk(fn) if isinstance(n, gast.Assign) and
            any(isinstance(t, gast.Name) and t.id in lazy_names for t in n.targets)}
        self.parents = {id(c): n for n in _walk(fn) for c in gast.iter_child_nodes(n)}
        self.rebound = _rebound(fn, self.stores)
        self.loads = {}
        for n in _walk(fn):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                self.loads.setdefault(n.id, []).append(n)

    def kind(self, func):
        return _kind_of(_resolve(self.info, func))

    def fresh(self, base):
        name = self.namer.fresh(base)
        self.fresh_names.add(name)
        return name

    def hoist(self, stmt):
        self.pending.append(_located(stmt, self.stmt_node))

    # ------------------------------------------------------------ statements
    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.stmt(stmt))
        return out if out or not stmts else [gast.copy_location(gast.Pass(), stmts[0])]

    def stmt(self, stmt):
        if isinstance(stmt, gast.FunctionDef):
            # rewritten when it is compiled itself (lifted); the tape, in mode="auto",
            # runs it as written
            self.seen |= {n.id for n in _walk(stmt) if isinstance(n, gast.Name)}
            return [stmt]
        saved = self.pending, self.stmt_node
        self.pending, self.stmt_node = [], stmt
        seen = {n.id for n in _walk(stmt) if isinstance(n, gast.Name)}
        try:
            bound = self.partial_binding(stmt)
            if bound is not None:
                return self.pending + bound
            for field, value in gast.iter_fields(stmt):
                if field in ("body", "orelse", "finalbody", "handlers"):
                    continue
                if isinstance(stmt, gast.While) and field == "test":
                    # evaluated again before each iteration: nothing may be hoisted
                    pending, self.pending = self.pending, None
                    stmt.test = self.expr(stmt.test)
                    self.pending = pending
                    continue
                setattr(stmt, field, self.visit_field(value))
            out = self.pending
        finally:
            self.pending, self.stmt_node = saved
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        self.seen |= seen
        return out + [stmt]

    def partial_binding(self, stmt):
        """``g = functools.partial(f, ...)`` with ``g`` bound once, only
        called, and not read before (by a nested function defined earlier):
        the statements saving the bound arguments (``None`` if the binding is
        not one of those)."""
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
                isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)
                and self.kind(stmt.value.func) == "partial"):
            return None
        name = stmt.targets[0].id
        if self.stores.get(name) != 1 or name in self.seen or name in self.nested_reads or \
                not all(
                id(n) in self.callee_uses for n in self.loads.get(name, [])):
            return None
        call = stmt.value
        if not call.args or not self.stable_chain(call.args[0]) or \
                any(isinstance(a, gast.Starred) for a in call.args) or \
                any(k.arg is None for k in call.keywords):
            return None
        out = []
        args, keywords = [], []
        for i, a in enumerate(call.args[1:]):
            args.append(self.saved(self.expr(a), "%s_arg%d" % (name, i), out))
        for k in call.keywords:
            keywords.append(gast.keyword(arg=k.arg, value=self.saved(
                self.expr(k.value), "%s_%s" % (name, k.arg), out)))
        callee = call.args[0]
        if isinstance(callee, gast.Name) and callee.id in self.partials:
            inner, iargs, ikw = self.partials[callee.id]
            callee, args, keywords = inner, iargs + args, _merged(ikw, keywords)
        self.partials[name] = (callee, args, keywords)
        self.changed = True
        return [_located(s, stmt) for s in out] or [gast.copy_location(gast.Pass(), stmt)]

    def saved(self, value, base, out):
        """``value`` as evaluated where the partial is made: a constant or a
        name never rebound in the function as it is, else a fresh name."""
        if isinstance(value, gast.Constant) or isinstance(value, gast.Name) and \
                not self.stores.get(value.id):
            return value
        tmp = self.fresh(base)
        out.append(gast.Assign(targets=[_store(tmp)], value=value, type_comment=None))
        return _load(tmp)

    def stable_chain(self, node):
        """A callee expression that means the same wherever it is re-read: a
        name or attribute chain whose root is not rebound in the function."""
        return _is_chain(node) and self.stores.get(_root(node).id, 0) <= 1

    # ------------------------------------------------------------ expressions
    def visit_field(self, value):
        if isinstance(value, list):
            return [self.expr(v) if isinstance(v, gast.AST) else v for v in value]
        return self.expr(value) if isinstance(value, gast.AST) else value

    def expr(self, node):
        if isinstance(node, (gast.Lambda, gast.IfExp, gast.BoolOp, gast.ListComp,
                             gast.GeneratorExp, gast.DictComp, gast.SetComp)):
            return self.conditional(node)
        if not isinstance(node, (gast.expr, gast.keyword, gast.comprehension)):
            return node
        for field, value in gast.iter_fields(node):
            setattr(node, field, self.visit_field(value))
        if isinstance(node, gast.Call):
            return self.call(node)
        return node

    def conditional(self, node):
        """Sub-expressions not evaluated exactly once where the statement runs
        (a lambda's body, a branch, a loop's body) get nothing hoisted."""
        def later(fn, *args):
            pending, self.pending = self.pending, None
            try:
                return fn(*args)
            finally:
                self.pending = pending
        if isinstance(node, gast.Lambda):
            node.body = later(self.expr, node.body)
        elif isinstance(node, gast.IfExp):
            node.test = self.expr(node.test)
            node.body = later(self.expr, node.body)
            node.orelse = later(self.expr, node.orelse)
        elif isinstance(node, gast.BoolOp):
            node.values = [self.expr(node.values[0])] + [
                later(self.expr, v) for v in node.values[1:]]
        else:
            gens = node.generators
            gens[0].iter = self.expr(gens[0].iter)
            for i, gen in enumerate(gens):
                if i:
                    gen.iter = later(self.expr, gen.iter)
                gen.ifs = [later(self.expr, c) for c in gen.ifs]
            for field in ("elt", "key", "value"):
                if getattr(node, field, None) is not None:
                    setattr(node, field, later(self.expr, getattr(node, field)))
        return node

    def call(self, node):
        func = node.func
        if isinstance(func, gast.Name) and func.id in self.partials:
            callee, args, keywords = self.partials[func.id]
            return self.applied(callee, list(args) + node.args,
                                _merged(keywords, node.keywords), node)
        if isinstance(func, gast.Call) and self.kind(func.func) == "partial" and \
                func.args and self.stable_chain(func.args[0]) and \
                not any(isinstance(a, gast.Starred) for a in func.args) and \
                all(k.arg is not None for k in func.keywords):
            # functools.partial(f, a)(x): each argument is evaluated once, in order
            self.changed = True
            return self.applied(func.args[0], func.args[1:] + node.args,
                                _merged(func.keywords, node.keywords), node)
        if _resolve(self.info, func) is builtins.list and len(node.args) == 1 and \
                not node.keywords and getattr(node.args[0], "hof_list", False):
            return node.args[0]  # list(map(...)): the rewritten map is a fresh list already
        kind = self.kind(func)
        method = REWRITES.get(kind)
        if method is None:
            return node
        new = method(self, node)
        if new is None:
            for arg in node.args + [k.value for k in node.keywords]:
                if isinstance(arg, gast.Name) and arg.id in self.partials:
                    raise self.info.error(
                        node, "the functools.partial %r is passed to %s(...) where the "
                        "compiler cannot rewrite the call" % (arg.id, kind),
                        "call it directly, or make the %s(...) call a statement of its own "
                        "(r = %s(...))" % (kind, kind))
            return node
        self.changed = True
        new.hof_list = kind in ("map", "filter", "sorted")
        return _located(new, node)

    def applied(self, callee, args, keywords, where):
        """The call ``callee(*args, **keywords)``, a lambda's body inlined."""
        if isinstance(callee, gast.Lambda):
            body = self.inlined(callee, args, keywords)
            if body is not None:
                return _located(body, where)
            return where  # left as it was (the fence refuses the lambda)
        if isinstance(callee, gast.Name) and callee.id in self.partials:
            inner, iargs, ikw = self.partials[callee.id]
            return self.applied(inner, list(iargs) + list(args), _merged(ikw, keywords), where)
        return _located(_call(copy.deepcopy(callee), args, keywords), where)

    def inlined(self, lam, args, keywords):
        """A lambda's body with its parameters replaced by ``args`` (names or
        constants only, so nothing is evaluated twice); ``None`` if that is
        not exact."""
        a = lam.args
        params = [p.id for p in a.posonlyargs + a.args]
        if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or keywords or \
                len(params) != len(args) or \
                not all(_simple(v) for v in args):
            return None
        for n in _walk(lam.body):
            if isinstance(n, gast.Name) and n.id in params and \
                    not isinstance(n.ctx, gast.Load) or isinstance(n, gast.Lambda):
                return None  # a parameter rebound inside the body
        values = dict(zip(params, args))
        body = copy.deepcopy(lam.body)

        def swap(n):
            if isinstance(n, gast.Name) and n.id in values:
                return copy.deepcopy(values[n.id])
            for field, value in gast.iter_fields(n):
                if isinstance(value, list):
                    setattr(n, field, [swap(v) if isinstance(v, gast.AST) else v
                                       for v in value])
                elif isinstance(value, gast.AST):
                    setattr(n, field, swap(value))
            return n
        return swap(body)

    def callee_of(self, node, arity):
        """A function ``args -> call expression`` for the callee ``node`` of a
        higher-order builtin, or ``None`` when the compiler cannot see it."""
        if isinstance(node, gast.Lambda):
            a = node.args
            if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or \
                    len(a.posonlyargs + a.args) != arity:
                return None
            if self.inlined(node, [_load("_")] * arity, []) is None:
                return None
            return lambda args: self.applied(node, args, [], node)
        if isinstance(node, gast.Call) and self.kind(node.func) == "partial" and node.args \
                and self.stable_chain(node.args[0]) and \
                all(isinstance(a, (gast.Name, gast.Constant)) for a in node.args[1:]) and \
                all(k.arg is not None and isinstance(k.value, (gast.Name, gast.Constant))
                    for k in node.keywords):
            inner, bound, kws = node.args[0], node.args[1:], node.keywords
            return lambda args: self.applied(inner, list(map(copy.deepcopy, bound)) + args,
                                             copy.deepcopy(kws), node)
        getter = _getter(node, _resolve(self.info, node.func)) \
            if isinstance(node, gast.Call) and arity == 1 else None
        if getter is not None:
            return getter
        if self.stable_chain(node):
            return lambda args: self.applied(node, args, [], node)
        return None

    def runtime(self, name):
        """``srcgrad.runtime.<name>``, through a name bound in the function's
        closure (as ``Env.runtime`` binds it: ``_rt`` unless that is taken)."""
        if self.rt_name is None:
            self.rt_name = self.namer.fresh("_rt")
        return gast.Attribute(value=_load(self.rt_name), attr=name, ctx=gast.Load())


def _getter(node, fn):
    """``operator.itemgetter(0)`` / ``attrgetter("w")`` with constant
    arguments: ``args -> v[0]`` / ``v.w`` (a tuple of them for several), or
    ``None``."""
    if fn not in (operator.itemgetter, operator.attrgetter) or node.keywords or \
            not node.args or not all(isinstance(a, gast.Constant) for a in node.args):
        return None
    if fn is operator.attrgetter and not all(
            isinstance(a.value, str) and a.value.isidentifier() for a in node.args):
        return None

    def one(v, a):
        if fn is operator.itemgetter:
            return gast.Subscript(value=v, slice=copy.deepcopy(a), ctx=gast.Load())
        return gast.Attribute(value=v, attr=a.value, ctx=gast.Load())

    def make(args):
        items = [one(copy.deepcopy(args[0]), a) for a in node.args]
        return items[0] if len(items) == 1 else gast.Tuple(elts=items, ctx=gast.Load())
    return make


#: methods that change a list or dict in place
_MUTATORS = ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
             "update", "setdefault", "popitem")


def _rebound(fn, stores):
    """Names that may hold another value (or another content) at one point
    of the function than at another: assigned twice, assigned in a loop, an
    assigned parameter, or changed in place."""
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    out = {n for n, k in stores.items() if k > 1 or n in params}
    for loop in _walk(fn):
        if isinstance(loop, (gast.For, gast.While)):
            for n in _walk(loop):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                    out.add(n.id)
    for n in _walk(fn):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            out.add(root_name(n))
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in _MUTATORS:
            out.add(root_name(n.func.value))
    out.discard(None)
    return out


def _simple(node):
    """A name, a constant, or a tuple of them: substituting it evaluates nothing twice."""
    if isinstance(node, gast.Tuple):
        return all(_simple(e) for e in node.elts)
    return isinstance(node, (gast.Name, gast.Constant))


def _merged(first, second):
    """Keyword arguments, the later ones overriding (as ``functools.partial``)."""
    later = {k.arg for k in second if k.arg is not None}
    return [k for k in first if k.arg not in later] + list(second)
