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

import inspect

import gast
import numpy as np


__all__ = ["check_aliasing"]

from ...rules.conversions import as_sequence
from ...rules.effects import VIEW_FUNCTIONS as _VIEW_FUNCS, VIEW_METHODS as _VIEW_METHODS
from ..frontend.resolve import written_names
from .argwrites import WRITE_TEXT, direct_writes, observe_call
from .shapes import call_rank, index_rank


def _walk(stmts, loops=(), path=()):
    """``(stmt, enclosing loops)`` in textual order, into compound blocks.
    Each statement is tagged with ``alias_path``: the blocks (compound
    statement, branch) around it, to tell which assignments dominate a read."""
    for stmt in stmts:
        stmt.alias_path = path
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            inner = loops + (stmt,) if not isinstance(stmt, gast.If) else loops
            yield stmt, loops
            tag = isinstance(stmt, gast.If)
            yield from _walk(stmt.body, inner, path + ((id(stmt), 0, tag),))
            yield from _walk(stmt.orelse, inner, path + ((id(stmt), 1, tag),))
        else:
            yield stmt, loops


def _mutation_error(info, node, msg, hint):
    """A refusal about in-place updates: callers must not run such a function
    on the tape inside compiled code either (``err.mutation``)."""
    err = info.error(node, msg, hint)
    err.mutation = True
    return err


