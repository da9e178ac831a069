"""Recording: run a NumPy callable on raw arrays and, when needed, add ONE
node to the graph.

Guarantees:

* every differentiable Tensor operation goes through :func:`apply` (or the
  same logic inlined for one- and two-argument callables in :mod:`.fast`),
  which calls the NumPy callable on the raw
  arrays and, when grad mode is on and an input requires grad, records one
  node holding that primitive's rules from :mod:`srcgrad.rules` (no
  derivative formula lives in the tape);
* a node keeps only the values its rules read (found once per rule from its
  bytecode, see :func:`graph.rule_usage`), so ``x + y`` saves nothing and
  ``x * y`` saves the factors, as PyTorch does; it also keeps the input
  Tensors whose values it saved, and their versions when non-zero, so that a
  later in-place change is detected at backward;
* dtypes follow PyTorch: a float64 result is cast to float32 unless some
  input was float64 (Python floats and integer inputs give float32);
* everything a node of one primitive shares (rules, positions, saved
  positions, node class) is computed once per (primitive, grad-input
  pattern) and kept in a :class:`Plan`; recording allocates only the node,
  its edge tuple, its saved-value tuple and the result Tensor.
"""

import numpy as np

from .. import modes
from ..rules import lookup, has_rule, is_nondiff, NO_RULE
from ..rules.conversions import astype as _astype
from .graph import node_class, accumulate_node, rule_usage, DEAD, EPOCH
from .tensor import Tensor, check_plain_array

__all__ = ["apply", "make_plan", "wrap", "NAMES", "SHOW_NONE"]

_state = modes._state
_ndarray = np.ndarray
_asarray = np.asarray
_f64 = np.dtype(np.float64)
_c128 = np.dtype(np.complex128)    # double precision too: its real part is a float64
_f32 = np.dtype(np.float32)
_new = object.__new__

#: id(numpy callable) -> PyTorch node name, or a function of (args, kwargs)
#: returning one (filled by :mod:`.names`)
NAMES = {}
#: ids of binary primitives whose nodes list constant inputs as (None, 0)
SHOW_NONE = set()

_PLANS = {}    # (id(fn), need, nargs) -> Plan
_NONE2 = (None, None)


class Plan:
    """What every node of one primitive and grad-input pattern shares.

    ``layout`` (binary primitives only) says which edges a node has:
    0 = both inputs, 1 = the first, 2 = the second.
    """
    __slots__ = ("rules", "pos", "save", "uses_ans", "broadcasts", "cls", "name",
                 "skip", "simple", "layout", "save_all", "dead", "__weakref__")


def make_plan(fn, need, nargs):
    plan = Plan()
    plan.skip = False
    if not has_rule(fn):
        if is_nondiff(fn):
            plan.skip = True
            return plan
        from .dispatch import no_rule
        raise no_rule(fn)
    prim = lookup(fn)
    vjps = prim.vjps
    for i, _ in need:
        if i >= len(vjps) or vjps[i] is NO_RULE:   # no rule for this argument: refused
            from .dispatch import no_rule
            raise no_rule(fn, i)
    rules, pos = [], []
    save, uses_ans = set(), False
    needset = set(need)
    shown = range(min(nargs, 2)) if id(fn) in SHOW_NONE else ()
    if fn is np.subtract and need == ((1, -1),):
        shown = ()   # ``1 - x``: PyTorch's RsubBackward1 has one edge
    for ij in sorted(needset | {(i, -1) for i in shown}):
        i = ij[0]
        rule = vjps[i] if i < len(vjps) and ij in needset else None
        rules.append(rule)
        pos.append(ij)
        if rule is not None:
            ua, used = rule_usage(rule)
            uses_ans |= ua
            save |= set(range(nargs)) if used is None else set(used)
    plan.rules = tuple(rules)
    plan.pos = tuple(pos)
    plan.simple = all(j < 0 for _, j in pos)
    plan.save = tuple(sorted(i for i in save if i < nargs))
    plan.save_all = len(plan.save) == nargs
    plan.dead = tuple(DEAD if i in plan.save else None for i in range(nargs))
    plan.uses_ans = uses_ans
    plan.broadcasts = prim.broadcasts
    plan.layout = None
    if nargs == 2 and plan.simple:
        plan.layout = 0 if len(pos) == 2 else (1 if pos[0][0] == 0 else 2)
    name = NAMES.get(id(fn)) or default_name(fn)
    plan.name = name
    plan.cls = node_class(name) if type(name) is str else None
    return plan


