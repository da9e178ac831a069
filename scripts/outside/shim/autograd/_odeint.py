"""``autograd.scipy.integrate.odeint`` for the outside run: SciPy's, solved to
``rtol = atol = 1e-10`` whatever the example asks.

HIPS autograd's ode_net asks for ``rtol=0.01``.  At that tolerance the
solution is not a smooth function of the parameters (the solver's steps move
with them), so central differences measure the solver's error (about 2% of
the gradient there), not the gradient: both srcgrad's adjoint method and
autograd's own disagree with them by that much.  Solved tightly, the program
is the same and finite differences can judge its gradient (they then agree to
about 1e-8).  docs/outside.md says so."""

from scipy.integrate import odeint as _scipy_odeint

TOLERANCE = 1e-10


def odeint(func, y0, t, args=(), rtol=None, atol=None, **kwargs):
    return _scipy_odeint(func, y0, t, args, rtol=TOLERANCE, atol=TOLERANCE, **kwargs)
