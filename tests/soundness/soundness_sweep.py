"""The soundness sweep: every public callable of NumPy, ``numpy.linalg``, ``numpy.fft``,
the ndarray methods and attributes, ``math`` and the builtins (plus the methods of the
common binary ufuncs -- ``np.add.at``, ``.reduce``, ``.accumulate``, ``.outer`` -- and
``np.r_``/``np.c_``), called on a value that depends on the differentiated argument, in
each engine.

For one *callable* and one argument *pattern* (:data:`PATTERNS`: a float vector, a
matrix, a scalar; the active value alone, first or second, with a constant partner) the
sweep writes a probe function into a real module file (the compiler reads source)::

    def probe(x):
        a0 = x * 1.0            # the active operand: a fresh array (mutations stay here)
        a1 = C_VEC.copy()       # the constant partner, fresh too
        o = np.NAME(a0, a1)     # (or a0.NAME(a1), or a0.NAME for an attribute)
        return np.sum(o[0] * W0) + ... + np.sum(a0 * WA0) + np.sum(a1 * WA1)

The return value is a fixed random projection of every float (and integer, boolean or
complex: ``Re(o * w)``) leaf of the output -- tuples, named tuples and lists included --
*and* of the arrays passed in, so an in-place function (``a0.sort()``,
``np.copyto(a1, a0)``) is checked through its effect. The structure is read from NumPy's
own output first.

Each (callable, pattern, engine) is classified (:func:`classify`):

``right``  the gradient (and value) match central finite differences;
``loud``   the engine raised an error; ``loud-unlocated`` counts the loud ones whose
           message names neither srcgrad's error class nor the probe's file;
``crash``  an internal error: KeyError, AttributeError, IndexError, RecursionError, ...
           (NumPy ran the same call fine, so the engine is at fault), a TypeError about a
           call's arguments raised inside srcgrad, or a probe running over
           :data:`TIMEOUT` seconds;
``wrong``  a number that disagrees with finite differences (a zero gradient where the
           differences are not zero included), after a re-check with a smaller step;
``skip``   NumPy itself fails on the inputs, the output is not numbers, or the finite
           differences are not stable (a kink, a discontinuity).

Engines: ``compile`` (``srcgrad.value_and_grad(f, mode="compile")``), ``tape`` and
``auto``.
"""

import atexit
import builtins
import collections
import hashlib
import importlib.util
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
import warnings
import zlib

import numpy as np

import srcgrad
from srcgrad.errors import SrcgradError, SrcgradSyntaxError
from srcgrad.rules import NoRuleError
from srcgrad.tape.engine import TapeConversionError
from srcgrad.testing import numeric_grad

__all__ = ["Probe", "callables", "PATTERNS", "ENGINES", "run_callable", "classify",
           "DEFAULT_SUBSET", "counts", "TIMEOUT", "per_callable", "format_table",
           "RESULTS"]

ENGINES = ("compile", "tape", "auto")
TIMEOUT = 20.0          # seconds per (callable, pattern, engine)

# ------------------------------------------------------------------ inputs

# away from 0, 1, integers and each other: no kinks of abs/floor/max/sort nearby
X_VEC = np.array([0.31, 0.57, 0.74])
X_ZERO = np.array([0.31, 0.0, 0.74])     # a zero element: products, cumprod (issue 9)
C_VEC = np.array([0.62, 0.23, 0.48])
# non-symmetric, real distinct eigenvalues, well conditioned
X_MAT = np.array([[1.4, 0.3, 0.2], [0.25, 0.9, 0.35], [0.15, 0.3, 0.5]])
C_MAT = np.array([[0.7, -0.2, 0.1], [0.3, 1.1, -0.25], [-0.1, 0.4, 0.8]])
# symmetric positive definite: for the functions that read one triangle (SYMMETRIC)
X_SPD = np.array([[1.5, 0.3, 0.2], [0.3, 1.1, 0.35], [0.2, 0.35, 0.7]])
X_SCALAR = 0.37
C_SCALAR = 0.83

