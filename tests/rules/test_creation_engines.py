"""Constructors that used to be declared non-differentiable and are not:
their gradients through both engines and auto, against finite differences
(or a loud refusal where an engine cannot see the call)."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]
W5 = np.array([0.5, -1.0, 2.0, 1.5, -0.3])


def linspace_stop(x):
    return np.sum(np.linspace(0.0, x, 5) ** 2)


def linspace_both(x):
    return np.sum(np.linspace(x[0], x[1], 5) * W5)


def linspace_open(x):
    return np.sum(np.linspace(x[0], x[1], 5, endpoint=False) * W5)


def logspace_both(x):
    return np.sum(np.logspace(x[0], x[1], 5) * W5)


def full_like_fill(x):
    a = np.ones(5)
    return np.sum(np.full_like(x, x[0] * 2.0) * W5) + np.sum(a)


def full_fill(x):
    return np.sum(np.full((2, 5), x[1]) * W5)


def arange_start(x):
    return np.sum(np.arange(x[0], 3.0, 0.5) ** 2)


def heaviside_at_zero(x):
    return np.sum(np.heaviside(np.array([0.0, 1.0, 0.0, -1.0, 2.0]), x) * W5)


X2 = np.array([0.3, 1.7])
#: NumPy does not dispatch these on their value arguments: the tape cannot see
#: a tracked value there and refuses (auto compiles them)
TAPE_BLIND = {full_fill, arange_start}
CASES = [(linspace_stop, 2.0), (linspace_both, X2), (linspace_open, X2), (logspace_both, X2),
         (full_like_fill, W5 + 0.1), (full_fill, X2), (arange_start, X2),
         (heaviside_at_zero, W5 + 1.0)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,x", CASES, ids=[c[0].__name__ for c in CASES])
def test_constructor_gradients_match_finite_differences(fn, x, mode):
    x = np.copy(x) if isinstance(x, np.ndarray) else x
    if mode == "tape" and fn in TAPE_BLIND:
        with pytest.raises(srcgrad.TapeConversionError, match="gradient"):
            srcgrad.grad(fn, mode=mode)(x)
        return
    got = srcgrad.grad(fn, mode=mode)(x)
    want = numeric_grad(fn, (x,), 0)
    assert_allclose(got, want)
    assert np.any(np.asarray(want) != 0.0)


def test_linspace_hand_derived():
    # sum of linspace(0, x, 5)**2 = x**2 * sum(t**2), t = 0, 1/4, ..., 1
    assert srcgrad.grad(linspace_stop, mode="compile")(2.0) == pytest.approx(4 * 1.875)


def full_like_of_a_constant(x):
    a = np.ones(3)
    return np.sum(np.full_like(a, x) * np.arange(3.0))


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_full_like_of_a_constant_array(mode):
    assert srcgrad.grad(full_like_of_a_constant, mode=mode)(1.5) == pytest.approx(3.0)


def test_full_like_of_a_constant_array_on_the_tape_is_loud():
    """NumPy dispatches full_like on its first argument only; the tape cannot
    see the fill value and refuses (never a zero)."""
    with pytest.raises((srcgrad.NoRuleError, srcgrad.TapeConversionError), match="gradient"):
        srcgrad.grad(full_like_of_a_constant, mode="tape")(1.5)


def normal_draw(x):
    np.random.seed(3)
    return np.sum(np.random.normal(x[0], x[1], 4) ** 2)


def uniform_draw(x):
    np.random.seed(3)
    return np.sum(np.sin(np.random.uniform(x[0], x[1], 4)))


@pytest.mark.parametrize("fn", [normal_draw, uniform_draw])
def test_sampling_gradient_for_a_fixed_draw(fn):
    x = np.array([0.3, 1.7])
    for mode in ("compile", "auto"):
        assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))
    with pytest.raises(Exception) as err:     # the tape cannot see np.random's argument
        srcgrad.grad(fn, mode="tape")(x.copy())
    assert "gradient" in str(err.value)


def integer_full(x):
    return np.sum(np.full(3, x, dtype=int) * 1.0) + x


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_an_integer_constructor_output_has_no_gradient(mode):
    assert srcgrad.grad(integer_full, mode=mode)(1.3) == pytest.approx(1.0)


def test_an_integer_constructor_on_the_tape_is_loud():
    with pytest.raises((srcgrad.NoRuleError, srcgrad.TapeConversionError), match="gradient"):
        srcgrad.grad(integer_full, mode="tape")(1.3)
