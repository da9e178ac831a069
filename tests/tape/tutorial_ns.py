"""The PyTorch-compatible namespace the tape's layer tests run against
(``import srcgrad.torch as torch``) and its ``nn.functional``."""

import srcgrad.torch as T  # noqa: N812
import srcgrad.torch.nn.functional as F  # noqa: N812

__all__ = ["T", "F"]
