"""A-normal form: one operation per statement, every operand an atom.

After :func:`to_anf` a function body is a list of statements of these shapes
(an *atom* is a ``Name`` or a ``Constant``):

* ``t = <atom>`` / ``t = a op b`` / ``t = op a`` / ``t = a <cmp> b``
* ``t = f(atom, ..., k=atom)`` where ``f`` is a static chain (``np.linalg.norm``),
  a name, or a method ``atom.m``
* ``t = atom[index]`` where the index is built of atoms, slices of atoms,
  ``...`` and ``None``; ``t = atom.attr``
* ``t = (atom, ...)`` / ``t = [atom, ...]``;  ``a, b = atom`` (unpacking)
* ``return atom``;  ``f(...)`` as an expression statement (no value kept)

Each statement carries ``stmt.user_line``: the user's line it came from.
Temporaries are named ``_t1, _t2, ...`` in order of appearance.

>>> import gast
>>> fn = gast.parse("def f(x, y):\\n    return np.sin(x * y) + 1.0").body[0]
>>> print(dump(to_anf(fn).body))
_t1 = x * y
_t2 = np.sin(_t1)
_t3 = _t2 + 1.0
return _t3
"""

import copy

import gast

from ..ir.fastast import walk as _walk
from ...rules import conversions
from .loops import LoopsMixin
from ..ir.nodes import (Namer, _assign, _if, _load, _set_lines, _store, dump,  # noqa: F401
                    is_atom)

__all__ = ["to_anf", "is_atom", "dump", "Namer"]


