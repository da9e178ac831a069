"""``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d`` and
``nn.AdaptiveAvgPool2d``: modules over :mod:`srcgrad.tape.conv`, printed and
initialised as PyTorch's (weights uniform in +-1/sqrt(fan_in), as
``kaiming_uniform_(a=sqrt(5))`` gives; drawn from the tape's generator).

Refused at construction, naming the user's line: ``groups != 1``,
``padding_mode`` other than ``"zeros"``, a device other than the CPU.
"""

import math

import numpy as np

from ...tape import conv as _conv
from ...tape.creation import generator, to_numpy_dtype
from ...tape.device import check_device
from ...tape.tensor import Tensor
from . import Module, Parameter

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class Conv2d(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        check_device(device)
        if groups != 1:
            raise _conv.unsupported(
                "nn.Conv2d with groups=%r (grouped or depthwise convolution)" % (groups,),
                "Use groups=1, or one Conv2d per group and torch.cat of their outputs.")
        if padding_mode != "zeros":
            raise _conv.unsupported("nn.Conv2d with padding_mode=%r" % (padding_mode,),
                                    "Use padding_mode='zeros', or pad the input yourself.")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _conv.pair(kernel_size, "kernel_size")
        self.stride = _conv.pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else _conv.pair(padding, "padding")
        self.dilation = _conv.pair(dilation, "dilation")
        self.groups, self.padding_mode = groups, padding_mode
        npd = np.dtype(np.float32) if dtype is None else to_numpy_dtype(dtype)
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        rng = generator()
        shape = (out_channels, in_channels) + self.kernel_size
        self.weight = Parameter(Tensor(rng.uniform(-bound, bound, shape).astype(npd)))
        if bias:
            self.bias = Parameter(Tensor(rng.uniform(-bound, bound, out_channels).astype(npd)))
        else:
            self.bias = None
            self._parameters["bias"] = None

    def forward(self, input):
        return _conv.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups)

    def extra_repr(self):
        s = "%d, %d, kernel_size=%s, stride=%s" % (self.in_channels, self.out_channels,
                                                   self.kernel_size, self.stride)
        if self.padding != (0, 0):
            s += ", padding=%s" % (self.padding,)
        if self.dilation != (1, 1):
            s += ", dilation=%s" % (self.dilation,)
        if self.bias is None:
            s += ", bias=False"
        return s


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return _conv.max_pool2d(input, self.kernel_size, self.stride, self.padding,
                                self.dilation, self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return "kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s" % (
            self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)


class AvgPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return _conv.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                                self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return "kernel_size=%s, stride=%s, padding=%s" % (self.kernel_size, self.stride,
                                                          self.padding)


class AdaptiveAvgPool2d(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return _conv.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return "output_size=%s" % (self.output_size,)
