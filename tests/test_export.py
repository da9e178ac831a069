"""srcgrad.export of functions that read module-level values NumPy and
Python print in ways a module cannot read back (issue 9): arrays, non-finite
floats, NumPy scalar types and scalars.  Each exported module is imported and
its gradient checked against finite differences."""

import importlib.util
import itertools
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

_COUNTER = itertools.count()


def _import(path, name):
    spec = importlib.util.spec_from_file_location(name, str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _export_and_check(tmp_path, source, name, x):
    tag = "sgexp_%d" % next(_COUNTER)
    src = tmp_path / (tag + ".py")
    src.write_text(textwrap.dedent(source))
    user = _import(src, tag)
    fn = getattr(user, name)
    g = srcgrad.grad(fn, mode="compile")
    want = numeric_grad(fn, (x,), 0)
    assert_allclose(g(x), want)
    out = tmp_path / (tag + "_grad.py")
    srcgrad.export(g, str(out))
    exported = _import(out, tag + "_grad")
    value, grad = getattr(exported, name + "_grad")(x)
    assert_allclose(value, fn(x))
    assert_allclose(grad, want)
    return out.read_text()


def test_export_of_a_function_reading_a_module_level_array(tmp_path):
    _export_and_check(tmp_path, """
        import numpy as np
        W = np.array([[1.0, 2.0], [0.5, -1.0]])
        EMPTY = np.zeros((0, 2))

        def f(x):
            return np.sum(np.tanh(W @ x)) + np.sum(EMPTY)
        """, "f", np.array([0.3, -0.7]))


def test_export_of_a_closure_array_and_a_helper_reading_one(tmp_path):
    _export_and_check(tmp_path, """
        import numpy as np
        B = np.array([0.5, -0.25])

        def helper(v):
            return np.sin(v + B)

        def make():
            A = np.array([[2.0, 0.0], [1.0, 1.0]])

            def f(x):
                return np.sum(helper(A @ x) ** 2)
            return f
        f = make()
        """, "f", np.array([0.3, -0.7]))


def test_export_of_non_finite_globals(tmp_path):
    text = _export_and_check(tmp_path, """
        import numpy as np
        LIMIT = float('inf')
        FLOOR = float('-inf')
        TABLE = np.array([1.0, np.inf])

        def f(x):
            return np.sum(np.minimum(x * 2.0, LIMIT) + np.maximum(x, FLOOR)) + \\
                np.sum(np.minimum(x, TABLE))
        """, "f", np.array([0.3, -0.7]))
    assert "float('inf')" in text


def test_export_of_numpy_scalar_types_and_scalars(tmp_path):
    _export_and_check(tmp_path, """
        import numpy as np
        F32 = np.float32
        SCALE = np.float64(2.5)
        COUNT = np.int32(3)
        DT = np.dtype('float64')

        def f(x):
            y = np.sin(x) * SCALE * COUNT
            return np.sum(y) + np.sum(np.ones(2, dtype=F32)) + np.sum(np.zeros(1, DT))
        """, "f", np.array([0.3, -0.7]))


def test_export_refuses_a_value_it_cannot_write(tmp_path):
    tag = "sgexp_%d" % next(_COUNTER)
    src = tmp_path / (tag + ".py")
    src.write_text(textwrap.dedent("""
        import numpy as np

        class Scale:
            pass
        S = np.array([Scale()], dtype=object)

        def f(x):
            return np.sum(x * len(S))
        """))
    user = _import(src, tag)
    g = srcgrad.grad(user.f, mode="compile")
    g(np.ones(2))
    from srcgrad.export import ExportError
    with pytest.raises(ExportError, match="'S'"):
        srcgrad.export(g, str(tmp_path / "out.py"))
