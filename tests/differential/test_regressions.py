"""Shrunk failures of the differential tests (regressions.py), each engine against
NumPy's value and central finite differences. A known bug is a strict xfail carrying
its diagnosis; the other engine must be right (or refuse cleanly)."""

import pytest

import numpy as np

import srcgrad
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.testing import numeric_grad
from srcgrad.tape.engine import tape_vjp

from programs import _copy, load, tape_cannot_run
from regressions import REGRESSIONS


def _params():
    out = []
    for r in REGRESSIONS:
        for engine in ("compiler", "tape"):
            reason = r.reasons[engine]
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(r, engine, id="%s-%s" % (r.name, engine), marks=marks))
    return out


@pytest.mark.parametrize("reg,engine", _params())
def test_regression(reg, engine):
    f = load(reg.source).f
    want = f(*_copy(reg.args))
    try:
        if engine == "compiler":
            value, grads = srcgrad.value_and_grad(f, wrt=reg.wrt, mode="compile")(
                *_copy(reg.args))
            if not isinstance(grads, tuple):
                grads = (grads,)
        else:
            value, pullback = tape_vjp(f, _copy(reg.args), wrt=reg.wrt)
            grads = pullback(1.0)
    except SrcgradSyntaxError as e:
        if reg.reasons[engine]:
            raise
        pytest.skip("compiler refuses: %s" % str(e).splitlines()[0])
    except Exception as e:
        if engine == "tape" and tape_cannot_run(e) and not reg.reasons[engine]:
            pytest.skip("tape refuses: %s" % str(e).splitlines()[0])
        raise
    np.testing.assert_allclose(float(value), float(want), rtol=1e-12, atol=1e-12,
                               err_msg="value")
    for g, i in zip(grads, reg.wrt):
        fd = numeric_grad(lambda *a: f(*_copy(a)), _copy(reg.args), i)
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6, err_msg="d/darg%d" % i)
