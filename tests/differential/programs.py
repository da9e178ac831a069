"""Random programs for differential testing: compiler vs tape vs finite differences.

:func:`programs` is a hypothesis strategy of :class:`Program`: the source text of a
module holding generated helpers ``h1, h2, ...`` and a function ``f(a, b, c)`` (``a``,
``b``: float vectors of length ``n``, ``c``: a Python float) returning a scalar. The
bodies are written the way people write NumPy:

* straight-line arithmetic over a selection of the rule table -- ``np.sin``, ``np.cos``,
  ``np.tanh``, ``np.exp`` of bounded arguments, ``np.log(1 + x**2)``,
  ``np.sqrt(1 + x**2)``, ``+ - *``, ``/`` by ``1 + y**2``, ``**2``, ``np.sum``,
  ``np.mean``, ``np.dot``, ``x[i]``, slices, ``x[::-1]``, scalar-vector broadcasting;
* ``if``/``else`` (and ``if`` alone) on data;
* ``for`` loops over ``range(k)`` with carried scalars and vectors, ``x[i % n]``;
* subscript reads and writes (``y = np.zeros(n); y[i] = ...``, ``y[lo:hi] = ...``,
  ``y[i] += ...``) into arrays created in the function, augmented assignment to fresh
  arrays;
* calls to generated helpers (which may call earlier helpers).

Kinks: every branch condition ``lhs > t`` is also rendered in a *probe* copy of the
module as ``_probe(lhs, t)``, which records ``|lhs - t|``; :func:`branch_margin` gives
the smallest margin of a run, and :func:`check_program` compares against finite
differences only when it is large enough that a step of ``eps`` cannot flip a branch.
The compiler and the tape take the same branches at the same point, so they are
always compared.

Strong curvature (long chains through loops) can make central differences at
``eps=1e-6`` wrong; on a mismatch the FD is recomputed at a smaller step and the program
counts as ``fd-unstable`` (not compared) if the two FDs disagree. A tape refusal
(``tape_cannot_run``: writing a tracked value into ``np.zeros(n)``, PyTorch's in-place
checks) leaves the compiler compared with NumPy and finite differences only.

Aliasing (``t2 = t1`` followed by ``t1 += ...``) is off by default
(``aliasing=False``). ``avoid_known=True`` steers clear of the known bugs kept in
``regressions.py`` (each place names its entry).

Extended programs (``programs(features=FEATURES)``, checked by :func:`check_extended`):
at the top level of ``f`` a statement is now and then a *feature* template --
2-D arrays and ``@``, axis reductions and ``keepdims``, reshape/transpose, ``while``,
``break``/``continue`` (also on data), helpers with early returns, comprehensions,
lists/dicts/tuples and unpacking, lambdas and closures, keyword arguments, non-smooth
ops (``abs``, ``maximum``, ``where``, ``max``, ``clip``: each kink goes through
``_kink(distance, value)`` in the probe copy), float32 (loose tolerances), ``math.*``,
``no_grad``/``enable_grad``/``stop_gradient`` (finite differences run ``fd_source``,
where those values are frozen at the base point by ``_freeze``), ``custom_vjp``,
multi-output primitives (``slogdet``, ``eigh``, ``divmod``, ``modf``), ``out=`` and
in-place methods, containers built in loops and passed to NumPy, module aliases,
decorated helpers, fancy-index writes with repeats, aliases through helper returns,
``linalg``, fancy and negative-step reads, iteration over rows/``zip``/``enumerate``,
tuple-returning helpers, ``einsum``, ``concatenate``, constructs that make the compiler
fall back (recursion, ``try``), writes through views, ``var``/``std``, ``dict.update``
and ``list.reverse``. The constructs of known bugs (``KNOWN_CONSTRUCTS``,
``TAPE_KNOWN``; entries of ``regressions_sweep.py``) are left out, or the tape is not
compared, when ``avoid_known=True``.
"""

import atexit
import hashlib
import re
import importlib.util
import os
import shutil
import sys
import tempfile

import numpy as np
from hypothesis import strategies as st

import srcgrad
from srcgrad.tape.engine import TapeConversionError, tape_vjp
from srcgrad.testing import numeric_grad

__all__ = ["Program", "programs", "inputs_for", "load", "check_program", "run_compiler",
           "run_tape", "tape_cannot_run", "branch_margin", "MARGIN", "FEATURES",
           "check_extended"]

CONSTS = [0.5, -0.7, 1.5, 0.3, 2.0, -1.2, 0.9]
THRESHOLDS = [-0.5, 0.0, 0.25, 0.8]
MARGIN = 1e-3        # branch margins below this: no finite-difference comparison


class Program:
    """A generated module: ``source`` (what the engines see), ``probe_source`` (the same
    with branch conditions routed through ``_probe``), and ``n``, the vector length."""

    def __init__(self, source, probe_source, n, fd_source=None, float32=False,
                 skip_tape=None, features=()):
        self.source = source
        self.probe_source = probe_source
        self.n = n
        # extended programs (``features=...``): the module finite differences run, with
        # grad-mode blocks frozen at the base point (None: ``source``); whether float32
        # values make the tolerances loose; why the tape is not compared (a known bug);
        # the features used
        self.fd_source = fd_source
        self.float32 = float32
        self.skip_tape = skip_tape
        self.features = tuple(features)

    def __repr__(self):
        return "Program(n=%d)\n%s" % (self.n, self.source)


# ------------------------------------------------------------------- generation

