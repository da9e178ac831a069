"""Call binding: which parameter of a user function each argument of a call
fills, decided once, as data on the call's op, before either transform runs.

:func:`bind_calls` rewrites every user call (``op.kind == "call"``) of an op
tree so that its callee's derivative can take the arguments by position:
``op.args`` in the callee's parameter order with its defaults made explicit
(a literal, or a reference to the default object), ``op.kwargs`` emptied, and
``op.spread`` set for a callee with ``*args`` / ``**kwargs`` (the call's
structure, :class:`~.varargs.Spread`) or to ``UNBOUND`` when a ``*``-unpacked
sequence of run-time length decides the binding (the transforms refuse such a
call where a derivative goes through it).  The reverse transform
(transforms/reverse.py) and the forward one (transforms/forward.py) both read
the result; neither binds arguments itself.

Guarantees: a call that does not match its callee's signature (a missing
argument, an unexpected keyword) is a located ``SrcgradSyntaxError``; the
binding is the one Python's call would make.
"""

import inspect

import gast

from ..ir.env import const, literal, load
from ..ir.ops import walk_ops
from .varargs import UNBOUND, Spread, bind_nodes, has_varargs

__all__ = ["bind_calls", "bind_call"]


def bind_calls(tree, env, info):
    """Bind every user call of the op ``tree`` (see the module docstring)."""
    for op in walk_ops(tree):
        if op.kind == "call":
            bind_call(op, env, info)


def bind_call(op, env, info):
    """Put a user call's arguments in the callee's parameter order, with its
    defaults made explicit, so the callee's derivative takes them by position."""
    if any(isinstance(a, gast.Starred) for a in op.args):
        _bind_starred(op, env, info)
        return
    if has_varargs(op.callee):
        _bind_varargs(op, env, info)
        return
    try:
        sig = inspect.signature(op.callee)
    except (TypeError, ValueError):
        return
    params = list(sig.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return  # not a plain function (has_varargs says so): nothing to bind
    args = list(op.args)
    for p in params[len(args):]:
        if p.name in op.kwargs:
            args.append(op.kwargs.pop(p.name))
        else:
            args.append(_default(op, p, env, info))
    if op.kwargs:
        raise info.error(op.stmt, "unexpected keyword argument %r in the call to %s"
                         % (next(iter(op.kwargs)), op.callee.__name__))
    op.args = args


def _default(op, p, env, info):
    """Parameter ``p``'s default as an atom, or the error for a missing argument."""
    if p.default is p.empty:
        raise info.error(op.stmt, "missing argument %r in the call to %s"
                         % (p.name, op.callee.__name__))
    if literal(p.default):
        return const(p.default)
    return load(env.ref(p.default, "_%s_%s" % (op.callee.__name__, p.name)))


def _bind_starred(op, env, info):
    """``f(a, *xs)`` with ``xs`` of run-time length: when ``f`` is
    ``def f(a, *args)`` (the sequence lands whole in ``*args``), its
    derivative is compiled to take the sequence as one argument
    (``Spread.packed``); otherwise which parameter gets which value depends on
    the length, and the call is left unbound (refused if it matters for a
    derivative)."""
    op.spread = UNBOUND
    star = [i for i, a in enumerate(op.args) if isinstance(a, gast.Starred)]
    if not has_varargs(op.callee) or star != [len(op.args) - 1]:
        return
    sig = inspect.signature(op.callee, follow_wrapped=False)
    leading = 0
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            break
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            return
        leading += 1
    else:
        return  # no *args: the length decides the binding
    if star[0] < leading:
        return  # the length decides which parameters the sequence fills
    seq = op.args[-1].value
    try:
        flat, spread = bind_nodes(op.callee, op.args[:-1], op.kwargs,
                                  lambda p: _default(op, p, env, info))
    except TypeError:
        return
    cut = leading + spread.n_extra   # the sequence goes after the explicit extras
    op.args = flat[:cut] + [seq] + flat[cut:]
    op.kwargs = {}
    op.spread = Spread(spread.n_extra, spread.kw_names, packed=True)


def _bind_varargs(op, env, info):
    """A callee with ``*args``/``**kwargs``: its derivative is compiled for
    this call's structure (``op.spread``) and takes the flat argument list."""
    try:
        flat, spread = bind_nodes(op.callee, op.args, op.kwargs,
                                  lambda p: _default(op, p, env, info))
    except TypeError as err:
        raise info.error(op.stmt, "the call to %s does not match its signature: %s"
                         % (op.callee.__name__, err)) from None
    op.args, op.kwargs, op.spread = flat, {}, spread
