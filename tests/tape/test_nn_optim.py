"""``srcgrad.torch.nn`` and ``srcgrad.torch.optim`` against PyTorch: the same weights and
data give the same losses and parameters step by step."""

import numpy as np
import pytest

import srcgrad.torch
import srcgrad.torch.nn as nn

torch = pytest.importorskip("torch", reason="parity tests need PyTorch (torch==2.13.0 CPU)")


def twin_models():
    srcgrad.torch.manual_seed(0)
    ours = nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(10, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    with torch.no_grad():
        for (n1, p1), (n2, p2) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert n1 == n2 and tuple(p1.shape) == tuple(p2.shape)
            p2.copy_(torch.from_numpy(p1.detach().numpy().copy()))
    return ours, theirs


@pytest.mark.parametrize("make_opt", [
    lambda m, mod: mod.optim.SGD(m.parameters(), lr=0.05),
    lambda m, mod: mod.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3),
    lambda m, mod: mod.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True),
    lambda m, mod: mod.optim.Adam(m.parameters(), lr=1e-2),
    lambda m, mod: mod.optim.Adam(m.parameters(), lr=1e-2, weight_decay=1e-2, amsgrad=True),
], ids=["sgd", "sgd-momentum-wd", "sgd-nesterov", "adam", "adam-amsgrad-wd"])
@pytest.mark.parametrize("loss_name", ["MSELoss", "CrossEntropyLoss"])
def test_training_matches_pytorch(make_opt, loss_name):
    ours, theirs = twin_models()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 10)).astype(np.float32)
    if loss_name == "MSELoss":
        y = rng.standard_normal((16, 3)).astype(np.float32)
    else:
        y = rng.integers(0, 3, 16)
    results = []
    for mod, model in ((srcgrad.torch, ours), (torch, theirs)):
        opt = make_opt(model, mod)
        crit = getattr(mod.nn, loss_name)()
        xs, ys = mod.tensor(x), mod.tensor(y)
        losses = []
        for _ in range(20):
            opt.zero_grad()
            loss = crit(model(xs), ys)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        results.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-4, atol=1e-6)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_module_api():
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1, bias=False))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight"]
    assert repr(model) == repr(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(),
                                                   torch.nn.Linear(3, 1, bias=False)))
    model.eval()
    assert not model.training and not model[0].training
    model(srcgrad.torch.randn(2, 4)).sum().backward()
    assert model[0].weight.grad is not None
    model.zero_grad()
    assert model[0].weight.grad is None
    p = nn.Parameter(srcgrad.torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))


def test_linear_init_bounds():
    srcgrad.torch.manual_seed(3)
    lin = nn.Linear(100, 50)
    w = lin.weight.detach().numpy()
    assert w.dtype == np.float32 and abs(w).max() <= 0.1 and abs(w).max() > 0.09
    assert lin.weight.requires_grad and lin.weight.is_leaf


def test_cross_entropy_grad_matches_pytorch():
    logits = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    target = np.array([0, 3, 1, 1, 2])
    grads = []
    for mod in (srcgrad.torch, torch):
        z = mod.tensor(logits, requires_grad=True)
        loss = mod.nn.functional.cross_entropy(z, mod.tensor(target))
        loss.backward()
        grads.append((loss.item(), z.grad.numpy()))
    assert abs(grads[0][0] - grads[1][0]) < 1e-6
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-7)
