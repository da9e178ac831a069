"""Process-level soundness and API edges (issue 9): names generated code
chooses, threads, memory, generated files, deep programs, cotangent checks,
ndarray subclasses."""

import importlib.util
import itertools
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

_COUNTER = itertools.count()


def load(tmp_path, source, name=None):
    """Import ``source`` as a fresh module written under ``tmp_path``."""
    name = name or "sgproc_%d" % next(_COUNTER)
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- generated names

_USER_NAMES = ["_pop", "_push", "_stack", "_final", "_calls", "_rev", "_rt", "_islice",
               "_t1", "_t2", "bx", "by", "_bt1", "g", "f_vjp", "f_pullback", "_srcgrad_make"]


@pytest.mark.parametrize("name", _USER_NAMES)
@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_user_names_never_collide_with_generated_names(tmp_path, name, mode):
    """A loop, a subscript store and a saved value: the generated code needs
    its stack, its restore list and its runtime, under names the user took."""
    mod = load(tmp_path, """
        import numpy as np

        def f(x):
            NAME = np.zeros(3)
            for i in range(3):
                NAME[i] = x[i] * x[i]
            y = x * 1.0
            for i in range(2):
                y = np.sin(y) * NAME
            return np.sum(y)
        """.replace("NAME", name))
    x = np.array([0.3, 0.5, 0.7])
    g = srcgrad.grad(mod.f, mode=mode)(x)
    assert srcgrad.explain(mod.f, x, mode=mode).engine == "compiler"
    assert_allclose(g, numeric_grad(mod.f, (x,), 0))


def test_user_names_in_a_function_that_mutates_a_list(tmp_path):
    mod = load(tmp_path, """
        import numpy as np

        def f(x):
            _calls = []
            _final = x
            for i in range(3):
                _calls.append(_final * i)
                _final = np.sin(_final)
            _stack = 0.0
            for v in _calls:
                _stack = _stack + np.sum(v ** 2)
            return _stack
        """)
    x = np.array([0.3, -0.5])
    assert_allclose(srcgrad.grad(mod.f, mode="compile")(x), numeric_grad(mod.f, (x,), 0))
