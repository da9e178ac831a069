"""Python's ``+`` and ``*`` on lists and tuples concatenate and repeat; NumPy's
add and multiply.  The compiler once differentiated ``a + b`` of two list
*names* (and ``operator.add(a, b)``) as an addition: the right value, a wrong
gradient, silently.  Each function here is checked against central finite
differences in the compiler and on the tape."""

import operator

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def concat_names(x):
    a = [x, x]
    b = [x * 2.0]
    L = a + b
    return np.sum(np.stack(L) * np.arange(1.0, 4.0)[:, None]) + len(L)


def concat_tuples(x):
    a = (x,)
    b = (x * 3.0,)
    t = a + b
    return np.sum(t[1])


def concat_argument(x, ys):
    t = ys + [x * 3.0]
    return np.sum(t[-1] * t[0])


def operator_add_lists(x):
    L = operator.add([x, x], [x * 2.0])
    return np.sum(np.stack(L) ** 2)


def repeat_list(x):
    L = [x] * 3
    return np.sum(np.stack(L) * np.arange(3.0)[:, None])


def repeat_tuple_left(x):
    t = 2 * (x, x * 2.0)
    return np.sum(t[3]) + np.sum(t[0] ** 2)


def concat_in_loop(x):
    L = []
    for i in range(3):
        L = L + [x * i]
    return np.sum(np.stack(L) ** 2)


def split_then_concat(x):
    parts = np.split(x, 2) + [x[:1] * 3.0]
    return np.sum(parts[2]) + np.sum(parts[0] * 2.0)


def list_times_array(x):
    r = (x * 1.0).tolist()
    return np.sum(r * x)


def numbers_still_add(x):
    m = x * 2.0
    return np.sum(m + x) + np.sum(3 * m) + np.sum(x * x)


CASES = [(concat_names, ()), (concat_tuples, ()), (concat_argument, "ys"),
         (operator_add_lists, ()), (repeat_list, ()), (repeat_tuple_left, ()),
         (concat_in_loop, ()), (split_then_concat, ()), (list_times_array, ()),
         (numbers_still_add, ())]


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn,extra", CASES, ids=[f.__name__ for f, _ in CASES])
def test_sequence_operators_against_finite_differences(fn, extra, mode):
    x = np.array([0.4, -1.3])
    args = (x, [x * 0.5, x + 1.0]) if extra == "ys" else (x,)
    want = numeric_grad(fn, args, 0)
    if mode == "tape" and fn is list_times_array:
        with pytest.raises(srcgrad.TapeConversionError, match="tolist"):
            srcgrad.grad(fn, mode=mode)(*args)   # the tape cannot see into a list: loud
        return
    assert_allclose(srcgrad.grad(fn, mode=mode)(*args), want)


def test_numbers_keep_numpy_rules_in_generated_code():
    """Where the operands are known to be arrays, the adjoint is NumPy's."""
    g = srcgrad.grad(numbers_still_add, mode="compile")
    g(np.array([0.4, -1.3]))
    text = srcgrad.source(g)
    assert "_plus_vjp" not in text and "_times_vjp" not in text
