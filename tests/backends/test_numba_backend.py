"""The optional Numba backend (``grad(f, backend="numba")``,
srcgrad/compiler/backends/numba_*.py): gradients checked against central
finite differences (``srcgrad.testing.numeric_grad``) and against the NumPy
backend, on loop functions Numba compiles and on ones it does not (the
NumPy backend runs those, and ``explain`` says why).

Numba compiles each function for seconds, so the default run checks a few
cases (a scalar loop compiled, a typing failure, the layout's refusals, which
need no Numba) and the slow tier the whole corpus of numba_corpus.py.
"""

import math
import subprocess
import sys

import numpy as np
import pytest

import srcgrad
from srcgrad.compiler.backends.numba_backend import status
from srcgrad.testing import assert_allclose, numeric_grad

import numba_corpus as corpus
from numba_corpus import COMPILES, FALLS_BACK


def _numba():
    return pytest.importorskip("numba", reason="numba is not installed (the srcgrad[numba] "
                                               "extra): the Numba backend cannot run")


def _backend_of(gradfn):
    """``(backend, reason)`` of the code the last call of ``gradfn`` ran."""
    compiled = list(gradfn._by_kind.values())[-1]
    return status(compiled, gradfn.kind)


def _check(fun, args, positions, kind):
    """``kind`` of ``fun`` with the Numba backend: the value equals ``fun``'s,
    each gradient agrees with finite differences and with the NumPy backend."""
    g = getattr(srcgrad, kind)(fun, wrt=positions, mode="compile", backend="numba")
    out = g(*args)
    value, grads = out if kind == "value_and_grad" else (None, out)
    if value is not None:
        assert_allclose(value, fun(*args))
    reference = srcgrad.grad(fun, wrt=positions, mode="compile")(*args)
    for grad, ref, i in zip(grads, reference, positions):
        assert_allclose(grad, numeric_grad(fun, args, i), rtol=1e-5, atol=1e-7)
        assert_allclose(grad, ref, rtol=1e-10, atol=1e-12)
        assert type(grad) is type(args[i])
    return g


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match=r"backend='jax': use one of \"numpy\", \"numba\""):
        srcgrad.grad(corpus.sin_loop, backend="jax")
    with pytest.raises(ValueError, match="backend="):
        srcgrad.explain(corpus.sin_loop, 0.5, backend="cuda")


