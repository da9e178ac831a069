"""First-class functions and user objects (srcgrad/compiler/transforms/dynamic.py, the object
trees of srcgrad/runtime/objects.py and trees.py): the guard on the callee's
identity, the cache never keeping a callee or an object alive, gradients with
respect to objects in both engines, and the refusals, located at the user's line.

Every gradient is checked against central finite differences (or a hand-derived
value), in mode="compile" and mode="tape"."""

import functools
import gc
import os
import weakref
from dataclasses import dataclass

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import NoRuleError, SrcgradSyntaxError
from srcgrad.testing import assert_allclose, numeric_grad

HERE = os.path.abspath(__file__)
X = np.array([0.3, -0.7, 1.1])
ENGINES = ("compile", "tape")


def passed(x, f):
    return np.sum(f(x) * x)


def softsign(v):
    return v / (1.0 + np.abs(v))


def cube(v):
    return v ** 3


@pytest.mark.parametrize("mode", ENGINES)
def test_a_new_callee_gets_its_own_gradient(mode):
    """The guard: one GradFunction called with different callees at the same
    call site, each time the new callee's gradient (never the code of the first)."""
    g = srcgrad.grad(passed, mode=mode)
    for f in (np.sin, cube, softsign, np.tanh, cube, functools.partial(np.multiply, 2.0)):
        assert_allclose(g(X, f), numeric_grad(passed, (X, f), 0))


@pytest.mark.parametrize("mode", ENGINES)
def test_a_new_method_gets_its_own_gradient(mode):
    """Objects of two classes with the same method name at one call site."""
    class Sin:
        def act(self, v):
            return np.sin(v)

    class Cube:
        def act(self, v):
            return v ** 3

    def f(x, layer):
        return np.sum(layer.act(x))
    g = srcgrad.grad(f, mode=mode)
    for obj in (Sin(), Cube(), Sin()):
        assert_allclose(g(X, obj), numeric_grad(f, (X, obj), 0))


def test_the_cache_keeps_no_callee_or_object_alive():
    def make():
        def act(v):
            return np.tanh(v) * 2.0
        return act

    class Layer:
        def __init__(self, w):
            self.w = w

        def __call__(self, v):
            return self.w * v

    act, layer = make(), Layer(np.array([1.0, 2.0, 3.0]))
    refs = [weakref.ref(act), weakref.ref(layer)]
    g = srcgrad.grad(passed, mode="compile")
    assert_allclose(g(X, act), numeric_grad(passed, (X, act), 0))
    assert_allclose(g(X, layer), numeric_grad(passed, (X, layer), 0))
    gl = srcgrad.grad(passed, wrt=1, mode="compile")(X, layer)
    assert_allclose(gl.w, X * X)
    del act, layer, gl
    gc.collect()
    assert [r() for r in refs] == [None, None]


# ----------------------------------------------------------------- objects


@dataclass(frozen=True)
class Frozen:
    W: np.ndarray
    b: float
    n: int = 2


def frozen_loss(p, x):
    h = x
    for _ in range(p.n):
        h = np.sin(p.W @ h) + p.b
    return np.sum(h ** 2)


@pytest.mark.parametrize("mode", ENGINES)
def test_gradient_of_a_frozen_dataclass_is_one_of_its_class(mode):
    p = Frozen(np.array([[0.5, -0.2, 0.1], [0.3, 0.4, -0.6], [0.0, 0.2, 0.9]]), 0.25)
    g = srcgrad.grad(frozen_loss, mode=mode)(p, X)
    assert type(g) is Frozen and g.n == 2      # non-float fields keep their values
    assert isinstance(g.W, np.ndarray) and isinstance(g.b, float)
    assert_allclose(g.W, numeric_grad(lambda W: frozen_loss(Frozen(W, p.b), X), (p.W,), 0))
    assert_allclose(g.b, numeric_grad(lambda b: frozen_loss(Frozen(p.W, b), X), (p.b,), 0))
    assert g is not p and p.b == 0.25          # the argument is untouched


