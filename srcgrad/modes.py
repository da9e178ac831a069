"""Thread-local grad mode, shared by the tape and the compiler.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work
as context managers and as decorators, and restore the previous mode when an
exception passes through.

>>> is_grad_enabled()
True
>>> with no_grad():
...     inner = is_grad_enabled()
...     with enable_grad():
...         innermost = is_grad_enabled()
>>> inner, innermost, is_grad_enabled()
(False, True, True)
"""

import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled"]


class _State(threading.local):
    def __init__(self):
        self.enabled = True
        self.inference = False


_state = _State()


def is_grad_enabled():
    """Whether operations are recorded for differentiation in this thread."""
    return _state.enabled


def is_inference_mode_enabled():
    return _state.inference


class _Mode:
    """Base: a context manager that sets the mode on entry and restores it on
    exit; usable as a decorator (a fresh instance per call, so re-entrant)."""

    def _target(self):
        raise NotImplementedError

    def __enter__(self):
        self._prev = (_state.enabled, _state.inference)
        _state.enabled, _state.inference = self._target()
        return self

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self._prev
        return False

    def _clone(self):
        return type(self)()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._clone():
                return fn(*args, **kwargs)
        wrapper.__srcgrad_mode__ = self
        return wrapper


class no_grad(_Mode):
    """Disable gradient recording: results are constants."""

    def _target(self):
        return False, _state.inference


class enable_grad(_Mode):
    """Re-enable gradient recording (inside ``no_grad``)."""

    def _target(self):
        return True, _state.inference


class set_grad_enabled(_Mode):
    """Set grad mode to ``mode``; takes effect at construction, like PyTorch's,
    so ``set_grad_enabled(False)`` as a plain call also switches it off."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._prev = (_state.enabled, _state.inference)
        _state.enabled = self.mode

    def _target(self):
        return self.mode, _state.inference

    def __enter__(self):
        return self

    def _clone(self):
        return set_grad_enabled(self.mode)

    def __call__(self, fn):
        _state.enabled, _state.inference = self._prev  # decorator use: undo
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        wrapper.__srcgrad_mode__ = self
        return wrapper


class inference_mode(_Mode):
    """Like ``no_grad``, and tensors created inside are inference tensors."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def _target(self):
        if not self.mode:
            return _state.enabled, False
        return False, True

    def _clone(self):
        return inference_mode(self.mode)
