"""The last wrong gradients and crashes of the NumPy soundness sweep (issue 9),
each against central finite differences in compile, tape and auto, or as a
loud refusal that names this file and line.

* ``np.tril``/``np.triu`` of a 1-D vector (NumPy broadcasts it to a matrix);
* builtin ``divmod`` of a constant matrix and a vector (broadcasting);
* ``np.atleast_1d/2d/3d`` of several arrays (a tuple of outputs);
* ``np.take`` with a Python float or bool index (NumPy converts it to an int);
* ``ndarray.put``, and callees with keyword-only parameters (``np.tri``,
  ``np.require``) run on the tape from compiled code in auto;
* ``out`` passed by position to non-ufunc functions (``np.fix(C, a)``): the
  tape sees the write (the effects table says where ``out`` is).
"""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

MODES = ["compile", "tape", "auto"]

C_MAT = np.array([[0.7, -0.2, 0.1], [0.3, 1.1, -0.25], [-0.1, 0.4, 0.8]])
C_VEC = np.array([0.62, -1.23, 2.48])
W_MAT = np.array([[0.9, -0.9, 0.3], [-0.5, -0.6, 0.6], [-0.6, -0.4, 0.2]])
W_VEC = np.array([1.0, 2.0, -3.0])
X = np.array([0.31, 0.57, 0.74])


def _check(fn, x, mode):
    got = srcgrad.grad(fn, mode=mode)(np.copy(x))
    assert_allclose(got, numeric_grad(fn, (np.copy(x),), 0), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------- 1. tril / triu of a vector


# the cotangent must come back with the vector's shape: an intermediate that is
# also used elsewhere (``a``) would otherwise add its other cotangent per row


def tril_vector(x):
    a = x * 1.0
    return np.sum(np.sin(np.tril(a)) * W_MAT) + np.sum(a * W_VEC)


def tril_vector_k(x):
    a = x * 2.0
    return np.sum(np.tril(a, 1) * W_MAT) + np.sum(a * W_VEC)


def triu_vector(x):
    a = x * 1.0
    return np.sum(np.triu(a) ** 2 * W_MAT) + np.sum(a * W_VEC)


def triu_vector_k(x):
    a = x * 1.0
    return np.sum(np.triu(a, -1) * W_MAT) + np.sum(a * W_VEC)


def triu_vector_param(x):
    return np.sum(np.triu(x) * W_MAT)


def tril_matrix(x):
    return np.sum(np.tril(np.outer(x, x), -1) * W_MAT)


# ------------------------------------------------ 2. builtin divmod, broadcasting


def divmod_matrix_vector(x):
    a = x * 1.0
    o = divmod(C_MAT, a)
    return np.sum(o[0] * W_MAT) + np.sum(o[1] * W_MAT.T) + np.sum(a * W_VEC)


def divmod_vector_matrix(x):
    a = x + 1.0
    q, r = divmod(a, C_MAT + 2.0)
    return np.sum(r * W_MAT) + np.sum(a * W_VEC)


# ---------------------------------------------------- 3. atleast_*d of several


def atleast_2d_several(x):
    a, b, c = np.atleast_2d(x, C_MAT, x[0])
    return np.sum(np.sin(a) * 2.0) + np.sum(b * x) + np.sum(c ** 2)


def atleast_1d_two(x):
    a, b = np.atleast_1d(x[1], x)
    return np.sum(a * 3.0) + np.sum(b * W_VEC)


def atleast_3d_two(x):
    a, b = np.atleast_3d(x, np.outer(x, x))
    return np.sum(a * 2.0) + np.sum(np.cos(b))


def atleast_1d_one(x):
    return np.sum(np.atleast_1d(x) * W_VEC)


# ------------------------------------------------------ 4. take, float index


def take_float_index(x):
    return np.take(x, 0.83) * 2.0 + np.take(x * x, 1.7) - np.take(x, 2.9) * 0.5


def take_bool_index(x):
    return np.take(x, True) * 3.0


# -------------------------------------------- 6. a positional out into the active


def fix_into_active(x):
    a = x * 1.0
    np.fix(C_VEC, a)
    return np.sum(a * W_VEC) + np.sum(x * x)


def isposinf_into_active(x):
    a = x * 1.0
    np.isposinf(C_VEC, a)
    return np.sum(a * W_VEC) + np.sum(x * x)


def isneginf_into_active(x):
    a = x * 1.0
    np.isneginf(C_VEC, a)
    return np.sum(a * W_VEC) + np.sum(x * x)


def cumsum_into_active(x):
    a = x * 1.0
    np.cumsum(C_VEC, 0, None, a)
    return np.sum(a * W_VEC) + np.sum(x * x)


def cumsum_into_itself(x):
    a = x * 1.0
    b = np.cumsum(a, 0, None, a)
    return np.sum(b * W_VEC) + np.sum(a)


GRADIENT_CASES = [tril_vector, tril_vector_k, triu_vector, triu_vector_k, triu_vector_param,
                  tril_matrix,
                  divmod_matrix_vector, divmod_vector_matrix,
                  atleast_2d_several, atleast_1d_two, atleast_3d_two, atleast_1d_one,
                  take_float_index, take_bool_index]
#: the compiler refuses a write into a differentiated value through out= (located);
#: the tape records it, and auto falls back to the tape
OUT_CASES = [fix_into_active, isposinf_into_active, isneginf_into_active,
             cumsum_into_active, cumsum_into_itself]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", GRADIENT_CASES, ids=lambda f: f.__name__)
def test_gradient_matches_finite_differences(fn, mode):
    _check(fn, X, mode)


@pytest.mark.parametrize("mode", ["tape", "auto"])
@pytest.mark.parametrize("fn", OUT_CASES, ids=lambda f: f.__name__)
def test_positional_out_is_seen_by_the_tape(fn, mode):
    _check(fn, X, mode)


@pytest.mark.parametrize("fn", OUT_CASES, ids=lambda f: f.__name__)
def test_positional_out_is_refused_by_the_compiler(fn):
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="test_sweep_fixes.py:[0-9]+"):
        srcgrad.grad(fn, mode="compile")(np.copy(X))


