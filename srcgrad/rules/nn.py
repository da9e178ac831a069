"""Neural-network primitives the tape names like PyTorch (sigmoid, relu, ...)."""

import numpy as np

from . import defvjp  # noqa: F401
