"""The PyTorch-compatible namespace the tutorial and layer tests run against
(``import srcgrad.torch as torch``) and its ``nn.functional``."""

try:
    import srcgrad.torch as T  # noqa: N812
    import srcgrad.torch.nn.functional as F  # noqa: N812
except ImportError:     # TEMPORARY until the namespace move is merged
    import srcgrad as T  # noqa: N812
    from srcgrad.tape import conv as F  # noqa: N812

__all__ = ["T", "F"]
