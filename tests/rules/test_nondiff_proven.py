"""The non-differentiable list is proven, not declared.

Every callable registered with ``defnondiff`` is called with representative
arguments; each float argument (a Python float, a float array, or a float
inside a list) is moved by a small amount in both directions, and every float
in the outputs (iterators and containers are walked) must stay exactly where
it was.  Integers, booleans, strings and types may change: they carry no
gradient.  An entry that fails here needs a rule (``np.linspace`` wrt
start/stop...) or must leave the list, so that using it on a differentiated
value is refused instead of giving a zero gradient.

Two entries are exempt by design, because their job is to stop a gradient
the user asked to stop: ``srcgrad.detach`` and ``srcgrad.stop_gradient``.
"""

import builtins
import collections
import math
import types

import numpy as np
import pytest

import srcgrad
from srcgrad import runtime
from srcgrad.rules import NONDIFF, is_nondiff, qualname
from srcgrad.rules import conversions

from test_rules_doc import _generator

EPS = 1e-7


def _keys():
    return {"a": 1.5, "b": np.array([0.5, 2.0])}


#: callable -> list of argument tuples (a dict last stands for keyword arguments)
X = np.array([-1.3, 0.27, 0.4, 2.6])  # no jumps of floor, sign... at the samples
M = np.array([[0.3, -1.2], [2.2, 0.0]])
SAMPLES = {
    np.sign: [(X,)], np.floor: [(X,)], np.ceil: [(X,)], np.round: [(X,), (X, 1)],
    np.around: [(X,), (X, 2)], np.rint: [(X,)], np.trunc: [(X,)], np.fix: [(X,)],
    np.floor_divide: [(X, 0.7), (2.5, X + 3.0)], np.signbit: [(X,)],
    np.equal: [(X, 0.4)], np.not_equal: [(X, 0.4)], np.less: [(X, 0.4)],
    np.less_equal: [(X, 0.4)], np.greater: [(X, 0.4)], np.greater_equal: [(X, 0.4)],
    np.isclose: [(X, X + 1e-9)], np.allclose: [(X, X + 1e-9)], np.array_equal: [(X, X)],
    np.logical_and: [(X, X)], np.logical_or: [(X, X)], np.logical_not: [(X,)],
    np.logical_xor: [(X, X)],
    np.invert: [(np.array([1, 2, 3]),)], np.bitwise_and: [(np.array([1, 2]), 3)],
    np.bitwise_or: [(np.array([1, 2]), 3)], np.bitwise_xor: [(np.array([1, 2]), 3)],
    np.isnan: [(X,)], np.isfinite: [(X,)], np.isinf: [(X,)], np.isneginf: [(X,)],
    np.isposinf: [(X,)],
    np.zeros_like: [(X,), (M, float)], np.ones_like: [(X,), (M,)],
    np.empty_like: [(X,)], np.zeros: [(3,), ((2, 2),)], np.ones: [(3,)], np.empty: [((2, 3),)],
    np.eye: [(3,), (2, 3, 1)], np.identity: [(3,)],
    np.argmax: [(X,), (M, 0)], np.argmin: [(X,)], np.argsort: [(X,)],
    np.argpartition: [(X, 1)], np.nonzero: [(X,)], np.flatnonzero: [(X,)], np.argwhere: [(M,)],
    np.all: [(X,)], np.any: [(X,)], np.count_nonzero: [(X,)], np.shape: [(M,)],
    np.ndim: [(M,)], np.size: [(M,)], np.iscomplexobj: [(X,), (X * 1j,)],
    np.isrealobj: [(X,), (X * 1j,)], np.searchsorted: [(np.sort(X), 0.5)],
    np.linalg.matrix_rank: [(M,), (np.array([[1.0, 2.0], [2.0, 4.0]]),), (M, 0.5),
                            (np.array([[[1.0, 0.0], [0.0, 1e-3]]]), 1e-2)],
    math.floor: [(2.3,)], math.ceil: [(2.3,)], math.trunc: [(-2.3,)], math.isnan: [(2.3,)],
    math.isinf: [(2.3,)], math.isfinite: [(2.3,)],
    builtins.round: [(2.37,), (2.37, 1), (X[2], 2)], builtins.len: [(X,)],
    builtins.int: [(2.7,)], builtins.bool: [(2.7,), (0.0,)], builtins.range: [(3,), (1, 5, 2)],
    np.random.rand: [(3,), (2, 2)], np.random.randn: [(3,)],
    builtins.isinstance: [(2.5, float)], builtins.str: [(2.5,)], builtins.print: [],
    builtins.type: [(2.5,)], conversions.dict_keys: [(_keys(),)],
    conversions.array_attribute: [(X, name) for name in sorted(conversions.METADATA)],
    builtins.enumerate: [([0.5, 1.5],)], builtins.zip: [([0.5, 1.5], [2.5, 3.5])],
    runtime.zeros_like: [(np.array([0.5, -1.5]),), (2.5,), ([np.ones(2), 3.0],)],
    runtime.key_order: [([0.5, 2.5, 1.5],), ([0.5, 2.5, 0.5], True)],
    runtime.key_pick: [([0.5, 2.5, 1.5], "min"), ([0.5, 2.5, 2.5], "max")],
    runtime.array_size: [(np.array([0.5, -1.5]),), (2.5,), (np.ones((2, 3)),)],
    runtime.reduced_count: [(np.ones((2, 3)),), (np.ones((2, 3)), 1), (np.ones((2, 3)), (0, 1))],
    runtime.known_lengths: [((2, 3),), ((),)],
}

