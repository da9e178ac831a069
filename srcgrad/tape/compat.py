"""More of PyTorch's spellings that tutorials use: ``torch.argmax``,
``torch.mul``/``add``/``sub``/``div`` (with ``alpha=``), ``torch.all``/
``any``, the ``out=`` argument of these, in-place random fills
(``Tensor.uniform_``, ``normal_``) and ``Tensor.new_*`` factories.

Guarantees:

* ``out=`` follows PyTorch: refused with PyTorch's ``RuntimeError`` when grad
  mode is on and an argument requires grad (a write into ``out`` cannot carry
  a gradient); otherwise the result is written into ``out`` (resized when its
  shape differs), ``out``'s version is bumped, and ``out`` is returned;
* random fills draw from the generator ``manual_seed`` seeds (not PyTorch's
  stream) and are in-place writes: on a leaf that requires grad outside
  ``no_grad`` they raise PyTorch's error, as every in-place operation does.

>>> from srcgrad.tape import tensor
>>> argmax(tensor([[1.0, 5.0], [3.0, 2.0]]), dim=1)
tensor([1, 0])
>>> o = tensor([0.0, 0.0])
>>> mul(tensor([1.0, 2.0]), 3, out=o) is o, o
(True, tensor([3., 6.]))
"""

import builtins

import numpy as np

from .. import modes
from .tensor import Tensor
from .creation import as_tensor, generator, tensor as _tensor
from .dtypes import to_numpy_dtype
from .graph import bump_version
from .inplace import _fill
from .device import check_device

__all__ = ["argmax", "argmin", "all", "any", "mul", "multiply", "add", "sub", "subtract",
           "div", "divide", "write_out"]

_state = modes._state


def write_out(name, result, out, inputs):
    """Store ``result`` into the Tensor ``out`` as PyTorch's ``out=`` does."""
    if not isinstance(out, Tensor):
        raise TypeError("%s(): argument 'out' must be Tensor, not %s"
                        % (name, type(out).__name__))
    if _state.enabled and (out._requires_grad or
                           builtins.any(isinstance(a, Tensor) and a._requires_grad for a in inputs)):
        raise RuntimeError("%s(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad." % name)
    data = result._data if isinstance(result, Tensor) else np.asarray(result)
    if not np.can_cast(data.dtype, out._data.dtype, "same_kind"):
        raise RuntimeError("result type %s can't be cast to the desired output type %s"
                           % (_title(data.dtype), _title(out._data.dtype)))
    if out._data.shape == data.shape:
        out._data[...] = data
    else:
        out._data = data.astype(out._data.dtype)
    bump_version(out)
    return out


def _title(npd):
    from .dtypes import from_numpy_dtype
    return str(from_numpy_dtype(npd)).replace("torch.", "").capitalize()


def _with_out(name, method):
    def fn(input, *args, out=None, **kwargs):
        res = getattr(as_tensor(input), method)(*args, **kwargs)
        if out is None:
            return res
        return write_out(name, res, out, (input,) + args)
    fn.__name__ = name
    fn.__doc__ = "``torch.%s(input, ..., out=None)`` = ``input.%s(...)``." % (name, method)
    return fn


argmax, argmin, all, any = (_with_out(n, n) for n in ("argmax", "argmin", "all", "any"))


def _binary(name, method, has_alpha=False):
    def fn(input, other, *, alpha=1, out=None):
        x = as_tensor(input) if not isinstance(input, Tensor) else input
        if alpha != 1:
            if not has_alpha:
                raise TypeError("%s() got an unexpected keyword argument 'alpha'" % name)
            other = other * alpha
        res = getattr(x, method)(other)
        return res if out is None else write_out(name, res, out, (input, other))
    fn.__name__ = name
    fn.__doc__ = "``torch.%s(input, other, out=None)``." % name
    return fn


mul = multiply = _binary("mul", "mul")
add = _binary("add", "add", True)
sub = subtract = _binary("sub", "sub", True)
div = divide = _binary("div", "div")

# ------------------------------------------------------- in-place random fills


def _random_fill(name, draw):
    def method(self, *args, generator=None, **kwargs):
        if generator is not None:
            raise TypeError("srcgrad.torch: Tensor.%s(generator=...) is not supported: the "
                            "tape has one generator, seeded by torch.manual_seed." % name)
        vals = draw(_rng(), self._data.shape, *args, **kwargs)
        node = name[0].upper() + name[1:-1] + "Backward0"
        return _fill(self, Tensor._wrap(np.asarray(vals, dtype=self._data.dtype)), node)
    method.__name__ = name
    return method


def _rng():
    return generator()


Tensor.uniform_ = _random_fill(
    "uniform_", lambda rng, shape, a=0.0, b=1.0, from_=None, to=None:
    rng.uniform(a if from_ is None else from_, b if to is None else to, shape))
Tensor.normal_ = _random_fill(
    "normal_", lambda rng, shape, mean=0.0, std=1.0: rng.normal(mean, std, shape))
Tensor.bernoulli_ = _random_fill(
    "bernoulli_", lambda rng, shape, p=0.5: rng.random(shape) < p)
Tensor.exponential_ = _random_fill(
    "exponential_", lambda rng, shape, lambd=1.0: rng.exponential(1.0 / lambd, shape))

# ------------------------------------------------------------- new_* factories


def _new(fill):
    def method(self, *size, dtype=None, device=None, requires_grad=False):
        check_device(device)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        npd = self._data.dtype if dtype is None else to_numpy_dtype(dtype)
        return _tensor(np.full(size, fill, dtype=npd), requires_grad=requires_grad)
    return method


Tensor.new_zeros = _new(0)
Tensor.new_ones = _new(1)
Tensor.new_empty = _new(0)


def _new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    check_device(device)
    npd = self._data.dtype if dtype is None else to_numpy_dtype(dtype)
    return _tensor(np.full(tuple(size), fill_value, dtype=npd), requires_grad=requires_grad)


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    check_device(device)
    npd = self._data.dtype if dtype is None else dtype
    return _tensor(data._data.copy() if isinstance(data, Tensor) else data, dtype=npd,
                   requires_grad=requires_grad)


Tensor.new_full = _new_full
Tensor.new_tensor = _new_tensor
