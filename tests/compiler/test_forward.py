"""Forward mode (compiler/transforms/forward.py): every corpus function with float inputs,
``compile_jvp(...).fn`` against central finite differences of the function along
a random direction (``srcgrad.testing.numeric_jvp``), the value equal to the
function's; the cases forward mode refuses are listed in ``REFUSED`` with the
reason, and checked to be refused with the user's file named."""

import copy
import inspect
import math
import os
import sys
import threading

import numpy as np
import pytest

import srcgrad
from srcgrad.compiler import pipeline

from srcgrad.compiler.pipeline import compile_jvp
from srcgrad.compiler.frontend.varargs import flatten, has_varargs
from srcgrad.errors import NoRuleError, SrcgradSyntaxError
from srcgrad.runtime import object_fields
from srcgrad.testing import assert_allclose, numeric_jvp, random_tangent

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


# -- golden sources (keep these first: the comments name their lines) -------------------

def mlp_layer(x, W, b):
    h = np.tanh(W @ x + b)
    return np.sum(h * h)


def loop(x, n):
    for i in range(n):
        x = np.sin(x) * 1.01
    return x


def helper(h, k=2.0):
    return np.tanh(h) * k


def calls(x):
    return np.sum(helper(x) + helper(x, 0.5))


GOLDEN_CASES = [
    ("jvp_mlp_layer", mlp_layer, (0,), (("a", 3), ("a", 2, 3), ("a", 2))),
    ("jvp_loop", loop, (0,), ("f", "f")),
    ("jvp_calls", calls, (0,), (("a", 3),)),
]

from corpus import all_cases
from test_corpus import check_equal_trees

CASES = all_cases()

#: corpus functions forward mode refuses, with why (a substring of the refusal): none
REFUSED = {}

#: known failures outside the transform (strict: they must flip when fixed)
XFAIL = {
    "linalg.orthonormal_projector": (ValueError, "rules: np.linalg.qr(a, mode='complete') "
                                     "of a tall matrix is refused by its rule (Q's extra "
                                     "columns are not determined by a)"),
}


def kinds_of(args):
    """The kinds ``api.GradFunction`` specialises on."""
    out = []
    for a in args:
        if type(a) is np.ndarray:
            out.append(("a",) + a.shape)
        elif type(a) in (float, int, complex, np.float64):
            out.append("f")
        else:
            out.append(None)
    return tuple(out)


