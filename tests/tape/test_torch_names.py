"""The PyTorch names the beginner tutorials need, on ``srcgrad.torch``:
devices (CPU no-ops, anything else refused), ``torch.utils.data``, the new
layers (printed and initialised as PyTorch's), ``nn.init``,
``optim.RMSprop``, ``out=``, random fills, ``save``/``load``.  Compared with
PyTorch 2.13 where PyTorch gives the oracle."""

import io

import numpy as np
import pytest

import srcgrad.torch as T  # noqa: N812
import srcgrad.torch.nn.functional as F  # noqa: N812
from srcgrad.torch import nn
from srcgrad.torch.utils.data import DataLoader, TensorDataset, random_split, Subset
from srcgrad.testing import numeric_grad

torch = pytest.importorskip("torch", reason="PyTorch 2.13 gives the expected behaviour")

# ------------------------------------------------------------------- devices


def test_cpu_devices_are_no_ops():
    assert not T.cuda.is_available() and T.cuda.device_count() == 0
    assert not T.accelerator.is_available() and not T.backends.mps.is_available()
    d = T.device("cpu")
    assert repr(d) == repr(torch.device("cpu")) and str(d) == "cpu"
    assert repr(T.device("cpu:0")) == repr(torch.device("cpu:0"))
    assert T.device("cpu", 0) == T.device("cpu:0") and T.device("cpu") != T.device("cpu:0")
    x = T.ones(2, device="cpu")
    assert x.device == d and repr(x.device) == repr(torch.ones(2).device)
    assert x.to("cpu") is x and x.to(d) is x and x.cpu() is x and not x.is_cuda
    assert x.to(d, T.float64).dtype == T.float64 and x.to(T.float64, copy=True) is not x
    for make in (lambda: T.zeros(2, device=d), lambda: T.tensor([1.0], device="cpu"),
                 lambda: T.rand(2, device="cpu"), lambda: T.arange(3, device="cpu"),
                 lambda: T.full((2,), 1.0, device="cpu"), lambda: T.randperm(3, device="cpu")):
        assert make().device == d
    T.set_default_device("cpu")
    T.set_default_device(None)
    assert T.get_default_device() == d


@pytest.mark.parametrize("call", [
    lambda: T.ones(2, device="cuda"), lambda: T.ones(2).to("cuda"),
    lambda: T.ones(2).to(T.device("cuda", 0)), lambda: T.ones(2).cuda(),
    lambda: T.tensor([1.0], device="mps"), lambda: T.set_default_device("cuda"),
    lambda: nn.Linear(2, 2).to("cuda"), lambda: nn.Linear(2, 2).cuda(),
    lambda: nn.Conv2d(1, 1, 2, device="cuda"), lambda: T.zeros(2).new_zeros(2, device="cuda"),
], ids=["factory", "to", "to-device", "cuda", "mps", "default", "module-to", "module-cuda",
        "layer", "new_zeros"])
def test_other_devices_are_refused_naming_this_file(call):
    with pytest.raises(NotImplementedError) as info:
        call()
    msg = str(info.value)
    assert "test_torch_names.py" in msg and "CPU only" in msg and ("cuda" in msg or "mps" in msg)


def test_a_device_string_torch_rejects_is_torchs_error():
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        T.device("gpu")


# ---------------------------------------------------------------- utils.data


def test_dataloader_batches_as_torch():
    x = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ours = DataLoader(TensorDataset(T.tensor(x), T.tensor(y)), batch_size=4)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=4)
    assert len(ours) == len(theirs) == 3
    for (xa, ya), (xb, yb) in zip(ours, theirs):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())
        assert ya.dtype == T.int64
    assert len(DataLoader(ours.dataset, batch_size=4, drop_last=True)) == 2
    assert [len(b[0]) for b in DataLoader(ours.dataset, batch_size=4, drop_last=True)] == [4, 4]


def test_default_collate_matches_torch():
    samples = [(np.float32(1.5), 3, {"a": [1.0, 2.0]}), (np.float32(2.5), 4, {"a": [3.0, 4.0]})]
    ours = T.utils.data.default_collate(samples)
    theirs = torch.utils.data.default_collate(samples)
    assert str(ours[1]) == str(theirs[1]) and ours[1].dtype == T.int64
    assert [str(t) for t in ours[2]["a"]] == [str(t) for t in theirs[2]["a"]]


def test_shuffle_is_a_seeded_permutation():
    ds = TensorDataset(T.arange(10))

    def order():
        return [v for (b,) in DataLoader(ds, batch_size=3, shuffle=True) for v in b.tolist()]
    T.manual_seed(0)
    first, second = order(), order()
    T.manual_seed(0)
    assert order() == first != second          # deterministic per seed, new each epoch
    assert sorted(first) == list(range(10))


