"""The tape as an engine for ``grad``: :func:`tape_vjp` runs plain NumPy user
code on Tensors and hands back NumPy values and a pullback.

Guarantees:

* the differentiated arguments (positions ``wrt``) may be Python floats,
  NumPy scalars, float arrays, or trees of them (dict, list, tuple,
  namedtuple, nested); their leaves become leaf Tensors that require grad,
  with their own dtype (float64 stays float64; Python numbers and integer
  arrays become float64 -- never the tape's float32 default);
* ``fun`` runs under ``enable_grad`` (``grad`` is a function transform, like
  ``torch.func.grad``: a ``no_grad`` around the call is ignored), while
  ``no_grad`` blocks inside ``fun`` still produce constants;
* the value comes back as NumPy would give it: ndarrays, NumPy scalars for
  0-d results (``np.float64`` is a ``float``), and the same containers;
* ``pullback(g)`` (``g`` shaped like the value -- a scalar broadcasts, any
  other shape is refused; a tuple for a tuple value)
  returns one cotangent per ``wrt`` position, of the argument's kind and
  structure (Python float for a float, ndarray of the same shape and float
  dtype, same tree), zeros where no gradient flowed; it may be called any
  number of times (the graph is retained) and never touches ``.grad``;
* never a silent wrong gradient: while ``fun`` runs, turning a Tensor that
  requires grad into a Python number or an ndarray under grad mode
  (``float(t)``, ``int(t)``, ``t.item()``, ``np.asarray(t)``, ``np.array(t)``,
  ``math.sin(t)``, ``a[i] = t`` into an ndarray) raises
  :class:`TapeConversionError` (a ``TypeError``) naming the user's file and
  line and saying what to do.  Outside :func:`tape_vjp` the Tensor keeps
  PyTorch's behaviour.
"""

import contextlib
import linecache
import numbers
import os
import re
import sys
import sysconfig

import numpy as np

from .. import modes, runtime
from .tensor import Tensor, STRICT, check_plain_array
from .graph import accumulate_node
from .backprop import run_backward

__all__ = ["tape_vjp", "detach", "stop_gradient", "TapeConversionError"]

_state = modes._state
_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep   # srcgrad/
_NUMPY = os.path.dirname(np.__file__) + os.sep


class TapeConversionError(TypeError):
    """A value that carries a gradient was turned into a Python number or an
    ndarray inside a differentiated function (its gradient would be lost)."""


# installed libraries (scipy, ...) and the standard library: the user's line is the
# caller's, not theirs -- unless no frame outside them is found
_LIBRARIES = tuple(sorted({os.path.join(p, "") for p in (
    sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib"),
    sysconfig.get_paths().get("stdlib")) if p}))


def _user_line():
    """``(file, line, source)`` of the innermost frame outside srcgrad and
    NumPy (the user's code that asked for the conversion), skipping installed
    libraries and the standard library when a caller outside them exists
    (``scipy.special.logsumexp(x)`` names the user's call, not SciPy's line)."""
    f = sys._getframe(1)
    first = None
    while f is not None:
        name = f.f_code.co_filename
        if not (name.startswith(_HERE) or name.startswith(_NUMPY)):
            if first is None:
                first = f
            if not (name.startswith(_LIBRARIES) or _library_exec(f)):
                break
        f = f.f_back
    f = f if f is not None else first
    if f is None:
        return None, None, ""
    name, line = f.f_code.co_filename, f.f_lineno
    if name.startswith("<srcgrad>"):
        user = _generated_to_user(f)
        if user is not None:
            return user
    return name, line, linecache.getline(name, line).strip()


def _library_exec(frame):
    """A frame of code a library generated with ``exec`` (SciPy's
    distribution methods): its file is ``<string>``, and a library runs it."""
    if frame.f_code.co_filename != "<string>" or frame.f_back is None:
        return False
    return frame.f_back.f_code.co_filename.startswith(_LIBRARIES)


_LINE_COMMENT = re.compile(r"\s*# (?:[a-z ]+ )?line (\d+): ")


