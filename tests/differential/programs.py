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
"""

import hashlib
import re
import importlib.util
import os
import sys
import tempfile

import numpy as np
from hypothesis import strategies as st

import srcgrad
from srcgrad.tape.engine import TapeConversionError, tape_vjp
from srcgrad.testing import numeric_grad

__all__ = ["Program", "programs", "inputs_for", "load", "check_program", "run_compiler",
           "run_tape", "tape_cannot_run", "branch_margin", "MARGIN"]

CONSTS = [0.5, -0.7, 1.5, 0.3, 2.0, -1.2, 0.9]
THRESHOLDS = [-0.5, 0.0, 0.25, 0.8]
MARGIN = 1e-3        # branch margins below this: no finite-difference comparison


class Program:
    """A generated module: ``source`` (what the engines see), ``probe_source`` (the same
    with branch conditions routed through ``_probe``), and ``n``, the vector length."""

    def __init__(self, source, probe_source, n):
        self.source = source
        self.probe_source = probe_source
        self.n = n

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


def _render(lines, probe):
    text = []
    for ind, plain, pr in lines:
        text.append("    " * ind + (pr if probe and pr is not None else plain))
    return text


def _body(gen, env, count, depth):
    out = []
    gen.statements(env, count, depth, out, 1)
    return out


@st.composite
def programs(draw, max_helpers=2, max_statements=6, aliasing=False, avoid_known=True):
    """Hypothesis strategy of :class:`Program`. ``avoid_known`` keeps away from the
    constructs of the known bugs kept in ``regressions.py``."""
    n = draw(st.integers(3, 5))
    gen = _Gen(draw, n, aliasing, avoid_known)
    modules = [[], []]
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
        for k, probe in enumerate((False, True)):
            modules[k] += [head] + _render(body, probe) + [""]
        gen.helpers.append((name, params, ret))
    env = {"a": "v", "b": "v", "c": "s", "#params": ("a", "b", "c")}
    body = _body(gen, env, draw(st.integers(1, max_statements)), 2)
    # the result uses every variable (so every statement's gradient is exercised)
    terms = []
    for v, kind in env.items():
        if v.startswith("#") or v in ("a", "b", "c"):
            continue
        terms.append("np.sum(%s)" % v if kind == "v" else v)
    terms.append(draw(st.sampled_from(["np.sum(a * b)", "c * np.sum(a)", "np.dot(b, b)"])))
    body.append((1, "return %s" % " + ".join(terms), None))
    for k, probe in enumerate((False, True)):
        modules[k] += ["def f(a, b, c):"] + _render(body, probe) + [""]
    header = "import numpy as np\n\n\n"
    return Program(header + "\n".join(modules[0]),
                   header + "\n".join(modules[1]), n)


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

    mod = load(program.probe_source, {"_probe": _probe})
    mod._probe = _probe
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
