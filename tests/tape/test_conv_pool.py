"""Convolution, pooling and ``binary_cross_entropy_with_logits`` on the tape:
values, gradients and ``grad_fn`` names equal PyTorch's, and the gradients
equal central finite differences (float64); unsupported arguments are refused
naming this file."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad

from tutorial_ns import F, T

torch = pytest.importorskip("torch", reason="the values are compared with PyTorch's")
TF = torch.nn.functional

# (id, our call, torch's call, input shapes, node name)
CASES = [
    ("conv", lambda x, w, b: F.conv2d(x, w, b), lambda x, w, b: TF.conv2d(x, w, b),
     [(2, 3, 7, 6), (4, 3, 3, 2), (4,)], "ConvolutionBackward0"),
    ("conv-stride-pad-dil", lambda x, w, b: F.conv2d(x, w, b, 2, 1, (1, 2)),
     lambda x, w, b: TF.conv2d(x, w, b, 2, 1, (1, 2)), [(2, 3, 9, 8), (4, 3, 3, 2), (4,)],
     "ConvolutionBackward0"),
    ("conv-tuple-args", lambda x, w: F.conv2d(x, w, None, (2, 1), (0, 2), (2, 1)),
     lambda x, w: TF.conv2d(x, w, None, (2, 1), (0, 2), (2, 1)), [(1, 2, 8, 5), (3, 2, 2, 3)],
     "ConvolutionBackward0"),
    ("conv-same", lambda x, w: F.conv2d(x, w, padding="same"),
     lambda x, w: TF.conv2d(x, w, padding="same"), [(1, 2, 6, 5), (3, 2, 3, 3)],
     "ConvolutionBackward0"),
    ("conv-same-even", lambda x, w: F.conv2d(x, w, padding="same", dilation=(1, 3)),
     lambda x, w: TF.conv2d(x, w, padding="same", dilation=(1, 3)),
     [(1, 2, 6, 9), (3, 2, 2, 2)], "ConvolutionBackward0"),
    ("conv-valid-unbatched", lambda x, w: F.conv2d(x, w, padding="valid"),
     lambda x, w: TF.conv2d(x, w, padding="valid"), [(2, 5, 5), (3, 2, 2, 2)],
     "SqueezeBackward1"),
    ("maxpool", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [(2, 3, 6, 6)],
     "MaxPool2DWithIndicesBackward0"),
    ("maxpool-odd", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2),
     [(1, 2, 7, 5)], "MaxPool2DWithIndicesBackward0"),
    ("maxpool-all-args", lambda x: F.max_pool2d(x, (3, 2), (2, 1), 1, (1, 2)),
     lambda x: TF.max_pool2d(x, (3, 2), (2, 1), 1, (1, 2)), [(2, 2, 7, 8)],
     "MaxPool2DWithIndicesBackward0"),
    ("maxpool-ceil", lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
     lambda x: TF.max_pool2d(x, 3, 2, 1, ceil_mode=True), [(1, 2, 8, 7)],
     "MaxPool2DWithIndicesBackward0"),
    ("maxpool-unbatched", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2),
     [(2, 4, 5)], "MaxPool2DWithIndicesBackward0"),
    ("avgpool-unbatched", lambda x: F.avg_pool2d(x, 2, 1), lambda x: TF.avg_pool2d(x, 2, 1),
     [(2, 4, 5)], "AvgPool2DBackward0"),
    ("avgpool", lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2), [(2, 3, 6, 6)],
     "AvgPool2DBackward0"),
    ("avgpool-pad", lambda x: F.avg_pool2d(x, 3, 2, 1), lambda x: TF.avg_pool2d(x, 3, 2, 1),
     [(1, 2, 7, 6)], "AvgPool2DBackward0"),
    ("avgpool-exclude-pad", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
     lambda x: TF.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(1, 2, 7, 6)],
     "AvgPool2DBackward0"),
    ("avgpool-divisor", lambda x: F.avg_pool2d(x, (2, 3), (1, 2), divisor_override=4),
     lambda x: TF.avg_pool2d(x, (2, 3), (1, 2), divisor_override=4), [(1, 2, 5, 7)],
     "AvgPool2DBackward0"),
    ("adaptive", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
     lambda x: TF.adaptive_avg_pool2d(x, (3, 2)), [(2, 2, 7, 5)], "AdaptiveAvgPool2DBackward0"),
    ("adaptive-none", lambda x: F.adaptive_avg_pool2d(x, (4, None)),
     lambda x: TF.adaptive_avg_pool2d(x, (4, None)), [(1, 2, 9, 3)],
     "AdaptiveAvgPool2DBackward0"),
    ("adaptive-1x1", lambda x: F.adaptive_avg_pool2d(x, 1),
     lambda x: TF.adaptive_avg_pool2d(x, 1), [(2, 3, 4, 5)], "MeanBackward1"),
    ("bce-logits", lambda x, y: F.binary_cross_entropy_with_logits(x, y),
     lambda x, y: TF.binary_cross_entropy_with_logits(x, y), [(4, 3), "prob"],
     "BinaryCrossEntropyWithLogitsBackward0"),
    ("bce-logits-sum-posw", lambda x, y: F.binary_cross_entropy_with_logits(
        x, y, reduction="sum", pos_weight=T.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
     lambda x, y: TF.binary_cross_entropy_with_logits(
         x, y, reduction="sum", pos_weight=torch.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
     [(4, 3), "prob"], "BinaryCrossEntropyWithLogitsBackward0"),
    ("bce-logits-none-weight", lambda x, y: F.binary_cross_entropy_with_logits(
        x, y, T.tensor([0.5, 1.0, 2.0], dtype=x.dtype), reduction="none"),
     lambda x, y: TF.binary_cross_entropy_with_logits(
         x, y, torch.tensor([0.5, 1.0, 2.0], dtype=x.dtype), reduction="none"),
     [(2, 3), "prob"], "BinaryCrossEntropyWithLogitsBackward0"),
]
IDS = [c[0] for c in CASES]


def _inputs(shapes, seed, dtype):
    """Random arrays of ``shapes``; ``"prob"``: probabilities shaped as the first."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(0.0, 1.0, shapes[0]) if s == "prob" else rng.standard_normal(s))
            .astype(dtype) for s in shapes]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
