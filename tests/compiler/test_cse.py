"""Common-subexpression elimination (srcgrad/compiler/lower/cse.py), run on
the fused gradient functions: the rewrites it makes and refuses to make on
small statement lists, and gradients of functions that repeat expressions
across rebinding, loops, branches, in-place updates and calls -- against
central finite differences in both engines, and the hvp against the
hand-derived Hessian."""

import gast
import numpy as np
import pytest

import srcgrad
from srcgrad.compiler.frontend.anf import dump
from srcgrad.compiler.lower.cse import eliminate
from srcgrad.testing import assert_allclose, numeric_grad

ENGINES = ("compile", "tape")


def _resolve(func):
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
            func.value.id == "np":
        return getattr(np, func.attr, None)
    return None


def _cse(src, numeric="abcdhtxyz"):
    names = iter("_t%d" % i for i in range(90, 100))
    body = gast.parse(src).body
    return dump(eliminate(body, lambda: next(names), set(numeric), _resolve))


# ------------------------------------------------------------------ the rewrites

def test_a_repeated_subexpression_is_computed_once():
    assert _cse("d = t * (1.0 - np.square(h))\ng = b * (1.0 - np.square(h))\n") == \
        "_t90 = 1.0 - np.square(h)\nd = t * _t90\ng = b * _t90"


def test_a_whole_right_hand_side_is_reused_by_its_name():
    assert _cse("a = x * 2\nb = (x * 2) + 1\n") == "a = x * 2\nb = a + 1"


def test_a_whole_right_hand_side_is_never_aliased():
    # b = a would make b and a one array: a write into one would change the other
    assert _cse("a = x * 2\nb = x * 2\n") == "a = x * 2\nb = x * 2"


def test_rebinding_an_operand_ends_availability():
    out = _cse("d = t * np.sin(x)\nx = x + 1\ng = b * np.sin(x)\n")
    assert out == "d = t * np.sin(x)\nx = x + 1\ng = b * np.sin(x)"


def test_a_write_into_an_array_ends_availability():
    for write in ("x[0] = 5.0", "x += 1.0", "np.copyto(x, y)", "x.sort()", "h.obj = 1",
                  "f(x)", "z = user(x)"):
        src = "d = t * np.sin(x)\n%s\ng = b * np.sin(x)\n" % write
        assert "np.sin(x)\n%s\ng = b * np.sin(x)" % write in _cse(src), write


def test_a_statement_with_an_unknown_call_is_left_alone():
    # user(...) may write into x before or after np.sin(x) is evaluated
    src = "d = t * np.sin(x)\ng = user(x) + np.sin(x)\n"
    assert _cse(src) == "d = t * np.sin(x)\ng = user(x) + np.sin(x)"


def test_only_numeric_operands():
    # o is not known to hold a number or an array: o - 1 may be a user's __sub__
    assert _cse("a = t * (o - 1)\nb = d * (o - 1)\n") == "a = t * (o - 1)\nb = d * (o - 1)"


def test_no_random_draws_and_no_out_keyword():
    src = "a = t * np.random.normal(x)\nb = d * np.random.normal(x)\n"
    assert _cse(src) == "a = t * np.random.normal(x)\nb = d * np.random.normal(x)"
    src = "a = t * np.sin(x, out=y)\nb = d * np.sin(x, out=y)\n"
    assert "_t90" not in _cse(src)


def test_loops_start_with_nothing_available():
    src = "a = t * np.sin(x)\nfor i in r:\n    b = d * np.sin(x)\n    x = x * 2\n"
    assert "_t90" not in _cse(src)
    src = "for i in r:\n    b = d * np.sin(x)\n    c = t * np.sin(x)\n    x = x * 2\n"
    assert _cse(src) == ("for i in r:\n    _t90 = np.sin(x)\n    b = d * _t90\n"
                         "    c = t * _t90\n    x = x * 2")


def test_after_a_loop_nothing_it_rebinds():
    src = "a = t * np.sin(x)\nfor i in r:\n    x = x * 2\nb = d * np.sin(x)\n"
    assert "_t90" not in _cse(src)
    src = "a = t * np.sin(x)\nfor i in r:\n    y = y * 2\nb = d * np.sin(x)\n"
    assert _cse(src).startswith("_t90 = np.sin(x)\na = t * _t90\n")


