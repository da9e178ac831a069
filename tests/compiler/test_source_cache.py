"""The source of a function is read once per code object (frontend/parse.py,
``_source_of``): the table is keyed by the code object's identity, so two
files with the same text (whose code objects compare equal) each get their own
file name in refusals and in the generated code, and a function edited on disk
after import is still refused."""

import importlib.util
import itertools
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.testing import assert_allclose, numeric_grad

_COUNTER = itertools.count()

_TEXT = """
import numpy as np

def refused(x):
    global G
    return np.sum(x * x)

def fine(x):
    return np.sum(np.sin(x) * x)
"""


def _load(tmp_path, text):
    name = "sgsource_%d" % next(_COUNTER)
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def test_equal_code_from_two_files_is_located_in_its_own_file(tmp_path):
    a, pa = _load(tmp_path, _TEXT)
    b, pb = _load(tmp_path, _TEXT)
    assert a.fine.__code__ == b.fine.__code__   # what a table keyed by equality would mix up
    x = np.array([0.5, -1.0])
    for mod, path in ((a, pa), (b, pb), (a, pa)):
        with pytest.raises(SrcgradSyntaxError) as err:
            srcgrad.grad(mod.refused, mode="compile")(x)
        assert err.value.filename == str(path)
        for mode in ("compile", "tape"):
            g = srcgrad.grad(mod.fine, mode=mode)
            assert_allclose(g(x), numeric_grad(mod.fine, (x,), 0))
        header = srcgrad.grad(mod.fine, mode="compile")._compiled_for((x,)).module_source
        assert "from %s:" % path in header.splitlines()[0]


def test_a_fresh_function_object_of_the_same_code_is_differentiated_again(tmp_path):
    mod, _ = _load(tmp_path, _TEXT)
    x = np.array([0.3, 1.2, -0.4])
    for _ in range(3):
        fresh = type(mod.fine)(mod.fine.__code__, mod.fine.__globals__)
        for mode in ("compile", "tape"):
            assert_allclose(srcgrad.grad(fresh, mode=mode)(x), numeric_grad(mod.fine, (x,), 0))
