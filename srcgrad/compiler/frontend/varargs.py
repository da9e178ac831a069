"""Functions with ``*args`` / ``**kwargs``: compiled per call structure.

A function ``def loss(params, *data, **hyper)`` is compiled for the
*structure* of a call, its :class:`Spread`: how many extra positional
arguments it receives and the names of its extra keyword arguments (in the
call's order).  The structure is part of the compile key, as argument shapes
are, so a call with another number of extra arguments (or other keyword
names) compiles another version; code compiled for one structure is never
run for another.

:func:`specialise` rewrites the definition for one structure: the extra
arguments become ordinary parameters, and the body starts by packing them
back into the tuple and dict the user's code reads.

>>> import gast
>>> from .anf import dump
>>> from .parse import parse_function
>>> def loss(w, *data, **hyper):
...     return w
>>> info = specialise(parse_function(loss), Spread(2, ("l2",)))
>>> print(dump([info.node]))
def loss(w, data_0, data_1, *, hyper_l2):
    data = data_0, data_1
    hyper = {'l2': hyper_l2}
    return w

Compiled code calls such a VJP with a *flat* argument list, in signature
order: the ordinary parameters (defaults made explicit), the extra positional
arguments, the keyword-only parameters, the extra keyword values.
:func:`flatten` turns a run-time call into that list, :func:`flat_caller`
turns it back into a call of the user's function (for the tape).
"""

import copy
import functools
import inspect

import gast
from ..ir.fastast import walk as _walk

__all__ = ["Spread", "UNBOUND", "has_varargs", "specialise", "flatten", "flat_caller", "bind_nodes"]


class Spread(tuple):
    """``(n_extra, kw_names, packed)``: a call's extra positional count and
    extra keyword names, hashable (part of the compile key).  ``packed`` for
    ``f(a, *xs)`` with ``xs`` of run-time length landing whole in ``*args``
    (after the ``n_extra`` explicit extra arguments): the VJP then takes
    ``xs`` as one argument."""

    def __new__(cls, n_extra, kw_names=(), packed=False):
        return tuple.__new__(cls, (int(n_extra), tuple(kw_names), bool(packed)))

    @property
    def n_extra(self):
        return self[0]

    @property
    def kw_names(self):
        return self[1]

    @property
    def packed(self):
        return self[2]

    def __repr__(self):
        return "Spread(%d, %r, packed=%r)" % self


#: ``Op.spread`` of a user call whose ``*``-unpacked arguments have a run-time
#: length that decides which parameter gets which value (calls.py refuses it
#: where a gradient goes through it)
UNBOUND = "unbound"


def _signature(fn):
    """``fn``'s own signature (a decorator's ``wrapper(*args, **kwargs)``,
    not the signature of the function it wraps): what its code receives."""
    try:
        return inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return None


def has_varargs(fn):
    """Whether the code the compiler reads for ``fn`` takes ``*args`` or
    ``**kwargs``: a plain function whose own code does, unless it is a
    decorator's wrapper that only forwards to the function it wraps (the
    compiler reads that one instead, see parse.py)."""
    code = getattr(fn, "__code__", None)
    if not inspect.isfunction(fn) or code is None or \
            not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return False
    if inspect.isfunction(getattr(fn, "__wrapped__", None)):
        from .parse import NoSource, parse_function
        try:
            return parse_function(fn).fn is fn
        except NoSource:
            return True
    return True


def flatten(fn, args, kwargs):
    """``(flat_args, spread)`` for the run-time call ``fn(*args, **kwargs)``;
    a call that does not match the signature raises ``TypeError``, as the
    call itself would."""
    sig = _signature(fn)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    flat, n_extra, names = [], 0, ()
    for p in sig.parameters.values():
        value = bound.arguments[p.name]
        if p.kind == p.VAR_POSITIONAL:
            flat.extend(value)
            n_extra = len(value)
        elif p.kind == p.VAR_KEYWORD:
            flat.extend(value.values())
            names = tuple(value)
        else:
            flat.append(value)
    return tuple(flat), Spread(n_extra, names)


def _layout(sig, spread):
    """For each flat position: ``(kind, name)`` with kind ``"pos"`` (passed by
    position) or ``"kw"`` (passed by name)."""
    out = []
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            out.append(("pos", p.name))
        elif p.kind == p.VAR_POSITIONAL:
            out.extend(("pos", "%s[%d]" % (p.name, i)) for i in range(spread.n_extra))
            if spread.packed:
                out.append(("seq", p.name))
        elif p.kind == p.KEYWORD_ONLY:
            out.append(("kw", p.name))
        else:
            out.extend(("kw", k) for k in spread.kw_names)
    return out


def flat_caller(fn, spread):
    """A function taking the flat argument list for ``spread`` and calling
    ``fn`` the way the user did (the tape runs it)."""
    layout = _layout(_signature(fn), spread)
    npos = sum(1 for kind, _ in layout if kind != "kw")
    names = [name for kind, name in layout if kind == "kw"]
    packed = spread.packed

    def run(*flat):
        pos = flat[:npos] if not packed else flat[:npos - 1] + tuple(flat[npos - 1])
        return fn(*pos, **dict(zip(names, flat[npos:])))
    run.__name__ = getattr(fn, "__name__", "f")
    run.__qualname__ = getattr(fn, "__qualname__", run.__name__)
    run.__module__ = getattr(fn, "__module__", None)
    run.__wrapped__ = fn
    return run


