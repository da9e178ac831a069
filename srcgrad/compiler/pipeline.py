"""The pipeline: parse, fence, A-normal form, SSA, activity, reverse, codegen.

:func:`compile_vjp` turns a user function ``f(x, y, ...)`` and the positions to
differentiate into a generated ``f_vjp(x, y, ...)`` that returns
``(value, f_pullback)``; ``f_pullback(g)`` returns one cotangent per position.
Results are cached per (function, positions); a failed compile is not cached.
``verbose=True`` prints the code after each pass.
"""

import copy
import inspect
import itertools
import logging
import threading
import weakref

import gast
import numpy as np

from .. import rules
from ..errors import NoRuleError, SrcgradSyntaxError
from .analysis import argwrites
from .frontend import fence, generators, hofs, index_tricks
from ..rules.conversions import argument_copy, make_closure
from .frontend.anf import Namer, dump, to_anf
from .ir.fastast import walk
from .frontend.ssa import mutable_names, rename_ssa, split_self_updates
from .backends.codegen import build, emit_function, with_comments
from .backends import codegen
from .frontend.lift import LiftError, expand_starred, lift_nested, name_lambdas
from .frontend.starred import expand_starred_targets, unpack_fixed_arity_calls
from .frontend.varargs import flat_caller, specialise
from .frontend.parse import FunctionInfo, NoSource, _assigned_names, parse_function
from .analysis.alias import check_aliasing
from .depth import headroom, too_deep
from .transforms.recursion import recursive_edge
from .frontend.desugar import remove_jumps
from .calltree import CallRecord
from .frontend.trycatch import lower_try
from .frontend.withblock import lower_with
from .frontend.dictcalls import rewrite_dict_calls
from .transforms.dynamic import Dynamic
from .lower.optimize import fuse_pops, inline_temps, propagate_copies
from .lower.last_iteration import skip_last_iteration
from .lower.dead_saves import drop_dead_saves
from .lower.drain import drain_stack
from .lower.same_shape import scalar_over_same_shape
from .lower.fused import KINDS as FUSED_KINDS, FusedParts, emit_fused
from ..rules.operators import METHODS
from .ir.env import STATE_NAMES, assign as _assign, attr as _attr, call as _call, load as _load
from .transforms.reverse import Env, Reverser

__all__ = ["compile_vjp", "compile_jvp", "jvp_source", "compiled_of", "CompiledVJP", "NoSource",
           "SHAPE_SPECIALISATIONS"]



class _FunctionCache:
    """``fn -> {key: CompiledVJP}``, never keeping ``fn`` alive.

    A compiled version holds its generated code, whose globals are the user's
    module, which holds ``fn``: in a weak-keyed table that value would keep its
    own key alive for ever.  So a plain function's versions are kept on the
    function itself (``fn.__dict__``, owner-checked so a ``functools.wraps``
    copy of the dict is never taken for the wrapper's own), where the cycle is
    ordinary garbage; other callables go to a weak-keyed table."""

    _ATTR = "__srcgrad_vjps__"

    def __init__(self):
        self._weak = weakref.WeakKeyDictionary()
        self._strong = {}
        self._fns = weakref.WeakSet()

    def get(self, fn):
        if inspect.isfunction(fn):
            entry = fn.__dict__.get(self._ATTR)
            return entry[1] if entry is not None and entry[0]() is fn else None
        try:
            return self._weak.get(fn)
        except TypeError:  # not weakly referenceable (a ufunc, a C callable)
            return self._strong.get(fn)

    def __getitem__(self, fn):
        per_fn = self.get(fn)
        if per_fn is None:
            raise KeyError(fn)
        return per_fn

    def __setitem__(self, fn, per_fn):
        if inspect.isfunction(fn):
            fn.__dict__[self._ATTR] = (weakref.ref(fn), per_fn)
            self._fns.add(fn)
        else:
            try:
                self._weak[fn] = per_fn
            except TypeError:
                # C objects (ufuncs, dispatchers) live as long as their module
                self._strong[fn] = per_fn

    def clear(self):
        for fn in list(self._fns):
            fn.__dict__.pop(self._ATTR, None)
        self._fns.clear()
        self._weak.clear()
        self._strong.clear()


_CACHE = _FunctionCache()              # fn -> {key: CompiledVJP}; never keeps fn alive
_LOCK = threading.RLock()              # one compile at a time (re-entrant: callees)
_LOCAL = threading.local()             # .in_progress: ids of this thread's compiles

