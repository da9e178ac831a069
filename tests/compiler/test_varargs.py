"""*args / **kwargs and run-time-length star-unpacking (compiler/frontend/varargs.py,
compiler/frontend/starred.py): code is specialised on a call's structure and never
reused for another; what stays out is refused at the user's line.

The corpus (tests/compiler/corpus/varargs.py) checks the constructs against
finite differences in both engines; these tests check the guards, ``wrt``,
the other transforms, and the refusals."""

import os
import sys

import numpy as np
import pytest

import srcgrad
from srcgrad import SrcgradSyntaxError
from srcgrad.compiler.frontend import fence
from srcgrad.compiler.frontend.parse import parse_function
from srcgrad.testing import assert_allclose, numeric_grad

from corpus.varargs import (concat_and_multiply, penalised_loss, sum_of_squares,
                            pair_product)

HERE = __file__.rstrip("c")
RNG = np.random.RandomState(3)
A, B, C, D = (RNG.randn(2) for _ in range(4))
X, Y, P = RNG.randn(5, 3), RNG.randn(5), RNG.randn(3)
MODES = ["compile", "tape", "auto"]


def _fd(fn, args, i):
    return numeric_grad(fn, args, i)


@pytest.mark.parametrize("mode", MODES)
def test_another_number_of_extra_arguments_recompiles(mode):
    g = srcgrad.grad(concat_and_multiply, wrt=(0, 1, 2), mode=mode)
    for args in [(RNG.randn(4), A, B), (RNG.randn(6), A, B, C), (RNG.randn(8), A, B, C, D),
                 (RNG.randn(4), C, D)]:
        got = g(*args)
        assert len(got) == 3
        for k, i in enumerate((0, 1, 2)):
            assert_allclose(got[k], _fd(concat_and_multiply, args, i))
    if mode == "compile":
        # one version per number of extra arguments, each taking that many
        assert len({k[-1] for k in g._by_kind}) == 3
        heads = sorted(c.source.split("\n")[0] for c in g._by_kind.values())
        assert heads == ["def concat_and_multiply_vjp(weights, args_0, args_1%s):" % more
                         for more in ("", ", args_2", ", args_2, args_3")]


@pytest.mark.parametrize("mode", MODES)
def test_keyword_names_are_part_of_the_key(mode):
    g = srcgrad.grad(penalised_loss, wrt=(0, 1), mode=mode)
    for kw in [{"l2": 0.1}, {"l1": 0.3}, {"l2": 0.1, "l1": 0.3}, {"l1": 0.3, "l2": 0.1},
               {"l2": 0.2, "scale": 3.0}, {}]:
        got = g(P, X, Y, **kw)

        def f(p, x, kw=kw):
            return penalised_loss(p, x, Y, **kw)
        assert_allclose(got[0], _fd(f, (P, X), 0))
        assert_allclose(got[1], _fd(f, (P, X), 1))


@pytest.mark.parametrize("mode", MODES)
def test_wrt_an_extra_argument_and_a_keyword_value(mode):
    """An int ``wrt`` counts the call's positional arguments; a keyword value
    is differentiated through a callee's **kwargs."""
    g = srcgrad.grad(concat_and_multiply, wrt=2, mode=mode)
    w = RNG.randn(6)
    assert_allclose(g(w, A, B, C), _fd(concat_and_multiply, (w, A, B, C), 2))

    def outer(p, lam):
        return penalised_loss(p, X, Y, l2=lam, scale=2.0)
    got = srcgrad.grad(outer, wrt=(0, 1), mode=mode)(P, 0.3)
    assert_allclose(got[1], _fd(outer, (P, 0.3), 1))
    assert isinstance(got[1], float)
    named = srcgrad.grad(penalised_loss, wrt="params", mode=mode)(P, X, Y, l2=0.5)
    assert_allclose(named, _fd(lambda p: penalised_loss(p, X, Y, l2=0.5), (P,), 0))


def test_wrt_names_and_positions_are_checked():
    with pytest.raises(ValueError, match="leading parameters"):
        srcgrad.grad(penalised_loss, wrt="data")
    g = srcgrad.grad(concat_and_multiply, wrt=3, mode="compile")
    with pytest.raises(ValueError, match="called with 3 arguments"):
        g(RNG.randn(4), A, B)


