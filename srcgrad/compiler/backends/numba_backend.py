"""The optional Numba backend: ``grad(f, backend="numba")`` runs the fused
gradient function (compiler/lower/fused.py) jit-compiled by Numba in
nopython mode, where every construct of it is supported.

Guarantees:

- the statements are the NumPy backend's, laid out for Numba by
  numba_layout.py (one saved-value stack per name, the runtime helpers'
  Numba versions in numba_helpers.py); a construct the layout does not know is refused
  there, before Numba sees the function;
- Numba compiles for the first call of each kind key (the argument kinds
  ``GradFunction`` specialises on); if it cannot type the function, that kind
  key runs the NumPy backend from then on, the reason is logged on the
  ``srcgrad`` logger and :func:`status` (``srcgrad.explain(f, *args,
  backend="numba")``) reports it;
- only plain arguments reach Numba: Python floats, ints, bools and ``None``,
  and float64 / int64 / bool ndarrays (other dtypes, complex values,
  containers and objects run the NumPy backend, whose semantics they need);
- an exception raised by the compiled code reruns the call on the NumPy
  backend, so the user sees the NumPy backend's result or error (which names
  their line); where the NumPy backend returns a result, Numba's code cannot
  run that call (a saved value ``None`` on one path, say): the kind key stays
  on the NumPy backend from then on, and the reason is logged and reported
  like a typing failure's;
- ``numba`` is imported only when a function asks for this backend.

Known differences from the NumPy backend (documented in docs/backends.md):
integer arithmetic is 64-bit, and ``math`` functions outside their domain
return ``nan`` instead of raising ``ValueError``.
"""

import logging
import threading

import numpy as np

from .numba_layout import NotNumbaable, numba_layout

__all__ = ["numba_fused", "status", "available", "explain_backend"]

log = logging.getLogger("srcgrad")

_LOCK = threading.RLock()   # numba_fused holds it while _helpers takes it
_HELPERS = None     # name -> jit-able helper, made on first use (imports numba)


def available():
    """Whether numba can be imported (the ``srcgrad[numba]`` extra)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def numba_fused(compiled, kind):
    """The Numba form of ``compiled.fused(kind)`` (a :class:`NumbaFused`,
    callable like it), made once per compiled VJP (that is, per kind key)
    and cached on it; ``None`` where there is no fused form."""
    numpy_fn = compiled.fused(kind)
    if numpy_fn is None:
        return None
    key = "_numba_" + kind
    made = compiled.__dict__.get(key)
    if made is None:
        with _LOCK:
            made = compiled.__dict__.get(key)
            if made is None:
                made = compiled.__dict__[key] = NumbaFused(numpy_fn)
    return made


def status(compiled, kind):
    """``(backend, reason)`` of ``compiled``'s fused ``kind`` so far:
    ``("numba", None)`` once it has run compiled by Numba,
    ``("numpy", why)`` where it fell back, ``("numba", "not compiled yet")``
    before the first call."""
    made = compiled.__dict__.get("_numba_" + kind)
    if made is None:
        return "numba", "not compiled yet"
    return made.status()


def explain_backend(compiled, kind, args):
    """``(backend, reason)``: which backend the fused ``kind`` of
    ``compiled`` runs on for ``args``, and why not Numba; compiles for the
    arguments' types (without running the function) to find out."""
    made = numba_fused(compiled, kind)
    if made is None:
        return "numpy", "there is no fused gradient function to compile"
    if not _plain(args):
        return "numpy", ("an argument is not a Python number, None or a float64 / int64 / "
                         "bool ndarray: the NumPy backend runs such calls")
    made.prepare(args)
    backend, reason = made.status()
    return backend, None if backend == "numba" else reason


def _lookup(fn):
    """``name -> object`` for the free names of the generated function ``fn``:
    its closure (the names codegen binds), then its globals, then builtins."""
    import builtins
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    glob = fn.__globals__

    def lookup(name):
        if name in cells:
            try:
                return cells[name].cell_contents
            except ValueError:
                return None
        if name in glob:
            return glob[name]
        return getattr(builtins, name, None)
    return lookup


_PLAIN = (float, int, bool, type(None))
_ARRAY_DTYPES = (np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.bool_))


def _plain(args):
    for a in args:
        t = type(a)
        if t is np.ndarray:
            if a.dtype not in _ARRAY_DTYPES:
                return False
        elif t not in _PLAIN:
            return False
    return True


