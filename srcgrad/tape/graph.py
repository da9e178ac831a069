"""The tape's graph: nodes, the backward engine, saved values, hooks.

Guarantees:

* a :class:`Node` holds the rules of one primitive (from :mod:`srcgrad.rules`)
  for the inputs that require grad, the raw values those rules read, and the
  edges ``next_functions`` to the nodes that produced those inputs;
  derivative formulas live in the rule table only;
* :func:`run_backward` visits every reachable node once, after all of its
  consumers (dependency counting), sums cotangents, undoes broadcasting with
  :func:`srcgrad.runtime.unbroadcast_shape` for broadcasting primitives, and
  accumulates into leaves through :class:`AccumulateGrad`;
* without ``retain_graph`` the saved values are released as nodes run; a
  released value is replaced by a :class:`_Saved` stand-in that still knows its
  shape (so shape-only rules such as ``sum``'s keep working, as in PyTorch)
  but raises PyTorch's "backward through the graph a second time" error when
  its data is needed.  A saved tensor modified in place gets a stand-in that
  raises PyTorch's "modified by an inplace operation" error the same way.
"""

import dis
import re

import numpy as np

_ndarray = np.ndarray

from .. import modes, runtime

__all__ = ["Node", "AccumulateGrad", "node_class", "run_backward", "RemovableHandle"]

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")


class _SavedError(Exception):
    pass


class _Saved:
    """Stand-in for a released or stale saved value: shape-like queries work,
    anything that needs the data raises :class:`_SavedError`."""

    __slots__ = ("shape", "dtype", "msg")

    def __init__(self, value, msg):
        self.shape = value.shape if type(value) is _ndarray else np.shape(value)
        self.dtype = getattr(value, "dtype", None)
        self.msg = msg

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    def _fail(self, *a, **k):
        raise _SavedError(self.msg)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.shape:
            return self.shape
        if func is np.ndim:
            return len(self.shape)
        if func is np.size and len(args) == 1:
            return self.size
        raise _SavedError(self.msg)

    __array_ufunc__ = __array__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _fail
    __neg__ = __getitem__ = __float__ = __len__ = __iter__ = _fail


# ------------------------------------------------------------ rule analysis

_USAGE = {}


def rule_usage(rule):
    """``(uses_ans, positions)``: whether a rule reads ``ans``, and which
    positional arguments (after ``g, ans``) it reads; ``None`` = all."""
    key = id(rule)
    hit = _USAGE.get(key)
    if hit is not None:
        return hit
    try:
        code = rule.__code__
        if code.co_flags & 0x0C:  # *args / **kwargs: assume everything is used
            raise TypeError
        params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        read = set()
        for ins in dis.get_instructions(code):
            if ins.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")):
                read.add(ins.argval)
        read |= set(code.co_cellvars)
        pos = frozenset(i - 2 for i, p in enumerate(params[:code.co_argcount])
                        if i >= 2 and p in read)
        hit = (len(params) > 1 and params[1] in read, pos)
    except (AttributeError, TypeError):
        hit = (True, None)
    _USAGE[key] = hit
    return hit


# ------------------------------------------------------------------- nodes