#: How many shape-specialised versions of one function the cache keeps; past
#: this, a new shape gets (and shares) shape-generic code, compiled as if the
#: arrays' shapes were unknown, and ``CompiledVJP.note`` says so.
SHAPE_SPECIALISATIONS = 16

log = logging.getLogger("srcgrad")


class CompiledVJP:
    """A compiled VJP: ``fn(*args) -> (value, pullback)`` and its source.

    It holds the user's function weakly (``user_fn`` is ``None`` once it is
    gone), so the cache never keeps a function alive."""

    def __init__(self, generated, params, wrt, user_fn):
        self.fn = generated.fn
        self.source = generated.source
        self.module_source = generated.module_source
        self.filename = generated.filename
        self.params = params
        self.wrt = wrt
        try:
            self._user_fn = weakref.ref(user_fn)
        except TypeError:  # not weakly referenceable: then it lives as long as we do
            self._user_fn = lambda: user_fn
        self.bound = generated.bound            # closure names -> objects
        self.user_globals = generated.user_globals
        self.note = None                        # e.g. why the code is shape-generic
        self.guards = []    # (global, name of what it held when compiled): see _global_guards
        generated.fn.__srcgrad_compiled__ = self  # a cycle the collector frees

    @property
    def user_fn(self):
        return self._user_fn()

    #: what the fused forms are made from (pipeline._compile sets it for the
    #: function the user differentiates; callees keep the pullback form only)
    _fused_parts = None

    def fused(self, kind):
        """The generated function of ``kind`` ("grad": ``f_grad(*args) ->
        grads``, or "value_and_grad": ``-> (value, grads)``; see
        lower/fused.py), built on first use; ``None`` for a callee's VJP."""
        if kind not in FUSED_KINDS:
            return None
        built = self.__dict__.get("_fused_" + kind)
        if built is None and self._fused_parts is not None:
            with _LOCK:
                built = self.__dict__.get("_fused_" + kind)
                if built is None:
                    built = _build_fused(self, kind)
        return built.fn if built is not None else None

    def fused_source(self, kind):
        """The source of :meth:`fused` ``(kind)``, or ``None``."""
        return self.__dict__["_fused_" + kind].source if self.fused(kind) else None


def _build_fused(compiled, kind):
    """Lay out and compile the fused ``kind`` of ``compiled`` (under _LOCK)."""
    parts, env, namer, info, header, verbose = compiled._fused_parts
    name = namer.fresh(parts.base + "_" + kind)
    node = emit_fused(kind, parts, name, env, lambda c: _pure(env, c), namer.fresh,
                      namer.temp)
    user_fn = compiled.user_fn
    qualname = getattr(user_fn, "__qualname__", parts.base)
    built = build(node, env.bound, info.globals, qualname, header, getattr(info, "cells", None))
    if verbose:
        print(built.source)
    built.fn.__srcgrad_compiled__ = compiled
    compiled.__dict__["_fused_" + kind] = built
    if all("_fused_" + k in compiled.__dict__ for k in FUSED_KINDS):
        compiled._fused_parts = None   # both built: the statements are no longer needed
    return built


def compiled_of(fn):
    """The :class:`CompiledVJP` whose generated function is ``fn``, or ``None``
    (export uses it to write the VJPs of the user functions a VJP calls)."""
    found = getattr(fn, "__srcgrad_compiled__", None) if callable(fn) else None
    return found if isinstance(found, CompiledVJP) else None


#: Hooks installed by srcgrad.bridge, the one seam with the tape (the compiler
#: never imports the tape): ``SPECIAL_VJP(callee, positions, mode=None)`` returns
#: the VJP of a callable with its own gradient (custom_vjp, autograd.Function, a
#: grad/value_and_grad object: srcgrad/higher.py) or None;
#: ``FALLBACK_VJP(callee, positions, reason)`` a VJP that runs it on the tape.
SPECIAL_VJP = None
FALLBACK_VJP = None
#: The same seam for forward mode (jvp_pipeline.py): ``SPECIAL_JVP(callee,
#: positions, mode=None)`` for a callable with its own JVP (custom_jvp, a grad
#: object: srcgrad/higher.py) or None, and
#: ``FALLBACK_JVP(callee, positions, reason)``, a JVP that runs it on the tape;
#: both return objects whose ``.fn(*args, *tangents)`` gives ``(out, tangent_out)``.
SPECIAL_JVP = None
FALLBACK_JVP = None