class _Gen:
    def __init__(self, draw, n, aliasing, avoid_known=True):
        self.avoid_known = avoid_known
        self.draw = draw
        self.n = n
        self.aliasing = aliasing
        self.helpers = []          # (name, (param kinds), return kind)
        self.count = 0
        self.loops = 0
        self.aliased = set()       # names that have had another name (avoid_known)

    # -- helpers
    def pick(self, seq):
        return self.draw(st.sampled_from(list(seq)))

    def coin(self, p=0.5):
        return self.draw(st.integers(0, 999)) < int(p * 1000)

    def fresh(self, kind):
        self.count += 1
        return "%s%d" % ("v" if kind == "v" else "s", self.count)

    # -- expressions
    def index(self, env):
        """A constant index, or ``i % n`` inside a loop."""
        loop = env.get("#loop")
        if loop and self.coin(0.6):
            off = self.pick([0, 1, 2])
            return "(%s + %d) %% %d" % (loop, off, self.n) if off else "%s %% %d" % (loop,
                                                                                   self.n)
        return str(self.draw(st.integers(-self.n, self.n - 1)))

    def slice_pair(self):
        """Two slices of equal length ``L`` (1..n-1) into vectors of length n."""
        L = self.draw(st.integers(1, self.n - 1))
        lo1 = self.draw(st.integers(0, self.n - L))
        lo2 = self.draw(st.integers(0, self.n - L))
        return "%d:%d" % (lo1, lo1 + L), "%d:%d" % (lo2, lo2 + L)

    def vars_of(self, env, kind):
        return [k for k, v in env.items() if v == kind and not k.startswith("#")]

    def unary(self, x):
        op = self.pick(["sin", "cos", "tanh", "exp_sin", "exp_tanh", "log", "sqrt", "sq",
                        "neg"])
        return {
            "sin": "np.sin(%s)", "cos": "np.cos(%s)", "tanh": "np.tanh(%s)",
            "exp_sin": "np.exp(np.sin(%s))", "exp_tanh": "np.exp(np.tanh(%s))",
            "log": "np.log(1.0 + (%s) ** 2)", "sqrt": "np.sqrt(1.0 + (%s) ** 2)",
            "sq": "(%s) ** 2", "neg": "-(%s)",
        }[op] % x

    def binary(self, x, y):
        op = self.pick(["+", "-", "*", "/"])
        if op == "/":
            return "(%s / (1.0 + (%s) ** 2))" % (x, y)
        return "(%s %s %s)" % (x, op, y)

    def scalar_atom(self, env):
        vs, ss = self.vars_of(env, "v"), self.vars_of(env, "s")
        opts = ["const"]
        if ss:
            opts += ["var", "var"]
        if vs:
            opts += ["index", "sum", "mean", "dot", "slice_sum", "slice_dot"]
        helpers = [h for h in self.helpers if h[2] == "s"]
        if helpers and env.get("#depth_ok", True):
            opts.append("call")
        k = self.pick(opts)
        if k == "const":
            return repr(self.pick(CONSTS))
        if k == "var":
            return self.pick(ss)
        if k == "index":
            return "%s[%s]" % (self.pick(vs), self.index(env))
        if k == "sum":
            return "np.sum(%s)" % self.pick(vs)
        if k == "mean":
            return "np.mean(%s)" % self.pick(vs)
        if k == "dot":
            return "np.dot(%s, %s)" % (self.pick(vs), self.pick(vs))
        if k == "slice_sum":
            s1, _ = self.slice_pair()
            return "np.sum(%s[%s])" % (self.pick(vs), s1)
        if k == "slice_dot":
            s1, s2 = self.slice_pair()
            return "np.dot(%s[%s], %s[%s])" % (self.pick(vs), s1, self.pick(vs), s2)
        return self.call(env, self.pick(helpers))

    def vector_atom(self, env):
        vs = self.vars_of(env, "v")
        opts = ["var", "var", "var", "rev"]
        helpers = [h for h in self.helpers if h[2] == "v"]
        if helpers and env.get("#depth_ok", True):
            opts.append("call")
        k = self.pick(opts)
        if k == "var":
            return self.pick(vs)
        if k == "rev":
            return "%s[::-1]" % self.pick(vs)
        return self.call(env, self.pick(helpers))

    def call(self, env, helper):
        name, params, _ = helper
        inner = dict(env)
        inner["#depth_ok"] = False          # no helper calls in helper-call arguments
        args = [self.expr(inner, kind, 1) for kind in params]
        return "%s(%s)" % (name, ", ".join(args))

    def expr(self, env, kind, depth):
        if depth <= 0 or self.coin(0.3):
            return self.scalar_atom(env) if kind == "s" else self.vector_atom(env)
        if self.coin(0.45):
            return self.unary(self.expr(env, kind, depth - 1))
        if kind == "s":
            return self.binary(self.expr(env, "s", depth - 1), self.expr(env, "s", depth - 1))
        # a vector: at least one vector operand; the other may be a scalar (broadcast)
        x = self.expr(env, "v", depth - 1)
        y = self.expr(env, self.pick(["v", "v", "s"]), depth - 1)
        if self.coin():
            x, y = y, x
        return self.binary(x, y)

    def rhs(self, env, kind, depth=2):
        """An expression for the right-hand side of an assignment: never a bare name
        (an alias) unless aliasing is on."""
        e = self.expr(env, kind, depth)
        if (self.aliasing and self.avoid_known and (env.get("#loop") or self.aliased) and
                re.match(r"^\w+(\[::-1\])?$", e)):
            # ... and at most one alias per program: "compiler-sibling-aliases"
            # no aliases made in loop bodies: regressions.py "compiler-loop-carried-alias"
            e = "%s * 0.5" % e
        if self.aliasing and self.avoid_known and re.match(r"^\w+(\[::-1\])?$", e):
            # no subscript writes into an array that has another name (regressions.py
            # "compiler-setitem-through-alias")
            env.pop("#owned:" + e.split("[")[0], None)
            self.aliased.add(e.split("[")[0])
        if not self.aliasing and re.match(r"^\w+(\[::-1\])?$", e):
            e = "%s * %s" % (e, repr(self.pick(CONSTS)))     # a new array, not a view
        m = re.match(r"^(\w+)\[[^\]:]*\]$", e)
        if m and self.avoid_known and m.group(1) not in env.get("#params", ()):
            # an element of a local array: the compiler takes it for a view (regressions.py,
            # "compiler-element-is-not-a-view")
            e = "np.sin(%s)" % e
        return e

    def not_self(self, name, e):
        """``name = name`` (or ``name = name * 1.0``) as a branch's only statement
        crashes the compiler (regressions.py "compiler-self-assignment-in-branch")."""
        return "%s * 0.5" % e if self.avoid_known and e == name else e

    def cond(self, env):
        lhs = self.pick(["sum", "mean", "scalar"]) if self.vars_of(env, "v") else "scalar"
        vs = self.vars_of(env, "v")
        if lhs == "sum":
            lhs = "np.sum(%s)" % self.pick(vs)
        elif lhs == "mean":
            lhs = "np.mean(%s)" % self.pick(vs)
        else:
            lhs = self.expr(env, "s", 1)
        t = self.pick(THRESHOLDS)
        return "%s > %r" % (lhs, t), "_probe(%s, %r)" % (lhs, t)

    # -- statements: each returns a list of (indent, plain, probe) lines
    def statements(self, env, count, depth, out, ind):
        for _ in range(count):
            self.statement(env, depth, out, ind)

    def statement(self, env, depth, out, ind):
        kinds = ["assign", "assign", "assign", "setitem", "augassign"]
        if depth > 0:
            kinds += ["if", "if", "for", "for"]
        if self.aliasing:
            kinds += ["alias"]
        k = self.pick(kinds)
        getattr(self, "st_" + k)(env, depth, out, ind)

    def assign_new_or_old(self, env, kind):
        old = [v for v in self.vars_of(env, kind) if v not in env.get("#params", ())]
        if old and self.coin(0.3):
            return self.pick(old)
        return self.fresh(kind)

    def st_assign(self, env, depth, out, ind):
        kind = self.pick(["s", "v"])
        e = self.rhs(env, kind)
        name = self.assign_new_or_old(env, kind)
        out.append((ind, "%s = %s" % (name, self.not_self(name, e)), None))
        env[name] = kind
        env.pop("#owned:" + name, None)

    def st_augassign(self, env, depth, out, ind):
        kind = self.pick(["s", "v"])
        name = self.fresh(kind)
        e = self.rhs(env, kind)
        if self.avoid_known and re.match(r"^u\[[^]]*\]$", e):
            # ``s = u[-1]; s *= ...`` in a helper whose argument's rank the caller cannot
            # infer: u[-1] may be a view, so the compiler refuses the update (a known
            # false refusal, docs/supported.md "What is refused")
            e = "%s * 1.0" % e
        out.append((ind, "%s = %s" % (name, e), None))
        if not self.avoid_known:
            env[name] = kind      # the update may read the target (``v += v[0]``)
        op = self.pick(["+=", "-=", "*="])
        out.append((ind, "%s %s %s" % (name, op, self.expr(env, self.pick([kind, "s"]), 1)),
                    None))
        env[name] = kind
        env.pop("#owned:" + name, None)

    def st_setitem(self, env, depth, out, ind):
        name = self.fresh("v")
        vs = self.vars_of(env, "v")
        # ``np.zeros(n)`` is an ndarray on the tape too: writing a tracked value into it
        # raises TapeConversionError there (the compiler and FD are still compared)
        init = self.pick(["zeros", "copy", "copy", "zeros_like", "zeros_like"] if vs
                         else ["zeros"])
        if init == "zeros":
            out.append((ind, "%s = np.zeros(%d)" % (name, self.n), None))
        elif init == "zeros_like":
            out.append((ind, "%s = np.zeros_like(%s)" % (name, self.pick(vs)), None))
        else:
            out.append((ind, "%s = %s.copy()" % (name, self.pick(vs)), None))
        for _ in range(self.draw(st.integers(1, 3))):
            self.write_into(name, env, out, ind)
        env[name] = "v"
        env["#owned:" + name] = True

    def write_into(self, name, env, out, ind):
        vs = self.vars_of(env, "v")
        k = self.pick(["item", "item", "iadd", "slice"] if vs else ["item", "iadd"])
        if k == "item":
            out.append((ind, "%s[%s] = %s" % (name, self.index(env), self.expr(env, "s", 2)),
                        None))
        elif k == "iadd":
            out.append((ind, "%s[%s] += %s" % (name, self.index(env),
                                              self.expr(env, "s", 2)), None))
        else:
            s1, s2 = self.slice_pair()
            src = "%s[%s]" % (self.pick(vs), s2)
            if self.coin():
                src = self.unary(src)
            out.append((ind, "%s[%s] = %s * %s" % (name, s1, src, self.expr(env, "s", 1)),
                        None))

    def st_alias(self, env, depth, out, ind):
        # scalars: regressions.py "tape-0d-augassign-mutates-alias"
        kind = "v" if self.avoid_known else self.pick(["s", "v"])
        srcs = [v for v in self.vars_of(env, kind)]
        if not srcs or (self.avoid_known and (env.get("#loop") or self.aliased)):
            return self.st_assign(env, depth, out, ind)
        src = self.pick(srcs)
        if self.avoid_known:
            env.pop("#owned:" + src, None)      # "compiler-setitem-through-alias"
            self.aliased.add(src)
        name = self.fresh(kind)
        out.append((ind, "%s = %s" % (name, src), None))
        env[name] = kind
        target = self.pick([src, name])
        op = self.pick(["+=", "-=", "*="])
        out.append((ind, "%s %s %s" % (target, op, self.expr(env, "s", 1)), None))

    def st_if(self, env, depth, out, ind):
        plain, probe = self.cond(env)
        kind = self.pick(["s", "v"])
        # the branches assign the same variable; with no else, it must exist already
        existing = [v for v in self.vars_of(env, kind) if v not in env.get("#params", ())]
        has_else = not existing or self.coin(0.7)
        name = self.pick(existing) if existing and self.coin(0.5) else self.fresh(kind)
        if not has_else and name not in env:
            has_else = True
        out.append((ind, "if %s:" % plain, "if %s:" % probe))
        for branch in ([0, 1] if has_else else [0]):
            if branch:
                out.append((ind, "else:", None))
            benv = dict(env)
            self.statements(benv, self.draw(st.integers(0, 1)), depth - 1, out, ind + 1)
            out.append((ind + 1, "%s = %s" % (name, self.not_self(name, self.rhs(benv, kind))),
                        None))
        env[name] = kind
        env.pop("#owned:" + name, None)

    def st_for(self, env, depth, out, ind):
        self.loops += 1
        i = "i%d" % self.loops
        k = self.draw(st.integers(1, 4))
        carried = self.pick(["s", "v"])
        name = self.fresh(carried)
        if carried == "s":
            init = self.pick(["0.0", "expr"])
            out.append((ind, "%s = %s" % (name, "0.0" if init == "0.0" else
                                           self.rhs(env, "s", 1)), None))
        else:
            out.append((ind, "%s = %s" % (name, self.rhs(env, "v", 1)), None))
        env[name] = carried
        out.append((ind, "for %s in range(%d):" % (i, k), None))
        benv = dict(env)
        benv["#loop"] = i
        self.statements(benv, self.draw(st.integers(0, 2)), depth - 1, out, ind + 1)
        decay = self.pick(["0.9", "0.5", "-0.8"])
        out.append((ind + 1, "%s = %s * %s + %s" % (name, name, decay,
                                                    self.expr(benv, carried, 2)), None))
        # an array written inside the loop
        ys = [v for v in self.vars_of(benv, "v") if v.startswith("v") and
              v not in env.get("#params", ()) and benv.get("#owned:" + v) and
              env.get("#owned:" + v) and v not in self.aliased]
        if ys and self.coin(0.4):
            y = self.pick(ys)
            out.append((ind + 1, "%s[%s] = %s[%s] * 0.5 + %s" % (
                y, "%s %% %d" % (i, self.n), y, "%s %% %d" % (i, self.n),
                self.expr(benv, "s", 1)), None))