def test_numba_is_not_imported_unless_asked():
    code = ("import sys, srcgrad\n"
            "def f(x):\n"
            "    for i in range(3):\n"
            "        x = x * 1.5\n"
            "    return x\n"
            "assert srcgrad.grad(f)(2.0) == 1.5 ** 3\n"
            "print('numba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("kind", ["grad", "value_and_grad"])
@pytest.mark.parametrize("fun, args, positions, why", FALLS_BACK,
                         ids=[c[0].__name__ for c in FALLS_BACK])
def test_what_the_layout_refuses_runs_on_numpy(fun, args, positions, why, kind):
    # refused before Numba sees the function: no numba needed, the NumPy backend runs
    g = _check(fun, args, positions, kind)
    backend, reason = _backend_of(g)
    assert backend == "numpy" and why in reason
    text = str(srcgrad.explain(fun, *args, wrt=positions, mode="compile", backend="numba"))
    assert "backend: numpy (not Numba: " in text and why in text


def test_nested_loops_with_hoisted_values_are_right():
    """corpus.nested: lower/hoist.py moves ``x * 0.1`` out of the inner loop
    under ``if r:`` with ``else: _t = None``; Numba cannot type a name that is
    None on one path and a float on the other, so this runs on the NumPy
    backend today (a known gap: issue 13). Right either way."""
    _check(corpus.nested, (0.4, 4), (0,), "grad")
    _check(corpus.nested, (0.4, 4), (0,), "value_and_grad")


def _nested(x, n):
    """corpus.nested, compiled afresh here (not cached by an earlier test)."""
    s = x
    for i in range(n):
        for j in range(i):
            s = s * math.cos(s) + x * 0.1
    return s


def test_a_fallback_at_the_first_call_is_recorded(caplog):
    """Numba compiles corpus.nested (its hoisted value is typed Optional) but
    its code raises at run time where the NumPy backend runs the call (the
    value is None on the path of an empty inner loop): the first call falls
    back, and the reason is recorded for ``explain`` and the log, instead of
    "not compiled yet" (and Numba is not tried again on every call)."""
    _numba()
    with caplog.at_level("INFO", logger="srcgrad"):
        g = _check(_nested, (0.4, 4), (0,), "grad")
    backend, reason = _backend_of(g)
    assert backend == "numpy" and "Numba's code raised TypeError" in reason, reason
    assert any("runs on the NumPy backend, not Numba" in r.getMessage() and
               "_nested (" in r.getMessage() and "test_numba_backend.py:" in r.getMessage()
               for r in caplog.records)
    explained = srcgrad.explain(_nested, 0.4, 4, mode="compile", backend="numba")
    assert explained.backend == "numpy"
    assert "not Numba: Numba's code raised TypeError" in explained.backend_reason
    assert_allclose(g(0.7, 3)[0], numeric_grad(_nested, (0.7, 3), 0), rtol=1e-5)


def _sin_over_x(x):
    for i in range(3):
        x = math.sin(x) / x
    return x


def test_an_error_in_both_backends_leaves_numba_on():
    """An error the NumPy backend raises too is the user's (a division by
    zero): it is raised, and the kind key stays on Numba."""
    _numba()
    g = srcgrad.grad(_sin_over_x, backend="numba", mode="compile")
    assert_allclose(g(0.5), numeric_grad(_sin_over_x, (0.5,), 0), rtol=1e-5)
    with pytest.raises(ZeroDivisionError):
        g(0.0)
    assert _backend_of(g) == ("numba", None)
    assert_allclose(g(0.7), numeric_grad(_sin_over_x, (0.7,), 0), rtol=1e-5)


def test_scalar_loop_runs_on_numba():
    _numba()
    g = _check(corpus.sin_loop, (0.5,), (0,), "grad")
    assert _backend_of(g) == ("numba", None)
    explained = srcgrad.explain(corpus.sin_loop, 0.5, mode="compile", backend="numba")
    assert (explained.backend, explained.backend_reason) == ("numba", None)
    assert "backend: numba" in str(explained)


def test_what_numba_cannot_type_runs_on_numpy(caplog):
    _numba()
    with caplog.at_level("INFO", logger="srcgrad"):
        g = _check(corpus.changes_type, (0.3, True), (0,), "grad")
    backend, reason = _backend_of(g)
    assert backend == "numpy" and "Cannot unify float64 and array(float64" in reason
    assert any("runs on the NumPy backend, not Numba" in r.getMessage() and
               "changes_type (" in r.getMessage() and "numba_corpus.py:" in r.getMessage() and
               "Cannot unify" in r.getMessage() for r in caplog.records)
    assert g(2.0, True) == (2.0,)   # the kind key stays on NumPy: no second compile attempt


def test_arguments_numba_does_not_take_run_on_numpy():
    # a str argument (and float32 arrays, complex values, containers) run the NumPy backend
    def scaled(x, label):
        return x * len(label)
    g = srcgrad.grad(scaled, backend="numba", mode="compile")
    assert g(0.3, "abc") == 3.0


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["grad", "value_and_grad"])
@pytest.mark.parametrize("fun, args, positions", COMPILES,
                         ids=[c[0].__name__ for c in COMPILES])
def test_corpus_runs_on_numba(fun, args, positions, kind):
    _numba()
    g = _check(fun, args, positions, kind)
    assert _backend_of(g) == ("numba", None)


@pytest.mark.slow
def test_error_at_run_time_is_the_numpy_backends():
    # Numba's bounds check raises; the NumPy backend reruns the call and raises its own error
    _numba()
    g = srcgrad.grad(corpus.out_of_range, backend="numba", mode="compile")
    assert g(np.array([1.0, 2.0, 3.0]), 1).tolist() == [0.0, 2.0, 0.0]
    with pytest.raises(IndexError, match="index 5 is out of bounds"):
        g(np.array([1.0, 2.0, 3.0]), 5)


@pytest.mark.slow
def test_new_shapes_compile_again():
    _numba()
    g = srcgrad.grad(corpus.array_loop, backend="numba", mode="compile")
    for n in (2, 5):
        x = np.linspace(-0.5, 0.7, n)
        assert_allclose(g(x), numeric_grad(corpus.array_loop, (x,), 0), rtol=1e-5)
        assert _backend_of(g) == ("numba", None)