class _Flattener(LoopsMixin):
    def __init__(self, namer, resolve, bind=None):
        self.namer = namer
        self.resolve = resolve       # node -> object for static name chains, else None
        self.bind = bind or (lambda obj, hint: hint)  # a name generated code can use
        self.grad_enabled = True
        self.out = []
        self.line = None

    def is_static(self, node):
        return self.resolve(node) is not None

    def emit(self, stmt):
        if getattr(stmt, "user_line", None) is None:
            stmt.user_line = self.line
        if not self.grad_enabled:
            stmt.nograd = True   # inside ``with no_grad():``: its results are constants
        self.out.append(stmt)

    def sub_block(self, stmts):
        """Flatten a nested block into its own statement list."""
        saved, line = self.out, self.line
        self.out = []
        for stmt in stmts:
            self.stmt(stmt)
        out, self.out, self.line = self.out, saved, line
        return out

    def atom(self, node):
        """Flatten ``node`` into statements; return an atom for its value."""
        if is_atom(node):
            return node
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(node.operand, gast.Constant) and \
                type(node.operand.value) in (int, float):  # -0.05 is a constant
            value = node.operand.value
            return gast.Constant(value=-value if isinstance(node.op, gast.USub) else value,
                                 kind=None)
        value = self.expr(node)
        if is_atom(value):
            return value
        name = self.namer.temp()
        self.emit(_assign(name, value, self.line))
        return _load(name)

    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(lower=node.lower and self.atom(node.lower),
                              upper=node.upper and self.atom(node.upper),
                              step=node.step and self.atom(node.step))
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node)

    def expr(self, node):
        """Flatten the operands of ``node``; return a simple expression."""
        if is_atom(node):
            return node
        if isinstance(node, gast.BinOp):
            if isinstance(node.op, gast.Add) and any(
                    isinstance(x, (gast.List, gast.Tuple, gast.ListComp))
                    for x in (node.left, node.right)):
                return gast.Call(func=_load(self.bind(conversions.list_concat, "_list_concat")),
                                 args=[self.atom(node.left), self.atom(node.right)],
                                 keywords=[])
            return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        if isinstance(node, gast.Compare):
            if len(node.ops) == 1:
                return gast.Compare(left=self.atom(node.left), ops=node.ops,
                                    comparators=[self.atom(node.comparators[0])])
            return self.chain(node)
        if isinstance(node, gast.Call):
            func = node.func
            from ... import modes
            if not node.args and self.resolve(func) is modes.is_grad_enabled:
                return gast.Constant(value=self.grad_enabled, kind=None)  # known statically
            if self.is_static(func):
                func = copy.deepcopy(func)
            elif isinstance(func, gast.Attribute):
                func = gast.Attribute(value=self.atom(func.value), attr=func.attr,
                                      ctx=gast.Load())
            else:
                func = self.atom(func)
            args = []
            for a in node.args:
                if isinstance(a, gast.Starred):
                    args.append(gast.Starred(value=self.atom(a.value), ctx=gast.Load()))
                elif isinstance(a, gast.GeneratorExp):
                    args.append(self.comprehension(a))
                else:
                    args.append(self.atom(a))
            kws = [gast.keyword(arg=k.arg, value=self.atom(k.value)) for k in node.keywords]
            return gast.Call(func=func, args=args, keywords=kws)
        if isinstance(node, gast.Attribute):
            if self.is_static(node):
                return copy.deepcopy(node)
            return gast.Attribute(value=self.atom(node.value), attr=node.attr, ctx=gast.Load())
        if isinstance(node, gast.Subscript):
            return gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice),
                                  ctx=gast.Load())
        if isinstance(node, (gast.Tuple, gast.List)):
            return type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        if isinstance(node, gast.Dict):
            return gast.Dict(keys=[k if k is None else self.atom(k) for k in node.keys],
                             values=[self.atom(v) for v in node.values])
        if isinstance(node, gast.IfExp):
            name = self.namer.temp()
            test = self.atom(node.test)
            body = self.sub_block_value(name, node.body)
            orelse = self.sub_block_value(name, node.orelse)
            self.emit(_if(test, body, orelse, self.line))
            return _load(name)
        if isinstance(node, gast.BoolOp):
            return self.boolop(node.op, node.values)
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
            return self.comprehension(node)
        # anything else is left for the fence to have rejected; keep it whole
        return node

    def sub_block_value(self, name, expr):
        saved, self.out = self.out, []
        value = self.expr(expr)
        self.emit(_assign(name, value, self.line))
        out, self.out = self.out, saved
        return out

    def boolop(self, op, values):
        """``a and b`` keeps Python's short circuit: ``t = a; c = t; if c: t = b``
        (the branch tests ``c``, which its body does not reassign)."""
        name = self.namer.temp()
        self.emit(_assign(name, self.expr(values[0]), self.line))
        for value in values[1:]:
            if isinstance(op, gast.Or):
                test = self.atom(gast.UnaryOp(op=gast.Not(), operand=_load(name)))
            else:   # the test keeps its own name: the body reassigns ``t``, and the
                test = _load(self.namer.temp())   # adjoint must branch as the forward did
                self.emit(_assign(test.id, _load(name), self.line))
            body = self.sub_block_value(name, value)
            self.emit(_if(test, body, [], self.line))
        return _load(name)

    def chain(self, node):
        """``a < b < c`` as ``a < b and b < c``, ``b`` evaluated once."""
        left = self.atom(node.left)
        rights = [self.atom(c) for c in node.comparators]
        parts, prev = [], left
        for op, right in zip(node.ops, rights):
            parts.append(gast.Compare(left=prev, ops=[op], comparators=[right]))
            prev = right
        return self.boolop(gast.And(), parts)

    def stmt(self, node):
        self.line = getattr(node, "lineno", None) or getattr(node, "user_line", None) \
            or self.line
        if isinstance(node, gast.Assign):
            self.assign(node.targets, node.value)
        elif isinstance(node, gast.AnnAssign):
            if node.value is not None:
                self.assign([node.target], node.value)
        elif isinstance(node, gast.AugAssign):
            self.augassign(node)
        elif isinstance(node, gast.Return):
            value = node.value if node.value is not None else gast.Constant(value=None, kind=None)
            self.emit(gast.Return(value=self.atom(value)))
        elif isinstance(node, gast.Expr):
            if isinstance(node.value, gast.Constant):  # docstring
                return
            value = node.value
            if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
                    value.func.attr == "extend" and len(value.args) == 1 and \
                    isinstance(value.func.value, gast.Name) and not value.keywords:
                item = self.namer.fresh("_item")
                append = gast.Expr(value=gast.Call(
                    func=gast.Attribute(value=_load(value.func.value.id), attr="append",
                                        ctx=gast.Load()), args=[_load(item)], keywords=[]))
                loop = gast.For(target=_store(item), iter=value.args[0], body=[append],
                                orelse=[], type_comment=None)
                _set_lines(loop, self.line)
                self.stmt(loop)
                return
            if isinstance(value, gast.Call):
                from ... import modes
                if self.resolve(value.func) is modes.set_grad_enabled and \
                        len(value.args) == 1 and isinstance(value.args[0], gast.Constant):
                    self.grad_enabled = bool(value.args[0].value)  # for what follows
            self.emit(gast.Expr(value=self.expr(value)))
        elif isinstance(node, gast.Pass):
            return
        elif isinstance(node, gast.If):
            test = self.atom(node.test)
            new = _if(test, self.sub_block(node.body), self.sub_block(node.orelse), self.line)
            if getattr(node, "exit_check", False):
                new.exit_check = True
            for role in ("try_part", "with_part"):  # see trycatch.py, withblock.py
                if getattr(node, role, None) is not None:
                    setattr(new, role, getattr(node, role))
            self.emit(new)
        elif isinstance(node, gast.For):
            self.for_loop(node)
        elif isinstance(node, gast.While):
            self.while_loop(node)
        elif isinstance(node, gast.Break):
            self.emit(gast.Break())
        elif isinstance(node, gast.With):
            self.with_block(node)
        elif isinstance(node, gast.Raise):  # leaves the function: no adjoint
            exc = self.atom(node.exc) if node.exc is not None else None
            cause = self.atom(node.cause) if node.cause is not None else None
            self.emit(gast.Raise(exc=exc, cause=cause))
        elif isinstance(node, gast.Assert):  # kept, not differentiated
            test = self.atom(node.test)
            if node.msg is None or isinstance(node.msg, gast.Constant):
                self.emit(gast.Assert(test=test, msg=node.msg))
                return
            # the message is computed only when the assertion fails
            fail = self.atom(gast.UnaryOp(op=gast.Not(), operand=test))
            saved, self.out = self.out, []
            raise_ = gast.Raise(exc=gast.Call(func=_load("AssertionError"),
                                              args=[self.atom(node.msg)], keywords=[]),
                                cause=None)
            self.emit(raise_)
            body, self.out = self.out, saved
            self.emit(_if(fail, body, [], self.line))
        else:  # anything else was rejected by the fence
            self.emit(node)

    def with_block(self, node):
        """Grad-mode blocks (``no_grad``, ``enable_grad``, ``inference_mode``,
        ``set_grad_enabled(flag)``) mark what they compute as constants or
        not; a run-time flag becomes an ``if`` between the two."""
        kind, arg = grad_mode_of(node, self.resolve)
        saved = self.grad_enabled
        if kind == "set" and not isinstance(arg, gast.Constant):
            flag = self.atom(arg)
            self.grad_enabled = True
            on = self.sub_block(copy.deepcopy(node.body))
            self.grad_enabled = False
            off = self.sub_block(copy.deepcopy(node.body))
            self.grad_enabled = saved
            self.emit(_if(flag, on, off, self.line))
            return
        if kind == "set":
            self.grad_enabled = bool(arg.value)
        else:
            self.grad_enabled = kind == "enable"
        try:
            for stmt in node.body:
                self.stmt(stmt)
        finally:
            self.grad_enabled = saved

    def augassign(self, node):
        target = node.target
        if isinstance(target, gast.Subscript):
            base = self.atom(target.value)
            index = self.index(target.slice)
            current = self.atom(gast.Subscript(value=base, slice=copy.deepcopy(index),
                                               ctx=gast.Load()))
            value = self.atom(gast.BinOp(left=current, op=node.op, right=node.value))
            store = gast.Subscript(value=base, slice=index, ctx=gast.Store())
            update = gast.Assign(targets=[store], value=value, type_comment=None)
            # NumPy updates the item in place when it is an array: alias.py checks
            # that nothing else holds it
            update.item_update = getattr(current, "id", None)
            self.emit(update)
            return
        load = copy.deepcopy(target)
        load.ctx = gast.Load()
        start = len(self.out)
        self.assign([target], gast.BinOp(left=load, op=node.op, right=node.value))
        for stmt in self.out[start:]:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and \
                    stmt.targets[0].id == getattr(target, "id", None):
                stmt.augmented = True  # an in-place update in NumPy (see alias.py)

    def assign(self, targets, value):
        if len(targets) > 1:  # a = b = expr
            first = self.atom(value)
            for t in targets:
                self.assign([t], first)
            return
        target = targets[0]
        if isinstance(target, gast.Name):
            self.emit(_assign(target.id, self.expr(value), self.line))
        elif isinstance(target, (gast.Tuple, gast.List)):
            if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts) \
                    and not any(isinstance(e, gast.Starred) for e in target.elts):
                # a, b = b, a: evaluate every right-hand side first
                atoms = [self.atom(e) for e in value.elts]
                stored = {n.id for t in target.elts for n in _walk(t)
                          if isinstance(n, gast.Name)}
                atoms = [self._snapshot(a) if isinstance(a, gast.Name) and a.id in stored
                         else a for a in atoms]
                for t, a in zip(target.elts, atoms):
                    self.assign([t], a)
                return
            source = self.atom(value)
            names = []
            nested = []
            for elt in target.elts:
                if isinstance(elt, gast.Name):
                    names.append(_store(elt.id))
                else:
                    tmp = self.namer.temp()
                    names.append(_store(tmp))
                    nested.append((elt, _load(tmp)))
            self.emit(gast.Assign(targets=[gast.Tuple(elts=names, ctx=gast.Store())],
                                  value=source, type_comment=None))
            for elt, tmp in nested:
                self.assign([elt], tmp)
        elif isinstance(target, gast.Subscript):
            base = self.atom(target.value)
            index = self.index(target.slice)
            value = self.atom(value)
            store = gast.Subscript(value=base, slice=index, ctx=gast.Store())
            self.emit(gast.Assign(targets=[store], value=value, type_comment=None))
        else:  # attribute store: kept for the fence
            stmt = gast.Assign(targets=[target], value=self.atom(value), type_comment=None)
            self.emit(stmt)

    def _snapshot(self, atom):
        name = self.namer.temp()
        self.emit(_assign(name, atom, self.line))
        return _load(name)




