"""Forward mode and higher order: puts ``tests/compiler`` on ``sys.path`` (for
the corpus) and holds the shared helpers (tangent trees, finite differences)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compiler"))

try:
    import jax  # noqa: F401
except ImportError:     # jax is an optional second oracle: its binder needs it
    collect_ignore = ["jaxbind.py"]
