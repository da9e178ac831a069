"""Collection at the root: SciPy's rule modules (srcgrad/rules/scipy_*.py)
import SciPy, an optional extra; without it they are not doctest-collected."""

try:
    import scipy  # noqa: F401
except ImportError:
    collect_ignore_glob = ["srcgrad/rules/scipy_*.py"]
