"""``torch.device`` for a CPU-only tape: ``"cpu"`` (any spelling PyTorch
accepts) is a no-op everywhere a device is taken (``device=`` of the
factories, ``Tensor.to``, ``Module.to``, ``set_default_device``); any other
device PyTorch knows (``"cuda"``, ``"mps"``, ``"meta"``...) raises a located
``NotImplementedError`` naming it -- never silently run on the CPU as if it
were the GPU the program asked for.

>>> device("cpu")
device(type='cpu')
>>> str(device("cpu", 0)), device("cpu:0").index
('cpu:0', 0)
>>> check_device("cpu") is None
True
"""

__all__ = ["device", "check_device", "CPU", "set_default_device", "get_default_device"]

#: the device types PyTorch's parser accepts (its error lists them)
_KNOWN = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
          "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
          "privateuseone")


class device:
    """``torch.device(type, index=None)`` or ``torch.device("type:index")``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type        # torch.device(0) is the first GPU
        elif not isinstance(type, str):
            raise TypeError("device() received an invalid combination of arguments - got (%s)"
                            % (type.__class__.__name__,))
        if ":" in type:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was "
                                   "passed explicitly: %s" % type)
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError("Invalid device string: '%s:%s'" % (type, idx))
            index = int(idx)
        if type not in _KNOWN:
            raise RuntimeError("Expected one of %s device type at start of device string: %s"
                               % (", ".join(_KNOWN), type))
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value):
        raise AttributeError("attribute '%s' of 'torch.device' objects is not writable" % name)

    def __repr__(self):
        if self.index is None:
            return "device(type='%s')" % self.type
        return "device(type='%s', index=%d)" % (self.type, self.index)

    def __str__(self):
        return self.type if self.index is None else "%s:%d" % (self.type, self.index)

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


def check_device(d, what="device"):
    """``None`` for ``None`` or a CPU device; a located ``NotImplementedError``
    for any other device (a ``RuntimeError`` for a string PyTorch rejects)."""
    if d is None:
        return None
    dev = d if isinstance(d, device) else device(d)
    if dev.type != "cpu":
        from .dispatch import refusal
        raise refusal("srcgrad.torch: %s %r is not supported: the tape runs on the CPU only "
                      "(torch.cuda.is_available() is False)." % (what, str(dev)),
                      "Use device=\"cpu\", or pick the device as the tutorials do: "
                      "device = \"cuda\" if torch.cuda.is_available() else \"cpu\".",
                      NotImplementedError)
    return None


def set_default_device(d):
    """``torch.set_default_device``: only the CPU (or ``None``) is accepted."""
    check_device(d, "default device")


def get_default_device():
    return CPU
