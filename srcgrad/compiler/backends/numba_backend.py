"""The optional Numba backend: ``grad(f, backend="numba")`` runs the fused
gradient function (compiler/lower/fused.py) jit-compiled by Numba in
nopython mode, where every construct of it is supported.

Guarantees:

- the statements are the NumPy backend's, laid out for Numba by
  numba_layout.py (one saved-value stack per name, the runtime helpers'
  Numba versions below); a construct the layout does not know is refused
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
  their line);
- ``numba`` is imported only when a function asks for this backend.

Known differences from the NumPy backend (documented in docs/backends.md):
integer arithmetic is 64-bit, and ``math`` functions outside their domain
return ``nan`` instead of raising ``ValueError``.
"""

import logging
import threading

import numpy as np

from .numba_layout import HELPERS, NotNumbaable, numba_layout

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
        name = getattr(self.numpy_fn, "__name__", "?")
        self.reason = reason
        self.dispatcher = None
        log.info("srcgrad: %s runs on the NumPy backend, not Numba: %s", name, reason)

    def __call__(self, *args):
        dispatcher = self.dispatcher
        if dispatcher is None or not _plain(args):
            return self.numpy_fn(*args)
        try:
            out = dispatcher(*args)
        except Exception as err:
            if _is_numba_error(err):   # Numba could not type (or lower) the function
                self._give_up(_first_line(err))
            # otherwise an error at run time: the NumPy backend gives its own result or error
            return self.numpy_fn(*args)
        self.ran = True
        return out


def _source_of(fn):
    compiled = getattr(fn, "__srcgrad_compiled__", None)
    for kind in ("grad", "value_and_grad"):
        built = compiled.__dict__.get("_fused_" + kind) if compiled is not None else None
        if built is not None and built.fn is fn:
            return built.source
    raise NotNumbaable("the fused function's source is not known")


def _is_numba_error(err):
    from numba.core.errors import NumbaError
    return isinstance(err, NumbaError)


def _first_line(err):
    import re
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))    # Numba colours its messages
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    keep = [ln for ln in lines if not ln.startswith(("Failed in nopython mode", "During:"))]
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
            _HELPERS = _make_helpers()
    return _HELPERS