class NumbaFused:
    """A fused gradient function run by Numba, the NumPy one (``numpy_fn``)
    where Numba cannot: see the module docstring."""

    def __init__(self, numpy_fn):
        self.numpy_fn = numpy_fn
        self.__wrapped__ = numpy_fn
        self.reason = None      # why the NumPy backend runs (None: Numba does, or will)
        self.source = None      # the Numba layout's source
        self.ran = False        # whether Numba's code has run
        self.dispatcher = None
        try:
            layout = numba_layout(_source_of(numpy_fn), _lookup(numpy_fn))
        except NotNumbaable as err:
            self._give_up(str(err))
            return
        self.source = layout.source
        try:
            self.dispatcher = _jit(layout)
        except ImportError:
            self._give_up("numba is not installed (pip install 'srcgrad[numba]')")

    def status(self):
        if self.reason is not None:
            return "numpy", self.reason
        return "numba", None if self.ran else "not compiled yet"

    def prepare(self, args):
        """Compile for the types of ``args`` now (what the first call does)."""
        if self.dispatcher is None:
            return
        import numba
        try:
            self.dispatcher.compile(tuple(numba.typeof(a) for a in args))
        except Exception as err:
            if not _is_numba_error(err):
                raise
            self._give_up(_first_line(err))
        else:
            self.ran = True

    def _give_up(self, reason):
        self.reason = reason
        self.dispatcher = None
        log.info("srcgrad: the gradient of %s runs on the NumPy backend, not Numba: %s",
                 _where(self.numpy_fn), reason)

    def __call__(self, *args):
        dispatcher = self.dispatcher
        if dispatcher is None or not _plain(args):
            return self.numpy_fn(*args)
        try:
            out = dispatcher(*args)
        except Exception as err:
            if _is_numba_error(err):   # Numba could not type (or lower) the function
                self._give_up(_first_line(err))
                return self.numpy_fn(*args)
            # an error at run time: the NumPy backend gives its own result or error;
            # where it gives a result, Numba's code cannot run these arguments (a value
            # None on one path, say): this kind key stays on the NumPy backend
            out = self.numpy_fn(*args)
            self._give_up(_runtime_reason(err))
            return out
        self.ran = True
        return out


def _source_of(fn):
    compiled = getattr(fn, "__srcgrad_compiled__", None)
    for kind in ("grad", "value_and_grad"):
        built = compiled.__dict__.get("_fused_" + kind) if compiled is not None else None
        if built is not None and built.fn is fn:
            return built.source
    raise NotNumbaable("the fused function's source is not known")


def _where(fn):
    """``name (file:line)`` of the user's function whose gradient ``fn`` is."""
    compiled = getattr(fn, "__srcgrad_compiled__", None)
    user = compiled.user_fn if compiled is not None else None
    code = getattr(user, "__code__", None)
    if code is None:
        return getattr(fn, "__name__", "?")
    return "%s (%s:%d)" % (getattr(user, "__qualname__", code.co_name), code.co_filename,
                           code.co_firstlineno)


def _is_numba_error(err):
    from numba.core.errors import NumbaError
    return isinstance(err, NumbaError)


def _runtime_reason(err):
    """Why a kind key left Numba after its compiled code raised ``err`` where
    the NumPy backend ran the same call to the end."""
    text = " ".join(str(err).split())[:300]
    return ("Numba's code raised %s%s on a call the NumPy backend runs"
            % (type(err).__name__, ": " + text if text else ""))


def _first_line(err):
    import re
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))    # Numba colours its messages
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    keep = [ln for ln in lines if not ln.startswith(("Failed in nopython mode", "During:",
                                                     "- Resolution failure"))]
    for clue in ("Cannot unify", "TypingError:", "Unknown attribute", "Untyped global name",
                 "NameError", "No implementation of function"):
        hit = next((ln for ln in keep if clue in ln), None)
        if hit is not None:
            keep = [hit]
            break
    return "Numba cannot compile it: " + (keep[0] if keep else type(err).__name__)[:300]


def _jit(layout):
    """The Numba dispatcher of ``layout`` (compiled lazily, at the first call)."""
    import numba
    namespace = dict(layout.modules)
    namespace.update(_helpers())
    code = compile(layout.source, "<srcgrad numba %s>" % layout.name, "exec")
    exec(code, namespace)
    # boundscheck: an index out of range raises (then the NumPy backend reruns the call
    # and raises its own IndexError) instead of reading past the array
    return numba.njit(cache=False, nogil=True, boundscheck=True)(namespace[layout.name])


def _helpers():
    """The Numba versions of the runtime helpers of numba_layout.HELPERS, by
    their name in the layout (``_nb_seed`` ...): made once (imports numba)."""
    global _HELPERS
    if _HELPERS is not None:
        return _HELPERS
    with _LOCK:
        if _HELPERS is None:
            from .numba_helpers import make_helpers
            _HELPERS = make_helpers()
    return _HELPERS