def wrap(out):
    """A Tensor (no graph) around the ndarray ``out``."""
    t = _new(Tensor)
    t._data = out
    t.grad_fn = None
    t._requires_grad = False
    t._vc = None
    if _state.inference:
        t._inference = True
    return t


def apply(fn, args, kwargs=None, name=None):
    """Run ``fn`` on raw arrays; record one node if it needs a gradient."""
    raw = list(args)
    need = ()
    src_f64 = False
    i = 0
    for a in args:
        if isinstance(a, Tensor):
            d = raw[i] = a._data
            if d.dtype is _f64 or d.dtype is _c128:
                src_f64 = True
            if a._requires_grad:
                need += ((i, -1),)
        elif type(a) is list or type(a) is tuple:
            if any(isinstance(e, Tensor) for e in a):
                raw[i] = [e._data if isinstance(e, Tensor) else e for e in a]
                for j, e in enumerate(a):
                    if isinstance(e, Tensor):
                        if e._data.dtype is _f64 or e._data.dtype is _c128:
                            src_f64 = True
                        if e._requires_grad:
                            need += ((i, j),)
        elif type(a) is _ndarray and (a.dtype is _f64 or a.dtype is _c128):
            src_f64 = True
        i += 1
    if kwargs:
        for k, v in kwargs.items():
            if isinstance(v, Tensor):
                if v._requires_grad and _state.enabled:
                    from .dispatch import refusal
                    raise refusal("srcgrad tape: %s gets a value that depends on the "
                                  "differentiated arguments as the keyword %s=; the tape "
                                  "differentiates positional arguments only." % (_fname(fn), k),
                                  "Pass it positionally, or use mode=\"compile\".",
                                  NotImplementedError)
                kwargs[k] = v._data
        out = fn(*raw, **kwargs)
    else:
        out = fn(*raw)
    if type(out) is not _ndarray:
        if isinstance(out, (tuple, list)):     # several outputs: each one is tracked
            return record_outputs(fn, args, raw, need, out, kwargs, name, src_f64)
        check_plain(out, fn)
        out = _asarray(out)
    if out.dtype is _f64 and not src_f64 and fn is not _astype:   # an explicit cast stays
        out = out.astype(_f32)
    if not need or not _state.enabled:
        return wrap(out)
    return _record(fn, args, raw, need, out, kwargs, name)


def plan_for(fn, need, nargs, multi=False):
    """The cached :class:`Plan` of ``fn`` for this grad-input pattern; raises
    :class:`NoRuleError` for a callable srcgrad does not understand."""
    key = (id(fn), need, nargs, multi)
    plan = _PLANS.get(key)
    if plan is None:
        plan = make_plan(fn, need, nargs)
        if multi:
            plan.simple = False     # the engine's general path gives ``g`` as a tuple
            plan.layout = None
        _PLANS[key] = plan
    return plan


def _record(fn, args, raw, need, out, kwargs, name):
    plan = plan_for(fn, need, len(args))
    if plan.skip or out.dtype.kind not in "fc":
        return wrap(out)
    return result(build_node(plan, args, raw, kwargs, name, out.shape), out, plan.uses_ans)