@pytest.mark.parametrize("mode", MODES)
def test_vjp_value_and_grad_and_explain(mode):
    args = (RNG.randn(4), A, B)
    value, pullback = srcgrad.vjp(concat_and_multiply, *args, mode=mode)
    assert_allclose(value, concat_and_multiply(*args))
    cts = pullback(1.0)
    for i in range(3):
        assert_allclose(cts[i], _fd(concat_and_multiply, args, i))
    v, g = srcgrad.value_and_grad(sum_of_squares, wrt=(0, 1), mode=mode)(A, B)
    assert_allclose(v, sum_of_squares(A, B))
    assert_allclose(g[1], 2 * B)
    engine = srcgrad.explain(concat_and_multiply, *args, mode=mode).engine
    assert engine == ("tape" if mode == "tape" else "compiler")


def keyword_only(x, *, scale):
    return x * scale


@pytest.mark.parametrize("mode", MODES)
def test_keyword_only_parameters_in_every_engine(mode):
    """The tape calls the function as the user did (keyword-only by name)."""
    assert srcgrad.grad(keyword_only, mode=mode)(2.0, scale=3.0) == 3.0
    assert srcgrad.grad(keyword_only, wrt="scale", mode=mode)(2.0, scale=3.0) == 2.0


def grows_a_literal(x):
    xs = [x]
    xs.append(x * 2.0)     # the literal's length is not the list's length
    return sum_of_squares(*xs)


def test_a_list_literal_that_grows_is_unpacked_at_its_run_time_length():
    for mode in MODES:
        assert_allclose(srcgrad.grad(grows_a_literal, mode=mode)(A), 10.0 * A)


def wrong_length(x):
    xs = [x, x, x]
    n = len(xs)
    ys = [x] * n
    return np.sum(pair_product(*ys))


def too_short(x):
    head, *mid, tail = [x]
    return np.sum(head)


@pytest.mark.parametrize("fn", [wrong_length, too_short])
def test_a_length_python_refuses_is_refused(fn):
    """Code compiled for the length a call needs raises for another one (as
    Python does, where it would otherwise reuse code for the wrong length)."""
    for mode in ("compile", "tape"):
        with pytest.raises((ValueError, TypeError)):
            srcgrad.grad(fn, mode=mode)(A)


# -- refusals at the user's line -----------------------------------------------------------

def reshape_star(x):
    shape = x.shape
    return np.sum(x.reshape(*shape[::-1]) * np.arange(6.0).reshape(3, 2))


def with_default(a, b=2.0):
    return a * b


def star_into_defaults(x):
    xs = [x]
    for _ in range(1):
        xs.append(x * 2.0)
    return np.sum(with_default(*xs))


def unknown_keys(x, opts):
    return penalised_loss(x, X, Y, **opts)


def starred_loop_target(x):
    s = 0.0
    for a, *b in [(x, x), (x, x)]:
        s = s + np.sum(a)
    return s


REFUSED = [
    (reshape_star, (RNG.randn(2, 3),), "in an operation on a value that depends"),
    (star_into_defaults, (A,), "in a call to with_default that the gradient goes through"),
    (unknown_keys, (P, {"l2": 0.1}), "**-unpacking of a mapping whose keys"),
    (starred_loop_target, (A,), "starred targets in a for-loop header"),
]


@pytest.mark.parametrize("fn,args,msg", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_refused_at_the_users_line_and_right_on_the_tape(fn, args, msg):
    with pytest.raises(SrcgradSyntaxError) as err:
        srcgrad.grad(fn, mode="compile")(*args)
    assert msg in str(err.value)
    assert err.value.filename == HERE
    assert "mode=" in str(err.value) or "unpack" in str(err.value)
    got = srcgrad.grad(fn, mode="auto")(*args)
    assert_allclose(got, _fd(fn, args, 0))


# -- generated code ------------------------------------------------------------------------

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden",
                      "varargs.py.txt")


def _generated():
    g = srcgrad.grad(concat_and_multiply, wrt=(0, 1, 2), mode="compile")
    g(np.ones(4), np.ones(2), np.ones(2))
    return g, srcgrad.source(g)


def test_golden_source_of_a_function_with_args():
    """The version for two extra arguments: they are parameters, packed
    back into the tuple the body reads."""
    with open(GOLDEN) as fh:
        want = fh.read()
    assert _generated()[1] == want, (
        "generated code changed; if intended run `python %s --update` and review the diff"
        % os.path.relpath(__file__))


def test_generated_code_is_inside_the_accepted_subset():
    g, _ = _generated()
    for compiled in g._by_kind.values():
        fence.check(parse_function(compiled.fn))


if __name__ == "__main__" and "--update" in sys.argv:
    with open(GOLDEN, "w") as fh:
        fh.write(_generated()[1])
