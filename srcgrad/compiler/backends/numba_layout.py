"""The Numba layout of a fused gradient function: the same statements, in
the form Numba's nopython mode types.  Imports no numba (pure AST work).

The fused function (compiler/lower/fused.py) saves overwritten values on one
Python list of mixed types (``_push(x)`` ... ``x = _pop()``) read back through
``reversed``; Numba types a list by one item type.  Because the adjoint pops
in exactly the reverse order of the forward's pushes, one stack per saved
*name* is the same program: each name's pushes and pops keep their LIFO
order.  So :func:`numba_layout` rewrites

- ``_stack = []``, ``_push = _stack.append`` into one ``_saved_x = []`` per
  name the forward pushes; ``_push(x)`` into ``_saved_x.append(x)``;
- ``_rev = reversed(_stack)``, ``_pop = _rev.__next__`` away; ``x = _pop()``
  into ``x = _saved_x.pop()``; ``for x in _islice(_rev, n):`` into
  ``for _k in range(n):`` with ``x = _saved_x.pop()`` first in its body, and
  ``for x in _rev:`` (lower/drain.py) likewise with ``n`` ``len(_saved_x)``;
- ``reversed(r)`` of a ``range`` bound to a name into the reversed range;
- ``_rt.<helper>(...)`` into ``_nb_<helper>(...)``, where the backend has a
  Numba version of the helper (:data:`HELPERS`);
- ``g.sum(axis=(0,), keepdims=True).reshape((1, 3))`` (a broadcast undone
  where both shapes are known) into ``_nb_sum_axes(g, (0,), (1, 3))``: Numba's
  ``sum`` takes neither a tuple of axes nor ``keepdims``;

and refuses (:class:`NotNumbaable`, with the reason) everything it does not
know to keep the same meaning under Numba: a global that is not ``numpy`` or
``math`` (Numba freezes a global's value when it compiles), a rebinding
guard, another runtime helper, a call to an object it cannot name, a push of
anything but a name.  What Numba then cannot type is the backend's refusal
(numba_backend.py); neither is ever a wrong gradient, only the NumPy backend.

>>> src = '''
... def f_grad(x):
...     _stack = []
...     _push = _stack.append
...     _t1 = range(3)
...     for i in _t1:
...         _push(x)
...         x = math.sin(x)
...     bx = _rt.seed(x)
...     _rev = reversed(_stack)
...     for x in _islice(_rev, len(_t1)):
...         bx = bx * math.cos(x)
...     return (bx,)
... '''
>>> import builtins, itertools, math, srcgrad.runtime
>>> names = {"math": math, "_rt": srcgrad.runtime, "_islice": itertools.islice}
>>> lookup = lambda name: names.get(name, getattr(builtins, name, None))
>>> print(numba_layout(src, lookup).source, end="")
def f_grad(x):
    _saved_x = []
    _t1 = range(3)
    for i in _t1:
        _saved_x.append(x)
        x = math.sin(x)
    bx = _nb_seed(x)
    for _k in range(len(_t1)):
        x = _saved_x.pop()
        bx = bx * math.cos(x)
    return (bx,)
"""

import ast
import builtins
import itertools
import math

import numpy as np

__all__ = ["NotNumbaable", "numba_layout", "Layout", "HELPERS"]

#: runtime helpers (srcgrad.runtime) with a Numba version in numba_backend.py
HELPERS = ("seed", "reduced_seed", "seed_if_float64", "conj", "zeros_like", "owned", "add_at",
           "unbroadcast", "expand_reduced")

#: builtins generated code may call under Numba
_BUILTINS = {"range", "len", "reversed", "float", "int", "abs", "min", "max", "bool",
             "enumerate", "zip"}

#: statements and expressions left to the NumPy backend: Numba supports them
#: partly, or with other semantics (which exceptions a ``try`` catches)
_REFUSED = {ast.Try: "a try statement", ast.With: "a with statement",
            ast.Lambda: "a lambda", ast.FunctionDef: "a nested function",
            ast.ClassDef: "a class", ast.Yield: "a yield", ast.YieldFrom: "a yield",
            ast.Global: "a global statement", ast.Nonlocal: "a nonlocal statement",
            ast.GeneratorExp: "a generator expression", ast.Await: "an await",
            ast.Starred: "a starred argument"}


