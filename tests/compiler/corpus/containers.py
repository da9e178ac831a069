"""Lists, tuples and dicts inside the function: append in loops, literals,
comprehensions, generator expressions, enumerate / zip / reversed, iteration."""

import numpy as np

from . import Case


def append_in_loop(x, n):
    out = []
    for i in range(n):
        out.append(x * (i + 1))
    return 0.5 * x + sum(out)


def list_literal(x):
    parts = [x[0], x[1] * 2.0, np.sum(x)]
    return parts[0] * parts[1] + parts[2]


def list_comprehension(x):
    squares = [v * v for v in x]
    return sum(squares)


def list_comprehension_with_if(x):
    pos = [v ** 3 for v in x if v > 0]
    return sum(pos) + 0.1 * np.sum(x)


def generator_sum(x):
    return sum(x[i] * x[i + 1] for i in range(len(x) - 1))


def generator_sum_with_start(x):
    return sum((v * v for v in x), 0.5)


def stack_comprehension(X):
    Y = np.stack([row * (k + 1) for k, row in enumerate(X)])
    return np.sum(Y ** 2)


def array_of_scalars(x):
    z = np.array([x[0] ** 2, x[1] * x[2], 1.0])
    return np.sum(z * np.arange(3.0))


def concatenate_pieces(x, y):
    z = np.concatenate([x, y * 2.0, x[:1]])
    return np.sum(np.sin(z))


def tuple_pack_unpack(x):
    a, b = (x * 2.0, x + 1.0)
    t = a, b, a * b
    p, q, r = t
    return np.sum(p + q * r)


def tuple_indexing(x):
    t = (x, x * x, 3.0)
    return t[1] + t[0] * t[2] + t[-1]


def dict_constant_keys(x):
    d = {"a": x * 2.0, "b": np.sin(x)}
    return np.sum(d["a"] * d["b"])


def dict_update_in_loop(x):
    acc = {"s": 0.0, "n": 0}
    for v in x:
        acc["s"] = acc["s"] + v * v
        acc["n"] += 1
    return acc["s"] / max(acc["n"], 1)


def enumerate_loop(x):
    s = 0.0
    for i, v in enumerate(x):
        s += i * v * v
    return s


def enumerate_with_start(x):
    s = 0.0
    for i, v in enumerate(x, 1):
        s = s + v / i
    return s * s


def zip_loop(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s += a * b
    return s


def reversed_list(x):
    items = [x * 1.0, x * 2.0, x * 3.0]
    acc = 0.0
    for it in reversed(items):
        acc = acc * 0.5 + it
    return np.sum(acc ** 2)


def iterate_over_tuple(x):
    s = 0.0
    for w in (0.5, 1.0, 2.0):
        s += np.sum(np.tanh(w * x))
    return s


def iterate_list_argument(ws, x):
    h = x
    for w in ws:
        h = np.tanh(w * h)
    return np.sum(h)


def nested_list_comprehension(x):
    grid = [[x[i] * x[j] for j in range(2)] for i in range(2)]
    return grid[0][1] + grid[1][1] * grid[1][0]


def list_negative_index_and_len(x, n):
    hist = [x]
    for _ in range(n):
        hist.append(np.cos(hist[-1]))
    return np.sum(hist[-1]) * len(hist)


def enumerate_zip(x, y):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, y)):
        s = s + (a - b) ** 2 * (i + 1)
    return s


def stack_appended_rows(x, n):
    rows = [x]
    for i in range(n):
        rows.append(np.tanh(rows[-1] * 1.5))
    M = np.stack(rows)
    return np.sum(M ** 2)


def list_slice(x):
    items = [x * k for k in range(4)]
    rest = items[1:]
    return sum(np.sum(r ** 2) for r in rest)


def dict_items_loop(x):
    weights = {"a": 0.5, "b": 2.0}
    feats = {"a": x, "b": x * x}
    s = 0.0
    for k, w in weights.items():
        s = s + w * np.sum(feats[k])
    return s


def list_extend_and_iadd(x):
    out = [x]
    out.extend([x * 2.0, x * 3.0])
    out += [x ** 2]
    return sum(np.sum(o * o) for o in out)


def list_extend(x):
    feats = [x]
    feats.extend([np.sin(x), x ** 2])
    return np.sum(np.concatenate(feats) ** 2)


def list_concatenation(x):
    first = [x, x * 2.0]
    both = first + [np.cos(x)]
    return np.sum(both[0] * both[1]) + np.sum(both[2])


def array_from_list_in_loop(x, n):
    vals = []
    for i in range(n):
        vals.append(x[i % len(x)] * (i + 1))
    arr = np.array(vals + [1.0])
    return np.sum(arr ** 2)