#: values NumPy leaves unspecified: compared by shape and dtype only
UNSPECIFIED = {id(np.empty), id(np.empty_like)}
#: explicit gradient stops (the user asks for them)
STOPS = {id(srcgrad.detach), id(srcgrad.stop_gradient),
         id(runtime.constant)}   # the forward transform's stop (a value made under no_grad)


def nondiff_entries():
    return [fn for fn, prim in _generator().library_rows() if prim is None]


def _floats(value):
    """Every float leaf of ``value`` (containers and iterators walked), with
    its path; ints, bools, strings, None and types are skipped."""
    if isinstance(value, (types.GeneratorType, enumerate, zip, map, filter, range)) or \
            type(value).__name__ in ("dict_keys", "dict_values", "dict_items"):
        value = list(value)
    if isinstance(value, dict):
        return [leaf for k in value for leaf in _floats(value[k])]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _floats(v)]
    if isinstance(value, (float, np.floating, complex, np.complexfloating)):
        return [value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return [value]
    return []


def _moves(args, eps):
    """Copies of ``args`` with the float arguments moved by ``eps`` (one list
    per float argument: each moved on its own)."""
    out = []
    for i, a in enumerate(args):
        moved = _move(a, eps)
        if moved is not None:
            out.append((i, args[:i] + (moved,) + args[i + 1:]))
    return out


def _move(a, eps):
    if isinstance(a, bool):
        return None
    if isinstance(a, float):
        return a + eps * (1.0 + abs(a))
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return a + eps * (1.0 + np.abs(a))
    if isinstance(a, list) and any(isinstance(v, float) for v in a):
        return [v + eps if isinstance(v, float) else v for v in a]
    if isinstance(a, dict):
        return {k: _move(v, eps) if _move(v, eps) is not None else v for k, v in a.items()}
    return None


def _call(fn, args):
    np.random.seed(0)
    return fn(*args)


def _same(a, b, unspecified):
    fa, fb = _floats(a), _floats(b)
    if len(fa) != len(fb):
        return False
    for x, y in zip(fa, fb):
        if unspecified:
            if np.shape(x) != np.shape(y):
                return False
        elif not np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True):
            return False
    return True


def moving_arguments(fn):
    """``[(argument position, args)]`` where a small move of a float argument
    moves a float output."""
    bad = []
    for args in SAMPLES[fn]:
        base = _call(fn, args)
        for eps in (EPS, -EPS):
            for i, moved in _moves(args, eps):
                if not _same(base, _call(fn, moved), id(fn) in UNSPECIFIED):
                    bad.append((i, args))
    return bad


def test_every_nondiff_entry_has_samples():
    missing = [qualname(fn) for fn in nondiff_entries()
               if fn not in SAMPLES and id(fn) not in STOPS]
    assert not missing, "give these non-differentiable callables sample arguments: %s" % missing