class NotNumbaable(Exception):
    """The fused function has a construct this layout does not carry over to
    Numba; the message says which (``explain`` shows it)."""


class Layout:
    """The rewritten function: its ``source``, its ``name``, and the
    ``modules`` (name -> numpy or math) it reads as globals."""

    def __init__(self, source, name, modules):
        self.source, self.name, self.modules = source, name, modules


def numba_layout(source, lookup):
    """The :class:`Layout` of the fused function ``source``; ``lookup(name)``
    gives the object a free name of it refers to (``None``: unknown)."""
    tree = ast.parse(source)
    fn = tree.body[0]
    if not isinstance(fn, ast.FunctionDef) or len(tree.body) != 1:
        raise NotNumbaable("not a single function")
    for node in ast.walk(fn):
        if type(node) in _REFUSED and node is not fn:
            raise NotNumbaable("has %s" % _REFUSED[type(node)])
    local = _locals(fn)
    roles = _roles(fn, lookup)
    modules = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and \
                node.id not in local and node.id not in roles.values():
            obj = lookup(node.id)
            if obj is np or obj is math:
                modules[node.id] = obj
            elif node.id in _BUILTINS and obj is getattr(builtins, node.id):
                pass
            elif _is_runtime(obj) or obj is itertools.islice:
                pass    # checked where used (_Rewrite)
            elif callable(obj):
                raise NotNumbaable("calls %r (%s), which Numba cannot compile here"
                                   % (node.id, type(obj).__name__))
            else:
                raise NotNumbaable(
                    "reads the global %r (%s): Numba would freeze its value when it compiles"
                    % (node.id, type(obj).__name__))
    fn = _Rewrite(roles, lookup, local).visit(fn)
    ast.fix_missing_locations(fn)
    return Layout(ast.unparse(fn) + "\n", fn.name, modules)


def _locals(fn):
    names = {a.arg for a in fn.args.args}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
    return names


def _is_runtime(obj):
    import srcgrad.runtime as rt
    return obj is rt


def _roles(fn, lookup):
    """The saved-value stack's names by role: ``stack`` (``X = []`` whose
    ``append`` is bound to ``push``), ``rev`` (``reversed(stack)``), ``pop``
    (``rev.__next__``); read off the statements, not the spellings."""
    roles = {}
    for stmt in fn.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and
                isinstance(stmt.targets[0], ast.Name)):
            continue
        target, value = stmt.targets[0].id, stmt.value
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            if value.attr == "append" and _is_empty_list(fn, value.value.id):
                roles["stack"], roles["push"] = value.value.id, target
            elif value.attr == "__next__" and value.value.id == roles.get("rev"):
                roles["pop"] = target
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
                lookup(value.func.id) is reversed and len(value.args) == 1 and \
                isinstance(value.args[0], ast.Name) and value.args[0].id == roles.get("stack"):
            roles["rev"] = target
    return roles


def _is_empty_list(fn, name):
    return any(isinstance(s, ast.Assign) and len(s.targets) == 1 and
               isinstance(s.targets[0], ast.Name) and s.targets[0].id == name and
               isinstance(s.value, ast.List) and not s.value.elts for s in fn.body)


def _name(id, store=False):
    return ast.Name(id=id, ctx=ast.Store() if store else ast.Load())


