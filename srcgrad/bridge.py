"""The one seam between the engines: the compiler and the tape meet here only.

* **Fallback and mixed mode**: :func:`tape_vjp_of` gives a function the
  compiler cannot transform a VJP that runs it on the tape; the compiler gets
  it through a hook (it never imports the tape).
* **Custom gradients for both engines**: :class:`custom_vjp` (a forward and a
  backward, as in JAX) and ``srcgrad.torch.autograd.Function`` subclasses are
  usable from compiled code (they become calls to their own VJPs) and on the
  tape (one node).
* **Compiled functions as tape nodes**: :func:`compiled` wraps a function so
  that, called with Tensors that require grad, it records ONE tape node whose
  backward is the compiler's generated adjoint code.
"""

import collections.abc
import functools
import inspect
import logging
import numbers
import types

import numpy as np

from . import modes
from .compiler import pipeline
from .tape.engine import tape_vjp
from .tape.function import Function
from .tape.tensor import Tensor
from .rules import NoRuleError

__all__ = ["tape_vjp_of", "custom_vjp", "compiled", "function_vjp"]

log = logging.getLogger("srcgrad")


# ------------------------------------------------------------ tape as a VJP


def tape_vjp_of(fn, positions, reason=None):
    """A VJP ``vjp(*args) -> (value, pullback)`` that runs ``fn`` on the tape.

    The value handed to compiled code holds NumPy values only (arrays,
    numbers, and lists/tuples/dicts of them); a generator, an iterator or an
    object holding tape Tensors cannot cross the seam and is refused with a
    ``TypeError`` naming the call."""
    positions = tuple(positions)
    run = _by_position(fn)

    def vjp(*args):
        value, pullback = tape_vjp(run, args, wrt=positions)
        refuse_leak(value, fn, reason, "gradients")
        return value, pullback
    vjp.__name__ = getattr(fn, "__name__", "f") + "_tape_vjp"
    vjp.tape_reason = reason
    return vjp


def _by_position(fn):
    """``fn`` callable the way compiled code calls a callee's VJP: every
    parameter by position in signature order, keyword-only ones included
    (``np.tri(N, M, k, dtype, like)``); the keyword-only ones are passed back
    to ``fn`` by name."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fn
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return fn
    npos = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    kwonly = [(p.name, p.default) for p in params if p.kind == p.KEYWORD_ONLY]
    if not kwonly:
        return fn

    @functools.wraps(fn)
    def run(*args):
        # a keyword left at its default is not passed: ufuncs refuse some
        # pairs even at their defaults (dtype=None with signature=None)
        given = {name: value for (name, default), value in zip(kwonly, args[npos:])
                 if value is not default}
        return fn(*args[:npos], **given)
    return run


def _qualname(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _where_of(reason):
    """``file:line`` of the call, from the fallback's reason ``"file:line: why"``."""
    if reason and reason.count(":") >= 2:
        return ":".join(reason.split(":", 2)[:2])
    return "<compiled code>"


def _why(reason):
    if reason and reason.count(":") >= 2:
        return reason.split(":", 2)[2].strip()
    return reason or "fallback"


def _leak(value, depth=0):
    """A description of what in ``value`` cannot leave the tape, or None."""
    if isinstance(value, Tensor):
        return "a tape Tensor"
    if isinstance(value, (np.ndarray, np.generic, numbers.Number, str, bytes)) or value is None:
        return None
    if isinstance(value, dict):
        values = value.values()
    elif isinstance(value, (list, tuple)):
        values = value
    elif isinstance(value, (types.GeneratorType, collections.abc.Iterator)):
        return "a %s" % type(value).__name__
    elif getattr(value, "__closure__", None):
        cells = [c.cell_contents for c in value.__closure__ if _filled(c)]
        return None if not any(isinstance(v, Tensor) for v in cells) else \
            "a function that closes over tape Tensors"
    elif depth < 2 and hasattr(value, "__dict__") and not callable(value) and \
            not isinstance(value, type):
        for v in vars(value).values():   # Tensors, or a generator running on them
            if _leak(v, depth + 1) is not None:
                return "a %s object holding tape Tensors" % type(value).__name__
        return None
    else:
        return None
    for v in values:
        found = _leak(v, depth + 1)
        if found is not None:
            return found
    return None


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def refuse_leak(value, fn, reason, carried):
    """Raise a ``TypeError`` naming the call if the value ``fn`` returned on
    the tape cannot cross into compiled code (see :func:`_leak`); ``carried``
    is what it would carry back (``"gradients"``, ``"tangents"``)."""
    leak = _leak(value)
    if leak is not None:
        raise TypeError(
            "%s: %s runs on the tape inside compiled code (%s), and returned %s, which "
            "cannot carry %s back into compiled code. Return NumPy values (arrays, "
            "numbers, or lists/tuples/dicts of them; a list instead of a generator), or "
            "run the caller on the tape too (mode=\"tape\")."
            % (_where_of(reason), _qualname(fn), _why(reason), leak, carried))


