"""The seam between the engines for forward mode (companion of bridge.py).

* **Fallback**: ``pipeline.FALLBACK_JVP(callee, positions, reason)`` runs a
  callee the compiler's forward transform refused on the tape (mode="auto"),
  through :func:`srcgrad.tape.forward.tape_jvp`.
* **Custom derivatives**: ``pipeline.SPECIAL_JVP(callee, positions)`` gives
  the JVP of a :class:`custom_jvp` (its rule) and of a
  :class:`~srcgrad.bridge.custom_vjp` (its ``bwd`` transposed on the tape).
* :class:`custom_jvp`: a function with a hand-written JVP (``jax``'s
  convention), usable by both engines.  Reverse mode (``grad``, the tape's
  ``backward``) needs the VJP: it is the *transpose* of the rule, obtained
  exactly by running the rule on the tape with tangents that require grad
  and differentiating its tangent output with respect to them (the rule is
  linear in the tangents).  The rule must therefore be NumPy code the tape
  can run; one that converts a tangent to a number or an ndarray is refused
  with the tape's located ``TapeConversionError``.

Calling convention of the engines handed to the compiler: ``.fn(*args,
*tangents)`` (every positional parameter, then one tangent per position)
returning ``(out, tangent_out)``.
"""

import functools
import logging

import numpy as np

from . import modes
from .bridge import custom_vjp, refuse_generator, refuse_leak, _qualname
from .compiler import pipeline
from .tape.forward import tape_jvp
from .tape.function import Function
from .tape.tensor import Tensor, STRICT
from .tape.api import grad as _tape_grad

__all__ = ["custom_jvp"]

log = logging.getLogger("srcgrad")


class _JVP:
    """An engine with ``fn(*args, *tangents) -> (out, tangent_out)``."""

    def __init__(self, fn, source):
        self.fn = fn
        self.source = source


# ------------------------------------------------------------ fallback

def _fallback_jvp(callee, positions, reason=None):
    """The tape as the JVP of a callee the compiler's forward transform
    refused (``mode="auto"``); not for a generator function."""
    refuse_generator(callee, reason)
    positions = tuple(positions)
    log.info("srcgrad: jvp of %s runs on the tape inside compiled code (%s)",
             _qualname(callee), reason)

    def fn(*args_and_tangents):
        n = len(args_and_tangents) - len(positions)
        args, tangents = args_and_tangents[:n], args_and_tangents[n:]
        trees = [None] * n
        for i, t in zip(positions, tangents):
            trees[i] = t
        value, tangent = tape_jvp(callee, args, trees)
        refuse_leak(value, callee, reason, "tangents")
        return value, tangent
    fn.__name__ = getattr(callee, "__name__", "f") + "_tape_jvp"
    fn.tape_reason = reason
    return _JVP(fn, "# %s: forward mode on the tape (%s)\n" % (_qualname(callee), reason))


# ------------------------------------------------------------ custom_jvp

def _leaf(a):
    """A tangent that requires grad, zeros shaped like the primal ``a``."""
    data = a._data if isinstance(a, Tensor) else np.asarray(a)
    dtype = data.dtype if data.dtype.kind in "fc" else np.dtype(np.float64)
    t = Tensor._wrap(np.zeros(data.shape, dtype=dtype))
    t._requires_grad = True
    t._vc = [0]
    return t


def _zero(a):
    data = a._data if isinstance(a, Tensor) else np.asarray(a)
    if data.dtype.kind not in "fc":
        return None
    return np.zeros(data.shape, dtype=data.dtype)


