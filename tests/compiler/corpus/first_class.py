"""First-class functions: a callee passed as an argument or a default argument,
stored in a list or dict, chosen at run time by a key or a branch, a
``functools.partial``, nested functions and lambdas passed to user functions."""

import functools

import numpy as np

from . import Case

RNG = np.random.default_rng(11)
X = RNG.normal(size=4)
W = RNG.normal(size=(3, 4)) * 0.5


def relu(v):
    return np.maximum(v, 0.0)


def softplus(v):
    return np.log1p(np.exp(v))


def scaled_tanh(v, scale=1.0):
    return scale * np.tanh(v)


ACTIVATIONS = {"tanh": np.tanh, "relu": relu, "softplus": softplus}
PIPELINE = [np.sin, softplus, np.tanh]


def default_nonlinearity(x, nonlinearity=np.tanh):
    return np.sum(nonlinearity(W @ x) ** 2)


def passed_nonlinearity(x, nonlinearity):
    return np.sum(nonlinearity(W @ x))


def apply(f, v):
    return f(v)


def callee_as_argument(x):
    return np.sum(apply(np.sin, x) + apply(softplus, x))


def activation_by_name(x, name):
    act = ACTIVATIONS[name]
    return np.sum(act(x) * x)


def activation_dict_argument(x, acts):
    return np.sum(acts["first"](x) + acts["second"](x * 2.0))


def callable_by_branch(x, flag):
    f = np.tanh if flag else softplus
    return np.sum(f(x))


def pipeline_of_functions(x):
    h = x
    for f in PIPELINE:
        h = f(h)
    return np.sum(h)


def partial_argument(x, act):
    return np.sum(act(x) ** 2)


def higher_order(f, x, n):
    for _ in range(n):
        x = f(x)
    return x


def helper_takes_function(x):
    return np.sum(higher_order(np.tanh, x, 3))


CASES = [
    Case(default_nonlinearity, [(X,)]),
    Case(passed_nonlinearity, [(X, np.sin), (X, relu), (X, scaled_tanh)]),
    Case(callee_as_argument, [(X,)]),
    Case(activation_by_name, [(X, "tanh"), (X, "softplus"), (X, "relu")]),
    Case(activation_dict_argument, [(X, {"first": np.cos, "second": softplus})]),
    Case(callable_by_branch, [(X, True), (X, False)]),
    Case(pipeline_of_functions, [(X,)]),
    Case(partial_argument, [(X, functools.partial(scaled_tanh, scale=0.5)),
                            (X, functools.partial(np.multiply, 3.0))]),
    Case(helper_takes_function, [(X,)]),
]