def refuse_generator(callee, reason):
    """A generator function cannot be the tape's stand-in for a callee the
    compiler refused: its values would be made after the tape run ends.
    Refusing here sends the caller to the tape, which runs the generator
    itself."""
    if inspect.isgeneratorfunction(callee) or inspect.isasyncgenfunction(callee) or \
            inspect.iscoroutinefunction(callee):
        raise NoRuleError(
            "%s: %s is a generator (or coroutine) function that the compiler cannot "
            "transform; its values cannot cross from the tape into compiled code, so the "
            "caller runs on the tape" % (_where_of(reason), _qualname(callee)))


def _fallback(callee, positions, reason):
    """The tape as the VJP of a callee the compiler refused (``mode="auto"``);
    not for a generator function (:func:`refuse_generator`)."""
    refuse_generator(callee, reason)
    log.info("srcgrad: %s runs on the tape inside compiled code (%s)",
             getattr(callee, "__qualname__", callee), reason)
    return tape_vjp_of(callee, positions, reason)


# ------------------------------------------------------------ custom_vjp


class custom_vjp:
    """A function with a hand-written gradient, usable by both engines.

    >>> import numpy as np
    >>> @custom_vjp
    ... def clip_grad(x):
    ...     return np.sin(x)
    >>> def fwd(x):
    ...     return np.sin(x), np.cos(x)
    >>> def bwd(cos_x, g):
    ...     return (np.clip(g * cos_x, -0.1, 0.1),)
    >>> clip_grad.defvjp(fwd, bwd)
    >>> import srcgrad
    >>> srcgrad.grad(lambda x: clip_grad(x) * 3.0)(0.0)
    0.1

    ``fwd(*args)`` returns ``(output, residuals)``; ``bwd(residuals, g)``
    returns a tuple with one cotangent per argument (``None`` for none).
    """

    def __init__(self, fun):
        self.fun = fun
        self.fwd = None
        self.bwd = None
        functools.update_wrapper(self, fun)
        self._function = None

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd
        owner = self

        def forward(ctx, *args):
            raw = [a.detach().numpy() if isinstance(a, Tensor) else a for a in args]
            out, ctx.residuals = owner.fwd(*raw)
            ctx.args = args
            return Tensor._wrap(np.asarray(out)) if not isinstance(out, Tensor) else out

        def backward(ctx, g):
            if modes.is_grad_enabled():   # create_graph: fwd and bwd again, recorded
                _, res = owner.fwd(*ctx.args)
                cts = owner.bwd(res, g)
                return tuple(None if c is None else c if isinstance(c, Tensor) else
                             Tensor._wrap(np.asarray(c)) for c in cts)
            raw = g.detach().numpy() if isinstance(g, Tensor) else g
            cts = owner.bwd(ctx.residuals, raw)
            return tuple(None if c is None else Tensor._wrap(np.asarray(c, dtype=raw.dtype))
                         for c in cts)
        name = getattr(self.fun, "__name__", "custom").strip("<>").title().replace("_", "")
        self._function = type(name, (Function,), {"forward": staticmethod(forward),
                                                  "backward": staticmethod(backward)})

    def __call__(self, *args):
        if self._function is not None and modes.is_grad_enabled() and any(
                isinstance(a, Tensor) and a.requires_grad for a in args):
            return self._function.apply(*args)
        return self.fun(*args)

    def vjp_for(self, positions):
        """The VJP the compiler calls: ``vjp(*args) -> (value, pullback)``."""
        if self.fwd is None:
            return None
        fwd, bwd, positions = self.fwd, self.bwd, tuple(positions)

        def vjp(*args):
            out, res = fwd(*args)

            def pullback(g):
                cts = bwd(res, g)
                return tuple(0.0 if cts[i] is None else cts[i] for i in positions)
            return out, pullback
        return vjp


def function_vjp(cls, positions):
    """The VJP of an ``autograd.Function`` subclass for compiled code: its
    ``forward``/``backward`` run on NumPy values with a plain ``ctx``."""
    positions = tuple(positions)

    def vjp(*args):
        ctx = _Ctx(args)
        with modes.no_grad():
            out = cls.forward(ctx, *args)

        def pullback(g):
            cts = cls.backward(ctx, g)
            cts = cts if isinstance(cts, tuple) else (cts,)
            return tuple(0.0 if cts[i] is None else
                         (cts[i].detach().numpy() if isinstance(cts[i], Tensor) else cts[i])
                         for i in positions)
        return (out.detach().numpy() if isinstance(out, Tensor) else out), pullback
    return vjp