class Net:
    def __init__(self, W, act):
        self.W = W
        self.act = act          # a callable attribute: kept, no gradient
        self.name = "net"

    @property
    def weights(self):
        return self.W * 2.0

    def __call__(self, x):
        return self.act(self.weights @ x)


def net_loss(net, x):
    return np.sum(net(x) ** 2)


@pytest.mark.parametrize("mode", ENGINES)
def test_property_and_call_of_an_object_argument(mode):
    W = np.array([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]])
    net = Net(W, np.tanh)
    g = srcgrad.grad(net_loss, wrt=(0, 1), mode=mode)(net, X)
    assert type(g[0]) is Net and g[0].act is np.tanh and g[0].name == "net"
    assert_allclose(g[0].W, numeric_grad(lambda W: net_loss(Net(W, np.tanh), X), (W,), 0))
    assert_allclose(g[1], numeric_grad(net_loss, (net, X), 1))


# ---------------------------------------------------------------- lambdas


def apply(f, v):
    return f(v)


def lambda_argument(x):
    return np.sum(apply(lambda v: v * np.sin(v), x))


def nested_def_argument(x):
    def sq(v):
        return v * v
    return np.sum(apply(sq, x) + apply(sq, 2.0 * x))


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("fn", [lambda_argument, nested_def_argument])
def test_lambdas_and_nested_defs_passed_to_user_functions(fn, mode):
    assert_allclose(srcgrad.grad(fn, mode=mode)(X), numeric_grad(fn, (X,), 0))


def lambda_reading_a_local(x):
    s = np.sum(x)
    return np.sum(apply(lambda v: v * s, x))


@pytest.mark.parametrize("mode", ENGINES)
def test_a_lambda_argument_reading_a_local_is_a_closure(mode):
    # the lambda becomes a closure over s, which carries its gradient
    assert_allclose(srcgrad.grad(lambda_reading_a_local, mode=mode)(X),
                    numeric_grad(lambda_reading_a_local, (X,), 0))


def lambda_reading_a_changing_local(x):
    s = np.sum(x)
    g = apply(lambda v: v * s, x)
    s = s * 2.0
    return np.sum(g) + s


def test_a_lambda_reading_a_local_assigned_again_is_refused_at_its_line():
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(lambda_reading_a_changing_local, mode="compile")(X)
    assert info.value.filename == HERE
    assert info.value.lineno == lambda_reading_a_changing_local.__code__.co_firstlineno + 2
    assert "may change after it is made" in str(info.value)
    assert_allclose(srcgrad.grad(lambda_reading_a_changing_local)(X),       # auto: the tape
                    numeric_grad(lambda_reading_a_changing_local, (X,), 0))


# ---------------------------------------------------------------- refusals


class Counter:
    def __init__(self):
        self.last = None

    def record(self, v):
        self.last = v            # mutates the object
        return v * 2.0


def calls_a_mutating_method(x, counter):
    y = counter.record(x)
    return np.sum(y)


def test_a_method_that_mutates_its_object_is_refused():
    c = Counter()
    with pytest.raises(SrcgradSyntaxError, match="in place") as info:
        srcgrad.grad(calls_a_mutating_method, mode="compile")(X, c)
    assert info.value.filename == HERE
    assert info.value.lineno == calls_a_mutating_method.__code__.co_firstlineno + 1
    assert "must not mutate objects" in str(info.value)
    assert c.last is None


def stores_an_attribute(x, obj):
    obj.v = x
    return np.sum(x)


def test_an_attribute_store_in_differentiated_code_is_refused():
    with pytest.raises(SrcgradSyntaxError, match="attribute") as info:
        srcgrad.grad(stores_an_attribute, mode="compile")(X, Counter())
    assert info.value.filename == HERE


