"""Second derivatives through generated code: the derivative of a gradient.

The VJP of the gradient ``x -> grad_x f(x, y)`` at a cotangent ``u`` is the
gradient of a directional derivative::

    d/d(x, y) <grad_x f(x, y), u>  =  grad_{x, y} jvp(f, (x, y), (u, 0))

srcgrad generates ``f``'s JVP (forward mode, :mod:`srcgrad.compiler.transforms.forward`),
a plain Python function the compiler reads like any user function, so the
gradient of that JVP is generated code too (*reverse over forward*).  This
module builds, for a ``grad``/``value_and_grad`` object ``G`` of ``f``:

* :func:`slope_function` -- ``f_slope(*args, *us) = jvp(f)(args; us)[1]``, a
  generated function the compiler differentiates (the JVP returning its
  tangent alone);
* :func:`gradient_vjp` -- the VJP the compiler calls when the program it
  differentiates calls ``G`` (meta-learning's inner gradient step,
  ``grad(grad(f))``): value ``G(*args)``, pullback ``u -> grad slope``;
* :func:`hvp_function` -- ``(x, v) -> H v`` for :func:`srcgrad.hvp` in
  compile mode.

Third order and up: a ``grad`` of a ``grad`` (:func:`_chained`) has a slope
too, written as generated code calling the gradient of the inner function's
slope (:func:`_gradient_slope`), so the same three functions take it one
order up; :func:`gradient_jvp_function` writes the JVP of a gradient as
generated code for compiler/transforms/forward_sites.py (a gradient called
inside a function whose second derivative is taken).

Only real arguments are handled here (a complex leaf anywhere in the
arguments' trees raises :class:`SecondOrderError`); ``has_aux`` with
``value_and_grad`` (or on one transform only) and the tape mode of ``G``
return ``None`` from :func:`gradient_vjp`, and the caller refuses the call or
runs it on the tape.  A ``*args``/``**kwargs`` function's slope takes its flat
argument list (one version per call structure, as its gradient does).

>>> import numpy as np, srcgrad
>>> def f(x):
...     return np.sum(np.sin(x) ** 2)
>>> hvp = hvp_function(f, (0,), mode="compile")
>>> x, v = np.array([0.3, 0.7]), np.array([1.0, 0.0])
>>> bool(np.allclose(hvp(x, v), [2 * np.cos(2 * 0.3), 0.0]))
True
"""

import threading
import weakref

import gast
import numpy as np

__all__ = ["slope_function", "second_gradient", "gradient_vjp", "gradient_jvp",
           "hvp_function", "SecondOrderError"]


class SecondOrderError(NotImplementedError):
    """What the generated second derivative cannot do (the caller decides:
    refuse in mode="compile", the tape in mode="auto")."""


_LOCK = threading.Lock()
_SLOPES = weakref.WeakKeyDictionary()   # user function -> {(positions, value): slope fn}


def _name(fun):
    return getattr(fun, "__name__", "f").strip("<>").replace(".", "_") or "f"


def slope_function(fun, positions, with_value=False, mode="compile", numeric=(),
                   has_aux=False, spread=None, real=False):
    """A generated function ``slope(*args, *us)`` returning the derivative of
    ``fun`` at ``args`` along ``us`` (one tangent per position): ``fun``'s
    generated JVP written again to return its tangent alone, or, with
    ``with_value`` or ``has_aux``, a call of the JVP -- generated code either
    way, so the compiler can differentiate it.
    With ``with_value`` it takes one more argument ``w`` and returns
    ``w * fun(*args) + slope`` (``value_and_grad``'s two outputs at once).
    With ``has_aux`` ``fun`` returns ``(output, aux)`` and the slope is the
    output's.  A ``*args``/``**kwargs`` function takes its flat argument list
    for the call structure ``spread`` (compiler/frontend/varargs.py).  Cached
    per ``(fun, positions, with_value, numeric, has_aux, spread, real)`` while
    ``fun`` lives.  With ``real`` the caller promises to call the slope (and
    its gradient) with real arguments and tangents only, checked (the hvp
    engine does): its gradient's fused form then has no conjugates
    (compiler/lower/real.py)."""
    from .compiler import jvp_pipeline
    from .compiler.transforms import forward_sites
    from .compiler.transforms.forward_tangent import tangent_only
    forward_sites.install(gradient_jvp_function)   # the VJPs of the calls JVP code makes
    key = (tuple(positions), with_value, mode, tuple(numeric), has_aux, spread, real)
    try:
        table = _SLOPES.setdefault(fun, {})
    except TypeError:   # not weak-referenceable: no cache
        table = {}
    with _LOCK:
        hit = table.get(key)
    if hit is not None:
        return hit
    if _chained(fun) and not (with_value or has_aux or spread):
        fn = _gradient_slope(fun, tuple(positions), tuple(numeric))   # third order and up
        with _LOCK:
            table[key] = fn
        return fn
    jvp = jvp_pipeline.compile_jvp(fun, tuple(positions), numeric=tuple(numeric), mode=mode,
                                   has_aux=has_aux, spread=spread)
    params = _flat_params(fun, spread)
    base = _name(fun)
    tangents = _tangent_names(params, positions)
    # the JVP returning its tangent alone is the slope itself: the value is not
    # differentiated (compiler/transforms/forward_tangent.py)
    fn = tangent_only(jvp, base + "_slope") if not with_value and not has_aux else None
    if fn is None:
        fn = _calling_the_jvp(jvp, base, params, tangents, with_value)
    fn.__srcgrad_jvp__ = jvp
    if real:
        fn.__srcgrad_real__ = True
    with _LOCK:
        table[key] = fn
    return fn