# Functions that read one triangle of a (symmetric) matrix: the sweep passes them
# X_SPD and compares the symmetric parts of the gradients (either convention -- the
# lower-triangle partials or their symmetrisation -- is right for a symmetric input).
SYMMETRIC = {"numpy.linalg.eigh", "numpy.linalg.eigvalsh", "numpy.linalg.cholesky"}

# pattern name -> (kind of the active value, argument list: "a" the active value,
#                  a constant name, or an int literal)
PATTERNS = collections.OrderedDict([
    ("v", ("vec", ["a"])),
    ("z", ("zero", ["a"])),
    ("v,c", ("vec", ["a", "C_VEC"])),
    ("c,v", ("vec", ["C_VEC", "a"])),
    ("v,1", ("vec", ["a", 1])),
    ("m", ("mat", ["a"])),
    ("m,c", ("mat", ["a", "C_MAT"])),
    ("c,m", ("mat", ["C_MAT", "a"])),
    ("m,1", ("mat", ["a", 1])),
    ("m,cv", ("mat", ["a", "C_VEC"])),
    ("cm,v", ("vec", ["C_MAT", "a"])),
    ("s", ("scalar", ["a"])),
    ("s,c", ("scalar", ["a", "C_SCALAR"])),
    ("c,s", ("scalar", ["C_SCALAR", "a"])),
    # three arguments: indices / a mask and values (np.put, np.putmask, np.place,
    # np.where, np.clip, np.copyto(..., where=) ...)
    ("v,i,c", ("vec", ["a", "IDX", "C_VEC"])),
    ("c,i,v", ("vec", ["C_VEC", "IDX", "a"])),
    ("v,k,c", ("vec", ["a", "MASK", "C_VEC"])),
    ("c,k,v", ("vec", ["C_VEC", "MASK", "a"])),
    ("k,v,c", ("vec", ["MASK", "a", "C_VEC"])),
    # keywords: out= (into a constant, and the active value as out), axis=, where=
    ("v,out=c", ("vec", ["a", "out=C_VEC"])),
    ("c,out=v", ("vec", ["C_VEC", "out=a"])),
    ("m,axis=1", ("mat", ["a", "axis=1"])),
    ("v,where=k", ("vec", ["a", "where=MASK"])),
])

IDX = np.array([2, 0, 2])      # a repeated index: the last write wins, np.add.at adds
MASK = np.array([True, False, True])
CONSTANTS = {"C_VEC": C_VEC, "C_MAT": C_MAT, "C_SCALAR": C_SCALAR, "IDX": IDX,
             "MASK": MASK}


def _resolve(probe):
    """The object a probe calls (None for ndarray members and builtins)."""
    if probe.method or not probe.qualname.startswith("numpy."):
        return None
    obj = np
    for part in probe.qualname.split(".")[1:]:
        obj = getattr(obj, part, None)
    return obj


def _value_of(item):
    """A pattern's argument without its keyword: ``"out=C_VEC"`` -> ``"C_VEC"``,
    ``"axis=1"`` -> ``1``."""
    if isinstance(item, str) and "=" in item:
        value = item.split("=", 1)[1]
        return int(value) if value.isdigit() else value
    return item


def _keyword(item):
    return item.split("=", 1)[0] + "=" if isinstance(item, str) and "=" in item else ""


def _active(kind, qualname):
    if kind == "vec":
        return X_VEC.copy()
    if kind == "zero":
        return X_ZERO.copy()
    if kind == "mat":
        return (X_SPD if qualname in SYMMETRIC else X_MAT).copy()
    return X_SCALAR


# ------------------------------------------------------------------ what is swept

