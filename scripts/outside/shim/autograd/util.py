"""autograd.util."""
from .wrap_util import subvals  # noqa: F401


def subval(x, i, v):
    x_ = list(x)
    x_[i] = v
    return tuple(x_)


def func(f):
    return f


def quick_grad_check(fun, arg0, extra_args=(), kwargs={}, verbose=True, eps=1e-4, rtol=1e-4,
                     atol=1e-6, rs=None):
    from .test_util import check_grads
    check_grads(fun, modes=["rev"], order=1)(arg0, *extra_args, **kwargs)