@pytest.mark.parametrize("name,ours,theirs,shapes,node", CASES, ids=IDS)
def test_values_gradients_and_names_equal_torch(name, ours, theirs, shapes, node):
    arrays = _inputs(shapes, 0, np.float32)
    a = [T.tensor(v, requires_grad=True) for v in arrays]
    b = [torch.tensor(v, requires_grad=True) for v in arrays]
    out_a, out_b = ours(*a), theirs(*b)
    assert type(out_a.grad_fn).__name__ == out_b.grad_fn.name() == node
    assert tuple(out_a.shape) == tuple(out_b.shape)
    assert out_a.dtype == T.float32
    np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    u = np.random.default_rng(1).standard_normal(tuple(out_b.shape)).astype(np.float32)
    (out_a * T.tensor(u)).sum().backward()
    (out_b * torch.tensor(u)).sum().backward()
    for ta, tb in zip(a, b):
        np.testing.assert_allclose(ta.grad.numpy(), tb.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,ours,theirs,shapes,node", CASES, ids=IDS)
def test_gradients_equal_finite_differences(name, ours, theirs, shapes, node):
    arrays = _inputs(shapes, 2, np.float64)
    u = None

    def f(*vals):
        nonlocal u
        out = ours(*[T.tensor(v) for v in vals]).numpy()
        if u is None:
            u = np.random.default_rng(3).standard_normal(out.shape)
        return float(np.sum(out * u))
    f(*arrays)
    ts = [T.tensor(v, requires_grad=True) for v in arrays]
    (ours(*ts) * T.tensor(u)).sum().backward()
    for i, t in enumerate(ts):
        np.testing.assert_allclose(t.grad.numpy(), numeric_grad(f, arrays, i),
                                   rtol=1e-6, atol=1e-7)


def test_max_pool_indices_equal_torch():
    x = np.random.default_rng(0).standard_normal((2, 2, 7, 8)).astype(np.float32)
    for args, sl in [((2,), ()), (((3, 2), (2, 3), 1, (1, 2), True), ()), ((2,), (0,))]:
        va, ia = F.max_pool2d(T.tensor(x[sl]), *args, return_indices=True)
        vb, ib = TF.max_pool2d(torch.tensor(x[sl]), *args, return_indices=True)
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
        np.testing.assert_array_equal(ia.numpy(), ib.numpy())
        assert ia.dtype == T.int64


def test_max_pool_ties_go_to_the_first_maximum_as_torch():
    x = np.ones((1, 1, 4, 4), np.float32)
    a, b = T.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    F.max_pool2d(a, 2).sum().backward()
    TF.max_pool2d(b, 2).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_conv_is_reasonably_vectorised():
    """A batch of 64 MNIST-sized images through a 32-channel 3x3 convolution
    runs as a few NumPy calls (no Python loop over pixels)."""
    x = T.randn(64, 1, 28, 28, requires_grad=True)
    w = T.randn(32, 1, 3, 3, requires_grad=True)
    F.conv2d(x, w, padding=1).sum().backward()
    assert x.grad.shape == x.shape and w.grad.shape == w.shape


@pytest.mark.parametrize("call,what", [
    (lambda: F.conv2d(T.randn(1, 4, 5, 5), T.randn(2, 2, 3, 3), groups=2), "groups=2"),
    (lambda: F.avg_pool2d(T.randn(1, 1, 5, 5), 2, ceil_mode=True), "ceil_mode=True"),
])
def test_unsupported_arguments_are_refused_naming_this_file(call, what):
    with pytest.raises(NotImplementedError) as info:
        call()
    assert what in str(info.value) and "test_conv_pool.py" in str(info.value)


def test_wrong_shapes_raise_torchs_errors():
    with pytest.raises(RuntimeError, match="expected input\\[1, 3, 5, 5\\] to have 2 channels"):
        F.conv2d(T.randn(1, 3, 5, 5), T.randn(4, 2, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv2d(T.randn(1, 1, 2, 2), T.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(T.randn(3), T.rand(2))
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(T.randn(1, 1, 5, 5), 2, padding=2)
    with pytest.raises(ValueError, match="not supported for strided"):
        F.conv2d(T.randn(1, 1, 5, 5), T.randn(1, 1, 3, 3), stride=2, padding="same")
