"""srcgrad: automatic differentiation of Python + NumPy by source transformation.

Public names only; everything is defined in the submodules.
"""

from .rules import defvjp, defnondiff, NoRuleError
from .modes import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                    is_grad_enabled)

__version__ = "0.1.0"
