"""``nn.Linear`` / ``F.linear`` on the tape record PyTorch's graph
(``AddmmBackward0`` with a bias, ``MmBackward0`` without, on input viewed as
2-D), and their gradients, first and second order, are right: checked against
central finite differences, against the compiler on the same NumPy function,
and against PyTorch when it is installed."""

import numpy as np
import pytest

import srcgrad
import srcgrad.torch as sgt
import srcgrad.torch.nn.functional as F
from srcgrad.testing import numeric_grad

SHAPES = [(3,), (4, 3), (2, 4, 3), (0, 3)]


def _names(fn, depth=0, out=None):
    """The graph under ``fn`` as indented node names (torch's or ours)."""
    out = [] if out is None else out
    if fn is None:
        return out
    name = fn.name() if hasattr(fn, "name") else type(fn).__name__
    out.append("  " * depth + name.replace("torch::autograd::", ""))
    for child, _ in fn.next_functions:
        _names(child, depth + 1, out)
    return out


def _layer(x, w, b):
    """The NumPy function both engines differentiate: ``tanh(x @ w.T + b)``
    summed with weights."""
    out = np.matmul(x, w.T) + b
    return np.sum(np.tanh(out) * np.arange(1.0, out.shape[-1] + 1.0))


def _data(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=(2, 3)), rng.normal(size=(2,))


def test_a_linear_layer_is_one_addmm_node():
    layer = sgt.nn.Linear(3, 2)
    out = layer(sgt.randn(4, 3))
    assert out.grad_fn.name() == "AddmmBackward0"
    assert [n.name() if n else None for n, _ in out.grad_fn.next_functions] == \
        ["torch::autograd::AccumulateGrad", "TBackward0"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("x_grad", [False, True])
def test_the_graph_is_pytorchs(shape, bias, x_grad):
    torch = pytest.importorskip("torch", reason="torch is the oracle for node names")
    graphs = []
    for mod in (sgt, torch):
        layer = mod.nn.Linear(3, 2, bias=bias)
        x = mod.zeros(*shape).requires_grad_(x_grad)
        graphs.append(_names(layer(x).grad_fn))
    assert graphs[0] == graphs[1]


@pytest.mark.parametrize("shape", SHAPES[:3])
@pytest.mark.parametrize("bias", [True, False])
def test_gradients_match_finite_differences_and_the_compiler(shape, bias):
    x0, w0, b0 = _data(shape)
    if not bias:
        b0 = np.zeros(2)
    x, w = (sgt.tensor(a, dtype=sgt.float64, requires_grad=True) for a in (x0, w0))
    b = sgt.tensor(b0, dtype=sgt.float64, requires_grad=True) if bias else None
    out = F.linear(x, w, b)
    (sgt.tanh(out) * sgt.arange(1.0, 3.0, dtype=sgt.float64)).sum().backward()
    args = (x0, w0, b0)
    for i, t in enumerate((x, w, b)):
        if t is None:
            continue
        want = numeric_grad(_layer, args, i)
        np.testing.assert_allclose(t.grad.numpy(), want, rtol=1e-6, atol=1e-9)
        got = srcgrad.grad(_layer, wrt=i, mode="compile")(*args)
        np.testing.assert_allclose(t.grad.numpy(), got, rtol=1e-10, atol=1e-12)


def test_second_order_through_addmm_matches_finite_differences():
    """``create_graph``: the gradient of ``x.grad . v`` (a Hessian-vector
    product) through AddmmBackward0's rules, against finite differences of
    the compiled gradient."""
    x0, w0, b0 = _data((4, 3), seed=1)
    v = np.random.default_rng(2).normal(size=(4, 3))
    x = sgt.tensor(x0, dtype=sgt.float64, requires_grad=True)
    w = sgt.tensor(w0, dtype=sgt.float64, requires_grad=True)
    b = sgt.tensor(b0, dtype=sgt.float64, requires_grad=True)
    out = F.linear(x, w, b)
    loss = (sgt.tanh(out) * sgt.arange(1.0, 3.0, dtype=sgt.float64)).sum()
    assert out.grad_fn.name() == "AddmmBackward0"
    gx, = sgt.autograd.grad(loss, [x], create_graph=True)
    hv_w, = sgt.autograd.grad((gx * sgt.tensor(v)).sum(), [w])
    dfdx = srcgrad.grad(_layer, wrt=0, mode="compile")

    def dir_deriv(x_, w_, b_):
        return np.sum(dfdx(x_, w_, b_) * v)
    want = numeric_grad(dir_deriv, (x0, w0, b0), 1)
    np.testing.assert_allclose(hv_w.numpy(), want, rtol=1e-5, atol=1e-8)


def test_values_and_gradients_equal_pytorchs():
    torch = pytest.importorskip("torch", reason="torch is an optional second oracle")
    x0, w0, b0 = _data((2, 4, 3), seed=3)
    grads = []
    for mod in (sgt, torch):
        x, w, b = (mod.tensor(a, dtype=mod.float64, requires_grad=True) for a in (x0, w0, b0))
        out = mod.nn.functional.linear(x, w, b)
        out.pow(2).sum().backward()
        grads.append([out.detach().numpy()] + [t.grad.numpy() for t in (x, w, b)])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