class _Rewrite(ast.NodeTransformer):
    """The rewrite of the module docstring, statement by statement."""

    def __init__(self, roles, lookup, local):
        self.roles, self.lookup, self.local = roles, lookup, local
        self.saved = []     # the pushed names, in order of first push
        self.ranges = set()     # names bound (only) to a range(...)
        self.counter = 0

    # -- the function: prologue of per-name stacks where the stack was made
    def visit_FunctionDef(self, fn):
        self.ranges = _range_names(fn, self.lookup, self.roles.get("pop"))
        body = self._block(fn.body)
        stack = self.roles.get("stack")
        if stack is not None:
            at = next(i for i, s in enumerate(body) if getattr(s, "_stack_marker", False))
            body[at:at + 1] = [ast.Assign(targets=[_name("_saved_" + n, True)],
                                          value=ast.List(elts=[], ctx=ast.Load()))
                               for n in self.saved]
        fn.body = body
        return fn

    def _block(self, stmts):
        out = []
        for stmt in stmts:
            new = self.visit(stmt)
            if new is None:
                continue
            out.extend(new if isinstance(new, list) else [new])
        return out

    def generic_visit(self, node):
        for field in ("body", "orelse"):
            if isinstance(getattr(node, field, None), list) and \
                    not isinstance(node, (ast.IfExp,)):
                setattr(node, field, self._block(getattr(node, field)))
        for field, value in ast.iter_fields(node):
            if field in ("body", "orelse") and isinstance(value, list):
                continue
            if isinstance(value, list):
                setattr(node, field, [self.visit(v) if isinstance(v, ast.AST) else v
                                      for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return node

    # -- statements
    def visit_Assign(self, stmt):
        roles = self.roles
        target = stmt.targets[0].id if len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name) else None
        if target is not None and target == roles.get("stack"):
            stmt._stack_marker = True
            return stmt
        if target is not None and target in (roles.get("push"), roles.get("rev"),
                                             roles.get("pop")):
            return None
        if target is not None and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == roles.get("pop"):
            return ast.Assign(targets=stmt.targets, value=self._pop(target))
        return self.generic_visit(stmt)

    def visit_Expr(self, stmt):
        value = stmt.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
                value.func.id == self.roles.get("push"):
            if len(value.args) != 1 or not isinstance(value.args[0], ast.Name):
                raise NotNumbaable("saves a value that is not a name")
            name = value.args[0].id
            if name not in self.saved:
                self.saved.append(name)
            return ast.Expr(value=ast.Call(
                func=ast.Attribute(value=_name("_saved_" + name), attr="append",
                                   ctx=ast.Load()), args=[_name(name)], keywords=[]))
        return self.generic_visit(stmt)

    def visit_For(self, stmt):
        it = stmt.iter
        if isinstance(it, ast.Name) and it.id == self.roles.get("rev"):
            # ``for x in _rev:`` (lower/drain.py: the one loop reading the stack,
            # whose only pushes are of ``x``): every value of x's stack
            if not isinstance(stmt.target, ast.Name):
                raise NotNumbaable("restores a tuple of saved values at once")
            name = stmt.target.id
            count = ast.Call(func=_name("len"), args=[_name("_saved_" + name)], keywords=[])
            it = ast.Call(func=_name("_islice"), args=[_name(it.id), count], keywords=[])
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
                (it is not stmt.iter or self.lookup(it.func.id) is itertools.islice) and \
                len(it.args) == 2 and \
                isinstance(it.args[0], ast.Name) and it.args[0].id == self.roles.get("rev"):
            if not isinstance(stmt.target, ast.Name):
                raise NotNumbaable("restores a tuple of saved values at once")
            self.counter += 1
            counter = "_k" if self.counter == 1 else "_k%d" % self.counter
            body = [ast.Assign(targets=[_name(stmt.target.id, True)],
                               value=self._pop(stmt.target.id))] + self._block(stmt.body)
            return ast.For(target=_name(counter, True), iter=ast.Call(
                func=_name("range"), args=[self.visit(it.args[1])], keywords=[]),
                body=body, orelse=self._block(stmt.orelse), type_comment=None)
        return self.generic_visit(stmt)

    def visit_If(self, stmt):
        # ``if r:`` of a range (the guard of values hoisted out of a loop,
        # lower/hoist.py): Numba has no truth value for ranges, ``len`` it has
        if isinstance(stmt.test, ast.Name) and stmt.test.id in self.ranges:
            stmt.test = ast.Compare(left=ast.Call(func=_name("len"), args=[stmt.test],
                                                  keywords=[]),
                                    ops=[ast.Gt()], comparators=[ast.Constant(value=0)])
        return self.generic_visit(stmt)

    # -- expressions
    def visit_Call(self, call):
        func = call.func
        summed = _sum_reshape(call)
        if summed is not None:
            value, axes, shape = summed
            return ast.Call(func=_name("_nb_sum_axes"), args=[self.visit(value), axes, shape],
                            keywords=[])
        if isinstance(func, ast.Name) and self.lookup(func.id) is reversed and \
                func.id not in self.local:
            arg = call.args[0] if len(call.args) == 1 else None
            if not (isinstance(arg, ast.Name) and arg.id in self.ranges):
                raise NotNumbaable("reversed() of something other than a range")
            return _reversed_range(arg.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id not in self.local and _is_runtime(self.lookup(func.value.id)):
            if func.attr not in HELPERS:
                raise NotNumbaable("calls the runtime helper _rt.%s, which has no Numba "
                                   "version" % func.attr)
            call.func = _name("_nb_" + func.attr)
        elif isinstance(func, ast.Name) and self.lookup(func.id) is itertools.islice:
            raise NotNumbaable("reads saved values in a form the layout does not know")
        elif isinstance(func, ast.Name) and func.id == self.roles.get("pop"):
            raise NotNumbaable("restores a saved value inside an expression")
        return self.generic_visit(call)

    def _pop(self, name):
        if name not in self.saved:   # popped before any push was seen: pushes come first
            self.saved.append(name)
        return ast.Call(func=ast.Attribute(value=_name("_saved_" + name), attr="pop",
                                           ctx=ast.Load()), args=[], keywords=[])


def _int_tuple(node):
    return isinstance(node, ast.Tuple) and all(
        isinstance(e, ast.Constant) and type(e.value) is int and e.value >= 0
        for e in node.elts)


def _sum_reshape(call):
    """``(g, axes, shape)`` if ``call`` is ``g.sum(axis=axes, keepdims=True)
    .reshape(shape)`` with constant ``axes`` and ``shape``, else ``None``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "reshape" and
            len(call.args) == 1 and not call.keywords and _int_tuple(call.args[0])):
        return None
    inner = func.value
    if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and
            inner.func.attr == "sum" and not inner.args):
        return None
    kw = {k.arg: k.value for k in inner.keywords}
    axis, keep = kw.get("axis"), kw.get("keepdims")
    if set(kw) != {"axis", "keepdims"} or not (isinstance(keep, ast.Constant) and
                                               keep.value is True):
        return None
    if isinstance(axis, ast.Constant) and type(axis.value) is int and axis.value >= 0:
        axis = ast.Tuple(elts=[axis], ctx=ast.Load())
    if not _int_tuple(axis):
        return None
    return inner.func.value, axis, call.args[0]


def _range_names(fn, lookup, pop=None):
    """Names every assignment of which is ``range(...)`` (one target), but
    for the ``None`` that marks them unset and the restoring ``_pop()``."""
    ranges, other = set(), set()
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.For, ast.AugAssign, ast.AnnAssign)) else []
        for t in targets:
            for n in ast.walk(t):
                if not isinstance(n, ast.Name):
                    continue
                value = node.value if isinstance(node, ast.Assign) else None
                call = isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                if call and lookup(value.func.id) is range:
                    ranges.add(n.id)
                elif not (isinstance(value, ast.Constant) and value.value is None or
                          call and value.func.id == pop and not value.args):
                    other.add(n.id)
    return ranges - other


def _reversed_range(name):
    """``range(r.start + (len(r) - 1) * r.step, r.start - r.step, -r.step)``:
    the items of ``r`` in reverse order (``reversed(r)``)."""
    r = _name(name)

    def attr(a):
        return ast.Attribute(value=_name(name), attr=a, ctx=ast.Load())
    last = ast.BinOp(left=attr("start"), op=ast.Add(), right=ast.BinOp(
        left=ast.BinOp(left=ast.Call(func=_name("len"), args=[r], keywords=[]), op=ast.Sub(),
                       right=ast.Constant(value=1)), op=ast.Mult(), right=attr("step")))
    stop = ast.BinOp(left=attr("start"), op=ast.Sub(), right=attr("step"))
    step = ast.UnaryOp(op=ast.USub(), operand=attr("step"))
    return ast.Call(func=_name("range"), args=[last, stop, step], keywords=[])
