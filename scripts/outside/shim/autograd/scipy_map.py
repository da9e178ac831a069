"""``autograd.scipy.*`` -> ``scipy.*`` (when SciPy is installed).

autograd's own ``scipy.signal.convolve`` also takes ``axes``/``dot_axes`` (a
tensor convolution SciPy does not have): it is the shim's
``_convolve.tensor_convolve``, plain NumPy (equal to SciPy's without them)."""

import sys
import types

try:
    import scipy
    import scipy.integrate
    import scipy.linalg
    import scipy.signal
    import scipy.special
    import scipy.stats
except ImportError:  # pragma: no cover - SciPy is optional
    scipy = None

if scipy is not None:
    pkg = types.ModuleType("autograd.scipy")
    pkg.__path__ = []
    sys.modules["autograd.scipy"] = pkg
    signal = types.ModuleType("autograd.scipy.signal")

    from ._convolve import tensor_convolve
    signal.convolve = tensor_convolve
    misc = types.ModuleType("autograd.scipy.misc")
    misc.logsumexp = scipy.special.logsumexp
    stats = types.ModuleType("autograd.scipy.stats")
    stats.__path__ = []
    for name in ("norm", "multivariate_normal", "t", "gamma", "beta", "dirichlet", "poisson",
                 "chi2"):
        setattr(stats, name, getattr(scipy.stats, name))
        sys.modules["autograd.scipy.stats." + name] = getattr(scipy.stats, name)
    integrate = types.ModuleType("autograd.scipy.integrate")
    from ._odeint import odeint   # solved tightly: see _odeint.py
    integrate.odeint = odeint
    for name, mod in (("special", scipy.special), ("linalg", scipy.linalg),
                      ("integrate", integrate), ("signal", signal), ("misc", misc),
                      ("stats", stats)):
        setattr(pkg, name, mod)
        sys.modules["autograd.scipy." + name] = mod
    sys.modules["autograd"].scipy = pkg
