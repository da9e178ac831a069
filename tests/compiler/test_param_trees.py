"""Parameter trees in reverse mode (issue 13): loops over lists, tuples and
dicts of parameters.  Every function is differentiated in both engines (the
compiler, mode="compile" and "auto", and the tape) and checked leaf by leaf
against central finite differences; the generated code of ``for W, b in
params`` writes each item's cotangent once, into its own slot
(srcgrad/compiler/transforms/tree_loops.py), never a whole-structure zero or
sum per iteration."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

MODES = ("compile", "auto", "tape")


# ------------------------------------------------------------------ the oracle

def _paths(tree, prefix=()):
    """Paths of the float leaves of a tree of lists, tuples and dicts."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(tree, (list, tuple)):
        for i, v in enumerate(tree):
            yield from _paths(v, prefix + (i,))
    elif isinstance(tree, (float, np.ndarray)):
        yield prefix


def _get(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def _put(tree, path, leaf):
    """A copy of ``tree`` (containers rebuilt along ``path``) with ``leaf`` there."""
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        out = dict(tree)
        out[head] = _put(tree[head], rest, leaf)
        return out
    items = list(tree)
    items[head] = _put(tree[head], rest, leaf)
    return type(tree)(items)


def check(f, args, mode, i=0):
    """srcgrad's gradient of ``f`` wrt ``args[i]`` (a tree) against finite
    differences, one leaf at a time; returns the gradient."""
    g = srcgrad.grad(f, wrt=i, mode=mode)(*args)
    tree = args[i]
    assert type(g) is type(tree)
    for path in _paths(tree):
        def at(leaf, path=path):
            a = list(args)
            a[i] = _put(tree, path, leaf)
            return f(*a)
        want = numeric_grad(at, (_get(tree, path),), 0)
        assert_allclose(_get(g, path), want, rtol=1e-5, atol=1e-7)
    return g


def layers(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, 0.5, (m, n)), rng.normal(0, 0.5, n))
            for m, n in zip(sizes[:-1], sizes[1:])]


RNG = np.random.default_rng(1)
X = RNG.normal(size=(4, 3))
Y = np.eye(2)[[0, 1, 1, 0]]
PARAMS = layers([3, 5, 4, 2])


# ------------------------------------------------------------------ the net of issue 13

def log_softmax(outputs):
    m = np.max(outputs, axis=1, keepdims=True)
    return outputs - (m + np.log(np.sum(np.exp(outputs - m), axis=1, keepdims=True)))


def predict(params, inputs):
    for W, b in params:
        outputs = inputs @ W + b
        inputs = np.tanh(outputs)
    return log_softmax(outputs)


def net_loss(params, inputs, targets):
    log_prior = -0.1 * sum(np.sum(W * W) for W, _ in params)
    return -log_prior - np.sum(predict(params, inputs) * targets)


@pytest.mark.parametrize("mode", MODES)
def test_neural_net_loss(mode):
    g = check(net_loss, (PARAMS, X, Y), mode)
    assert [tuple(type(p) for p in pair) for pair in g] == [(np.ndarray, np.ndarray)] * 3


def test_neural_net_generated_code_writes_each_slot_once():
    """No whole-structure zero or add in the loops: one slot per item."""
    g = srcgrad.grad(net_loss, mode="compile")
    g(PARAMS, X, Y)
    for src in (srcgrad.source(g), srcgrad.source(predict)):
        assert "_getitem_vjp" not in src
        assert "_rt.slots(" in src and "_rt.add_at(" in src and "_rt.filled(" in src
    assert "zeros_like(_t1)" not in srcgrad.source(predict)


def test_torch_agrees_on_the_net():
    torch = pytest.importorskip("torch", reason="torch is an optional second oracle")
    g = srcgrad.grad(net_loss, mode="compile")(PARAMS, X, Y)
    tp = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
          for W, b in PARAMS]
    h = torch.tensor(X)
    for W, b in tp:
        out = h @ W + b
        h = torch.tanh(out)
    loss = 0.1 * sum((W * W).sum() for W, _ in tp) - \
        (torch.log_softmax(out, dim=1) * torch.tensor(Y)).sum()
    loss.backward()
    for (gW, gb), (W, b) in zip(g, tp):
        assert_allclose(gW, W.grad.numpy())
        assert_allclose(gb, b.grad.numpy())


# ------------------------------------------------------------------ soundness

def same_pair_twice(params, x):
    s = 0.0
    for W, b in params:
        x = np.tanh(x @ W + b)
        s = s + np.sum(x * x)
    return s