def compile_vjp(fn, wrt, has_aux=False, verbose=False, numeric=(), mode="compile",
                callee=False, spread=None):
    """Compile (or fetch from the cache) the VJP of ``fn`` for positions ``wrt``.

    In ``mode="auto"`` a call inside ``fn`` that the compiler cannot transform
    runs on the tape (mixed mode); in ``mode="compile"`` it is an error.

    Thread-safe: compiles are serialised by one re-entrant lock, a function
    is compiled once per key whichever thread asks first, and the recursion
    check only sees the compiles of the calling thread.

    A function with ``*args``/``**kwargs`` is compiled for the ``spread``
    of a call (see varargs.py), which is part of the key: its VJP takes the
    call's flat argument list."""
    return _fetch(fn, "vjp", wrt, has_aux, verbose, numeric, mode, callee, spread)


#: the transforms besides "vjp": name -> (compile entry point, the name of its
#: fallback hook in this module, the function that compiles one version)
_TRANSFORMS = {}


def _fetch(fn, transform, wrt, has_aux, verbose, numeric, mode, callee, spread):
    """The cached version of ``fn`` for ``transform`` ("vjp", or "jvp": see
    jvp_pipeline.py), compiled now if missing (see :func:`compile_vjp`).
    A VJP's cache key is ``(wrt, has_aux, numeric, mode, callee)``; another
    transform's has its name appended."""
    wrt = tuple(wrt)
    numeric = tuple(numeric)
    callee = (callee, spread) if spread is not None else callee
    tag = () if transform == "vjp" else (transform,)
    ckey = (wrt, bool(has_aux), numeric, mode, callee) + tag
    per_fn = _CACHE.get(fn)
    if per_fn is not None:
        hit = per_fn.get(ckey)
        if hit is not None and hit is not _REFUSED:
            return hit
    in_progress = getattr(_LOCAL, "in_progress", None)
    if in_progress is None:
        in_progress = _LOCAL.in_progress = set()
    if id(fn) in in_progress:  # a recursive call: its VJP is looked up when it runs
        edges = _LOCAL.__dict__.setdefault("edges", {})  # one per function being compiled
        edge = edges.get((id(fn), wrt, mode) + tag)
        if edge is None:
            entry, hook = _TRANSFORMS.get(transform, (compile_vjp, "FALLBACK_VJP"))[:2]
            edge = edges[(id(fn), wrt, mode) + tag] = recursive_edge(
                fn, wrt, mode, entry, globals()[hook])
        return edge
    with _LOCK:
        per_fn = _CACHE.get(fn)
        if per_fn is None:
            per_fn = _CACHE[fn] = {}
        hit = per_fn.get(ckey)
        if hit is not None and hit is not _REFUSED:
            return hit  # another thread compiled it while this one waited
        if _shaped(numeric) and sum(1 for k in per_fn if _shaped(k[2]) and k[5:] == tag) >= \
                SHAPE_SPECIALISATIONS:
            generic = _generic_version(fn, per_fn, (wrt, has_aux, numeric, mode, callee),
                                       verbose, in_progress, transform)
            if generic is not None:
                return generic
            # generic code is refused where the shapes were enough: keep specialising,
            # in place of the oldest shaped version (the cache stays bounded)
            del per_fn[next(k for k in per_fn if _shaped(k[2]) and k[5:] == tag)]
        compiled = _compile_now(fn, wrt, has_aux, verbose, numeric, mode, callee, in_progress,
                                transform)
        per_fn[ckey] = compiled
    return compiled


#: in a function's cache, under the shape-generic key: its generic code was refused
_REFUSED = object()


def _generic_version(fn, per_fn, key, verbose, in_progress, transform="vjp"):
    """The shape-generic version of ``fn`` for ``key`` (its arrays' shapes
    unknown), compiled once and shared by every further shape; ``None`` if
    the compiler refuses it (then the caller specialises as before)."""
    wrt, has_aux, numeric, mode, callee = key
    generic = tuple(None if isinstance(k, tuple) else k for k in numeric)
    gkey = (wrt, bool(has_aux), generic, mode, callee) + (
        () if transform == "vjp" else (transform,))
    note = ("shape-generic code: %s already has %d shape-specialised versions "
            "(srcgrad.compiler.pipeline.SHAPE_SPECIALISATIONS)" % (
                getattr(fn, "__qualname__", fn), SHAPE_SPECIALISATIONS))
    hit = per_fn.get(gkey)
    if hit is None:
        try:
            hit = _compile_now(fn, wrt, has_aux, verbose, generic, mode, callee, in_progress,
                               transform)
        except (NoSource, SrcgradSyntaxError, NoRuleError):
            hit = _REFUSED
        else:
            log.info("srcgrad: %s", note)
        per_fn[gkey] = hit
    if hit is _REFUSED:
        return None
    hit.note = hit.note or note
    return hit