def _make_helpers():
    import numba
    from numba import types
    from numba.extending import overload

    @numba.njit(cache=False, boundscheck=True)
    def _summed_down(g, shape, extra, ndim):
        """``g`` summed over its ``extra`` leading axes and over the axes where
        ``shape`` has length 1 (what NumPy broadcasting added): a new array
        of ``shape``; the other axes must match (else ValueError, as NumPy)."""
        for a in range(ndim):
            if shape[a] != 1 and g.shape[extra + a] != shape[a]:
                raise ValueError("operands could not be broadcast together")
        out = np.zeros(shape, np.float64)
        flat = out.reshape(-1)
        for index in np.ndindex(g.shape):
            j = 0
            for a in range(ndim):
                n = shape[a]
                j = j * n + (0 if n == 1 else index[extra + a])
            flat[j] += g[index]
        return out

    def seed(out):
        """srcgrad.runtime.seed: 1.0 for a real scalar output."""

    def reduced_seed(reduce, x):
        """srcgrad.runtime.reduced_seed: 1.0 for a float64 array."""

    def seed_if_float64(*values):
        """srcgrad.runtime.seed_if_float64, where all values are float64."""

    def conj(x):
        """srcgrad.runtime.conj of a real value: itself."""

    def zeros_like(x):
        """srcgrad.runtime.zeros_like of a number or real array."""

    def real_scalar(t):
        return isinstance(t, types.Integer) or isinstance(t, types.Float) and \
            t.bitwidth == 64 or isinstance(t, types.Boolean)

    def real_array(t):
        return isinstance(t, types.Array) and t.dtype in (types.float64, types.int64,
                                                           types.boolean)

    @overload(seed)
    def _seed(out):
        if real_scalar(out):
            return lambda out: 1.0

    @overload(reduced_seed)
    def _reduced_seed(reduce, x):
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return lambda reduce, x: 1.0

    @overload(seed_if_float64)
    def _seed_if_float64(*values):
        items = values[0] if len(values) == 1 and isinstance(values[0], types.BaseTuple) \
            else values
        if all(isinstance(v, types.Array) and v.dtype == types.float64 or
               isinstance(v, types.Integer) or v == types.float64 for v in items):
            return lambda *values: 1.0

    @overload(conj)
    def _conj(x):
        if real_scalar(x) or real_array(x):
            return lambda x: x

    @overload(zeros_like)
    def _zeros_like(x):
        if real_scalar(x) or isinstance(x, types.NoneType):
            return lambda x: 0.0
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return lambda x: np.zeros(x.shape, np.float64)
        if real_array(x):
            return lambda x: np.zeros(x.shape, np.float64)

    def owned(g):
        """srcgrad.runtime.owned: a private float copy of an array cotangent."""

    def add_at(g, index, value):
        """srcgrad.runtime.add_at: ``g[index] += value`` for basic indices."""

    @overload(owned)
    def _owned(g):
        if real_scalar(g):
            return lambda g: g
        if real_array(g):
            if g.dtype == types.float64:
                return lambda g: np.copy(g)
            return lambda g: g.astype(np.float64)   # a copy, float64

    def basic_index(t):
        return isinstance(t, (types.Integer, types.SliceType)) or \
            isinstance(t, types.BaseTuple) and all(basic_index(i) for i in t)

    @overload(add_at)
    def _add_at(g, index, value):
        # integer and slice indices only: an index array with repeats needs np.add.at
        if isinstance(g, types.Array) and g.dtype == types.float64 and g.ndim >= 1 and \
                basic_index(index) and (real_scalar(value) or real_array(value)):
            def impl(g, index, value):
                g[index] += value
                return g
            return impl

    def unbroadcast(g, x):
        """srcgrad.runtime.unbroadcast: ``g`` summed down to the shape of ``x``."""

    def expand_reduced(g, shape, axis=None, keepdims=False):
        """srcgrad.runtime.expand_reduced of a full reduction (``axis=None``)."""

    @overload(unbroadcast)
    def _unbroadcast(g, x):
        if real_scalar(g) and real_scalar(x):
            return lambda g, x: g
        if isinstance(g, types.Array) and g.dtype == types.float64 and real_scalar(x):
            return lambda g, x: np.sum(g)
        if not (isinstance(g, types.Array) and g.dtype == types.float64 and real_array(x)
                and g.ndim >= x.ndim >= 1):
            return None
        extra, ndim = g.ndim - x.ndim, x.ndim
        if extra > 0:
            return lambda g, x: _summed_down(g, x.shape, extra, ndim)
        if g.layout == "C":
            def impl(g, x):     # g itself when no axis is summed
                if g.shape == x.shape:
                    return g
                return _summed_down(g, x.shape, extra, ndim)
            return impl

        def impl_any_layout(g, x):
            if g.shape == x.shape:
                return np.ascontiguousarray(g)
            return _summed_down(g, x.shape, extra, ndim)
        return impl_any_layout

    @overload(expand_reduced)
    def _expand_reduced(g, shape, axis=None, keepdims=False):
        full = axis is None or isinstance(axis, (types.NoneType, types.Omitted))
        if not (full and real_scalar(g) and isinstance(shape, types.BaseTuple)):
            return None
        if len(shape) == 0:
            return lambda g, shape, axis=None, keepdims=False: g
        return lambda g, shape, axis=None, keepdims=False: np.full(shape, g)

    @numba.njit(cache=False, boundscheck=True)
    def sum_axes(g, axes, shape):
        """``g.sum(axis=axes, keepdims=True).reshape(shape)``, as NumPy
        computes it (a size mismatch raises ValueError)."""
        kept = np.empty(g.ndim, np.int64)
        for i in range(g.ndim):
            kept[i] = g.shape[i]
        for a in axes:
            kept[a] = 1
        size = 1
        for i in range(g.ndim):
            size *= kept[i]
        total = 1
        for n in shape:
            total *= n
        if size != total:
            raise ValueError("cannot reshape the sum to that shape")
        flat = np.zeros(size, np.float64)
        for index in np.ndindex(g.shape):
            j = 0
            for i in range(g.ndim):
                j = j * kept[i] + (0 if kept[i] == 1 else index[i])
            flat[j] += g[index]
        return flat.reshape(shape)

    made = {"unbroadcast": unbroadcast, "expand_reduced": expand_reduced,
            "owned": owned, "add_at": add_at, "seed": seed, "reduced_seed": reduced_seed, "seed_if_float64": seed_if_float64,
            "conj": conj, "zeros_like": zeros_like}
    assert set(made) == set(HELPERS)
    made["sum_axes"] = sum_axes     # numba_layout's rewrite of g.sum(axis=..., keepdims=True)
    return {"_nb_" + k: v for k, v in made.items()}
