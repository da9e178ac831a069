"""The outside measurement harness: HIPS autograd's examples and tests run on srcgrad.

``python scripts/outside/run.py`` downloads autograd's sdist (MIT licence) into a
cache directory, puts a shim ``autograd`` package (``shim/``) first on
``sys.path`` that maps autograd's API onto srcgrad, and measures how many of the
example programs and of the test suite's gradient checks srcgrad handles, and
whether its gradients are right (against central finite differences).
Nothing of autograd's is committed here; see docs/outside.md.
"""
