"""The tape as an engine for ``grad``: ``srcgrad.tape.engine.tape_vjp`` on
functions written in plain NumPy, checked against central differences; trees;
repeated pullbacks; conversion errors that name the user's line; grad modes
inside and around the call; ``detach``/``stop_gradient``."""

import collections
import math
import sys

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.tape.engine import tape_vjp, detach, stop_gradient, TapeConversionError
from srcgrad.testing import numeric_grad

RNG = np.random.default_rng(0)


def grads(fun, args, wrt=0):
    """Tape gradient of scalar ``fun`` at ``args`` w.r.t. ``wrt``."""
    value, pullback = tape_vjp(fun, args, wrt)
    return value, pullback(1.0)


def check(fun, *args, wrt=(0,), rtol=1e-6, atol=1e-8):
    value, got = grads(fun, args, wrt)
    np.testing.assert_allclose(value, fun(*args), rtol=1e-12)
    for k, i in enumerate(wrt):
        want = numeric_grad(fun, args, i)
        assert type(got[k]) is type(args[i]) or isinstance(args[i], np.ndarray)
        np.testing.assert_allclose(got[k], want, rtol=rtol, atol=atol)
    return got


# ----------------------------------------------------------- user functions

def f_arith(x, y):
    return np.sum(x * y - x / (1.0 + y ** 2) + 2.0 ** x)


def f_broadcast(m, v):
    return np.sum(np.tanh(m + v) * v)


def f_reductions(x):
    return np.mean(x, axis=0).sum() + np.max(x) * np.prod(x[0]) + np.std(x)


def f_matmul(w, x):
    h = np.tanh(x @ w)
    return np.sum(h.T @ h)


def f_indexing(x):
    return x[0] * x[-1] + np.sum(x[1:3] ** 2) + x[np.array([0, 2])].sum()


def f_loop(x):
    acc = 0.0
    for i in range(4):
        acc = acc + np.sin(x * i)
    return np.sum(acc)


def f_if_on_data(x):
    if np.sum(x) > 0:
        return np.sum(x ** 3)
    return np.sum(-x)


def f_while(x):
    y = x
    n = 0
    while np.max(np.abs(y)) < 10.0 and n < 20:
        y = y * 1.7 + 0.1
        n += 1
    return np.sum(y)


def f_list(x):
    parts = []
    for k in range(3):
        parts.append(x * (k + 1))
    return np.sum(np.stack(parts) ** 2) + np.sum(np.concatenate(parts))


def f_dict(p, x):
    h = np.tanh(x @ p["W"] + p["b"])
    return np.mean((h - 0.5) ** 2)


def f_closure(x):
    scale = 3.0

    def inner(v):
        return np.exp(-scale * v * v)
    return np.sum(inner(x))


def f_recursion(x, n=4):
    if n == 0:
        return np.sum(x)
    return f_recursion(np.sin(x) * 1.1, n - 1)


def f_try(x):
    try:
        y = np.log(x)
        raise ValueError
    except ValueError:
        y = y * 2.0
    return np.sum(y)


def f_generator(x):
    def terms(v):
        for k in range(1, 4):
            yield v ** k / k
    return np.sum(sum(terms(x)))


class Poly:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, x):
        return np.sum(sum(c * x ** k for k, c in enumerate(self.coeffs)))

    def energy(self, x):
        return self(x) * np.sum(x * x)


X3 = RNG.standard_normal(3)
M23 = RNG.standard_normal((2, 3))


