"""``a and b`` evaluates ``b`` only when ``a`` holds; the compiler writes it as
``t = a; c = t; if c: t = b``.  It once tested ``t`` itself, which the branch
reassigns: when ``a`` held and ``b`` did not, the adjoint skipped the branch the
forward sweep took, and the saved values it had pushed were popped by the wrong
statements (found by HIPS autograd's convnet example through the outside
harness: a reshape of a cotangent into shape ())."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def and_with_comprehension(A, B, mode="valid"):
    b = np.reshape(B * 1.0, (2, 3))
    ksize = b.shape[1:]
    if mode == "valid" and any(k > n for k, n in zip(ksize, A.shape)):
        return np.sum(A * 0.0) + np.sum(b)
    b = b[:, ::-1]
    return np.sum((b * A) ** 2)


def and_chain_in_a_loop(x):
    s = 0.0
    for i in range(4):
        y = x * (i + 1.0)
        if i > 0 and np.sum(np.stack([v * v for v in y])) > 3.0 and i < 3:
            s = s + np.sum(np.sin(y))
        else:
            s = s + np.sum(y ** 2)
    return s


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_first_operand_true_second_false(mode):
    A, B = np.arange(1.0, 4.0), np.arange(6.0).reshape(2, 3) * 0.1
    want = numeric_grad(and_with_comprehension, (A, B), 1)
    assert_allclose(srcgrad.grad(and_with_comprehension, wrt=1, mode=mode)(A, B), want)


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("scale", [0.2, 1.0])
def test_and_chains_in_a_loop(mode, scale):
    x = np.array([0.3, -0.7]) * scale
    assert_allclose(srcgrad.grad(and_chain_in_a_loop, mode=mode)(x),
                    numeric_grad(and_chain_in_a_loop, (x,), 0))
