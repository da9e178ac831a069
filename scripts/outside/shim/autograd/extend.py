"""autograd.extend on srcgrad: ``primitive`` + ``defvjp`` map onto
``srcgrad.defvjp`` (an autograd VJP maker ``maker(ans, *args, **kw)`` returning
``g -> cotangent`` becomes a rule ``rule(g, ans, *args, **kw)``); an argument
without a maker gets a rule that raises (autograd raises there too: srcgrad's
``None`` would mean "no gradient", a silent zero).  Custom vector spaces
(``Box``, ``VSpace``), forward-mode rules and ``def_linear`` are unmappable."""

import _outside as st
import _outside_engine as _eng

_MAKERS = {}  # id(fn) -> {argnum: maker}


def _sg():
    import srcgrad
    return srcgrad


def primitive(f_raw):
    """A function srcgrad differentiates by its rule once ``defvjp`` registers
    one (until then the compiler reads ``f_raw``'s source, and the tape runs
    it).  Called with tape Tensors after ``defvjp``, it goes through the
    wrapper ``srcgrad.defvjp`` returns, so the tape uses the rule too."""
    from srcgrad.tape.tensor import Tensor
    taped = [None]

    def f_wrapped(*args, **kwargs):
        w = taped[0]
        if w is not None and any(isinstance(a, Tensor) for a in args):
            return w(*args, **kwargs)
        return f_raw(*args, **kwargs)
    f_wrapped.__name__ = getattr(f_raw, "__name__", "primitive")
    f_wrapped.__qualname__ = getattr(f_raw, "__qualname__", f_wrapped.__name__)
    f_wrapped.__doc__ = getattr(f_raw, "__doc__", None)
    f_wrapped.fun = f_raw
    f_wrapped._outside_taped = taped
    return f_wrapped


def notrace_primitive(f_raw):
    _sg().defnondiff(f_raw)
    return f_raw


def _rule_from(maker):
    """An autograd VJP maker as a srcgrad rule: autograd's convention is the
    conjugate of srcgrad's, so complex cotangents are conjugated in and out."""
    def rule(g, ans, *args, **kwargs):
        conj = _eng.autograd_convention
        return conj(maker(ans, *args, **kwargs)(conj(g)))
    return rule


def _missing(fn, argnum):
    def rule(g, ans, *args, **kwargs):
        raise NotImplementedError("VJP of %s wrt argnum %d not defined"
                                  % (getattr(fn, "__name__", fn), argnum))
    return rule


def defvjp(fun, *vjpmakers, **kwargs):
    argnums = kwargs.get("argnums", range(len(vjpmakers)))
    table = _MAKERS.setdefault(id(fun), {})
    for i, m in zip(argnums, vjpmakers):
        table[i] = m
    n = max(table) + 1 if table else 0
    rules = [(_rule_from(table[i]) if table.get(i) is not None else _missing(fun, i))
             for i in range(n)]
    wrapper = _sg().defvjp(fun, *rules)
    if hasattr(fun, "_outside_taped") and wrapper is not fun:
        fun._outside_taped[0] = wrapper


def defvjp_argnum(fun, vjpmaker):
    raise st.Unmappable("autograd.extend.defvjp_argnum (VJPs indexed by argnum at run time)")


def defvjp_argnums(fun, vjpmaker):
    raise st.Unmappable("autograd.extend.defvjp_argnums")


def defjvp(fun, *jvpfuns, **kwargs):
    pass  # forward mode: issue 11 (nothing to register for reverse mode)


def defjvp_argnum(fun, jvpmaker):
    pass


def defjvp_argnums(fun, jvpmaker):
    pass


def def_linear(fun):
    raise st.Unmappable("autograd.extend.def_linear")


class _Unmappable:
    _what = "autograd internals"

    def __init__(self, *args, **kwargs):
        raise st.Unmappable("%s (autograd's tracing internals)" % self._what)

    @classmethod
    def register(cls, *args, **kwargs):
        raise st.Unmappable("%s.register (custom vector spaces)" % cls._what)


class Box(_Unmappable):
    _what = "autograd.extend.Box"


class VSpace(_Unmappable):
    _what = "autograd.extend.VSpace"


class SparseObject(_Unmappable):
    _what = "autograd.extend.SparseObject"


class VJPNode(_Unmappable):
    _what = "autograd VJPNode"


class JVPNode(_Unmappable):
    _what = "autograd JVPNode"


def vspace(value):
    raise st.Unmappable("autograd.extend.vspace (vector spaces are autograd internals)")


def register_notrace(trace_type, primitive_fun):
    pass
