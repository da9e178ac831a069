"""Errors a user can cause: each names the user's file and line and says what to do."""

import numpy as np
import pytest

import srcgrad
from srcgrad import NoRuleError, SrcgradSyntaxError
from corpus.mutation import REFUSED

HERE = __file__


def opaque(x):  # a C-implemented-like callable with no rule: use a builtin object
    return x


# a callable object whose __call__ has no readable source (made by exec): neither
# a rule nor something the compiler can read (an ordinary class is compiled)
_ns = {}
exec("class Opaque:\n    def __call__(self, x):\n        return x * 2\n", _ns)
OPAQUE = _ns["Opaque"]()


def uses_try(x):
    try:
        for _ in range(2):
            x = x * 2
    except ValueError:
        pass
    return x


def uses_attribute_store(x):
    x.foo = 3
    return x


def test_unsupported_construct_names_file_line_and_hint():
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(uses_try, mode="compile")(1.0)
    err = info.value
    assert isinstance(err, SyntaxError)
    assert err.filename == HERE
    assert err.lineno == uses_try.__code__.co_firstlineno + 2
    text = str(err)
    assert "a try body with except clauses" in text and "hint:" in text
    assert "test_errors.py:" in text
    assert "for _ in range(2):" in text  # the user's source line is shown


def test_attribute_store_rejected():
    with pytest.raises(SrcgradSyntaxError, match="attribute"):
        srcgrad.grad(uses_attribute_store, mode="compile")(1.0)


def test_no_rule_error_names_function_and_line():
    def f(x):
        return np.sum(OPAQUE(x))
    with pytest.raises(NoRuleError) as info:
        srcgrad.grad(f, mode="compile")(np.ones(2))
    assert isinstance(info.value, NotImplementedError)
    text = str(info.value)
    assert "defvjp" in text
    assert "%s:%d" % (HERE, f.__code__.co_firstlineno + 1) in text


def test_user_registered_rule_is_used():
    def cube(x):
        return x ** 3

    def cube_vjp(g, ans, x):
        return g * 3.0 * x * x

    def opaque_cube(x):
        return float(np.cbrt(x)) ** 9  # body irrelevant: the rule wins

    srcgrad.defvjp(opaque_cube, cube_vjp)

    def f(x):
        return opaque_cube(x) * 2.0
    assert srcgrad.grad(f)(2.0) == pytest.approx(2.0 * 3.0 * 4.0)
    _ = cube


def test_integer_argument_rejected():
    with pytest.raises(TypeError, match="integer"):
        srcgrad.grad(lambda x: x * 2.0)(3)
    with pytest.raises(TypeError, match="floating-point"):
        srcgrad.grad(lambda x: np.sum(x * 2.0))(np.arange(3))


def test_non_scalar_output_points_to_vjp():
    with pytest.raises(TypeError, match="vjp"):
        srcgrad.grad(lambda x: x * 2.0)(np.ones(3))


def test_failed_compile_is_not_cached():
    g = srcgrad.grad(uses_try, mode="compile")
    for _ in range(2):
        with pytest.raises(SrcgradSyntaxError):
            g(1.0)


def test_bad_wrt():
    with pytest.raises(ValueError, match="no parameter named"):
        srcgrad.grad(lambda x: x, wrt="y")
    with pytest.raises(ValueError, match="out of range"):
        srcgrad.grad(lambda x: x, wrt=3)


def test_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        srcgrad.grad(lambda x: x, mode="fast")



@pytest.mark.parametrize("fn,words", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_aliasing_the_compiler_cannot_follow_is_refused(fn, words):
    """In-place updates through views or second names, and views read after
    their base was assigned into, would give wrong values or gradients: the
    compiler refuses them at the user's line."""
    arg = np.arange(9.0).reshape(3, 3) if fn.__name__.startswith("old_row") else \
        np.array([0.5, -0.3, 1.2, 0.8])
    with pytest.raises(SrcgradSyntaxError, match=words) as info:
        srcgrad.grad(fn, mode="compile")(arg)
    assert info.value.filename.endswith("mutation.py") and info.value.lineno > \
        fn.__code__.co_firstlineno
