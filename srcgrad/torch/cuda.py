"""``torch.cuda`` on a CPU-only tape: nothing is available.

>>> is_available(), device_count()
(False, 0)
"""

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all",
           "is_initialized", "synchronize", "empty_cache"]


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """Seeding an absent GPU does nothing (as on PyTorch's CPU-only builds)."""


def manual_seed_all(seed):
    """Seeding absent GPUs does nothing (as on PyTorch's CPU-only builds)."""


def synchronize(device=None):
    from ..tape.device import check_device
    check_device("cuda" if device is None else device)


def empty_cache():
    """No GPU memory to release."""
