"""``np.linalg`` functions that had no rule (refused before), through both
engines and auto against finite differences."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

W = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [0.2, 0.9, 1.1]])


def power3(A):
    return np.sum(np.linalg.matrix_power(A, 3) * W)


def power_minus2(A):
    return np.sum(np.linalg.matrix_power(A + 3.0 * np.eye(3), -2) * W)


def eigenvalues(A):
    S = A + A.T
    return np.sum(np.linalg.eigvalsh(S) * np.array([1.0, 2.0, 3.0]))


def singular_values(A):
    return np.sum(np.linalg.svdvals(A) ** 2 * np.array([1.0, 2.0, 3.0]))


def chained(A):
    return np.sum(np.linalg.multi_dot([A, W, A.T]) * W) + \
        np.linalg.multi_dot([A[0], W, A[:, 1]])


def array_api_names(A):
    return (np.linalg.vector_norm(A, axis=(0, 1)) + np.sum(np.linalg.vecdot(A, W))
            + np.linalg.trace(np.linalg.matmul(A, np.linalg.matrix_transpose(W)))
            + np.linalg.matrix_norm(A, ord="nuc") + np.sum(np.linalg.diagonal(A) ** 2))


FNS = [power3, power_minus2, eigenvalues, singular_values, chained, array_api_names]
A0 = np.array([[1.0, 0.2, -0.5], [0.3, 2.0, 0.1], [-0.4, 0.6, 3.0]])


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("fn", FNS, ids=[f.__name__ for f in FNS])
def test_matrix_functions_match_finite_differences(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(A0.copy())
    assert_allclose(got, numeric_grad(fn, (A0,), 0), rtol=1e-5, atol=1e-5)


def qr_loss(A):
    q, r = np.linalg.qr(A)
    return np.sum(q * W[:, :2]) + np.sum(r ** 2 * W[:2, :2])


def qr_r_only(A):
    return np.sum(np.linalg.qr(A, mode="r") * W[:2, :2])


A32 = np.array([[1.0, 0.2], [0.3, 2.0], [-0.4, 0.6]])


@pytest.mark.parametrize("mode", ["compile", "auto"])
@pytest.mark.parametrize("fn", [qr_loss, qr_r_only])
def test_qr_matches_finite_differences(fn, mode):
    assert_allclose(srcgrad.grad(fn, mode=mode)(A32.copy()), numeric_grad(fn, (A32,), 0),
                    rtol=1e-5, atol=1e-5)


def qr_wide(A):
    q, r = np.linalg.qr(A)
    return np.sum(r)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_qr_of_a_wide_matrix(mode):
    assert_allclose(srcgrad.grad(qr_wide, mode=mode)(A32.T.copy()),
                    numeric_grad(qr_wide, (A32.T,), 0), rtol=1e-5, atol=1e-5)


def test_qr_on_the_tape():
    assert_allclose(srcgrad.grad(qr_loss, mode="tape")(A32.copy()),
                    numeric_grad(qr_loss, (A32,), 0), rtol=1e-5, atol=1e-5)


def pinv_loss(A):
    return np.sum(np.linalg.pinv(A) * W[:2, :])


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_pinv_matches_finite_differences(mode):
    assert_allclose(srcgrad.grad(pinv_loss, mode=mode)(A32.copy()),
                    numeric_grad(pinv_loss, (A32,), 0), rtol=1e-5, atol=1e-5)