def check_aliasing(info, body, kinds, resolve, callee=False):
    """Raise on the patterns above.  ``kinds`` maps argument names to ``"f"``
    (a number), ``("a", *shape)`` (an array) or ``None`` (unknown);
    ``resolve`` maps a name chain to an object.  With ``callee`` (a function
    compiled for a call from compiled code) an in-place update of an array
    argument is refused too: it would change the caller's array, which the
    caller's adjoint cannot see.  With ``callee="copy"`` (a helper compiled
    for a call the caller checks, see argwrites.py) a direct update of an
    argument (``p -= v``, ``p[i] = v``) is allowed, on a copy, and returned
    as ``{param: (file, line, what)}``; through an alias it is still refused."""
    ranks = {p: len(k) - 1 for p, k in kinds.items() if k and k[0] == "a"}
    scalars = {p for p, k in kinds.items() if k == "f"}
    params = set(kinds)
    groups = {}          # name -> the set of names sharing its memory (shared object)
    maybe = {}           # call result -> the arguments it may share memory with
    views = {}           # view name -> (base name, index in order)
    order = list(_walk(body))
    assigned = {t.id for st, _ in order if isinstance(st, gast.Assign)
                for t in st.targets if isinstance(t, gast.Name)}
    numbers = _numbers(order, kinds, resolve)
    loop_pairs = _loop_aliases(order, resolve, {n: r for n, r in ranks.items()
                                                if n not in assigned}, numbers)

    def partners(name, loops):
        """Names that may share memory with ``name`` here: its current group,
        and (inside loops) aliases made anywhere in an enclosing loop, which
        the loop's back edge carries around."""
        out = set(groups.get(name, ())) - {name}
        # through user calls: a result may share memory with its arguments,
        # and so with everything they share memory with (and back)
        todo = [name] + sorted(out)
        while todo:
            n = todo.pop()
            linked = set(maybe.get(n, ())) | {r for r, args in maybe.items() if n in args}
            for m in linked:
                for k in groups.get(m, {m}):
                    if k != name and k not in out:
                        out.add(k)
                        todo.append(k)
        for loop in loops:
            todo = [name]
            while todo:
                n = todo.pop()
                for a, b in loop_pairs.get(id(loop), ()):
                    for x, y in ((a, b), (b, a)):
                        if x == n and y not in out and y != name:
                            out.add(y)
                            todo.append(y)
        return out - scalars

    conditional = [False]   # inside an if: a rebinding may not happen, keep old aliases

    def leave(name):
        if conditional[0]:
            return
        group = groups.pop(name, None)
        if group is not None:
            group.discard(name)

    def join(name, base):
        leave(name)
        group = groups.setdefault(base, {base})
        if name in groups and groups[name] is not group:  # may-alias: merge
            group |= groups[name]
        group.add(name)
        for n in group:
            groups[n] = group

    def refuse(stmt, what, name, others):
        other = sorted(others)[0]
        raise _mutation_error(info, stmt, "%s %r, which shares memory with %r; the compiler cannot "
                         "follow updates through aliases" % (what, name, other),
                         "make one of them a copy (%s = %s.copy() where it is made), or "
                         "write %s = %s <op> ... for a new array" % (other, name, name, name))

    writes = {}          # copy mode: parameter -> (file, line, what), see argwrites.py
    for pos, (stmt, loops) in enumerate(order):
        if isinstance(getattr(stmt, "value", None), gast.Call) and \
                isinstance(stmt, (gast.Assign, gast.Expr)):
            observe_call(stmt, pos, loops, order, resolve, partners, params, scalars)
        direct = direct_writes(stmt, params, scalars) if callee == "copy" else {}
        direct = {p: w for p, w in direct.items() if not _rebound_on_path(order, p, pos)}
        for p, what in direct.items():
            writes.setdefault(p, (info.filename, getattr(stmt, "user_line", "?"),
                                  WRITE_TEXT[what] % p))
        if callee:
            written = written_names(stmt, resolve)
            hit = sorted(n for n in written if (n in params and n not in scalars and
                                                not _rebound_on_path(order, n, pos)) or
                         partners(n, loops) & params - scalars)
            if hit:
                raise _mutation_error(info, stmt, ("this call changes the argument %r in "
                                      "place" if hit[0] in params else "this call changes %r "
                                      "in place, which shares memory with an argument of the "
                                      "function") % hit[0] + ": the caller cannot see the "
                                      "update",
                                      "work on a copy and return the new value")
        if isinstance(stmt, gast.For):   # ``for i in range(n)``: i is a number
            for n in gast.walk(stmt.target):
                if isinstance(n, gast.Name):
                    ranks.pop(n.id, None)
                    (scalars.add if n.id in numbers else scalars.discard)(n.id)
        if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
            continue
        conditional[0] = any(entry[2] for entry in getattr(stmt, "alias_path", ()))
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            name = target.value.id
            if name not in scalars and name not in ranks:
                _check_extracted_update(info, order, pos, loops, stmt, name, ranks, scalars,
                                        resolve)
            if getattr(stmt, "item_update", None) is not None and name not in ranks:
                _check_item_update(info, order, pos, loops, stmt, ranks, scalars, resolve,
                                   partners)
            if callee and not direct and name in params and name not in scalars and \
                    not _rebound_on_path(order, name, pos):
                raise _mutation_error(info, stmt, "assigning into the argument %r changes the caller's "
                                 "array, which the compiler cannot follow" % name,
                                 "work on a copy (%s = %s.copy()) and return it" % (name, name))
            if callee and partners(name, loops) & params - scalars - set(direct):
                raise _mutation_error(info, stmt, "assigning into %r changes an argument of "
                                      "the function in place (they share memory), which the "
                                      "caller cannot see" % name,
                                      "work on a copy (%s = %s.copy())" % (name, name))
            copies = {n for n in partners(name, loops)
                      if views.get(n, (None,))[0] != name}   # views: checked below
            read = _read_after(order, copies, pos, loops) if copies else None
            if read:
                refuse(stmt, "assigning into", name, {read})
            continue
        if not isinstance(target, gast.Name):
            continue
        name = target.id
        if getattr(stmt, "augmented", False) and name not in scalars:
            _check_extracted_update(info, order, pos, loops, stmt, name, ranks, scalars,
                                    resolve)
            if callee and not direct and name in params and \
                    not _rebound_on_path(order, name, pos):
                raise _mutation_error(info, stmt, "an augmented assignment to the argument %r updates "
                                 "the caller's array in place, which the compiler cannot "
                                 "follow" % name,
                                 "write %s = %s <op> ... for a new array" % (name, name))
            others = partners(name, loops)
            if callee and others & params - set(direct) and not all(
                    _rebound_on_path(order, p, pos) for p in others & params):
                raise _mutation_error(info, stmt, "an augmented assignment to %r updates the "
                                      "argument %r in place (they share memory), which the "
                                      "caller cannot see" % (name, sorted(others & params)[0]),
                                      "write %s = %s <op> ... for a new array" % (name, name))
            read = _read_after(order, others, pos, loops) if others else None
            if read:
                refuse(stmt, "an augmented assignment updates", name, {read})
        if isinstance(value, gast.Name) and value.id == name:
            continue  # ``v = v``: nothing changes
        base = _sharing_base(value, resolve, ranks, scalars)
        if base is None and isinstance(value, gast.Call):
            fn = resolve(value.func)
            if fn is None or inspect.isfunction(fn) and not (getattr(
                    fn, "__module__", None) or "").startswith(("numpy", "srcgrad.")) and \
                    not _returns_fresh(fn, _call_ranks(fn, value, ranks)):
                # a user function may return one of its arguments (or a view of it)
                args = {a.id for a in value.args if isinstance(a, gast.Name)
                        and a.id not in scalars}
                if args:
                    leave(name)
                    if not conditional[0]:
                        maybe.pop(name, None)
                    maybe.setdefault(name, set()).update(args)  # may share: not transitive
                    scalars.discard(name)
                    ranks.pop(name, None)
                    continue
        if base is not None and base not in scalars and base != name:
            join(name, base)
            if not isinstance(value, gast.Name):
                views[name] = (base, pos, loops)
                rank = _rank(value, ranks, scalars, resolve)
                ranks.pop(name, None)
                if rank:
                    ranks[name] = rank   # a view of known rank is an array
            elif base in ranks:
                ranks[name] = ranks[base]
            continue
        if not getattr(stmt, "augmented", False):
            leave(name)  # a new value: no longer shares memory
        rank = _rank(value, ranks, scalars, resolve)
        scalars.discard(name)
        ranks.pop(name, None)
        if rank == 0:
            scalars.add(name)
        elif rank is not None:
            ranks[name] = rank
    _check_stored(info, order, ranks, scalars, resolve)
    for name, (base, pos, loops) in views.items():
        for spos, (stmt, sloops) in enumerate(order):
            if spos <= pos or not _assigns_into(stmt, base):
                continue
            for rpos, (read, rloops) in enumerate(order):
                late = rpos > spos or any(loop in rloops and loop not in loops
                                          for loop in sloops)
                if late and rpos > pos and _reads(read, name) and \
                        not _rebinds_between(order, name, pos, rpos):
                    raise _mutation_error(info, read, "%r is a view of %r, which is assigned into at line "
                                     "%s before %r is read here: the compiler would treat "
                                     "the view as a copy" % (name, base, getattr(
                                         stmt, "lineno", getattr(stmt, "user_line", "?")),
                                         name),
                                     "take a copy when you mean the old values "
                                     "(%s = %s[...].copy()), or index %s again after the "
                                     "assignment" % (name, base, base))
    return writes