# Not called at all: input/output, process state, printing, nondeterministic values.
DENY = {
    "numpy": {"save", "savez", "savez_compressed", "savetxt", "load", "loadtxt",
              "genfromtxt", "fromfile", "fromregex", "memmap", "set_printoptions",
              "printoptions", "get_printoptions", "seterr", "seterrcall", "setbufsize",
              "set_string_function", "info", "show_config", "show_runtime", "test",
              "lookfor", "source", "who", "get_include", "add_docstring", "add_newdoc",
              "add_newdoc_ufunc", "deprecate", "disp", "empty", "empty_like", "DataSource",
              "errstate", "nested_iters", "frompyfunc", "vectorize", "recfromcsv",
              "recfromtxt", "getbufsize", "geterr", "geterrcall"},
    "numpy.linalg": {"test"},
    "numpy.fft": {"test"},
    "ndarray": {"tofile", "dump", "dumps", "setflags", "resize", "byteswap", "view",
                "newbyteorder", "ctypes", "data", "base", "__array_namespace__"},
    "builtins": {"input", "open", "exec", "eval", "compile", "print", "breakpoint", "exit",
                 "quit", "help", "copyright", "credits", "license", "globals", "locals",
                 "vars", "setattr", "delattr", "memoryview", "super", "id", "hash", "aiter",
                 "anext", "object", "type", "classmethod", "staticmethod", "property",
                 "dir", "callable", "isinstance", "issubclass", "getattr", "hasattr", "repr",
                 "ascii", "format", "str", "bytes", "bytearray", "hex", "oct", "bin", "chr",
                 "ord", "iter", "next", "reversed", "map", "filter", "zip", "enumerate",
                 "range", "slice", "set", "frozenset"},
    "math": set(),
}


UFUNC_METHODS_OF = ("add", "subtract", "multiply", "divide", "maximum", "minimum",
                    "power", "hypot", "logaddexp")


class Probe:
    """One callable of the sweep: ``qualname`` (``numpy.sin``, ``ndarray.sort``,
    ``math.exp``, ``builtins.abs``), how the probe source spells a call (``call``: a
    format with ``{args}``; for ndarray members the first argument is the receiver) and
    whether it is an attribute (no call)."""

    def __init__(self, qualname, spelling, method=False, attribute=False, template=None):
        self.qualname = qualname
        self.spelling = spelling
        self.method = method
        self.attribute = attribute
        self.template = template      # e.g. "np.r_[%s]": the arguments joined by ", "

    def __repr__(self):
        return "<Probe %s>" % self.qualname


def _public(mod):
    return sorted(n for n in dir(mod) if not n.startswith("_"))


def callables():
    """Every :class:`Probe` of the sweep, in a fixed order."""
    out = []
    for modname, mod, prefix in (("numpy", np, "np."), ("numpy.linalg", np.linalg,
                                                       "np.linalg."),
                                 ("numpy.fft", np.fft, "np.fft.")):
        for name in _public(mod):
            obj = getattr(mod, name)
            if name in DENY[modname] or not callable(obj):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            out.append(Probe("%s.%s" % (modname, name), prefix + name))
    # the methods of the binary ufuncs people use (reduce, accumulate, outer, at...)
    for uname in UFUNC_METHODS_OF:
        for meth in ("reduce", "accumulate", "outer", "at", "reduceat"):
            out.append(Probe("numpy.%s.%s" % (uname, meth), "np.%s.%s" % (uname, meth)))
    # index tricks: subscripted objects, not callables
    for name in ("r_", "c_"):
        out.append(Probe("numpy." + name, None, template="np.%s[%%s]" % name))
    for name in _public(np.ndarray):
        if name in DENY["ndarray"]:
            continue
        attr = getattr(np.ndarray, name)
        is_attr = not callable(attr)
        out.append(Probe("ndarray." + name, name, method=True, attribute=is_attr))
    for name in _public(math):
        if callable(getattr(math, name)):
            out.append(Probe("math." + name, "math." + name))
    for name in _public(builtins):
        obj = getattr(builtins, name)
        if name in DENY["builtins"] or not callable(obj):
            continue
        if isinstance(obj, type) and issubclass(obj, BaseException):
            continue
        out.append(Probe("builtins." + name, name))
    return out


