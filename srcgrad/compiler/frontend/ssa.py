"""SSA for straight-line names, and splitting self-updates of the others.

Guarantees of :func:`rename_ssa`: a name assigned again at the top level gets a
fresh name (``x = x * 2`` becomes ``x_1 = x * 2``), so the pullback, which runs
after the forward sweep, still reads every value the adjoint needs.  Names
assigned inside compound statements, or mutated in place, keep their name
(:func:`mutable_names`): the reverse pass saves their overwritten values on a
stack.  :func:`split_self_updates` gives those an intermediate
(``y = y * x`` becomes ``_t = y * x; y = _t``) so the adjoint reads the old and
the new value under different names.
"""

import gast

from ..ir.fastast import walk as _walk
from ..ir.nodes import _assign, _load, is_atom

__all__ = ["mutable_names", "rename_ssa", "split_self_updates"]


def mutable_names(stmts):
    """Names that cannot be renamed to single assignments: assigned inside a
    compound statement, or mutated in place (``y[i] = v``, ``y.append(v)``)."""
    out = set()

    def visit(block, nested):
        for stmt in block:
            if isinstance(stmt, (gast.If, gast.For, gast.While, gast.With)):
                if isinstance(stmt, gast.For):
                    out.update(n.id for n in _walk(stmt.target) if isinstance(n, gast.Name))
                visit(stmt.body, True)
                visit(getattr(stmt, "orelse", []), True)
                continue
            if isinstance(stmt, gast.Assign):
                for target in stmt.targets:
                    if isinstance(target, gast.Subscript):
                        out.update(n.id for n in _walk(target.value)
                                   if isinstance(n, gast.Name))
                    elif nested:
                        out.update(n.id for n in _walk(target) if isinstance(n, gast.Name))
            if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and \
                    isinstance(stmt.value.func, gast.Attribute) and \
                    isinstance(stmt.value.func.value, gast.Name):
                out.add(stmt.value.func.value.id)
    visit(stmts, False)
    return out


def rename_ssa(stmts, params, namer):
    """Give every re-assignment of a name at the top level a fresh name, so
    that no value the adjoint sweep reads is overwritten (``x = x * 2``
    becomes ``x_1 = x * 2`` and later reads of ``x`` read ``x_1``).  Names in
    :func:`mutable_names` keep their name (the reverse pass saves them).

    >>> import gast
    >>> from .anf import to_anf
    >>> from ..ir.nodes import Namer, dump
    >>> fn = to_anf(gast.parse("def f(x):\\n    x = x * 2\\n    x = x + 1\\n    return x").body[0])
    >>> print(dump(rename_ssa(fn.body, ["x"], Namer({"x"}))))
    x_1 = x * 2
    x_2 = x_1 + 1
    return x_2
    """
    keep = mutable_names(stmts)
    current = {p: p for p in params if p not in keep}

    class _Loads(gast.NodeTransformer):
        def visit_Name(self, node):
            if isinstance(node.ctx, gast.Load) and node.id in current:
                return gast.Name(id=current[node.id], ctx=node.ctx, annotation=None,
                                 type_comment=None)
            return node

    def rename_loads(node):
        for n in _walk(node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in current:
                n.id = current[n.id]

    out = []
    for stmt in stmts:
        if isinstance(stmt, gast.Assign) and all(isinstance(t, (gast.Name, gast.Tuple, gast.List))
                                                 for t in stmt.targets):
            rename_loads(stmt.value)
            for target in stmt.targets:
                for n in _walk(target):
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) \
                            and n.id not in keep:
                        if n.id in current:
                            new = namer.fresh(n.id)
                            current[n.id] = new
                            n.id = new
                        else:
                            current[n.id] = n.id
                            namer.taken.add(n.id)
        else:
            rename_loads(stmt)
        out.append(stmt)
    return out


def split_self_updates(stmts, names, namer):
    """``y = y * x`` on a name the forward sweep overwrites becomes
    ``_t = y * x; y = _t``, so the adjoint of the product reads the old ``y``
    and the new value under different names.

    >>> import gast
    >>> from ..ir.nodes import Namer, dump
    >>> body = gast.parse("for i in r:\\n    y = y * x").body
    >>> print(dump(split_self_updates(body, {"y"}, Namer({"y", "x"}))))
    for i in r:
        _t1 = y * x
        y = _t1
    """
    out = []
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            stmt.body = split_self_updates(stmt.body, names, namer)
            stmt.orelse = split_self_updates(stmt.orelse, names, namer)
        elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in names and \
                not is_atom(stmt.value) and any(
                    isinstance(n, gast.Name) and n.id == stmt.targets[0].id
                    for n in _walk(stmt.value)):
            line = getattr(stmt, "user_line", None)
            tmp = namer.temp()
            out.append(_assign(tmp, stmt.value, line))
            out.append(_assign(stmt.targets[0].id, _load(tmp), line))
            continue
        out.append(stmt)
    return out