# ------------------------------------------------------------------- extended features

# The optional features of ``programs(features=...)`` (all of them: ``FEATURES``).
FEATURES = ("matmul", "axis", "reshape", "while", "breakcont", "early_return",
            "comprehension", "containers", "closure", "kwargs", "nonsmooth", "float32",
            "math", "gradmode", "custom_vjp", "multi_output", "inplace", "out",
            "loop_container", "module_alias", "decorated", "fancy_repeat", "helper_alias",
            "linalg", "indexing", "iteration", "tuple_helper", "einsum", "concat",
            "fallback", "view_write", "var_std", "container_methods", "item_update")

# Constructs of known bugs (each names its entry in regressions_sweep.py): with
# ``avoid_known=True`` the generator leaves them out, or (``TAPE_KNOWN``) keeps them and
# does not compare the tape on that program.
KNOWN_CONSTRUCTS = {
    "inplace": "compiler-ndarray-sort-is-a-copy, compiler-ndarray-fill-ignored",
    "out": "compiler-ufunc-out-ignored, all-cumsum-out-ignored",
    "decorated": "compiler-decorated-helper-loses-wrapper",
    "fancy_repeat": "compiler-fancy-index-write-repeats",
    "loop_container_sum": "compiler-np-sum-of-appended-list",
    "module_alias_local": "compiler-local-module-alias",
    "dict_ctor": "compiler-dict-constructor",
    "builtin_divmod": "tape-builtin-divmod-typeerror",
    "positional_out": "compiler-positional-out-crashes",
    "no_grad_alias": "compiler-no-grad-alias-is-constant",
    "container_methods": "compiler-dict-update-ignored, compiler-list-reverse-ignored",
    "generator_callee": "auto-generator-callee-leaks-tensor",
}
TAPE_KNOWN = {
    "multi_output": "tape-slogdet-untracked, tape-eigh-untracked, tape-divmod-untracked, "
                    "tape-modf-untracked",
    "float32": "tape-astype-float64-stays-float32",
    "var_std_method": "tape-var-std-methods-unbiased",
}

_PRELUDE = {
    "early_return": [
        ("def he(u, t):", None),
        ("    if np.sum(u) > t:", "    if _probe(np.sum(u), t):"),
        ("        return np.sin(u) * 2.0", None),
        ("    return u * 0.5", None),
    ],
    "kwargs": [
        ("def hk(u, scale=1.0, shift=0.0):", None),
        ("    return u * scale + shift", None),
    ],
    "custom_vjp": [
        ("@srcgrad.custom_vjp", None),
        ("def cv1(u):", None),
        ("    return np.sin(u) * 2.0", None),
        ("", None), ("", None),
        ("def cv1_fwd(u):", None),
        ("    return np.sin(u) * 2.0, np.cos(u)", None),
        ("", None), ("", None),
        ("def cv1_bwd(res, g):", None),
        ("    return (g * res * 2.0,)", None),
        ("", None), ("", None),
        ("cv1.defvjp(cv1_fwd, cv1_bwd)", None),
        ("", None), ("", None),
        ("@srcgrad.custom_vjp", None),
        ("def cv2(u, w):", None),
        ("    return u * np.tanh(w)", None),
        ("", None), ("", None),
        ("def cv2_fwd(u, w):", None),
        ("    t = np.tanh(w)", None),
        ("    return u * t, (u, t)", None),
        ("", None), ("", None),
        ("def cv2_bwd(res, g):", None),
        ("    u, t = res", None),
        ("    return g * t, g * u * (1.0 - t ** 2)", None),
        ("", None), ("", None),
        ("cv2.defvjp(cv2_fwd, cv2_bwd)", None),
    ],
    "decorated": [
        ("def deco(fn):", None),
        ("    @functools.wraps(fn)", None),
        ("    def wrapper(*args, **kwargs):", None),
        ("        return fn(*args, **kwargs) * 2.0", None),
        ("    return wrapper", None),
        ("", None), ("", None),
        ("@deco", None),
        ("def hd(u):", None),
        ("    return np.sin(u)", None),
    ],
    "helper_alias": [
        ("def hr(u, w):", None),
        ("    return w", None),
    ],
    "tuple_helper": [
        ("def ht(u, w):", None),
        ("    return u * w, np.sum(u)", None),
    ],
    "fallback": [
        ("def hrec(u, k):", None),
        ("    if k == 0:", None),
        ("        return np.sum(u)", None),
        ("    return hrec(np.sin(u), k - 1)", None),
        ("", None), ("", None),
        ("def hgen(u, s):", None),
        ("    for t in u:", None),
        ("        yield t * s", None),
    ],
}