def _generated_to_user(frame):
    """``(file, line, source)`` of the user's line that a frame of generated
    code (the compiler's, calling the tape in ``mode="auto"``) runs: the
    nearest ``# line N: ...`` comment above, in the file of the generated
    code's globals (the user's module); ``None`` when not found."""
    user_file = frame.f_globals.get("__file__")
    if not isinstance(user_file, str):
        return None
    name = frame.f_code.co_filename
    for k in range(frame.f_lineno, max(frame.f_lineno - 200, 0), -1):
        m = _LINE_COMMENT.match(linecache.getline(name, k))
        if m:
            line = int(m.group(1))
            return user_file, line, linecache.getline(user_file, line).strip()
    return None


def conversion_error(what):
    """The :class:`TapeConversionError` for ``what`` (``"float()"``...)."""
    name, line, src = _user_line()
    where = "%s:%s" % (name, line) if name else "<unknown>"
    text = "\n    %s" % src if src else ""
    ruled = _library_primitive()
    if ruled is not None:
        text += ("\n(inside %s, which has a derivative rule that the compiler uses: the tape "
                 "cannot see into a library's Python function that converts its argument; use "
                 "mode=\"compile\" or mode=\"auto\")" % ruled)
    err = STRICT.error = TapeConversionError(
        "%s: %s of a value that depends on the differentiated arguments would drop its "
        "gradient.%s\nUse NumPy functions on the value itself (np.sin(x), not math.sin(x); "
        "np.stack([...]), not np.array([...]) of tracked values; no float()/int()/.item()), "
        "or srcgrad.detach(x) if a constant is meant." % (where, what, text))
    return err


def _library_primitive():
    """The name of the outermost library function on the stack that has a
    derivative rule (``scipy.special.logsumexp``, ``scipy.stats.norm.logpdf``),
    or ``None``."""
    from .. import rules
    found, f = None, sys._getframe(2)
    while f is not None:
        if f.f_code.co_filename.startswith(_LIBRARIES):
            name = f.f_code.co_name
            fn = f.f_globals.get(name)
            if getattr(fn, "__code__", None) is f.f_code and rules.has_rule(fn):
                found = rules.qualname(fn)
            else:
                owner = f.f_locals.get("self")
                stand_in = rules.method(owner, name) if owner is not None else None
                if stand_in is not None:
                    found = rules.qualname(stand_in)
        f = f.f_back
    return found


# ------------------------------------------------------------------ trees

def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _map(fn, tree):
    """Apply ``fn`` to the leaves of a dict/list/tuple/namedtuple tree, and to
    the attributes of objects of user classes that hold gradients (a copy of
    the object is made: the caller's is never changed)."""
    if isinstance(tree, dict):
        return type(tree)((k, _map(fn, v)) for k, v in tree.items()) \
            if type(tree) is not dict else {k: _map(fn, v) for k, v in tree.items()}
    if _is_namedtuple(tree):
        return type(tree)(*[_map(fn, v) for v in tree])
    if isinstance(tree, (list, tuple)):
        return type(tree)(_map(fn, v) for v in tree)
    fields = runtime.object_fields(tree)
    if fields is not None:   # an object of a user class: its own attributes are the fields
        return runtime.map_fields(tree, fields, lambda k, v: _map(fn, v), lambda v: isinstance(
            v, Tensor) or runtime._holds_gradient(v))
    return fn(tree)


def _leaves(tree, out):
    if isinstance(tree, dict):
        for v in tree.values():
            _leaves(v, out)
    elif isinstance(tree, (list, tuple)):
        for v in tree:
            _leaves(v, out)
    else:
        out.append(tree)
    return out


def _zip_leaves(tree, other, out):
    """Pairs ``(leaf of tree, matching part of other)``; ``other`` may stop
    early (a scalar 0 or None standing for a whole subtree)."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            _zip_leaves(v, other[k] if isinstance(other, dict) else other, out)
    elif isinstance(tree, (list, tuple)):
        seq = isinstance(other, (list, tuple))
        if seq and len(other) != len(tree):
            raise ValueError("pullback: the cotangent has %d items where the value has %d"
                             % (len(other), len(tree)))
        for i, v in enumerate(tree):
            _zip_leaves(v, other[i] if seq else other, out)
    else:
        out.append((tree, other))
    return out


# ------------------------------------------------------------- arguments

class _Leaf:
    """One differentiated leaf: the Tensor the user's code sees and how to
    give its cotangent back in the argument's kind."""
    __slots__ = ("tensor", "kind", "edge")