ENTRIES = [fn for fn in nondiff_entries() if id(fn) not in STOPS]


@pytest.mark.parametrize("fn", ENTRIES, ids=[qualname(f) for f in ENTRIES])
def test_outputs_do_not_move_with_float_arguments(fn):
    assert is_nondiff(fn)
    bad = moving_arguments(fn)
    assert not bad, "%s is declared non-differentiable but its output moves with argument %s" \
        % (qualname(fn), sorted({i for i, _ in bad}))


def test_the_check_catches_a_moving_entry():
    """The check itself is not vacuous: it flags functions that used to be on
    the list and have rules now."""
    for fn, args in ((np.linspace, (0.0, 2.0, 5)), (np.full_like, (X, 1.5)),
                     (np.arange, (0.5, 3.0, 0.5)),
                     (np.heaviside, (np.array([-1.0, 0.0, 2.0]), 0.5)),
                     (np.random.normal, (1.0, 2.0, 3)), (np.logspace, (0.0, 1.0, 3))):
        SAMPLES[fn] = [args]
        try:
            assert moving_arguments(fn), qualname(fn)
        finally:
            del SAMPLES[fn]


def test_gradient_stops_are_the_only_exemptions():
    assert {id(f) for f in NONDIFF_STOPS} == STOPS
    assert all(is_nondiff(f) for f in NONDIFF_STOPS)


NONDIFF_STOPS = [srcgrad.detach, srcgrad.stop_gradient, runtime.constant]


def test_count_is_reported(capsys):
    checked = len(ENTRIES)
    moved = [qualname(fn) for fn in ENTRIES if moving_arguments(fn)]
    print("non-differentiable entries checked: %d, moved: %d" % (checked, len(moved)))
    assert checked >= 70 and not moved
    _ = (NONDIFF, collections)


# ------------------------------------------- entries that left the list


def zipped_pairs(x):
    return np.sum(np.array(list(zip(x, x))))


def enumerate_loop(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + v * i
    for a, b in zip(x, x):
        s = s + a * b
    return s


def test_zip_of_differentiated_values_is_refused_not_zeroed():
    x = np.array([1.0, 2.0])
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="zip") as err:   # the resolve step
        srcgrad.grad(zipped_pairs, mode="compile")(x)
    assert "test_nondiff_proven.py" in str(err.value)
    with pytest.raises((srcgrad.NoRuleError, srcgrad.TapeConversionError)):
        srcgrad.grad(zipped_pairs, mode="auto")(x)


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_enumerate_and_zip_loops_still_differentiate(mode):
    from srcgrad.testing import numeric_grad, assert_allclose
    x = np.array([1.0, 2.0, -0.5])
    assert_allclose(srcgrad.grad(enumerate_loop, mode=mode)(x.copy()),
                    numeric_grad(enumerate_loop, (x,), 0))


def dict_of_zip(x):
    d = dict(zip(["a", "b"], [x[0], x[1]]))
    return d["a"] * d["b"]


def list_of_enumerate(x):
    pairs = list(enumerate([x[0], x[1]]))
    return pairs[1][1] * 3.0


@pytest.mark.parametrize("mode", ["compile", "auto", "tape"])
def test_dict_of_zip_of_displays_is_right_in_every_mode(mode):
    """dict(zip(keys, values)) of displays compiles as a dict display."""
    x = np.array([2.0, 3.0])
    assert srcgrad.grad(dict_of_zip, mode=mode)(x).tolist() == [3.0, 2.0]


@pytest.mark.parametrize("fn,want", [(list_of_enumerate, [0.0, 3.0])])
def test_zip_and_enumerate_results_refused_by_the_compiler_right_in_auto(fn, want):
    """Both gave [0, 0] in compile and auto when zip/enumerate were declared
    non-differentiable."""
    x = np.array([2.0, 3.0])
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="zip|enumerate") as err:
        srcgrad.grad(fn, mode="compile")(x)
    assert "test_nondiff_proven.py" in str(err.value)
    assert srcgrad.grad(fn, mode="auto")(x).tolist() == want
    assert srcgrad.grad(fn, mode="tape")(x).tolist() == want