@pytest.mark.parametrize("mode", MODES)
def test_the_same_arrays_twice_in_the_list(mode):
    W = RNG.normal(size=(3, 3))
    b = RNG.normal(size=3)
    params = [(W, b), (W, b), (W * 0.5, b)]
    before = [(p.copy(), q.copy()) for p, q in params]
    g = check(same_pair_twice, (params, X), mode)
    assert g[0][0] is not g[1][0]      # one gradient per position, not shared
    for (p, q), (p0, q0) in zip(params, before):   # nothing the user passed is changed
        assert np.array_equal(p, p0) and np.array_equal(q, q0)


def mutated_in_the_loop(params, x):
    params = list(params)
    for i in range(len(params)):
        W, b = params[i]
        params[i] = (W * 2.0, b + 1.0)
        x = np.sin(x @ W + b)
    return np.sum(x) + sum(np.sum(W ** 2) for W, _ in params)


def appended_in_the_loop(ws, x):
    out = []
    for w in ws:
        x = np.tanh(x * w)
        out.append(x)
    for w in out:
        x = x + w * ws[0]
    return np.sum(x)


def reused_after_the_loop(params, x):
    for W, b in params:
        x = np.tanh(x @ W + b)
    W0, b0 = params[0]
    last = params[-1]
    return np.sum(x ** 2) + np.sum(W0 * W0) + np.sum(last[1]) + len(params)


def used_inside_the_loop_as_a_whole(params, x):
    s = 0.0
    for W, b in params:
        s = s + np.sum(params[0][0] * W) + np.sum(x @ W + b)
        x = np.ones(W.shape[1])
    return s


@pytest.mark.parametrize("fun", [mutated_in_the_loop, reused_after_the_loop,
                                 used_inside_the_loop_as_a_whole])
@pytest.mark.parametrize("mode", MODES)
def test_list_changed_and_reused(fun, mode):
    params = layers([3, 3, 3], seed=2)
    check(fun, (params, X[0]), mode)


@pytest.mark.parametrize("mode", MODES)
def test_appended_then_looped_over(mode):
    ws = [RNG.normal(size=3) for _ in range(3)]
    check(appended_in_the_loop, (ws, X[0]), mode)


def ragged(ws):
    s = 0.0
    for w in ws:
        s = s + np.sum(np.sin(w)) * np.size(w)
    return s


def mixed_leaves(items):
    s = 0.0
    for w, (a, c) in items:
        s = s + np.sum(w * a) * c
    return s


@pytest.mark.parametrize("mode", MODES)
def test_ragged_lists(mode):
    check(ragged, ([RNG.normal(size=n) for n in (1, 4, 2)] + [RNG.normal(size=(2, 3))],),
          mode)
    check(mixed_leaves, ([(RNG.normal(size=2), (RNG.normal(size=2), 1.5)),
                          (RNG.normal(size=(3, 2)), (RNG.normal(size=2), -0.5))],), mode)


def with_enumerate(params, x):
    for i, (W, b) in enumerate(params):
        x = np.tanh(x @ W + b) * (i + 1.0)
    return np.sum(x)


def with_zip(params, scales):
    s = 0.0
    for (W, b), c in zip(params, scales):
        s = s + np.sum(W) * c + np.sum(b * b)
    return s


def with_zip_on_itself(params):
    s = 0.0
    for (W, b), (V, c) in zip(params, params[1:]):
        s = s + np.sum(W @ V) + np.sum(b) * np.sum(c)
    return s


def with_reversed(params, x):
    for W, b in reversed(params):
        x = np.tanh(W @ x + b)
    return np.sum(x)


def with_while(params, x):
    i = 0
    while i < len(params):
        W, b = params[i]
        x = np.tanh(x @ W + b)
        i += 1
    return np.sum(x)


def with_break(ws, x):
    for w in ws:
        x = x * w
        if np.sum(x) > 100.0:
            break
    return np.sum(x)


def nested(ws):
    s = 0.0
    for a in ws:
        for c in ws:
            s = s + np.sum(a * c)
    return s


@pytest.mark.parametrize("fun", [with_enumerate, with_zip_on_itself, with_while])
@pytest.mark.parametrize("mode", MODES)
def test_iteration_forms(fun, mode):
    params = layers([3, 3, 3, 3], seed=3)
    args = (params,) if fun is with_zip_on_itself else (params, X[0])
    check(fun, args, mode)


@pytest.mark.parametrize("mode", MODES)
def test_zip_with_a_list_of_floats(mode):
    params = layers([3, 3, 3], seed=4)
    check(with_zip, (params, [0.5, 2.0]), mode)
    check(with_zip, (params, [0.5, 2.0]), mode, i=1)


@pytest.mark.parametrize("mode", MODES)
def test_reversed_and_break(mode):
    check(with_reversed, (layers([3, 3, 3], seed=5), X[0]), mode)
    ws = [np.full(3, 10.0), np.full(3, 10.0), np.full(3, 2.0)]   # breaks after 2 items
    g = check(with_break, (ws, np.ones(3)), mode)
    assert np.array_equal(g[2], np.zeros(3))
    check(nested, ([RNG.normal(size=2) for _ in range(3)],), mode)


