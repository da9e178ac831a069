"""``backward`` and ``grad``: the tape's entry points into the engine.

Guarantees, as PyTorch's ``torch.autograd.backward`` / ``torch.autograd.grad``:
the implicit gradient exists only for one-element outputs; a gradient of the
wrong shape is refused; ``retain_graph`` defaults to ``create_graph``;
``grad`` leaves every ``.grad`` untouched, and refuses unused inputs unless
``allow_unused``.
"""

import numpy as np

from .tensor import Tensor, Size
from .graph import accumulate_node, leaf_edge
from .backprop import run_backward

__all__ = ["backward", "grad"]


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _root(t):
    if t.grad_fn is not None:
        return (t.grad_fn, t._out_nr)
    return leaf_edge(t)


def _roots(outputs, grad_outputs, create_graph):
    roots, grads = [], []
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError("element %d of tensors does not require grad and does not "
                               "have a grad_fn" % i)
        g = grad_outputs[i] if grad_outputs is not None and i < len(grad_outputs) else None
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f":   # PyTorch: no implicit complex seed
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   "but got %s" % out.dtype)
            g = np.ones(out._data.shape, dtype=out._data.dtype)
            if create_graph:
                g = Tensor._wrap(g)
        else:
            if not isinstance(g, Tensor):
                g = Tensor(g)
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    "Mismatch in shape: grad_output[%d] has a shape of %r and output[%d] has "
                    "a shape of %r." % (i, Size(g._data.shape), i, Size(out._data.shape)))
            if not create_graph:
                g = g._data
        roots.append(_root(out))
        grads.append(g)
    return roots, grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             inputs=None):
    """Accumulate gradients of ``tensors`` into the ``.grad`` of graph leaves."""
    outputs = _as_list(tensors)
    grads = _as_list(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots, gvals = _roots(outputs, grads, create_graph)
    if inputs is not None:
        inputs = _as_list(inputs)
        res = run_backward(roots, gvals, retain_graph, create_graph,
                           inputs=[_root(t) for t in inputs])
        for t, g in zip(inputs, [res.get(i) for i in range(len(inputs))]):
            if g is not None:
                accumulate_node(t).apply([g], create_graph) if t.grad_fn is None else None
        return
    run_backward(roots, gvals, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False,
         materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple)."""
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in ins:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    roots, gvals = _roots(outs, _as_list(grad_outputs), create_graph)
    res = run_backward(roots, gvals, retain_graph, create_graph,
                       inputs=[_root(t) for t in ins])
    result = []
    for i, t in enumerate(ins):
        g = res.get(i)
        if g is None:
            if materialize_grads:
                result.append(Tensor._wrap(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError(
                    "The differentiated Tensor at index %d appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior." % i)
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            g = np.asarray(g)
            if g.shape != t._data.shape:
                g = np.broadcast_to(g, t._data.shape)
            if g.dtype.kind == "c" and t._data.dtype.kind != "c":
                g = g.real      # a real input's gradient is real (as in PyTorch)
            result.append(Tensor._wrap(np.array(g, dtype=t._data.dtype)))
    return tuple(result)