def _stored(stmt, ranks):
    """``(container, names)``: the names whose arrays ``stmt`` puts into a
    list, tuple or dict as they are (not copied): a display ``c = [a, b]``,
    ``c.append(a)`` / ``insert`` / ``extend([a])``, ``c[k] = a`` into a
    container (not into a known array, which copies)."""
    names = lambda nodes: [n.id for node in nodes for n in gast.walk(node)
                           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        func = stmt.value.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
                func.attr in ("append", "insert", "extend"):
            return func.value.id, names(stmt.value.args)
    if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
        return None, ()
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, gast.Name) and isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
        return target.id, names([value])
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and \
            target.value.id not in ranks and isinstance(value, gast.Name):
        return target.value.id, [value.id]
    return None, ()


def _holders(order, container, resolve, adders=None):
    """``container`` and the names that may hold what it holds: copies,
    items (``e = c[0]``, ``a, b = c``), sequences made of it (``list(c)``,
    ``d.items()``), transitively.  ``adders`` (a dict), if given, gets for
    each name the ids of the statements that made it a holder."""
    from ...rules.conversions import as_sequence, dict_items, dict_values, make_closure
    family = {container}
    changed = True
    while changed:
        changed = False
        for stmt, _ in order:
            if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
                continue
            value, target = stmt.value, stmt.targets[0]
            if isinstance(target, gast.Name):
                names = [target.id]
            elif isinstance(target, (gast.Tuple, gast.List)):
                names = [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]
            else:
                continue
            src = None
            if isinstance(value, gast.Name):
                src = value.id
            elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
                src = value.value.id
            elif isinstance(value, gast.Call) and len(value.args) == 1 and \
                    isinstance(value.args[0], gast.Name) and \
                    resolve(value.func) in (as_sequence, list, tuple, dict_items, dict_values):
                src = value.args[0].id
            elif isinstance(value, gast.Call) and len(value.args) == 2 and \
                    isinstance(value.args[1], gast.Name) and \
                    resolve(value.func) is make_closure:   # a closure holds its cells
                src = value.args[1].id
            if src not in family:
                continue
            for name in names:
                if adders is not None:
                    adders.setdefault(name, set()).add(id(stmt))
                if name not in family:
                    family.add(name)
                    changed = True
    return family


