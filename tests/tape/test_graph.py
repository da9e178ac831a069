"""The tape's own guarantees, without PyTorch: saved buffers are released,
memory stays flat in training loops, NumPy calls dispatch onto the tape,
higher-order gradients match finite differences, modes are thread-local."""

import gc
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.tape.graph import _Saved


def fd_grad(f, x, eps=1e-6):
    """Central finite differences of scalar ``f`` (on float64 ndarrays)."""
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def test_saved_buffers_released_after_backward():
    x = srcgrad.torch.tensor(np.ones(1000), requires_grad=True)
    h = x * 2.0
    y = (h * h).sum()           # MulBackward0 saves h (twice)
    ref = weakref.ref(h._data)
    node = y.grad_fn.next_functions[0][0]
    del h
    gc.collect()
    assert ref() is not None    # still held by the graph
    y.backward()
    gc.collect()
    assert ref() is None        # released
    assert all(a is None or isinstance(a, _Saved) for a in node._args)


def test_retain_graph_keeps_buffers():
    x = srcgrad.torch.tensor(np.ones(3), requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.e + np.e), rtol=1e-6)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_shape_only_rules_survive_release():
    """PyTorch's SumBackward0 keeps only sizes, so a second backward works."""
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x + x).sum()
    y.backward()
    y.backward()
    assert repr(x.grad) == "tensor([4., 4.])"


def test_training_loop_constant_memory():
    srcgrad.torch.manual_seed(0)
    model = srcgrad.torch.nn.Sequential(srcgrad.torch.nn.Linear(8, 16), srcgrad.torch.nn.Tanh(),
                                  srcgrad.torch.nn.Linear(16, 1))
    opt = srcgrad.torch.optim.Adam(model.parameters(), lr=1e-2)
    xs, ys = srcgrad.torch.randn(32, 8), srcgrad.torch.randn(32, 1)

    def step():
        opt.zero_grad()
        loss = srcgrad.torch.nn.functional.mse_loss(model(xs), ys)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(50):
        step()
    gc.collect()
    tracemalloc.start()
    for _ in range(200):
        step()
    gc.collect()
    mid, _ = tracemalloc.get_traced_memory()
    for _ in range(800):
        step()
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert end - mid < 64 * 1024, (mid, end)


def test_graph_freed_when_output_dropped():
    x = srcgrad.torch.tensor(np.ones(10), requires_grad=True)
    y = (x * 3.0).exp()
    node = weakref.ref(y.grad_fn)
    del y
    assert node() is None       # no reference cycles: freed without gc


def test_numpy_functions_dispatch_onto_tape():
    a = srcgrad.torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = srcgrad.torch.tensor([0.5, -1.0], requires_grad=True)
    y = np.sum(np.sin(a) * np.tanh(np.matmul(a, b)))
    assert isinstance(y, srcgrad.torch.Tensor) and type(y.grad_fn).__name__ == "SumBackward0"
    y.backward()

    def f(av):
        return np.sum(np.sin(av) * np.tanh(av @ b.detach().numpy()))
    np.testing.assert_allclose(a.grad.numpy(), fd_grad(f, a.detach().numpy()), rtol=1e-3,
                               atol=1e-4)
    assert np.shape(a) == (2, 2) and np.ndim(a) == 2


def test_plain_numpy_user_code_on_tensors():
    def user(x):               # written for ndarrays
        h = np.exp(-x ** 2) + np.sum(x) * 0.5
        return np.sum(h * x)
    x0 = np.array([0.3, -0.2, 0.9])
    t = srcgrad.torch.tensor(x0, requires_grad=True)
    user(t).backward()
    np.testing.assert_allclose(t.grad.numpy(), fd_grad(user, x0), rtol=1e-5)


def test_broadcasting_undone():
    x = srcgrad.torch.tensor(np.ones((3, 1)), requires_grad=True)
    v = srcgrad.torch.tensor(np.arange(4.0), requires_grad=True)
    ((x * v) + v).sum().backward()
    assert x.grad.shape == (3, 1) and v.grad.shape == (4,)
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 1), 6.0))
    np.testing.assert_allclose(v.grad.numpy(), np.full(4, 6.0))