def _floaty(x):
    """Whether ``x`` has float (or complex) leaves to differentiate."""
    if isinstance(x, (float, complex)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    if isinstance(x, dict):
        return any(_floaty(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(_floaty(v) for v in x)
    fields = object_fields(x)
    return fields is not None and any(_floaty(v) for v in fields.values())


def _params():
    out = []
    for case in CASES:
        for k, args in enumerate(case.inputs):
            if not all(_floaty(args[i]) for i in case.wrt):
                continue
            marks = []
            reason = case.reason(k)
            if case.name in XFAIL:
                raises, why = XFAIL[case.name]
                marks = [pytest.mark.xfail(raises=raises, reason=why, strict=True)]
            elif reason and reason.startswith("compiler:"):   # reverse mode's known bug
                marks = [pytest.mark.xfail(reason=reason, strict=False)]
            out.append(pytest.param(case, k, id="%s[input %d]" % (case.name, k),
                                    marks=marks))
    return out


PARAMS = _params()


def full_args(fn, args):
    """``args`` with the defaults of the parameters they leave out: the JVP
    takes every positional parameter."""
    bound = inspect.signature(fn).bind(*args)
    bound.apply_defaults()
    return tuple(bound.args)


def _caller(fn):
    """``fn`` as a function of its flat argument list."""
    if not has_varargs(fn):
        return fn
    return lambda *flat: fn(*flat)   # the corpus's varargs cases spread positionally


def _run(case, k, seed=0):
    spread = None
    if has_varargs(case.fn):   # compiled for the call's flat argument list (varargs.py)
        args, spread = flatten(case.fn, copy.deepcopy(case.inputs[k]), {})
        args = tuple(args)
    else:
        args = full_args(case.fn, copy.deepcopy(case.inputs[k]))
    rng = np.random.default_rng(seed)
    tangents = [random_tangent(args[i], rng) for i in case.wrt]
    jvp = compile_jvp(case.fn, case.wrt, numeric=kinds_of(args), mode="compile",
                      spread=spread)
    before = copy.deepcopy((args, tangents))
    value, tangent = jvp.fn(*args, *tangents)
    return args, tangents, before, value, tangent


@pytest.mark.parametrize("case,k", PARAMS)
def test_jvp_matches_finite_differences(case, k):
    refused = REFUSED.get(case.name)
    if refused is not None:
        with pytest.raises((SrcgradSyntaxError, NoRuleError)) as err:
            _run(case, k)
        text = str(err.value)
        assert refused in text, text
        assert os.path.basename(case.fn.__code__.co_filename) in text
        return
    args, tangents, before, value, tangent = _run(case, k)
    # nothing passed in is changed
    check_equal_trees(list(args), list(before[0]))
    check_equal_trees(list(tangents), list(before[1]))
    want_value = _caller(case.fn)(*copy.deepcopy(before[0]))
    assert_allclose(value, want_value, rtol=1e-12, atol=1e-12)
    want = numeric_jvp(_caller(case.fn), before[0], case.wrt, before[1])
    assert np.shape(tangent) == np.shape(want_value)
    assert_allclose(tangent, want, rtol=max(case.rtol, 1e-5), atol=max(case.atol, 1e-6))


# -- golden source ----------------------------------------------------------------------

@pytest.mark.parametrize("name,fn,wrt,kinds", GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden_source(name, fn, wrt, kinds):
    """The generated JVP reads like hand-written code (update: run this file with
    ``--update`` and review the diff)."""
    text = compile_jvp(fn, wrt, numeric=kinds).source
    path = os.path.join(GOLDEN, name + ".py.txt")
    with open(path) as fh:
        assert text == fh.read()


def test_source_names_the_user_lines():
    text = pipeline.jvp_source(mlp_layer, (0,))
    assert "# line %d: h = np.tanh(W @ x + b)" % (mlp_layer.__code__.co_firstlineno + 1) \
        in text
    assert "def mlp_layer_jvp(x, W, b, dx):" in text


def _check(fn, args, wrt, seed=1, rtol=1e-6, atol=1e-7, **kw):
    """JVP value and tangent against the function and central differences."""
    rng = np.random.default_rng(seed)
    tangents = [random_tangent(args[i], rng) for i in wrt]
    value, tangent = compile_jvp(fn, wrt, numeric=kinds_of(args), **kw).fn(
        *copy.deepcopy(args), *copy.deepcopy(tangents))
    want = numeric_jvp(fn, args, wrt, tangents)
    _allclose_tree(value, fn(*copy.deepcopy(args)), 1e-12, 1e-12)
    _allclose_tree(tangent, want, rtol, atol)
    return value, tangent, tangents


def _allclose_tree(got, want, rtol, atol):
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want)
        for k in want:
            _allclose_tree(got[k], want[k], rtol, atol)
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want)
        for a, b in zip(got, want):
            _allclose_tree(a, b, rtol, atol)
    else:
        assert np.shape(got) == np.shape(want)
        assert_allclose(got, want, rtol=rtol, atol=atol)


# -- behaviour, each against central differences ----------------------------------------

X3 = np.array([0.3, -0.7, 1.1])


def test_structured_output_has_a_tangent_per_leaf():
    def f(x, c):
        return {"a": np.sin(x), "b": (x * c, c)}, [x[0], 2.0]
    value, tangent, _ = _check(f, (X3, 1.5), (0,))
    assert tangent[0]["b"][1] == 0.0 and tangent[1][1] == 0.0   # constants: zeros


def test_has_aux():
    def f(x):
        y = np.exp(x)
        return np.sum(y), {"peak": np.max(y)}
    jvp = compile_jvp(f, (0,), numeric=kinds_of((X3,)), has_aux=True)
    dx = np.array([1.0, 0.5, -2.0])
    (out, aux), tangent = jvp.fn(X3, dx)
    assert aux == {"peak": np.max(np.exp(X3))}
    assert_allclose(out, np.sum(np.exp(X3)))
    assert_allclose(tangent, numeric_jvp(lambda x: f(x)[0], (X3,), (0,), (dx,)))


def test_several_positions_in_order():
    def f(a, b, c):
        return a * np.cos(b) + c ** 3
    value, tangent, tangents = _check(f, (0.4, X3, 2.0), (2, 0))
    a, b, c = 0.4, X3, 2.0
    dc, da = tangents
    assert_allclose(tangent, da * np.cos(b) + 3 * c ** 2 * dc)   # hand-derived


def test_branch_defines_a_tangent_on_one_side():
    def f(x, flag):
        y = 2.0
        if flag:
            y = np.sum(x * x)
        return y * x
    _check(f, (X3, True), (0,))
    value, tangent, _ = _check(f, (X3, False), (0,))


def test_loop_carried_and_while():
    def f(x, n):
        s = 0.0
        k = 0
        while k < n:
            s = s + np.sin(x * k)
            k += 1
        acc = []
        for i in range(n):
            acc.append(s * i)
        return np.sum(np.stack(acc)) + np.sum(s)
    _check(f, (X3, 4), (0,))


def test_setitem_and_shared_tangents_are_copied():
    def f(x):
        y = x + 0.0          # its tangent is dx itself: copied before dy[1] = ...
        y[1] = 2.0
        z = np.zeros((2, 3))
        z[0] = x
        z[1, 1:] = y[:2] * x[0]
        return np.sum(y * x) + np.sum(z ** 2)
    x, dx = X3.copy(), np.array([0.3, -0.2, 0.5])
    jvp = compile_jvp(f, (0,), numeric=kinds_of((x,)))
    value, tangent = jvp.fn(x, dx)
    assert_allclose(tangent, numeric_jvp(f, (X3,), (0,), (np.array([0.3, -0.2, 0.5]),)))
    assert dx.tolist() == [0.3, -0.2, 0.5] and x.tolist() == X3.tolist()   # unchanged


def test_function_writing_into_its_argument_leaves_it_alone():
    def f(x):
        x[0] = 0.0
        x *= 2.0
        return np.sum(x ** 3)
    x = X3.copy()
    _check(f, (x,), (0,))
    assert x.tolist() == X3.tolist()


def test_lists_dicts_and_tuples():
    def f(p, x):
        out = {"w": p["w"] * x}
        parts = [np.sum(out["w"]), p["b"]]
        parts.append(parts[0] * parts[1])
        a, b, c = parts
        return a + b * c + sum(parts)
    _check(f, ({"w": X3, "b": 0.5}, X3), (0, 1))


def test_complex_holomorphic_is_f_prime_times_t():
    def f(z):
        return z ** 2 * np.sin(z)
    z, dz = 0.3 + 0.4j, 0.5 - 1.5j
    value, tangent = compile_jvp(f, (0,), numeric=("f",)).fn(z, dz)
    assert_allclose(tangent, (2 * z * np.sin(z) + z ** 2 * np.cos(z)) * dz)
    assert_allclose(tangent, numeric_jvp(f, (z,), (0,), (dz,)))


def test_complex_non_holomorphic_is_the_directional_derivative():
    def f(z):
        return np.abs(z) ** 2 + np.real(z * np.conj(z + 1.0))
    z = np.array([0.3 + 0.4j, -1.0 + 0.1j])
    _check(f, (z,), (0,))


def test_grad_modes_stop_tangents():
    def f(x):
        a = x * srcgrad.stop_gradient(x)
        with srcgrad.no_grad():
            b = x * 3.0
        return np.sum(a + b * x + srcgrad.detach(x) * x)
    dx = np.array([1.0, -1.0, 0.5])
    value, tangent = compile_jvp(f, (0,), numeric=kinds_of((X3,))).fn(X3, dx)
    # hand-derived: stopped factors are constants
    assert_allclose(tangent, np.sum(dx * X3 + 3.0 * X3 * dx + X3 * dx))


def test_user_calls_recursion_and_closures():
    def power(x, n):
        if n == 0:
            return 1.0 + 0.0 * x
        return x * power(x, n - 1)

    def f(x, n):
        scale = np.sum(x)
        g = lambda v: np.tanh(v * scale)
        return np.sum(g(power(x, n)))
    _check(f, (X3, 3), (0,))


def test_dynamic_callees():
    def f(x, act, acts):
        return np.sum(act(x) + acts["b"](x * 2.0))
    _check(f, (X3, np.tanh, {"b": np.sin}), (0,))

    def user_act(v):
        return v * np.exp(-v)
    _check(f, (X3, user_act, {"b": np.cos}), (0,))


def test_second_oracle_jax():
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def f(x, W):
        return np.sum(np.tanh(W @ x) ** 2) + np.prod(x[:2])

    def fj(x, W):
        return jnp.sum(jnp.tanh(W @ x) ** 2) + jnp.prod(x[:2])
    W = np.arange(9.0).reshape(3, 3) / 10
    dx, dW = np.array([0.1, 0.2, -0.3]), np.ones((3, 3)) / 7
    value, tangent = compile_jvp(f, (0, 1), numeric=kinds_of((X3, W))).fn(X3, W, dx, dW)
    v2, t2 = jax.jvp(fj, (X3, W), (dx, dW))
    assert_allclose(value, float(v2), rtol=1e-12)
    assert_allclose(tangent, float(t2), rtol=1e-10)


# -- refusals name the user's file and line ---------------------------------------------

def _refusal(fn, args, wrt=(0,), **kw):
    with pytest.raises((SrcgradSyntaxError, NoRuleError)) as err:
        compile_jvp(fn, wrt, numeric=kinds_of(args), **kw)
    text = str(err.value)
    assert os.path.basename(__file__) in text, text
    return text


def test_try_with_handlers_takes_the_functions_path():
    """A tangent that fails in a try body is not handed to the user's handler
    (runtime.TangentError, a BaseException): the JVP never takes a path the
    function did not take."""
    def f(x):
        try:
            y = math.sqrt(x) * 3.0    # at 0.0 the value is fine, its tangent divides by 0
        except ZeroDivisionError:
            y = x * 100.0
        return y
    jvp = compile_jvp(f, (0,), numeric=("f",))
    assert "with _rt.tangent_code:" in jvp.source
    value, tangent = jvp.fn(4.0, 1.0)
    assert (value, tangent) == (6.0, 0.75)
    with pytest.raises(srcgrad.runtime.TangentError):
        jvp.fn(0.0, 1.0)


def test_try_with_handlers_against_differences():
    def helper(v, limit):
        if np.any(v > limit):
            raise ValueError("too large")
        return v * np.exp(-v)

    def f(x, limit):
        y = x * 2.0
        try:
            y = np.sin(y) * x
            z = helper(y, limit)
            y = y + z
        except ValueError:
            y = y * 3.0 + x
        else:
            y = y * y
        finally:
            y = y + 1.0
        return np.sum(y)
    _check(f, (X3, 10.0), (0,))    # no exception
    _check(f, (X3, 0.1), (0,))     # the helper raises: the handler's tangent


def test_refuses_a_bare_except_around_tangents():
    def f(x):
        try:
            y = x * 2.0
        except BaseException:
            y = x
        return y
    text = _refusal(f, (X3,))
    assert "forward mode does not support an except clause that catches BaseException" \
        in text
    assert ":%d:" % (f.__code__.co_firstlineno + 3) in text
    assert 'mode="auto"' in text


def test_refuses_a_primitive_with_only_a_vjp():
    def cube(v):
        return v ** 3

    def cube_vjp(g, ans, v):
        return g * 3 * v ** 2
    srcgrad.defvjp(cube, cube_vjp)

    def f(x):
        return np.sum(cube(x))
    text = _refusal(f, (X3,))
    assert "cube" in text and "defjvp" in text


def test_refuses_a_callee_without_source_unless_auto_has_a_fallback(monkeypatch):
    """A global callable object is looked up when the call runs (forward_dynamic.py):
    one the compiler cannot read is refused there, at the user's line, or handed
    to pipeline.FALLBACK_JVP (the tape) in mode="auto"."""
    jvp = compile_jvp(_calls_opaque, (0,), numeric=kinds_of((X3,)))
    with pytest.raises(SrcgradSyntaxError) as err:
        jvp.fn(X3, np.ones(3))
    assert err.value.filename == __file__
    assert err.value.lineno == _calls_opaque.__code__.co_firstlineno + 1
    assert "_NoSource" in str(err.value) and 'mode="auto"' in str(err.value)
    calls = []

    def fallback(callee, positions, reason):
        calls.append((callee, positions, reason))
        return _TapeStandIn()
    monkeypatch.setattr(pipeline, "FALLBACK_JVP", fallback)
    jvp = compile_jvp(_calls_opaque, (0,), numeric=kinds_of((X3,)), mode="auto")
    value, tangent = jvp.fn(X3, np.ones(3))
    assert calls and calls[0][0] is ufunc_like and calls[0][1] == (0,)
    assert os.path.basename(__file__) in calls[0][2]
    assert_allclose(value, -np.sum(X3))
    assert_allclose(tangent, 6.0)


def _calls_opaque(x):
    return np.sum(ufunc_like(x))


class _NoSource:
    """A callable object with no readable source: ``__call__`` is a builtin."""
    __call__ = staticmethod(np.negative)


ufunc_like = _NoSource()


class _TapeStandIn:
    """What FALLBACK_JVP hands back: ``.fn(*args, *tangents)``."""

    @staticmethod
    def fn(x, dx):
        return -x, -dx * -2.0


def test_cached_per_transform_and_thread_safe():
    def f(x):
        return np.sin(x) * x
    a = compile_jvp(f, (0,), numeric=("f",))
    assert compile_jvp(f, (0,), numeric=("f",)) is a
    assert pipeline.compile_vjp(f, (0,), numeric=("f",)) is not a
    results = []

    def work():
        results.append(compile_jvp(f, (0,), numeric=(("a", 4),)))
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in results}) == 1


