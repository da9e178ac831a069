"""What each higher-order builtin becomes (the table :data:`REWRITES`, used by
:mod:`.hofs`), and the gast builders both modules share.

Each ``rewrite_<builtin>(rw, node)`` gets the rewriter ``rw`` (fresh names,
statements hoisted before the current one, the callee of a builtin as a
function from argument atoms to a call) and a call whose arguments are
already rewritten; it returns the new expression, or ``None`` to leave the
call as it was.  Guarantee: a returned expression computes what the call
computes, evaluated eagerly where that is exact (see :func:`eager_is_exact`).
"""

import builtins
import copy
import functools
import itertools

import gast
from ..ir.fastast import walk as _walk

__all__ = ["REWRITES"]


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def _call(func, args, keywords=()):
    return gast.Call(func=func, args=list(args), keywords=list(keywords))


def _located(node, where):
    """``node`` with the user's line of ``where`` on every sub-node lacking one."""
    for n in _walk(node):
        if isinstance(n, (gast.stmt, gast.expr)) and getattr(n, "lineno", None) is None:
            gast.copy_location(n, where)
    return node


def _resolve(info, func):
    try:
        return info.resolve(func)
    except Exception:  # an object whose attributes raise: not one of ours
        return None


def _one_of(obj, fns):
    """``obj in fns`` by identity (a user's object may compare in its own way)."""
    return any(obj is fn for fn in fns)


#: iterators that never end (``itertools.repeat`` only without a count)
_INFINITE = (itertools.count, itertools.cycle, itertools.repeat)


#: builtins that consume an iterable argument at once
_CONSUMERS = (builtins.list, builtins.tuple, builtins.sum, builtins.sorted, builtins.min,
              builtins.max, builtins.any, builtins.all, builtins.dict, builtins.set,
              builtins.frozenset, functools.reduce)


#: lazy iterators over their arguments
_LAZY = (builtins.map, builtins.filter, builtins.zip, builtins.enumerate)


def refuse_infinite(rw, name, iterables):
    """Raise, located, if one of ``iterables`` never ends."""
    for it in iterables:
        if isinstance(it, gast.Call):
            obj = _resolve(rw.info, it.func)
            if _one_of(obj, _INFINITE) and not (obj is itertools.repeat and (
                    len(it.args) > 1 or it.keywords)):
                raise rw.info.error(
                    it, "%s over an infinite iterator (itertools.%s): srcgrad evaluates "
                    "%s eagerly, into a list" % (name, obj.__name__, name),
                    "bound it (zip it with a finite sequence, or itertools.islice), "
                    'or use mode="tape"')


def each(rw, iterable, base="v"):
    """``(target, item)`` to loop over ``iterable``: the compiler follows
    ``zip``/``enumerate`` in a loop header only with one name per item part,
    so those get a tuple of names (and the item is their tuple)."""
    parts = zipped(rw, iterable)
    if parts is None:
        name = rw.fresh(base)
        return _store(name), _load(name)
    names = [rw.fresh("_" + base.lstrip("_")) for _ in range(parts)]
    return (gast.Tuple(elts=[_store(n) for n in names], ctx=gast.Store()),
            gast.Tuple(elts=[_load(n) for n in names], ctx=gast.Load()))


def zipped(rw, iterable):
    """How many parts each item of a ``zip(...)``/``enumerate(...)`` call has."""
    if not isinstance(iterable, gast.Call) or iterable.keywords or \
            any(isinstance(a, gast.Starred) for a in iterable.args):
        return None
    obj = _resolve(rw.info, iterable.func)
    if obj is builtins.zip and iterable.args:
        return len(iterable.args)
    if obj is builtins.enumerate and len(iterable.args) == 1:
        return 2
    return None


def listed(rw, items):
    """``items`` as a list expression where it is an iterator the compiler
    can only loop over (a generator expression, ``zip``, ``enumerate``)."""
    items = _eager(items)
    if zipped(rw, items) is None:
        return items
    target, item = each(rw, items, "_part")
    return gast.ListComp(elt=item, generators=[
        gast.comprehension(target=target, iter=items, ifs=[], is_async=0)])


def target_names(rw, callee, n):
    """Fresh loop variables: a lambda's parameter names, else ``v``."""
    if isinstance(callee, gast.Lambda):
        return [rw.fresh(p.id) for p in callee.args.posonlyargs + callee.args.args]
    return [rw.fresh("v") for _ in range(n)]


def iterated(rw, targets, iterables):
    """The comprehension clause ``for targets in iterables`` (zipped)."""
    if len(iterables) == 1:
        return targets[0], iterables[0]
    if _resolve(rw.info, _load("zip")) is not builtins.zip:
        return None, None
    return (gast.Tuple(elts=targets, ctx=gast.Store()),
            _call(_load("zip"), iterables))


# ------------------------------------------------------------ laziness


