"""The tape's graph: nodes, the backward engine, saved values, hooks.

Guarantees:

* a :class:`Node` holds the rules of one primitive (from :mod:`srcgrad.rules`)
  for the inputs that require grad, the raw values those rules read, and the
  edges ``next_functions`` to the nodes that produced those inputs (stored
  as the tuple ``_next`` of nodes, with ``_nrs`` only for multi-output
  producers);
  derivative formulas live in the rule table only;
* :class:`AccumulateGrad` sums into a leaf's ``.grad``; a leaf's edge to it
  is made once and shared by every node that uses the leaf, and the leaf
  holds it weakly (no reference cycles: a graph is freed as soon as its
  output is dropped);
* without ``retain_graph`` the saved values are released as nodes run; a
  released value is replaced by a :class:`_Saved` stand-in that still knows its
  shape (so shape-only rules such as ``sum``'s keep working, as in PyTorch)
  but raises PyTorch's "backward through the graph a second time" error when
  its data is needed.  A saved tensor modified in place gets a stand-in that
  raises PyTorch's "modified by an inplace operation" error the same way.
"""

import dis
import re
import weakref

import numpy as np

_ndarray = np.ndarray

from .. import modes, runtime

__all__ = ["Node", "AccumulateGrad", "node_class", "leaf_edge", "accumulate_node",
           "RemovableHandle"]

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")


#: counts every in-place change of any tensor; a node whose ``_epoch`` equals
#: it has no saved value that could have been modified since recording, so
#: backward skips the version checks
EPOCH = [0]


def bump_version(t):
    """Record an in-place change of ``t``: bump its (shared) version counter."""
    t._counter()[0] += 1
    EPOCH[0] += 1


class _SavedError(Exception):
    pass


class _Saved:
    """Stand-in for a released or stale saved value: shape-like queries work,
    anything that needs the data raises :class:`_SavedError`."""

    __slots__ = ("shape", "dtype", "msg")

    def __init__(self, value, msg=FREED_MSG):
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
        if func is np.result_type and len(args) == 1 and self.dtype is not None:
            return self.dtype
        raise _SavedError(self.msg)

    __array_ufunc__ = __array__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _fail
    __neg__ = __getitem__ = __float__ = __len__ = __iter__ = _fail


_new = object.__new__


def _freed(a):
    """The stand-in for a released saved value of a non-arithmetic primitive:
    arrays become shape-only stand-ins; Python scalars, tuples (shapes, axes,
    indices) and None stay, so ``reshape``/``transpose``/slicing can
    backward a second time, as in PyTorch (whose nodes keep only sizes)."""
    if type(a) is _ndarray:
        s = _new(_Saved)
        s.shape = a.shape
        s.dtype = a.dtype
        s.msg = FREED_MSG
        return s
    if a is None or type(a) in _KEEP_TYPES:
        return a
    return _Saved(a)


class _Dead(_Saved):
    """The released operand of an arithmetic node: everything, even its
    shape, raises (PyTorch keeps no sizes for these either)."""
    __slots__ = ()

    @property
    def shape(self):
        raise _SavedError(FREED_MSG)

    ndim = size = dtype = shape
    __array_function__ = _Saved._fail


DEAD = _Dead.__new__(_Dead)
DEAD.msg = FREED_MSG


