"""The outside harness's own pieces (scripts/outside), without the network:
its finite-difference oracle, its case checker on srcgrad in both engines, and
the classification of example records.  autograd itself is not needed."""

import os
import sys

import numpy as np
import pytest

import srcgrad

import importlib.util

HERE = os.path.dirname(os.path.abspath(__file__))
OUTSIDE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "outside")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The shim's directory also holds the shim `autograd` package: it is never put
# on sys.path here (HIPS autograd, which other tests use, must stay importable).
fd = _load("_outside_fd", os.path.join(OUTSIDE, "shim", "_outside_fd.py"))
st = _load("_outside", os.path.join(OUTSIDE, "shim", "_outside.py"))
eng = _load("_outside_engine", os.path.join(OUTSIDE, "shim", "_outside_engine.py"))
summary = _load("outside_summary", os.path.join(OUTSIDE, "summary.py"))


def test_fd_accepts_a_right_vjp_and_rejects_a_wrong_one():
    def f(x):
        return np.sin(x) * x[::-1]

    def right(u, x):
        return u * (np.cos(x) * x[::-1]) + (u * np.sin(x))[::-1]

    x = np.array([0.3, -1.2, 2.0])
    rng = np.random.RandomState(0)
    assert fd.check_vjp(f, x, lambda u: right(u, x), rng)["ok"]
    assert not fd.check_vjp(f, x, lambda u: 1.01 * right(u, x), rng)["ok"]


def test_fd_on_trees_and_complex_values():
    def f(p):  # a dict of a list: the inner product runs over every leaf
        return p["a"][0] ** 2 + 3.0 * p["a"][1]

    p = {"a": [np.array([1.0, 2.0]), 0.5]}
    vjp = lambda u: {"a": [2.0 * p["a"][0] * u, float(np.sum(3.0 * u))]}
    assert fd.check_vjp(f, p, vjp, np.random.RandomState(1))["ok"]
    # holomorphic: vjp(u) = u * f'(z), autograd's convention (and srcgrad's)
    z = np.array([0.3 + 0.2j, -0.5 + 0.1j])
    assert fd.check_vjp(lambda z: z ** 3, z, lambda u: u * 3 * z ** 2,
                        np.random.RandomState(2))["ok"]


def test_flatten_round_trip_keeps_structure_and_sorts_dict_keys():
    tree = {"b": (np.ones((2, 2)), 3.0), "a": [np.arange(3.0)]}
    vec, unflatten = fd.flatten(tree)
    assert vec.tolist() == [0.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 3.0]
    back = unflatten(vec * 2)
    assert isinstance(back["b"], tuple) and back["b"][0].shape == (2, 2)
    assert float(back["b"][1]) == 6.0 and back["a"][0].tolist() == [0.0, 2.0, 4.0]


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_check_case_passes_a_right_gradient_in_both_engines(mode, monkeypatch):
    monkeypatch.setattr(st, "MODE", mode)
    monkeypatch.setattr(st, "RECORD", None)

    def f(x, y):
        return np.sum(np.tanh(x) * y)

    rec = eng.check_case(f, (0, 1), (np.array([0.1, -0.4]), np.array([2.0, 3.0])), {},
                         ["rev"], 1)
    assert rec["result"] == "pass", rec


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_check_case_flags_a_wrong_rule_and_records_keyword_arguments(mode, monkeypatch):
    """autograd's primitive/defvjp through the shim (loaded by path, so no
    ``autograd`` module is shadowed): its rule is used by both engines."""
    monkeypatch.setattr(st, "MODE", mode)
    monkeypatch.setattr(st, "RECORD", None)
    spec = importlib.util.spec_from_file_location(
        "outside_shim_extend", os.path.join(OUTSIDE, "shim", "autograd", "extend.py"))
    extend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extend)

    @extend.primitive
    def triple(x, scale=1.0):
        return 3.0 * x * scale
    extend.defvjp(triple, lambda ans, x, scale=1.0: lambda g: g * 3.3 * scale)  # 10% off
    rec = eng.check_case(triple, 0, (np.array([1.0, 2.0]),), {"scale": 2.0}, ["rev"], 1)
    assert rec["result"] == "wrong", rec
    assert rec["kwargs"] == {"scale": "2.0"}


def test_check_case_counts_forward_mode_only_as_out_of_scope(monkeypatch):
    monkeypatch.setattr(st, "RECORD", None)
    rec = eng.check_case(np.sin, 0, (0.5,), {}, ["fwd"], 1)
    assert rec["result"] == "out-of-scope"


def test_examples_are_classified_worst_first():
    right = {"kind": "example-check", "result": "right", "engine": "compiled", "op": "grad",
             "fun": "loss"}
    wrong = dict(right, result="WRONG", analytic=1.0, numeric=2.0)
    refused = {"kind": "example-check", "result": "refused", "op": "grad", "fun": "loss",
               "where": "ex.py:3", "message": "generators cannot be differentiated"}
    end = {"kind": "example-end", "how": "stopped"}
    assert summary.classify_example("a", [right, wrong, end], "compile")["status"] == \
        "compiled-WRONG"
    assert summary.classify_example("a", [right, end], "compile")["status"] == "compiled-right"
    r = summary.classify_example("a", [refused, end], "compile")
    assert r["status"] == "refused" and "ex.py:3" in r["detail"]
    fell = dict(right, engine="tape: ex.py:3: generators")
    assert summary.classify_example("a", [fell, end], "auto")["status"] == "auto-fallback"
    assert summary.classify_example("a", [{"kind": "example-end", "how": "finished"}],
                                    "compile")["status"] == "no-gradient"


def test_tensor_convolve_agrees_with_scipy_and_with_a_loop():
    conv = _load("outside_convolve", os.path.join(OUTSIDE, "shim", "autograd", "_convolve.py"))
    rng = np.random.RandomState(3)
    a, b = rng.randn(6), rng.randn(3)
    expected = {"full": np.convolve(a, b, "full"), "valid": np.convolve(a, b, "valid"),
                "same": np.convolve(a, b, "full")[1:7]}   # the centre, as long as a
    for mode, want in expected.items():
        np.testing.assert_allclose(conv.tensor_convolve(a, b, ([0], [0]), ([], []), mode), want)
    # images (N, C, H, W) with filters (C, K, h, w), as convnet.py calls it: a direct loop
    x, w = rng.randn(2, 3, 5, 4), rng.randn(3, 2, 2, 3)
    out = conv.tensor_convolve(x, w, ([2, 3], [2, 3]), ([1], [0]), "valid")
    loop = np.zeros((2, 2, 4, 2))
    for n, k, i, j in np.ndindex(*loop.shape):
        loop[n, k, i, j] = np.sum(x[n, :, i:i + 2, j:j + 3] * w[:, k, ::-1, ::-1])
    np.testing.assert_allclose(out, loop)
