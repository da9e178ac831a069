"""``autograd.Function``: user-defined forward/backward pairs on the tape.

Guarantees, as PyTorch's: ``forward`` runs with grad mode off; ``apply``
records one node named ``<ClassName>Backward`` (the ``ctx``) when grad mode
is on and an input requires grad; ``ctx.save_for_backward`` values come back
through ``ctx.saved_tensors`` (version-checked, released after backward
unless the graph is retained); ``ctx.needs_input_grad`` tells which inputs
need a gradient; ``backward`` returns one gradient per ``forward`` input.
"""

import numpy as np

from .. import modes
from .graph import Node, FREED_MSG, _modified_msg
from .tensor import Tensor

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` methods, shared by backward nodes."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors
        self._saved_versions = tuple(t._counter()[0] if isinstance(t, Tensor) else None
                                     for t in tensors)

    @property
    def saved_tensors(self):
        if self._saved is False:
            raise RuntimeError(FREED_MSG)
        out = []
        for t, v in zip(self.to_save, self._saved_versions):
            if isinstance(t, Tensor) and t._counter()[0] != v:
                gf = t.grad_fn
                raise RuntimeError(_modified_msg(t._data, gf.name() if gf else None,
                                                 t._vc[0], v))
            out.append(t)
        return tuple(out)

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self._materialize = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """Base of the ``<Name>Backward`` node classes made for each Function."""

    _forward_cls = None
    to_save = ()
    _saved_versions = ()
    _non_diff = frozenset()
    _materialize = True

    def apply(self, grads, create_graph):
        gs = []
        for k, (shape, dtype) in enumerate(self._out_meta):
            g = grads[k] if k < len(grads) else None
            if g is None:
                if not self._materialize:
                    gs.append(None)
                    continue
                g = np.zeros(shape, dtype=dtype)
            gs.append(g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g)))
        res = self._forward_cls.backward(self, *gs)
        if not isinstance(res, tuple):
            res = (res,)
        n = self._nargs
        if len(res) != n:
            if len(res) > n and all(r is None for r in res[n:]):
                res = res[:n]
            else:
                raise RuntimeError("function %s returned an incorrect number of gradients "
                                   "(expected %d, got %d)" % (type(self).__name__, n, len(res)))
        if create_graph:
            _check_recorded(self, gs, res)
        out = []
        for i in self._tensor_pos:
            r = res[i]
            if isinstance(r, Tensor) and not create_graph:
                r = r._data
            out.append(r)
        return out

    def _release(self):
        if self._saved:
            self._saved = False
            self.to_save = ()


def _check_recorded(node, gs, res):
    """Under ``create_graph``, a backward given a gradient that requires grad
    must return gradients that do too (a backward is linear in its
    gradient): one computed on NumPy values (``g.numpy()``) would silently
    drop every derivative of the gradient (grad of grad, hessian, hvp, and
    the tape's forward mode, which is a double backward)."""
    if not any(isinstance(g, Tensor) and g._requires_grad for g in gs):
        return
    for i, r in enumerate(res):
        if r is None or i >= len(node.needs_input_grad) or not node.needs_input_grad[i]:
            continue
        if not (isinstance(r, Tensor) and r._requires_grad):
            raise RuntimeError(
                "srcgrad tape: %s was given a gradient that requires grad (create_graph=True: "
                "grad of grad, hessian, hvp or forward mode on the tape), but its backward "
                "returned a gradient for input %d that does not: it was computed on NumPy "
                "values, so its derivatives would be lost. Write the backward with Tensor "
                "operations (NumPy functions on the Tensors it is given), or, for forward mode, "
                "use srcgrad.custom_jvp." % (type(node).__name__, i))


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls})


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``;
    call ``YourFunction.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        node = cls._backward_cls.__new__(cls._backward_cls)
        node._saved = None
        node._ans_v = None
        node._plan = None
        tpos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        node.needs_input_grad = needs
        node._nargs = len(args)
        node._tensor_pos = tpos
        custom_setup = cls.setup_context is not Function.setup_context
        with modes.no_grad():
            if custom_setup:
                result = cls.forward(*args, **kwargs)
                cls.setup_context(node, args, result)
            else:
                result = cls.forward(node, *args, **kwargs)
        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        if not (modes.is_grad_enabled() and any(needs)):
            return result
        from .api import _root
        node.next_functions = tuple(_root(args[i]) if needs[i] else (None, 0) for i in tpos)
        node._nout = len(outs)
        node._out_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), float)
                          for o in outs]
        if node.to_save:
            node._saved = True
        new_outs = []
        for k, o in enumerate(outs):
            if isinstance(o, Tensor) and id(o) not in node._non_diff \
                    and o._data.dtype.kind in "fc":
                if any(o is a for a in args) or o.grad_fn is not None or o._requires_grad:
                    alias = Tensor._wrap(o._data)
                    alias._vc = o._counter()
                    o = alias
                o.grad_fn = node
                o._requires_grad = True
                if k:
                    o._out_nr = k
            new_outs.append(o)
        return new_outs[0] if single else tuple(new_outs)


def once_differentiable(fn):
    return fn