class _ExtGen(_Gen):
    """:class:`_Gen` with the optional features: at the top level of ``f`` (not in a
    loop body), a statement is now and then one of the feature templates below, each
    defining a new vector or scalar from the variables in scope."""

    def __init__(self, draw, n, aliasing, avoid_known, features):
        super().__init__(draw, n, aliasing, avoid_known)
        self.features = [f for f in features if not (avoid_known and f in KNOWN_CONSTRUCTS)]
        self.used = set()
        self.prelude = []
        self.float32 = False
        self.skip_tape = None
        self.freezes = 0
        self.has_fd = False

    def statement(self, env, depth, out, ind):
        if self.features and env.get("#top") and not env.get("#loop") and self.coin(0.45):
            feature = self.pick(self.features)
            self.used.add(feature)
            if feature in _PRELUDE and feature not in self.prelude:
                self.prelude.append(feature)
            getattr(self, "ft_" + feature)(env, out, ind)
            return
        super().statement(env, depth, out, ind)

    # -- pieces
    def vec(self, env):
        return self.expr(env, "v", 1)

    def sca(self, env):
        return self.expr(env, "s", 1)

    def tmp(self, prefix):
        self.count += 1
        return "%s%d" % (prefix, self.count)

    def define(self, env, kind, name):
        env[name] = kind
        env.pop("#owned:" + name, None)

    def emit(self, out, ind, plain, probe=None, fd=None):
        out.append((ind, plain, probe, fd))

    # -- the features
    def ft_matmul(self, env, out, ind):
        m = self.tmp("m")
        self.emit(out, ind, "%s = np.outer(%s, %s) * 0.5 + np.eye(%d)" % (
            m, self.vec(env), self.vec(env), self.n))
        v = self.fresh("v")
        form = self.pick(["%s @ %s", "%s.T @ %s", "np.matmul(%s, %s)", "np.dot(%s, %s)",
                          "(%s @ %s.T)[0]"])
        if form == "(%s @ %s.T)[0]":
            rhs = form % (m, m)
        else:
            rhs = form % (m, self.vec(env))
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_axis(self, env, out, ind):
        m = self.tmp("m")
        x, y = self.vec(env), self.vec(env)
        self.emit(out, ind, "%s = np.stack([%s, %s])" % (m, x, y))
        k = self.pick(["sum0", "mean0", "prod0", "cumsum1", "sum1", "keepdims", "max0"])
        if k in ("sum1",):
            name = self.fresh("s")
            self.emit(out, ind, "%s = np.sum(%s, axis=1)[%d]" % (name, m,
                                                                  self.pick([0, 1])))
            self.define(env, "s", name)
            return
        v = self.fresh("v")
        if k == "sum0":
            rhs = "np.sum(%s, axis=0)" % m
        elif k == "mean0":
            rhs = "np.mean(%s, axis=0)" % m
        elif k == "prod0":
            rhs = "np.prod(%s, axis=0)" % m
        elif k == "cumsum1":
            rhs = "np.cumsum(%s, axis=1)[1]" % m
        elif k == "keepdims":
            rhs = "(%s * np.sum(%s, axis=1, keepdims=True))[0]" % (m, m)
        else:
            self.emit(out, ind, "%s = np.max(%s, axis=0)" % (v, m),
                      "%s = _kink(%s[0] - %s[1], np.max(%s, axis=0))" % (v, m, m, m))
            self.define(env, "v", v)
            return
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_reshape(self, env, out, ind):
        m = self.tmp("m")
        self.emit(out, ind, "%s = np.stack([%s, %s]).T" % (m, self.vec(env), self.vec(env)))
        v = self.fresh("v")
        rhs = self.pick(["np.reshape(%s, (%d,))[::2]" % (m, 2 * self.n),
                         "%s.reshape(-1)[1::2]" % m,
                         "np.transpose(%s)[1]" % m,
                         "%s.ravel()[:%d] * %s.T[0]" % (m, self.n, m),
                         "np.reshape(%s.T, (2, %d))[0]" % (m, self.n)])
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_while(self, env, out, ind):
        k, t = self.tmp("k"), self.fresh("v")
        self.emit(out, ind, "%s = 0" % k)
        self.emit(out, ind, "%s = %s * 1.0" % (t, self.vec(env)))
        self.emit(out, ind, "while %s < %d:" % (k, self.draw(st.integers(0, 3))))
        self.emit(out, ind + 1, "%s = np.sin(%s) * 0.9 + %s * 0.5" % (t, t, self.vec(env)))
        self.emit(out, ind + 1, "%s += 1" % k)
        self.define(env, "v", t)

    def ft_breakcont(self, env, out, ind):
        self.loops += 1
        i = "i%d" % self.loops
        acc = self.fresh("s")
        x = self.pick(self.vars_of(env, "v"))
        self.emit(out, ind, "%s = 0.0" % acc)
        K = self.draw(st.integers(1, 5))
        self.emit(out, ind, "for %s in range(%d):" % (i, K))
        kind = self.pick(["break", "continue", "data-break"])
        if kind == "data-break":
            t = self.pick(THRESHOLDS)
            self.emit(out, ind + 1, "if %s[%s %% %d] > %r:" % (x, i, self.n, t),
                      "if _probe(%s[%s %% %d], %r):" % (x, i, self.n, t))
            self.emit(out, ind + 2, "break")
        else:
            self.emit(out, ind + 1, "if %s == %d:" % (i, self.draw(st.integers(0, K))))
            self.emit(out, ind + 2, kind)
        self.emit(out, ind + 1, "%s = %s * 0.9 + %s[%s %% %d] * %s" % (
            acc, acc, x, i, self.n, self.sca(env)))
        self.define(env, "s", acc)

    def ft_early_return(self, env, out, ind):
        v = self.fresh("v")
        self.emit(out, ind, "%s = he(%s, %r)" % (v, self.vec(env), self.pick(THRESHOLDS)))
        self.define(env, "v", v)

    def ft_comprehension(self, env, out, ind):
        k = self.pick(["array", "sum_list", "sum_gen", "stack", "dict"])
        x = self.pick(self.vars_of(env, "v"))
        if k == "array":
            name, kind = self.fresh("v"), "v"
            rhs = "np.array([np.sin(%s[j]) * %s for j in range(%d)])" % (x, self.sca(env),
                                                                        self.n)
        elif k == "sum_list":
            name, kind = self.fresh("s"), "s"
            rhs = "sum([t * t for t in %s])" % x
        elif k == "sum_gen":
            name, kind = self.fresh("s"), "s"
            rhs = "sum(t * %s for t in %s)" % (self.sca(env), x)
        elif k == "stack":
            name, kind = self.fresh("v"), "v"
            rhs = "np.stack([%s[j] * %s for j in range(2)])[1]" % (x, self.vec(env))
        else:
            d = self.tmp("d")
            self.emit(out, ind, "%s = {k: %s * k for k in (1.0, 2.0)}" % (d, self.vec(env)))
            name, kind = self.fresh("v"), "v"
            rhs = "%s[2.0] - %s[1.0]" % (d, d)
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, kind, name)

    def ft_containers(self, env, out, ind):
        k = self.pick(["list", "dict", "tuple", "unpack", "nested", "concat"] +
                      ([] if self.avoid_known else ["dict_ctor"]))
        x, y, s_ = self.vec(env), self.vec(env), self.sca(env)
        c = self.tmp("L")
        v = self.fresh("v")
        if k == "list":
            self.emit(out, ind, "%s = [%s, %s]" % (c, x, y))
            rhs = "%s[0] * %s[1]" % (c, c)
        elif k == "dict":
            self.emit(out, ind, "%s = {'p': %s, 'q': %s}" % (c, x, s_))
            rhs = "%s['p'] * %s['q']" % (c, c)
        elif k == "dict_ctor":      # KNOWN_CONSTRUCTS["dict_ctor"]
            self.emit(out, ind, "%s = dict(p=%s, q=%s)" % (c, x, y))
            rhs = "%s['p'] * %s['q']" % (c, c)
        elif k == "tuple":
            self.emit(out, ind, "%s = (%s, %s)" % (c, x, s_))
            rhs = "%s[0] * %s[1]" % (c, c)
        elif k == "unpack":
            p, q = self.tmp("p"), self.tmp("q")
            self.emit(out, ind, "%s, %s = %s * 2.0, %s" % (p, q, x, y))
            rhs = "%s * %s" % (p, q)
        elif k == "nested":
            self.emit(out, ind, "%s = [(%s, %s), (%s, 0.5)]" % (c, x, s_, y))
            rhs = "%s[1][0] * %s[0][1] + %s[0][0] * %s[1][1]" % (c, c, c, c)
        else:
            self.emit(out, ind, "%s = [%s]" % (c, x))
            self.emit(out, ind, "%s = %s + [%s]" % (c, c, y))
            rhs = "%s[0] + %s[-1] * 0.5" % (c, c)
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_closure(self, env, out, ind):
        v = self.fresh("v")
        s_ = self.pick(self.vars_of(env, "s"))
        if self.coin():
            g = self.tmp("g")
            self.emit(out, ind, "%s = lambda u: np.sin(u) * %s" % (g, s_))
        else:
            g = self.tmp("inner")
            y = self.pick(self.vars_of(env, "v"))
            self.emit(out, ind, "def %s(u):" % g)
            self.emit(out, ind + 1, "return u * %s + %s" % (s_, y))
        self.emit(out, ind, "%s = %s(%s)" % (v, g, self.vec(env)))
        self.define(env, "v", v)

    def ft_kwargs(self, env, out, ind):
        v = self.fresh("v")
        form = self.pick(["hk(%s, shift=%s, scale=0.5)", "hk(%s, scale=%s)",
                          "hk(u=%s, shift=%s)", "hk(%s, %s)"])
        self.emit(out, ind, "%s = %s" % (v, form % (self.vec(env), self.sca(env))))
        self.define(env, "v", v)

    def ft_nonsmooth(self, env, out, ind):
        x, y = self.vec(env), self.vec(env)
        off = self.pick([0.137, -0.211, 0.173, 0.311])
        k = self.pick(["abs", "maximum", "where", "minimum", "max", "babs"])
        if k in ("max", "babs"):
            name, kind = self.fresh("s"), "s"
            s_ = self.sca(env)
            if k == "max":
                plain = "max(%s, %r)" % (s_, off)
            else:
                plain = "abs(%s - %r)" % (s_, off)
            probe = "_kink((%s) - %r, %s)" % (s_, off, plain)
        else:
            name, kind = self.fresh("v"), "v"
            d = "(%s) - (%s) - %r" % (x, y, off)
            if k == "abs":
                plain = "np.abs((%s) - (%s) - %r)" % (x, y, off)
            elif k == "maximum":
                plain = "np.maximum(%s, (%s) + %r)" % (x, y, off)
            elif k == "minimum":
                plain = "np.minimum(%s, (%s) + %r)" % (x, y, off)
            else:
                plain = "np.where((%s) > (%s) + %r, %s, (%s) * 2.0)" % (x, y, off, x, y)
            probe = "_kink(%s, %s)" % (d, plain)
        self.emit(out, ind, "%s = %s" % (name, plain), "%s = %s" % (name, probe))
        self.define(env, kind, name)

    def ft_float32(self, env, out, ind):
        self.float32 = True
        if self.avoid_known:
            self.skip_tape = TAPE_KNOWN["float32"]
        v = self.fresh("v")
        self.emit(out, ind, "%s = (%s.astype(np.float32) * 0.5).astype(np.float64)" % (
            v, self.pick(self.vars_of(env, "v"))))
        self.define(env, "v", v)

    def ft_math(self, env, out, ind):
        name = self.fresh("s")
        s_ = self.sca(env)
        form = self.pick(["math.sin(%s)", "math.cos(%s)", "math.tanh(%s)",
                          "math.exp(math.tanh(%s))", "math.log(1.0 + (%s) ** 2)",
                          "math.sqrt(1.0 + (%s) ** 2)", "math.atan(%s)",
                          "math.hypot(%s, 0.5)"])
        self.emit(out, ind, "%s = %s" % (name, form % s_))
        self.define(env, "s", name)

    def ft_gradmode(self, env, out, ind):
        self.has_fd = True
        v = self.fresh("v")
        k = self.pick(["no_grad", "stop_gradient", "nested"])
        self.freezes += 1
        key = self.freezes
        x = self.vec(env)
        if k == "stop_gradient":
            y = self.vec(env)
            self.emit(out, ind, "%s = srcgrad.stop_gradient(%s) * %s" % (v, x, y),
                      fd="%s = _freeze(%d, %s) * %s" % (v, key, x, y))
        elif k == "no_grad":
            if self.avoid_known or self.coin():
                # a bare name would be an alias, not an op: KNOWN_CONSTRUCTS["no_grad_alias"]
                x = "(%s) * 1.0" % x
            self.emit(out, ind, "with srcgrad.no_grad():", fd="if True:")
            self.emit(out, ind + 1, "%s = %s" % (v, x), fd="%s = _freeze(%d, %s)" % (v, key, x))
        else:
            t = self.tmp("t")
            y = self.vec(env)
            self.emit(out, ind, "with srcgrad.no_grad():", fd="if True:")
            self.emit(out, ind + 1, "%s = %s * 2.0" % (t, x),
                      fd="%s = _freeze(%d, %s * 2.0)" % (t, key, x))
            self.emit(out, ind + 1, "with srcgrad.enable_grad():", fd="if True:")
            self.emit(out, ind + 2, "%s = %s * %s" % (v, y, t))
        self.define(env, "v", v)

    def ft_custom_vjp(self, env, out, ind):
        v = self.fresh("v")
        if self.coin():
            rhs = "cv1(%s)" % self.vec(env)
        else:
            rhs = "cv2(%s, %s)" % (self.vec(env), self.vec(env))
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_multi_output(self, env, out, ind):
        if self.avoid_known:
            self.skip_tape = TAPE_KNOWN["multi_output"]
        k = self.pick(["slogdet", "slogdet_field", "eigh", "divmod", "modf"] +
                      ([] if self.avoid_known else ["builtin_divmod"]))
        x, y = self.vec(env), self.vec(env)
        if k in ("slogdet", "slogdet_field"):
            r = self.tmp("sd")
            name, kind = self.fresh("s"), "s"
            self.emit(out, ind, "%s = np.linalg.slogdet(np.eye(%d) + 0.1 * np.outer(np.tanh(%s), "
                      "np.tanh(%s)))" % (r, self.n, x, y))
            rhs = "%s[1]" % r if k == "slogdet" else "%s.logabsdet" % r
        elif k == "eigh":
            w, V = self.tmp("w"), self.tmp("V")
            name, kind = self.fresh("s"), "s"
            self.emit(out, ind, "%s, %s = np.linalg.eigh(np.outer(np.tanh(%s), np.tanh(%s)) "
                      "* 0.1 + np.diag(np.arange(1.0, %d.0)))" % (w, V, x, x, self.n + 1))
            rhs = "np.dot(%s, np.linspace(0.3, -0.4, %d))" % (w, self.n)
        elif k == "builtin_divmod":     # KNOWN_CONSTRUCTS["builtin_divmod"]
            q, r = self.tmp("q"), self.tmp("r")
            name, kind = self.fresh("s"), "s"
            self.emit(out, ind, "%s, %s = divmod(np.tanh(%s) + 3.1, 5.3)" % (
                q, r, self.sca(env)))
            rhs = "%s * 2.0" % r
        elif k == "divmod":
            q, r = self.tmp("q"), self.tmp("r")
            name, kind = self.fresh("v"), "v"
            self.emit(out, ind, "%s, %s = np.divmod(np.tanh(%s) + 3.1, 5.3)" % (q, r, x))
            rhs = "%s * %s" % (r, y)
        else:
            fr, it = self.tmp("fr"), self.tmp("it")
            name, kind = self.fresh("v"), "v"
            self.emit(out, ind, "%s, %s = np.modf(np.tanh(%s) * 0.4 + 3.5)" % (fr, it, x))
            rhs = "%s * %s + %s" % (fr, y, it)
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, kind, name)

    def ft_inplace(self, env, out, ind):       # KNOWN_CONSTRUCTS["inplace"]
        v = self.fresh("v")
        self.emit(out, ind, "%s = %s * 1.0" % (v, self.vec(env)))
        k = self.pick(["sort", "fill"])
        if k == "sort":
            self.emit(out, ind, "%s.sort()" % v)
        else:
            self.emit(out, ind, "%s.fill(0.5)" % v)
            self.emit(out, ind, "%s[0] = %s" % (v, self.sca(env)))
        self.define(env, "v", v)

    def ft_out(self, env, out, ind):           # KNOWN_CONSTRUCTS["out"]
        v = self.fresh("v")
        self.emit(out, ind, "%s = np.zeros(%d)" % (v, self.n))
        # np.sin(x, v): KNOWN_CONSTRUCTS["positional_out"]
        form = self.pick(["np.multiply(%s, 2.0, out=%s)", "np.cumsum(%s, out=%s)",
                          "np.sin(%s, %s)"])
        self.emit(out, ind, form % (self.vec(env), v))
        self.define(env, "v", v)

    def ft_loop_container(self, env, out, ind):
        self.loops += 1
        i = "i%d" % self.loops
        L = self.tmp("L")
        K = self.draw(st.integers(1, 3))
        k = self.pick(["stack", "array", "builtin_sum"] +
                      ([] if self.avoid_known else ["np_sum"]))
        self.emit(out, ind, "%s = []" % L)
        self.emit(out, ind, "for %s in range(%d):" % (i, K))
        if k == "array" or k == "np_sum":
            x = self.pick(self.vars_of(env, "v"))
            self.emit(out, ind + 1, "%s.append(%s[%s %% %d] * %s)" % (L, x, i, self.n,
                                                                      self.sca(env)))
            name, kind = self.fresh("s"), "s"
            # np_sum: KNOWN_CONSTRUCTS["loop_container_sum"]
            rhs = ("np.sum(np.array(%s))" if k == "array" else "np.sum(%s)") % L
        else:
            x = self.pick(self.vars_of(env, "v"))
            self.emit(out, ind + 1, "%s.append(%s * %s[%s %% %d])" % (L, self.vec(env), x, i,
                                                                      self.n))
            name, kind = self.fresh("v"), "v"
            rhs = ("np.stack(%s)[-1]" if k == "stack" else "sum(%s)") % L
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, kind, name)

    def ft_module_alias(self, env, out, ind):
        v = self.fresh("v")
        if not self.avoid_known and self.coin():     # KNOWN_CONSTRUCTS["module_alias_local"]
            m = self.tmp("mm")
            self.emit(out, ind, "%s = np" % m)
        else:
            m = "xp"            # a module-level alias
        self.emit(out, ind, "%s = %s.sin(%s) * %s.tanh(%s)" % (v, m, self.vec(env), m,
                                                              self.vec(env)))
        self.define(env, "v", v)

    def ft_decorated(self, env, out, ind):     # KNOWN_CONSTRUCTS["decorated"]
        v = self.fresh("v")
        self.emit(out, ind, "%s = hd(%s)" % (v, self.vec(env)))
        self.define(env, "v", v)

    def ft_fancy_repeat(self, env, out, ind):  # KNOWN_CONSTRUCTS["fancy_repeat"]
        v = self.fresh("v")
        idx = [self.draw(st.integers(0, self.n - 1)) for _ in range(3)]
        idx[1] = idx[0]
        self.emit(out, ind, "%s = np.zeros(%d)" % (v, self.n))
        op = self.pick(["=", "+="])
        self.emit(out, ind, "%s[%r] %s (%s)[:3]" % (v, idx, op, self.vec(env)))
        self.define(env, "v", v)

    def ft_helper_alias(self, env, out, ind):
        v2, v3 = self.fresh("v"), self.fresh("v")
        self.emit(out, ind, "%s = %s * 1.0" % (v2, self.vec(env)))
        self.emit(out, ind, "%s = hr(%s, %s)" % (v3, v2, v2))
        self.emit(out, ind, "%s += %s" % (v3, self.sca(env)))
        self.define(env, "v", v2)


    def ft_linalg(self, env, out, ind):
        m = self.tmp("m")
        self.emit(out, ind, "%s = np.eye(%d) * 2.0 + 0.3 * np.outer(np.tanh(%s), np.tanh(%s))"
                  % (m, self.n, self.vec(env), self.vec(env)))
        k = self.pick(["solve", "inv", "det", "slogdet0"])
        if k == "det":
            name, kind, rhs = self.fresh("s"), "s", "np.linalg.det(%s)" % m
        elif k == "slogdet0":
            name, kind, rhs = self.fresh("s"), "s", "np.log(np.abs(np.linalg.det(%s)))" % m
        elif k == "solve":
            name, kind, rhs = self.fresh("v"), "v", "np.linalg.solve(%s, %s)" % (m,
                                                                            self.vec(env))
        else:
            name, kind, rhs = self.fresh("v"), "v", "np.linalg.inv(%s) @ %s" % (m,
                                                                           self.vec(env))
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, kind, name)

    def ft_indexing(self, env, out, ind):
        x = self.pick(self.vars_of(env, "v"))
        k = self.pick(["perm", "negstep", "mask_const", "ellipsis", "newaxis"])
        v = self.fresh("v")
        if k == "perm":
            perm = list(range(self.n))[::-1]
            perm[0], perm[-1] = perm[-1], perm[0]
            rhs = "%s[%r] * %s" % (x, perm, self.vec(env))
        elif k == "negstep":
            rhs = "%s[-1::-1] * %s[::-2].sum()" % (x, self.pick(self.vars_of(env, "v")))
        elif k == "mask_const":
            mask = [bool(self.coin()) for _ in range(self.n)]
            rhs = "np.where(np.array(%r), %s, 0.5)" % (mask, x)
        elif k == "ellipsis":
            rhs = "%s[...] * 1.5" % x
        else:
            rhs = "%s[:, None][:, 0] * (%s)[None, :][0]" % (x, self.vec(env))
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_iteration(self, env, out, ind):
        name = self.fresh("s")
        x, y = self.pick(self.vars_of(env, "v")), self.pick(self.vars_of(env, "v"))
        self.emit(out, ind, "%s = 0.0" % name)
        k = self.pick(["rows", "zip", "enumerate", "values"])
        if k == "rows":
            m = self.tmp("m")
            self.emit(out, ind, "%s = np.outer(%s, %s)" % (m, x, y))
            self.emit(out, ind, "for row in %s:" % m)
            self.emit(out, ind + 1, "%s = %s + np.sum(row * %s)" % (name, name, x))
        elif k == "zip":
            self.emit(out, ind, "for p, q in zip(%s, %s):" % (x, y))
            self.emit(out, ind + 1, "%s = %s + p * q" % (name, name))
        elif k == "enumerate":
            self.emit(out, ind, "for j, p in enumerate(%s):" % x)
            self.emit(out, ind + 1, "%s = %s + p * (j + 1.0)" % (name, name))
        else:
            self.emit(out, ind, "for p in %s:" % x)
            self.emit(out, ind + 1, "%s = %s * 0.5 + np.sin(p)" % (name, name))
        self.define(env, "s", name)

    def ft_tuple_helper(self, env, out, ind):
        v, s_ = self.fresh("v"), self.fresh("s")
        self.emit(out, ind, "%s, %s = ht(%s, %s)" % (v, s_, self.vec(env), self.vec(env)))
        self.define(env, "v", v)
        self.define(env, "s", s_)

    def ft_einsum(self, env, out, ind):
        x, y = self.vec(env), self.vec(env)
        k = self.pick(["dot", "outer_contract", "transpose"])
        if k == "dot":
            name, kind, rhs = self.fresh("s"), "s", "np.einsum('i,i', %s, %s)" % (x, y)
        elif k == "outer_contract":
            name, kind = self.fresh("v"), "v"
            rhs = "np.einsum('ij,j->i', np.outer(%s, %s), %s)" % (x, y, self.vec(env))
        else:
            name, kind = self.fresh("v"), "v"
            rhs = "np.einsum('ij->ji', np.outer(%s, %s))[0]" % (x, y)
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, kind, name)

    def ft_concat(self, env, out, ind):
        x, y = self.vec(env), self.vec(env)
        v = self.fresh("v")
        k = self.pick(["concatenate", "hstack", "clip"])
        if k == "concatenate":
            rhs = "np.concatenate([%s, %s])[%d:%d]" % (x, y, self.n // 2, self.n // 2 + self.n)
        elif k == "hstack":
            rhs = "np.hstack([%s, %s * 0.5])[1:%d]" % (x, y, self.n + 1)
        else:
            lo, hi = self.pick([(-0.5137, 0.5211), (-2.0, 0.3173)])
            rhs = "np.clip(%s, %r, %r)" % (x, lo, hi)
            self.emit(out, ind, "%s = %s" % (v, rhs), "%s = _kink(np.minimum(np.abs((%s) - %r), "
                      "np.abs((%s) - %r)), %s)" % (v, x, lo, x, hi, rhs))
            self.define(env, "v", v)
            return
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_fallback(self, env, out, ind):
        """Constructs the compiler refuses (auto runs the tape)."""
        # generator: KNOWN_CONSTRUCTS["generator_callee"]
        k = self.pick(["recursion", "try"] + ([] if self.avoid_known else ["generator"]))
        if k == "recursion":
            name = self.fresh("s")
            self.emit(out, ind, "%s = hrec(%s, %d)" % (name, self.vec(env),
                                                       self.draw(st.integers(0, 2))))
            self.define(env, "s", name)
        elif k == "generator":
            name = self.fresh("s")
            self.emit(out, ind, "%s = sum(hgen(%s, %s))" % (name, self.vec(env),
                                                           self.sca(env)))
            self.define(env, "s", name)
        else:
            v = self.fresh("v")
            self.emit(out, ind, "try:")
            self.emit(out, ind + 1, "%s = %s * %s" % (v, self.vec(env), self.vec(env)))
            self.emit(out, ind, "except ValueError:")
            self.emit(out, ind + 1, "%s = %s * 1.0" % (v, self.vec(env)))
            self.define(env, "v", v)

    def ft_view_write(self, env, out, ind):
        """A write through a view: refused by both engines today, or right."""
        v = self.fresh("v")
        self.emit(out, ind, "%s = %s * 1.0" % (v, self.vec(env)))
        w = self.tmp("w")
        self.emit(out, ind, "%s = %s[1:]" % (w, v))
        self.emit(out, ind, "%s[0] = %s" % (w, self.sca(env)))
        self.define(env, "v", v)

    def ft_var_std(self, env, out, ind):
        name = self.fresh("s")
        x = self.vec(env)
        forms = ["np.var(%s)", "np.std(%s + 0.01 * np.arange(%d.0))" % ("%s", self.n),
                 "np.sum(np.var(np.stack([%s, %s * 0.5 + 0.1]), axis=0))" % ("%s", "%s")]
        if not self.avoid_known:     # TAPE_KNOWN["var_std_method"]: PyTorch's methods
            forms += ["(%s).var()", "(%s).std()"]
        form = self.pick(forms)
        if form.count("%s") == 2:
            rhs = form % (x, x)
        else:
            rhs = form % x
        self.emit(out, ind, "%s = %s" % (name, rhs))
        self.define(env, "s", name)

    def ft_container_methods(self, env, out, ind):     # KNOWN_CONSTRUCTS
        v = self.fresh("v")
        d = self.tmp("d")
        x, y = self.vec(env), self.vec(env)
        if self.coin():
            self.emit(out, ind, "%s = {'p': %s}" % (d, x))
            self.emit(out, ind, "%s.update(q=%s)" % (d, y))
            rhs = "%s['p'] * %s['q']" % (d, d)
        else:
            self.emit(out, ind, "%s = [%s, %s * 2.0]" % (d, x, y))
            self.emit(out, ind, "%s.reverse()" % d)
            rhs = "%s[0] * 3.0 + %s[1]" % (d, d)
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)

    def ft_item_update(self, env, out, ind):
        """An array in a list or dict updated in place, through the container
        or through a name taken out of it (NumPy changes every holder of the
        array): the compiler must be right or refuse."""
        v = self.fresh("v")
        c, p, q = self.tmp("c"), self.tmp("p"), self.tmp("q")
        x, y = self.vec(env), self.vec(env)
        a = self.pick([x, "%s * 1.0" % x])
        op, s = self.pick(["+=", "-=", "*="]), self.sca(env)
        form = self.pick(["dict", "list", "unpack", "loop", "twice"])
        if form == "dict":
            self.emit(out, ind, "%s = {'p': %s, 'q': %s}" % (c, a, y))
            self.emit(out, ind, "%s['p'] %s %s" % (c, op, s))
            rhs = "%s['p'] * %s['q'] + %s" % (c, c, x)
        elif form == "list":
            self.emit(out, ind, "%s = [%s, %s]" % (c, a, y))
            self.emit(out, ind, "%s[0] %s %s" % (c, op, s))
            rhs = "%s[0] * %s + %s" % (c, y, x)
        elif form == "unpack":
            self.emit(out, ind, "%s = [%s, %s]" % (c, a, y))
            self.emit(out, ind, "%s, %s = %s" % (p, q, c))
            self.emit(out, ind, "%s %s %s" % (p, op, s))
            rhs = "%s[0] * %s + %s" % (c, q, p)
        elif form == "loop":
            self.emit(out, ind, "%s = {'p': %s, 'q': %s}" % (c, a, y))
            self.emit(out, ind, "for %s, %s in %s.items():" % (p, q, c))
            self.emit(out, ind + 1, "%s %s %s" % (q, op, s))
            rhs = "%s['p'] + %s['q'] * %s" % (c, c, x)
        else:
            self.emit(out, ind, "%s = %s * 1.0" % (p, x))
            self.emit(out, ind, "%s = [%s, %s]" % (c, p, p))
            self.emit(out, ind, "%s[1] %s %s" % (c, op, s))
            rhs = "%s[0] * %s" % (c, y)
        self.emit(out, ind, "%s = %s" % (v, rhs))
        self.define(env, "v", v)


