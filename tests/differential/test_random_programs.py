"""Random programs (programs.py): compiler vs tape (rtol 1e-9) vs finite differences
(rtol 1e-5, atol 1e-6), and both values vs NumPy's.

Default run: a modest count. ``-m slow``: at least 2,000 programs per tier. A failure
shrinks to a small program; keep it in regressions.py (a strict xfail with its
diagnosis if an engine is wrong) and steer the generator off it (``avoid_known``), or
fix the generator if the program itself is at fault (FD across a kink...).

The *extended* tier (``programs(features=FEATURES)``, checked by ``check_extended``)
adds 2-D arrays, axis reductions, ``while``, ``break``/``continue``, comprehensions,
containers, closures, keyword arguments, non-smooth ops, float32, ``math``, grad modes,
custom VJPs, multi-output primitives, module aliases, helpers returning an alias...; a
clear refusal (``SrcgradSyntaxError``/``NoRuleError`` from the compiler, then ``auto``
is checked; a clear tape refusal) counts as refused, not as passing. The constructs of
known bugs are in regressions_sweep.py (strict xfails); ``avoid_known`` keeps the
tiers off them.

Each tier's counts are printed at the end of the run (``random programs [tier]: ...``):
``compile-refused`` and ``tape-refused`` over ``programs`` is the refusal rate.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conftest
from programs import FEATURES, check_extended, check_program, inputs_for, programs

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


def _tier(name):
    return conftest.STATS["random"].setdefault(name, {})


def _run(data, tier="basic", **kw):
    program = data.draw(programs(**kw), label="program")
    args = data.draw(inputs_for(program.n), label="args")
    rnd = _tier(tier)
    rnd["programs"] = rnd.get("programs", 0) + 1
    done = (check_extended if kw.get("features") else check_program)(program, args)
    for what in done:
        rnd[what] = rnd.get(what, 0) + 1


@settings(max_examples=40, **SETTINGS)
@given(st.data())
def test_random_programs(data):
    _run(data)


def _run_allowing_refusal(data):
    from srcgrad.errors import SrcgradSyntaxError
    try:
        _run(data, "aliasing", aliasing=True, avoid_known=False)
    except SrcgradSyntaxError:
        rnd = _tier("aliasing")
        rnd["compile-refused"] = rnd.get("compile-refused", 0) + 1


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


@settings(max_examples=30, **SETTINGS)
@given(st.data())
def test_random_programs_extended(data):
    """The extended features (``FEATURES``), steering clear of the known bugs."""
    _run(data, "extended", features=FEATURES)


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(st.data())
def test_random_programs_extended_slow(data):
    _run(data, "extended", features=FEATURES)