def _calling_the_jvp(jvp, base, params, tangents, with_value):
    """The slope as a call of the JVP: ``value, slope = f_jvp(...)``,
    returning ``slope`` (``w_value * value + slope`` with ``with_value``)."""
    from .compiler.backends import codegen
    from .compiler.ir.env import call, load, store
    extra = ["w_value"] if with_value else []
    jvp_name = base + "_jvp"
    body = [gast.Assign(targets=[gast.Tuple(elts=[store("value"), store("slope")],
                                            ctx=gast.Store())],
                        value=call(load(jvp_name), [load(p) for p in params + tangents]),
                        type_comment=None)]
    result = load("slope")
    if with_value:
        result = gast.BinOp(left=gast.BinOp(left=load("w_value"), op=gast.Mult(),
                                            right=load("value")),
                            op=gast.Add(), right=result)
    body.append(gast.Return(value=result))
    node = codegen.emit_function(base + "_slope", params + tangents + extra, body)
    generated = codegen.build(node, {jvp_name: jvp.fn}, {"__name__": __name__},
                              base + "_slope",
                              header="# The directional derivative of %s: its JVP's "
                                     "tangent (srcgrad.higher)\n" % base)
    return generated.fn


def second_gradient(slope, wrt, mode="compile"):
    """``api.grad(slope, wrt=wrt, mode=mode)`` for a function made by
    :func:`slope_function`, made once per ``(wrt, mode)`` and kept on the slope
    function (so it lives as long as the slope's cache entry, and its
    compiled code, specialised per kind of arguments, is reused call after
    call)."""
    from . import api
    table = slope.__dict__.setdefault("__srcgrad_grads__", {})
    second = table.get((wrt, mode))
    if second is None:
        with _LOCK:
            second = table.setdefault((wrt, mode), api.grad(slope, wrt=wrt, mode=mode))
    return second


def _flat_params(fun, spread):
    """The names of ``fun``'s parameters, or of its flat argument list for a
    call structure ``spread`` (``rest_0, rest_1`` for ``*rest``, ``kw_b`` for
    ``**kw``'s ``b``), as the generated JVP names them."""
    import inspect
    sig = inspect.signature(fun)
    if spread is None:
        return list(sig.parameters)
    out = []
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            out.extend("%s_%d" % (p.name, i) for i in range(spread.n_extra))
        elif p.kind == p.VAR_KEYWORD:
            out.extend("%s_%s" % (p.name, k) for k in spread.kw_names)
        else:
            out.append(p.name)
    return out


def _flat(gradfn, args):
    """``(flat_args, spread)``: the flat argument list of a call of a
    ``*args`` function (positions as passed keep their index), else
    ``(args, None)``."""
    if not gradfn.varargs:
        return tuple(args), None
    from .compiler.frontend.varargs import flatten
    return flatten(gradfn.fun, args, {})


def _chained(fun):
    """Whether ``fun`` is a gradient this module differentiates as generated
    code: a ``grad`` object (not ``value_and_grad``), without ``has_aux`` or
    ``*args``, not in ``mode="tape"``, of a plain function or of such a
    gradient (``grad(grad(f))``: third order and up)."""
    return getattr(type(fun), "__srcgrad_transform__", False) and \
        fun.kind == "grad" and not fun.has_aux and not fun.varargs and \
        fun.mode != "tape" and not _nested(fun)


def _nested(gradfn):
    """Whether ``gradfn`` differentiates a transform this module cannot take
    again (a ``value_and_grad``, ``has_aux``, ``*args`` or tape gradient
    inside: :func:`_chained` says which it can)."""
    fun = gradfn.fun
    return getattr(type(fun), "__srcgrad_transform__", False) and not _chained(fun)


def _tangent_names(params, positions):
    tangents = ["d" + params[i] for i in positions]
    while set(tangents) & set(params):
        tangents = ["d" + t for t in tangents]
    return tangents