class Node:
    """One recorded primitive application; subclasses carry PyTorch's names.

    ``_plan`` (shared by all nodes of one primitive and input pattern) holds
    the rules, their argument positions and whether the primitive broadcasts.
    """

    __slots__ = ("next_functions", "_plan", "_shapes", "_args", "_kwargs", "_targs",
                 "_versions", "_ans", "_ans_v", "_saved", "__dict__", "__weakref__")
    _pre_hooks = None
    _hooks = None
    _nout = 1

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return "<%s object at %#x>" % (type(self).__name__, id(self))

    def register_hook(self, fn):
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return RemovableHandle(self._hooks, fn)

    def _add_pre_hook(self, nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (nr, fn)
        self._pre_hooks.append(entry)
        return RemovableHandle(self._pre_hooks, entry)

    # -- backward -----------------------------------------------------------
    def _saved_values(self, create_graph):
        """The args/ans the rules read: raw arrays, Tensors under
        create_graph, or stand-ins once freed or modified in place."""
        args = self._args
        targs = self._targs
        ans = self._ans
        if targs is not None:
            versions = self._versions
            for i in self._plan.save:
                t = targs[i]
                if t is None:
                    continue
                if type(t) is list:
                    if create_graph:
                        args = args[:i] + (t,) + args[i + 1:]
                    continue
                if t._vc[0] != versions[i]:
                    gf = t.grad_fn
                    args = args[:i] + (_Saved(args[i], _modified_msg(
                        t._data, gf.name() if gf is not None else None, t._vc[0],
                        versions[i])),) + args[i + 1:]
                elif create_graph:
                    args = args[:i] + (t,) + args[i + 1:]
        av = self._ans_v
        if av is not None and av[0][0] != av[1]:
            ans = _Saved(ans, _modified_msg(ans, self.name(), av[0][0], av[1]))
        elif create_graph and ans is not None and type(ans) is not _Saved:
            from .tensor import Tensor
            ans = Tensor._make(ans, self)
        return args, ans

    def apply(self, grads, create_graph):
        g = grads[0]
        if self._targs is None and self._ans_v is None and not create_graph:
            args = self._args
            ans = self._ans
        else:
            args, ans = self._saved_values(create_graph)
        plan = self._plan
        kwargs = self._kwargs
        bc = plan.broadcasts
        out = []
        if plan.simple and not bc:
            if kwargs:
                return [rule(g, ans, *args, **kwargs) for rule in plan.rules]
            return [rule(g, ans, *args) for rule in plan.rules]
        for rule, (i, j), shp in zip(plan.rules, plan.pos, self._shapes):
            if rule is None:
                out.append(None)
                continue
            r = rule(g, ans, *args, **kwargs) if kwargs else rule(g, ans, *args)
            if j >= 0:
                r = r[j]
            if bc:
                rs = r.shape if type(r) is _ndarray else np.shape(r)
                if rs != shp:
                    r = runtime.unbroadcast_shape(r, shp)
            out.append(r)
        return out

    def _release(self):
        """Drop saved data, keeping shape-only stand-ins (PyTorch frees the
        saved tensors but keeps sizes)."""
        if self._saved:
            self._saved = False
            self._args = tuple(a if a is None else _Saved(a, FREED_MSG) for a in self._args)
            self._targs = None
            if self._ans is not None:
                self._ans = _Saved(self._ans, FREED_MSG)
                self._ans_v = None


_CLASSES = {}


def node_class(name):
    """The Node subclass called ``name`` (``MulBackward0``), made once."""
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


class AccumulateGrad(Node):
    """Sink for a leaf tensor: runs its hooks and adds into ``.grad``."""

    __slots__ = ("variable",)

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def apply(self, grads, create_graph):
        var = self.variable
        g = grads[0]
        from .tensor import Tensor
        for hook in var._hooks or ():
            gt = g if isinstance(g, Tensor) else Tensor._wrap(g)
            res = hook(gt)
            if res is not None:
                g = res if create_graph else res._data
        if isinstance(g, Tensor):  # create_graph
            if var._grad is None:
                var._grad = g
            else:
                var._grad = var._grad + g
            return ()
        g = np.asarray(g)
        if g.shape != var._data.shape:
            g = runtime.unbroadcast_shape(g, var._data.shape)
        cur = var._grad
        if cur is None:
            var._grad = Tensor._wrap(np.array(g, dtype=var._data.dtype))
        elif cur.grad_fn is None and not modes.is_grad_enabled():
            cur._data += g
        else:
            var._grad = cur + Tensor._wrap(np.asarray(g, dtype=var._data.dtype))
        return ()


def accumulate_node(t):
    """The (cached, weakly held) AccumulateGrad node of a leaf tensor."""
    ref = t._accum
    node = ref() if ref is not None else None
    if node is None:
        import weakref
        node = AccumulateGrad.__new__(AccumulateGrad)
        node.next_functions = ()
        node.variable = t
        node._saved = node._ans_v = None
        t._accum = weakref.ref(node)
    return node


def _modified_msg(data, gname, version, expected):
    kind = {np.float32: "Float", np.float64: "Double", np.float16: "Half",
            np.int64: "Long", np.int32: "Int", np.bool_: "Bool"}.get(data.dtype.type, "")
    shape = "[" + ", ".join(str(n) for n in data.shape) + "]"
    where = ""
    if gname is not None:
        where = ", which is output 0 of %s," % re.sub(r"Backward\d*$", "", gname)
    return ("one of the variables needed for gradient computation has been modified by "
            "an inplace operation: [torch.%sTensor %s]%s is at version %d; expected "
            "version %d instead. Hint: enable anomaly detection to find the operation "
            "that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False)."
            % (kind, shape, where, version, expected))


class RemovableHandle:
    __slots__ = ("_list", "_fn")

    def __init__(self, lst, fn):
        self._list, self._fn = lst, fn

    def remove(self):
        try:
            self._list.remove(self._fn)
        except ValueError:
            pass


# ------------------------------------------------------------------ engine

def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None):
    """Propagate ``root_grads`` from the edges ``roots`` (``(node, nr)``).

    With ``inputs`` (a list of ``(node, nr)`` edges, autograd.grad), returns
    ``{index: cotangent}`` for those edges and accumulates into no ``.grad``.
    """
    deps = {}
    seen = set()
    stack = []
    for n, _ in roots:
        if n is not None and n not in seen:
            seen.add(n)
            stack.append(n)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
    captured = capture_at = None
    if inputs is not None:
        captured = {}
        capture_at = {}
        for idx, (node, nr) in enumerate(inputs):
            capture_at.setdefault(node, []).append((idx, nr))
    buffers = {}     # node -> cotangent of its output 0
    extra = {}       # (node, nr) -> cotangent of output nr > 0
    ready = []
    for (node, nr), g in zip(roots, root_grads):
        if node is None:
            continue
        _put(buffers, extra, node, nr, g)
        if node not in deps and node not in ready:
            ready.append(node)
    with modes.set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            g = buffers.pop(node, None)
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
            if g is None and (nout == 1 or all(x is None for x in grads)):
                in_grads = (None,) * len(node.next_functions)
            else:
                try:
                    in_grads = node.apply(grads, create_graph)
                except _SavedError as e:
                    raise RuntimeError(str(e)) from None
            if node._hooks:
                for h in node._hooks:
                    h(in_grads, grads)
            if not retain_graph and node._saved:
                node._release()
            for (nxt, nr), gi in zip(node.next_functions, in_grads):
                if nxt is None:
                    continue
                if gi is not None:
                    if nr == 0:
                        cur = buffers.get(nxt)
                        buffers[nxt] = gi if cur is None else cur + gi
                    else:
                        _put(buffers, extra, nxt, nr, gi)
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
    return captured


def _put(buffers, extra, node, nr, g):
    if nr == 0:
        cur = buffers.get(node)
        buffers[node] = g if cur is None else runtime.add(cur, g)
    else:
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
