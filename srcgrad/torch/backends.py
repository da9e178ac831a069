"""``torch.backends`` on a CPU-only tape: ``mps.is_available()`` and
``cuda.is_built()`` are False; ``cudnn`` flags exist and change nothing.

>>> mps.is_available(), cuda.is_built()
(False, False)
"""

import types

__all__ = ["mps", "cuda", "cudnn"]

mps = types.SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
cuda = types.SimpleNamespace(is_built=lambda: False)
cudnn = types.SimpleNamespace(is_available=lambda: False, enabled=False, deterministic=False,
                              benchmark=False)
