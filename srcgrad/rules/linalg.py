"""linalg rules."""

import numpy as np

from . import defvjp, defnondiff  # noqa: F401
