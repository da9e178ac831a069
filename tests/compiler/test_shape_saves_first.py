"""Regression (found by the slow tier's random programs after merging the
parameter-tree and generated-loop work): a value whose shape alone the
adjoint reads (transforms/shape_saves.py) and whose first binding is at the
top level (not saved: reverse.py's first_bindings) got its shape companion
pushed there but never popped, so every pop after it, in the adjoint of the
statements before, read the wrong saved value (an internal IndexError from
the generated code).  The program is the fuzzer's, kept verbatim."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def h1(u):
    s1 = 0.0
    for i1 in range(1):
        s1 = ((0.5 + u[i1 % 3]) + u[i1 % 3])
        s1 = s1 * 0.9 + 0.5
    s1 = np.sin(np.sum(u[0:2]))
    return u * 0.5

def f(a, b, c):
    v2 = (h1(np.sin(a)) + a)
    for i2 in range(1):
        v2 = (np.sin(h1(a)) + np.sin(a))
        s3 = np.sin(np.dot(a, a))
        for i3 in range(2):
            s3 = s3 * 0.9 + np.cos((0.5 + a[(i3 + 1) % 3]))
        v2 = v2 * 0.5 + np.tanh(h1(np.tanh(v2[::-1])))
    if np.mean(v2) > 0.8:
        s4 = np.sum(v2)
    else:
        if np.mean(a) > 0.8:
            v2 = h1(np.tanh(b))
        else:
            v2 = h1((b) ** 2)
        s4 = np.dot(v2[0:2], a[1:3])
    s5 = np.sqrt(1.0 + (np.log(1.0 + (np.sum(b)) ** 2)) ** 2)
    s5 -= np.exp(np.sin(s4))
    v6 = np.log(1.0 + (v2) ** 2)
    for i4 in range(3):
        v7 = a[::-1] * -1.2
        v7 *= v6
        v8 = np.tanh(v7[::-1])
        for i5 in range(4):
            v9 = v8 * -1.2
            v8 = v8 * 0.9 + v8
        v6 = v6 * 0.5 + ((b[::-1] + a) / (1.0 + ((s4 + h1(np.log(1.0 + (b) ** 2)))) ** 2))
    return np.sum(v2) + s4 + s5 + np.sum(v6) + np.dot(b, b)


@pytest.mark.parametrize("mode", ["compile", "auto", "tape"])
def test_shape_companion_of_a_first_binding_is_not_saved(mode):
    a = np.array([-0.34234726, -1.0, 0.6067399])
    b = np.array([0.25, -7.85e-90, -1.0])
    c = -0.9498770100650096
    grads = srcgrad.grad(f, wrt=(0, 1), mode=mode)(a, b, c)
    for i, g in enumerate(grads):
        assert_allclose(g, numeric_grad(f, (a, b, c), i), rtol=1e-6, atol=1e-8)