def _render(lines, probe, fd=False):
    """The text of ``lines`` -- (indent, plain, probe[, fd]) -- in the plain, probe
    (``probe=True``) or finite-difference (``fd=True``) rendering."""
    text = []
    for line in lines:
        ind, plain, pr = line[:3]
        fdl = line[3] if len(line) > 3 else None
        if fd:
            text.append("    " * ind + (fdl if fdl is not None else plain))
        else:
            text.append("    " * ind + (pr if probe and pr is not None else plain))
    return text


def _body(gen, env, count, depth):
    out = []
    gen.statements(env, count, depth, out, 1)
    return out


@st.composite
def programs(draw, max_helpers=2, max_statements=6, aliasing=False, avoid_known=True,
             features=None):
    """Hypothesis strategy of :class:`Program`. ``avoid_known`` keeps away from the
    constructs of the known bugs kept in ``regressions.py`` (and, for the features,
    ``regressions_sweep.py``). ``features``: None (the original generator, drawing
    exactly what it always drew) or a collection of names from :data:`FEATURES`, used
    at the top level of ``f``."""
    n = draw(st.integers(3, 5))
    if features is None:
        gen = _Gen(draw, n, aliasing, avoid_known)
    else:
        gen = _ExtGen(draw, n, aliasing, avoid_known, features)
    modules = [[], [], []]      # plain, probe, finite-difference renderings
    if aliasing and avoid_known:
        # with user helpers in a program, the compiler does not check in-place updates
        # through aliases at all (regressions.py "compiler-alias-*", "compiler-helper-*")
        max_helpers = 0
    for h in range(draw(st.integers(0, max_helpers))):
        name = "h%d" % (h + 1)
        params = tuple(draw(st.sampled_from(["v", "s"])) for _ in range(draw(st.integers(1, 2))))
        if "v" not in params:
            params = ("v",) + params[1:]
        pnames = ["u", "w"][:len(params)]
        env = dict(zip(pnames, params))
        env["#params"] = tuple(pnames)
        body = _body(gen, env, draw(st.integers(0, 2)), 1)
        ret = draw(st.sampled_from(["s", "v"]))
        body.append((1, "return %s" % gen.rhs(env, ret), None))
        head = "def %s(%s):" % (name, ", ".join(pnames))
        for k, probe in enumerate((False, True, False)):
            modules[k] += [head] + _render(body, probe, fd=k == 2) + [""]
        gen.helpers.append((name, params, ret))
    env = {"a": "v", "b": "v", "c": "s", "#params": ("a", "b", "c")}
    if features is not None:
        env["#top"] = True
    body = _body(gen, env, draw(st.integers(1, max_statements)), 2)
    # the result uses every variable (so every statement's gradient is exercised)
    terms = []
    for v, kind in env.items():
        if v.startswith("#") or v in ("a", "b", "c"):
            continue
        terms.append("np.sum(%s)" % v if kind == "v" else v)
    terms.append(draw(st.sampled_from(["np.sum(a * b)", "c * np.sum(a)", "np.dot(b, b)"])))
    body.append((1, "return %s" % " + ".join(terms), None))
    for k, probe in enumerate((False, True, False)):
        modules[k] += ["def f(a, b, c):"] + _render(body, probe, fd=k == 2) + [""]
    header = "import numpy as np\n\n\n"
    if features is None:
        return Program(header + "\n".join(modules[0]),
                       header + "\n".join(modules[1]), n)
    header = "import functools\nimport math\n\nimport numpy as np\n\nimport srcgrad\n\n" \
        "xp = np\n\n\n"
    prelude = [[], [], []]
    for feature in gen.prelude:
        for k in range(3):
            for plain, probe in _PRELUDE[feature]:
                prelude[k].append(probe if k == 1 and probe is not None else plain)
            prelude[k] += ["", ""]
    texts = [header + "\n".join(prelude[k] + modules[k]) for k in range(3)]
    return Program(texts[0], texts[1], n, fd_source=texts[2] if gen.has_fd else None,
                   float32=gen.float32, skip_tape=gen.skip_tape,
                   features=sorted(gen.used))