def test_second_and_third_order():
    x0 = np.array([0.4, 1.3])
    x = srcgrad.torch.tensor(x0, requires_grad=True)
    y = (x.sin() * x ** 3).sum()
    g, = srcgrad.torch.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad
    h, = srcgrad.torch.autograd.grad(g.sum(), x, create_graph=True)

    def first(v):
        return np.sum(np.cos(v) * v ** 3 + 3 * np.sin(v) * v ** 2)
    np.testing.assert_allclose(h.detach().numpy(), fd_grad(first, x0), rtol=1e-5)
    k, = srcgrad.torch.autograd.grad(h.sum(), x)

    def second(v):
        return np.sum(fd_grad(first, v, 1e-4))
    np.testing.assert_allclose(k.numpy(), fd_grad(second, x0, 1e-3), rtol=1e-3)


def test_grad_does_not_touch_dot_grad_and_allow_unused():
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    z = srcgrad.torch.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    gx, gz = srcgrad.torch.autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None and x.grad is None
    assert repr(gx) == "tensor([2., 4.])"


def test_autograd_backward_inputs_and_multiple_roots():
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    w = srcgrad.torch.tensor([3.0, 4.0], requires_grad=True)
    a, b = (x * w).sum(), (x * x).sum()
    srcgrad.torch.autograd.backward([a, b])
    assert repr(x.grad) == "tensor([5., 8.])" and repr(w.grad) == "tensor([1., 2.])"


def test_hooks_on_leaf_and_nonleaf():
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(repr(g)))
    y = x * 3
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    assert seen == ["tensor([6., 6.])"] and repr(x.grad) == "tensor([6., 6.])"


def test_modes_thread_local_and_restored_on_exception():
    results = {}

    def worker():
        results["other"] = srcgrad.is_grad_enabled()
    with srcgrad.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not srcgrad.is_grad_enabled()
    assert results["other"] is True
    with pytest.raises(ValueError):
        with srcgrad.no_grad():
            raise ValueError
    assert srcgrad.is_grad_enabled()


def test_dtype_defaults():
    assert srcgrad.torch.tensor(1.5).dtype == srcgrad.torch.float32
    assert srcgrad.torch.tensor(np.ones(2)).dtype == srcgrad.torch.float64
    assert srcgrad.torch.tensor([1, 2]).dtype == srcgrad.torch.int64
    assert repr(srcgrad.torch.float64) == "torch.float64"
    assert (srcgrad.torch.tensor([1.0]) * 2.5).dtype == srcgrad.torch.float32
    assert srcgrad.torch.arange(3).dtype == srcgrad.torch.int64 and srcgrad.torch.randn(2).dtype == srcgrad.torch.float32


def test_from_numpy_shares_memory_and_detach_shares_data():
    a = np.zeros(3)
    t = srcgrad.torch.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5.0
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d[0] = 7
    assert x.tolist() == [7.0, 2.0] and x._version == 1


def test_real_parts_of_complex128_stay_double_precision():
    """As PyTorch: abs / real of a complex128 tensor are float64 (not float32, the
    dtype of results computed from Python floats); of a complex64 one, float32."""
    for dtype, want in ((np.complex128, "float64"), (np.complex64, "float32")):
        t = srcgrad.torch.tensor(np.array([1 + 2j, 3j], dtype=dtype), requires_grad=True)
        assert [str(v.dtype) for v in (np.abs(t), np.real(t), abs(t))] == ["torch." + want] * 3


def test_no_rule_error_names_the_function():
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(srcgrad.NoRuleError, match="defvjp"):
        np.unwrap(x)


def test_inplace_through_view_rewrites_base_history_like_pytorch():
    x = srcgrad.torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y[0:2].mul_(2)
    assert type(y.grad_fn).__name__ == "CopySlices"
    y.sum().backward()
    assert repr(x.grad) == "tensor([2., 2., 1.])"


def test_no_reference_cycles_in_graphs():
    x = srcgrad.torch.tensor([1.0, 2.0], requires_grad=True)
    gc.collect()
    gc.disable()
    try:
        for _ in range(20):
            y = (x * 2.0 + x).exp().sum()
            y.backward()
            del y
        assert gc.collect() == 0
    finally:
        gc.enable()