def _check_extracted_update(info, order, pos, loops, stmt, name, ranks, scalars, resolve):
    """``a *= 2`` (or ``a[i] = v``) where ``a`` was taken out of a list, tuple
    or dict (``a, b = ws``, ``for k, w in d.items()``): NumPy changes the
    array the container holds too, while the compiler computes a new value.
    Refused when the container, a copy or item of it, or a name stored in it
    is read afterwards."""
    for spos, (st, _) in enumerate(order):
        container, stored = _stored(st, ranks)
        if container is None or container == name:
            continue
        adders = {}
        family = _holders(order, container, resolve, adders)
        if name not in family:
            continue
        last = next((st2 for st2, _ in reversed(order[:pos])
                     if isinstance(st2, gast.Assign) and not getattr(st2, "augmented", False)
                     and name in {n.id for t in st2.targets for n in gast.walk(t)
                                  if isinstance(n, gast.Name)
                                  and isinstance(n.ctx, gast.Store)}), None)
        if last is None or id(last) not in adders.get(name, ()):
            continue    # rebound to a new value since it was taken out
        others = (family | {n for n in stored if n not in scalars}) - {name}
        read = _read_after(order, others, pos, loops)
        if read and read.startswith("_"):
            read = container    # a temporary of the compiler's: name what the user wrote
        if read:
            raise _mutation_error(
                info, stmt, "%r was taken out of %r, and NumPy updates that array in place, so "
                "%r changes too; the compiler cannot follow that" % (name, container, read),
                "write %s = %s <op> ... for a new array (or take a copy: %s = %s.copy())"
                % (name, name, name, name))


def _check_stored(info, order, ranks, scalars, resolve):
    """Refuse an assignment into an array (``buf[i] = v``, ``buf += v``) that
    a list, tuple or dict also holds, when the container (or an item taken
    from it) is read afterwards: the compiler models a container as holding
    the values stored in it, so it would not see the change."""
    stores = []
    for pos, (stmt, loops) in enumerate(order):
        container, names = _stored(stmt, ranks)
        if container is not None:
            stores.append((pos, loops, container, set(names) - scalars))
    if not stores:
        return
    for wpos, (stmt, wloops) in enumerate(order):
        if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            name = target.value.id
        elif isinstance(target, gast.Name) and getattr(stmt, "augmented", False):
            name = target.id
        else:
            continue
        if name in scalars:
            continue
        for spos, sloops, container, names in stores:
            if name not in names or spos == wpos:
                continue
            if spos < wpos:
                reach = not _rebinds_between(order, name, spos, wpos)
            else:   # stored later in a loop around both: reaches the next iteration
                shared = [loop for loop in wloops if loop in sloops]
                if not shared:
                    continue
                start = next(i for i, (st, _) in enumerate(order) if st is shared[-1])
                reach = not _rebinds_between(order, name, start, wpos)
            if not reach:
                continue
            read = _read_after(order, _holders(order, container, resolve), wpos, wloops)
            if read:
                raise _mutation_error(
                    info, stmt, "assigning into %r, which %r also holds (stored at line %s); "
                    "the compiler treats a container as holding the values stored in it, "
                    "and cannot follow the change" % (
                        name, container, getattr(order[spos][0], "user_line", None) or
                        getattr(order[spos][0], "lineno", "?")),
                    "store a copy (%s.append(%s.copy())), or make a new array for %s "
                    "before assigning into it" % (container, name, name))


