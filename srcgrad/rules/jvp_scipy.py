"""Forward mode for the SciPy rule modules, loaded lazily like them.

The SciPy rules are registered only when their library is imported, so the
declarations here are keyed by the primitive's registered name
(``scipy.special.gammaln``) and read when a SciPy primitive's JVPs are first
derived.  Primitives not listed get their JVP by transposition (exact,
bounded; see :mod:`srcgrad.rules.jvp`).
"""

#: Elementwise functions (diagonal Jacobian) in every differentiable argument.
ELEMENTWISE = frozenset()

#: name -> (positions, keywords zeroed)
LINEAR = {}

#: name -> tuple of explicit JVP rules
EXPLICIT = {}


def declared(prim, linear):
    """``prim``'s linear or elementwise declaration, or ``None``."""
    if linear:
        return LINEAR.get(prim.name)
    from .jvp import ALL
    return ALL if prim.name in ELEMENTWISE else None


def explicit(prim):
    """``prim``'s explicit JVP rules, or ``None``."""
    return EXPLICIT.get(prim.name)
