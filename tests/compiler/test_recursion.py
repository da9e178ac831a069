"""Recursion in compiled code: the recursive edge, its versions, and a
recursion deeper than Python's stack (a fallback or a located error, never an
internal traceback).  The gradients of the corpus's recursive programs are
checked in corpus/recursion.py."""

import sys
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose

import srcgrad
from srcgrad.compiler import pipeline
from srcgrad.testing import numeric_grad


def chain(x, n):
    if n == 0:
        return x
    return chain(x * 0.999, n - 1) + 0.0


def chain_loss(x, n):
    return np.sum(chain(x, n) ** 2)


def expected(x, n):
    return 2.0 * x * 0.999 ** (2 * n)


def halve(x):
    if x.shape[0] == 1:
        return x[0] * x[0]
    h = x.shape[0] // 2
    return halve(x[:h]) + np.cos(halve(x[h:]))


X = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("mode", ["compile", "auto", "tape"])
def test_recursion_within_the_stack_compiles(mode):
    g = srcgrad.grad(chain_loss, mode=mode)(X, 40)
    assert_allclose(g, numeric_grad(chain_loss, (X, 40), 0), rtol=1e-6)
    assert_allclose(g, expected(X, 40))
    if mode != "tape":
        assert srcgrad.explain(chain_loss, X, 40, mode=mode).engine == "compiler"


def test_too_deep_for_compiled_code_falls_back_to_the_tape_in_auto():
    n = sys.getrecursionlimit() - 200   # fine for Python and the tape, not for the VJPs
    g = srcgrad.grad(chain_loss, mode="auto")(X, n)
    assert_allclose(g, expected(X, n))
    value, g2 = srcgrad.value_and_grad(chain_loss)(X, n)
    assert_allclose(value, chain_loss(X, n))
    assert_allclose(g2, g)
    out, pullback = srcgrad.vjp(chain_loss, X, n, wrt=0)
    assert_allclose(pullback(1.0)[0], g)


def test_too_deep_in_compile_mode_is_a_located_error():
    n = sys.getrecursionlimit() - 200
    with pytest.raises(RecursionError) as info:
        srcgrad.grad(chain_loss, mode="compile")(X, n)
    text = str(info.value)
    assert __file__ in text and "recursion limit" in text and "sys.setrecursionlimit" in text
    # the next, shallower call still works
    assert_allclose(srcgrad.grad(chain_loss, mode="compile")(X, 5), expected(X, 5))


def test_too_deep_for_the_tape_as_well_is_a_located_error():
    n = 10 * sys.getrecursionlimit()
    with pytest.raises(RecursionError) as info:
        srcgrad.grad(chain_loss, mode="auto")(X, n)
    assert __file__ in str(info.value) and "on the tape" in str(info.value)


def test_shrinking_shapes_compile_a_bounded_number_of_versions():
    x = np.linspace(-1.0, 1.0, 64)
    g = srcgrad.grad(halve, mode="compile")(x)
    assert_allclose(g, numeric_grad(halve, (x,), 0), rtol=1e-5, atol=1e-7)
    versions = pipeline._CACHE.get(halve)
    # the outer call's shape, and one shape-generic version for all the recursive calls
    assert len(versions) <= 3, list(versions)
    x2 = np.linspace(-1.0, 1.0, 37)
    srcgrad.grad(halve, mode="compile")(x2)
    assert len(pipeline._CACHE.get(halve)) <= 4


def test_recursion_from_several_threads():
    results, errors = [], []

    def work(k):
        try:
            x = X + 0.1 * k
            g = srcgrad.grad(chain_loss, mode="compile")(x, 10 + k)
            results.append(np.allclose(g, expected(x, 10 + k)))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [True] * 6
