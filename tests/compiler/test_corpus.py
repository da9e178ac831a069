"""The corpus (tests/compiler/corpus): every user function at every input, compiled
with mode="compile", against central finite differences.

For each (case, input): the gradient of every differentiated argument matches
``numeric_grad`` leaf by leaf and has the argument's kind, shape and structure; the
caller's arguments are not mutated; ``value_and_grad``'s value is the function's value.
"""

import copy

import numpy as np
import pytest

import srcgrad
from srcgrad.runtime import object_fields, rebuild_object, _holds_gradient
from srcgrad.testing import assert_allclose, numeric_grad

from corpus import all_cases

CASES = all_cases()


def _params(value=False):
    out = []
    for case in CASES:
        for k, args in enumerate(case.inputs):
            reason = case.value_reason(k) if value else case.reason(k)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case, k, id="%s[input %d]" % (case.name, k), marks=marks))
    return out


PARAMS = _params()
VALUE_PARAMS = _params(value=True)


# -- trees -----------------------------------------------------------------------------

def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _leaves(tree, path=()):
    """(path, leaf) pairs of a tree of dicts / lists / tuples / namedtuples."""
    if isinstance(tree, dict):
        for k in tree:
            yield from _leaves(tree[k], path + (k,))
    elif isinstance(tree, (list, tuple)):
        for k, v in enumerate(tree):
            yield from _leaves(v, path + (k,))
    elif object_fields(tree) is not None:   # an object: its attributes that hold gradients
        for k, v in object_fields(tree).items():
            if _holds_gradient(v):
                yield from _leaves(v, path + (k,))
    else:
        yield path, tree


def _replace(tree, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        out = dict(tree)
        out[head] = _replace(tree[head], rest, value)
        return out
    if object_fields(tree) is not None:
        return rebuild_object(tree, {head: _replace(getattr(tree, head), rest, value)})
    items = list(tree)
    items[head] = _replace(tree[head], rest, value)
    if _is_namedtuple(tree):
        return type(tree)(*items)
    return type(tree)(items)


def _get(tree, path):
    for p in path:
        tree = getattr(tree, p) if object_fields(tree) is not None else tree[p]
    return tree


def tree_numeric_grad(fn, args, i):
    """Central differences w.r.t. argument ``i``, which may be a tree of floats/arrays."""
    x = args[i]
    if isinstance(x, (float, complex, np.ndarray)):
        return numeric_grad(fn, args, i)
    grads = {}
    for path, leaf in _leaves(x):
        def at(v, path=path):
            a = list(args)
            a[i] = _replace(x, path, v)
            return fn(*a)
        grads[path] = numeric_grad(at, (leaf,), 0)
    return grads


def check_structure(g, x, where="arg"):
    """The gradient ``g`` has the kind, shape and structure of the argument ``x``."""
    if isinstance(x, dict):
        assert isinstance(g, dict), "%s: expected a dict gradient, got %r" % (where, type(g))
        assert list(g) == list(x) or set(g) == set(x), "%s: keys %s != %s" % (
            where, sorted(g), sorted(x))
        for k in x:
            check_structure(g[k], x[k], "%s[%r]" % (where, k))
    elif isinstance(x, (list, tuple)):
        assert type(g) is type(x), "%s: expected %s gradient, got %s" % (
            where, type(x).__name__, type(g).__name__)
        assert len(g) == len(x), "%s: length %d != %d" % (where, len(g), len(x))
        for k, (gi, xi) in enumerate(zip(g, x)):
            check_structure(gi, xi, "%s[%d]" % (where, k))
    elif object_fields(x) is not None:
        assert type(g) is type(x), "%s: expected a %s gradient, got %s" % (
            where, type(x).__name__, type(g).__name__)
        for k, v in object_fields(x).items():
            if _holds_gradient(v):
                check_structure(getattr(g, k), v, "%s.%s" % (where, k))
    elif isinstance(x, np.ndarray):
        assert isinstance(g, np.ndarray), "%s: expected ndarray, got %r" % (where, type(g))
        assert g.shape == x.shape, "%s: shape %s != %s" % (where, g.shape, x.shape)
        want = "c" if x.dtype.kind == "c" else "f"   # a real argument's gradient is real
        assert g.dtype.kind == want, "%s: dtype %s" % (where, g.dtype)
    elif isinstance(x, complex):
        assert isinstance(g, complex), "%s: expected complex, got %r" % (where, type(g))
    else:
        assert isinstance(x, float)
        assert isinstance(g, float), "%s: expected float, got %r" % (where, type(g))


def check_equal_trees(a, b):
    if isinstance(b, dict):
        assert isinstance(a, dict) and set(a) == set(b)
        for k in b:
            check_equal_trees(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for ai, bi in zip(a, b):
            check_equal_trees(ai, bi)
    elif isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif object_fields(b) is not None:
        assert type(a) is type(b)
        check_equal_trees(object_fields(a), object_fields(b))
    elif callable(b):
        assert a is b or type(a) is type(b)
    else:
        assert a == b


def _call_args(case, k):
    return copy.deepcopy(case.inputs[k])


# -- tests -----------------------------------------------------------------------------

def test_corpus_size():
    assert len({c.fn for c in CASES}) >= 130


@pytest.mark.parametrize("case,k", PARAMS)
def test_gradient_matches_finite_differences(case, k):
    args = _call_args(case, k)
    before = copy.deepcopy(args)
    grads = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*args)
    # the caller's arguments are never mutated by the compiled gradient
    for a, b in zip(args, before):
        check_equal_trees(a, b)
    assert isinstance(grads, tuple) and len(grads) == len(case.wrt)
    for g, i in zip(grads, case.wrt):
        check_structure(g, args[i], "grad[%d]" % i)
        want = tree_numeric_grad(case.fn, copy.deepcopy(before), i)
        if isinstance(args[i], (float, complex, np.ndarray)):
            assert_allclose(g, want, rtol=case.rtol, atol=case.atol)
        else:
            for path, w in want.items():
                assert_allclose(_get(g, path), w, rtol=case.rtol, atol=case.atol)


@pytest.mark.parametrize("case,k", VALUE_PARAMS)
def test_value_and_grad_value(case, k):
    args = _call_args(case, k)
    expected = case.fn(*copy.deepcopy(args))
    value, grads = srcgrad.value_and_grad(case.fn, wrt=case.wrt, mode="compile")(*args)
    assert np.shape(value) == np.shape(expected)
    assert_allclose(value, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.name,
                 marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail and
                 c.xfail.startswith("unsupported") else [])
    for c in CASES])
def test_source_is_generated(case):
    g = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")
    g(*copy.deepcopy(case.inputs[0]))   # source() shows the code specialised to these
    text = srcgrad.source(g)
    assert isinstance(text, str) and "def " in text
    compile(text, "<srcgrad.source %s>" % case.name, "exec")