def to_anf(fn_node, namer=None, is_static=None, resolve=None, bind=None):
    """Return a copy of ``fn_node`` whose body is in A-normal form.
    ``bind(obj, hint)`` names a helper generated code may call."""
    taken = {n.id for n in _walk(fn_node) if isinstance(n, gast.Name)}
    namer = namer or Namer(taken)
    if resolve is None:
        resolve = (lambda node: True if is_static(node) else None) if is_static else \
            (lambda node: None)
    flat = _Flattener(namer, resolve, bind)
    for stmt in fn_node.body:
        flat.stmt(stmt)
    new = copy.copy(fn_node)
    new.body = flat.out
    return new



def grad_mode_of(node, resolve):
    """``(kind, arg)`` for a ``with`` over a srcgrad grad mode: kind is
    ``"disable"``, ``"enable"`` or ``"set"`` (``arg`` the flag node); ``(None,
    None)`` for any other ``with``."""
    from ... import modes
    if len(node.items) != 1 or node.items[0].optional_vars is not None:
        return None, None
    expr = node.items[0].context_expr
    if not isinstance(expr, gast.Call):
        return None, None
    fn = resolve(expr.func)
    if fn is modes.no_grad:
        return "disable", None
    if fn is modes.enable_grad:
        return "enable", None
    if fn is modes.inference_mode:
        mode = expr.args[0] if expr.args else gast.Constant(value=True, kind=None)
        if isinstance(mode, gast.Constant):
            return ("disable" if mode.value else "enable"), None
        return "set", gast.UnaryOp(op=gast.Not(), operand=mode)
    if fn is modes.set_grad_enabled and len(expr.args) == 1:
        return "set", expr.args[0]
    return None, None