def build_node(plan, args, raw, kwargs, name, oshape, cls=None):
    """One node of ``plan``: its edges, the values its rules read (plain
    ndarray operands are copied: the user may change them in place later,
    and only Tensors have version counters), no output yet."""
    nargs = len(args)
    if cls is None and name is None:
        cls = plan.cls
        if cls is None:
            cls = node_class(plan.name(args, kwargs))
    elif cls is None:
        cls = node_class(name if type(name) is str else name(args, kwargs))
    node = _new(cls)
    node._plan = plan
    node._kwargs = snapshot_kwargs(kwargs) if kwargs else kwargs
    node._epoch = EPOCH[0]
    nexts = []
    nrs = []
    shapes = []
    broadcast = False
    for (i, j), rule in zip(plan.pos, plan.rules):
        if rule is None:
            nexts.append(None)
            nrs.append(0)
            shapes.append(None)
            continue
        t = args[i] if j < 0 else args[i][j]
        gf = t.grad_fn
        if gf is None:
            nexts.append(accumulate_node(t))
            nrs.append(0)
        else:
            nexts.append(gf)
            nrs.append(t._out_nr)
        shp = t._data.shape
        if shp != oshape:
            broadcast = True
        shapes.append(shp)
    node._next = tuple(nexts)
    node._nrs = tuple(nrs) if any(nrs) else None
    node._shapes = shapes if broadcast else None
    save = plan.save
    if save:
        sargs = list(raw) if plan.save_all else [None] * nargs
        targs = None
        vers = None
        for i in save:
            a = args[i]
            if not isinstance(a, Tensor):
                sargs[i] = snapshot(raw[i], a)
            elif not plan.save_all:
                sargs[i] = raw[i]
            if isinstance(a, Tensor):
                if targs is None:
                    targs = [None] * nargs
                targs[i] = a
                vc = a._vc
                if vc is not None and vc[0]:
                    if vers is None:
                        vers = [0] * nargs
                    vers[i] = vc[0]
            elif type(raw[i]) is list:
                if targs is None:
                    targs = [None] * nargs
                targs[i] = list(a)
        node._args = tuple(sargs)
        node._targs = targs
        node._versions = vers
        node._saved = True
    else:
        node._args = (None,) * nargs
        node._targs = None
        node._versions = None
        node._saved = None
    return node


_MUTABLE = (_ndarray, list, dict)


def snapshot(v, src=None):
    """A copy of a plain operand a rule will read, as it is now: ndarrays and
    lists (and tuples holding them) can be changed in place after the
    operation, which no version counter would notice.  ``src`` is the
    argument the user passed (a list of Tensors is unwrapped in ``v``; its
    Tensor elements keep their data)."""
    t = type(v)
    if t is _ndarray:
        return v.copy()
    if t is list or t is tuple:
        for e in v:
            if isinstance(e, _MUTABLE):
                break
        else:
            return list(v) if t is list else v
        if src is not None and len(src) == len(v):
            return t(e if isinstance(s, Tensor) else snapshot(e)
                     for e, s in zip(v, src))
        return t(snapshot(e) for e in v)
    if t is dict:
        return {k: snapshot(e) for k, e in v.items()}
    if isinstance(v, _ndarray):   # a subclass (refused elsewhere when it matters)
        return v.copy()
    return v


def snapshot_kwargs(kwargs):
    for v in kwargs.values():
        if isinstance(v, _MUTABLE) or type(v) is tuple:
            return {k: snapshot(v) for k, v in kwargs.items()}
    return kwargs


def result(node, out, uses_ans):
    """The output Tensor of a recorded node (shared by the generic path and
    the fast paths of :mod:`.fast`); saves ``out`` on the node when its rule
    reads ``ans``."""
    res = _new(Tensor)
    res._data = out
    res.grad_fn = node
    res._requires_grad = True
    if uses_ans:
        vc = res._vc = [0]
        node._ans = out
        node._ans_v = (vc, 0)
        node._saved = True
    else:
        res._vc = None
        node._ans = None
        node._ans_v = None
    return res


def check_plain(out, fn):
    """Refuse an ndarray subclass coming out of a primitive (an operand was
    an ``np.matrix`` or a masked array)."""
    check_plain_array(out, "the result of %s" % _fname(fn))


def _fname(fn):
    return getattr(fn, "__name__", repr(fn))


def default_name(fn):
    """``np.logaddexp`` -> ``LogaddexpBackward0``."""
    base = _fname(fn)
    return "".join(p[:1].upper() + p[1:] for p in base.split("_")) + "Backward0"


from .multi import record_outputs  # noqa: E402  (uses plan_for, build_node, wrap)
