"""Higher-order builtins (compiler/frontend/hofs.py): what compiles is in the corpus
(corpus/higher_order.py); here, the generated code, what stays out (refused with
the user's file and line in mode="compile", right on the tape in mode="auto"), and
uses that must keep working unchanged (values that carry no gradient, lazy maps)."""

import functools
import itertools

import numpy as np
import pytest

import srcgrad
from srcgrad import NoRuleError, SrcgradSyntaxError
from srcgrad.testing import numeric_grad

HERE = __file__
X = np.array([0.4, -0.9, 1.3])


def _check(f, *args, modes=("compile", "tape", "auto")):
    want = numeric_grad(f, args, 0)
    for mode in modes:
        got = srcgrad.grad(f, mode=mode)(*args)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=mode)


def _code(text):
    """Generated source without its comments (which quote the user's lines)."""
    return "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("#"))


def _refused(f, *args, match):
    with pytest.raises(SrcgradSyntaxError, match=match) as info:
        srcgrad.grad(f, mode="compile")(*args)
    assert info.value.filename == HERE
    assert "hint:" in str(info.value)
    return info.value


# ---------------------------------------------------------------- generated code

def sorted_by_sum(x):
    terms = [x, x * -2.0, np.cos(x)]
    ordered = sorted(terms, key=lambda t: np.sum(t), reverse=True)
    return np.sum(ordered[0] - ordered[2])


def test_sorted_reorders_values_by_a_nondifferentiable_permutation():
    _check(sorted_by_sum, X)
    text = srcgrad.source(srcgrad.grad(sorted_by_sum, mode="compile"))
    assert "_rt.key_order(" in _code(text) and "sorted(" not in _code(text)


def reduce_matmul(x):
    A = np.outer(x, x) + np.eye(3)
    return np.sum(functools.reduce(lambda a, b: a @ b, [A, A.T, A]))


def test_reduce_is_a_loop_in_generated_code():
    _check(reduce_matmul, X)
    text = srcgrad.source(srcgrad.grad(reduce_matmul, mode="compile"))
    assert "_acc @ _item" in _code(text) and "functools" not in _code(text)


def partial_bound_once(x, W):
    g = functools.partial(np.dot, W)
    return np.sum(g(x) * g(x * 2.0))


def test_partial_call_sites_call_the_function_itself():
    _check(partial_bound_once, X, np.eye(3) * 0.7 + 0.1)
    text = srcgrad.source(srcgrad.grad(partial_bound_once, mode="compile"))
    assert "functools" not in _code(text) and "np.dot(W, x)" in _code(text)


# ---------------------------------------------------------------- refused, located

def map_over_count(x):
    return np.sum(list(map(lambda v: v * x, itertools.count())))


def filter_over_cycle(x):
    return sum(filter(lambda v: v > 0, itertools.cycle([x])))


def test_infinite_iterators_are_refused():
    err = _refused(map_over_count, X, match="infinite iterator .itertools.count")
    assert err.lineno == map_over_count.__code__.co_firstlineno + 1
    assert "eagerly" in str(err)
    _refused(filter_over_cycle, X, match="infinite iterator .itertools.cycle")


def map_param_callee(x, act):
    return np.sum(sum(map(act, [x, x * 2.0])))


def test_callee_held_in_a_parameter_is_refused_or_right():
    """A callee passed in is not known when compiling: refused, or (once call sites
    specialise on the callee) right -- never a silent wrong gradient."""
    want = numeric_grad(map_param_callee, (X, np.tanh), 0)
    try:
        got = srcgrad.grad(map_param_callee, mode="compile")(X, np.tanh)
    except (SrcgradSyntaxError, NoRuleError) as err:
        assert "test_hofs.py" in str(err)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    for mode in ("auto", "tape"):
        np.testing.assert_allclose(srcgrad.grad(map_param_callee, mode=mode)(X, np.tanh),
                                   want, rtol=1e-5, atol=1e-6)


def reduce_in_comprehension(x):
    return sum(np.sum(functools.reduce(lambda a, b: a * b, [x, v])) for v in [x, x * 2.0])


def _weighted(a, b, w):
    return a * w + b


def partial_in_comprehension(x):
    g = functools.partial(_weighted, w=0.5)
    return sum(np.sum(functools.reduce(g, [v, v])) for v in [x, x * 2.0])


def test_reduce_where_no_statement_can_be_hoisted_is_refused():
    # the lambda is named (it reads no local), and reduce in a comprehension stays
    # unknown: refused at its line
    with pytest.raises((SrcgradSyntaxError, NoRuleError)) as info:
        srcgrad.grad(reduce_in_comprehension, mode="compile")(X)
    assert "%s:%d" % (HERE, reduce_in_comprehension.__code__.co_firstlineno + 1) in \
        str(info.value) or info.value.lineno == reduce_in_comprehension.__code__.co_firstlineno + 1
    err = _refused(partial_in_comprehension, X, match="functools.partial 'g' is passed to "
                   "reduce")
    assert "statement of its own" in str(err)
    for f in (reduce_in_comprehension, partial_in_comprehension):
        _check(f, X, modes=("auto", "tape"))


def _apply(fn, v):
    return fn(v)


def partial_passed_on(x):
    g = functools.partial(np.multiply, x)
    return np.sum(_apply(g, x))


