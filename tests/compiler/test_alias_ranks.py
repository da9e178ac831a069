"""The alias check reads ranks from the one model of NumPy's ranks
(compiler/analysis/shapes.py: call_rank, index_rank), as the rank inference of
facts.py does.  Its own rank guesses once took values that share memory for
numbers, and an in-place update through them gave a wrong gradient silently:
``v[None]``, ``v[...]``, ``v[s]`` with ``s`` a slice object (all views of ``v``),
``abs(v)`` and ``np.trace`` of a stack of matrices (arrays).  Now they are
refused at the line of the update (mode="auto" runs the function on the tape),
while an element of a vector taken with an integer (a literal, a number, a
``range`` loop variable, arithmetic on those) is still a number, which shares
no memory.  Oracle: central differences (srcgrad.testing.numeric_grad); the
tape as the second engine."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def new_axis_view(v):
    w = v[None]
    w *= 2.0
    return np.sum(v * v)


def ellipsis_view(v):
    w = v[...]
    w *= 2.0
    return np.sum(v * v)


def slice_object_view(v):
    s = slice(0, 2)
    w = v[s]
    w *= 2.0
    return np.sum(v * v)


def name_holding_none(v):
    i = None
    w = v[i]
    w *= 2.0
    return np.sum(v * v)


def abs_of_an_array(v):
    y = abs(v)
    z = y
    z *= 2.0
    return np.sum(y * v)


def trace_of_a_stack(v):
    t = np.trace(v.reshape(2, 2, 2))
    z = t
    z *= 2.0
    return np.sum(t * t)


REFUSED = [new_axis_view, ellipsis_view, slice_object_view, name_holding_none,
           abs_of_an_array, trace_of_a_stack]


def _x():
    return np.array([1.0, -2.0, 3.0, 0.5, 1.5, -1.0, 2.0, 0.25])


@pytest.mark.parametrize("fn", REFUSED, ids=[f.__name__ for f in REFUSED])
def test_an_update_through_a_view_taken_for_a_number_is_refused(fn):
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="shares memory") as err:
        srcgrad.grad(fn, mode="compile")(_x())
    assert err.value.filename == __file__


#: an in-place update through a view that adds an axis: the tape refuses it too
TAPE_REFUSES = [new_axis_view, name_holding_none]
ON_THE_TAPE = [f for f in REFUSED if f not in TAPE_REFUSES]


@pytest.mark.parametrize("mode", ["auto", "tape"])
@pytest.mark.parametrize("fn", ON_THE_TAPE, ids=[f.__name__ for f in ON_THE_TAPE])
def test_the_tape_gives_the_gradient_of_what_numpy_computes(fn, mode):
    x = _x()
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))


@pytest.mark.parametrize("mode", ["auto", "tape"])
@pytest.mark.parametrize("fn", TAPE_REFUSES, ids=[f.__name__ for f in TAPE_REFUSES])
def test_the_tape_refuses_an_update_through_a_new_axis_view(fn, mode):
    with pytest.raises(NotImplementedError, match="in-place operation through a view") as err:
        srcgrad.grad(fn, mode=mode)(_x())
    assert __file__ in str(err.value)


def element_of_a_range_index(v):
    for i in range(3):
        w = v[i]
        w *= 2.0
        v = v * w
    return np.sum(v)


def element_of_a_counted_index(v):
    i = 0
    total = 0.0
    while i < 3:
        w = v[i + 1]
        w += 1.0
        total = total + w * v[i]
        i = i + 1
    return total


def element_of_a_matrix(m):
    w = m[1, 2]          # a number: refused as a view before the shared model
    w *= 3.0
    return np.sum(m * w)


def element_by_a_number_argument(v, n):
    w = v[n // 2]
    w *= 2.0
    return np.sum(v * w)


KEPT = [element_of_a_range_index, element_of_a_counted_index, element_of_a_matrix]


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("fn", KEPT, ids=[f.__name__ for f in KEPT])
def test_an_element_taken_with_an_integer_compiles(fn, mode):
    x = _x().reshape(2, 4) if fn is element_of_a_matrix else _x()
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_an_element_taken_with_a_number_argument_still_compiles(mode):
    x = _x()
    assert_allclose(srcgrad.grad(element_by_a_number_argument, mode=mode)(x.copy(), 5),
                    numeric_grad(element_by_a_number_argument, (x, 5), 0))
