"""The compiled Hessian-vector product (srcgrad/hvp_engine.py): results
against hand-derived second derivatives and central differences of the
gradient, in the compiler and on the tape; compiled once per kind of
arguments (no first-order gradient, no transform built per call); refusals
located in compile mode and run on the tape in auto; nothing the user passes
mutated; threads.  The tangent-only JVP the slope function calls
(compiler/transforms/forward_tangent.py) and the forward transform's
broadcast of a tangent sum only where it is needed."""

import threading

import numpy as np
import pytest

import srcgrad
from srcgrad import api, higher
from srcgrad.compiler import jvp_pipeline
from srcgrad.compiler.transforms.forward_tangent import tangent_only
from srcgrad.testing import numeric_grad

from helpers import numeric_jacobian

ENGINES = ["compile", "auto", "tape"]
RNG = np.random.default_rng(11)


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


def mlp_hvp_by_hand(W1, b1, W2, b2, x, y, v):
    """The loss's Hessian times ``v``, derived by hand (forward over a
    hand-written backward pass)."""
    dW1, db1, dW2, db2 = v
    h = np.tanh(x @ W1 + b1)
    s = 1.0 - h * h
    r = h @ W2 + b2 - y
    gr = r * (2.0 / r.size)
    gh = gr @ W2.T
    dh = s * (x @ dW1 + db1)
    dgr = (dh @ W2 + h @ dW2 + db2) * (2.0 / r.size)
    dga = (dgr @ W2.T + gr @ dW2.T) * s - 2.0 * gh * h * dh
    return (x.T @ dga, dga.sum(axis=0), dh.T @ gr + h.T @ dgr, dgr.sum(axis=0))


def mlp_data(batch=5, n_in=3, width=4):
    params = (RNG.standard_normal((n_in, width)) * 0.5, RNG.standard_normal(width) * 0.1,
              RNG.standard_normal((width, 1)) * 0.5, RNG.standard_normal(1) * 0.1)
    x, y = RNG.standard_normal((batch, n_in)), RNG.standard_normal((batch, 1))
    v = tuple(RNG.standard_normal(np.shape(p)) for p in params)
    return params, x, y, v


def differences_of_the_gradient(f, args, wrt, vs, eps=1e-5):
    g = srcgrad.grad(f, wrt=wrt, mode="tape")

    def moved(sign):
        a = list(args)
        for i, v in zip(wrt, vs):
            a[i] = a[i] + sign * eps * v
        return g(*a)
    return [(p - m) / (2 * eps) for p, m in zip(moved(1), moved(-1))]