@pytest.mark.parametrize("fun,args,wrt", [
    (f_arith, (X3, np.abs(X3) + 0.5), (0, 1)),
    (f_broadcast, (M23, X3), (0, 1)),
    (f_reductions, (np.abs(M23) + 0.1,), (0,)),
    (f_matmul, (RNG.standard_normal((3, 2)), M23), (0, 1)),
    (f_indexing, (X3,), (0,)),
    (f_loop, (X3,), (0,)),
    (f_if_on_data, (X3,), (0,)),
    (f_if_on_data, (-np.abs(X3),), (0,)),
    (f_while, (X3 * 0.1,), (0,)),
    (f_list, (X3,), (0,)),
    (f_closure, (X3,), (0,)),
    (f_recursion, (X3,), (0,)),
    (f_try, (np.abs(X3) + 0.1,), (0,)),
    (f_generator, (X3,), (0,)),
    (Poly([1.0, -2.0, 0.5]), (X3,), (0,)),
    (Poly([0.3, 1.0]).energy, (X3,), (0,)),
    (lambda x, y: x * math.pi + np.sin(y) * x, (0.7, 1.3), (0, 1)),
], ids=lambda v: getattr(v, "__name__", None) or type(v).__name__)
def test_gradients_match_finite_differences(fun, args, wrt):
    check(fun, *args, wrt=wrt)


def test_python_float_arguments_give_python_floats_in_float64():
    value, (gx,) = grads(lambda x: x * x * 1.0000001, (3.0,))
    assert type(gx) is float and gx == pytest.approx(6.0000006, rel=1e-12)
    assert isinstance(value, float)


def test_float64_kept_and_float32_kept():
    _, (g64,) = grads(lambda x: np.sum(x * x), (np.ones(2),))
    _, (g32,) = grads(lambda x: np.sum(x * x), (np.ones(2, dtype=np.float32),))
    assert g64.dtype == np.float64 and g32.dtype == np.float32


def test_value_comes_back_as_numpy_gives_it():
    value, _ = tape_vjp(lambda x: (x * 2, np.sum(x), [x[0]]), (np.ones(3),))
    assert type(value) is tuple and type(value[0]) is np.ndarray
    assert isinstance(value[1], np.float64) and isinstance(value[2], list)


# ---------------------------------------------------------------- trees

Params = collections.namedtuple("Params", "w b")