def _compile_now(fn, wrt, has_aux, verbose, numeric, mode, callee, in_progress,
                 transform="vjp"):
    """``_compile`` with the recursion bookkeeping of the calling thread, and
    a program too deep for the passes turned into a located error."""
    outermost = not in_progress
    callee, spread = callee if isinstance(callee, tuple) else (callee, None)
    build_one = _compile if transform == "vjp" else _TRANSFORMS[transform][2]
    in_progress.add(id(fn))
    try:
        if not outermost:
            return build_one(fn, wrt, has_aux, verbose, numeric, mode, callee, spread)
        with headroom():
            return build_one(fn, wrt, has_aux, verbose, numeric, mode, callee, spread)
    except RecursionError:
        if not outermost:
            raise  # unwind to the outermost compile, where the stack is shallow again
        raise too_deep(fn) from None
    finally:
        in_progress.discard(id(fn))
        edges = _LOCAL.__dict__.get("edges")
        if edges:
            for key in [k for k in edges if k[0] == id(fn)]:  # (every transform's)
                del edges[key]


def _shaped(numeric):
    return any(isinstance(k, tuple) for k in numeric)


def _show(verbose, title, stmts):
    if verbose:
        print("--- %s ---" % title)
        print(dump(stmts))


def _info_of(fn):
    """The parsed function: a lifted nested function carries its own (as an
    attribute: a weak dictionary would never drop it, since the info holds
    the function)."""
    info = getattr(fn, "__srcgrad_info__", None)
    return info if info is not None else parse_function(fn)


def _lift(info, node, namer, env):
    """Lift nested functions and unpack starred call arguments."""
    if not any(isinstance(n, (gast.FunctionDef, gast.Lambda, gast.Starred)) or
               isinstance(n, gast.keyword) and n.arg is None
               for stmt in node.body for n in walk(stmt)):
        return node  # nothing to lift or unpack
    try:
        node = unpack_fixed_arity_calls(node, env.resolve, namer)  # h(*xs): len(xs) is known
        node = expand_starred(node)
        node, lifted = lift_nested(node, namer, None)
    except LiftError as err:
        raise info.error(err.node, err.msg, err.hint) from None
    maker = getattr(node, "closure_maker", None)
    if maker is not None:   # nested functions used as values (lift.py)
        env.bound[maker] = make_closure
    for name, lnode in lifted:
        src = codegen.to_source(lnode)
        local = {}
        exec(compile(src, info.filename, "exec"), info.globals, local)
        fn = local[lnode.name]
        sub = FunctionInfo(fn, lnode, info.filename, info.lines)
        sub.closure = dict(info.closure)
        fn.__srcgrad_info__ = sub
        env.bound[name] = fn
    return node


