"""One semantics, two engines: fallback, mixed mode, grad modes in compiled code,
custom gradients usable from both engines, compiled functions as tape nodes.

Every gradient is checked against central finite differences or a hand-derived
value; grad-mode cases run through both engines and must agree."""

import functools
import logging
import math

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import assert_allclose, numeric_grad

X = np.array([0.3, -0.5, 0.8])


# ------------------------------------------------------------------ fallback

def uses_try(x):
    try:
        for _ in range(2):  # a loop in a try body: its partial run cannot be reversed
            x = np.sin(x) * 2.0
    except ValueError:
        pass
    return np.sum(x)


def uses_generator(x):
    def terms():
        for i in range(3):
            yield x * (i + 1.0)
    s = 0.0
    for t in terms():   # a loop that may stop early: the generator is not consumed whole
        s = s + np.sum(t)
        if s > 100.0:
            break
    return s


def runtime_callee(x, name):
    fn = getattr(np, name)
    return np.sum(fn(x) ** 2)


class Model:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return np.tanh(self.w * x)

    def loss(self, x):
        return np.sum(self(x) ** 2)


MODEL = Model(1.5)


class Energy:
    def __call__(self, x):
        return np.sum(np.cos(x) * x)


def calls_object(x):
    return np.sum(MODEL(x) * 2.0)


def recursive(x, n):
    if n == 0:
        return np.sum(x)
    return recursive(np.sin(x), n - 1)


FALLBACKS = [
    (uses_try, (X,), "a try body with except clauses"),
    (uses_generator, (X,), "generator"),
    (functools.partial(np.sum), (X,), "not a Python function"),
]


@pytest.mark.parametrize("fn,args,why", FALLBACKS, ids=[str(i) for i in range(len(FALLBACKS))])
def test_auto_falls_back_to_the_tape_with_right_gradients(fn, args, why, caplog):
    with caplog.at_level(logging.INFO, logger="srcgrad"):
        g = srcgrad.grad(fn, mode="auto")(*args)
    assert_allclose(g, numeric_grad(fn, args, 0))
    assert any("tape" in r.getMessage() for r in caplog.records)
    info = srcgrad.explain(fn, *args)
    assert info.engine == "tape" and why in info.reason


@pytest.mark.parametrize("fn,args,why", FALLBACKS[:3], ids=[str(i) for i in range(3)])
def test_compile_mode_refuses_instead(fn, args, why):
    with pytest.raises((SyntaxError, NotImplementedError)):
        srcgrad.grad(fn, mode="compile")(*args)


@pytest.mark.parametrize("fn,args,why", FALLBACKS, ids=[str(i) for i in range(len(FALLBACKS))])
def test_value_and_grad_and_vjp_on_the_tape(fn, args, why):
    value, g = srcgrad.value_and_grad(fn, mode="tape")(*args)
    assert value == pytest.approx(fn(*args))
    assert_allclose(g, numeric_grad(fn, args, 0))
    out, pullback = srcgrad.vjp(fn, *args, wrt=0, mode="tape")
    (g2,) = pullback(1.0)
    assert_allclose(g2, g)


@pytest.mark.parametrize("fn", [MODEL.loss, Energy()], ids=["bound method", "object"])
@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_a_bound_method_or_a_callable_object_given_to_grad_compiles(fn, mode):
    assert srcgrad.explain(fn, X).engine == "compiler"
    assert_allclose(srcgrad.grad(fn, mode=mode)(X), numeric_grad(fn, (X,), 0))


def test_recursion_is_compiled():
    g = srcgrad.grad(recursive)(X, 3)
    assert_allclose(g, numeric_grad(recursive, (X, 3), 0))
    info = srcgrad.explain(recursive, X, 3)
    assert info.engine == "compiler" and not info.tape_calls
    assert_allclose(srcgrad.grad(recursive, mode="compile")(X, 3), g)


def test_no_warnings_by_default(recwarn):
    srcgrad.grad(uses_try)(X)
    assert not [w for w in recwarn if "srcgrad" in str(w.message)]


def test_callable_objects_and_run_time_callees_are_compiled():
    """They ran on the tape (mixed mode, or the whole function) before dynamic
    call sites (srcgrad/compiler/transforms/dynamic.py)."""
    for fn, args in [(calls_object, (X,)), (runtime_callee, (X, "sin"))]:
        info = srcgrad.explain(fn, *args)
        assert info.engine == "compiler" and info.tape_calls == []
        for mode in ("compile", "tape"):
            assert_allclose(srcgrad.grad(fn, mode=mode)(*args), numeric_grad(fn, args, 0))


def test_conversion_to_float_on_the_tape_is_refused():
    def f(x):
        return math.sin(x[0]) + np.sum(x)
    with pytest.raises(TypeError, match="test_fallback_and_modes.py"):
        srcgrad.grad(f, mode="tape")(X)
    # the compiler gets it right
    assert_allclose(srcgrad.grad(f)(X), numeric_grad(f, (X,), 0))


# ------------------------------------------------------------------ grad modes

@srcgrad.no_grad()
def const_helper(x):
    return x * 10.0


def grad_mode_blocks(x):
    with srcgrad.no_grad():
        c = np.sum(x) * 3.0
        with srcgrad.enable_grad():
            d = x * 2.0
    return np.sum(x * c) + np.sum(d) + np.sum(const_helper(x)) + np.sum(srcgrad.detach(x) * x) \
        + np.sum(srcgrad.stop_gradient(x) ** 2)


