"""Collection at the root: the modules that import an optional extra at their
top are not doctest-collected without it -- SciPy's rule modules
(srcgrad/rules/scipy_*.py, jvp_scipy_explicit.py) without SciPy, the Dask
tests' helpers (tests/dask/daskcheck.py) without Dask (the test modules
there skip themselves with a reason)."""

import importlib.util

collect_ignore_glob = []


def _missing(module):
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):    # its parent package is missing
        return True


if _missing("scipy"):
    collect_ignore_glob += ["srcgrad/rules/scipy_*.py", "srcgrad/rules/jvp_scipy_explicit.py"]
if _missing("dask.array"):
    collect_ignore_glob += ["tests/dask/daskcheck.py"]
