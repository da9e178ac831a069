"""srcgrad.testing.check_grads: passes on correct derivatives, and fails --
naming the argument, the order, the mode and the engine -- on a deliberately
wrong custom rule, in each mode and order it checks.  Its oracle is central
finite differences (srcgrad.testing.numeric_jvp)."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import check_grads

X = np.array([0.3, 1.2, -0.7])


# ----------------------------------------------------------------- correct functions

def two_args(x, y):
    return np.sum(np.sin(x) * y ** 2)


def vector_valued(x):
    return np.tanh(x) * x[::-1]


def with_tree(params, x, n):
    return np.sum(np.tanh(x @ params["w"] + params["b"]) ** 2) * n


def tuple_out(x, y):
    return np.exp(x) * y, np.sum(x ** 2)


@pytest.mark.parametrize("engine", ["compile", "tape"])
def test_passes_on_correct_functions_to_second_order(engine):
    check_grads(two_args, (X, 0.7), order=2, engines=(engine,))


@pytest.mark.parametrize("engine", ["compile", "tape"])
def test_vector_and_tuple_outputs_in_both_modes(engine):
    check_grads(vector_valued, (X,), engines=(engine,))
    check_grads(tuple_out, (X, 1.5), engines=(engine,))


@pytest.mark.parametrize("engine", ["compile", "tape"])
def test_trees_and_integer_arguments(engine):
    rng = np.random.default_rng(1)
    params = {"w": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}
    check_grads(with_tree, (params, X[None, :], 3), engines=(engine,))


def test_complex_argument_of_a_real_function():
    def f(z):
        return np.sum(np.abs(z) ** 2 + np.real(z) * 3.0)
    z = np.array([0.5 + 1.0j, -0.2 + 0.3j])
    check_grads(f, (z,), modes=("rev",))


def test_wrt_picks_the_arguments():
    check_grads(two_args, (X, 0.7), wrt=1)
    check_grads(two_args, (X, 0.7), wrt=(0,), modes=("fwd",), engines=("tape",))


# ----------------------------------------------------------------- wrong rules

@srcgrad.custom_vjp
def bad_sin(x):
    return np.sin(x)


bad_sin.defvjp(lambda x: (np.sin(x), x), lambda x, g: (g * np.sin(x),))  # should be cos


def uses_bad_sin(x, y):
    return np.sum(bad_sin(x) * y)


@srcgrad.custom_jvp
def bad_exp(x):
    return np.exp(x)


@bad_exp.defjvp
def bad_exp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return np.exp(x), t * np.exp(x) * 1.01      # 1 % off


def uses_bad_exp(x):
    return np.sum(bad_exp(x))


@pytest.mark.parametrize("engine", ["compile", "tape"])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_wrong_custom_vjp_fails_in_each_mode_and_engine(engine, mode):
    with pytest.raises(AssertionError) as info:
        check_grads(uses_bad_sin, (X, 2.0), modes=(mode,), engines=(engine,))
    message = str(info.value)
    assert message.startswith("check_grads(uses_bad_sin): the %s" % (
        "reverse-mode (vjp)" if mode == "rev" else "forward-mode (jvp)"))
    assert "of order 1 with respect to argument 0 (x) and argument 1 (y)" in message
    assert "in engine %r disagrees with finite differences: max error" % engine in message
    # the wrong term is x's: y alone is right
    check_grads(uses_bad_sin, (X, 2.0), modes=(mode,), engines=(engine,), wrt=1)


@pytest.mark.parametrize("engine", ["compile", "tape"])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_wrong_custom_jvp_fails_in_each_mode_and_engine(engine, mode):
    with pytest.raises(AssertionError, match=r"argument 0 \(x\) in engine %r disagrees" % engine):
        check_grads(uses_bad_exp, (X,), modes=(mode,), engines=(engine,))


def test_a_small_error_passes_a_loose_tolerance():
    check_grads(uses_bad_exp, (X,), rtol=0.02, atol=0.0)


# second order: a first derivative that is right, a second that is wrong

def twice(x):
    return 2.0 * x


def twice_vjp(g, ans, x):
    return g * 3.0                                  # should be 2


def twice_jvp(t, ans, x):
    return t * 3.0


def square(x):
    return x ** 2


def square_vjp(g, ans, x):
    return g * twice(x)                             # right, through a wrong rule


def square_jvp(t, ans, x):
    return t * twice(x)


srcgrad.defvjp(twice, twice_vjp)
srcgrad.defjvp(twice, twice_jvp)
srcgrad.defvjp(square, square_vjp)
srcgrad.defjvp(square, square_jvp)


def cubic(x):
    return np.sum(square(x) * x)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_wrong_second_derivative_compiled(mode):
    """The compiler differentiates square's rule body, so twice's wrong rule
    shows at order 2 only.  (The tape differentiates ``square``'s Python body,
    which has no wrong rule in it: it passes there.)"""
    check_grads(cubic, (X,), modes=(mode,), engines=("compile",))
    with pytest.raises(AssertionError) as info:
        check_grads(cubic, (X,), modes=(mode,), order=2, engines=("compile",))
    assert "check_grads(cubic): the %s derivative of order 2 with respect to argument 0 (x) " \
        "in engine 'compile' disagrees" % ("reverse-mode (vjp)" if mode == "rev" else
                                           "forward-mode (jvp)") in str(info.value)
    check_grads(cubic, (X,), modes=(mode,), order=2, engines=("tape",))


@srcgrad.custom_vjp
def bad_cos(x):
    return np.cos(x)


bad_cos.defvjp(lambda x: (np.cos(x), x), lambda x, g: (g * np.sin(x),))   # sign


@srcgrad.custom_vjp
def good_sin(x):
    return np.sin(x)


good_sin.defvjp(lambda x: (np.sin(x), x), lambda x, g: (g * bad_cos(x),))


def uses_good_sin(x):
    return np.sum(good_sin(x))


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_wrong_second_derivative_on_the_tape(mode):
    """The tape records good_sin's bwd under create_graph, bad_cos's rule in it."""
    check_grads(uses_good_sin, (X,), modes=(mode,), engines=("tape",))
    with pytest.raises(AssertionError, match="of order 2 .* in engine 'tape' disagrees"):
        check_grads(uses_good_sin, (X,), modes=(mode,), order=2, engines=("tape",))


# ----------------------------------------------------------------- user errors

def test_a_refusal_is_reported_with_the_engine():
    def f(x):
        global G
        return x * 2.0
    with pytest.raises(AssertionError) as info:
        check_grads(f, (1.0,), engines=("compile",))
    message = str(info.value)
    assert "in engine 'compile' raised SrcgradSyntaxError" in message
    assert __file__ in message and "'global' statements are not supported" in message
    check_grads(f, (1.0,), engines=("tape",))


@pytest.mark.parametrize("kwargs, message", [
    ({"modes": "rev"}, "modes='rev'; give a tuple of 'rev' and 'fwd'"),
    ({"modes": ("backward",)}, "modes=('backward',)"),
    ({"engines": ("jit",)}, "engines=('jit',); give a tuple of 'compile' and 'tape'"),
    ({"order": 3}, "order=3; srcgrad checks order 1 or 2"),
])
def test_bad_options_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_grads(two_args, (X, 0.7), **kwargs)


def test_nothing_to_differentiate():
    with pytest.raises(ValueError, match="no argument of count has a floating-point value"):
        def count(n):
            return n * 2
        check_grads(count, (3,))


def test_arguments_are_not_mutated():
    x = X.copy()
    params = {"w": np.ones((3, 2)), "b": np.zeros(2)}
    check_grads(with_tree, (params, x[None, :], 2), order=1)
    assert np.array_equal(x, X) and np.array_equal(params["w"], np.ones((3, 2)))


# ----------------------------------------------------------------- docs/testing.md

def test_testing_md_examples_print_what_the_page_shows():
    """Every ```python block of docs/testing.md runs, in order, in one
    namespace; a block followed by a ```text block prints exactly that text.
    (The test file it shows runs under pytest in tests/test_pytest_plugin.py.)"""
    import os
    import warnings
    from test_readme import parse_readme, run_block, _normal
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                        "testing.md")
    with open(path) as fh:
        blocks = parse_readme(fh.read())
    assert len(blocks) == 3
    namespace = {"__name__": "__testing_md__"}
    for block in blocks:
        block.options.setdefault("file", "testing-md-block-%d.py" % block.index)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            printed = run_block(block, namespace)
        if block.expected is not None:
            assert _normal(printed) == _normal(block.expected), (
                "docs/testing.md line %d: the block prints\n%s" % (block.start, printed))
