"""The backward engine: walks the graph from the roots to the leaves.

Guarantees:

* :func:`run_backward` visits every reachable node once, after all of its
  consumers (dependency counting), sums cotangents, undoes broadcasting with
  :func:`srcgrad.runtime.unbroadcast_shape` for broadcasting primitives, and
  accumulates into leaves through :class:`graph.AccumulateGrad`;
* without ``retain_graph`` each node's saved values are released right
  after it runs (see :meth:`graph.Node._release`);
* the common node (a rule-table primitive without hooks or captured
  gradient, outside ``create_graph``) runs inline in the loop: no per-node
  method call or list of gradients.
"""

import numpy as np

from .. import modes, runtime
from .graph import AccumulateGrad, _SavedError, EPOCH

__all__ = ["run_backward"]

_ndarray = np.ndarray

def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None):
    """Propagate ``root_grads`` from the edges ``roots`` (``(node, nr)``).

    With ``inputs`` (a list of ``(node, nr)`` edges, autograd.grad), returns
    ``{index: cotangent}`` for those edges and accumulates into no ``.grad``.

    Nodes recorded from the rule table (``_plan`` set, no hooks) run inline
    here; other nodes (AccumulateGrad, autograd.Function, hooked nodes) run
    through their ``apply``.
    """
    # state[node] = [consumers not yet run, cotangent of output 0]
    state = {}
    stack = []
    for n, _ in roots:
        if n is not None and n not in state:
            state[n] = [0, None]
            stack.append(n)
    pop = stack.pop
    push = stack.append
    while stack:
        for nxt in pop()._next:
            if nxt is not None:
                ent = state.get(nxt)
                if ent is None:
                    state[nxt] = [1, None]
                    push(nxt)
                else:
                    ent[0] += 1
    captured = capture_at = None
    if inputs is not None:
        captured = {}
        capture_at = {}
        for idx, (node, nr) in enumerate(inputs):
            capture_at.setdefault(node, []).append((idx, nr))
    extra = {}       # (node, nr) -> cotangent of output nr > 0
    ready = []
    for (node, nr), g in zip(roots, root_grads):
        if node is None:
            continue
        ent = state[node]
        if nr == 0:
            ent[1] = g if ent[1] is None else runtime.add(ent[1], g)
        else:
            _put_extra(extra, node, nr, g)
        if ent[0] == 0 and node not in ready:
            ready.append(node)
    fast = not create_graph
    capture_nodes = capture_at if capture_at is not None else _EMPTY
    free = not retain_graph
    pop = ready.pop
    push = ready.append
    take = state.pop
    unbroadcast = runtime.unbroadcast_shape
    epoch = EPOCH
    with modes.set_grad_enabled(create_graph):
        while ready:
            node = pop()
            g = take(node)[1]
            plan = node._plan
            if fast and plan is not None and plan.simple and not node._hooked \
                    and node not in capture_nodes:
                # -- inline fast path: a rule-table node ---------------------
                if g is None:
                    in_grads = _NONES
                else:
                    if node._epoch == epoch[0] or node._targs is None and node._ans_v is None:
                        args = node._args
                        ans = node._ans
                    else:
                        try:
                            args, ans = node._saved_values(False)
                        except _SavedError as e:
                            raise RuntimeError(str(e)) from None
                    kw = node._kwargs
                    in_grads = []
                    try:
                        shapes = node._shapes
                        if shapes is not None and plan.broadcasts:
                            for rule, shp in zip(plan.rules, shapes):
                                if rule is None:
                                    in_grads.append(None)
                                    continue
                                r = rule(g, ans, *args, **kw) if kw else rule(g, ans, *args)
                                if shp is not None and \
                                        (r.shape if type(r) is _ndarray else np.shape(r)) != shp:
                                    r = unbroadcast(r, shp)
                                in_grads.append(r)
                        elif kw:
                            for rule in plan.rules:
                                in_grads.append(None if rule is None else
                                                rule(g, ans, *args, **kw))
                        else:
                            for rule in plan.rules:
                                in_grads.append(None if rule is None else rule(g, ans, *args))
                    except _SavedError as e:
                        raise RuntimeError(str(e)) from None
                if free and node._saved:
                    if plan.broadcasts and node._ans is None:
                        node._saved = False
                        node._args = plan.dead
                        node._targs = None
                    else:
                        node._release()
            else:
                # -- general path ------------------------------------------
                nout = node._nout
                grads = [g] if nout == 1 else [g] + [extra.pop((node, k), None)
                                                     for k in range(1, nout)]
                if node._pre_hooks:
                    grads = _run_pre_hooks(node, grads, create_graph)
                if captured is not None:
                    for idx, nr in capture_at.get(node, ()):
                        captured[idx] = grads[nr] if nr < len(grads) else None
                    if type(node) is AccumulateGrad:
                        continue
                if grads[0] is None and (nout == 1 or all(x is None for x in grads)):
                    in_grads = _NONES
                else:
                    try:
                        in_grads = node.apply(grads, create_graph)
                    except _SavedError as e:
                        raise RuntimeError(str(e)) from None
                if node._hooks:
                    for h in node._hooks:
                        h(in_grads, grads)
                if free and node._saved:
                    node._release()
            if in_grads is _NONES:
                for nxt in node._next:
                    if nxt is not None:
                        ent = state[nxt]
                        ent[0] -= 1
                        if not ent[0]:
                            push(nxt)
                continue
            if node._nrs is None:
                for nxt, gi in zip(node._next, in_grads):
                    if nxt is None:
                        continue
                    ent = state[nxt]
                    if gi is not None:
                        cur = ent[1]
                        ent[1] = gi if cur is None else cur + gi
                    ent[0] -= 1
                    if not ent[0]:
                        push(nxt)
                continue
            for nxt, nr, gi in zip(node._next, node._nrs, in_grads):
                if nxt is None:
                    continue
                ent = state[nxt]
                if gi is not None:
                    if nr == 0:
                        cur = ent[1]
                        ent[1] = gi if cur is None else cur + gi
                    else:
                        _put_extra(extra, nxt, nr, gi)
                ent[0] -= 1
                if not ent[0]:
                    push(nxt)
    return captured


_NONES = ()
_EMPTY = {}


def _put_extra(extra, node, nr, g):
    cur = extra.get((node, nr))
    extra[(node, nr)] = g if cur is None else runtime.add(cur, g)


def _run_pre_hooks(node, grads, create_graph):
    from .tensor import Tensor
    grads = list(grads)
    for nr, fn in list(node._pre_hooks):
        g = grads[nr] if nr < len(grads) else None
        if g is None:
            continue
        gt = g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g))
        res = fn(gt)
        if res is not None:
            grads[nr] = res if create_graph else res._data
    return grads
