"""Differentiating with respect to trees of arrays: dicts, lists, tuples, namedtuples,
nested. The gradient has the argument's structure."""

from collections import namedtuple

import numpy as np

from . import Case

Linear = namedtuple("Linear", ["w", "b"])


def linear_dict_loss(params, x, y):
    pred = x @ params["w"] + params["b"]
    return np.mean((pred - y) ** 2)


def nested_dict_mlp(params, x):
    h = np.tanh(x @ params["layer1"]["w"] + params["layer1"]["b"])
    out = h @ params["layer2"]["w"] + params["layer2"]["b"]
    return np.sum(out ** 2)


def list_of_matrices(layers, x):
    h = x
    for W in layers:
        h = np.tanh(W @ h)
    return np.sum(h)


def tuple_params(params, x):
    w, b = params
    return np.sum(np.tanh(x * w + b))


def namedtuple_params(p, x):
    return np.sum((p.w * x + p.b) ** 2)


def list_of_dicts(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(layer["w"] @ h + layer["b"])
    return np.sum(h ** 2)


def dict_with_float_leaf(params, x):
    return params["scale"] * np.sum(np.sin(params["w"] * x))


def weight_decay_over_keys(params):
    total = 0.0
    for name in params:
        total = total + np.sum(params[name] ** 2)
    return 0.5 * total


def unused_leaf(params, x):
    return np.sum(params["used"] * x)


def two_trees(params, state, x):
    h = np.tanh(params["w"] * state["h"] + x)
    return np.sum(h * state["c"])


def tuple_of_array_and_dict(p, x):
    a, d = p
    return np.sum(a * x) + d["k"] * np.sum(d["v"] ** 2)


def items_loop(params):
    s = 0.0
    for k, v in params.items():
        s = s + np.sum(np.cos(v))
    return s


def namedtuple_list(layers, x):
    h = x
    for lin in layers:
        h = np.tanh(lin.w @ h + lin.b)
    return np.sum(h)


def list_index_params(ws, x):
    return np.sum(ws[0] * x) + np.sum(ws[1] * x ** 2) * ws[2]


def list_of_tuples(ps, x):
    s = 0.0
    for w, b in ps:
        s = s + np.sum(np.tanh(w * x + b))
    return s


def list_of_floats(xs):
    s = 0.0
    for i in range(len(xs)):
        s += xs[i] ** 2 * (i + 1)
    return s


def tuple_of_floats(t):
    a, b = t
    return a * b + np.sin(a)


def dict_of_lists(p):
    return np.sum(p["layers"][0] * p["layers"][1]) + p["s"] ** 2


def sorted_keys_loop(params):
    s = 0.0
    for k in sorted(params):
        s = s * 0.5 + np.sum(params[k] ** 2)
    return s


def layers_as_tuples(layers, x):
    for W, b in layers:
        x = np.tanh(W @ x + b)
    return np.sum(x)


def len_of_tree(params):
    return len(params) * np.sum(params["a"] ** 2)


def inner_sgd_on_dict_copy(params, x):
    p = dict(params)
    for _ in range(2):
        p["w"] = p["w"] - 0.1 * 2 * p["w"] * x
    return np.sum(p["w"] ** 2)


def build_new_dict(params):
    doubled = {}
    for k in ("a", "b"):
        doubled[k] = params[k] * 2.0
    return np.sum(doubled["a"] * doubled["b"])



R = np.random.default_rng(3)
W1, B1 = R.normal(size=(3, 4)) * 0.5, R.normal(size=4) * 0.1
W2, B2 = R.normal(size=(4, 2)) * 0.5, R.normal(size=2) * 0.1
X = R.normal(size=(5, 3))
Y = R.normal(size=5)
V3 = np.array([0.4, -0.6, 0.9])
M3 = R.normal(size=(3, 3)) * 0.6
CASES = [
    Case(linear_dict_loss, [({"w": W1[:, 0].copy(), "b": 0.3}, X, Y)]),
    Case(nested_dict_mlp, [({"layer1": {"w": W1, "b": B1}, "layer2": {"w": W2, "b": B2}}, X)]),
    Case(list_of_matrices, [([M3, M3.T.copy()], V3), ([M3], V3), ([], V3)], wrt=(0, 1)),
    Case(tuple_params, [((V3, 0.2), V3 * 2.0)], wrt=(0, 1)),
    Case(namedtuple_params, [(Linear(V3, np.array([0.1, 0.2, -0.3])), V3[::-1].copy())]),
    Case(list_of_dicts, [([{"w": M3, "b": V3}, {"w": M3.T.copy(), "b": -V3}], V3)], wrt=(0, 1)),
    Case(dict_with_float_leaf, [({"scale": 0.7, "w": V3}, V3 + 1.0)]),
    Case(weight_decay_over_keys, [({"a": V3, "b": M3, "c": 0.5},)]),
    Case(unused_leaf, [({"used": V3, "unused": M3}, V3)]),
    Case(two_trees, [({"w": V3}, {"h": V3 * 0.5, "c": V3 + 1.0}, V3 * 0.1)], wrt=(0, 1)),
    Case(tuple_of_array_and_dict, [((V3, {"k": 0.5, "v": V3 * 2.0}), V3)]),
    Case(items_loop, [({"a": V3, "b": M3},)]),
    Case(namedtuple_list, [([Linear(M3, V3), Linear(M3.T.copy(), -V3)], V3)]),
    Case(list_index_params, [([V3, V3 * 2.0, 0.5], V3)]),
    Case(list_of_tuples, [([(V3, 0.1), (-V3, 0.3)], V3 * 0.5)], wrt=(0, 1)),
    Case(list_of_floats, [([0.5, 1.5, -0.2],), ([],)]),
    Case(tuple_of_floats, [((0.5, 2.0),)]),
    Case(dict_of_lists, [({"layers": [V3, V3 * 2.0 + 1.0], "s": 0.5},)]),
    Case(sorted_keys_loop, [({"b": V3, "a": M3},)]),
    Case(layers_as_tuples, [([(M3, V3), (M3.T.copy(), -V3)], V3), ([(M3, V3)], V3)], wrt=(0, 1)),
    Case(len_of_tree, [({"a": V3, "b": M3},)]),
    Case(inner_sgd_on_dict_copy, [({"w": V3}, V3 * 0.5)], wrt=(0, 1)),
    Case(build_new_dict, [({"a": V3, "b": V3 + 1.0},)]),
]