def runtime_flag(x, flag):
    with srcgrad.set_grad_enabled(flag):
        y = x * x
    return np.sum(y) + np.sum(x)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_grad_modes_inside_the_function(mode):
    g = srcgrad.grad(grad_mode_blocks, mode=mode)(X)
    assert_allclose(g, np.sum(X) * 3.0 + 2.0 + X)  # c and the helpers are constants


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("flag", [True, False])
def test_set_grad_enabled_with_a_runtime_flag(mode, flag):
    g = srcgrad.grad(runtime_flag, mode=mode)(X, flag)
    assert_allclose(g, (2 * X if flag else 0.0) + 1.0)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_no_grad_around_the_call_is_ignored(mode):
    with srcgrad.no_grad():
        g = srcgrad.grad(lambda x: np.sum(x ** 2), mode=mode)(X)
    assert_allclose(g, 2 * X)


def test_detach_on_ndarrays_and_tensors():
    assert srcgrad.detach(X) is X
    t = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    d = srcgrad.stop_gradient(t)
    assert not d.requires_grad and np.shares_memory(d.numpy(), t.detach().numpy())


# ------------------------------------------------------------------ custom gradients

@srcgrad.custom_vjp
def soft_clip(x):
    return np.sin(x)


soft_clip.defvjp(lambda x: (np.sin(x), np.cos(x)),
                 lambda cos_x, g: (np.clip(g * cos_x, -0.1, 0.1),))


class Square(srcgrad.torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        ctx.save_for_backward(i)
        return i ** 2

    @staticmethod
    def backward(ctx, g):
        i, = ctx.saved_tensors
        return g * 2 * i


def halve(g, ans, x):
    return g * 0.5


def opaque_half(x):
    return x * 0.5


srcgrad.defvjp(opaque_half, halve)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_custom_gradients_in_both_engines(mode):
    g = srcgrad.grad(lambda x: np.sum(soft_clip(x) * 3.0), mode=mode)(X)
    assert_allclose(g, np.clip(3.0 * np.cos(X), -0.1, 0.1))
    g = srcgrad.grad(lambda x: np.sum(Square.apply(x) * 1.5), mode=mode)(X)
    assert_allclose(g, 3.0 * X)
    g = srcgrad.grad(lambda x: np.sum(opaque_half(x) * x), mode=mode)(X)
    assert_allclose(g, 0.5 * X + 0.5 * X)


def test_custom_vjp_on_tensors_records_one_node():
    t = srcgrad.torch.tensor([0.0, 1.0], dtype=srcgrad.torch.float64, requires_grad=True)
    y = soft_clip(t)
    assert y.grad_fn.name() == "SoftClipBackward"
    y.sum().backward()
    assert_allclose(t.grad.numpy(), np.clip(np.cos([0.0, 1.0]), -0.1, 0.1))


# ------------------------------------------------------------------ engines meet

@srcgrad.compiled
def energy(x, w):
    h = np.tanh(x * w)
    for _ in range(3):
        h = np.sin(h) * 1.1
    return np.sum(h ** 2)


def test_compiled_function_is_one_tape_node():
    x = np.array([0.2, -0.4, 0.9])
    t = srcgrad.torch.tensor(x, requires_grad=True)
    w = srcgrad.torch.tensor(1.3, dtype=srcgrad.torch.float64, requires_grad=True)
    e = energy(t, w) * 2.0
    node = e.grad_fn.next_functions[0][0]
    assert node.name() == "EnergyBackward"
    assert all(type(n).__name__ == "AccumulateGrad" for n, _ in node.next_functions)
    e.backward()
    f = energy.__wrapped__
    assert_allclose(t.grad.numpy(), 2 * numeric_grad(f, (x, 1.3), 0))
    assert t.grad.numpy().dtype == np.float64
    assert float(w.grad) == pytest.approx(2 * numeric_grad(f, (x, 1.3), 1), rel=1e-6)
    assert energy(x, 1.3) == pytest.approx(f(x, 1.3))  # plain NumPy call


# ------------------------------------------------------------------ regressions

def test_grad_of_grad_is_the_second_derivative():
    g2 = srcgrad.grad(srcgrad.grad(lambda x: x ** 3 + np.sin(x)))
    for x in (0.5, 2.0):
        assert g2(x) == pytest.approx(6 * x - np.sin(x))
    g2c = srcgrad.grad(srcgrad.grad(lambda x: x ** 3 + np.sin(x)), mode="compile")
    for x in (0.5, 2.0):   # generated code: the gradient of the JVP (srcgrad/higher.py)
        assert g2c(x) == pytest.approx(6 * x - np.sin(x), rel=1e-12)


def test_returned_array_is_not_changed_by_the_pullback():
    def f(x):
        y = np.zeros(3)
        y[0] = x[0] * 2.0
        return y
    value, pullback = srcgrad.vjp(f, np.array([1.0, 2.0, 3.0]), mode="compile")
    (g,) = pullback(np.ones(3))
    assert_allclose(value, [2.0, 0.0, 0.0])
    assert_allclose(g, [2.0, 0.0, 0.0])


def _closure_pair():
    scale = 2.0

    def f(x):
        return x * scale

    def set_scale(v):
        nonlocal scale
        scale = v
    return f, set_scale


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_closure_variables_are_read_live(mode):
    f, set_scale = _closure_pair()
    g = srcgrad.grad(f, mode=mode)
    assert g(1.0) == 2.0
    set_scale(5.0)
    assert g(1.0) == 5.0 and srcgrad.grad(f, mode=mode)(1.0) == 5.0


def _tripled(x):
    return x * 3.0


def _custom_slope(g, ans, x):
    return g * 7.0  # not the true slope: shows which gradient each engine uses


TRIPLED = srcgrad.defvjp(_tripled, _custom_slope)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_defvjp_on_a_python_function_is_used_by_both_engines(mode):
    g = srcgrad.grad(lambda x: np.sum(TRIPLED(x)), mode=mode)(X)
    assert_allclose(g, np.full(3, 7.0))