def flat_names(fn, spread):
    """The flat positions' names (``data[1]`` for an extra argument), for
    messages."""
    sig = _signature(fn)
    return [name for _, name in _layout(sig, spread)] if sig is not None else []


def bind_nodes(fn, args, kwargs, default):
    """Bind a call's argument nodes to ``fn``'s signature: ``(flat, spread)``,
    with ``default(param)`` giving the node of a missing parameter's default.
    Raises ``TypeError`` (with Python's message) when the call does not match."""
    sig = _signature(fn)
    bound = sig.bind(*args, **kwargs)
    flat, n_extra, names = [], 0, ()
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            value = bound.arguments.get(p.name, ())
            flat.extend(value)
            n_extra = len(value)
        elif p.kind == p.VAR_KEYWORD:
            value = bound.arguments.get(p.name, {})
            flat.extend(value.values())
            names = tuple(value)
        elif p.name in bound.arguments:
            flat.append(bound.arguments[p.name])
        else:
            flat.append(default(p))
    return flat, Spread(n_extra, names)


def _param(name):
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)


def _name(name, ctx):
    return gast.Name(id=name, ctx=ctx, annotation=None, type_comment=None)


def _spread_stars(node, name, extra):
    """``g(*args)`` and ``g(*args[1:])`` in a call, where ``args`` is the
    ``*args`` tuple of known length and never rebound: its elements, one by
    one (``g(args_1)``), so the call's arity is known (the elements are names
    of the specialised function's parameters).

    >>> from .anf import dump
    >>> from .parse import parse_function
    >>> def f(*args):
    ...     return g(args[0], *args[1:])
    >>> print(dump([specialise(parse_function(f), Spread(3)).node]))
    def f(args_0, args_1, args_2):
        args = args_0, args_1, args_2
        return g(args[0], args_1, args_2)
    """
    if any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load)
           for n in _walk(node)):
        return      # rebound (or deleted): its length is not the call's

    def elements(value):
        if isinstance(value, gast.Name) and value.id == name:
            return list(extra)
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and \
                value.value.id == name and isinstance(value.slice, gast.Slice):
            bounds = [value.slice.lower, value.slice.upper, value.slice.step]
            if all(b is None or isinstance(b, gast.Constant) and type(b.value) is int
                   or isinstance(b, gast.UnaryOp) and isinstance(b.op, gast.USub) and
                   isinstance(b.operand, gast.Constant) and type(b.operand.value) is int
                   for b in bounds):
                lower, upper, step = [None if b is None else
                                      b.value if isinstance(b, gast.Constant) else
                                      -b.operand.value for b in bounds]
                if step != 0:
                    return list(extra)[lower:upper:step]
        return None
    for call in _walk(node):
        if not isinstance(call, gast.Call):
            continue
        new_args = []
        for a in call.args:
            items = elements(a.value) if isinstance(a, gast.Starred) else None
            if items is None:
                new_args.append(a)
            else:
                new_args.extend(gast.copy_location(_name(n, gast.Load()), a) for n in items)
        call.args = new_args


def specialise(info, spread):
    """A copy of ``info`` whose function takes the extra arguments of
    ``spread`` as ordinary parameters (see the module docstring)."""
    node = copy.deepcopy(info.node)
    args = node.args
    taken = {n.id for n in _walk(node) if isinstance(n, gast.Name)} | set(info.local_names)

    def fresh(base):
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        return name
    pre = []
    if args.vararg is not None:
        extra = [fresh("%s_%d" % (args.vararg.id, i)) for i in range(spread.n_extra)]
        args.args = list(args.args) + [_param(n) for n in extra]
        value = gast.Tuple(elts=[_name(n, gast.Load()) for n in extra], ctx=gast.Load())
        if spread.packed:
            seq = fresh("%s_seq" % args.vararg.id)   # the caller's sequence, whole
            args.args.append(_param(seq))
            packed = gast.Call(func=_name("tuple", gast.Load()),
                               args=[_name(seq, gast.Load())], keywords=[])
            value = gast.BinOp(left=value, op=gast.Add(), right=packed) if extra else packed
        pre.append(gast.Assign(targets=[_name(args.vararg.id, gast.Store())], value=value,
                               type_comment=None))
        vararg, args.vararg = args.vararg.id, None
        if not spread.packed:
            _spread_stars(node, vararg, extra)
    elif spread.n_extra or spread.packed:
        raise TypeError("%s takes no *args" % node.name)
    if args.kwarg is not None:
        extra = [fresh("%s_%s" % (args.kwarg.id, k) if k.isidentifier() else
                       "%s_%d" % (args.kwarg.id, i)) for i, k in enumerate(spread.kw_names)]
        args.kwonlyargs = list(args.kwonlyargs) + [_param(n) for n in extra]
        args.kw_defaults = list(args.kw_defaults) + [None] * len(extra)
        pre.append(gast.Assign(targets=[_name(args.kwarg.id, gast.Store())],
                               value=gast.Dict(keys=[gast.Constant(value=k, kind=None)
                                                     for k in spread.kw_names],
                                               values=[_name(n, gast.Load()) for n in extra]),
                               type_comment=None))
        args.kwarg = None
    elif spread.kw_names:
        raise TypeError("%s takes no **kwargs" % node.name)
    for stmt in pre:
        for n in _walk(stmt):
            gast.copy_location(n, node)
    node.body = pre + list(node.body)
    out = copy.copy(info)
    out.node = node
    out.local_names = set(info.local_names) | {a.id for a in args.args + args.kwonlyargs}
    return out
