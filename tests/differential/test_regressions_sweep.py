"""The shrunk failures of regressions_sweep.py in the compiler, the tape and ``auto``:
each engine must give NumPy's value and the oracle's gradient (central finite
differences, or a hand-derived one), or refuse with a clear error; a known bug is a
strict xfail carrying its diagnosis (it XPASSes, and the run fails, once fixed)."""

import numpy as np
import pytest

import srcgrad
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.rules import NoRuleError
from srcgrad.tape.engine import TapeConversionError, tape_vjp
from srcgrad.testing import numeric_grad

from programs import _copy, load, tape_cannot_run
from regressions_sweep import CASES

ENGINES = ("compiler", "tape", "auto")
CLEAR = (SrcgradSyntaxError, NoRuleError, TapeConversionError)


def _params():
    out = []
    for case in CASES:
        for engine in ENGINES:
            reason = case.reasons[engine]
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case, engine, id="%s-%s" % (case.name, engine),
                                    marks=marks))
    return out


def test_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case,engine", _params())
def test_regression_sweep(case, engine):
    f = load(case.source).f
    want = f(*_copy(case.args))
    try:
        if engine == "tape":
            value, pullback = tape_vjp(f, _copy(case.args), wrt=case.wrt)
            grads = pullback(1.0)
        else:
            mode = "compile" if engine == "compiler" else "auto"
            value, grads = srcgrad.value_and_grad(f, wrt=case.wrt, mode=mode)(
                *_copy(case.args))         # wrt is a tuple: grads is a tuple
    except Exception as e:
        if case.reasons[engine] or not (isinstance(e, CLEAR) or tape_cannot_run(e)):
            raise
        pytest.skip("%s refuses: %s" % (engine, str(e).splitlines()[0]))
    np.testing.assert_allclose(float(value), float(want), rtol=1e-12, atol=1e-12,
                               err_msg="value")
    if case.oracle is not None:
        expected = case.oracle(*_copy(case.args))
    else:
        expected = [numeric_grad(lambda *a: f(*_copy(a)), _copy(case.args), i)
                    for i in case.wrt]
    for g, e, i in zip(grads, expected, case.wrt):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6, err_msg="d/darg%d" % i)


_RULES = '''import numpy as np
import srcgrad


def prim(x):
    return np.sin(x)


def prim_vjp(g, ans, x):
    return g * np.cos(x)


prim = srcgrad.defvjp(prim, prim_vjp)
'''


# compiler/transforms/inline.py once inlined whatever sat at the rule's old line after its file was
# edited (sin instead of cos: a silent wrong gradient); it now checks the text against the
# live code object and calls the rule instead
def test_rule_source_edited_after_import(tmp_path, monkeypatch):
    import importlib
    import linecache
    rules = tmp_path / "_sweep_stale_rules.py"
    rules.write_text(_RULES)
    user = tmp_path / "_sweep_stale_user.py"
    user.write_text("import numpy as np\nfrom _sweep_stale_rules import prim\n\n\n"
                    "def f(x):\n    return np.sum(prim(x))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("_sweep_stale_rules", "_sweep_stale_user"):
        monkeypatch.delitem(__import__("sys").modules, name, raising=False)
    mod = importlib.import_module("_sweep_stale_user")
    # the rule moves down two lines; its old line now holds another function's body
    rules.write_text(_RULES.replace("def prim_vjp", "def unused(g, ans, x):\n"
                                    "    return g * 100.0\n\n\ndef prim_vjp")
                     .replace("def prim(x)", "\n\ndef prim(x)"))
    linecache.checkcache()
    x = np.array([0.1, 0.2])
    try:
        g = srcgrad.grad(mod.f, mode="compile")(x)
    except CLEAR:
        return          # refusing stale source is fine
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-12)
