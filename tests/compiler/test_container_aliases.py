"""An array stored in a list, tuple or dict and then changed in place: the
container sees the change (it holds the array, not a copy), which the compiler
does not model.  It once gave a wrong gradient silently; now it is refused at
the line of the change (and mode="auto" runs the function on the tape), while
the common pattern of a fresh array per stored item compiles."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def appended_then_changed_in_a_loop(x):
    out = []
    buf = np.zeros(3)
    for i in range(3):
        buf[i] = x[i] * (i + 1.0)
        out.append(buf)
    return np.sum(np.stack(out) * np.arange(1.0, 10.0).reshape(3, 3))


def listed_then_changed(x):
    buf = x * 1.0
    out = [buf]
    buf[0] = 5.0
    return np.sum(out[0] * x)


def in_a_dict_then_changed(x):
    buf = x * 1.0
    d = {"a": buf}
    buf[0] = 5.0
    return np.sum(d["a"] * x)


def in_a_tuple_then_updated(x):
    buf = x * 1.0
    t = (buf, 1.0)
    buf += 2.0
    return np.sum(t[0] * x)


def item_taken_then_changed(x):
    buf = x * 1.0
    out = [buf]
    first = out[0]
    buf[1] = 0.0
    return np.sum(first * x)


REFUSED = [appended_then_changed_in_a_loop, listed_then_changed, in_a_dict_then_changed,
           in_a_tuple_then_updated, item_taken_then_changed]


@pytest.mark.parametrize("fn", REFUSED, ids=[f.__name__ for f in REFUSED])
def test_a_stored_array_changed_in_place_is_refused(fn):
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="also holds") as err:
        srcgrad.grad(fn, mode="compile")(x)
    assert err.value.filename == __file__


@pytest.mark.parametrize("fn", REFUSED[1:], ids=[f.__name__ for f in REFUSED[1:]])
def test_auto_runs_them_on_the_tape_and_is_right(fn):
    x = np.array([1.0, 2.0, 3.0])
    assert_allclose(srcgrad.grad(fn, mode="auto")(x), numeric_grad(fn, (x,), 0))


def fresh_buffer_per_item(x):
    out = []
    for i in range(3):
        buf = np.zeros(3)
        buf[i] = x[i] * (i + 1.0)
        out.append(buf)
    return np.sum(np.stack(out) * np.arange(1.0, 10.0).reshape(3, 3))


def changed_before_stored(x):
    buf = x * 1.0
    buf[0] = 5.0
    out = [buf]
    return np.sum(out[0] * x)


def arrays_filled_beside_a_dict(x):
    y = np.zeros(3)
    d = {}
    for i in range(3):
        y[i] = x[i] ** 2
        d[i] = x[i] * 2.0
    return np.sum(y) + d[0] * d[2]


COMPILED = [fresh_buffer_per_item, changed_before_stored, arrays_filled_beside_a_dict]


@pytest.mark.parametrize("fn", COMPILED, ids=[f.__name__ for f in COMPILED])
def test_fresh_or_earlier_changes_still_compile(fn):
    x = np.array([1.0, 2.0, 3.0])
    assert_allclose(srcgrad.grad(fn, mode="compile")(x), numeric_grad(fn, (x,), 0))