def _check_item_update(info, order, pos, loops, stmt, ranks, scalars, resolve, partners):
    """``c[k] += v`` on a list, tuple or dict: NumPy updates the array at
    ``c[k]`` in place, so every other holder of that array sees the change
    (``d = {"w": x}; d["w"] *= 2`` doubles ``x``), while the compiler
    computes a new value.  Refused when another holder is read afterwards:
    a name stored into the container (or one sharing its memory), a name an
    item was read into, a copy of the container, or another slot holding the
    same array."""
    container = stmt.targets[0].value.id
    if not _is_container(order, container, resolve):
        return      # an array (np.zeros(3)): c[k] = v copies v into it
    stored = []
    for spos, (st, _) in enumerate(order):
        c, names = _stored(st, ranks)
        if c is not None:
            stored.extend((c, n) for n in names if n not in scalars)
    mine = {n for c, n in stored if c == container}
    if not mine:
        return
    holders = _holders(order, container, resolve) - {container}
    key = stmt.targets[0].slice
    slots = _slots(order, container) if isinstance(key, gast.Constant) else None
    if slots is not None and key.value in slots:
        # the slot is known: other slots' arrays are not this one (unless shared)
        mine = {n for n in slots[key.value] if n not in scalars}
        if not any(n in names for k, names in slots.items() if k != key.value for n in mine):
            holders -= {st.targets[0].id for st, _ in order if isinstance(st, gast.Assign)
                        and isinstance(st.targets[0], gast.Name) and
                        isinstance(st.value, gast.Subscript) and
                        isinstance(st.value.value, gast.Name) and
                        st.value.value.id == container and
                        isinstance(st.value.slice, gast.Constant) and
                        st.value.slice.value != key.value}
    others = set(mine) | holders
    for n in mine:
        others |= partners(n, loops)
    others -= {stmt.item_update, container}
    read = _read_after(order, others, pos, loops) if others else None
    who = "%r holds the same array" % read
    twice = sorted(n for n in mine if sum(1 for _, m in stored if m == n) > 1)
    if read is None and twice and _read_after(order, _holders(order, container, resolve),
                                              pos, loops):
        read, who = twice[0], "%r is stored in more than one place" % twice[0]
    if read:
        raise _mutation_error(
            info, stmt, "this augmented assignment updates the array in %r in place, and "
            "%s (NumPy changes every holder); the compiler cannot follow that"
            % (container, who),
            "store a copy in the container (x.copy()), or write %s[k] = %s[k] <op> ... "
            "for a new array" % (container, container))


def _is_container(order, name, resolve):
    """Whether every value bound to ``name`` in the function is a list,
    tuple or dict (a display, a comprehension, ``list(...)``/``tuple(...)``/
    ``dict(...)``), and it is bound at least once."""
    bound = False
    for st, _ in order:
        if not isinstance(st, gast.Assign) or getattr(st, "augmented", False):
            continue
        for target in st.targets:
            if isinstance(target, gast.Name) and target.id == name:
                value = st.value
                if not (isinstance(value, (gast.List, gast.Tuple, gast.Dict, gast.ListComp,
                                           gast.DictComp)) or
                        isinstance(value, gast.Call) and
                        resolve(value.func) in (list, tuple, dict, sorted)):
                    return False
                bound = True
    return bound