class Front:
    """What the shared front end hands a transform: the parsed function
    (``info``), its ``namer`` and ``env``, the renamed function ``node``, its
    parameter names (``params``, ``wrt_names``), the SSA ``body`` and the
    parameters it writes into (``writes``, see argwrites.py)."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


def front_end(fn, wrt, verbose=False, numeric=(), callee=False, spread=None):
    """Parse, fence, lift, desugar, A-normal form, alias check and SSA: the
    passes every transform (reverse.py, forward.py) runs first."""
    info = _info_of(fn)
    if spread is not None:
        info = specialise(info, spread)  # *args/**kwargs -> the call's extra arguments
    namer = Namer({n.id for n in walk(info.node) if isinstance(n, gast.Name)}
                  | set(info.local_names))
    info = hofs.rewrite(info, namer)  # map, filter, reduce, sorted(key=), partial
    named = name_lambdas(info.node)   # apply(lambda v: v * 2, x): the lambda gets a name
    if named is not info.node:
        info = copy.copy(info)
        info.node = named
        info.local_names = _assigned_names(named)
        namer.taken |= set(info.local_names)
    fence.check(info)
    node = info.node
    node = _unshadow(node, info.local_names, namer)
    params = [a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
    wrt_names = [params[i] for i in wrt]
    env = Env(info, namer)  # picks the names of its own state first: readable unless taken
    for name, value in info.closure.items():  # the user's free variables, by value
        env.bound[name] = value
    node = expand_starred_targets(node, namer)  # a, *b = v -> slices (starred.py)
    node = _lift(info, node, namer, env)
    node = generators.materialise(info, node, env, _info_of)
    node = remove_jumps(node, namer)
    node = lower_try(node, namer)
    node = lower_with(node, namer, env.resolve)
    node = rewrite_dict_calls(node, env.resolve)   # dict(a=x) -> {'a': x}
    node = index_tricks.rewrite(node, env.resolve, env.ref)  # np.r_[a, b] -> index_r([a, b])
    anf = to_anf(node, namer, resolve=env.resolve, bind=env.ref)
    _show(verbose, "A-normal form", anf.body)
    writes = check_aliasing(info, anf.body, dict(zip(params, numeric or [None] * len(params))),
                            env.resolve, callee=callee)
    if callee == "copy":   # p[i] = v on an argument: work on a copy (argwrites.py)
        anf.body[:0] = copy_on_entry(writes, env, node)
    body = rename_ssa(anf.body, params, namer)
    body = split_self_updates(body, mutable_names(body) | set(params), namer)
    _show(verbose, "SSA", body)
    return Front(info=info, namer=namer, env=env, node=node, params=params,
                 wrt_names=wrt_names, body=body, writes=writes)


def _compile(fn, wrt, has_aux, verbose, numeric=(), mode="compile", callee=False,
             spread=None):
    front = front_end(fn, wrt, verbose, numeric, callee, spread)
    info, namer, env, node = front.info, front.namer, front.env, front.node
    params, wrt_names, body, writes = front.params, front.wrt_names, front.body, front.writes

    tape_calls = []
    calls = []   # CallRecords: which engine runs each call (see calltree.py)
    own_mode = callee

    def record(name, engine, op, reason=None, compiled=None):
        where = "%s:%s" % (info.filename, op.stmt.user_line)
        if not any(r.name == name and r.where == where for r in calls):
            calls.append(CallRecord(name, engine, where, reason, compiled))

    def kinds_of(op):
        """The caller's knowledge of a call's arguments, for the callee."""
        return reverser.facts.arg_kinds(op.args)

    def compile_callee(callee, op, positions):
        site = None
        if isinstance(callee, Dynamic):   # known at run time: looked up by identity there
            site = callee.site(info.filename, op.stmt.user_line, positions, mode)
            if callee.known is None:
                return site
            callee = callee.known     # a global object's method: checked now, called there
        name = getattr(callee, "__name__", type(callee).__name__)
        if generators.is_generator_function(callee):   # not consumed whole: see generators.py
            raise generators.refusal(info, op, callee)
        special = SPECIAL_VJP(callee, positions, mode) if SPECIAL_VJP is not None else None
        if special is not None:
            record(name, "custom", op)
            return special
        try:
            if not hasattr(callee, "__code__"):  # callable objects, bound methods
                raise NoSource("%s is not a plain Python function" % name)
            try:
                compiled = compile_vjp(callee, positions, mode=mode,
                                       callee="copy" if site is None else True,
                                       numeric=kinds_of(op), spread=op.spread)
            except (SrcgradSyntaxError, NoRuleError) as err:
                if not _srcgrads_own(callee):
                    raise
                # a rule's JVP the compiler cannot read again (second order): the
                # user cannot rewrite srcgrad's code, so no hint to
                raise NoSource("%s is srcgrad's own code (%s) and the compiler cannot "
                               "differentiate it (%s), so this derivative of a derivative "
                               "is not generated" % (name, callee.__module__,
                                                     getattr(err, "bare_msg", err))) from None
            _pass_on(writes, argwrites.check_call(info, op, callee, compiled,
                                                  own_mode is True))
            record(name, "compiler", op, compiled=compiled)
            return compiled.fn if site is None else site
        except (NoSource, SrcgradSyntaxError, NoRuleError) as err:
            where = "%s:%s" % (info.filename, op.stmt.user_line)
            if getattr(err, "at_call", False):   # argwrites: already this call's error
                raise
            if getattr(err, "mutation", False):
                raise _callee_mutates(info, op, callee, err) from None
            if site is not None and mode == "auto":   # the call site runs it on the tape
                reason = "%s: %s" % (where, getattr(err, "bare_msg", None) or err)
                tape_calls.append((name, reason))
                record(name, "tape", op, reason)
                return site
            if mode == "auto" and FALLBACK_VJP is not None:
                reason = "%s: %s" % (where, getattr(err, "bare_msg", None) or err)
                tape_calls.append((name, reason))
                record(name, "tape", op, reason)
                if op.spread is not None:  # the tape calls it as the user did
                    callee = flat_caller(callee, op.spread)
                return FALLBACK_VJP(callee, positions, reason)
            if isinstance(err, NoSource):
                raise NoRuleError(
                    "%s: %s has no derivative rule and its source cannot be read. Register "
                    "a rule with srcgrad.defvjp(%s, vjp_rule), or use mode=\"auto\" to run "
                    "it on the tape" % (where, name, name)) from None
            raise _reached_from(err, where)

    def check_callee(callee, op):
        check_callee_writes(info, fn, callee, op, kinds_of(op))

    def on_blocked(op):
        raise blocked_error(info, op, "srcgrad.defvjp(%s, vjp_rule), where vjp_rule(g, ans, "
                            "*args) returns the cotangent of the argument")
    kinds = dict(zip(params, numeric))
    reverser = Reverser(info, wrt_names, env, compile_callee, on_blocked, has_aux, kinds)
    reverser.check_callee = check_callee
    forward, adjoint, out_atom = reverser.run(body)
    _show(verbose, "adjoint", adjoint)
    keep = set(reverser.restored) | set(reverser.saved)
    if isinstance(out_atom, gast.Name):
        keep.add(out_atom.id)
    results = {reverser.adjoints.get(n) for n in wrt_names}
    if isinstance(reverser.seed, gast.Name):
        results.add(reverser.adjoints.get(reverser.seed.id))
    single_use = set(reverser.adjoints.values()) - results  # freed as soon as used
    forward, adjoint = inline_temps([forward, adjoint], keep, lambda c: _pure(env, c),
                                    single_use)
    adjoint = reverser.reassociate(adjoint)
    adjoint = propagate_copies(adjoint, keep={reverser.adjoints.get(n) for n in wrt_names})
    adjoint = fuse_pops(adjoint, env.ref(itertools.islice, "_islice"), dict(
        env.state, **{b: env.builtin(b) for b in ("reversed", "range", "len")}))
    adjoint = skip_last_iteration(   # lower/last_iteration.py
        adjoint, forward, {reverser.adjoints.get(n) for n in wrt_names},
        lambda c: _pure(env, c), {b: env.builtin(b) for b in ("reversed", "range")})
    adjoint = scalar_over_same_shape(adjoint, forward, env.resolve)   # lower/same_shape.py
    forward, adjoint, gone = drop_dead_saves(   # lower/dead_saves.py
        forward, adjoint, env.state["_push"], env.state["_pop"], env.resolve)
    if gone:    # nothing reads them: no None to start from, no final value to hand over
        reverser.restored = [v for v in reverser.restored if v not in gone]
    adjoint = drain_stack(adjoint, forward, env.ref(itertools.islice, "_islice"),   # lower/drain.py
                          dict(env.state, len=env.builtin("len")))
    _show(verbose, "optimized adjoint", adjoint)
    rt = env.runtime()
    results = []
    for name in wrt_names:
        if name in reverser.defined:
            results.append(_load(reverser.adj(name)))
        else:
            results.append(_call(_attr(rt, "zeros_like"), [_load(name)]))
    base = info.node.name.strip("<>") or "f"
    seed = reverser.adj(reverser.seed.id) if isinstance(reverser.seed, gast.Name) \
        else namer.fresh("g")
    pb_name = namer.fresh(base + "_pullback")
    fwd_pro, fwd_epi, pb_pro = _state_transfer(forward, reverser, params, rt, env)
    fused = None
    if callee is False:   # what the user differentiates: grad/value_and_grad fuse (fused.py)
        fused = FusedParts(
            params=params, guards=None, prologue=fwd_pro, forward=forward, adjoint=adjoint,
            out=out_atom, value=reverser.seed, has_aux=has_aux, results=results,
            seed=seed if isinstance(reverser.seed, gast.Name) else None,
            numeric=set(reverser.facts.numeric), base=base,
            adjoints=set(reverser.adjoints.values()),
            real=getattr(fn, "__srcgrad_real__", False) is True,
            add_comments=lambda stmts, prefix: with_comments(stmts, info, prefix))
    pb_body = pb_pro + with_comments(adjoint, info, "grad of ")
    pb_body.append(gast.Return(value=gast.Tuple(elts=results, ctx=gast.Load())))
    pullback = emit_function(pb_name, [seed], pb_body)
    guards, guard_pairs = _rebinding_guards(env, rt)
    if fused is not None:
        fused.guards = list(guards)
    body = guards + fwd_pro + with_comments(forward, info, "") + fwd_epi
    body.append(pullback)
    if reverser.has_mutation and isinstance(out_atom, gast.Name) and \
            reverser.facts.returns_mutated(out_atom.id):
        # the pullback restores what the function assigned into: hand back a copy
        out_atom = _call(_attr(rt, "copy_value"), [out_atom])
        if fused is not None:
            fused.copy_out = True
    body.append(gast.Return(value=gast.Tuple(elts=[out_atom, _load(pb_name)], ctx=gast.Load())))
    vjp_name = namer.fresh(base + "_vjp")
    fn_node = emit_function(vjp_name, params, body)
    header = "# Generated by srcgrad from %s:%s (%s), differentiating %s.\n" % (
        info.filename, node.lineno, fn.__qualname__, ", ".join(wrt_names) or "nothing")
    generated = build(fn_node, env.bound, info.globals, fn.__qualname__, header,
                      getattr(info, "cells", None))
    if verbose:
        print(generated.source)
    result = CompiledVJP(generated, params, wrt, fn)
    result.tape_calls = tape_calls
    result.guards = guard_pairs
    result.writes = writes if callee == "copy" else {}
    result.calls = calls
    if fused is not None:
        fused.copy_out = getattr(fused, "copy_out", False)
        result._fused_parts = (fused, env, namer, info, header, verbose)
    return result


#: builtins that passes write into generated code by their bare name
_BARE_BUILTINS = ("slice",)


def _unshadow(node, local_names, namer):
    """Rename the user's local variables that shadow a builtin the generated
    code calls by its bare name (``slice``, for subscripts): consistent
    renaming of a local changes nothing the function computes."""
    clashes = {b: namer.fresh(b) for b in _BARE_BUILTINS if b in local_names}
    if not clashes:
        return node
    node = copy.deepcopy(node)
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id in clashes:
            n.id = clashes[n.id]
    return node


#: rule modules whose functions generated code calls by name and which are
#: pure (the mutation adjoints, the shared cotangent formulas)
_PURE_RULES = ("srcgrad.rules.mutation", "srcgrad.rules.contractions",
               "srcgrad.rules.selection")


def _pure(env, node):
    """Calls that may move past other statements: NumPy, math, builtins,
    srcgrad.runtime and the functions of :data:`_PURE_RULES`, and ndarray
    methods."""
    func = node.func
    obj = env.resolve(func)
    if obj is None:
        return isinstance(func, gast.Attribute) and func.attr in METHODS
    mod = getattr(obj, "__module__", None) or ""
    return mod.split(".")[0] in ("numpy", "math", "builtins") or \
        mod.split(".")[:2] == ["srcgrad", "runtime"] or mod in _PURE_RULES \
        or isinstance(obj, np.ufunc)


def _rebinding_guards(env, rt):
    """``_rt.unchanged(ACT, _ACT_compiled, 'ACT')`` for each callable the code
    reaches through a name the user can rebind (a module global, a closure
    variable, ``mod.fn`` of a user module): the code was compiled for the
    callable it held then (its rule, its VJP), while the forward sweep reads
    the name live; rebinding it, or giving a function new code (as IPython's
    autoreload does), must recompile, never mix the two.

    Returns the guard statements and ``(text, name of the compiled-for
    object)`` pairs."""
    guards, pairs = [], []
    for text, (node, obj) in sorted(env.guarded.items()):
        state = (obj.__code__, obj.__defaults__, obj.__kwdefaults__) \
            if inspect.isfunction(obj) else None
        was = env.ref((obj, state), "_%s_compiled" % text.replace(".", "_"))
        guards.append(gast.Expr(value=_call(_attr(rt, "unchanged"), [
            _reload(node), _load(was), gast.Constant(value=text, kind=None)])))
        pairs.append((text, was))
    return guards, pairs


def _reload(node):
    """A fresh load of the name chain ``node``."""
    if isinstance(node, gast.Attribute):
        return gast.Attribute(value=_reload(node.value), attr=node.attr, ctx=gast.Load())
    return _load(node.id)


def _reached_from(err, where):
    """A callee's refusal, which names the callee's file, with the call in the
    user's code that led there (outermost last)."""
    if where in str(err):
        return err
    note = "\n  reached from the call at %s" % where
    if isinstance(err, SrcgradSyntaxError):
        if err.hint:
            err.hint += note
        else:
            err.bare_msg += note
    elif err.args and isinstance(err.args[0], str):
        err.args = (err.args[0] + note,) + err.args[1:]
    return err