def inputs_for(n):
    """A strategy of ``(a, b, c)``: two float vectors of length ``n`` and a float, all
    in [-1, 1]."""
    vec = st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=n, max_size=n).map(
        lambda xs: np.array(xs, dtype=float))
    return st.tuples(vec, vec, st.floats(-1.0, 1.0, allow_nan=False))


# ------------------------------------------------------------------- running

_DIR = None


def load(source, extra=None):
    """Import ``source`` as a module from a real file (the compiler reads source with
    ``inspect.getsource``); the same text gives the same module name."""
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="srcgrad_diff_")
        atexit.register(shutil.rmtree, _DIR, True)    # no files left behind
    name = "_diffprog_" + hashlib.sha1(source.encode()).hexdigest()[:16]
    if extra:
        name += "_probe"
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(_DIR, name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if extra:
        mod.__dict__.update(extra)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def branch_margin(program, args):
    """The smallest ``|lhs - t|`` over the branch conditions evaluated at ``args``
    (``inf`` if none)."""
    margins = []

    def _probe(lhs, t):
        margins.append(abs(float(lhs) - t))
        return lhs > t

    def _kink(d, value=None):
        """A kink of a non-smooth op at ``d == 0`` (extended programs): returns
        ``value`` (or ``d``)."""
        d = np.abs(np.asarray(d, dtype=float))
        margins.append(float(np.min(d)) if d.size else float("inf"))
        return d if value is None else value

    mod = load(program.probe_source, {"_probe": _probe, "_kink": _kink})
    mod._probe = _probe
    mod._kink = _kink
    with np.errstate(all="ignore"):
        mod.f(*_copy(args))
    return min(margins, default=float("inf"))


def _copy(args):
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def tape_cannot_run(exc):
    """Whether ``exc`` (raised by the tape) is a refusal to run the program rather than
    a crash: a :class:`TapeConversionError` (a tracked value written into an ndarray,
    ``float()`` of one) or PyTorch's in-place checks (a leaf updated in place, a value
    saved for backward modified in place)."""
    if isinstance(exc, TapeConversionError):
        return True
    return isinstance(exc, RuntimeError) and ("inplace" in str(exc) or "in-place" in str(exc))


def run_compiler(f, args, wrt=(0, 1, 2)):
    return srcgrad.value_and_grad(f, wrt=wrt, mode="compile")(*_copy(args))


def run_tape(f, args, wrt=(0, 1, 2)):
    value, pullback = tape_vjp(f, _copy(args), wrt=wrt)
    return value, pullback(1.0)


def check_program(program, args, rtol_engines=1e-9, fd_rtol=1e-5, fd_atol=1e-6):
    """Compiler against NumPy's value, against the tape (when the tape can run the
    program, see :func:`tape_cannot_run`) and against finite differences (when no
    branch is within :data:`MARGIN` of flipping).

    Returns the set of checks made, e.g. ``{"tape", "fd"}``."""
    f = load(program.source).f
    with np.errstate(all="ignore"):
        want = f(*_copy(args))
    if not np.isfinite(want) or abs(want) > 1e6:
        return {"too-large"}    # (runaway in-place updates of aliased arguments)
    cval, cgrads = run_compiler(f, args)
    np.testing.assert_allclose(float(cval), float(want), rtol=1e-12, atol=1e-12,
                               err_msg="compiler value != NumPy value")
    names = "abc"
    for i, cg in enumerate(cgrads):
        assert type(cg) is type(args[i]), "compiler grad %s: %r" % (names[i], type(cg))
    done = set()
    try:
        tval, tgrads = run_tape(f, args)
    except Exception as e:
        if not tape_cannot_run(e):
            raise
        done.add("tape-refused")
    else:
        np.testing.assert_allclose(float(tval), float(want), rtol=1e-12, atol=1e-12,
                                   err_msg="tape value != NumPy value")
        for i, (cg, tg) in enumerate(zip(cgrads, tgrads)):
            assert type(tg) is type(args[i]), "tape grad %s: %r" % (names[i], type(tg))
            np.testing.assert_allclose(cg, tg, rtol=rtol_engines, atol=1e-12,
                                       err_msg="compiler vs tape, d/d%s" % names[i])
        done.add("tape")
    if branch_margin(program, args) < MARGIN:
        return done
    for i, cg in enumerate(cgrads):
        fd = numeric_grad(lambda *a: f(*_copy(a)), _copy(args), i)
        if np.allclose(cg, fd, rtol=fd_rtol, atol=fd_atol):
            continue
        # a mismatch: is the finite difference itself reliable at this step? (strong
        # curvature -- long chains of loops -- makes it depend on eps; a wrong gradient
        # gives an FD that is stable under a smaller step)
        fd2 = numeric_grad(lambda *a: f(*_copy(a)), _copy(args), i, eps=2.5e-7)
        if not np.allclose(fd, fd2, rtol=fd_rtol / 10, atol=fd_atol / 10):
            done.add("fd-unstable")
            return done
        np.testing.assert_allclose(cg, fd, rtol=fd_rtol, atol=fd_atol,
                                   err_msg="compiler vs finite differences, d/d%s" % names[i])
    done.add("fd")
    return done


# ------------------------------------------------------------------- extended check

def _fd_function(program, args):
    """``f`` as finite differences see it: ``fd_source``'s, with each grad-mode block's
    value frozen at ``args`` (``_freeze(key, value)`` records at the base point, then
    replays), or the plain ``f``."""
    if program.fd_source is None:
        return load(program.source).f
    store, state = {}, {"record": True}

    def _freeze(key, value):
        if state["record"]:
            store[key] = value.copy() if isinstance(value, np.ndarray) else value
            return value
        return store[key]

    mod = load(program.fd_source, {"_freeze": _freeze})
    mod._freeze = _freeze
    with np.errstate(all="ignore"):
        mod.f(*_copy(args))
    state["record"] = False
    return mod.f


def _fd_agrees(fdf, grads, args, what, eps, fd_rtol, fd_atol):
    """Assert ``grads`` match central differences of ``fdf``; returns False (and does
    not assert) when the differences depend on the step (strong curvature, a kink)."""
    names = "abc"
    for i, g in enumerate(grads):
        with np.errstate(all="ignore"):
            fd = numeric_grad(lambda *a: fdf(*_copy(a)), _copy(args), i, eps=eps)
        if np.allclose(g, fd, rtol=fd_rtol, atol=fd_atol):
            continue
        with np.errstate(all="ignore"):
            fd2 = numeric_grad(lambda *a: fdf(*_copy(a)), _copy(args), i, eps=eps / 4)
        if not np.allclose(fd, fd2, rtol=fd_rtol / 10, atol=fd_atol / 10):
            return False
        np.testing.assert_allclose(g, fd, rtol=fd_rtol, atol=fd_atol,
                                   err_msg="%s vs finite differences, d/d%s" % (what, names[i]))
    return True


def check_extended(program, args):
    """:func:`check_program` for programs with features: the compiler may refuse
    (``SrcgradSyntaxError``, ``NoRuleError``: then ``mode="auto"`` must answer, checked
    against finite differences, or refuse loudly too); the tape may refuse
    (:func:`tape_cannot_run`, ``NoRuleError``) or be left out (``program.skip_tape``,
    a known tape bug); whatever answers is checked against NumPy's value, against the
    other engine (rtol 1e-9) and against finite differences (of ``fd_source`` when
    grad modes freeze values). float32 programs: rtol 1e-5 between engines, and
    finite differences at a step of 1e-3 with rtol 2e-2.

    Returns the set of checks made and refusals seen."""
    from srcgrad.errors import SrcgradSyntaxError
    from srcgrad.rules import NoRuleError
    f = load(program.source).f
    with np.errstate(all="ignore"):
        want = f(*_copy(args))
    if not np.isfinite(want) or abs(want) > 1e6:
        return {"too-large"}
    if program.float32:
        rtol_engines, rtol_value, eps, fd_rtol, fd_atol = 1e-5, 1e-6, 1e-3, 2e-2, 1e-3
    else:
        rtol_engines, rtol_value, eps, fd_rtol, fd_atol = 1e-9, 1e-12, 1e-6, 1e-5, 1e-6
    names = "abc"
    done, answers = set(), {}

    def value_ok(val, what):
        np.testing.assert_allclose(float(val), float(want), rtol=rtol_value, atol=1e-12,
                                   err_msg="%s value != NumPy value" % what)

    def kinds_ok(grads, what):
        for i, g in enumerate(grads):
            assert type(g) is type(args[i]), "%s grad %s: %r" % (what, names[i], type(g))

    try:
        cval, cgrads = run_compiler(f, args)
    except (SrcgradSyntaxError, NoRuleError):
        done.add("compile-refused")
    if "compile-refused" in done and program.skip_tape:
        done.add("auto-known")          # auto runs the tape: the same known bug
    elif "compile-refused" in done:
        try:
            aval, agrads = srcgrad.value_and_grad(f, wrt=(0, 1, 2), mode="auto")(
                *_copy(args))
        except Exception as e:
            if not (tape_cannot_run(e) or isinstance(e, NoRuleError)):
                raise
            done.add("auto-refused")
        else:
            value_ok(aval, "auto")
            kinds_ok(agrads, "auto")
            answers["auto"] = agrads
    if "compile-refused" not in done:
        value_ok(cval, "compiler")
        kinds_ok(cgrads, "compiler")
        answers["compiler"] = cgrads
    if program.skip_tape:
        done.add("tape-known")
    else:
        try:
            tval, tgrads = run_tape(f, args)
        except Exception as e:
            if not (tape_cannot_run(e) or isinstance(e, NoRuleError)):
                raise
            done.add("tape-refused")
        else:
            value_ok(tval, "tape")
            kinds_ok(tgrads, "tape")
            if "compiler" in answers:
                for i, (cg, tg) in enumerate(zip(answers["compiler"], tgrads)):
                    np.testing.assert_allclose(cg, tg, rtol=rtol_engines, atol=1e-12,
                                               err_msg="compiler vs tape, d/d%s" % names[i])
            answers["tape"] = tgrads
            done.add("tape")
    if not answers:
        done.add("all-refused")
        return done
    if branch_margin(program, args) < MARGIN:
        return done
    try:
        fdf = _fd_function(program, args)
    except KeyError:            # a frozen block not reached at the base point
        return done
    for what, grads in answers.items():
        if not _fd_agrees(fdf, grads, args, what, eps, fd_rtol, fd_atol):
            done.add("fd-unstable")
            return done
    done.add("fd")
    return done
