"""Fused gradient functions (srcgrad/compiler/lower/fused.py): ``grad`` and
``value_and_grad`` run one generated function, forward then adjoint, with no
pullback closure; ``grad``'s drops what only computes the value.

The corpus tests (test_corpus.py) check the fused forms against central finite
differences at every input (they call ``grad``/``value_and_grad``); here the
fused forms are checked against the pullback form over the corpus, against finite
differences and the tape on the cases that exercise the layout (loops, mutation,
has_aux, float32, size-1 outputs, callees), and for what they refuse."""

import copy
import threading
import types

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

from corpus import all_cases

ENGINES = ("compile", "tape")


def _sum_of_squares(x, W, b):
    h = np.tanh(W @ x + b)
    r = h ** 2
    return np.sum(r)


def _mean_loss(x, W):
    return np.mean((W @ x - 1.0) ** 2)


def _loop(x, n):
    for i in range(n):
        x = np.sin(x) * 1.01
    return x


def _fill(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x[i] * x[(i + 1) % 3]
    y[0] += 1.0
    return np.sum(y ** 2)


def _with_aux(x):
    y = np.sin(x)
    return np.sum(y * x), y


def _helper(h):
    return np.tanh(h) * 2.0


def _calls(x):
    return np.sum(_helper(x) ** 2)


def _one_by_one(x, W):
    return x @ W          # shape (1, 1): a size-1 output, not a scalar


def _not_scalar(x):
    return x * 2.0


def _complex_out(x):
    z = x * 1j
    return np.sum(z)


def _args():
    rng = np.random.default_rng(7)
    return {"sum_of_squares": (_sum_of_squares, (rng.normal(size=3), rng.normal(size=(2, 3)),
                                                 rng.normal(size=2)), (0, 1, 2)),
            "mean_loss": (_mean_loss, (rng.normal(size=4), rng.normal(size=(3, 4))), (0, 1)),
            "loop": (_loop, (0.4, 5), (0,)),
            "fill": (_fill, (rng.normal(size=3),), (0,)),
            "calls": (_calls, (rng.normal(size=4),), (0,)),
            "one_by_one": (_one_by_one, (rng.normal(size=(1, 3)), rng.normal(size=(3, 1))),
                           (0, 1))}


CASES = _args()


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_fused_gradients_match_finite_differences(name, mode):
    fn, args, wrt = CASES[name]
    if name == "fill" and mode == "tape":
        pytest.skip("the tape refuses a tracked value written into a plain np.zeros array "
                    "(TapeConversionError): compiled only")
    before = copy.deepcopy(args)
    grads = srcgrad.grad(fn, wrt=wrt, mode=mode)(*args)
    value, grads2 = srcgrad.value_and_grad(fn, wrt=wrt, mode=mode)(*args)
    for a, b in zip(args, before):   # nothing the caller passed is changed
        np.testing.assert_array_equal(a, b)
    assert_allclose(value, fn(*before), rtol=1e-12, atol=1e-12)
    assert np.shape(value) == np.shape(fn(*before))
    for g, g2, i in zip(grads, grads2, wrt):
        want = numeric_grad(lambda *a: np.sum(fn(*a)), before, i)
        assert_allclose(g, want, rtol=1e-5, atol=1e-7)
        assert_allclose(g2, want, rtol=1e-5, atol=1e-7)
        assert type(g) is type(args[i]) and np.shape(g) == np.shape(args[i])


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_runs_one_function_without_a_pullback(name):
    fn, args, wrt = CASES[name]
    g = srcgrad.grad(fn, wrt=wrt, mode="compile")
    g(*args)
    compiled = g._compiled_for(args)
    for kind in ("grad", "value_and_grad"):
        fused = compiled.fused(kind)
        assert fused.__name__ == fn.__name__ + "_" + kind
        # no nested function: no closure is made per call
        assert not any(isinstance(c, types.CodeType) for c in fused.__code__.co_consts)
    text = srcgrad.source(g)
    assert "pullback" not in text.split("\n")[0] and "_final" not in text


def test_grad_drops_the_value_value_and_grad_keeps_it():
    g = srcgrad.grad(_sum_of_squares, wrt=1, mode="compile")
    vg = srcgrad.value_and_grad(_sum_of_squares, wrt=1, mode="compile")
    grad_text = _code(g.compiled.fused_source("grad"))   # generic: r is read for its shape
    assert "np.sum(r)" not in grad_text and "_rt.reduced_seed(np.sum, r)" in grad_text
    assert "np.sum(r)" in _code(vg.compiled.fused_source("value_and_grad"))
    x, W, b = CASES["sum_of_squares"][1]
    text = g.compiled.fused_source("grad")
    assert srcgrad.source(g) == text   # source() shows the fused form
    # the vjp keeps the pullback form, and the value
    assert "_pullback" in g.compiled.source and "np.sum(r)" in _code(g.compiled.source)
    assert_allclose(g(x, W, b), numeric_grad(_sum_of_squares, (x, W, b), 1))


def _code(text):
    """``text`` without its comment lines."""
    return "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("#"))


def test_mean_is_dropped_and_its_seed_kept():
    g = srcgrad.grad(_mean_loss, wrt=(0, 1), mode="compile")
    code = [ln for ln in g.compiled.fused_source("grad").splitlines()
            if not ln.strip().startswith("#")]
    assert not any("np.mean(" in ln for ln in code)   # the mean is not computed
    assert any("_rt.reduced_seed(np.mean, " in ln for ln in code)


@pytest.mark.parametrize("mode", ENGINES)
def test_float32_keeps_its_dtype(mode):
    x = np.linspace(-1.0, 1.0, 5).astype(np.float32)
    W = np.ones((2, 5), np.float32) * np.float32(0.3)
    b = np.zeros(2, np.float32)
    g = srcgrad.grad(_sum_of_squares, wrt=1, mode=mode)(x, W, b)
    assert g.dtype == np.float32
    want = numeric_grad(_sum_of_squares, tuple(a.astype(np.float64) for a in (x, W, b)), 1)
    assert_allclose(g, want, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("mode", ENGINES)
def test_has_aux(mode):
    x = np.array([0.3, -1.2, 2.0])
    g, aux = srcgrad.grad(_with_aux, has_aux=True, mode=mode)(x)
    (value, aux2), g2 = srcgrad.value_and_grad(_with_aux, has_aux=True, mode=mode)(x)
    want = numeric_grad(lambda v: _with_aux(v)[0], (x,), 0)
    assert_allclose(g, want)
    assert_allclose(g2, want)
    assert_allclose(aux, np.sin(x))
    assert_allclose(aux2, np.sin(x))
    assert value == pytest.approx(_with_aux(x)[0])


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("fn", [_not_scalar, _complex_out])
def test_outputs_that_are_not_real_scalars_are_refused(fn, mode):
    for transform in (srcgrad.grad, srcgrad.value_and_grad):
        with pytest.raises(TypeError, match="test_fused.py") as err:
            transform(fn, mode=mode)(np.array([1.0, 2.0]))
        assert "scalar output" in str(err.value) or "real-valued" in str(err.value)


def test_callees_keep_their_pullback():
    g = srcgrad.grad(_calls, mode="compile")
    text = g.compiled.fused_source("grad")
    assert "_helper_vjp(" in text and "_pb(" in text


def test_vjp_keeps_the_pullback_form():
    x = np.array([0.5, -0.25, 1.5])
    value, pullback = srcgrad.vjp(_fill, x)
    assert_allclose(pullback(1.0)[0], numeric_grad(_fill, (x,), 0))
    assert value == pytest.approx(_fill(x))


def test_built_once_under_threads():
    x = np.array([0.5, -0.25, 1.5])
    g = srcgrad.grad(_fill, mode="compile")
    out = []
    threads = [threading.Thread(target=lambda: out.append(g(x))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want = numeric_grad(_fill, (x,), 0)
    assert len(out) == 4
    for got in out:
        assert_allclose(got, want)


CORPUS = [pytest.param(c, k, id="%s[input %d]" % (c.name, k))
          for c in all_cases() for k in range(len(c.inputs))
          if not c.reason(k) and not c.xfail]


@pytest.mark.parametrize("case,k", CORPUS)
def test_fused_forms_agree_with_the_pullback_form(case, k):
    """The fused forms compute what the pullback form computes (the corpus tests
    check both against finite differences)."""
    args = copy.deepcopy(case.inputs[k])
    grads = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*copy.deepcopy(args))
    value, grads2 = srcgrad.value_and_grad(case.fn, wrt=case.wrt, mode="compile")(
        *copy.deepcopy(args))
    out, pullback = srcgrad.vjp(case.fn, *copy.deepcopy(args), wrt=case.wrt, mode="compile")
    want = pullback(1.0 if isinstance(out, float) else np.ones_like(out))
    assert_allclose(value, out, rtol=1e-12, atol=1e-12)
    for g, g2, w in zip(grads, grads2, want):
        for a, b in ((g, w), (g2, w)):
            for la, lb in zip(_flat(a), _flat(b)):
                assert_allclose(la, lb, rtol=1e-10, atol=1e-12)


def _flat(tree):
    if isinstance(tree, dict):
        return [v for k in tree for v in _flat(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [v for t in tree for v in _flat(t)]
    from srcgrad.runtime import object_fields
    fields = object_fields(tree)
    if fields is not None:
        return [v for k in sorted(fields) for v in _flat(fields[k])]
    return [tree] if isinstance(tree, (float, complex, np.ndarray, np.generic)) else []


@pytest.mark.parametrize("name", sorted(CASES))
def test_fused_code_is_inside_the_accepted_subset(name):
    from srcgrad.compiler.frontend import fence
    from srcgrad.compiler.frontend.parse import parse_function
    fn, args, wrt = CASES[name]
    compiled = srcgrad.grad(fn, wrt=wrt, mode="compile").compiled
    for kind in ("grad", "value_and_grad"):
        fence.check(parse_function(compiled.fused(kind)))   # raises on anything unsupported


def _constant(x):
    return 3.0


def _unused_argument(x, y):
    return np.sum(y ** 2)


@pytest.mark.parametrize("mode", ENGINES)
def test_outputs_that_do_not_depend_on_the_argument(mode):
    x = np.array([1.0, 2.0])
    assert_allclose(srcgrad.grad(_constant, mode=mode)(x), np.zeros(2))
    assert_allclose(srcgrad.grad(_unused_argument, mode=mode)(x, x), np.zeros(2))
    value, g = srcgrad.value_and_grad(_unused_argument, wrt=(0, 1), mode=mode)(x, x)
    assert value == pytest.approx(5.0)
    assert_allclose(g[1], 2 * x)


_PHASE = np.array([1j, 1.0, -1j])


def _complex_through_a_global(x):
    return np.sum(np.sin(x) * _PHASE)


def _real_through_a_global(x):
    return np.sum(np.sin(x) * np.real(_PHASE))


@pytest.mark.parametrize("mode", ENGINES)
def test_a_dropped_sum_still_refuses_a_complex_output(mode):
    x = np.array([0.1, 0.2, 0.3])
    g = srcgrad.grad(_complex_through_a_global, mode=mode)
    with pytest.raises(TypeError, match="real-valued"):
        g(x)
    got = srcgrad.grad(_real_through_a_global, mode=mode)(x)
    assert_allclose(got, numeric_grad(_real_through_a_global, (x,), 0))
    if mode == "compile":   # the specialised code does not compute the sum
        text = srcgrad.source(g)
        assert "_rt.reduced_seed(np.sum, " in text or "_rt.seed_if_float64(" in text


def test_specialised_grad_skips_the_final_sum():
    fn, args, wrt = CASES["sum_of_squares"]
    g = srcgrad.grad(fn, wrt=wrt, mode="compile")
    g(*args)
    text = srcgrad.source(g)
    assert "_rt.seed_if_float64(" in text and "_rt.seed(np.sum(" in text
    vg = srcgrad.value_and_grad(fn, wrt=wrt, mode="compile")
    vg(*args)
    assert "seed_if_float64" not in srcgrad.source(vg)


def _draws_then_sums(x):
    noise = np.random.normal(size=3)
    return np.sum(x ** 2)


def test_random_draws_are_never_left_out():
    g = srcgrad.grad(_draws_then_sums, mode="compile")
    x = np.array([0.5, 1.0, 2.0])
    np.random.seed(0)
    got = g(x)
    after = np.random.random()
    np.random.seed(0)
    _draws_then_sums(x)
    assert after == np.random.random()   # the draw happened, as in the user's code
    assert_allclose(got, 2 * x)
    assert "np.random.normal(" in srcgrad.source(g)