def _wrap_leaf(x, leaves):
    if isinstance(x, Tensor):
        raise TypeError("tape_vjp: differentiated arguments are NumPy values; got a Tensor "
                        "(nest tape transforms through the compiler, or pass x.detach())")
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, np.generic):
        arr, kind = np.array(float(x), dtype=np.float64), "float"
    elif isinstance(x, (np.ndarray, np.generic)):
        check_plain_array(x, "a differentiated argument")
        arr = np.asarray(x)
        if arr.dtype.kind not in "fc":
            if arr.dtype.kind not in "iub":
                return x
            arr = arr.astype(np.float64)
        elif type(x) is np.ndarray:
            arr = x.copy()          # the user's array stays untouched by in-place ops
        kind = "scalar" if isinstance(x, np.generic) else "array"
    elif isinstance(x, numbers.Complex):
        arr, kind = np.array(complex(x)), "complex"
    else:
        return x
    t = Tensor._wrap(arr)
    t._requires_grad = True
    t._vc = [0]
    leaf = _Leaf()
    leaf.tensor, leaf.kind = t, kind
    leaf.edge = (accumulate_node(t), 0)
    leaves.append(leaf)
    return t


def _give_back(g, leaf):
    """The cotangent ``g`` (ndarray or None) in the kind of the argument."""
    t = leaf.tensor
    if g is None:
        g = np.zeros(t._data.shape, dtype=t._data.dtype)
    else:
        g = np.asarray(g)
        if g.shape != t._data.shape:
            g = np.broadcast_to(g, t._data.shape)
        if g.dtype.kind == "c" and t._data.dtype.kind != "c":
            g = g.real          # a real argument's gradient is real
        g = np.array(g, dtype=t._data.dtype)   # a fresh, writeable array
    kind = leaf.kind
    if kind == "float":
        return float(g)
    if kind == "complex":
        return complex(g)
    if kind == "scalar":
        return g[()]
    return g


# ---------------------------------------------------------------- results

def _unwrap(x):
    """A Tensor as NumPy would give it: ndarray, or a NumPy scalar if 0-d."""
    if isinstance(x, Tensor):
        d = x._data
        return d[()] if d.ndim == 0 else d
    return x


@contextlib.contextmanager
def recording():
    """While the block runs: grad mode on (whatever the caller's), and the
    tape's strict conversions on, with an outer strict error set aside."""
    saved = (_state.enabled, _state.inference)
    _state.enabled, _state.inference = True, False
    STRICT.depth += 1
    outer_error, STRICT.error = STRICT.error, None
    try:
        yield
    finally:
        STRICT.depth -= 1
        STRICT.error = outer_error
        _state.enabled, _state.inference = saved


def call_on_copies(fun, args, moving):
    """``fun(*args)``, where the arguments at the positions in ``moving`` are
    given copies of their Tensors, not the leaves: like a Python function
    given arrays, ``fun`` may update its arguments in place (``vx -= dt * gx``,
    ``p[0] = 0.0``), and the derivative still flows to the leaves.  Inside
    :func:`recording`: NumPy turns the error of ``a[i] = t`` into "setting an
    array element with a sequence"; the strict error, which names the user's
    line, is raised instead."""
    moving = {i % len(args) for i in moving}
    call_args = [_map(lambda x: x.clone() if isinstance(x, Tensor) else x, a)
                 if i in moving else a for i, a in enumerate(args)]
    try:
        return fun(*call_args)
    except Exception as e:
        err = STRICT.error
        if err is not None and err is not e:
            raise err.with_traceback(None) from e
        raise


