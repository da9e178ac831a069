"""``torch.save`` / ``torch.load`` for the tape: objects holding Tensors
(a ``state_dict``, a dict of them, a model) pickled with each Tensor stored
as its NumPy array.  The file format is srcgrad's, not PyTorch's: files are
read back by ``srcgrad.torch.load`` only.

>>> import io, srcgrad.torch as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.tensor([1.0, 2.0])}, buf)
>>> _ = buf.seek(0)
>>> torch.load(buf)["w"]
tensor([1., 2.])
"""

import os
import pickle

import numpy as np

from ..tape.tensor import Tensor
from ..tape.device import check_device

__all__ = ["save", "load"]

_MAGIC = "srcgrad.torch.save/1"


class _Stored:
    """A Tensor in a saved file: its array and whether it required grad."""

    def __init__(self, data, requires_grad, parameter):
        self.data, self.requires_grad, self.parameter = data, requires_grad, parameter


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn import Parameter
            return (_Stored, (np.array(obj._data), bool(obj._requires_grad),
                              isinstance(obj, Parameter)))
        return NotImplemented


def _restore(obj):
    if isinstance(obj, _Stored):
        if obj.parameter:
            from .nn import Parameter
            return Parameter(Tensor(obj.data), requires_grad=obj.requires_grad)
        t = Tensor(obj.data)
        return t.requires_grad_(True) if obj.requires_grad else t
    if isinstance(obj, dict):
        out = type(obj)() if type(obj) is not dict else {}
        for k, v in obj.items():
            out[k] = _restore(v)
        return out
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return type(obj)(_restore(v) for v in obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        for k, v in list(vars(obj).items()):
            object.__setattr__(obj, k, _restore(v))
    return obj


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Write ``obj`` to the path or binary file ``f``."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            return save(obj, fh, pickle_protocol=pickle_protocol)
    f.write(pickle.dumps(_MAGIC))
    _Pickler(f, protocol=max(pickle_protocol, 2)).dump(obj)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **kwargs):
    """Read an object written by :func:`save` (``map_location`` may only be the CPU)."""
    if map_location is not None and not callable(map_location) and \
            not isinstance(map_location, dict):
        check_device(map_location, "map_location")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return load(fh)
    try:
        magic = pickle.load(f)
    except Exception:   # noqa: BLE001  (a zip file of PyTorch's, or anything else)
        magic = None
    if magic != _MAGIC:
        raise RuntimeError("srcgrad.torch.load: not a file written by srcgrad.torch.save "
                           "(PyTorch's own files cannot be read by the tape).")
    return _restore(pickle.load(f))