def test_dict_params():
    p = {"W": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
    x = RNG.standard_normal((4, 3))
    _, (g,) = grads(f_dict, (p, x))
    assert set(g) == {"W", "b"}
    np.testing.assert_allclose(g["W"], numeric_grad(lambda W: f_dict({"W": W, "b": p["b"]}, x),
                                                    (p["W"],), 0), rtol=1e-6)
    np.testing.assert_allclose(g["b"], numeric_grad(lambda b: f_dict({"W": p["W"], "b": b}, x),
                                                    (p["b"],), 0), rtol=1e-6)


def test_nested_trees_and_namedtuples():
    tree = {"layers": [Params(np.ones(2), 0.5), Params(np.full(2, 2.0), -1.0)],
            "scale": (3.0,), "name": "net"}

    def f(t):
        s = t["scale"][0]
        return sum(np.sum(p.w * s) + p.b ** 2 for p in t["layers"])
    _, (g,) = grads(f, (tree,))
    assert isinstance(g["layers"][0], Params) and g["name"] is None
    np.testing.assert_allclose(g["layers"][1].w, [3.0, 3.0])
    assert g["layers"][0].b == pytest.approx(1.0) and g["layers"][1].b == pytest.approx(-2.0)
    assert g["scale"][0] == pytest.approx(6.0) and type(g["scale"]) is tuple


def test_tuple_output_and_tuple_cotangent():
    def f(x, y):
        return x * y, np.sum(x) + y
    value, pullback = tape_vjp(f, (np.array([1.0, 2.0]), 3.0), wrt=(0, 1))
    gx, gy = pullback((np.array([1.0, 0.0]), 2.0))
    np.testing.assert_allclose(gx, [3.0 + 2.0, 2.0])
    assert gy == pytest.approx(1.0 + 2.0)


def test_zero_where_no_gradient_flows():
    _, (gx, gy) = grads(lambda x, y: np.sum(x * 2.0), (np.ones(2), np.ones(3)), wrt=(0, 1))
    np.testing.assert_array_equal(gy, np.zeros(3))
    _, (g,) = grads(lambda x: 5.0, (2.0,))
    assert g == 0.0 and type(g) is float


def test_has_aux():
    value, pullback, aux = tape_vjp(lambda x: (np.sum(x * x), {"n": x * 1}), (np.ones(2),),
                                    0, has_aux=True)
    assert float(value) == 2.0 and type(aux["n"]) is np.ndarray
    np.testing.assert_allclose(pullback(1.0)[0], [2.0, 2.0])


def test_pullback_called_many_times():
    value, pullback = tape_vjp(lambda x: np.sum(np.exp(x) * x), (np.array([0.1, 0.2]),))
    first = pullback(1.0)[0]
    for scale in (2.0, 1.0, -3.0):
        np.testing.assert_allclose(pullback(scale)[0], scale * first)


def test_argument_arrays_are_not_modified_or_shared():
    x = np.array([1.0, 2.0])

    def f(v):
        v += 1.0          # in place on the tape's own copy (not the leaf: allowed)
        v[0] *= 3.0
        return np.sum(v * v)
    value, pullback = tape_vjp(f, (x,))
    np.testing.assert_array_equal(x, [1.0, 2.0])
    assert value == pytest.approx(36.0 + 9.0)
    np.testing.assert_allclose(pullback(1.0)[0], [2 * 6.0 * 3.0, 2 * 3.0])


# ---------------------------------------------------------- conversions

def _conv_float(x):
    return float(x[0]) * x                                      # LINE: float


def _conv_math(x):
    return math.sin(x) * x                                      # LINE: math


def _conv_asarray(x):
    return np.sum(np.asarray(x))                                # LINE: asarray


def _conv_array_list(x):
    return np.sum(np.array([x[0], x[1]]))                       # LINE: array


def _conv_setitem(x):
    a = np.zeros(3)
    a[0] = x[1]                                                 # LINE: setitem
    return np.sum(a * x)


def _conv_item(x):
    return x.sum().item() * x                                   # LINE: item


def _conv_int(x):
    return np.sum(x * int(x[0]))                                # LINE: int


def _line(tag):
    src = open(__file__).read().splitlines()
    return next(i + 1 for i, s in enumerate(src) if s.rstrip().endswith("# LINE: " + tag))


@pytest.mark.parametrize("fun,tag,arg", [
    (_conv_float, "float", np.ones(2)), (_conv_math, "math", 0.5),
    (_conv_asarray, "asarray", np.ones(2)), (_conv_array_list, "array", np.ones(2)),
    (_conv_setitem, "setitem", np.ones(3)), (_conv_item, "item", np.ones(2)),
    (_conv_int, "int", np.ones(2)),
])
def test_conversion_of_tracked_values_raises_naming_the_line(fun, tag, arg):
    with pytest.raises(TapeConversionError) as info:
        tape_vjp(fun, (arg,))
    msg = str(info.value)
    assert "%s:%d" % (__file__, _line(tag)) in msg
    assert "srcgrad.detach" in msg and isinstance(info.value, TypeError)


def test_conversions_of_constants_are_fine():
    def f(x):
        n = int(np.sum(np.ones(3)))                  # plain NumPy, no tracked value
        c = float(detach(x)[0])                      # an explicit constant
        with srcgrad.no_grad():
            k = float(x[1])                          # constant by request
        return np.sum(x * (n + c + k))
    _, (g,) = grads(f, (np.array([1.0, 2.0]),))
    np.testing.assert_allclose(g, [6.0, 6.0])


def test_outside_the_engine_tensor_keeps_pytorch_behaviour():
    t = srcgrad.torch.tensor([2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="requires_grad=True to a scalar"):
        assert float(t) == 2.0
    assert math.sin(t.detach()) == pytest.approx(math.sin(2.0))
    with pytest.raises(RuntimeError, match="Can't call numpy"):
        np.asarray(t)


# ------------------------------------------------------------ grad modes

def test_no_grad_inside_gives_constants():
    def f(x):
        with srcgrad.no_grad():
            c = x * x                 # a constant
        return np.sum(c * x)
    _, (g,) = grads(f, (np.array([2.0, 3.0]),))
    np.testing.assert_allclose(g, [4.0, 9.0])


def test_enable_grad_inside_no_grad_inside():
    def f(x):
        with srcgrad.no_grad():
            with srcgrad.enable_grad():
                y = x * x
        return np.sum(y)
    _, (g,) = grads(f, (np.array([2.0]),))
    np.testing.assert_allclose(g, [4.0])


def test_no_grad_decorated_helper_gives_constants():
    @srcgrad.no_grad()
    def helper(v):
        return v * v

    _, (g,) = grads(lambda x: np.sum(helper(x) * x), (np.array([3.0]),))
    np.testing.assert_allclose(g, [9.0])


def test_no_grad_and_inference_mode_around_the_call_are_ignored():
    for mode in (srcgrad.no_grad(), srcgrad.inference_mode(), srcgrad.set_grad_enabled(False)):
        with mode:
            _, (g,) = grads(lambda x: x * x, (3.0,))
            assert not srcgrad.is_grad_enabled()
        assert g == 6.0
    assert srcgrad.is_grad_enabled()


def test_modes_restored_when_the_function_raises():
    def f(x):
        raise KeyError("boom")
    with srcgrad.no_grad():
        with pytest.raises(KeyError):
            tape_vjp(f, (1.0,))
        assert not srcgrad.is_grad_enabled()
    assert srcgrad.is_grad_enabled()


def test_detach_and_stop_gradient():
    a = np.ones(2)
    assert detach(a) is a and detach(2.5) == 2.5 and stop_gradient is detach
    t = srcgrad.torch.tensor([1.0], requires_grad=True)
    d = detach(t)
    assert not d.requires_grad and d._data is t._data
    tree = detach({"a": t, "b": [t, 1.0]})
    assert not tree["a"].requires_grad and tree["b"][1] == 1.0

    def f(x):
        return np.sum(stop_gradient(x * x) * x)
    _, (g,) = grads(f, (np.array([2.0, 3.0]),))
    np.testing.assert_allclose(g, [4.0, 9.0])


def test_engine_is_thread_local_and_leaves_no_state():
    from srcgrad.tape.tensor import STRICT
    tape_vjp(lambda x: x * 2, (1.0,))
    assert STRICT.depth == 0 and STRICT.error is None
    assert sys.getrefcount(None) > 0   # smoke: nothing else to check


def _inplace_slice_idiom(x):
    a = x * 1.0
    a[0:2] *= 3.0
    return np.sum(a * x)


def _inplace_through_view(x):
    a = x * 1.0
    v = a[0:2]
    v *= 3.0               # changes a too: a's history must see it
    return np.sum(a * x)


@pytest.mark.parametrize("fun", [_inplace_slice_idiom, _inplace_through_view])
def test_inplace_on_slices_gives_right_gradients(fun):
    check(fun, np.array([1.0, 2.0, 3.0]))


def test_inplace_through_reshape_view_refused():
    def f(x):
        a = x * 1.0
        a.reshape(3, 1)[0] *= 2.0
        return np.sum(a)
    with pytest.raises(NotImplementedError, match="view"):
        tape_vjp(f, (np.ones(3),))


def _base_changed_after_view(x):
    a = x * 1.0
    v = a[0:2]
    a *= 3.0               # v sees the change: its history must too
    return np.sum(v * x[0:2]) + np.sum(a)


def test_view_used_after_inplace_change_of_its_base():
    check(_base_changed_after_view, np.array([1.0, 2.0, 3.0]))