def split_aux(out, has_aux):
    """``(output, aux)`` of a function's result: with ``has_aux`` it must be
    a pair, whose ``aux`` is handed back as plain values; else aux is None."""
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError("has_aux=True: the function must return a pair (value, aux), "
                        "got %s" % type(out).__name__)
    out, aux = out
    return out, _map(_unwrap, aux)


def tape_vjp(fun, args, wrt=(0,), has_aux=False):
    """Run ``fun(*args)`` on the tape; return ``(value, pullback)``, or
    ``(value, pullback, aux)`` when ``has_aux`` (``fun`` returns
    ``(value, aux)``; ``aux`` gets no gradient).

    ``wrt`` is an int or a tuple of argument positions.  ``pullback(g)``
    returns a tuple with one cotangent per position in ``wrt``.

    >>> import numpy as np
    >>> value, pullback = tape_vjp(lambda x, y: np.sum(x * y), (np.array([1., 2.]), 3.0),
    ...                            wrt=(0, 1))
    >>> float(value), pullback(1.0)
    (9.0, (array([3., 3.]), 3.0))
    """
    if isinstance(wrt, numbers.Integral):
        wrt = (wrt,)
    args = list(args)
    per_arg = []          # for each wrt position: (argument tree of Tensors, its leaves)
    for i in wrt:
        leaves = []
        args[i] = _map(lambda x: _wrap_leaf(x, leaves), args[i])
        per_arg.append((args[i], leaves))
    with recording():
        out = call_on_copies(fun, args, wrt)
    out, aux = split_aux(out, has_aux)
    value = _map(_unwrap, out)
    outs = out

    def pullback(g):
        pairs = _zip_leaves(outs, g, [])
        roots, grads = [], []
        for o, go in pairs:
            if not isinstance(o, Tensor) or not o._requires_grad or go is None:
                continue
            d = o._data
            go = _unwrap(go) if isinstance(go, Tensor) else go
            ga = _cotangent(go, d)
            roots.append((o.grad_fn, o._out_nr) if o.grad_fn is not None
                         else (accumulate_node(o), 0))
            grads.append(ga)
        flat = [leaf for _, leaves in per_arg for leaf in leaves]
        got = {}
        if roots:
            got = run_backward(roots, grads, True, False,
                               inputs=[leaf.edge for leaf in flat])
        cot = {id(leaf.tensor): got.get(k) for k, leaf in enumerate(flat)}
        result = []
        for tree, leaves in per_arg:
            by_id = {id(leaf.tensor): leaf for leaf in leaves}
            result.append(_map(lambda x: _give_back(cot[id(x)], by_id[id(x)])
                               if isinstance(x, Tensor) and id(x) in by_id else
                               _zero_like(x), tree))
        return tuple(result)

    if has_aux:
        return value, pullback, aux
    return value, pullback


def _cotangent(g, value):
    """``g`` as an array shaped like ``value`` (a scalar broadcasts); any other
    shape, or a non-numeric cotangent, is refused (never broadcast silently)."""
    if not isinstance(g, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        raise TypeError("pullback: the cotangent of an array output must be a number or an "
                        "array, got %s" % type(g).__name__)
    try:
        ga = np.asarray(g)
    except ValueError:
        raise ValueError("pullback: the cotangent %r is not an array of numbers" % (g,)) from None
    if ga.dtype.kind not in "biufc":
        raise TypeError("pullback: the cotangent must be numeric, got dtype %s" % ga.dtype)
    ga = ga.astype(value.dtype, copy=False)
    if ga.shape != value.shape:
        if ga.ndim:
            raise ValueError("pullback: the cotangent has shape %s where the output has shape "
                             "%s" % (ga.shape, value.shape))
        ga = np.broadcast_to(ga, value.shape)
    return ga


def _zero_like(x):
    """Cotangent of a non-differentiable leaf left in an argument tree."""
    return None


# --------------------------------------------------------- stop_gradient

def detach(x):
    """A constant: Tensors are detached (sharing data), ndarrays and Python
    numbers come back as they are; trees (dict/list/tuple) are mapped."""
    if isinstance(x, Tensor):
        return x.detach()
    if isinstance(x, (dict, list, tuple)):
        return _map(detach, x)
    return x


stop_gradient = detach
