"""The fast call of a remembered signature (srcgrad/signature.py
``fast_call``, issue 13): ``grad``/``value_and_grad`` of one real float or
ndarray runs the fused code from one generated function that tests the
signature's fields itself.  Each test makes calls that take the fast call,
then changes one thing the signature or the result depends on (dtype, shape,
kind, memory layout, a gradient that is a view, a non-scalar output, a rebound
global, a nested complex pullback) and requires the right gradient against
central finite differences, in both engines where both apply."""

import numpy as np
import pytest

import srcgrad
from srcgrad.signature import MISS
from srcgrad.testing import assert_allclose, numeric_grad

from test_call_path import load

MODES = ["compile", "tape"]

_SOURCE = """
import numpy as np

ACT = np.sin

def f(x, w, s):
    return np.sum(ACT(x) * w) * s + np.sum(x * x)

def total(x):
    return np.sum(x)

def rows(x):
    return np.sum(x, axis=0)
"""


@pytest.fixture
def mod(tmp_path):
    return load(tmp_path, _SOURCE)


def _check(fn, got, args, at=0, **tol):
    wide = tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a
                 for a in args)
    assert_allclose(got, numeric_grad(fn, wide, at), **tol)


def _fast_taken(gf, args):
    """The call is one the fast call answers (compiled engine, plain result)."""
    return gf._fast(tuple(args)) is not MISS


@pytest.mark.parametrize("mode", MODES)
def test_another_dtype_shape_kind_and_layout_after_fast_calls(mod, mode):
    gf = srcgrad.grad(mod.f, mode=mode)
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for _ in range(3):
        _check(mod.f, gf(x, w, 0.5), (x, w, 0.5))
    if mode == "compile":
        assert _fast_taken(gf, (x, w, 0.5))
    calls = [
        (x.astype(np.float32), w, 0.5),             # another dtype of the differentiated one
        (x, w.astype(np.float32), 0.5),             # another dtype of another array
        (x[:2], w[:2], 0.5),                        # another shape
        (x, w, 2),                                  # another kind (an int for a float)
        (np.asfortranarray(x), w, 0.5),             # another memory layout
        (x.T.copy().T, w[:, ::1], 0.5),             # strided views of the same shape
        (rng.normal(size=(4, 8))[:3, ::2], w, 0.5),
        (x, w, 0.5),                                # the first signature again
    ]
    for args in calls * 2:
        got = gf(*args)
        assert type(got) is np.ndarray and got.shape == args[0].shape and \
            got.dtype == args[0].dtype
        tol = dict(rtol=1e-3, atol=1e-4) if args[0].dtype == np.float32 else {}
        _check(mod.f, got, args, **tol)


@pytest.mark.parametrize("mode", MODES)
def test_a_gradient_that_is_a_view_is_handed_back_as_the_callers_own(mod, mode):
    """d sum(x) / dx is a broadcast of the seed: the fast call's result check
    makes it a fresh array each call."""
    gf = srcgrad.grad(mod.total, mode=mode)
    vg = srcgrad.value_and_grad(mod.total, mode=mode)
    x = np.linspace(-1.0, 1.0, 5)
    for _ in range(3):
        got = gf(x)
        value, also = vg(x)
        assert got.base is None and got.flags.writeable and also.base is None
        assert_allclose(value, np.sum(x))
        _check(mod.total, got, (x,))
        _check(mod.total, also, (x,))
        got[:] = 7.0
        also[:] = 7.0


@pytest.mark.parametrize("mode", MODES)
def test_floats_then_arrays_then_floats_on_fast_calls(mod, mode):
    vg = srcgrad.value_and_grad(mod.total, mode=mode)
    for arg in (1.5, 1.5, np.ones(3), np.ones(3), 1.5, np.float64(2.0), 1.5):
        value, got = vg(arg)
        assert_allclose(value, np.sum(arg))
        assert_allclose(got, np.ones_like(np.asarray(arg)))
        assert type(got) is (float if isinstance(arg, float) else np.ndarray)


@pytest.mark.parametrize("mode", MODES)
def test_a_non_scalar_output_after_fast_calls_is_refused_naming_the_file(mod, mode):
    gf = srcgrad.grad(mod.rows, mode=mode)
    v = np.array([0.5, 1.5])
    for _ in range(2):
        assert_allclose(gf(v), np.ones(2))
    for _ in range(2):
        with pytest.raises(TypeError, match="scalar") as err:
            gf(np.ones((2, 3)))
        assert mod.__file__ in str(err.value)
    assert_allclose(gf(v), np.ones(2))


def test_a_rebound_global_after_fast_calls_is_followed(mod):
    gf = srcgrad.grad(mod.f, mode="compile")
    x, w = np.linspace(-1.0, 1.0, 4), np.linspace(0.5, 2.0, 4)
    for _ in range(3):
        _check(mod.f, gf(x, w, 0.5), (x, w, 0.5))
    assert _fast_taken(gf, (x, w, 0.5))
    mod.ACT = np.tanh
    for _ in range(3):
        _check(mod.f, gf(x, w, 0.5), (x, w, 0.5))


def test_a_fast_call_inside_a_complex_pullback_takes_the_general_path(mod):
    """runtime.complex_inputs's state is on inside a pullback with complex
    arguments: the fast call leaves such a call to ``__call__``'s general path."""
    from srcgrad.runtime.complex import complex_inputs
    gf = srcgrad.grad(mod.f, mode="compile")
    x, w = np.linspace(-1.0, 1.0, 4), np.linspace(0.5, 2.0, 4)
    gf(x, w, 0.5)
    with complex_inputs(True):
        assert gf._fast((x, w, 0.5)) is MISS
        _check(mod.f, gf(x, w, 0.5), (x, w, 0.5))
    assert _fast_taken(gf, (x, w, 0.5))


def test_the_fast_call_of_a_signature():
    """fast_call tests the same fields as key_function: types, every plain
    ndarray's shape, the differentiated ones' dtypes; another number of
    arguments misses (no TypeError)."""
    from srcgrad.signature import fast_call

    def fused(x, y, s):
        return (x * s,)
    x, y = np.ones(3), np.ones((2, 2))
    fast = fast_call((np.ndarray, np.ndarray, float), (0,), (x, y, 2.0), fused, False, 0,
                     give=lambda r, a: r.copy(), handover=None, state=None)
    assert_allclose(fast((x, y, 2.0)), 2 * x)
    assert_allclose(fast((x, y.astype(np.float32), 3.0)), 3 * x)   # not differentiated
    for other in ((x.astype(np.float32), y, 2.0), (x, y[0], 2.0), (x, y, 2), (x, y),
                  (x, y, 2.0, 1.0), (np.asmatrix(x), y, 2.0), (x[None], y, 2.0)):
        assert fast(other) is MISS
