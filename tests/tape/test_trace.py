"""``Tensor.trace``: value, gradient (the identity) and node name as PyTorch's."""

import numpy as np

import srcgrad.torch


def test_trace_value_gradient_and_node():
    data = np.array([[1.0, 2.0, 0.5], [3.0, 4.0, -1.0], [0.0, 2.0, 7.0]])
    t = srcgrad.torch.tensor(data, requires_grad=True)
    y = t.trace()
    assert y.item() == np.trace(data)
    assert y.grad_fn.name() == "TraceBackward0"
    y.backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.eye(3))


def test_trace_in_numpy_code_on_the_tape():
    from srcgrad.tape.engine import tape_vjp
    x = np.arange(4.0).reshape(2, 2)
    value, pullback = tape_vjp(lambda a: a.trace() * 3.0, (x,), wrt=(0,))
    assert float(value) == 9.0
    np.testing.assert_array_equal(pullback(1.0)[0], 3.0 * np.eye(2))