# A fixed subset for the default run (fast): the callables of the known wrong gradients
# of issue 9 and the ones people use most. The slow tier sweeps :func:`callables`.
DEFAULT_SUBSET = [
    "numpy.sin", "numpy.exp", "numpy.log", "numpy.sqrt", "numpy.tanh", "numpy.abs",
    "numpy.add", "numpy.multiply", "numpy.divide", "numpy.power", "numpy.maximum",
    "numpy.arctan2", "numpy.sum", "numpy.mean", "numpy.prod", "numpy.cumsum",
    "numpy.cumprod", "numpy.max", "numpy.var", "numpy.dot", "numpy.matmul", "numpy.outer",
    "numpy.where", "numpy.clip", "numpy.sort", "numpy.linspace", "numpy.full_like",
    "numpy.copyto", "numpy.put", "numpy.fill_diagonal", "numpy.putmask", "numpy.place",
    "numpy.divmod", "numpy.modf", "numpy.einsum", "numpy.concatenate", "numpy.stack",
    "numpy.reshape", "numpy.transpose", "numpy.diag", "numpy.trace", "numpy.roll",
    "numpy.linalg.det", "numpy.linalg.inv", "numpy.linalg.solve", "numpy.linalg.slogdet",
    "numpy.linalg.eigh", "numpy.linalg.svd", "numpy.linalg.qr", "numpy.linalg.norm",
    "numpy.fft.fft",
    "ndarray.sort", "ndarray.fill", "ndarray.sum", "ndarray.clip", "ndarray.T",
    "ndarray.strides", "ndarray.reshape", "ndarray.dot",
    "math.sin", "math.exp", "math.sqrt", "math.hypot",
    "builtins.abs", "builtins.sum", "builtins.max", "builtins.pow", "builtins.divmod",
    "builtins.float", "builtins.sorted", "builtins.list",
    "numpy.add.at", "numpy.r_",
]


# ------------------------------------------------------------------ probe sources