def iterate_over_2d_array_rows_pairs(X):
    s = 0.0
    for a, b in X:
        s = s + a * b
    return s


def concatenate_in_loop(x, n):
    z = x[:1]
    for _ in range(n):
        z = np.concatenate([z, z * 0.5])
    return np.sum(z ** 2)


def list_of_generator_stacked(x):
    return np.sum(np.stack(list(np.sin(x * k) for k in range(3))) ** 2)


def list_copy_constructor(x):
    items = [x, x * 2.0]
    copied = list(items)
    return np.sum(copied[1] * copied[0])


def tuple_of_generator(x):
    return np.sum(np.stack(tuple(x * k for k in range(1, 4))) ** 2)


def dict_comprehension_update(x):
    p = {"a": x, "b": x * 2.0}
    p = {k: p[k] - 0.1 * p[k] ** 2 for k in p}
    return np.sum(p["a"] * p["b"])



def dict_constructor_forms(x):
    """dict(...) with its entries in the code: keywords, a list of pairs,
    a dict, zip of constant keys and values (autograd's test_make_dict)."""
    a = dict([("a", x)], b=x * 2.0)
    b = dict({"c": np.sin(x)}, d=x)
    c = dict(zip(["e", "f"], [x * x, np.cos(x)]))
    d = dict(g=a["a"] * a["b"], h=c["f"])
    return np.sum(d["g"] * b["c"] + d["h"] * b["d"] + c["e"])


def dict_views_copied(x):
    """list(d.values()) and list(d.items()): the copy's cotangent goes back
    to the dict (it was an internal TypeError)."""
    d = {"a": x, "b": 3.0 * x, "c": np.sin(x)}
    vs = list(d.values())
    items = list(d.items())
    return np.sum(vs[0] * vs[1] + items[2][1] * vs[2])


V = np.array([0.5, -0.3, 1.2, 0.8])
A = np.array([[0.5, -0.3], [1.2, 0.8], [0.1, 0.7]])
CASES = [
    Case(dict_constructor_forms, [(V,), (0.7,)]),
    Case(dict_views_copied, [(V,), (0.7,)]),
    Case(append_in_loop, [(0.7, 0), (0.7, 1), (0.7, 4)]),
    Case(list_literal, [(V,)]),
    Case(list_comprehension, [(V,), (V[:1],)]),
    Case(list_comprehension_with_if, [(V,), (-V,)]),
    Case(generator_sum, [(V,), (V[:2],)]),
    Case(generator_sum_with_start, [(V,), (V[:0],)]),
    Case(stack_comprehension, [(A,), (A[:1],)]),
    Case(array_of_scalars, [(V,)]),
    Case(concatenate_pieces, [(V, V[:2])], wrt=(0, 1)),
    Case(tuple_pack_unpack, [(0.6,), (V,)]),
    Case(tuple_indexing, [(0.6,)]),
    Case(dict_constant_keys, [(V,)]),
    Case(dict_update_in_loop, [(V,), (V[:1],), (V[:0],)]),
    Case(enumerate_loop, [(V,), (V[:1],)]),
    Case(enumerate_with_start, [(V,), (V[:0],)]),
    Case(zip_loop, [(V, V[::-1]), (V[:1], V[1:2])], wrt=(0, 1)),
    Case(reversed_list, [(V,), (0.4,)]),
    Case(iterate_over_tuple, [(V,)]),
    Case(iterate_list_argument, [([0.5, -1.5, 2.0], V), ([], V), ([0.7], V)], wrt=(1,)),
    Case(nested_list_comprehension, [(V,)]),
    Case(list_negative_index_and_len, [(V, 0), (V, 1), (V, 3)]),
    Case(enumerate_zip, [(V, V * 0.5 + 0.1)], wrt=(0, 1)),
    Case(stack_appended_rows, [(V, 0), (V, 1), (V, 3)]),
    Case(list_slice, [(V,)]),
    Case(dict_items_loop, [(V,)]),
    Case(list_extend_and_iadd, [(V,)]),
    Case(list_extend, [(V,)]),
    Case(list_concatenation, [(V,)]),
    Case(array_from_list_in_loop, [(V, 0), (V, 1), (V, 6)]),
    Case(iterate_over_2d_array_rows_pairs, [(A,), (A[:0],)]),
    Case(concatenate_in_loop, [(V, 0), (V, 1), (V, 3)]),
    Case(list_of_generator_stacked, [(V,)]),
    Case(list_copy_constructor, [(V,)]),
    Case(tuple_of_generator, [(V,)]),
    Case(dict_comprehension_update, [(V,)]),
]