def consumed_at_once(rw, node):
    """Whether the map/filter object ``node`` is consumed where it is made
    (by a loop, ``list``, ``sum``, ``sorted``, ...), so evaluating it eagerly
    cannot see a later change of what it reads."""
    parent = rw.parents.get(id(node))
    if isinstance(parent, (gast.comprehension, gast.For)) and parent.iter is node:
        return True
    if isinstance(parent, gast.Call) and any(a is node for a in parent.args):
        obj = _resolve(rw.info, parent.func)
        if _one_of(obj, _CONSUMERS):
            return True
        if _one_of(obj, _LAZY):  # consumed when the iterator around it is
            return consumed_at_once(rw, parent)
    return False


def given_to_numpy(rw, node):
    """``np.array(map(...))`` is a 0-d object array in NumPy, not the
    values: such a call is left as written."""
    parent = rw.parents.get(id(node))
    if not isinstance(parent, gast.Call):
        return False
    obj = _resolve(rw.info, parent.func)
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "numpy"


def eager_is_exact(rw, node, name):
    """A lazy map/filter may be evaluated eagerly when it is consumed at
    once, or when nothing it reads is rebound or changed in the function.
    Where not, a lambda given to it is refused here (the fence would
    refuse it anyway, with a less helpful message)."""
    if consumed_at_once(rw, node):
        return True
    params = {p.id for lam in _walk(node) if isinstance(lam, gast.Lambda)
              for p in lam.args.posonlyargs + lam.args.args}
    reads = {n.id for n in _walk(node) if isinstance(n, gast.Name) and
             isinstance(n.ctx, gast.Load)} - params
    changing = sorted(reads & rw.rebound)
    if changing and node.args and isinstance(node.args[0], gast.Lambda):
        raise rw.info.error(
            node, "%s(...) is not consumed where it is made, and %s, which it reads, may "
            "change before it is: srcgrad evaluates %s eagerly, where it is written" % (
                name, ", ".join(repr(c) for c in changing), name),
            "consume it where it is made (list(%s(...)), or loop over it), or use "
            'mode="tape"' % name)
    return not changing


# ------------------------------------------------------------ the builtins


def rewrite_map(rw, node):
    if id(node) in rw.lazy or given_to_numpy(rw, node) or len(node.args) < 2 or \
            node.keywords or any(isinstance(a, gast.Starred) for a in node.args) or \
            not eager_is_exact(rw, node, "map"):
        return None
    iterables = node.args[1:]
    refuse_infinite(rw, "map", iterables)
    make = rw.callee_of(node.args[0], len(iterables))
    if make is None:
        return None
    if len(iterables) == 1 and zipped(rw, iterables[0]) is not None:
        target, item = each(rw, iterables[0])
        return gast.ListComp(elt=make([item]), generators=[
            gast.comprehension(target=target, iter=iterables[0], ifs=[], is_async=0)])
    names = target_names(rw, node.args[0], len(iterables))
    target, it = iterated(rw, [_store(n) for n in names], iterables)
    if target is None:
        return None
    return gast.ListComp(elt=make([_load(n) for n in names]), generators=[
        gast.comprehension(target=target, iter=it, ifs=[], is_async=0)])


def rewrite_filter(rw, node):
    if id(node) in rw.lazy or given_to_numpy(rw, node) or len(node.args) != 2 or \
            node.keywords or any(isinstance(a, gast.Starred) for a in node.args) or \
            not eager_is_exact(rw, node, "filter"):
        return None
    refuse_infinite(rw, "filter", node.args[1:])
    pred = node.args[0]
    if zipped(rw, node.args[1]) is None and isinstance(pred, gast.Lambda) and \
            len(pred.args.args) == 1:
        v = target_names(rw, pred, 1)[0]
        target, item = _store(v), _load(v)
    else:
        target, item = each(rw, node.args[1])
    if isinstance(pred, gast.Constant) and pred.value is None:
        test = copy.deepcopy(item)
    else:
        make = rw.callee_of(pred, 1)
        if make is None:
            return None
        test = make([copy.deepcopy(item)])
    return gast.ListComp(elt=item, generators=[
        gast.comprehension(target=target, iter=node.args[1], ifs=[test], is_async=0)])


