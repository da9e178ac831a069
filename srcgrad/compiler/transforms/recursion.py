"""Recursion: the call from a function back to one whose compile is in progress.

Each user function compiles to its own VJP (``f_vjp(*args) -> (value,
f_pullback)``), so a recursive call is a call to the VJP being compiled, which
does not exist yet.  :func:`recursive_edge` gives the caller a stand-in that
looks that VJP up when it runs, through the pipeline's cache (one dictionary
look-up once it is compiled).  Mutual recursion (``even`` calls ``odd`` calls
``even``) takes the same edge.

The arguments of a recursive call often have other shapes than the outer
call's (recursive halving), so the stand-in asks for shape-generic code (one
more version, however deep the recursion goes); only where the compiler
refuses shape-generic code does it specialise on the run-time shapes, and
then the cache's ``SHAPE_SPECIALISATIONS`` bound holds.

A recursion deeper than Python's recursion limit is a ``RecursionError``
while the generated code runs; :func:`too_deep_at_run_time` is the error
``mode="compile"`` reports for it (``mode="auto"`` reruns on the tape first,
see ``api.GradFunction``).
"""

import numpy as np

from ...errors import NoRuleError, SrcgradSyntaxError
from ..frontend.parse import NoSource

__all__ = ["recursive_edge", "RecursiveEdge", "too_deep_at_run_time", "run_time_kind"]

_SCALARS = frozenset([float, int, np.float64, np.float32, np.int64, np.int32, complex,
                      np.complex128])


def run_time_kind(value, generic=True):
    """The kind the compiler specialises on, for a run-time value: ``"f"`` a
    number, ``("a",) + shape`` an ndarray (``None`` when ``generic``), ``None``
    anything else."""
    tp = type(value)
    if tp is np.ndarray:
        return None if generic else ("a",) + value.shape
    return "f" if tp in _SCALARS else None


class RecursiveEdge:
    """What ``compile_vjp`` hands back for a function whose compile is in
    progress in this thread: ``.fn`` compiles (or fetches) the right version
    when called, and calls it."""

    def __init__(self, target, wrt, mode, compile_vjp, fallback):
        self.target = target
        self.wrt = tuple(wrt)
        self.mode = mode
        self.tape_calls = []
        self.note = None
        self.source = "# %s: a recursive call, compiled when it first runs\n" % (
            getattr(target, "__qualname__", target),)
        edge = self

        def fn(*args):
            return edge.vjp_for(args)(*args)

        fn.__name__ = getattr(target, "__name__", "f") + "_vjp"
        fn.__qualname__ = fn.__name__
        fn.__srcgrad_edge__ = self
        self.fn = fn
        self._compile_vjp = compile_vjp
        self._fallback = fallback
        self._how = {}   # generic kinds -> "exact" (generic code refused) or the tape's VJP

    def vjp_for(self, args):
        """The VJP for these arguments: shape-generic code if the compiler
        accepts it, else code for their shapes; the tape in ``mode="auto"``
        when the compiler refuses both."""
        generic = tuple([run_time_kind(a) for a in args])
        how = self._how.get(generic)     # a refusal is not cached: remember it here
        if how is None:
            try:
                return self._compile_vjp(self.target, self.wrt, numeric=generic,
                                         mode=self.mode, callee=True).fn
            except (NoSource, SrcgradSyntaxError, NoRuleError):
                how = self._how[generic] = "exact"
        if how != "exact":
            return how                   # the tape's VJP (mode="auto")
        exact = tuple([run_time_kind(a, generic=False) for a in args])
        try:
            return self._compile_vjp(self.target, self.wrt, numeric=exact, mode=self.mode,
                                     callee=True).fn
        except (NoSource, SrcgradSyntaxError, NoRuleError) as err:
            if self.mode != "auto" or self._fallback is None:
                raise
            reason = getattr(err, "bare_msg", None) or str(err)
            how = self._how[generic] = self._fallback(self.target, self.wrt, reason)
            return how


    def shape_generic(self):
        """The VJP compiled for arguments of unknown kinds (what ``export``
        writes for the recursive call: it cannot know the run-time kinds)."""
        return self._compile_vjp(self.target, self.wrt, numeric=(), mode=self.mode,
                                 callee=True).fn


def recursive_edge(target, wrt, mode, compile_vjp, fallback):
    """The stand-in VJP for a recursive call to ``target`` (see the module
    docstring)."""
    return RecursiveEdge(target, wrt, mode, compile_vjp, fallback)


def too_deep_at_run_time(fn, mode):
    """The located error for a recursion deeper than Python's recursion limit
    in the generated code (or, in ``mode="auto"``, on the tape as well)."""
    import sys
    code = getattr(fn, "__code__", None)
    filename = getattr(code, "co_filename", None)
    lineno = getattr(code, "co_firstlineno", None)
    import linecache
    line = linecache.getline(filename, lineno) if filename and lineno else None
    where = "the compiled code" if mode == "compile" else "the compiled code and on the tape"
    hint = ('raise the limit with sys.setrecursionlimit(...), rewrite the recursion as a '
            'loop, or use mode="auto" (which reruns on the tape)' if mode == "compile" else
            'raise the limit with sys.setrecursionlimit(...), or rewrite the recursion as '
            'a loop')
    err = RecursionDepthError(
        "a recursion in %s went deeper than Python's recursion limit (%d) in %s" % (
            getattr(fn, "__qualname__", fn), sys.getrecursionlimit(), where),
        filename, lineno, line or None, hint)
    return err


class RecursionDepthError(RecursionError):
    """A differentiated recursion too deep for Python's stack, located at the
    user's function (a ``RecursionError``, so existing handlers still catch it)."""

    def __init__(self, msg, filename, lineno, line, hint):
        super().__init__(msg)
        self.bare_msg = msg
        self.filename = filename
        self.lineno = lineno
        self.text = line
        self.hint = hint

    def __str__(self):
        text = "%s:%s: %s" % (self.filename, self.lineno, self.bare_msg)
        if self.text:
            text += "\n    " + self.text.strip()
        return text + "\nhint: " + self.hint
