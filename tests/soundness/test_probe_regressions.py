"""Regressions for what the outside probe set (test_probes.py) found in the tape, the rules
and export, checked directly: the probes exercise them inside larger programs."""

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import numeric_grad, assert_allclose

X = np.array([0.31, 0.57, 0.74])


def softmax_inplace(x):
    e = np.exp(x - x.max())
    e /= e.sum()
    return -np.log(e[0]) + e[2] * 3.0


def eigh_inplace(x):
    w, V = np.linalg.eigh(np.outer(x, x) + np.diag(x))
    w *= 2.0
    return np.sum(w * np.array([1.0, 2.0, 3.0])) + V[0, 0] ** 2


@pytest.mark.parametrize("fn", [softmax_inplace, eigh_inplace])
@pytest.mark.parametrize("mode", ["tape", "auto", "compile"])
def test_numpy_code_changing_an_output_in_place(fn, mode):
    """``e /= e.sum()`` after ``e = np.exp(...)``: the producing node keeps its output
    (the tape used to refuse in backward: a RuntimeError without the user's line)."""
    if mode == "compile" and fn is eigh_inplace:
        pytest.skip("the compiler refuses or differentiates this itself")
    assert_allclose(srcgrad.grad(fn, mode=mode)(X.copy()), numeric_grad(fn, (X,), 0))


def test_tensor_code_still_gets_pytorchs_version_error():
    """Outside NumPy code the tape keeps PyTorch's behaviour, word for word."""
    x = srcgrad.torch.tensor([0.3, 0.5], requires_grad=True)
    e = x.exp()
    e /= 2.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        e.sum().backward()


def normalise_rows_inplace(X2):
    Y = X2.copy()
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    return np.sum(Y * np.arange(4.0).reshape(2, 2))


def test_a_saved_input_changed_in_place_names_the_users_line():
    with pytest.raises(RuntimeError, match=r"test_probe_regressions\.py:\d+: Y /= np\.linalg"):
        srcgrad.grad(normalise_rows_inplace, mode="tape")(np.array([[0.3, 0.4], [0.5, 0.2]]))


def sum_builtin(x):
    return sum(x, 1.0) * sum(x) + sum(np.outer(x, x)) @ np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_builtin_sum_of_an_array(mode):
    """The cotangent of ``sum(x)`` for an ndarray is an array (a list used to be
    concatenated with the other contribution: six numbers for three)."""
    assert_allclose(srcgrad.grad(sum_builtin, mode=mode)(X.copy()),
                    numeric_grad(sum_builtin, (X,), 0))


def astype_int(x):
    return np.sum(x.astype(np.float64) ** 2) + np.sum((x * 10).astype(int))


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_a_cast_to_integers_has_no_gradient(mode):
    assert_allclose(srcgrad.grad(astype_int, mode=mode)(X.copy()), 2 * X)


def pad_modes(x):
    w = np.arange(1.0, 8.0)
    return (np.sum(np.pad(x, 2, mode="edge") * w) + np.sum(np.pad(x, 2, mode="reflect") * w)
            + np.sum(np.pad(x, 2, mode="symmetric") * w) + np.sum(np.pad(x, 2, mode="wrap") * w))


def pad_odd(x):
    return np.sum(np.pad(x, 1, mode="reflect", reflect_type="odd"))


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_pad_copying_modes(mode):
    assert_allclose(srcgrad.grad(pad_modes, mode=mode)(X.copy()), numeric_grad(pad_modes, (X,), 0))
    with pytest.raises(NotImplementedError, match="reflect"):
        srcgrad.grad(pad_odd, mode=mode)(X.copy())


def clip_out(x):
    y = x * 3.0
    y.clip(0.5, 2.0, out=y)
    z = x * 1.0
    w = z * 2.0
    z.clip(0.2, 0.6, out=w)
    return np.sum(y ** 2) + np.sum(w * np.array([1.0, 2.0, 3.0]))


def shape_set(x):
    y = np.outer(x, x)
    y.shape = (9,)
    return np.sum(y)


def zeros_of_dtype(x):
    out = np.zeros(3, dtype=x.dtype)
    return np.sum(out + x ** 2) + np.sum(x.copy(order="F"))


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_tape_ndarray_methods(mode):
    assert_allclose(srcgrad.grad(clip_out, mode=mode)(X.copy()), numeric_grad(clip_out, (X,), 0))
    assert_allclose(srcgrad.grad(zeros_of_dtype, mode="tape")(X.copy()), 2 * X + 1)
    with pytest.raises(TypeError, match=r"test_probe_regressions\.py:\d+: setting \.shape"):
        srcgrad.grad(shape_set, mode="tape")(X.copy())


def test_tensor_shape_is_not_writable_outside_numpy_code():
    t = srcgrad.torch.tensor([1.0, 2.0])
    with pytest.raises(AttributeError):
        t.shape = (2, 1)


def uses_scipy(x):
    from scipy.special import logsumexp
    return logsumexp(x)


def test_a_refusal_inside_an_installed_library_names_the_users_line():
    pytest.importorskip("scipy")
    with pytest.raises(TypeError, match=r"test_probe_regressions\.py:\d+"):
        srcgrad.grad(uses_scipy, mode="tape")(X.copy())