def dict_items_loop(params, x):
    for name, (W, b) in params.items():
        x = np.tanh(x @ W + b)
    return np.sum(x)


def dict_keys_loop(params, x):
    s = 0.0
    for k in params:
        s = s + np.sum(params[k][0] @ x) * np.sum(params[k][1])
    return s


def dict_values_loop(params, x):
    for W, b in params.values():
        x = np.sin(x @ W + b)
    return np.sum(x)


@pytest.mark.parametrize("fun", [dict_items_loop, dict_keys_loop, dict_values_loop])
@pytest.mark.parametrize("mode", MODES)
def test_dict_of_params(fun, mode):
    params = dict(zip(("first", "second", "third"), layers([3, 3, 3, 3], seed=6)))
    g = check(fun, (params, X[0]), mode)
    assert list(g) == list(params)


@pytest.mark.parametrize("mode", MODES)
def test_tuple_of_params(mode):
    params = tuple(layers([3, 4, 2], seed=7))
    g = check(predict_sum, (params, X), mode)
    assert type(g) is tuple and type(g[0]) is tuple


def predict_sum(params, x):
    for W, b in params:
        x = np.tanh(x @ W + b)
    return np.sum(x ** 2)


def test_runtime_slots_and_filled():
    from srcgrad import runtime as rt
    from collections import namedtuple
    P = namedtuple("P", "w b")
    x = P(np.ones(2), 3.0)
    g = rt.add_at(rt.slots(x), 0, np.full(2, 2.0))
    g = rt.add_at(g, 0, np.full(2, 1.0))
    out = rt.filled(g, x)
    assert type(out) is P and np.array_equal(out.w, [3.0, 3.0]) and out.b == 0.0
    d = {"a": np.ones(2), "b": 1.0}
    out = rt.filled(rt.add_at(rt.slots(d), "b", 2.0), d)
    assert list(out) == ["a", "b"] and out["b"] == 2.0 and np.array_equal(out["a"], [0, 0])


# ------------------------------------------------------------------ the last adjoint iteration

def from_the_second(ws, x):
    for i in range(1, len(ws), 2):
        x = np.tanh(x * ws[i] + ws[i - 1])
    return np.sum(x ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_last_iteration_skips_the_data_cotangent_only(mode):
    """The first layer's input cotangent is skipped when nothing reads it
    (lower/last_iteration.py), computed when it is a gradient."""
    params = tuple(layers([3, 4, 2], seed=8))
    check(predict_sum, (params, X), mode, i=1)
    ws = [RNG.normal(size=3) for _ in range(5)]
    check(from_the_second, (ws, X[0]), mode)
    check(from_the_second, (ws, X[0]), mode, i=1)


def test_last_iteration_guard_in_generated_code():
    g = srcgrad.grad(predict_sum, mode="compile")
    g(PARAMS, X)
    src = srcgrad.source(g)
    assert "if _k != _t" in src and ".start:" in src
    both = srcgrad.grad(predict_sum, wrt=(0, 1), mode="compile")
    both(PARAMS, X)
    assert ".start:" not in srcgrad.source(both)   # bx is a gradient: always computed


# ------------------------------------------------------------------ shapes saved, not values

def l2_term(params):
    return sum(np.sum(W * W) for W, _ in params)


def shape_read_in_branches(ws, x):
    s = 0.0
    i = 0
    while i < len(ws):
        t = ws[i] * x
        if np.sum(t) > 0.0:
            s = s + np.sum(t) + np.mean(np.sin(t))
        else:
            s = s - np.sum(t)
        i += 1
        if s > 50.0:
            break
    return s


def test_nothing_of_the_square_is_saved():
    """The adjoint of np.sum(W * W) reads the shape of W * W (transforms/
    shape_saves.py saves that, not the array), which is W's: its scalar
    cotangent times 2 * W needs neither (lower/same_shape.py), so the saved
    shape goes too (lower/dead_saves.py)."""
    g = srcgrad.grad(l2_term, mode="compile")
    g(PARAMS)
    src = srcgrad.source(g)
    assert "_push(_t5)" not in src and "_t5_shape" not in src and "expand_reduced" not in src


@pytest.mark.parametrize("mode", MODES)
def test_shapes_saved_in_loops_and_branches(mode):
    check(l2_term, (PARAMS,), mode)
    ws = [RNG.normal(size=3), -np.abs(RNG.normal(size=3)), np.abs(RNG.normal(size=3))]
    check(shape_read_in_branches, (ws, np.ones(3)), mode)
    check(shape_read_in_branches, (ws, np.ones(3)), mode, i=1)