class _Ctx:
    """``ctx`` for a Function run by compiled code (NumPy values, no tape)."""

    def __init__(self, args):
        self.needs_input_grad = tuple(isinstance(a, (float, np.ndarray)) for a in args)
        self.saved_tensors = ()

    def save_for_backward(self, *values):
        self.saved_tensors = values

    def mark_dirty(self, *a):
        pass

    def mark_non_differentiable(self, *a):
        pass

    def set_materialize_grads(self, value):
        pass


def _special_vjp(callee, positions, mode=None):
    """Hook for the compiler: VJPs of callables with their own gradients
    (custom_vjp, autograd.Function.apply, and grad/value_and_grad objects,
    whose VJP is a generated second derivative: srcgrad/higher.py)."""
    if isinstance(callee, custom_vjp):
        return callee.vjp_for(positions)
    if getattr(type(callee), "__srcgrad_transform__", False):
        from .higher import gradient_vjp
        return gradient_vjp(callee, positions, mode)
    owner = getattr(callee, "__self__", None)
    if getattr(callee, "__name__", "") == "apply" and isinstance(owner, type) and \
            issubclass(owner, Function):
        return function_vjp(owner, positions)
    return None


pipeline.SPECIAL_VJP = _special_vjp
pipeline.FALLBACK_VJP = _fallback


# ------------------------------------------------------------ compiled


def compiled(fun=None, *, mode="auto"):
    """Wrap ``fun`` so that called with Tensors that require grad it records
    ONE tape node (named ``<Fun>Backward``) whose backward is the compiled
    adjoint; called with NumPy values it is just ``fun``.

    >>> import numpy as np, srcgrad
    >>> @compiled
    ... def energy(x):
    ...     return np.sum(np.sin(x) ** 2)
    >>> t = srcgrad.torch.tensor([0.5, 1.0], dtype=srcgrad.torch.float64, requires_grad=True)
    >>> e = energy(t)
    >>> e.grad_fn.name()
    'EnergyBackward'
    >>> e.backward(); bool(np.allclose(t.grad.numpy(), np.sin(2 * np.array([0.5, 1.0]))))
    True
    """
    if fun is None:
        return lambda f: compiled(f, mode=mode)
    return _Compiled(fun, mode)


class _Compiled:
    def __init__(self, fun, mode):
        self.fun = fun
        self.mode = mode
        functools.update_wrapper(self, fun)
        name = getattr(fun, "__name__", "compiled").strip("<>")
        title = "".join(part[:1].upper() + part[1:] for part in name.split("_")) or "Compiled"
        owner = self

        def forward(ctx, *args):
            raw = [a.detach().numpy() if isinstance(a, Tensor) else a for a in args]
            positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor)
                              and a.requires_grad)
            vjp = pipeline.compile_vjp(owner.fun, positions, mode=owner.mode).fn
            value, ctx.pullback = vjp(*raw)
            ctx.positions = positions
            return Tensor._wrap(np.asarray(value))

        def backward(ctx, g):
            raw = g.detach().numpy() if isinstance(g, Tensor) else g
            cts = ctx.pullback(raw)
            out = [None] * ctx._nargs
            for i, c in zip(ctx.positions, cts):
                out[i] = Tensor._wrap(np.array(c, dtype=raw.dtype if np.ndim(c) == 0 else None,
                                               copy=True))
            return tuple(out)
        self._function = type(title, (Function,), {"forward": staticmethod(forward),
                                                   "backward": staticmethod(backward)})

    def __call__(self, *args):
        if modes.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad
                                           for a in args):
            return self._function.apply(*args)
        raw = [a.detach().numpy() if isinstance(a, Tensor) else a for a in args]
        return self.fun(*raw)

    def __repr__(self):
        return "<srcgrad.compiled %s>" % getattr(self.fun, "__qualname__", self.fun)


# detach / stop_gradient are constants in compiled code too
from . import rules as _rules  # noqa: E402
from .tape.engine import detach as _detach, stop_gradient as _stop  # noqa: E402

_rules.defnondiff(_detach, _stop)



def _wrap_python_primitive(fn):
    """``defvjp`` on a user's Python function: the wrapper the user calls runs
    ``fn`` on NumPy values, and on tape Tensors records one node with the rule."""
    from .tape import record

    @functools.wraps(fn)
    def primitive(*args, **kwargs):
        if any(isinstance(a, Tensor) for a in args):
            return record.apply(fn, args, kwargs)
        return fn(*args, **kwargs)
    return primitive


_rules.WRAP_PYTHON_PRIMITIVE = _wrap_python_primitive
