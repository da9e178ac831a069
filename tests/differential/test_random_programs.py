"""Random programs (programs.py): compiler vs tape (rtol 1e-9) vs finite differences
(rtol 1e-5, atol 1e-6), and both values vs NumPy's.

Default run: a modest count. ``-m slow``: at least 2,000 programs per tier. A failure
shrinks to a small program; keep it in regressions.py (a strict xfail with its
diagnosis if an engine is wrong) and steer the generator off it (``avoid_known``), or
fix the generator if the program itself is at fault (FD across a kink...).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conftest
from programs import check_program, inputs_for, programs

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


def _run(data, **kw):
    program = data.draw(programs(**kw), label="program")
    args = data.draw(inputs_for(program.n), label="args")
    done = check_program(program, args)
    rnd = conftest.STATS["random"]
    rnd["programs"] = rnd.get("programs", 0) + 1
    for what in done:
        rnd[what] = rnd.get(what, 0) + 1


@settings(max_examples=40, **SETTINGS)
@given(st.data())
def test_random_programs(data):
    _run(data)


def _run_allowing_refusal(data):
    from srcgrad.errors import SrcgradSyntaxError
    try:
        _run(data, aliasing=True, avoid_known=False)
    except SrcgradSyntaxError:
        rnd = conftest.STATS["random"]
        rnd["compiler-refused"] = rnd.get("compiler-refused", 0) + 1


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(st.data())
def test_random_programs_slow(data):
    _run(data)


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(st.data())
def test_random_programs_with_aliasing_slow(data):
    """Aliases (``t2 = t1``) and in-place updates through them, including the
    constructs of the regressions (``avoid_known=False``): NumPy's semantics, which
    the compiler must follow or refuse (SrcgradSyntaxError is allowed here)."""
    _run_allowing_refusal(data)
