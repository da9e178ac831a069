"""The tape's graph of a computation, drawn like torchviz draws PyTorch's.

:func:`tape_graph` runs ``f`` on the tape (as ``grad(f, mode="tape")`` does:
the differentiated arguments become leaf tensors, copies of the caller's
values, so nothing the caller passed is changed) and walks ``grad_fn`` /
``next_functions`` from the output(s):

* each ``grad_fn`` node is a grey box named as PyTorch prints it
  (``node.name()``: ``MulBackward0``, ``SumBackward0``...);
* each leaf (an ``AccumulateGrad`` sink) is a blue box with the argument's
  name, its path inside a tree argument, and its shape -- the copy the tape
  makes of a moving argument (``CloneBackward0`` into the leaf) is folded
  into the leaf, so the picture shows the user's computation;
* each output is a green box with its shape, fed by its ``grad_fn``.

Nodes are numbered in depth-first order from the outputs, inputs in the
order of ``next_functions``: the same ``f`` and argument shapes give the same
text.
"""

import inspect

import numpy as np

from .graph_draw import Graph

__all__ = ["tape_graph"]

_LEAF = "fillcolor=lightblue"
_OUT = "fillcolor=darkolivegreen1"


def tape_graph(f, args, wrt):
    from .tape.tensor import Tensor
    if isinstance(f, Tensor):
        if args:
            raise TypeError("graph: a tensor's recorded graph takes no arguments")
        return _draw("tensor", [f], {})
    from .tape.engine import _map, _wrap_leaf, recording, call_on_copies
    params = _param_names(f, len(args))
    positions = _positions(args, wrt)
    args = list(args)
    names = {}                                        # id(leaf tensor) -> label
    for i in positions:
        leaves = []
        args[i] = _map(lambda x: _wrap_leaf(x, leaves) if _moves(x) else x, args[i])
        paths = _paths(args[i], params[i])
        if len(paths) != len(leaves):
            paths = ["%s[%d]" % (params[i], k) for k in range(len(leaves))]
        for path, leaf in zip(paths, leaves):
            names[id(leaf.tensor)] = path
    with recording():
        out = call_on_copies(f, args, positions)
    outs = _tensors(out)
    if not any(t.grad_fn is not None or t.requires_grad for t in outs):
        raise ValueError("graph: %s's output does not depend on a differentiated argument: "
                         "there is no graph to draw" % _name(f))
    return _draw(_name(f), outs, names)


def _draw(name, outs, names):
    nodes, edges, attrs, ids = [], [], {}, {}
    counter = [0]

    def new(key, label, attr=None):
        counter[0] += 1
        nid = "n%d" % counter[0]
        ids[key] = nid
        nodes.append((nid, label))
        if attr:
            attrs[nid] = attr
        return nid

    def leaf_of(fn):
        """The leaf tensor a node stands for: an AccumulateGrad's variable, or
        the tape's copy of a moving argument (Clone of a leaf)."""
        var = getattr(fn, "variable", None)
        if var is not None:
            return var
        if fn.name() == "CloneBackward0":
            nxt = [n for n, _ in fn.next_functions if n is not None]
            if len(nxt) == 1 and id(getattr(nxt[0], "variable", None)) in names:
                return nxt[0].variable
        return None

    def visit(fn):
        var = leaf_of(fn)
        key = ("leaf", id(var)) if var is not None else ("fn", id(fn))
        if key in ids:
            return ids[key]
        if var is not None:
            label = "%s\n%s" % (names.get(id(var), "leaf"), _shape(var))
            return new(key, label, _LEAF)
        nid = new(key, fn.name())
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                edges.append((visit(nxt), nid))
        return nid

    for k, t in enumerate(outs):
        label = "(output%s)\n%s" % ("" if len(outs) == 1 else " %d" % k, _shape(t))
        out = new(("out", k), label, _OUT)
        if t.grad_fn is not None:
            edges.append((visit(t.grad_fn), out))
    return Graph(name, "tape", nodes, edges, attrs)


def _tensors(out):
    from .tape.tensor import Tensor
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, dict):
        return [t for k in out for t in _tensors(out[k])]
    if isinstance(out, (list, tuple)):
        return [t for v in out for t in _tensors(v)]
    return []


def _moves(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    return isinstance(x, (float, complex, np.floating, np.complexfloating))


def _paths(tree, prefix):
    """The names of the moving leaves of ``tree`` in ``_map``'s order."""
    from .tape.tensor import Tensor
    if isinstance(tree, Tensor):
        return [prefix]
    if isinstance(tree, dict):
        return [p for k, v in tree.items() for p in _paths(v, "%s[%r]" % (prefix, k))]
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return [p for k, v in zip(tree._fields, tree) for p in _paths(v, prefix + "." + k)]
    if isinstance(tree, (list, tuple)):
        return [p for k, v in enumerate(tree) for p in _paths(v, "%s[%d]" % (prefix, k))]
    return []


def _positions(args, wrt):
    if wrt is None:
        return [i for i, a in enumerate(args) if _paths_any(a)]
    return [wrt] if isinstance(wrt, int) else list(wrt)


def _paths_any(x):
    if _moves(x):
        return True
    if isinstance(x, dict):
        return any(_paths_any(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(_paths_any(v) for v in x)
    return False


def _param_names(f, n):
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else "arg%d" % i for i in range(n)]


def _shape(t):
    return str(tuple(np.shape(t._data)))


def _name(f):
    return getattr(f, "__name__", None) or type(f).__name__
