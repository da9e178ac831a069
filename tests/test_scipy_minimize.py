"""``srcgrad.value_and_grad(loss)`` used directly as SciPy's objective with
``scipy.optimize.minimize(fun, x0, jac=True)``, in both engines; and a
parameter tree optimised through ``srcgrad.tree`` (docs/scipy.md).

Oracles: central finite differences (``srcgrad.testing.numeric_grad``) of the
loss at the points SciPy visits and at the optimum, and the optimum SciPy
finds with a hand-derived gradient."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad

optimize = pytest.importorskip("scipy.optimize", reason="SciPy is an optional extra "
                               "(not installed on the CI's 3.13 job)")

MODES = ("compile", "tape")
METHODS = ("BFGS", "L-BFGS-B", "CG", "Newton-CG", "TNC", "SLSQP")


def data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 + rng.logistic(size=n) > 0).astype(float)
    return X, y


def loss(w, X, y):
    """Mean logistic loss with a small L2 penalty (the bias is w[0])."""
    z = X @ w[1:] + w[0]
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(w ** 2)


def hand_value_and_grad(w, X, y):
    """The same loss and its gradient, derived by hand."""
    z = X @ w[1:] + w[0]
    r = (1.0 / (1.0 + np.exp(-z)) - y) / len(y)
    g = np.concatenate([[np.sum(r)], X.T @ r]) + 0.02 * w
    return loss(w, X, y), g


@pytest.fixture(scope="module")
def reference():
    X, y = data()
    res = optimize.minimize(hand_value_and_grad, np.zeros(4), args=(X, y), jac=True,
                            method="BFGS", options={"gtol": 1e-10})
    assert res.success
    return X, y, res.x


@pytest.mark.parametrize("mode", MODES)
def test_result_has_the_types_scipy_wants(mode):
    X, y = data()
    fun = srcgrad.value_and_grad(loss, mode=mode)
    x0 = np.zeros(4)
    value, grad = fun(x0, X, y)
    assert isinstance(value, float)
    assert type(grad) is np.ndarray and grad.dtype == np.float64 and grad.shape == x0.shape
    np.testing.assert_allclose(grad, numeric_grad(loss, (x0, X, y), 0), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
def test_minimize_with_value_and_grad_directly(mode, method, reference):
    X, y, best = reference
    seen = []

    def fun(w, X, y):          # records what SciPy asked for; the objective is srcgrad's
        seen.append(np.array(w))
        return vag(w, X, y)
    vag = srcgrad.value_and_grad(loss, mode=mode)
    res = optimize.minimize(vag, np.zeros(4), args=(X, y), jac=True, method=method)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, best, atol=2e-3)
    # the gradient SciPy was handed, at a point it visited and at the optimum
    optimize.minimize(fun, np.zeros(4), args=(X, y), jac=True, method=method,
                      options={"maxfun": 3} if method == "TNC" else {"maxiter": 2})
    for w in (seen[-1], res.x):
        np.testing.assert_allclose(vag(w, X, y)[1], numeric_grad(loss, (w, X, y), 0),
                                   rtol=1e-5, atol=1e-8)
    assert np.linalg.norm(numeric_grad(loss, (res.x, X, y), 0)) < 1e-3


@pytest.mark.parametrize("mode", MODES)
def test_integer_x0_and_a_list_x0(mode, reference):
    X, y, best = reference
    vag = srcgrad.value_and_grad(loss, mode=mode)
    for x0 in ([0, 0, 0, 0], np.zeros(4, dtype=int)):
        res = optimize.minimize(vag, x0, args=(X, y), jac=True, method="BFGS")
        np.testing.assert_allclose(res.x, best, atol=1e-4)


def tree_loss(params, X, y):
    """The logistic loss with its parameters in a dict: a weight vector and a
    Python-float bias."""
    z = X @ params["w"] + params["b"]
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.01 * (np.sum(params["w"] ** 2) +
                                                          params["b"] ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_parameter_tree_through_srcgrad_tree(mode, reference):
    X, y, best = reference
    params = {"w": np.zeros(3), "b": 0.0}
    x0, unflatten = srcgrad.tree.flatten(params)
    vag = srcgrad.value_and_grad(tree_loss, mode=mode)

    def fun(x, X, y):
        value, grads = vag(unflatten(x), X, y)
        return value, srcgrad.tree.flatten(grads)[0]

    def flat_loss(x, X, y):
        return tree_loss(unflatten(x), X, y)
    x = np.linspace(-1.0, 1.0, 4)
    value, g = fun(x, X, y)
    assert isinstance(value, float) and g.dtype == np.float64 and g.shape == (4,)
    np.testing.assert_allclose(g, numeric_grad(flat_loss, (x, X, y), 0), rtol=1e-6, atol=1e-9)

    res = optimize.minimize(fun, x0, args=(X, y), jac=True, method="L-BFGS-B")
    assert res.success, res.message
    fitted = unflatten(res.x)
    assert type(fitted["b"]) is float and fitted["w"].shape == (3,)
    # "b" sorts before "w": the same layout as the reference's w[0] bias
    np.testing.assert_allclose(fitted["b"], best[0], atol=2e-3)
    np.testing.assert_allclose(fitted["w"], best[1:], atol=2e-3)
    assert params == {"w": params["w"], "b": 0.0} and not params["w"].any()  # untouched


@pytest.mark.parametrize("mode", MODES)
def test_newton_cg_with_srcgrad_hvp_as_hessp(mode, reference):
    X, y, best = reference
    vag = srcgrad.value_and_grad(loss, mode=mode)
    hvp = srcgrad.hvp(loss, mode=mode)

    def hessp(w, v, X, y):          # SciPy's order: (x, p, *args); srcgrad's: (*args, v)
        return hvp(w, X, y, v)
    w, v = np.array([0.1, -0.2, 0.3, 0.4]), np.array([1.0, 0.5, -1.0, 2.0])
    z = X @ w[1:] + w[0]
    s = 1.0 / (1.0 + np.exp(-z))
    A = np.hstack([np.ones((len(y), 1)), X])
    hand = A.T @ (s * (1 - s) / len(y) * (A @ v)) + 0.02 * v    # the Hessian, by hand
    np.testing.assert_allclose(hessp(w, v, X, y), hand, rtol=1e-8, atol=1e-12)
    res = optimize.minimize(vag, np.zeros(4), args=(X, y), jac=True, hessp=hessp,
                            method="Newton-CG")
    assert res.success
    np.testing.assert_allclose(res.x, best, atol=1e-4)


def test_scipy_md_examples_print_what_the_page_shows():
    """Every ```python block of docs/scipy.md runs, in order, in one namespace;
    a block followed by a ```text block prints exactly that text."""
    import os
    import warnings
    from test_readme import parse_readme, run_block, _normal
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                        "scipy.md")
    with open(path) as fh:
        blocks = parse_readme(fh.read())
    assert len(blocks) >= 5
    namespace = {"__name__": "__scipy_md__"}
    for block in blocks:
        block.options.setdefault("file", "scipy-md-block-%d.py" % block.index)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            printed = run_block(block, namespace)
        if block.expected is not None:
            assert _normal(printed) == _normal(block.expected), (
                "docs/scipy.md line %d: the block prints\n%s" % (block.start, printed))
