"""``torch.accelerator`` and ``torch.backends.mps`` on a CPU-only tape:
no accelerator (the newer tutorials pick the device with these).

>>> is_available(), current_accelerator()
(False, None)
"""

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0