_KEEP_TYPES = {int, float, bool, tuple, str, complex, slice, type(Ellipsis)}


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
                read.update(ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))
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
    the rules, their argument positions and whether the primitive broadcasts;
    ``_args`` the raw values the rules read, ``_targs`` the inputs they came
    from (for version checks), ``_versions`` their versions when non-zero.
    """

    __slots__ = ("_next", "_nrs", "_plan", "_shapes", "_args", "_kwargs", "_targs",
                 "_versions", "_ans", "_ans_v", "_saved", "_epoch", "__dict__", "__weakref__")
    _pre_hooks = None
    _hooks = None
    _hooked = False     # True once any hook is registered: the engine's slow path
    _nout = 1

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return "<%s object at %#x>" % (type(self).__name__, id(self))

    @property
    def next_functions(self):
        """PyTorch's edges: ``((node, output_nr), ...)``, ``(None, 0)`` for an
        input that needs no gradient.  Stored as ``_next`` (the nodes) and
        ``_nrs`` (their output numbers, ``None`` when all are 0) so that
        recording builds no tuple per edge."""
        nrs = self._nrs
        if nrs is None:
            return tuple([(n, 0) for n in self._next])
        return tuple(zip(self._next, nrs))

    @next_functions.setter
    def next_functions(self, edges):
        self._next = tuple([e[0] for e in edges])
        nrs = tuple([e[1] for e in edges])
        self._nrs = nrs if any(nrs) else None

    def register_hook(self, fn):
        if self._hooks is None:
            self._hooks = []
        self._hooked = True
        self._hooks.append(fn)
        return RemovableHandle(self._hooks, fn)

    def _add_pre_hook(self, nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._hooked = True
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
                if type(t) is list:
                    if create_graph:
                        args = args[:i] + (t,) + args[i + 1:]
                    continue
                if not hasattr(t, "_vc"):      # not a Tensor
                    continue
                vc = t._vc
                now = vc[0] if vc is not None else 0
                then = versions[i] if versions is not None else 0
                if now != then:
                    gf = t.grad_fn
                    msg = _modified_msg(t._data, gf.name() if gf is not None else None,
                                        now, then)
                    where = getattr(t, "_inplace_where", None)
                    if where:       # NumPy code on the tape: name the user's in-place line
                        msg = ("%s\n(this in-place change of an array the gradient needs; "
                               "write y = y / s instead of y /= s, or copy the array "
                               "first) %s" % (where, msg))
                    args = args[:i] + (_Saved(args[i], msg),) + args[i + 1:]
                elif create_graph:
                    args = args[:i] + (t,) + args[i + 1:]
        av = self._ans_v
        if av is not None and av[0][0] != av[1]:
            ans = _Saved(ans, _modified_msg(ans, self.name(), av[0][0], av[1]))
        elif create_graph and ans is not None and not isinstance(ans, (_Saved, tuple, list)):
            # (a tuple: several outputs' ans, a constant -- see multi.LINEAR_ONLY)
            from .tensor import Tensor
            ans = Tensor._make(ans, self)
        return args, ans

    def apply(self, grads, create_graph):
        return self._vjp(grads[0], create_graph)

    def _vjp(self, g, create_graph):
        """The rules' cotangents for the inputs, given the output's ``g``."""
        if self._targs is None and self._ans_v is None and not create_graph:
            args = self._args
            ans = self._ans
        else:
            args, ans = self._saved_values(create_graph)
        plan = self._plan
        kwargs = self._kwargs
        shapes = self._shapes if plan.broadcasts else None
        out = []
        for k, (rule, (i, j)) in enumerate(zip(plan.rules, plan.pos)):
            if rule is None:
                out.append(None)
                continue
            r = rule(g, ans, *args, **kwargs) if kwargs else rule(g, ans, *args)
            if j >= 0:
                r = r[j]
            shp = shapes[k] if shapes is not None else None
            if shp is not None:
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
            plan = self._plan
            if plan.broadcasts:    # arithmetic: any later use of an operand fails
                self._args = plan.dead
            else:                  # shapes, axes, indices stay
                self._args = tuple([_freed(a) for a in self._args])
            self._targs = None
            if self._ans is not None:
                self._ans = _freed(self._ans)
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
        if g.dtype.kind == "c" and var._data.dtype.kind != "c":
            g = g.real      # a real leaf's gradient is real (as in PyTorch)
        cur = var._grad
        if cur is None:
            var._grad = Tensor._wrap(np.array(g, dtype=var._data.dtype))
        elif cur.grad_fn is None and not modes.is_grad_enabled():
            cur._data += g
        else:
            var._grad = cur + Tensor._wrap(np.asarray(g, dtype=var._data.dtype))
        return ()


def accumulate_node(t):
    """The AccumulateGrad node of a leaf tensor, weakly held by the tensor
    (the graph keeps it alive; no reference cycle)."""
    ref = t._accum
    if ref is not None:
        node = ref()
        if node is not None:
            return node
    node = AccumulateGrad.__new__(AccumulateGrad)
    node._next = ()
    node._nrs = None
    node.variable = t
    node._plan = None
    node._saved = node._ans_v = None
    t._accum = weakref.ref(node)
    return node


def leaf_edge(t):
    """The edge ``(AccumulateGrad node, 0)`` of a leaf tensor."""
    ref = t._accum
    if ref is not None:
        node = ref()
        if node is not None:
            return (node, 0)
    return (accumulate_node(t), 0)


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