def test_random_split_and_subset():
    T.manual_seed(1)
    a, b = random_split(TensorDataset(T.arange(10)), [7, 3])
    assert len(a) == 7 and len(b) == 3
    assert sorted(int(a[i][0]) for i in range(7)) + [int(b[i][0]) for i in range(3)] != []
    assert sorted([int(a[i][0]) for i in range(7)] + [int(b[i][0]) for i in range(3)]) == \
        list(range(10))
    assert isinstance(a, Subset)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(TensorDataset(T.arange(10)), [7, 4])


@pytest.mark.parametrize("kw", ["sampler", "batch_sampler", "worker_init_fn", "generator"])
def test_unimplemented_loader_arguments_are_refused(kw):
    with pytest.raises(NotImplementedError) as info:
        DataLoader(TensorDataset(T.arange(4)), **{kw: object()})
    assert kw in str(info.value) and "test_torch_names.py" in str(info.value)


def test_a_custom_dataset_works():
    class Squares(T.utils.data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return float(i), i * i
    xs, ys = next(iter(DataLoader(Squares(), batch_size=5)))
    assert xs.dtype == T.float64 and ys.tolist() == [0, 1, 4, 9, 16]


# -------------------------------------------------------------------- layers

LAYERS = [
    ("nn.Flatten()", (2, 3, 4)), ("nn.Flatten(0, 1)", (2, 3, 4)), ("nn.Softmax(dim=1)", (2, 3)),
    ("nn.LogSoftmax(dim=-1)", (2, 3)), ("nn.MaxPool2d(2, 2)", (1, 2, 6, 6)),
    ("nn.MaxPool2d(3, stride=2, padding=1)", (1, 2, 7, 7)), ("nn.AvgPool2d(2)", (1, 2, 6, 6)),
    ("nn.AdaptiveAvgPool2d((2, 3))", (1, 2, 6, 7)), ("nn.AdaptiveAvgPool2d(1)", (1, 2, 6, 7)),
    ("nn.Unflatten(1, (2, 3))", (4, 6)),
]


@pytest.mark.parametrize("expr,shape", LAYERS, ids=[e for e, _ in LAYERS])
def test_layers_print_compute_and_differentiate_as_torch(expr, shape):
    ours, theirs = eval(expr, {"nn": nn}), eval(expr, {"nn": torch.nn})
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    a, b = T.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oa, ob = ours(a), theirs(b)
    np.testing.assert_allclose(oa.detach().numpy(), ob.detach().numpy(), rtol=1e-6, atol=1e-6)
    assert type(oa.grad_fn).__name__ == ob.grad_fn.name()
    u = np.random.default_rng(1).standard_normal(tuple(ob.shape)).astype(np.float32)
    (oa * T.tensor(u)).sum().backward()
    (ob * torch.tensor(u)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("args,kwargs", [
    ((1, 6, 5), {}), ((3, 4, (3, 2)), {"stride": 2, "padding": 1}),
    ((2, 3, 3), {"padding": "same", "bias": False}), ((2, 3, 3), {"dilation": 2}),
])
def test_conv2d_layer_prints_initialises_and_trains_as_torch(args, kwargs):
    ours, theirs = nn.Conv2d(*args, **kwargs), torch.nn.Conv2d(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    fan_in = args[0] * np.prod(ours.kernel_size)
    for p in ours.parameters():               # PyTorch's default bound: 1/sqrt(fan_in)
        assert np.abs(p.detach().numpy()).max() <= 1 / np.sqrt(fan_in) and p.dtype == T.float32
    with torch.no_grad():
        for pa, pb in zip(ours.parameters(), theirs.parameters()):
            pb.copy_(torch.from_numpy(pa.detach().numpy().copy()))
    x = np.random.default_rng(0).standard_normal((2, args[0], 7, 6)).astype(np.float32)
    oa, ob = ours(T.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(oa.detach().numpy(), ob.detach().numpy(), rtol=1e-5, atol=1e-5)
    oa.sum().backward()
    ob.sum().backward()
    for pa, pb in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(pa.grad.numpy(), pb.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kwargs,what", [({"groups": 2}, "groups=2"),
                                         ({"padding_mode": "reflect"}, "padding_mode")])
def test_unsupported_conv_arguments_are_refused(kwargs, what):
    with pytest.raises(NotImplementedError) as info:
        nn.Conv2d(2, 2, 3, **kwargs)
    assert what in str(info.value) and "test_torch_names.py" in str(info.value)


def test_bce_with_logits_loss_module():
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    y = np.random.default_rng(1).uniform(size=(4, 3)).astype(np.float32)
    for kw in ({}, {"reduction": "sum"}):
        a = nn.BCEWithLogitsLoss(**kw)(T.tensor(x), T.tensor(y))
        b = torch.nn.BCEWithLogitsLoss(**kw)(torch.tensor(x), torch.tensor(y))
        assert abs(a.item() - b.item()) < 1e-5 and repr(nn.BCEWithLogitsLoss()) == \
            repr(torch.nn.BCEWithLogitsLoss())


def test_module_to_apply_and_dtypes():
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert m.to("cpu") is m and m.to(T.device("cpu")) is m and m.cpu() is m
    w = m[0].weight
    assert m.to(T.float64) is m and m[0].weight is w and w.dtype == T.float64
    assert m(T.ones(1, 2, dtype=T.float64)).dtype == T.float64
    m.float()
    assert w.dtype == T.float32
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential"]
    assert [n for n, _ in m.named_children()] == ["0", "1", "2"]


# ------------------------------------------------------------------- nn.init


def test_init_functions_follow_torchs_formulas():
    T.manual_seed(0)
    w = T.empty(200, 300)
    bound = np.sqrt(6.0 / 500)
    assert np.abs(nn.init.xavier_uniform_(w).numpy()).max() <= bound
    assert abs(np.abs(w.numpy()).max() - bound) < 0.01 * bound
    k = nn.init.kaiming_uniform_(T.empty(64, 100), a=5 ** 0.5).numpy()
    assert np.abs(k).max() <= 1 / np.sqrt(100)
    n = nn.init.kaiming_normal_(T.empty(400, 500), mode="fan_out", nonlinearity="relu")
    assert abs(float(n.std()) - np.sqrt(2.0 / 400)) < 0.01 * np.sqrt(2.0 / 400)
    assert nn.init.zeros_(T.ones(3)).tolist() == [0.0, 0.0, 0.0]
    assert nn.init.constant_(T.ones(2), 0.5).tolist() == [0.5, 0.5]
    for name in ("relu", "tanh", "leaky_relu", "sigmoid", "conv2d", "selu"):
        assert nn.init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    for shape in [(4, 3), (5, 2, 3, 3)]:
        assert nn.init._calculate_fan_in_and_fan_out(T.empty(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    q = nn.init.orthogonal_(T.empty(3, 5)).numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-5)


def test_init_on_parameters_that_require_grad():
    lin = nn.Linear(3, 2)
    nn.init.normal_(lin.weight, 0.0, 0.02)
    nn.init.zeros_(lin.bias)
    assert lin.weight.requires_grad and lin.weight.is_leaf and lin.bias.tolist() == [0.0, 0.0]


# -------------------------------------------------------------------- RMSprop


@pytest.mark.parametrize("kw", [{}, {"momentum": 0.9}, {"centered": True},
                                {"weight_decay": 0.1, "alpha": 0.9}, {"maximize": True}])
def test_rmsprop_follows_torch(kw):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2))
    x = rng.standard_normal((5, 3))
    a, b = T.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    oa, ob = T.optim.RMSprop([a], lr=0.01, **kw), torch.optim.RMSprop([b], lr=0.01, **kw)
    for _ in range(5):
        for opt, w, lib in ((oa, a, T), (ob, b, torch)):
            opt.zero_grad()
            (lib.tensor(x) @ w).sin().sum().backward()
            opt.step()
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------- out=, fills, argmax


def test_functions_and_out_arguments_as_torch():
    x = np.array([[1.0, 5.0, 2.0], [3.0, 0.0, 4.0]], np.float32)
    for name, args in [("argmax", ()), ("argmax", (1,)), ("argmin", (0,)), ("all", ()),
                       ("any", (1,))]:
        assert str(getattr(T, name)(T.tensor(x), *args)) == \
            str(getattr(torch, name)(torch.tensor(x), *args))
    o, p = T.zeros(2, 3), torch.zeros(2, 3)
    assert T.mul(T.tensor(x), 2, out=o) is o and str(o) == str(torch.mul(torch.tensor(x), 2,
                                                                        out=p))
    assert str(T.add(T.tensor(x), T.tensor(x), alpha=2)) == \
        str(torch.add(torch.tensor(x), torch.tensor(x), alpha=2))
    assert str(T.argmax(T.tensor(x), dim=1, keepdim=True)) == \
        str(torch.argmax(torch.tensor(x), dim=1, keepdim=True))
    v = o._version
    T.sub(T.tensor(x), 1, out=o)
    assert o._version > v and o.tolist() == (x - 1).tolist()


def test_out_with_a_value_that_requires_grad_is_torchs_error():
    a = T.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        T.mul(a, 2, out=T.zeros(2))
    with T.no_grad():
        assert T.mul(a, 2, out=T.zeros(2)).tolist() == [2.0, 2.0]


def test_torch_mul_is_differentiated():
    rng = np.random.default_rng(0)
    x0, y0 = rng.standard_normal(3), rng.standard_normal(3)
    x, y = T.tensor(x0, requires_grad=True), T.tensor(y0, requires_grad=True)
    T.mul(x, y).sin().sum().backward()

    def f(a, b):
        return float(np.sum(np.sin(a * b)))
    np.testing.assert_allclose(x.grad.numpy(), numeric_grad(f, (x0, y0), 0), rtol=1e-6)
    np.testing.assert_allclose(y.grad.numpy(), numeric_grad(f, (x0, y0), 1), rtol=1e-6)
    assert type(T.mul(x, y).grad_fn).__name__ == "MulBackward0"


def test_random_fills():
    T.manual_seed(0)
    w = T.empty(1000).uniform_(-2, 3)
    assert -2 <= float(w.min()) and float(w.max()) <= 3 and abs(float(w.mean()) - 0.5) < 0.15
    n = T.empty(2000).normal_(1.0, 0.5)
    assert abs(float(n.mean()) - 1.0) < 0.05 and abs(float(n.std()) - 0.5) < 0.05
    p = T.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        p.uniform_()
    with T.no_grad():
        p.uniform_()
    assert p.requires_grad and p.is_leaf
    y = T.ones(2, requires_grad=True) * 2
    y.uniform_()
    assert type(y.grad_fn).__name__ == "UniformBackward0"
    T.manual_seed(3)
    first = T.empty(3).uniform_().tolist()
    T.manual_seed(3)
    assert T.empty(3).uniform_().tolist() == first


def test_new_factories_and_tensor_all():
    x = T.ones(2, dtype=T.float64)
    assert x.new_zeros(3).dtype == T.float64 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 7.0).tolist() == [7.0, 7.0] and x.new_tensor([1, 2]).dtype == \
        T.float64
    assert bool((x > 0).all()) and not bool((x > 1).any())


def test_save_and_load_round_trip(tmp_path):
    m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2))
    path = tmp_path / "model.pth"
    T.save(m.state_dict(), path)
    m2 = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2))
    m2.load_state_dict(T.load(path, weights_only=True))
    x = T.randn(1, 1, 4, 4)
    assert m(x).tolist() == m2(x).tolist()
    buf = io.BytesIO()
    T.save({"w": T.ones(2, requires_grad=True), "n": 3}, buf)
    buf.seek(0)
    back = T.load(buf, map_location="cpu")
    assert back["n"] == 3 and back["w"].requires_grad and back["w"].tolist() == [1.0, 1.0]
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="not a file written by srcgrad.torch.save"):
        T.load(buf)


