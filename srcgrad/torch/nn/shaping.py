"""``nn.Flatten``, ``nn.Unflatten``, ``nn.Softmax``, ``nn.LogSoftmax`` and
``nn.BCEWithLogitsLoss``: thin modules over Tensor methods and
:mod:`srcgrad.tape.conv`, printed as PyTorch prints them."""

from ...tape import conv as _conv
from . import Module

__all__ = ["Flatten", "Unflatten", "Softmax", "LogSoftmax", "BCEWithLogitsLoss"]


class Flatten(Module):
    """``input.flatten(start_dim, end_dim)`` (the batch axis kept by default)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return "start_dim=%d, end_dim=%d" % (self.start_dim, self.end_dim)


class Unflatten(Module):
    """Axis ``dim`` split into ``unflattened_size``."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        shape = tuple(input.shape)
        d = self.dim % len(shape)
        return input.reshape(shape[:d] + self.unflattened_size + shape[d + 1:])

    def extra_repr(self):
        return "dim=%d, unflattened_size=%s" % (self.dim, self.unflattened_size)


class _SoftmaxBase(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def _dim(self, input):
        if self.dim is not None:
            return self.dim
        return 0 if input.dim() in (0, 1, 3) else 1      # PyTorch's legacy choice

    def extra_repr(self):
        return "dim=%s" % (self.dim,)


class Softmax(_SoftmaxBase):
    def forward(self, input):
        return input.softmax(self._dim(input))


class LogSoftmax(_SoftmaxBase):
    def forward(self, input):
        return input.log_softmax(self._dim(input))


class BCEWithLogitsLoss(Module):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _conv._legacy_reduction(size_average, reduce)
        self.weight, self.pos_weight, self.reduction = weight, pos_weight, reduction

    def forward(self, input, target):
        return _conv.binary_cross_entropy_with_logits(input, target, self.weight,
                                                      reduction=self.reduction,
                                                      pos_weight=self.pos_weight)