if __name__ == "__main__" and "--update" in sys.argv:
    for name, fn, wrt, kinds in GOLDEN_CASES:
        with open(os.path.join(GOLDEN, name + ".py.txt"), "w") as fh:
            fh.write(compile_jvp(fn, wrt, numeric=kinds).source)


def test_a_callable_with_its_own_derivatives_is_never_differentiated_through(monkeypatch):
    """compile_jvp of a custom-derivative callable uses its JVP (SPECIAL_JVP), or
    refuses: its body differentiated would ignore the user's rule."""
    class Custom:
        def __call__(self, x):
            return np.log(x)

    custom = Custom()

    class Rule:
        source = "# its rule\n"

        @staticmethod
        def fn(x, t):
            return np.log(x), t / np.maximum(x, 1e-3)
    monkeypatch.setattr(pipeline, "SPECIAL_JVP", lambda f, p, mode=None: Rule if f is custom else None)
    assert compile_jvp(custom, (0,)).fn(1e-4, 1.0)[1] == 1000.0
    monkeypatch.setattr(pipeline, "SPECIAL_JVP", None)
    monkeypatch.setattr(pipeline, "SPECIAL_VJP", lambda f, p, mode=None: object() if f is custom
                        else None)
    with pytest.raises(NoRuleError, match="derivatives of its own"):
        compile_jvp(custom, (0,))
