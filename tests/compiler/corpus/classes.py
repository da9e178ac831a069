"""User classes: methods and bound-method calls, objects holding parameters as
attributes, ``@dataclass`` (frozen too) and ``NamedTuple`` parameter containers,
``@property``, ``__call__``, static and class methods, objects nested in objects.
The gradient with respect to an object is an object of its class whose array
attributes are the gradients."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import Case

RNG = np.random.default_rng(7)
X = RNG.normal(size=3)
W1 = RNG.normal(size=(4, 3)) * 0.5
B1 = RNG.normal(size=4) * 0.1
W2 = RNG.normal(size=(2, 4)) * 0.5
B2 = RNG.normal(size=2) * 0.1


class Dense:
    """A layer holding its parameters as attributes."""

    def __init__(self, W, b, activation=np.tanh):
        self.W = W
        self.b = b
        self.activation = activation
        self.name = "dense"

    def forward_pass(self, x):
        return self.activation(self.W @ x + self.b)

    def __call__(self, x):
        return self.forward_pass(x)


class MLP:
    """Layers in a list, called through ``__call__``; a helper method; a property."""

    def __init__(self, layers, scale):
        self.layers = layers
        self.scale = scale

    @property
    def weight_norm(self):
        return sum(np.sum(layer.W ** 2) for layer in self.layers)

    def predict(self, x):
        h = x
        for layer in self.layers:
            h = layer(h)
        return self.scale * h

    def __call__(self, x):
        return self.predict(x)


class TwoLayer:
    """Objects nested in objects: ``self.layer1(h)`` inside a method."""

    def __init__(self, layer1, layer2):
        self.layer1 = layer1
        self.layer2 = layer2

    def helper(self, h):
        return h * h

    def __call__(self, x):
        return self.layer2(self.helper(self.layer1(x)))


class Scaler:
    """Static and class methods."""

    factor = 2.0

    def __init__(self, w):
        self.w = w

    @staticmethod
    def square(v):
        return v * v

    @classmethod
    def doubled(cls, v):
        return cls.factor * v

    def apply(self, x):
        return self.doubled(self.square(self.w * x))


@dataclass
class Params:
    W: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class FrozenParams:
    W: np.ndarray
    b: np.ndarray
    steps: int = 3


class NTParams(NamedTuple):
    W: np.ndarray
    b: np.ndarray


LAYER = Dense(W1, B1)


def global_layer_method(x):
    return np.sum(LAYER.forward_pass(x) ** 2)


def global_layer_call(x):
    return np.sum(LAYER(x))


def layer_argument(layer, x):
    return np.sum(layer.forward_pass(x) ** 2)


def layer_called(layer, x):
    h = layer(x)
    return np.sum(h * h)


def mlp_loss(model, x, y):
    pred = model(x)
    return np.mean((pred - y) ** 2) + 0.01 * model.weight_norm


def closure_layer(x):
    layer = LAYER

    def run(v):
        return layer.forward_pass(v)
    return np.sum(run(x))


def nested_objects(net, x):
    return np.sum(net(x))


def static_and_class_methods(s, x):
    return np.sum(s.apply(x))


def dataclass_params(p, x):
    return np.sum(np.tanh(p.W @ x + p.b) ** 2)


def frozen_dataclass_params(p, x):
    h = x
    for _ in range(p.steps):
        h = np.tanh(p.W @ h + p.b)
    return np.sum(h)


def namedtuple_params(p, x):
    return np.sum(np.sin(p.W @ x) + p.b)


def bound_method_as_value(layer, x):
    f = layer.forward_pass
    return np.sum(f(x))


def attribute_float(model, x):
    return model.scale * np.sum(x ** 2)


W3 = W1[:3, :3].copy()

CASES = [
    Case(global_layer_method, [(X,)]),
    Case(global_layer_call, [(X,)]),
    Case(layer_argument, [(Dense(W1, B1), X)], wrt=(0, 1)),
    Case(layer_called, [(Dense(W1, B1, np.sin), X)], wrt=(0, 1)),
    Case(mlp_loss, [(MLP([Dense(W1, B1), Dense(W2, B2)], 1.5), X, np.array([0.2, -0.1]))],
         wrt=(0, 1)),
    Case(closure_layer, [(X,)]),
    Case(nested_objects, [(TwoLayer(Dense(W1, B1), Dense(W2, B2, np.sin)), X)], wrt=(0, 1)),
    Case(static_and_class_methods, [(Scaler(np.array([0.5, -1.0, 2.0])), X)], wrt=(0, 1)),
    Case(dataclass_params, [(Params(W1, B1), X)], wrt=(0, 1)),
    Case(frozen_dataclass_params, [(FrozenParams(W3, B1[:3]), X)], wrt=(0, 1)),
    Case(namedtuple_params, [(NTParams(W1, B1), X)], wrt=(0, 1)),
    Case(bound_method_as_value, [(Dense(W1, B1), X)], wrt=(0, 1)),
    Case(attribute_float, [(MLP([], 0.7), X)], wrt=(0, 1)),
]