def _leaves(value, path, out, depth=0):
    """The numeric leaves of ``value`` as (access expression, value), or ``None`` if
    something in it is not numbers."""
    if depth > 3 or len(out) > 24:
        return None
    if isinstance(value, (bool, int, float, complex, np.generic, np.ndarray)) and \
            not isinstance(value, (str, bytes)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc" or arr.size > 400:
            return None
        out.append((path, arr))
        return out
    if isinstance(value, (tuple, list)) and 0 < len(value) <= 12:
        for k, item in enumerate(value):
            if _leaves(item, "%s[%d]" % (path, k), out, depth + 1) is None:
                return None
        return out
    return None


def _weights(rng, shape, complex_=False):
    w = rng.uniform(-1.0, 1.0, size=shape)
    if complex_:
        w = w + 1j * rng.uniform(-1.0, 1.0, size=shape)
    return w


def _call_text(probe, args):
    if probe.template is not None:
        return probe.template % ", ".join(args)
    if probe.method:
        recv, rest = args[0], args[1:]
        if probe.attribute:
            return None if rest else "%s.%s" % (recv, probe.spelling)
        return "%s.%s(%s)" % (recv, probe.spelling, ", ".join(rest))
    return "%s(%s)" % (probe.spelling, ", ".join(args))


def _numpy_eval(probe, kind, spec):
    """Run the call itself on plain values: ``(output, the argument values after the
    call, the argument values before)`` or raise whatever NumPy raises."""
    values = []
    for a in map(_value_of, spec):
        if a == "a":
            v = _active(kind, probe.qualname)
        elif isinstance(a, int):
            v = a
        else:
            v = CONSTANTS[a]
            v = v.copy() if isinstance(v, np.ndarray) else v
        values.append(v)
    before = [v.copy() if isinstance(v, np.ndarray) else v for v in values]
    ns = {"np": np, "math": math}
    names = []
    for k, v in enumerate(values):
        ns["a%d" % k] = v
        names.append(_keyword(spec[k]) + "a%d" % k)
    text = _call_text(probe, names)
    if text is None:
        raise TypeError("an attribute takes no arguments")
    with np.errstate(all="ignore"):
        out = eval(text, ns)
    return out, values, before


def make_source(probe, pattern):
    """``(source, active value)`` of the probe module for ``probe`` and ``pattern``, or
    ``(None, reason)`` when NumPy fails or the output is not numbers."""
    kind, spec = PATTERNS[pattern]
    if probe.method and (spec[0] != "a" and not (isinstance(spec[0], str) and
                                                 spec[0].startswith("C_"))):
        return None, "skip: receiver"
    if probe.method and isinstance(spec[0], str) and spec[0] in ("C_SCALAR", "IDX", "MASK"):
        return None, "skip: receiver"
    if any(str(item).startswith("where=") for item in spec) and \
            isinstance(_resolve(probe), np.ufunc):
        # a ufunc's where= without out= leaves the other elements uninitialised
        return None, "skip: ufunc where= without out="
    try:
        out, after, before = _numpy_eval(probe, kind, spec)
    except Exception as e:      # NumPy (or Python) itself refuses these inputs
        return None, "skip: numpy raises %s" % type(e).__name__
    leaves = _leaves(out, "o", [])
    if leaves is None:
        leaves = []
        reducible_out = False
    else:
        reducible_out = True
    mutated = [k for k, (a, b) in enumerate(zip(after, before))
               if isinstance(a, np.ndarray) and not np.array_equal(a, b)]
    if not leaves and not mutated:
        return None, "skip: output %s" % type(out).__name__
    if not reducible_out and type(out).__name__ not in ("NoneType",):
        return None, "skip: output %s" % type(out).__name__
    for _, arr in leaves:
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            return None, "skip: output not finite"
        if arr.dtype.kind in "fc" and np.max(np.abs(arr), initial=0.0) > 1e8:
            return None, "skip: output huge"
    # the projection: fixed random weights, the same for a callable and pattern whatever
    # else is swept
    rng = np.random.RandomState(zlib.crc32(("%s|%s" % (probe.qualname, pattern)).encode()))
    lines = ["import math", "import numpy as np", ""]
    consts = {}
    for name, value in CONSTANTS.items():
        if name in [_value_of(item) for item in spec]:
            consts[name] = value
    terms = []
    for k, (path, arr) in enumerate(leaves):
        if arr.dtype.kind == "c":
            consts["W%d" % k] = _weights(rng, arr.shape, True)
            terms.append("np.sum(np.real(%s * W%d))" % (path, k))
        elif arr.ndim == 0:
            consts["W%d" % k] = float(_weights(rng, ()))
            terms.append("%s * W%d" % (path, k))
        else:
            consts["W%d" % k] = _weights(rng, arr.shape)
            terms.append("np.sum(%s * W%d)" % (path, k))
    body = []
    names = []
    for k, a in enumerate(map(_value_of, spec)):
        if a == "a":
            body.append("a%d = x * 1.0" % k)
        elif isinstance(a, int):
            body.append("a%d = %d" % (k, a))
        elif a == "C_SCALAR":
            body.append("a%d = %s" % (k, a))
        else:
            body.append("a%d = %s.copy()" % (k, a))
        names.append(_keyword(spec[k]) + "a%d" % k)
        if isinstance(after[k], np.ndarray):
            consts["WA%d" % k] = _weights(rng, after[k].shape)
            terms.append("np.sum(a%d * WA%d)" % (k, k))
    body.append("o = " + _call_text(probe, names))
    body.append("return " + " + ".join(terms))
    for name in sorted(consts):
        lines.append("%s = np.array(%r)" % (name, consts[name].tolist())
                     if isinstance(consts[name], np.ndarray) else
                     "%s = %r" % (name, consts[name]))
    lines += ["", "", "def probe(x):"] + ["    " + b for b in body] + [""]
    return "\n".join(lines), _active(kind, probe.qualname)


# ------------------------------------------------------------------ loading

_DIR = None


def load(source):
    """Import ``source`` from a real file (the compiler reads it); the same text gives
    the same module."""
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="sgsweep_")
        atexit.register(shutil.rmtree, _DIR, True)    # no files left behind
    name = "_sgsweep_" + hashlib.sha1(source.encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(_DIR, name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------ classification

CRASH_TYPES = (KeyError, AttributeError, IndexError, RecursionError, ZeroDivisionError,
               UnboundLocalError, NameError, AssertionError, SystemError, StopIteration,
               LookupError)
_SRCGRAD_DIR = os.path.dirname(os.path.abspath(srcgrad.__file__))
_INTERNAL_TYPEERRORS = ("positional argument", "unexpected keyword argument",
                        "missing 1 required", "missing 2 required", "not iterable",
                        "cannot unpack", "is not subscriptable", "NoneType")


class _Timeout(Exception):
    pass


def _in_srcgrad(tb):
    """Whether the innermost frame of ``tb`` is srcgrad's code (its package or the
    code it generated)."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return False
    fn = frames[-1].filename
    return fn.startswith(_SRCGRAD_DIR) or os.sep + "srcgrad-" in fn


def _error_kind(exc):
    """``crash`` for an internal error (NumPy ran the same call fine), else ``loud``."""
    if isinstance(exc, (_Timeout,) + CRASH_TYPES):
        return "crash"
    if isinstance(exc, TypeError) and _in_srcgrad(exc.__traceback__) and \
            any(s in str(exc) for s in _INTERNAL_TYPEERRORS):
        return "crash"      # a call inside srcgrad with the wrong arguments
    return "loud"


def _located(exc, path):
    """Whether a refusal is one of srcgrad's own errors or names the user's file."""
    return isinstance(exc, (SrcgradSyntaxError, NoRuleError, SrcgradError,
                            TapeConversionError)) or os.path.basename(path) in str(exc)


def _run_engine(f, x, engine):
    def on_alarm(signum, frame):
        raise _Timeout("over %.0f s" % TIMEOUT)
    use_alarm = hasattr(signal, "setitimer") and \
        threading.current_thread() is threading.main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        with np.errstate(all="ignore"):
            return srcgrad.value_and_grad(f, mode=engine)(_copy(x))
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _copy(x):
    return x.copy() if isinstance(x, np.ndarray) else x


def _fd(f, x, eps):
    with np.errstate(all="ignore"):
        return numeric_grad(lambda v: f(_copy(v)), (_copy(x),), 0, eps=eps)


def _close(g, fd, sym):
    g = np.asarray(g, dtype=float)
    fd = np.asarray(fd, dtype=float)
    if g.shape != fd.shape:
        return False
    if sym:
        g, fd = (g + g.T) / 2, (fd + fd.T) / 2
    scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
    return bool(np.all(np.isfinite(g))) and np.allclose(g, fd, rtol=1e-4, atol=1e-5 * scale)


def _brief(a):
    return np.array2string(np.asarray(a, dtype=float).ravel()[:4], precision=3,
                           suppress_small=True)


def classify(probe, pattern, engines=ENGINES):
    """See :func:`_classify` (NumPy's warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _classify(probe, pattern, engines)


def _classify(probe, pattern, engines):
    """``{engine: (kind, detail)}`` for one callable and pattern, ``kind`` one of
    ``right``, ``loud``, ``crash``, ``wrong``, ``skip``; ``detail`` says what happened
    (the error's first line; observed vs finite differences)."""
    source, x = make_source(probe, pattern)
    if source is None:
        return {e: ("skip", x) for e in engines}
    mod = load(source)
    f = mod.probe
    path = mod.__file__
    try:
        with np.errstate(all="ignore"):
            want = float(f(_copy(x)))
    except Exception as e:      # the reduction of NumPy's output is not numbers
        return {e_: ("skip", "probe raises %s" % type(e).__name__) for e_ in engines}
    if not np.isfinite(want):
        return {e: ("skip", "value not finite") for e in engines}
    try:
        fd = _fd(f, x, 1e-6)
    except Exception as e:      # the output's structure changes under a step
        return {e_: ("skip", "finite differences raise %s" % type(e).__name__)
                for e_ in engines}
    if not np.all(np.isfinite(fd)):
        return {e: ("skip", "finite differences not finite") for e in engines}
    sym = probe.qualname in SYMMETRIC and pattern.startswith("m")
    fd_small = None
    out = {}
    for engine in engines:
        try:
            value, g = _run_engine(f, x, engine)
        except BaseException as e:   # classified: a refusal or a crash
            if isinstance(e, KeyboardInterrupt):
                raise
            kind = _error_kind(e)
            first = (str(e).strip().splitlines() or [""])[0][:160]
            if kind == "loud" and not _located(e, path):
                kind_detail = "loud-unlocated"
            else:
                kind_detail = kind
            out[engine] = (kind, "%s%s: %s" % ("" if kind_detail == kind else
                                                "(unlocated) ", type(e).__name__, first))
            continue
        try:
            value = float(value)
        except Exception:
            out[engine] = ("wrong", "value %r is not a number" % (value,))
            continue
        # (rtol 1e-6: the tape follows PyTorch's promotion, bool * float is float32)
        if not np.isclose(value, want, rtol=1e-6, atol=1e-9):
            out[engine] = ("wrong", "value %r, NumPy %r" % (value, want))
            continue
        if _close(g, fd, sym):
            out[engine] = ("right", "")
            continue
        if fd_small is None:
            try:
                fd_small = _fd(f, x, 1e-7)
                fd_large = _fd(f, x, 1e-5)
                stable = _close(fd_small, fd, sym) and _close(fd_large, fd, sym)
            except Exception:
                fd_small, stable = fd, False
        if not stable:
            out[engine] = ("skip", "finite differences unstable (a kink)")
            continue
        if _close(g, fd_small, sym):
            out[engine] = ("right", "")
            continue
        zero = np.all(np.asarray(g, dtype=float) == 0) if np.size(g) else True
        out[engine] = ("wrong", "%sgradient %s, finite differences %s" % (
            "zero " if zero else "", _brief(g) if not zero else "", _brief(fd)))
    return out


def run_callable(probe, patterns=None, engines=ENGINES):
    """``{(pattern, engine): (kind, detail)}`` over the patterns of one callable."""
    res = {}
    for pattern in (patterns or PATTERNS):
        for engine, r in classify(probe, pattern, engines).items():
            res[(pattern, engine)] = r
    return res


KINDS = ("right", "loud", "crash", "wrong", "skip")


def counts(results):
    """``{engine: {kind: n, "tried": n, "loud-unlocated": n}}`` from
    ``{qualname: run_callable(...)}``; ``tried`` counts what was not skipped."""
    table = {e: dict.fromkeys(KINDS + ("tried", "loud-unlocated"), 0) for e in ENGINES}
    for res in results.values():
        for (pattern, engine), (kind, detail) in res.items():
            t = table[engine]
            t[kind] += 1
            if kind != "skip":
                t["tried"] += 1
            if kind == "loud" and detail.startswith("(unlocated)"):
                t["loud-unlocated"] += 1
    return table


RESULTS = {}     # qualname -> run_callable(...): what a pytest run swept (conftest.py)


def format_table(table, cols=("tried", "right", "loud", "loud-unlocated", "crash",
                              "wrong", "skip")):
    lines = ["%-8s " % "engine" + " ".join("%14s" % c for c in cols)]
    for engine in ENGINES:
        lines.append("%-8s " % engine + " ".join("%14d" % table[engine][c] for c in cols))
    return "\n".join(lines)


_WORST = ("wrong", "crash", "loud", "right")


def per_callable(results):
    """``{engine: {kind: n, "tried": n}}`` with one outcome per callable: tried when
    some pattern was not skipped, then its worst outcome over the patterns (wrong,
    crash, loud, right)."""
    table = {e: dict.fromkeys(KINDS + ("tried",), 0) for e in ENGINES}
    for res in results.values():
        for engine in ENGINES:
            tried = [k for (p, e), (k, _) in res.items() if e == engine and k != "skip"]
            if not tried and any(e == engine for (p, e) in res):
                table[engine]["skip"] += 1
            elif tried:
                table[engine]["tried"] += 1
                table[engine][next(k for k in _WORST if k in tried)] += 1
    return table