_ns = {"np": np}
exec("def opaque(v):\n    return np.sin(v)\n", _ns)
OPAQUE = _ns["opaque"]


def test_a_callee_with_no_source_and_no_rule_is_refused_at_the_call():
    with pytest.raises(NoRuleError) as info:
        srcgrad.grad(passed, mode="compile")(X, OPAQUE)
    assert "%s:%d" % (HERE, passed.__code__.co_firstlineno + 1) in str(info.value)
    assert "defvjp" in str(info.value)
    # auto: that call runs on the tape, the rest stays compiled
    assert_allclose(srcgrad.grad(passed)(X, OPAQUE), numeric_grad(passed, (X, OPAQUE), 0))


def bound_array_method(x):
    f = x.dot
    return f(X)


def test_a_callee_that_carries_a_gradient_and_is_no_function_is_refused():
    with pytest.raises(SrcgradSyntaxError, match="depends on the differentiated") as info:
        srcgrad.grad(bound_array_method, mode="compile")(X)
    assert info.value.filename == HERE
    assert info.value.lineno == bound_array_method.__code__.co_firstlineno + 2


# ------------------------------------------------------ golden-source programs


@pytest.mark.parametrize("mode", ENGINES)
def test_golden_programs_are_right(mode):
    from test_generated import Affine, apply_nonlinearity, model_loss
    layer = Affine(np.array([[0.2, -0.4, 0.5], [0.1, 0.3, -0.2]]), np.array([0.05, -0.1]))
    g_layer, g_x = srcgrad.grad(model_loss, wrt=(0, 1), mode=mode)(layer, X)
    assert_allclose(g_x, numeric_grad(model_loss, (layer, X), 1))
    assert_allclose(g_layer.W, numeric_grad(
        lambda W: model_loss(Affine(W, layer.b), X), (layer.W,), 0))
    assert_allclose(g_layer.b, numeric_grad(
        lambda b: model_loss(Affine(layer.W, b), X), (layer.b,), 0))
    for f in (np.tanh, np.sin):
        assert_allclose(srcgrad.grad(apply_nonlinearity, mode=mode)(X, f),
                        numeric_grad(apply_nonlinearity, (X, f), 0))


class Child:
    def __init__(self, W):
        self.W = W
        self.parent = None

    def __call__(self, x):
        return np.sin(self.W @ x)


class Parent:
    def __init__(self, children):
        self.children = children
        for c in children:
            c.parent = self      # a back-reference: a cycle between objects


def cyclic_loss(model, x):
    return sum(np.sum(c(x) ** 2) for c in model.children)


@pytest.mark.parametrize("mode", ENGINES)
def test_objects_that_refer_back_to_their_parent(mode):
    W = np.array([[0.2, -0.1, 0.4], [0.5, 0.3, -0.2]])
    model = Parent([Child(W), Child(W * 2.0)])
    g = srcgrad.grad(cyclic_loss, mode=mode)(model, X)
    assert type(g) is Parent and type(g.children[1]) is Child
    assert_allclose(g.children[1].W, numeric_grad(
        lambda w: cyclic_loss(Parent([Child(W), Child(w)]), X), (W * 2.0,), 0))


def twice_sin(v):
    return np.sin(v) * 2.0


class Holder:
    def __init__(self):
        self.act = twice_sin          # a field holding a function, not a method
        self.W = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, -0.5], [0.2, 0.0, 1.0]])

    def run(self, x):
        return self.act(self.W @ x)


HOLDER = Holder()


def global_object_fields_and_methods(x):
    return np.sum(HOLDER.act(x)) + np.sum(HOLDER.run(x))


@pytest.mark.parametrize("mode", ENGINES + ("auto",))
def test_a_function_held_in_a_global_objects_field(mode):
    f = global_object_fields_and_methods
    assert_allclose(srcgrad.grad(f, mode=mode)(X), numeric_grad(f, (X,), 0))
