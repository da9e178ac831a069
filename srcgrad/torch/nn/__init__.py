"""``srcgrad.torch.nn``: the small module set PyTorch training loops need.

``Module`` registers ``Parameter`` and sub-module attributes in order, so
``parameters()``, ``named_parameters()``, ``state_dict()`` and
``zero_grad()`` see them as PyTorch's do.  ``Linear`` is initialised as
PyTorch's (uniform in +-1/sqrt(in_features), from the generator
``srcgrad.torch.manual_seed`` seeds).
"""

import collections
import math

import numpy as np

from ...tape.tensor import Tensor
from ...tape.graph import bump_version
from ...tape import creation
from . import functional

__all__ = ["Parameter", "Module", "Linear", "Sequential", "ReLU", "Tanh", "Sigmoid",
           "Softplus", "LeakyReLU", "Identity", "MSELoss", "CrossEntropyLoss", "NLLLoss",
           "functional"]


class Parameter(Tensor):
    """A leaf tensor that a Module registers; requires grad by default."""

    def __init__(self, data=None, requires_grad=True):
        arr = data._data if isinstance(data, Tensor) else np.asarray(
            [] if data is None else data, dtype=np.float32)
        self._data = arr
        self.grad_fn = None
        self._requires_grad = False
        self._vc = [0]
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


class Module:
    """Base class: subclasses set attributes in ``__init__`` and define
    ``forward``; calling the module calls ``forward``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", collections.OrderedDict())
        object.__setattr__(self, "_modules", collections.OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if params is None:
            raise AttributeError("cannot assign before Module.__init__() call")
        if isinstance(value, Parameter):
            self._modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            self._modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError("cannot assign '%s' as parameter '%s' (torch.nn.Parameter "
                                "or None expected)" % (type(value).__name__, name))
            params[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        if name in d.get("_parameters", ()):
            return d["_parameters"][name]
        if name in d.get("_modules", ()):
            return d["_modules"][name]
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def register_parameter(self, name, param):
        self._parameters[name] = param

    def add_module(self, name, module):
        self._modules[name] = module

    def forward(self, *args, **kwargs):
        raise NotImplementedError('Module [%s] is missing the required "forward" function'
                                  % type(self).__name__)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_parameters(self, prefix="", recurse=True):
        seen = set()
        for mprefix, mod in (self.named_modules(prefix) if recurse else [(prefix, self)]):
            for name, p in mod._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (mprefix + "." + name if mprefix else name), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(prefix + "." + name if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def children(self):
        return iter(self._modules.values())

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p._grad is not None:
                if set_to_none:
                    p._grad = None
                else:
                    p._grad.zero_()

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def state_dict(self):
        return collections.OrderedDict((n, p.detach()) for n, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict=True):
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise RuntimeError("Error(s) in loading state_dict for %s: missing %s, "
                               "unexpected %s" % (type(self).__name__, missing, unexpected))
        for k, p in own.items():
            if k in state_dict:
                src = state_dict[k]
                p._data[...] = src._data if isinstance(src, Tensor) else src
                bump_version(p)
        return collections.namedtuple("IncompatibleKeys", "missing_keys unexpected_keys")(
            missing, unexpected)

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = []
        for name, m in self._modules.items():
            sub = repr(m).replace("\n", "\n  ")
            lines.append("(" + name + "): " + sub)
        head = type(self).__name__ + "(" + self.extra_repr()
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        rng = creation.generator()
        npd = np.float32 if dtype is None else creation.to_numpy_dtype(dtype)
        self.weight = Parameter(Tensor(rng.uniform(-bound, bound, (out_features, in_features))
                                       .astype(npd)))
        if bias:
            self.bias = Parameter(Tensor(rng.uniform(-bound, bound, out_features).astype(npd)))
        else:
            self.bias = None
            self._parameters["bias"] = None

    def forward(self, input):
        return functional.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return "in_features=%d, out_features=%d, bias=%s" % (
            self.in_features, self.out_features, self.bias is not None)


class Sequential(Module):
    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], collections.OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


def _activation(name, fn, extra=""):
    def forward(self, input):
        return fn(input)
    return type(name, (Module,), {"forward": forward, "extra_repr": lambda self: extra})


ReLU = _activation("ReLU", functional.relu)
Tanh = _activation("Tanh", functional.tanh)
Sigmoid = _activation("Sigmoid", functional.sigmoid)
Identity = _activation("Identity", lambda x: x)


class Softplus(Module):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return functional.softplus(input, self.beta, self.threshold)


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return functional.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return "negative_slope=%s" % self.negative_slope


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input, target):
        return functional.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    def forward(self, input, target):
        return functional.cross_entropy(input, target, self.reduction)


class NLLLoss(_Loss):
    def forward(self, input, target):
        return functional.nll_loss(input, target, self.reduction)
