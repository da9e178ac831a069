"""The VJPs of the calls generated JVP code makes through run-time objects,
so that the reverse transform can differentiate that code (second
derivatives, srcgrad/higher.py: reverse over forward).

Generated JVP code calls two kinds of objects the compiler cannot read:

* a :class:`~.forward_dynamic.JVPSite` (``_nonlinearity_jvp(nonlinearity,
  W @ x, W @ dx)``), whose callee is known only at run time;
* a recursive call's edge (:mod:`.recursion`), whose JVP is compiled when it
  first runs.

:func:`call_vjp` gives each a VJP that, when it runs, finds the *generated*
code the call stands for -- the callee's JVP from
:func:`~..jvp_pipeline.compile_jvp` (a rule-table primitive through a
one-line function calling it, whose JVP the forward transform writes from
the rule table) -- and differentiates that code with
:func:`~..pipeline.compile_vjp`, for the kinds of the arguments of this
call.  A callee the plan does not cover (a bound method, a closure or
``functools.partial`` carrying a tangent, keyword arguments) is refused with
the call's file and line; nothing is assumed constant.

:func:`install` chains :func:`call_vjp` in front of ``pipeline.SPECIAL_VJP``
(srcgrad/higher.py does it when it first builds a second derivative).
"""

import functools
import inspect
import threading

import gast

from ... import rules
from ...errors import NoRuleError
from .forward_dynamic import JVPSite
from .forward_transposed import transposed_vjp
from .dynamic import _bind, _kind, _name

__all__ = ["call_vjp", "install"]

_LOCK = threading.Lock()
_WRAPPERS = {}     # (id(primitive), n) -> (primitive, generated function)


def _refuse(site, what):
    return NoRuleError(
        "%s:%s: the compiler cannot differentiate the JVP of this call again: %s. Use "
        "mode=\"auto\" (then it runs on the tape)" % (site.filename, site.line, what))


def _primitive_caller(prim, n):
    """A generated ``def <name>_call(x0, .., xn-1): return prim(x0, ..)``
    (cached), whose JVP the forward transform writes from the rule table."""
    from ..backends import codegen
    from ..ir.env import call, load
    key = (id(prim), n)
    with _LOCK:
        hit = _WRAPPERS.get(key)
    if hit is not None and hit[0] is prim:
        return hit[1]
    base = (getattr(prim, "__name__", None) or "primitive").strip("<>").replace(".", "_")
    params = ["x%d" % i for i in range(n)]
    node = codegen.emit_function(base + "_call", params, [
        gast.Return(value=call(load("_" + base), [load(p) for p in params]))])
    fn = codegen.build(node, {"_" + base: prim}, {"__name__": __name__}, base + "_call",
                       header="# a call of %s, for its generated JVP "
                              "(srcgrad.compiler.transforms.forward_sites)\n" % base).fn
    with _LOCK:
        _WRAPPERS[key] = (prim, fn)
    return fn


def _target(site, callee, n, keywords=None):
    """``(function, leading, keywords)``: the plain function a call with
    ``n`` arguments runs (a primitive's through :func:`_primitive_caller`),
    the arguments it gets before the call's own and the keywords it gets (a
    ``functools.partial``'s)."""
    keywords = dict(keywords or {})
    if site.method is not None:
        raise _refuse(site, "a method (.%s) called on a value" % site.method)
    if isinstance(callee, functools.partial):
        inner, leading, keywords = _target(site, callee.func, n + len(callee.args),
                                           dict(callee.keywords, **keywords))
        return inner, tuple(callee.args) + leading, keywords
    if getattr(type(callee), "__srcgrad_transform__", False):
        raise _refuse(site, "the callee, %s(%s), is a gradient the compiler does not take "
                      "again (only a grad without has_aux or *args, not in mode=\"tape\", "
                      "nor called with keywords, has a generated third derivative)"
                      % (getattr(callee, "kind", "grad"),
                         _name(getattr(callee, "fun", callee))))
    if rules.has_rule(callee) and not keywords:
        return _primitive_caller(callee, n), (), {}
    if inspect.isfunction(callee) and not rules.has_rule(callee) and \
            not rules.is_nondiff(callee):
        return callee, (), keywords
    raise _refuse(site, "its callee, %s, is not a plain function nor a primitive with a "
                  "rule" % _name(callee))


def _site_vjp(site, positions, mode):
    """``vjp(callee, *args, *tangents) -> ((value, tangent), pullback)`` of a
    JVPSite call, cotangents for ``positions`` (0: the callee)."""
    from .. import jvp_pipeline, pipeline
    if 0 in positions:
        raise _refuse(site, "its callee carries a tangent (a closure or an object holding "
                      "values that depend on the differentiated arguments)")

    def vjp(callee, *rest, **kwargs):
        if kwargs:
            raise _refuse(site, "keyword arguments")
        n = len(rest) - len(site.wrt)
        args, tangents = rest[:n], rest[n:]
        if any(t is None for t in tangents):
            raise _refuse(site, "an argument without a tangent among those with one")
        if getattr(type(callee), "__srcgrad_transform__", False):
            found = _gradient_vjp(callee, tuple(p - 1 for p in site.wrt), tuple(args),
                                  tuple(tangents), tuple(p - 1 for p in positions), mode)
            if found is not None:
                return found
        fn, leading, keywords = _target(site, callee, n)
        k = len(leading)
        full, keywords = _bind(fn, tuple(leading) + tuple(args), keywords)  # defaults too
        if keywords:
            raise _refuse(site, "keyword arguments for a function taking *args or **kwargs")
        inner = tuple(k + p - 1 for p in site.wrt)         # the tangents' positions in full
        if list(inner) != sorted(set(inner)) or any(p < k for p in inner):
            raise _refuse(site, "its tangents are not in the order of the arguments")
        jvp = jvp_pipeline.compile_jvp(fn, inner, numeric=tuple(map(_kind, full)),
                                       mode=site.mode, callee=True)
        call_args = full + tuple(tangents)
        # operand p of the site (1..n: an argument, then the tangents) in call_args
        where = tuple(k + p - 1 for p in positions)
        compiled = pipeline.compile_vjp(jvp.fn, where, numeric=tuple(map(_kind, call_args)),
                                        mode=mode, callee=True)
        return compiled.fn(*call_args)
    return vjp


