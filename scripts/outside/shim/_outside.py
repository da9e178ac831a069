"""Shared state of the shim: the chosen mode, the role (running an example or
the test suite), where records go, and the checks the shim's entry points run.

Configured from the environment by the runner:
``SRCGRAD_OUTSIDE_MODE`` (compile|auto|tape), ``SRCGRAD_OUTSIDE_ROLE``
(example|suite|plain) and ``SRCGRAD_OUTSIDE_RECORD`` (a JSON-lines file).
"""

import copy
import json
import os
import threading
import traceback

import numpy as np


MODE = os.environ.get("SRCGRAD_OUTSIDE_MODE", "compile")
ROLE = os.environ.get("SRCGRAD_OUTSIDE_ROLE", "plain")
RECORD = os.environ.get("SRCGRAD_OUTSIDE_RECORD")
MAX_EXAMPLE_CHECKS = 5     # primitives' gradients (grad(np.sqrt)) do not end an example

_lock = threading.Lock()
SHIM_DIR = os.path.dirname(os.path.abspath(__file__))
SHIM_AUTOGRAD = os.path.join(SHIM_DIR, "autograd")
state = {"test": None, "checks": 0, "example_checks": []}


class StopExample(BaseException):
    """Raised after an example's gradient was checked: the runner catches it.
    A BaseException, so an example's own ``except Exception`` does not swallow it."""


class Unmappable(NotImplementedError):
    """An autograd API the shim cannot map onto srcgrad (autograd internals)."""


class OutOfScope(NotImplementedError):
    """Forward mode or higher order: issue 11's scope, not measured here."""


def record(entry):
    entry = dict(entry)
    if state["test"] is not None:
        entry.setdefault("test", state["test"])
    if RECORD:
        with _lock, open(RECORD, "a") as fh:
            fh.write(json.dumps(entry, default=repr) + "\n")
    return entry


def _srcgrad():
    import srcgrad
    return srcgrad


def _refusal_types():
    sg = _srcgrad()
    from srcgrad.tape.engine import TapeConversionError
    return (sg.SrcgradSyntaxError, sg.NoRuleError, TapeConversionError)


def describe_error(err):
    """A dict saying what went wrong: ``result`` is ``refused`` (srcgrad's own
    refusal), ``out-of-scope``, ``unmappable`` or ``error`` (an exception;
    ``internal`` is True when it was raised inside srcgrad's code)."""
    first = (str(err).strip().splitlines() or [""])[0][:300]
    out = {"type": type(err).__name__, "message": first,
           "frames": ["%s:%s %s" % (_short(f.filename), f.lineno, f.name)
                      for f in traceback.extract_tb(err.__traceback__)[-8:]]}
    if isinstance(err, OutOfScope):
        out["result"] = "out-of-scope"
    elif isinstance(err, Unmappable):
        out["result"] = "unmappable"
    elif isinstance(err, _refusal_types()):
        out["result"] = "refused"
        fn, ln = getattr(err, "filename", None), getattr(err, "lineno", None)
        if fn:
            out["where"] = "%s:%s" % (os.path.basename(fn), ln)
            if os.path.abspath(fn).startswith(SHIM_DIR):
                out["where"] += " (in the shim's code)"
        msg = getattr(err, "bare_msg", None)
        if msg:
            out["message"] = (msg.strip().splitlines() or [""])[0][:300]
        if fn and os.path.dirname(os.path.abspath(fn)).startswith(SHIM_AUTOGRAD) and \
                os.path.basename(fn) in ("differential_operators.py", "wrap_util.py"):
            out["result"] = "out-of-scope"   # the compiler met a derivative operator
            out["message"] = ("a derivative taken inside a differentiated function (higher "
                              "order, issue 11): " + out["message"])
    else:
        out["result"] = "error"
        frames = traceback.extract_tb(err.__traceback__)
        if frames:
            last = frames[-1]
            out["where"] = "%s:%s" % (_short(last.filename), last.lineno)
            out["internal"] = any("/srcgrad/" in f.filename for f in frames[-3:])
    return out


def _short(path):
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-2:]) if "srcgrad" in parts else parts[-1]


# ------------------------------------------------------------ determinism

def _rngs(fun, depth=0, seen=None):
    """The random generators ``fun`` can reach (globals, closure cells), so a
    stochastic objective can be replayed with the same draws."""
    seen = set() if seen is None else seen
    out = []
    if id(fun) in seen or depth > 3:
        return out
    seen.add(id(fun))
    values = []
    g = getattr(fun, "__globals__", None)
    code = getattr(fun, "__code__", None)
    if g is not None and code is not None:
        values += [g[n] for n in code.co_names if n in g]
    for cell in getattr(fun, "__closure__", None) or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:
            pass
    for name in ("func", "fun", "__wrapped__"):
        if hasattr(fun, name):
            values.append(getattr(fun, name))
    for v in values:
        if isinstance(v, (np.random.RandomState, np.random.Generator)):
            out.append(v)
        elif callable(v) and (hasattr(v, "__code__") or hasattr(v, "func")):
            out += _rngs(v, depth + 1, seen)
    return out


class Replay:
    """Snapshot of every reachable RNG; ``restore()`` before each evaluation."""

    def __init__(self, *funs):
        self.gens = []
        for f in funs:
            for r in _rngs(f):
                if all(r is not g for g in self.gens):
                    self.gens.append(r)
        self.states = [copy.deepcopy(self._get(g)) for g in self.gens]
        self.global_state = np.random.get_state()

    @staticmethod
    def _get(g):
        return g.get_state() if isinstance(g, np.random.RandomState) else g.bit_generator.state

    def restore(self):
        np.random.set_state(self.global_state)
        for g, s in zip(self.gens, self.states):
            if isinstance(g, np.random.RandomState):
                g.set_state(copy.deepcopy(s))
            else:
                g.bit_generator.state = copy.deepcopy(s)


def shapes(args):
    def one(a):
        if isinstance(a, np.ndarray):
            return "%s%s" % (a.dtype, list(a.shape))
        if isinstance(a, (list, tuple, dict)):
            return "%s(%d)" % (type(a).__name__, len(a))
        return type(a).__name__
    return [one(a) for a in args]


def is_user_function(fun):
    """True for a function the user wrote (not a NumPy/SciPy callable)."""
    mod = getattr(fun, "__module__", None) or ""
    return not mod.startswith(("numpy", "scipy", "srcgrad")) and hasattr(fun, "__code__")