def test_functional_spellings_exist():
    x = T.randn(1, 1, 6, 6)
    assert F.max_pool2d(x, 2).shape == (1, 1, 3, 3)
    assert F.avg_pool2d(x, 3).shape == (1, 1, 2, 2)
    assert F.adaptive_avg_pool2d(x, 2).shape == (1, 1, 2, 2)
    assert F.conv2d(x, T.randn(2, 1, 3, 3)).shape == (1, 2, 4, 4)
    assert T.flatten(x, 1).shape == (1, 36) and x.flatten(2, 3).shape == (1, 1, 36)


def test_numpy_code_on_the_tape_sees_ndarrays_device():
    """In NumPy code the tape runs (mode="tape"), ``x.device`` is ndarray's
    ``"cpu"``, which NumPy's ``device=`` takes; elsewhere PyTorch's object."""
    import srcgrad

    def f(x):
        return np.sum(np.ones(3, device=x.device) * np.sin(x))
    x0 = np.arange(3.0)
    np.testing.assert_allclose(srcgrad.grad(f, mode="tape")(x0), numeric_grad(f, (x0,), 0),
                               rtol=1e-6)
    assert isinstance(T.ones(1).device, T.device)


@pytest.mark.parametrize("make", [lambda g: T.randn(3, generator=g), lambda g: T.rand(3, generator=g),
                                  lambda g: T.randint(0, 5, (3,), generator=g),
                                  lambda g: T.randperm(4, generator=g)])
def test_a_generator_argument_is_refused_not_ignored(make):
    """The tape has one generator (seeded by manual_seed): a generator= that
    would be ignored, silently changing which numbers a program draws, is
    refused."""
    with pytest.raises(TypeError, match="generator=.*not supported"):
        make(object())
    make(None)   # the default still draws