def _gradient_vjp(gradfn, inner, args, tangents, positions, mode):
    """The VJP of the JVP of a call of a gradient ``gradfn(*args)`` along
    ``tangents`` of its arguments at ``inner`` (``srcgrad.grad(f)(x, y)`` in a
    function whose second derivative is taken: a third derivative), for the
    operands at ``positions`` (indices into ``args + tangents``): run it,
    differentiating the gradient's JVP written as generated code by
    ``srcgrad.higher`` (installed as ``_GRADIENT_JVP``); ``None`` when it
    cannot write it."""
    from .. import pipeline
    make = _GRADIENT_JVP[0] if _GRADIENT_JVP else None
    if make is None or list(inner) != sorted(set(inner)) or not inspect.isfunction(gradfn.fun):
        return None
    full, keywords = _bind(gradfn.fun, args, {})       # defaults too
    if keywords:
        return None
    fn = make(gradfn, inner, tuple(map(_kind, full)))
    if fn is None:
        return None
    call_args = full + tuple(tangents)
    where = tuple(p if p < len(args) else len(full) + p - len(args) for p in positions)
    compiled = pipeline.compile_vjp(fn, where, numeric=tuple(map(_kind, call_args)),
                                    mode=mode, callee=True)
    return compiled.fn(*call_args)


def _gradient_jvp_call_vjp(made, positions, mode):
    """The VJP of a call of a gradient's JVP (``srcgrad.higher.gradient_jvp``,
    marked ``__srcgrad_gradient_jvp__ = (gradfn, inner)``) that generated
    JVP code calls directly."""
    gradfn, inner = made

    def vjp(*call_args):
        n = len(call_args) - len(inner)
        found = _gradient_vjp(gradfn, inner, tuple(call_args[:n]), tuple(call_args[n:]),
                              tuple(positions), mode)
        if found is None:
            raise NoRuleError("the compiler cannot differentiate the JVP of %s(%s) again"
                              " (called with keywords, or a gradient of a gradient it does "
                              "not take again). Use mode=\"auto\"" % (
                                  gradfn.kind, _name(gradfn.fun)))
        return found
    return vjp


def _edge_vjp(edge, positions, mode):
    """The VJP of a recursive call's JVP edge: differentiate the JVP the
    edge runs for these arguments."""
    from .. import pipeline

    def vjp(*args):
        jvp_fn = edge.vjp_for(args)
        if not inspect.isfunction(jvp_fn) or getattr(jvp_fn, "__srcgrad_edge__", None):
            raise NoRuleError("the recursive call of %s runs on the tape in forward mode; "
                              "the compiler cannot differentiate it again. Use mode=\"auto\""
                              % _name(edge.target))
        compiled = pipeline.compile_vjp(jvp_fn, tuple(positions),
                                        numeric=tuple(map(_kind, args)), mode=mode,
                                        callee=True)
        return compiled.fn(*args)
    return vjp


def _is_jvp_edge(callee):
    from .. import pipeline
    edge = getattr(callee, "__srcgrad_edge__", None)
    entry = pipeline._TRANSFORMS.get("jvp", (None,))[0]
    return edge if edge is not None and entry is not None and \
        edge._compile_vjp is entry else None


def call_vjp(callee, positions, mode=None):
    """The VJP of a call generated JVP code makes through a run-time object
    (see the module docstring), or ``None`` for any other callee."""
    if isinstance(callee, JVPSite):
        return _site_vjp(callee, tuple(positions), mode or callee.mode)
    found = transposed_vjp(callee, positions, mode)
    if found is not None:
        return found
    made = getattr(callee, "__srcgrad_gradient_jvp__", None)
    if made is not None:
        return _gradient_jvp_call_vjp(made, positions, mode or made[0].mode)
    edge = _is_jvp_edge(callee)
    if edge is not None:
        return _edge_vjp(edge, positions, mode or edge.mode)
    return None


_INSTALLED = []
_GRADIENT_JVP = []      # srcgrad.higher.gradient_jvp_function, set by install()


def install(gradient_jvp=None):
    """Chain :func:`call_vjp` in front of ``pipeline.SPECIAL_VJP`` (once);
    ``gradient_jvp(gradfn, positions, kinds)`` writes the JVP of a gradient
    as generated code (srcgrad/higher.py: the compiler does not import it)."""
    from .. import pipeline
    with _LOCK:
        if gradient_jvp is not None:
            _GRADIENT_JVP[:] = [gradient_jvp]
        if _INSTALLED and pipeline.SPECIAL_VJP is _INSTALLED[0]:
            return
        before = pipeline.SPECIAL_VJP

        def special_vjp(callee, positions, mode=None):
            found = call_vjp(callee, positions, mode)
            if found is not None or before is None:
                return found
            return before(callee, positions, mode)
        pipeline.SPECIAL_VJP = special_vjp
        _INSTALLED[:] = [special_vjp]