class custom_jvp:
    """A function with a hand-written JVP, usable by both engines.

    >>> import numpy as np, srcgrad
    >>> @custom_jvp
    ... def safe_log(x):
    ...     return np.log(x)
    >>> @safe_log.defjvp
    ... def safe_log_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return np.log(x), t / np.maximum(x, 1e-3)
    >>> float(srcgrad.jvp(safe_log, (0.0,), (1.0,))[1])
    1000.0
    >>> float(srcgrad.grad(safe_log)(2.0))
    0.5

    ``jvp(primals, tangents)`` gets two tuples (a tangent for every argument:
    zeros for one that does not move, ``None`` for a non-float one) and
    returns ``(output, tangent_out)``; it must be linear in the tangents.
    """

    def __init__(self, fun):
        self.fun = fun
        self.rule = None
        self._function = None
        functools.update_wrapper(self, fun)

    def defjvp(self, rule):
        """Set the JVP rule; returns it (usable as a decorator)."""
        self.rule = rule
        owner = self

        def forward(ctx, *args):
            ctx.args = args
            raw = [a.detach().numpy() if isinstance(a, Tensor) else a for a in args]
            out = owner.fun(*raw)
            if isinstance(out, (tuple, list, dict)):
                raise TypeError(
                    "%s: custom_jvp function %s returned a %s; on the tape (reverse mode, "
                    "mode=\"tape\" or a fallback) a custom_jvp function returns one array or "
                    "number" % (_where(owner.fun), _qualname(owner.fun), type(out).__name__))
            return out if isinstance(out, Tensor) else Tensor._wrap(np.asarray(out))

        def backward(ctx, g):
            cts = owner.transpose(ctx.args, g, ctx.needs_input_grad)
            return tuple(cts)
        name = getattr(self.fun, "__name__", "custom").strip("<>").title().replace("_", "")
        self._function = type(name, (Function,), {"forward": staticmethod(forward),
                                                  "backward": staticmethod(backward)})
        return rule

    def __call__(self, *args):
        if self._function is not None and modes.is_grad_enabled() and any(
                isinstance(a, Tensor) and a.requires_grad for a in args):
            return self._function.apply(*args)
        return self.fun(*args)

    def _no_rule(self):
        raise TypeError("%s: custom_jvp function %s has no JVP rule: call .defjvp(rule) "
                        "first" % (_where(self.fun), _qualname(self.fun)))

    def transpose(self, args, g, needs, create=None):
        """The VJP: ``J^T g`` for the arguments in ``needs`` (``None`` for the
        others), by differentiating the rule's tangent output with respect to
        tangents that require grad.  Under ``create_graph`` (grad mode on
        during backward) the result is recorded, through the primals too."""
        if self.rule is None:
            self._no_rule()
        if create is None:
            create = modes.is_grad_enabled()
        primals = tuple(a if create or not isinstance(a, Tensor) else a.detach().numpy()
                        for a in args)
        leaves, tangents = [], []
        for a, need in zip(args, needs):
            if need:
                leaves.append(_leaf(a))
                tangents.append(leaves[-1])
            else:
                tangents.append(_zero(a))
        STRICT.depth += 1
        try:
            with modes.enable_grad():
                _, tout = self.rule(primals, tuple(tangents))
            if not (isinstance(tout, Tensor) and tout.requires_grad):
                got = [None] * len(leaves)      # the rule's tangent is constant: J = 0
            else:
                g = g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g))
                with modes.set_grad_enabled(create):
                    got = _tape_grad(tout, leaves, grad_outputs=g, create_graph=create,
                                     allow_unused=True)
        finally:
            STRICT.depth -= 1
        got = iter(got)
        out = []
        for a, need in zip(args, needs):
            if not need:
                out.append(None)
                continue
            c = next(got)
            out.append(c if c is not None else Tensor._wrap(np.zeros_like(
                a._data if isinstance(a, Tensor) else np.asarray(a, dtype=float))))
        return out

    def vjp_for(self, positions):
        """The VJP the compiler calls (reverse mode through a custom_jvp)."""
        if self.rule is None:
            return None
        positions = tuple(positions)
        owner = self

        def vjp(*args):
            out = owner.fun(*args)

            def pullback(g):
                needs = [i in positions for i in range(len(args))]
                cts = owner.transpose(args, g, needs, create=False)
                return tuple(cts[i]._data if cts[i]._data.ndim else cts[i]._data[()]
                             for i in positions)
            return out, pullback
        return vjp

    def jvp_for(self, positions):
        """The JVP the compiler calls: the rule, with zero tangents for the
        arguments that do not move."""
        if self.rule is None:
            return None
        positions = tuple(positions)
        rule = self.rule

        def fn(*args_and_tangents):
            n = len(args_and_tangents) - len(positions)
            args = args_and_tangents[:n]
            tangents = [_zero(a) for a in args]
            for i, t in zip(positions, args_and_tangents[n:]):
                tangents[i] = t
            return rule(tuple(args), tuple(tangents))
        return _JVP(fn, "# %s: its custom_jvp rule\n" % _qualname(self.fun))


def _where(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        return "<unknown>"
    return "%s:%s" % (code.co_filename, code.co_firstlineno)


def _custom_vjp_jvp(callee, positions):
    """The JVP of a custom_vjp: its ``bwd`` transposed on the tape (exact:
    ``bwd`` is linear in the cotangent)."""
    if callee.fwd is None:
        return None
    positions = tuple(positions)

    def fn(*args_and_tangents):
        n = len(args_and_tangents) - len(positions)
        args, tangents = args_and_tangents[:n], args_and_tangents[n:]
        out, res = callee.fwd(*args)
        u = _leaf(out)
        STRICT.depth += 1
        try:
            with modes.enable_grad():
                cts = callee.bwd(res, u)
                roots, seeds = [], []
                for i, t in zip(positions, tangents):
                    c = cts[i]
                    if isinstance(c, Tensor) and c.requires_grad:
                        roots.append(c)
                        seeds.append(Tensor._wrap(np.asarray(t, dtype=c._data.dtype)))
                got = _tape_grad(roots, [u], grad_outputs=seeds, allow_unused=True)[0] \
                    if roots else None
        finally:
            STRICT.depth -= 1
        data = np.asarray(out)
        tangent = np.zeros(data.shape, data.dtype) if got is None else got._data
        return out, (tangent if np.ndim(out) else tangent[()])
    return _JVP(fn, "# %s: its custom_vjp's bwd, transposed on the tape\n" % _qualname(callee))


def _special_jvp(callee, positions, mode=None):
    """Hook for the compiler's forward transform: JVPs of callables with
    their own derivatives (custom_jvp, custom_vjp transposed, and grad
    objects, whose JVP is a generated second derivative: srcgrad/higher.py)."""
    if isinstance(callee, custom_jvp):
        return callee.jvp_for(positions)
    if isinstance(callee, custom_vjp):
        return _custom_vjp_jvp(callee, positions)
    if getattr(type(callee), "__srcgrad_transform__", False):
        from .higher import gradient_jvp
        fn = gradient_jvp(callee, positions, mode)
        return None if fn is None else _JVP(fn, "# the JVP of %s: generated, the gradient of "
                                            "its JVP (srcgrad/higher.py)\n" % _qualname(callee))
    return None


pipeline.SPECIAL_JVP = _special_jvp
pipeline.FALLBACK_JVP = _fallback_jvp

_special_vjp_before = pipeline.SPECIAL_VJP


def _special_vjp(callee, positions, mode=None):
    """bridge.py's hook, and the VJP of a custom_jvp (its rule transposed)."""
    if isinstance(callee, custom_jvp):
        return callee.vjp_for(positions)
    return _special_vjp_before(callee, positions, mode)


pipeline.SPECIAL_VJP = _special_vjp
