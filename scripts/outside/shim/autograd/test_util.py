"""autograd.test_util on srcgrad: every ``check_grads`` call is a recorded case.

``check_grads(f, argnum, modes, order)(*args, **kwargs)`` checks the
first-order reverse-mode VJP of ``f`` under srcgrad against central
differences and records the result (it does not raise, so a ``combo_check``
goes on to its other combinations); forward mode and order > 1 are counted as
issue 11's scope.  ``check_equivalent`` and ``scalar_close`` keep their meaning."""

from itertools import product

import numpy as np

import _outside_engine as eng
import _outside_fd as fd

TOL = fd.TOL
RTOL = fd.RTOL
EPS = fd.EPS
scalar_close = fd.scalar_close


def _fail(rec):
    raise AssertionError("Derivative (VJP) check of %s failed:\nanalytic: %s\nnumeric:  %s"
                         % (rec.get("fun"), rec.get("analytic"), rec.get("numeric")))


def check_grads(f, argnum=0, modes=["fwd", "rev"], order=2):
    """Records the case; raises AssertionError, as autograd's does, when the
    gradient is wrong (a refusal or an error is recorded, not raised, so the
    test's other cases still run)."""
    def nary_f(*args, **kwargs):
        rec = eng.check_case(f, argnum, args, kwargs, modes, order)
        if rec.get("result") in ("wrong", "planted-wrong"):
            _fail(rec)
    return nary_f


def combo_check(fun, *args, **kwargs):
    """Every combination is checked and recorded; the first wrong one is
    raised at the end."""
    def _combo_check(*cargs, **ckwargs):
        kwarg_key_vals = [[(k, x) for x in xs] for k, xs in ckwargs.items()]
        first_wrong = None
        for _args in product(*cargs):
            for _kwargs in product(*kwarg_key_vals):
                rec = eng.check_case(fun, args[0] if args else kwargs.get("argnum", 0),
                                     _args, dict(_kwargs), kwargs.get("modes", ["fwd", "rev"]),
                                     kwargs.get("order", 2))
                if rec.get("result") in ("wrong", "planted-wrong") and first_wrong is None:
                    first_wrong = rec
        if first_wrong is not None:
            _fail(first_wrong)
    return _combo_check


def check_equivalent(x, y):
    rng = np.random.RandomState(0)
    v = fd.randn_like(x, rng)
    assert scalar_close(fd.inner(v, x), fd.inner(v, y)), "Value mismatch:\nx: %s\ny: %s" % (x, y)


def check_vjp(f, x):
    eng.check_case(f, 0, (x,), {}, ["rev"], 1)


def check_jvp(f, x):
    eng.check_case(f, 0, (x,), {}, ["fwd"], 1)
