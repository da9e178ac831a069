"""Every spec case of the rule table, differentiated through the compiler.

The rule tests check each rule as a function; here each case becomes a small
user function in a real module file, ``f(a0, a1, ...) = Re <U, prim(a0, a1, ...)>``,
and ``srcgrad.grad(f, mode="compile")`` is compared with central finite
differences along a random direction.  This exercises the compiler's handling
of every primitive's call forms (keywords, list arguments, tuple outputs,
inlined and called rules, unbroadcasting).  The first case of every row runs by
default; all cases run in the slow tier.
"""

import importlib.util
import itertools
import os

import numpy as np
import pytest

import srcgrad
from srcgrad.rules import NO_RULE
from rules_checker import C, axpy, inner, random_like, EPS
from rules_spec import ROWS, cases, make_args

_COUNTER = itertools.count()


def _module(tmp_dir, fn, nargs, kw, out_kind, n_out, nones=()):
    """A module defining ``f`` that calls ``fn`` and reduces its output.  An
    argument that is ``None`` is written as the literal ``None`` (a name could
    be an ``out=`` array: the compiler refuses a positional output it cannot see)."""
    params = ", ".join("a%d" % i for i in range(nargs))
    call = ", ".join("None" if i in nones else "a%d" % i for i in range(nargs))
    kws = "".join(", %s=K_%s" % (k, k) for k in kw)
    if out_kind == "seq":
        red = " + ".join("np.real(np.sum(np.asarray(out[%d]) * np.conj(U[%d])))" % (i, i)
                         for i in range(n_out))
    else:
        red = "np.real(np.sum(np.asarray(out) * np.conj(U)))"   # real for complex outputs
    src = ("import numpy as np\n\n\n"
           "def f(%s):\n"
           "    out = FN(%s%s)\n"
           "    return %s\n" % (params, call, kws, red))
    name = "_compiled_case_%d" % next(_COUNTER)
    path = os.path.join(tmp_dir, name + ".py")
    with open(path, "w") as fh:
        fh.write(src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run_case(tmp_path, row, case, seed):
    if row.opts.get("canon") is not None or row.opts.get("argnums"):
        pytest.skip("outputs compared up to a canonical form: covered by the rule tests")
    args = make_args(row, case, seed)
    consts = [isinstance(a, C) for a in args]
    vals = [a.value if isinstance(a, C) else a for a in args]
    prim = srcgrad.rules.lookup(row.fn)
    wrt = tuple(i for i, r in enumerate(prim.vjps) if r not in (None, NO_RULE) and i < len(vals)
                and not consts[i] and not isinstance(vals[i], (dict, tuple)) and
                not hasattr(vals[i], "_fields"))
    if not wrt:
        pytest.skip("no differentiable argument in this case")
    reseed = row.opts.get("reseed")
    if reseed:
        np.random.seed(seed)
    ans = row.fn(*vals, **row.kw)
    rng = np.random.default_rng(seed)
    seq = isinstance(ans, (tuple, list))
    if seq and not all(isinstance(a, (np.ndarray, float, np.floating, np.complexfloating))
                       for a in ans) or \
            isinstance(ans, srcgrad.runtime.Closure):   # closures: tests/compiler/corpus
        pytest.skip("structured output")
    u = [random_like(rng, np.asarray(a)) for a in ans] if seq else random_like(rng, ans)
    kind = "seq" if seq else "complex" if np.iscomplexobj(ans) else "one"
    mod = _module(str(tmp_path), row.fn, len(vals), row.kw, kind,
                  len(ans) if seq else 1, {i for i, v in enumerate(vals) if v is None})
    mod.FN, mod.U = row.fn, u
    for k, v in row.kw.items():
        setattr(mod, "K_" + k, v)
    if reseed:
        np.random.seed(seed)
    grads = srcgrad.grad(mod.f, wrt=wrt, mode="compile")(*vals)
    direction = [random_like(rng, vals[i]) for i in wrt]
    if row.opts.get("sym"):
        direction = [0.5 * (d + np.swapaxes(d, -1, -2)) for d in direction]
    plus, minus = list(vals), list(vals)
    for i, d in zip(wrt, direction):
        plus[i] = axpy(vals[i], d, EPS)
        minus[i] = axpy(vals[i], d, -EPS)
    if reseed:
        np.random.seed(seed)
    fplus = float(mod.f(*plus))
    if reseed:
        np.random.seed(seed)
    numeric = (fplus - float(mod.f(*minus))) / (2 * EPS)
    analytic = sum(inner(g, d) for g, d in zip(grads, direction))
    rtol, atol = row.opts.get("rtol", 1e-5), row.opts.get("atol", 1e-7)
    assert abs(numeric - analytic) <= atol + rtol * max(abs(numeric), abs(analytic)), \
        "compiled gradient %.10g, finite differences %.10g" % (analytic, numeric)


ALL = cases()
FIRST = [c for c in ALL if c[0].endswith("-0")]


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("name,row,case,seed", FIRST, ids=[c[0] for c in FIRST])
def test_first_case_of_each_primitive_through_the_compiler(tmp_path, name, row, case, seed):
    _run_case(tmp_path, row, case, seed)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("name,row,case,seed", ALL, ids=[c[0] for c in ALL])
def test_every_case_through_the_compiler(tmp_path, name, row, case, seed):
    _run_case(tmp_path, row, case, seed)


_ = ROWS