def _directional_gradient(gradfn, positions, numeric):
    """``S(*args, *us)``: the derivative of ``gradfn`` (``grad(f, wrt=inner)``)
    at ``args`` along ``us`` (tangents of the arguments at ``positions``),
    ``grad_inner <grad_positions f, us>`` (the Hessian is symmetric): the
    gradient of ``f``'s slope, a ``grad`` object of generated code."""
    inner = tuple(gradfn.positions)
    slope = slope_function(gradfn.fun, positions, False, "compile", numeric)
    return second_gradient(slope, inner[0] if gradfn.single else inner)


def _gradient_slope(gradfn, positions, numeric):
    """The slope of a gradient (:func:`slope_function` for a :func:`_chained`
    ``gradfn``), written as generated code the compiler reads again::

        def f_grad_slope(x, dx):
            return _f_slope_grad(x, dx)

    where ``_f_slope_grad`` is :func:`_directional_gradient`'s ``grad``
    object, whose own derivative is this module's again (one order up)."""
    from .compiler.ir.env import call, load
    params = _flat_params(gradfn.fun, None)
    names = params + _tangent_names(params, positions)
    base = _name(gradfn.fun) + "_grad"
    inner = "_%s_slope_grad" % _name(gradfn.fun)
    body = [gast.Return(value=call(load(inner), [load(p) for p in names]))]
    return _emit(base + "_slope", names, body,
                 {inner: _directional_gradient(gradfn, positions, numeric)},
                 "# The directional derivative of the gradient of %s: the gradient of "
                 "its slope (srcgrad.higher)\n" % _name(gradfn.fun))


def gradient_jvp_function(gradfn, positions, numeric):
    """The JVP of calling ``gradfn`` as generated code (for
    compiler/transforms/forward_sites.py: a gradient called inside a function
    whose second derivative is taken)::

        def f_grad_jvp(x, y, dx):
            return _f_grad(x, y), _f_slope_grad(x, y, dx)

    tangents for the arguments at ``positions``; ``None`` unless ``gradfn``
    is :func:`_chained`."""
    from .compiler.ir.env import call, load
    if not _chained(gradfn):
        return None
    key = (tuple(positions), tuple(numeric))
    # kept on gradfn itself (the function binds gradfn: in a weak-keyed table the
    # entry would keep its own key alive)
    table = gradfn.__dict__.setdefault("__srcgrad_jvp_functions__", {})
    with _LOCK:
        hit = table.get(key)
    if hit is not None:
        return hit
    params = _flat_params(gradfn.fun, None)
    names = params + _tangent_names(params, positions)
    value, inner = "_%s_grad" % _name(gradfn.fun), "_%s_slope_grad" % _name(gradfn.fun)
    body = [gast.Return(value=gast.Tuple(elts=[
        call(load(value), [load(p) for p in params]),
        call(load(inner), [load(p) for p in names])], ctx=gast.Load()))]
    fn = _emit(_name(gradfn.fun) + "_grad_jvp", names, body,
               {value: gradfn, inner: _directional_gradient(gradfn, positions, numeric)},
               "# The JVP of the gradient of %s: its value and the gradient of its "
               "slope (srcgrad.higher)\n" % _name(gradfn.fun))
    with _LOCK:
        return table.setdefault(key, fn)


def _emit(name, params, body, bound, header):
    from .compiler.backends import codegen
    node = codegen.emit_function(name, params, body)
    return codegen.build(node, bound, {"__name__": __name__}, name, header=header).fn


def _kinds(args):
    from .api import _kind
    return tuple(_kind(a) for a in args)


def _real(args, _depth=0):
    """Whether no leaf of ``args`` (a tree: dicts, lists, tuples, a user
    class's fields, at any depth) holds complex values.

    >>> _real((1.0, [np.ones(2)], {"z": (np.ones(1),)})), _real(({"z": [1j]},))
    (True, False)
    """
    from .runtime import is_complex
    from .runtime.objects import object_fields
    for a in args:
        if isinstance(a, dict):
            a = list(a.values())
        elif not isinstance(a, (list, tuple, np.ndarray, np.generic, float, int, complex)):
            fields = object_fields(a)
            a = list(fields.values()) if fields is not None else a
        if isinstance(a, (list, tuple)):
            if _depth > 100 or not _real(a, _depth + 1):   # deeper: refuse (cycles)
                return False
        elif isinstance(a, (np.ndarray, np.generic, complex)) and is_complex(a):
            return False
    return True