@pytest.mark.parametrize("mode", ENGINES)
def test_mlp_hvp_matches_the_hand_derived_product_and_differences(mode):
    params, x, y, v = mlp_data()
    hv = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode=mode)(*params, x, y, v)
    want = mlp_hvp_by_hand(*params, x, y, v)
    fd = differences_of_the_gradient(mlp_loss, params + (x, y), (0, 1, 2, 3), v)
    for got, w, d, p in zip(hv, want, fd, params):
        assert type(got) is np.ndarray and got.shape == p.shape
        np.testing.assert_allclose(got, w, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got, d, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("mode", ENGINES)
def test_scalar_argument_and_one_position(mode):
    def f(a, x):
        return np.sum(np.sin(a * x)) * a

    x = RNG.standard_normal(3)
    got = srcgrad.hvp(f, mode=mode)(0.7, x, 2.0)
    # d2/da2 [a sum sin(a x)] = 2 sum(x cos(a x)) - a sum(x^2 sin(a x)), by hand
    want = 2.0 * (2 * np.sum(x * np.cos(0.7 * x)) - 0.7 * np.sum(x ** 2 * np.sin(0.7 * x)))
    assert type(got) is float
    assert np.isclose(got, want, rtol=1e-12)


def test_compiled_once_per_kind_of_arguments(monkeypatch):
    """After the first call for a kind of arguments, a call builds nothing:
    no slope function, no grad object called (the first-order gradient is not
    taken), only generated code; a new shape compiles anew."""
    params, x, y, v = mlp_data()
    h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
    first = h(*params, x, y, v)

    def built(*a, **k):
        raise AssertionError("built or called per call")
    monkeypatch.setattr(higher, "slope_function", built)
    monkeypatch.setattr(api.GradFunction, "__call__", built)
    monkeypatch.setattr(api, "tape_vjp", built)
    again = h(*params, x, y, v)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(AssertionError, match="built or called per call"):
        h(*params, x[:2], y[:2], v)       # a new kind: compiled then


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_hessian_from_the_compiled_hvp(mode):
    def f(x, A):
        return np.sum(np.tanh(A @ x) ** 2) + np.sum(x ** 4) / 4.0

    A = RNG.standard_normal((6, 5)) / 2.0
    x = RNG.standard_normal(5)
    t = np.tanh(A @ x)
    by_hand = (A.T * ((2.0 - 6.0 * t * t) * (1.0 - t * t))) @ A + np.diag(3.0 * x * x)
    H = srcgrad.hessian(f, mode=mode)(x, A)
    np.testing.assert_allclose(H, by_hand, rtol=1e-10, atol=1e-12)
    tape_gradient = srcgrad.grad(f, mode="tape")
    np.testing.assert_allclose(H, numeric_jacobian(lambda z: tape_gradient(z, A), x, eps=1e-6),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(H[1], numeric_grad(lambda z: tape_gradient(z, A)[1], (x,), 0),
                               rtol=1e-6, atol=1e-8)


def refused_by_forward_mode(x):
    try:
        y = x * x
    except:                           # noqa: E722 -- what forward mode refuses
        y = x
    return np.sum(y ** 2)


def test_refusal_is_located_in_compile_and_runs_on_the_tape_in_auto():
    x, v = np.array([1.0, 2.0]), np.array([1.0, -1.0])
    with pytest.raises(SyntaxError, match="except clause") as info:
        srcgrad.hvp(refused_by_forward_mode, mode="compile")(x, v)
    assert info.value.filename == __file__
    h = srcgrad.hvp(refused_by_forward_mode, mode="auto")
    for _ in range(2):            # the first call for the kind, and one after it
        np.testing.assert_allclose(h(x, v), 12.0 * x ** 2 * v, rtol=1e-12)
    np.testing.assert_allclose(srcgrad.hessian(refused_by_forward_mode, mode="auto")(x),
                               np.diag(12.0 * x ** 2), rtol=1e-12)


@pytest.mark.parametrize("mode", ENGINES)
def test_nothing_the_user_passes_is_mutated(mode):
    def f(x, c):
        x *= c                    # in place, on the argument
        return np.sum(x ** 3)

    x, v = np.array([1.0, 2.0]), np.array([0.5, 1.0])
    keep_x, keep_v = x.copy(), v.copy()
    got = srcgrad.hvp(f, mode=mode)(x, 2.0, v)
    np.testing.assert_allclose(got, 6.0 * 8.0 * keep_x * keep_v, rtol=1e-12)   # by hand
    np.testing.assert_array_equal(x, keep_x)
    np.testing.assert_array_equal(v, keep_v)


def test_threads_share_the_engine():
    h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
    cases = [mlp_data(batch=b) for b in (3, 4, 5, 3, 4, 5)]
    errors = []

    def work(case):
        params, x, y, v = case
        try:
            for _ in range(5):
                for got, want in zip(h(*params, x, y, v), mlp_hvp_by_hand(*params, x, y, v)):
                    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        except Exception as err:  # noqa: BLE001 -- reported below
            errors.append(err)
    threads = [threading.Thread(target=work, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_jvp_of_a_gradient_reuses_its_compiled_gradient():
    def f(x):
        return np.sum(np.sin(x) * x)

    g = srcgrad.grad(f, mode="compile")
    x, t = np.array([0.3, 1.1]), np.array([1.0, 2.0])
    for _ in range(2):
        value, tangent = srcgrad.jvp(g, (x,), (t,), mode="compile")
        # the Hessian is diagonal: 2 cos x - x sin x, by hand
        np.testing.assert_allclose(tangent, (2 * np.cos(x) - x * np.sin(x)) * t, rtol=1e-12)
    slope = higher.slope_function(f, (0,), False, "compile", (("a", 2),))
    assert set(slope.__dict__.get("__srcgrad_grads__", {})) == {(0, "compile")}


# ---------------------------------------------------------------- the generated code

def test_the_slope_differentiates_the_tangent_alone():
    """The slope function calls the JVP returning its tangent only, without
    the statements that computed the value alone (np.mean((out - y) ** 2))."""
    params, x, y, v = mlp_data()
    args = params + (x, y)
    slope = higher.slope_function(mlp_loss, (0, 1, 2, 3), False, "compile",
                                  tuple(api._kind(a) for a in args))
    jvp = slope.__srcgrad_jvp__
    alone = tangent_only(jvp, "mlp_loss_tangent")
    import inspect
    text = inspect.getsource(alone)
    code = [ln.strip() for ln in text.splitlines() if not ln.strip().startswith("#")]
    assert not any("** 2" in ln for ln in code) and code[-1] == "return _dt6"
    assert "# line %d: h = np.tanh(x @ W1 + b1)" % (mlp_loss.__code__.co_firstlineno + 1) in text
    value, tangent = jvp.fn(*(args + v))
    assert alone(*(args + v)) == tangent
    assert slope(*(args + v)) == tangent


def test_tangent_only_declines_a_jvp_without_a_pair_returned():
    class Fake:
        source = "def f_jvp(x, dx):\n    return dx\n"
        bound, user_globals = {}, {}
    assert tangent_only(Fake(), "f_tangent") is None


def test_a_tangent_sum_is_broadcast_only_where_no_term_has_the_output_shape():
    def affine(x, W, b):
        return np.tanh(x @ W + b)

    def widened(x, b):
        return x * 2.0 + b

    kinds = (("a", 4, 3), ("a", 3, 2), ("a", 2))
    text = jvp_pipeline.jvp_source(affine, (0, 1, 2), numeric=kinds)
    assert "tangent_like" not in text      # x @ dW has the output's shape
    # b moving alone, of a shape the sum broadcasts: its tangent is widened
    text = jvp_pipeline.jvp_source(widened, (1,), numeric=(("a", 2, 3), ("a", 3)))
    assert "tangent_like" in text
    x, W, b = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    dx, dW, db = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    _, got = srcgrad.jvp(affine, (x, W, b), (dx, dW, db), mode="compile")
    eps = 1e-6
    want = (affine(x + eps * dx, W + eps * dW, b + eps * db) -
            affine(x - eps * dx, W - eps * dW, b - eps * db)) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    xs = RNG.standard_normal((2, 3))
    _, got = srcgrad.jvp(widened, (xs, np.ones(3)), (None, np.array([1.0, 2.0, 3.0])),
                         mode="compile")
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, [[1.0, 2.0, 3.0]] * 2)


@pytest.mark.parametrize("mode", ENGINES)
def test_hessian_blocks_over_two_array_arguments(mode):
    def f(x, y, s):
        return np.sum(x ** 2 * y) * s

    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0, 0.5])[:2]
    (hxx, hxy), (hyx, hyy) = srcgrad.hessian(f, wrt=(0, 1), mode=mode)(x, y, 2.0)
    # by hand: d2/dx2 = diag(2 y s), d2/dxdy = diag(2 x s), d2/dy2 = 0
    np.testing.assert_allclose(hxx, np.diag(4.0 * y), rtol=1e-12)
    np.testing.assert_allclose(hxy, np.diag(4.0 * x), rtol=1e-12)
    np.testing.assert_allclose(hyx, np.diag(4.0 * x), rtol=1e-12)
    np.testing.assert_allclose(hyy, np.zeros((2, 2)), atol=0)
    assert srcgrad.hessian(lambda a: a ** 4, mode=mode)(2.0) == 48.0