def _slots(order, container):
    """``{constant key: names stored there}`` when every store into
    ``container`` is a display with constant keys (``{'p': a}``, ``[a, b]``)
    or a constant-key assignment (``c['p'] = a``); ``None`` otherwise."""
    slots = {}
    for st, _ in order:
        if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) and \
                isinstance(st.value.func, gast.Attribute) and \
                isinstance(st.value.func.value, gast.Name) and \
                st.value.func.value.id == container:
            return None         # append, insert, ...: positions move
        if not isinstance(st, gast.Assign) or len(st.targets) != 1:
            continue
        target, value = st.targets[0], st.value
        if isinstance(target, gast.Name) and target.id == container:
            if isinstance(value, gast.Dict) and all(isinstance(k, gast.Constant)
                                                    for k in value.keys):
                pairs = [(k.value, e) for k, e in zip(value.keys, value.values)]
            elif isinstance(value, (gast.List, gast.Tuple)) and \
                    not any(isinstance(e, gast.Starred) for e in value.elts):
                pairs = list(enumerate(value.elts))
            else:
                return None
            for k, e in pairs:
                slots.setdefault(k, set()).update(
                    n.id for n in gast.walk(e) if isinstance(n, gast.Name))
        elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and \
                target.value.id == container:
            if not (isinstance(target.slice, gast.Constant) and isinstance(value, gast.Name)):
                return None
            slots.setdefault(target.slice.value, set()).add(value.id)
    if any(type(k) is int and k < 0 for k in slots):
        return None             # c[-1] and c[1] may be the same slot
    return slots


def _call_ranks(fn, call, ranks):
    """The ranks the caller knows of ``fn``'s parameters at ``call``, by
    parameter name (positional arguments only)."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return {}
    out = {}
    for pname, arg in zip(names, call.args):
        if isinstance(arg, gast.Name) and arg.id in ranks:
            out[pname] = ranks[arg.id]
    return out


def _element(value, param_ranks):
    """``u[3]`` where ``u`` is a parameter known to be a vector: a number."""
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
            and param_ranks.get(value.value.id) == 1):
        return False
    index = value.slice
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        index = index.operand
    return isinstance(index, gast.Constant) and type(index.value) is int


def _returns_fresh(fn, param_ranks=None):
    """Whether every ``return`` of ``fn`` builds a new value (arithmetic, a
    NumPy call, a literal, one element of a parameter the caller knows to be
    a vector): then its result cannot share memory with its arguments.

    >>> import numpy as np
    >>> def first(u):
    ...     return u[0]
    >>> _returns_fresh(first), _returns_fresh(first, {"u": 1})
    (False, True)
    """
    import textwrap
    try:
        node = gast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return False
    returns = [n.value for n in gast.walk(node) if isinstance(n, gast.Return)]
    if not returns:
        return True
    local = _local_values(node)
    return all(_fresh(value, param_ranks or {}, local, 3) for value in returns)


def _local_values(node):
    """``{name: [assigned values]}`` for the names ``node`` binds only by
    plain ``name = value`` (``None`` for a name also bound otherwise: a loop
    target, a tuple target, a parameter, ``with ... as``)."""
    out = {}
    args = node.args
    for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
        if a is not None:
            out[a.id] = None
    for n in _own_scope(node):
        if isinstance(n, (gast.FunctionDef, gast.Lambda)) and n is not node:
            out[getattr(n, "name", None)] = None   # a nested scope: its names are its own
            continue
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name):
            name = n.targets[0].id
            if name not in out or out[name] is not None:
                out.setdefault(name, []).append(n.value)
            continue
        if isinstance(n, gast.AugAssign):
            continue  # in place: the same object
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            plain = any(isinstance(a, gast.Assign) and len(a.targets) == 1 and
                        a.targets[0] is n for a in _own_scope(node))
            if not plain:
                out[n.id] = None
    return out


def _own_scope(node):
    """The nodes of function ``node``, not looking inside nested functions
    and lambdas (which are yielded, not entered)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if n is not node and isinstance(n, (gast.FunctionDef, gast.Lambda)):
            continue
        todo.extend(gast.iter_child_nodes(n))