def gradient_vjp(gradfn, positions, mode=None, has_aux=False):
    """The VJP of calling ``gradfn`` (a ``grad``/``value_and_grad`` object)
    with respect to its arguments at ``positions``, for compiled code:
    ``vjp(*args) -> (gradfn(*args), pullback)``.  ``None`` when this module
    cannot build it (see the module docstring).  ``mode`` is the mode of the
    transform that differentiates the call: with ``"compile"`` (there or in
    ``gradfn``) nothing of the second derivative runs on the tape.  With
    ``has_aux`` (the outer transform's and ``gradfn``'s both) the value is
    ``(gradient, aux)`` and the pullback takes the gradient's cotangent."""
    if gradfn.has_aux != has_aux or gradfn.mode == "tape" or \
            gradfn.kind not in ("grad", "value_and_grad") or _nested(gradfn) or \
            has_aux and gradfn.kind != "grad":
        return None
    fun, inner, positions = gradfn.fun, tuple(gradfn.positions), tuple(positions)
    with_value = gradfn.kind == "value_and_grad"
    mode = "compile" if "compile" in (mode, gradfn.mode) else "auto"

    def vjp(*args):
        from . import api, runtime
        if not _real(args):
            raise SecondOrderError("complex arguments")
        value = gradfn(*args)
        # the second derivative is generated code or nothing (the tape cannot run
        # generated JVP code): compiled strictly, and now, so that a refusal shows
        # at the call, where mode="auto" hands the whole call to the tape
        raw = value[0] if has_aux else value[1] if with_value else value
        grads = (raw,) if gradfn.single else raw
        flat, spread = _flat(gradfn, args)
        try:
            slope = slope_function(fun, inner, with_value, "compile", _kinds(flat), has_aux,
                                   spread)
            second = second_gradient(slope, positions[0] if len(positions) == 1 else positions)
            probe = flat + tuple(runtime.zeros_like(g) for g in grads) + \
                ((0.0,) if with_value else ())
            second._compiled_for(probe)
        except (SyntaxError, NotImplementedError) as err:
            if mode == "compile":
                raise
            reason = "grad of a gradient: %s" % api._reason(err)
            return api._TapeVJP(gradfn, positions, has_aux, reason).fn(*args)

        def pullback(u):
            whole = u
            if with_value:
                w, u = u
            us = (u,) if gradfn.single else tuple(u)
            us = tuple(runtime.zeros_like(g) if c is None else c for c, g in zip(us, grads))
            extra = (1.0 if w is None else w,) if with_value else ()
            try:
                out = second(*(flat + us + extra))
            except (SyntaxError, NotImplementedError) as err:
                if mode == "compile":
                    raise
                # another kind of cotangent (a new specialisation) the compiler
                # refuses: this call's VJP on the tape
                reason = "grad of a gradient: %s" % api._reason(err)
                return api._TapeVJP(gradfn, positions, has_aux, reason).fn(*args)[1](whole)
            return (out,) if len(positions) == 1 else out
        return value, pullback
    return vjp


def hvp_function(fun, wrt, mode="compile"):
    """``hvp(*args, v)``: the Hessian of scalar ``fun`` with respect to its
    argument(s) at ``wrt``, applied to ``v`` (one tangent per position, a
    tuple when ``wrt`` has several), by reverse over forward: the gradient of
    the generated JVP's tangent."""
    from . import api
    wrt = tuple(wrt)

    def hvp(*args_and_v):
        *args, v = args_and_v
        vs = (v,) if len(wrt) == 1 else tuple(v)
        slope = slope_function(fun, wrt, False, mode, _kinds(args))
        return second_gradient(slope, wrt[0] if len(wrt) == 1 else wrt, mode)(*(tuple(args) + vs))
    return hvp


def gradient_jvp(gradfn, positions, mode=None):
    """The JVP of calling ``gradfn`` (a ``grad`` object of ``f``) along
    tangents of its arguments at ``positions``: ``jvp(*args, *tangents) ->
    (gradfn(*args), tangent)``, the tangent being the gradient (with respect
    to ``gradfn``'s positions) of ``f``'s directional derivative along the
    tangents (forward over reverse, computed as reverse over forward: the
    Hessian is symmetric). ``None`` where :func:`gradient_vjp` gives None."""
    if gradfn.has_aux or gradfn.varargs or gradfn.mode == "tape" or \
            gradfn.kind != "grad" or _nested(gradfn):
        return None
    fun, inner, positions = gradfn.fun, tuple(gradfn.positions), tuple(positions)
    mode = "compile" if "compile" in (mode, gradfn.mode) else "auto"

    def jvp(*args_and_tangents):
        from . import api
        args = args_and_tangents[:len(args_and_tangents) - len(positions)]
        tangents = args_and_tangents[len(args):]
        if not _real(args) or not _real(tangents):
            raise SecondOrderError("complex arguments")
        value = gradfn(*args)
        slope = slope_function(fun, positions, False, mode, _kinds(args))
        out = second_gradient(slope, inner[0] if gradfn.single else inner, mode)(
            *(tuple(args) + tuple(tangents)))
        return value, out
    jvp.__srcgrad_gradient_jvp__ = (gradfn, positions)   # its VJP: forward_sites.py
    return jvp