def _pass_on(writes, passed):
    """Record the parameters a call changes in place (argwrites.py)."""
    for name, where in passed.items():
        writes.setdefault(name, where)


def copy_on_entry(writes, env, node):
    """``p = argument_copy(p)`` for each parameter the body assigns into
    (``p[i] = v``): the helper works on a copy, as issue 10 asks."""
    item = argwrites.WRITE_TEXT["item"]
    items = [p for p, (_, _, what) in writes.items() if what == item % p]
    if not items:
        return []
    fn = _load(env.ref(argument_copy, "_argument_copy"))
    out = []
    for p in items:
        stmt = _assign(p, _call(fn, [_load(p)]))
        stmt.user_line = node.lineno
        out.append(stmt)
    return out


def _srcgrads_own(fn):
    """Whether ``fn`` is srcgrad's own code (a rule or a runtime helper, not
    generated code: that lives in ``<srcgrad>/`` files, module ``srcgrad.*``
    only through its globals' ``__name__``): never read as user code."""
    module = getattr(fn, "__module__", None) or ""
    code = getattr(fn, "__code__", None)
    return (module == "srcgrad" or module.startswith("srcgrad.")) and code is not None and \
        not code.co_filename.startswith("<")


def check_callee_writes(info, fn, callee, op, numeric):
    """A call whose result needs no derivative still matters if the callee
    changes its arguments in place: compile it (for its checks only) and raise
    the caller's error if it does.  Shared by both transforms."""
    if not hasattr(callee, "__code__") or callee is fn:
        return
    try:   # strict: this call runs as written, so an update would be real
        compile_vjp(callee, (), mode="compile", callee=True, numeric=numeric,
                    spread=op.spread)
    except SrcgradSyntaxError as err:
        if getattr(err, "mutation", False):
            raise _callee_mutates(info, op, callee, err) from None
    except (NoSource, NoRuleError):
        pass