def _fresh(value, param_ranks, local, depth):
    """Whether ``value`` (in a function whose plain local assignments are
    ``local``) is certainly a new object: arithmetic, a literal, a NumPy
    call, or a view of a local name that only ever holds such values."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Constant, gast.Compare)) or \
            _element(value, param_ranks):
        return True
    if isinstance(value, (gast.Tuple, gast.List)):
        return all(_fresh(e, param_ranks, local, depth) for e in value.elts)
    base = None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            isinstance(value.func.value, gast.Name):
        if value.func.value.id in ("np", "numpy", "math"):
            if value.func.attr not in _VIEW_FUNCS:
                return True
            base = value.args[0] if value.args else None
        elif value.func.attr in _VIEW_METHODS:
            base = value.func.value
    elif isinstance(value, gast.Subscript):
        base = value.value
    elif isinstance(value, gast.Attribute) and value.attr == "T":
        base = value.value
    elif isinstance(value, gast.Name):
        base = value
    if base is None or depth <= 0:
        return False
    if not isinstance(base, gast.Name):   # np.reshape(out.ravel(), shape)
        return _fresh(base, param_ranks, local, depth - 1)
    values = local.get(base.id)
    return bool(values) and all(_fresh(v, param_ranks, local, depth - 1) for v in values)


def _rank(value, ranks, scalars, resolve):
    """The rank of an assigned value when it is certain, from the one model
    of NumPy's ranks (shapes.call_rank, shapes.index_rank): numbers (the
    names in ``scalars``) are 0, arithmetic keeps the largest rank of its
    operands, a basic slice its base's rank, an element of a vector is 0."""
    def rank_of(node):
        return _rank(node, ranks, scalars, resolve)

    if isinstance(value, gast.Constant):
        return 0 if type(value.value) in (int, float) else None
    if isinstance(value, gast.Name):
        return 0 if value.id in scalars else ranks.get(value.id)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.MatMult):
        return call_rank(np.matmul, [value.left, value.right], (), rank_of)
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        operands = [value.left, value.right] if isinstance(value, gast.BinOp) \
            else [value.operand]
        out = [rank_of(o) for o in operands]
        return None if None in out else max(out)
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "copy" and isinstance(value.func.value, gast.Name) and \
            not value.args and resolve(value.func) is None:
        return ranks.get(value.func.value.id)   # an array's .copy()
    if isinstance(value, gast.Call):
        return call_rank(resolve(value.func), value.args,
                         [k.arg for k in value.keywords], rank_of)
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        rank = rank_of(value.value)
        return None if rank is None else index_rank(rank, value.slice, rank_of)
    return None


def _sharing_base(value, resolve, ranks, scalars):
    """The name whose memory ``value`` shares (``_view_base``), except an
    element (``b[i]`` of a vector, ``m[i, j]``; ``i``, ``j`` integers): a
    number, which shares none."""
    base = _view_base(value, resolve)
    if base is not None and isinstance(value, gast.Subscript) and \
            _rank(value, ranks, scalars, resolve) == 0:
        return None
    return base


def _loop_aliases(order, resolve, ranks, numbers):
    """For each loop: the ``(name, base)`` alias pairs made anywhere in it
    (``ranks``: the ranks of arguments the function never rebinds;
    ``numbers``: the names that hold a number wherever they are bound)."""
    out = {}
    for stmt, loops in order:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name):
            base = _sharing_base(stmt.value, resolve, ranks, numbers)
            if base is not None:
                for loop in loops:
                    out.setdefault(id(loop), []).append((stmt.targets[0].id, base))
    return out