def test_partial_used_as_a_value_stays_refused():
    with pytest.raises((SrcgradSyntaxError, NoRuleError)) as info:
        srcgrad.grad(partial_passed_on, mode="compile")(X)
    assert "test_hofs.py" in str(info.value)
    _check(partial_passed_on, X, modes=("auto", "tape"))


# ---------------------------------------------------------------- unchanged uses

def inactive_uses(x, table):
    keys = sorted(table, key=len)                     # a dict's keys, by a builtin key
    widest = max(table.values(), key=lambda v: v.shape[0])
    sizes = list(map(len, keys))
    first = next(map(table.get, keys))                # consumed lazily: left as it was
    return np.sum(x * widest[:3]) * sizes[0] + np.sum(first[:3] * x) + \
        functools.reduce(lambda a, b: a + b, sizes)


def test_values_without_gradient_work_as_before():
    table = {"long": np.arange(4.0), "ab": np.array([1.0, 2.0, 3.0])}
    _check(inactive_uses, X, table)
    assert list(table) == ["long", "ab"]


def sort_list_argument(xs):
    ordered = sorted(xs, key=lambda t: np.sum(t))
    return np.sum(ordered[0] * 2.0 + ordered[-1])


def test_the_callers_list_is_not_reordered():
    xs = [X, -X, X * 0.5]
    before = [a.copy() for a in xs]
    g = srcgrad.grad(sort_list_argument, mode="compile")(xs)
    assert [np.array_equal(a, b) for a, b in zip(xs, before)] == [True] * 3
    # ascending sums: -X, X * 0.5, X; so ordered[0] is xs[1] and ordered[-1] is xs[0]
    for got, want in zip(g, [np.ones(3), 2.0 * np.ones(3), np.zeros(3)]):
        np.testing.assert_allclose(got, want)


# ---------------------------------------------------------------- laziness and binding time

def map_consumed_after_rebinding(x):
    k = 1.0
    m = map(lambda w: w * k, [x, x * 2.0])
    k = 3.0                      # Python's lazy map sees k = 3.0
    return np.sum(sum(m)) + k


def maps_made_in_a_loop(x):
    ms = []
    for i in range(3):
        ms.append(map(lambda v: v * i, [x]))   # each sees the last i when consumed
    return sum(np.sum(sum(m)) for m in ms)


def test_a_map_consumed_later_is_not_evaluated_early():
    err = _refused(map_consumed_after_rebinding, X, match="not consumed where it is made, "
                   "and 'k'")
    assert err.lineno == map_consumed_after_rebinding.__code__.co_firstlineno + 2
    _refused(maps_made_in_a_loop, X, match="and 'i', which it reads")
    for f in (map_consumed_after_rebinding, maps_made_in_a_loop):
        _check(f, X, modes=("auto", "tape"))


def map_kept_for_later(x, y):
    pairs = map(lambda a, b: a * b, [x, y], [y, x])   # reads nothing that changes
    return np.sum(sum(pairs))


def partial_then_rebind(x):
    W = x * 2.0
    g = functools.partial(np.multiply, W)   # binds this W
    W = W * 10.0
    return np.sum(g(x)) + np.sum(W)


def partial_made_in_a_loop(x):
    s = 0.0
    for i in range(3):
        g = functools.partial(np.multiply, x * i)
        s = s + np.sum(g(x))
    return s


@pytest.mark.parametrize("f", [map_kept_for_later, partial_then_rebind,
                               partial_made_in_a_loop])
def test_values_are_bound_when_python_binds_them(f):
    args = (X, X[::-1]) if f is map_kept_for_later else (X,)
    _check(f, *args)
    assert srcgrad.explain(f, *args, mode="compile").engine == "compiler"


def map_given_to_numpy(x):
    return np.sum(np.array(map(np.sin, [x, x * 2.0])))   # a 0-d object array in NumPy


def stacked_map(x):
    return np.sum(np.stack(list(map(np.sin, [x, x * 2.0]))) ** 2)


def test_a_map_object_given_to_numpy_is_left_as_written():
    with pytest.raises((SrcgradSyntaxError, NoRuleError)) as info:
        srcgrad.grad(map_given_to_numpy, mode="compile")(X)
    assert "test_hofs.py" in str(info.value)
    _check(stacked_map, X)


def hofs_in_nested_functions(x):
    def inner(h):
        s = sorted([h, h * 2.0], key=lambda t: np.sum(t))
        return functools.reduce(np.multiply, s) + min(s, key=np.sum)
    sq = lambda a: sum(map(np.sin, [a, a * x]))  # noqa: E731
    return np.sum(inner(x)) + np.sum(sq(x))


def partial_read_by_a_nested_def(x, W):
    g = functools.partial(np.dot, W)

    def inner(h):
        return g(h) * 2.0
    return np.sum(inner(x))


def test_nested_functions():
    """A nested def is rewritten when it is compiled itself (and runs as written
    on the tape); a partial it reads from the outer function stays refused."""
    _check(hofs_in_nested_functions, X)
    want = numeric_grad(partial_read_by_a_nested_def, (X, np.eye(3)), 0)
    try:   # right (a dynamic call site calls the partial) or loud
        got = srcgrad.grad(partial_read_by_a_nested_def, mode="compile")(X, np.eye(3))
    except (SrcgradSyntaxError, NoRuleError) as err:
        assert "test_hofs.py" in str(err)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    _check(partial_read_by_a_nested_def, X, np.eye(3), modes=("auto", "tape"))