def blocked_error(info, op, register):
    """The error for an operation on an active value that no rule covers:
    ``register`` says how to register one (``"srcgrad.defvjp(%s, ...)"``, with
    the callable's name for ``%s``).  Shared by both transforms."""
    if op.kind == "prim":
        name = rules._name_of(op.prim)
        return NoRuleError(
            "%s:%s: no derivative rule for %s, which is applied to a value that depends "
            "on the differentiated arguments.\n    %s\nRegister one with %s." % (
                info.filename, op.stmt.user_line, name,
                (info.line_text(op.stmt.user_line) or "").strip(), register % name))
    return info.error(op.stmt, "the compiler cannot differentiate through this "
                      "expression", 'rewrite it with NumPy functions, or use mode="tape"')


def _callee_mutates(info, op, callee, err):
    """The caller's error for a callee that changes its arguments in place."""
    out = info.error(op.stmt, "%s changes an argument in place (%s:%s: %s); the compiler "
                     "cannot follow that into this function's adjoint" % (
                         getattr(callee, "__name__", "the callee"), err.filename, err.lineno,
                         err.bare_msg), 'return the new value instead, or use mode="tape"')
    out.mutation = True
    return out


def _state_transfer(forward, reverser, params, rt, env):
    """Statements that hand the forward sweep's state to the pullback: the
    stack of saved values (copied, so a pullback can run more than once) and
    the final values of the names the pullback restores, under the names
    ``env.state`` chose for them."""
    stack, push, pop, rev, final, calls = [env.state[k] for k in STATE_NAMES]
    uses_stack = any(isinstance(n, gast.Name) and n.id == push
                     for s in forward for n in walk(s))
    restored = reverser.restored
    pro, epi, pb = [], [], []
    for v in restored:
        if v not in params and v not in reverser.bound_first:  # (bound before any push)
            pro.append(_assign(v, gast.Constant(value=None, kind=None)))
    if uses_stack:
        pro.append(_assign(stack, gast.List(elts=[], ctx=gast.Load())))
        pro.append(_assign(push, _attr(stack, "append")))
        # a fresh iterator per pullback: the stack stays whole, so it can run again
        pb.append(_assign(rev, _call(_load(env.builtin("reversed")), [_load(stack)])))
        pb.append(_assign(pop, _attr_of(_load(rev), "__next__")))
    if reverser.has_mutation:
        pro.append(_assign(calls, gast.List(elts=[], ctx=gast.Load())))
        pb.insert(0, gast.Expr(value=_call(_attr(rt, "once"), [_load(calls)])))
    if restored:
        epi.append(_assign(final, gast.Tuple(elts=[_load(v) for v in restored],
                                                ctx=gast.Load())))
        targets = gast.Tuple(elts=[gast.Name(id=v, ctx=gast.Store(), annotation=None,
                                             type_comment=None) for v in restored],
                             ctx=gast.Store())
        pb.append(gast.Assign(targets=[targets], value=_load(final), type_comment=None))
    return pro, epi, pb


def _attr_of(value, name):
    return gast.Attribute(value=value, attr=name, ctx=gast.Load())


# forward mode: its own module, registered in _TRANSFORMS (imported last: it uses the above)
from .jvp_pipeline import compile_jvp, jvp_source  # noqa: E402