def rewrite_reduce(rw, node):
    if rw.pending is None or node.keywords or not 2 <= len(node.args) <= 3 or \
            any(isinstance(a, gast.Starred) for a in node.args):
        return None
    make = rw.callee_of(node.args[0], 2)
    if make is None:
        return None
    acc = rw.fresh("_acc")
    if len(node.args) == 3:
        rw.hoist(gast.Assign(targets=[_store(acc)], value=node.args[2], type_comment=None))
        loop_over = _eager(node.args[1])
    else:
        seq = sequence(rw, listed(rw, node.args[1]))
        rw.hoist(gast.Assign(targets=[_store(acc)], value=gast.Subscript(
            value=copy.deepcopy(seq), slice=gast.Constant(value=0, kind=None),
            ctx=gast.Load()), type_comment=None))
        loop_over = gast.Subscript(value=copy.deepcopy(seq), slice=gast.Slice(
            lower=gast.Constant(value=1, kind=None), upper=None, step=None),
            ctx=gast.Load())
    target, item = each(rw, loop_over, "_item")
    step = gast.Assign(targets=[_store(acc)], value=make([_load(acc), item]),
                       type_comment=None)
    rw.hoist(gast.For(target=target, iter=loop_over, body=[_located(
        step, rw.stmt_node)], orelse=[], type_comment=None))
    return _load(acc)


def sequence(rw, items, as_list=False):
    """A name holding ``items``, evaluated once (a list when ``as_list``:
    ``sorted(d, key=...)`` sorts a dict's keys), or ``None``."""
    if isinstance(items, gast.Name) and not as_list:
        return items
    if as_list and not isinstance(items, (gast.List, gast.ListComp)):
        if _resolve(rw.info, _load("list")) is not builtins.list:
            return None
        items = _call(_load("list"), [items])
    seq = rw.fresh("_seq")
    rw.hoist(gast.Assign(targets=[_store(seq)], value=items, type_comment=None))
    return _load(seq)


def keywords_of(rw, node, allowed):
    """``{keyword: value}`` of ``node``, or ``None`` if one is not allowed."""
    kws = {}
    for k in node.keywords:
        if k.arg not in allowed:
            return None
        kws[k.arg] = k.value
    return kws


def keys_of(rw, seq, key):
    """``[key(v) for v in seq]`` (``[v for v in seq]`` without a key)."""
    v = rw.fresh("v")
    if key is None or isinstance(key, gast.Constant) and key.value is None:
        elt = _load(v)
    else:
        make = rw.callee_of(key, 1)
        if make is None:
            return None
        elt = make([_load(v)])
    return gast.ListComp(elt=elt, generators=[gast.comprehension(
        target=_store(v), iter=copy.deepcopy(seq), ifs=[], is_async=0)])


def rewrite_sorted(rw, node):
    kws = keywords_of(rw, node, ("key", "reverse"))
    if rw.pending is None or kws is None or "key" not in kws or \
            len(node.args) != 1 or isinstance(node.args[0], gast.Starred) or \
            isinstance(kws["key"], gast.Constant):
        return None
    if rw.callee_of(kws["key"], 1) is None:
        return None
    seq = sequence(rw, listed(rw, node.args[0]), as_list=True)
    if seq is None:
        return None
    keys = keys_of(rw, seq, kws["key"])
    order = rw.fresh("_order")
    reverse = kws.get("reverse", gast.Constant(value=False, kind=None))
    rw.hoist(gast.Assign(targets=[_store(order)], value=_call(
        rw.runtime("key_order"), [keys, reverse]), type_comment=None))
    i = rw.fresh("_i")
    return gast.ListComp(elt=gast.Subscript(value=copy.deepcopy(seq), slice=_load(i),
                                            ctx=gast.Load()),
                         generators=[gast.comprehension(target=_store(i),
                                                        iter=_load(order), ifs=[],
                                                        is_async=0)])


def rewrite_min(rw, node, which="min"):
    kws = keywords_of(rw, node, ("key",))
    if rw.pending is None or kws is None or "key" not in kws or not node.args or \
            any(isinstance(a, gast.Starred) for a in node.args) or \
            isinstance(kws["key"], gast.Constant):
        return None
    if rw.callee_of(kws["key"], 1) is None:
        return None
    if len(node.args) > 1:
        seq = sequence(rw, gast.List(elts=list(node.args), ctx=gast.Load()), as_list=True)
    else:
        seq = sequence(rw, listed(rw, node.args[0]), as_list=True)
    if seq is None:
        return None
    keys = keys_of(rw, seq, kws["key"])
    pick = rw.fresh("_pick")
    rw.hoist(gast.Assign(targets=[_store(pick)], value=_call(
        rw.runtime("key_pick"), [keys, gast.Constant(value=which, kind=None)]),
        type_comment=None))
    return gast.Subscript(value=copy.deepcopy(seq), slice=_load(pick), ctx=gast.Load())


def rewrite_max(rw, node):
    return rewrite_min(rw, node, "max")


def _eager(items):
    """A generator expression as the list it yields (srcgrad evaluates eagerly)."""
    if isinstance(items, gast.GeneratorExp):
        return gast.ListComp(elt=items.elt, generators=items.generators)
    return items


#: builtin -> its rewrite
REWRITES = {"map": rewrite_map, "filter": rewrite_filter, "reduce": rewrite_reduce,
            "sorted": rewrite_sorted, "min": rewrite_min, "max": rewrite_max}