def test_branches_see_what_comes_before_not_each_other():
    src = ("a = t * np.sin(x)\nif c:\n    b = d * np.sin(x)\n    e = d * np.cos(x)\n"
           "else:\n    e = t * np.cos(x)\nf = y * np.cos(x)\n")
    out = _cse(src)
    assert out.startswith("_t90 = np.sin(x)\na = t * _t90\nif c:\n    b = d * _t90\n")
    assert out.count("np.cos(x)") == 3      # computed in one branch: not after the if
    src = "a = t * np.sin(x)\nif c:\n    x = y\nb = d * np.sin(x)\n"
    assert "_t90" not in _cse(src)


def test_nested_repeats_are_ordered():
    src = "a = t * np.exp(np.sin(x))\nb = d * np.sin(x)\nc = y * np.exp(np.sin(x))\n"
    out = _cse(src)
    assert out == ("_t90 = np.sin(x)\n_t91 = np.exp(_t90)\na = t * _t91\nb = d * _t90\n"
                   "c = y * _t91")
    src = "a = t * np.exp(np.sin(x))\nc = y * np.exp(np.sin(x))\nb = d * np.sin(x)\n"
    out = _cse(src)
    assert out.index("np.sin(x)") < out.index("np.exp(")
    ns = {"np": np, "t": 2.0, "y": 3.0, "d": 5.0, "x": 0.3}
    exec(compile(out, "<cse>", "exec"), ns)
    assert ns["b"] == 5.0 * np.sin(0.3) and ns["c"] == 3.0 * np.exp(np.sin(0.3))


# ------------------------------------------------------------------ gradients

def repeated_tanh(x, W):
    h = np.tanh(W @ x)
    s = (1.0 - h ** 2) * x[0]
    return np.sum(s * (1.0 - h ** 2)) + np.sum(np.sin(W @ x))


def rebound_between(x):
    a = np.sin(x) * 2.0
    x = x * 3.0
    b = np.sin(x) + a
    return np.sum(b * np.sin(x))


def loop_repeats(x, n):
    acc = 0.0
    for i in range(n):
        acc = acc + np.sum(np.cos(x) * np.cos(x))
        x = x * 1.1 + np.cos(x)
    return acc + np.sum(np.cos(x))


def branch_repeats(x):
    y = np.exp(x) * 0.5
    if x[0] > 0.0:
        z = np.exp(x) * x
    else:
        x = x * 2.0
        z = np.exp(x) - 1.0
    return np.sum(z * np.exp(x))


def inplace_repeats(x):
    y = x * 2.0
    a = (y + 1.0) * 1.5
    y[0] = 4.0 * x[1]
    b = (y + 1.0) * a
    y += x
    return np.sum(b * (y + 1.0))


def whole_rhs_aliases(x):
    a = x * 2.0
    b = x * 2.0
    a[1] = 7.0 * x[0]
    return np.sum(a * b) + np.sum(b)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fn, extra", [
    (repeated_tanh, (np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]),)),
    (rebound_between, ()), (loop_repeats, (3,)), (branch_repeats, ()),
    (inplace_repeats, ()), (whole_rhs_aliases, ())])
def test_gradients_agree_with_finite_differences(engine, fn, extra):
    for x in (np.array([0.4, -0.7, 1.1]), np.array([-0.4, 0.2, 0.3])):
        args = (x,) + extra
        g = srcgrad.grad(fn, mode=engine)(*args)
        assert_allclose(g, numeric_grad(fn, args, 0), rtol=1e-5, atol=1e-7)
        v, g2 = srcgrad.value_and_grad(fn, mode=engine)(*args)
        assert_allclose(g2, g, rtol=1e-12, atol=1e-14)
        assert_allclose(v, fn(*args), rtol=1e-12)


def test_the_fused_gradient_computes_a_repeat_once():
    src = srcgrad.source(_ran(srcgrad.grad(repeated_tanh, mode="compile")))
    code = "\n".join(line for line in src.splitlines() if not line.strip().startswith("#"))
    assert code.count("h ** 2") == 1 and code.count("W @ x") == 1, src


def _ran(g):
    g(np.array([0.4, -0.7, 1.1]), np.ones((2, 3)))
    return g


def tanh_loss(x):
    return np.sum(np.tanh(x) ** 2)


@pytest.mark.parametrize("engine", ENGINES)
def test_hvp_of_tanh_against_the_hand_hessian(engine):
    # d2/dx2 tanh(x)^2 = 2 (1 - t^2)^2 - 4 t^2 (1 - t^2), t = tanh(x)
    x, v = np.array([0.3, -1.2, 0.8]), np.array([1.0, -2.0, 0.5])
    t = np.tanh(x)
    hand = (2 * (1 - t ** 2) ** 2 - 4 * t ** 2 * (1 - t ** 2)) * v
    assert_allclose(srcgrad.hvp(tanh_loss, mode=engine)(x, v), hand, rtol=1e-10)
