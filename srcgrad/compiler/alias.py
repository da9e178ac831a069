"""Aliasing checks: refuse what the reverse pass would get silently wrong.

The compiler treats every name as holding its own value.  NumPy views break
that: ``v = y[1:]`` shares memory with ``y``.  Two patterns would then give a
wrong value or gradient, and :func:`check_aliasing` rejects them with the
user's line and a rewrite:

* an augmented assignment (``v *= 2``, which NumPy performs in place) on a
  name that shares memory with another (``v = y[1:]``, ``b = a``);
* a view read after its base was assigned into (``row = B[0]; B[0] = ...;
  use(row)``), where the view sees the new values.

Only arrays can alias, so a name is considered when it is known to hold an
ndarray: an array argument, or the result of a NumPy call or of arithmetic
on arrays.  Python numbers and lists (``b = a; b += 1`` on floats) pass.
"""

import gast

from ..errors import SrcgradSyntaxError  # noqa: F401  (raised through info.error)

__all__ = ["check_aliasing"]

_VIEW_METHODS = {"reshape", "ravel", "transpose", "swapaxes", "squeeze", "view", "T"}
_VIEW_FUNCS = ("reshape", "ravel", "transpose", "swapaxes", "squeeze", "moveaxis",
               "expand_dims", "atleast_1d", "atleast_2d", "broadcast_to")


def _walk(stmts, loops=()):
    """``(stmt, enclosing loops)`` in textual order, into compound blocks."""
    for stmt in stmts:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            inner = loops + (stmt,) if not isinstance(stmt, gast.If) else loops
            yield stmt, loops
            yield from _walk(stmt.body, inner)
            yield from _walk(stmt.orelse, inner)
        else:
            yield stmt, loops


def check_aliasing(info, body, arrays, resolve):
    """Raise on the two patterns above.  ``arrays`` maps the argument names
    known to hold ndarrays to their ranks; ``resolve`` maps a name chain to
    an object."""
    import numpy as np
    known = set(arrays)
    ranks = dict(arrays)
    partners = {}        # name -> names it may share memory with
    views = {}           # view name -> (base name, index in order)
    order = list(_walk(body))
    for pos, (stmt, loops) in enumerate(order):
        if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        if not isinstance(target, gast.Name):
            continue
        base = _view_base(value, resolve)
        if base is not None and isinstance(value, gast.Subscript) and ranks.get(base) == 1 \
                and not isinstance(value.slice, (gast.Slice, gast.Tuple)):
            base = None  # one element of a vector: a number, not a view
        if getattr(stmt, "augmented", False) and target.id in partners and \
                target.id in known:
            other = sorted(partners[target.id])[0]
            raise info.error(stmt, "an augmented assignment to %r updates it in place, and %r "
                             "shares memory with %r; the compiler cannot follow in-place "
                             "updates through aliases" % (target.id, target.id, other),
                             "write %s = %s <op> ... for a new array, or make the alias a "
                             "copy (.copy())" % (target.id, target.id))
        for other in partners.pop(target.id, ()):  # rebinding ends the sharing
            partners.get(other, set()).discard(target.id)
        if base is not None and base in known:
            partners.setdefault(target.id, set()).add(base)
            partners.setdefault(base, set()).add(target.id)
            known.add(target.id)
            if not isinstance(value, gast.Name):
                views[target.id] = (base, pos, loops)
            else:
                ranks[target.id] = ranks.get(base)
        elif _makes_array(value, known, resolve, np):
            known.add(target.id)
            if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
                    value.func.attr == "copy" and isinstance(value.func.value, gast.Name):
                ranks[target.id] = ranks.get(value.func.value.id)
    for name, (base, pos, loops) in views.items():
        for spos, (stmt, sloops) in enumerate(order):
            if spos <= pos or not _assigns_into(stmt, base):
                continue
            for rpos, (read, rloops) in enumerate(order):
                late = rpos > spos or any(loop in rloops and loop not in loops
                                          for loop in sloops)
                if late and rpos > pos and _reads(read, name) and \
                        not _rebinds_between(order, name, pos, rpos):
                    raise info.error(read, "%r is a view of %r, which is assigned into at line "
                                     "%s before %r is read here: the compiler would treat "
                                     "the view as a copy" % (name, base, getattr(
                                         stmt, "lineno", getattr(stmt, "user_line", "?")),
                                         name),
                                     "take a copy when you mean the old values "
                                     "(%s = %s[...].copy()), or index %s again after the "
                                     "assignment" % (name, base, base))


def _view_base(value, resolve):
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return value.value.id
    if isinstance(value, gast.Attribute) and value.attr == "T" and \
            isinstance(value.value, gast.Name):
        return value.value.id
    if isinstance(value, gast.Call):
        func = value.func
        if isinstance(func, gast.Attribute) and func.attr in _VIEW_METHODS and \
                isinstance(func.value, gast.Name) and resolve(func) is None:
            return func.value.id
        fn = resolve(func)
        if fn is not None and getattr(fn, "__name__", "") in _VIEW_FUNCS and value.args and \
                isinstance(value.args[0], gast.Name):
            return value.args[0].id
    return None


def _makes_array(value, known, resolve, np):
    if isinstance(value, gast.Call):
        fn = resolve(value.func)
        mod = getattr(fn, "__module__", None) or ""
        if mod.startswith("numpy") or isinstance(fn, np.ufunc):
            return True
        func = value.func
        return isinstance(func, gast.Attribute) and func.attr == "copy" and \
            isinstance(func.value, gast.Name) and func.value.id in known
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        names = [n.id for n in gast.walk(value) if isinstance(n, gast.Name)]
        return any(n in known for n in names)
    return False


def _assigns_into(stmt, base):
    return isinstance(stmt, gast.Assign) and any(
        isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and t.value.id == base
        for t in stmt.targets)


def _reads(stmt, name):
    if isinstance(stmt, (gast.If, gast.While)):
        nodes = [stmt.test]
    elif isinstance(stmt, gast.For):
        nodes = [stmt.iter]
    else:
        nodes = [stmt]
    return any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)
               for node in nodes for n in gast.walk(node))


def _rebinds_between(order, name, start, end):
    for stmt, _ in order[start + 1:end]:
        if isinstance(stmt, gast.Assign) and any(
                isinstance(t, gast.Name) and t.id == name for t in stmt.targets):
            return True
    return False