def test_positional_out_fix_gradient_is_zero_through_the_write():
    """The hand-derived value: ``a`` is overwritten by a constant, so only
    ``sum(x * x)`` is left: ``2 x``."""
    for mode in ("tape", "auto"):
        assert_allclose(srcgrad.grad(fix_into_active, mode=mode)(np.copy(X)), 2 * X)


def take_of_scalar(s):
    return np.take(s * 3.0, 0.83)


@pytest.mark.parametrize("mode", MODES)
def test_take_float_index_of_scalar(mode):
    assert_allclose(srcgrad.grad(take_of_scalar, mode=mode)(0.37), 3.0)


# ------------------------------------------------------------------ refusals


def atleast_five(x):
    out = np.atleast_1d(C_VEC, C_VEC, C_VEC, C_VEC, x)
    return np.sum(out[4])


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_atleast_fifth_array_is_refused(mode):
    with pytest.raises(srcgrad.NoRuleError, match="first 4 positional arguments"):
        srcgrad.grad(atleast_five, mode=mode)(np.copy(X))


def put_into_active(x):
    a = x * 1.0
    a.put(np.array([2, 0]), C_VEC[:2])
    return np.sum(a * W_VEC)


def put_active_values(x):
    a = C_VEC.copy()
    a.put(np.array([2, 0]), x[:2])
    return np.sum(a * W_VEC)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [put_into_active, put_active_values], ids=lambda f: f.__name__)
def test_ndarray_put_is_refused_with_the_users_line(fn, mode):
    with pytest.raises((srcgrad.NoRuleError, srcgrad.SrcgradSyntaxError,
                        srcgrad.TapeConversionError)) as info:
        srcgrad.grad(fn, mode=mode)(np.copy(X))
    assert not isinstance(info.value, AttributeError)
    assert "test_sweep_fixes.py:" in str(info.value)


def put_constants_only(x):
    a = C_VEC.copy()
    a.put(np.array([2, 0]), np.array([5.0, 6.0]))
    return np.sum(a * x)


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_ndarray_put_on_constants_runs(mode):
    want = np.array([6.0, -1.23, 5.0])
    assert_allclose(srcgrad.grad(put_constants_only, mode=mode)(np.copy(X)), want)


def tri_of_active(s):
    return np.sum(np.tri(s * 4.0) * 2.0)


def require_of_active(s):
    return np.require(s * 1.0) * 2.0


@pytest.mark.parametrize("fn", [tri_of_active, require_of_active], ids=lambda f: f.__name__)
def test_keyword_only_callee_on_the_tape_is_loud_not_a_crash(fn):
    """Auto runs the NumPy function (keyword-only ``like=``) on the tape from
    compiled code: it must get its arguments right and then refuse loudly, naming
    the user's line (not the generated code's)."""
    with pytest.raises((srcgrad.NoRuleError, srcgrad.TapeConversionError),
                       match="test_sweep_fixes.py:[0-9]+: "):
        srcgrad.grad(fn, mode="auto")(0.37)


def _kwonly_helper(x, *, scale=2.0, shift=0.5):
    try:                      # the compiler refuses a loop in a try body: the tape runs this
        for _ in range(1):
            y = np.sin(x) * scale + shift
    except ValueError:
        y = x
    return y


def kwonly_caller(x):
    return np.sum(_kwonly_helper(x, shift=1.5) * W_VEC)


def kwonly_caller_default(x):
    return np.sum(_kwonly_helper(x * x) * W_VEC)


@pytest.mark.parametrize("fn", [kwonly_caller, kwonly_caller_default], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_tape_fallback_callee_with_keyword_only_parameters(fn, mode):
    _check(fn, X, mode)
