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

import astor
import gast

__all__ = ["to_anf", "is_atom", "dump", "Namer"]


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


def dump(stmts):
    """Source text of a list of gast statements (for doctests and debugging)."""
    mod = gast.Module(body=list(stmts), type_ignores=[])
    return astor.to_source(gast.gast_to_ast(mod)).rstrip("\n")


class Namer:
    """Deterministic fresh names that never collide with the user's."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.counter = 0

    def temp(self):
        while True:
            self.counter += 1
            name = "_t%d" % self.counter
            if name not in self.taken:
                self.taken.add(name)
                return name

    def fresh(self, base):
        if base not in self.taken:
            self.taken.add(base)
            return base
        i = 1
        while "%s_%d" % (base, i) in self.taken:
            i += 1
        name = "%s_%d" % (base, i)
        self.taken.add(name)
        return name


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def _assign(name, value, line):
    stmt = gast.Assign(targets=[_store(name)], value=value, type_comment=None)
    stmt.user_line = line
    return stmt


class _Flattener:
    def __init__(self, namer, is_static):
        self.namer = namer
        self.is_static = is_static   # node -> True when it names a global object chain
        self.out = []
        self.line = None

    def emit(self, stmt):
        stmt.user_line = self.line
        self.out.append(stmt)

    def atom(self, node):
        """Flatten ``node`` into statements; return an atom for its value."""
        if is_atom(node):
            return node
        value = self.expr(node)
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
            return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        if isinstance(node, gast.Compare) and len(node.ops) == 1:
            return gast.Compare(left=self.atom(node.left), ops=node.ops,
                                comparators=[self.atom(node.comparators[0])])
        if isinstance(node, gast.Call):
            func = node.func
            if self.is_static(func):
                func = copy.deepcopy(func)
            elif isinstance(func, gast.Attribute):
                func = gast.Attribute(value=self.atom(func.value), attr=func.attr,
                                      ctx=gast.Load())
            else:
                func = self.atom(func)
            args = [gast.Starred(value=self.atom(a.value), ctx=gast.Load())
                    if isinstance(a, gast.Starred) else self.atom(a) for a in node.args]
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
        # anything else is left for the fence to have rejected; keep it whole
        return node

    # ---------------------------------------------------------- statements
    def stmt(self, node):
        self.line = node.lineno
        if isinstance(node, gast.Assign):
            self.assign(node.targets, node.value)
        elif isinstance(node, gast.AnnAssign):
            if node.value is not None:
                self.assign([node.target], node.value)
        elif isinstance(node, gast.AugAssign):
            target = node.target
            load = copy.deepcopy(target)
            load.ctx = gast.Load()
            self.assign([target], gast.BinOp(left=load, op=node.op, right=node.value))
        elif isinstance(node, gast.Return):
            value = node.value if node.value is not None else gast.Constant(value=None, kind=None)
            ret = gast.Return(value=self.atom(value))
            self.emit(ret)
        elif isinstance(node, gast.Expr):
            if isinstance(node.value, gast.Constant):  # docstring
                return
            self.emit(gast.Expr(value=self.expr(node.value)))
        elif isinstance(node, gast.Pass):
            return
        else:  # control flow etc.: handled by later issues' passes
            self.emit(node)

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
                stored = {n.id for t in target.elts for n in gast.walk(t)
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
        else:  # subscript / attribute store: kept for the fence / later passes
            stmt = gast.Assign(targets=[target], value=self.atom(value), type_comment=None)
            self.emit(stmt)

    def _snapshot(self, atom):
        name = self.namer.temp()
        self.emit(_assign(name, atom, self.line))
        return _load(name)


def to_anf(fn_node, namer=None, is_static=None):
    """Return a copy of ``fn_node`` whose body is in A-normal form."""
    taken = {n.id for n in gast.walk(fn_node) if isinstance(n, gast.Name)}
    namer = namer or Namer(taken)
    flat = _Flattener(namer, is_static or (lambda node: False))
    for stmt in fn_node.body:
        flat.stmt(stmt)
    new = copy.copy(fn_node)
    new.body = flat.out
    return new


def rename_ssa(stmts, params, namer):
    """Give every re-assignment in a straight-line body a fresh name, so that
    no value the adjoint sweep reads is overwritten (``x = x * 2`` becomes
    ``x_1 = x * 2`` and later reads of ``x`` read ``x_1``).

    >>> import gast
    >>> fn = to_anf(gast.parse("def f(x):\\n    x = x * 2\\n    x = x + 1\\n    return x").body[0])
    >>> print(dump(rename_ssa(fn.body, ["x"], Namer({"x"}))))
    x_1 = x * 2
    x_2 = x_1 + 1
    return x_2
    """
    current = {p: p for p in params}
    out = []

    class _Loads(gast.NodeTransformer):
        def visit_Name(self, node):
            if isinstance(node.ctx, gast.Load) and node.id in current:
                return gast.Name(id=current[node.id], ctx=node.ctx, annotation=None,
                                 type_comment=None)
            return node

    for stmt in stmts:
        line = getattr(stmt, "user_line", None)
        if isinstance(stmt, gast.Assign):
            value = _Loads().visit(stmt.value)
            targets = []
            for target in stmt.targets:
                for n in gast.walk(target):
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                        if n.id in current:
                            base = n.id
                            new = namer.fresh(base)
                            current[base] = new
                            n.id = new
                        else:
                            current[n.id] = n.id
                            namer.taken.add(n.id)
                    elif isinstance(n, gast.Name):
                        _Loads().visit(n)
                targets.append(target)
            stmt = gast.Assign(targets=targets, value=value, type_comment=None)
        else:
            stmt = _Loads().visit(stmt)
        stmt.user_line = line
        out.append(stmt)
    return out