def _numbers(order, kinds, resolve):
    """The names that hold a number wherever they are bound (a greatest
    fixpoint, since loops carry values around): parameters that are numbers
    and names every assignment of which makes a number, and the targets of
    ``for i in range(...)``.

    >>> import numpy as np
    >>> fn = gast.parse("def f(x, n):\\n    _t1 = range(n)\\n    for i in _t1:\\n"
    ...                 "        j = i + 1\\n        k = x[j]\\n    m = 0\\n    m = m * 2\\n"
    ...                 "    s = slice(0, 2)").body[0]
    >>> sorted(_numbers(list(_walk(fn.body)), {"x": ("a", 3), "n": "f"},
    ...                 lambda node: range if getattr(node, "id", "") == "range" else None))
    ['i', 'j', 'm', 'n']
    """
    binds = {}     # name -> its bindings: ("for", iter) / ("value", value) / ("other", None)
    for stmt, _ in order:
        if isinstance(stmt, gast.For):
            for n in gast.walk(stmt.target):
                if isinstance(n, gast.Name):
                    binds.setdefault(n.id, []).append(("for", stmt.iter))
            continue
        if isinstance(stmt, (gast.If, gast.While)):
            continue
        single = isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], gast.Name)
        if single:
            binds.setdefault(stmt.targets[0].id, []).append(("value", stmt.value))
            continue
        for n in gast.walk(stmt):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                binds.setdefault(n.id, []).append(("other", None))
    ranges = {name for name, bs in binds.items() if all(
        how == "value" and isinstance(v, gast.Call) and resolve(v.func) is range
        for how, v in bs)}
    numbers = {p for p, k in kinds.items() if k == "f"} | \
        {n for n in binds if n not in kinds}

    def number(how, v):
        if how == "for":
            return isinstance(v, gast.Name) and v.id in ranges
        return how == "value" and _rank(v, {}, numbers, resolve) == 0

    changed = True
    while changed:
        changed = False
        for name in sorted(numbers):
            if not all(number(how, v) for how, v in binds.get(name, ())):
                numbers.discard(name)
                changed = True
    return numbers


def _read_after(order, names, pos, loops):
    """The one of ``names`` read, still holding the same value, after
    position ``pos`` (``None`` if none is): later in the text with no rebinding between, or earlier
    in a loop around ``pos`` (through the loop's back edge) with no rebinding
    from the loop's start to the read."""
    for rpos, (stmt, rloops) in enumerate(order):
        if rpos == pos:
            continue
        for n in names:
            if not _reads(stmt, n):
                continue
            if rpos > pos and not _rebinds_between(order, n, pos, rpos):
                return n
            shared = [loop for loop in loops if loop in rloops]
            if rpos < pos and shared:
                start = next(i for i, (st, _) in enumerate(order) if st is shared[-1])
                if not _rebinds_between(order, n, start, rpos) and \
                        not _rebinds_between(order, n, pos, len(order)):
                    return n
    return None


def _rebound_on_path(order, name, pos):
    """Whether ``name`` is certainly rebound to a new value before ``pos``:
    by an assignment earlier in a block enclosing the statement at ``pos``."""
    path = order[pos][0].alias_path
    for stmt, _ in order[:pos]:
        spath = getattr(stmt, "alias_path", ())
        if isinstance(stmt, gast.Assign) and path[:len(spath)] == spath and any(
                isinstance(t, gast.Name) and t.id == name for t in stmt.targets) and \
                not getattr(stmt, "augmented", False) and not isinstance(stmt.value, gast.Name):
            return True
    return False


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
        if fn is not None and (getattr(fn, "__name__", "") in _VIEW_FUNCS or
                               fn is as_sequence) and value.args and \
                isinstance(value.args[0], gast.Name):   # ``for v in y`` iterates y itself
            return value.args[0].id
    return None


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
    """Whether ``name`` is certainly rebound between positions ``start`` and
    ``end``: by an assignment in a block that encloses the statement at
    ``end`` (one inside a branch the path may not take does not count)."""
    reader = order[end][0].alias_path if end < len(order) else ()
    for stmt, _ in order[start + 1:end]:
        path = getattr(stmt, "alias_path", ())
        if isinstance(stmt, gast.Assign) and reader[:len(path)] == path and any(
                isinstance(t, gast.Name) and t.id == name for t in stmt.targets) and \
                not isinstance(stmt.value, gast.Name):  # ``v = w`` keeps sharing memory
            return True
    return False
