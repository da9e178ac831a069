"""What PyTorch's tutorials download or draw at random, made identical for a
run under ``srcgrad.torch`` and one under real PyTorch (their random
generators differ, so ``torch.manual_seed(0)`` alone would give different
numbers): data sets of the right shapes and dtypes, random tensors, and
initial weights, all from one NumPy generator that :func:`seed` resets.

Only the values come from here; every operation a tutorial runs is the
namespace's own (``torch.tensor``, ``torch.no_grad``, ``Tensor.copy_``...).
"""

import numpy as np

_RNG = [np.random.default_rng(0)]


def seed(n=0):
    """Reset the generator (each tutorial starts with ``synthetic.seed()``)."""
    _RNG[0] = np.random.default_rng(n)


def randn(torch, *shape, dtype=None, device=None, requires_grad=False):
    """``torch.randn(*shape)`` with values both runs share."""
    data = _RNG[0].standard_normal(shape).astype(np.float32)
    return torch.tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def rand(torch, *shape, dtype=None, device=None, requires_grad=False):
    """``torch.rand(*shape)`` with values both runs share."""
    data = _RNG[0].random(shape).astype(np.float32)
    return torch.tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def same_init(torch, model):
    """Set every parameter of ``model`` as PyTorch's default initialisation
    of ``Linear``/``Conv2d`` does (uniform in +-1/sqrt(fan_in), a bias with
    its weight's fan_in), drawing from the shared generator."""
    fan_in = 1
    with torch.no_grad():
        for _, p in model.named_parameters():
            shape = tuple(p.shape)
            if len(shape) > 1:
                fan_in = int(np.prod(shape[1:]))
            bound = 1.0 / np.sqrt(fan_in)
            values = _RNG[0].uniform(-bound, bound, shape).astype(np.float32)
            p.copy_(torch.from_numpy(values))
    return model


def images(torch, n, shape, classes):
    """A ``TensorDataset`` of ``n`` images in [0, 1) (what ``ToTensor`` gives)
    and integer labels below ``classes``."""
    from importlib import import_module
    data = import_module(torch.__name__ + ".utils.data")
    x = _RNG[0].random((n,) + tuple(shape)).astype(np.float32)
    y = _RNG[0].integers(0, classes, n).astype(np.int64)
    return data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))


def fashion_mnist(torch, train=True):
    """FashionMNIST's shapes: 1x28x28 images, 10 classes (600 training and
    200 test samples: the tests stay fast)."""
    return images(torch, 600 if train else 200, (1, 28, 28), 10)
