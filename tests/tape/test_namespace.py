"""The two namespaces: ``import srcgrad`` is the compiler API, and the
PyTorch-compatible tape is ``import srcgrad.torch as torch`` (issue 15).  An old
tape name on ``srcgrad`` raises an AttributeError saying where it moved."""

import builtins
import subprocess
import sys

import numpy as np
import pytest

import srcgrad
import srcgrad.torch as torch
from srcgrad.testing import numeric_grad

COMPILER_API = ("grad", "value_and_grad", "vjp", "jvp", "jacrev", "jacfwd", "jacobian", "hvp",
                "hessian", "source", "explain", "export", "custom_vjp", "custom_jvp",
                "compiled", "defvjp", "defjvp", "defnondiff", "NoRuleError",
                "SrcgradSyntaxError", "TapeConversionError", "no_grad", "enable_grad",
                "set_grad_enabled", "inference_mode", "is_grad_enabled",
                "is_inference_mode_enabled", "detach", "stop_gradient")

GRAD_MODES = ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
              "is_grad_enabled", "is_inference_mode_enabled")


def test_srcgrad_has_the_compiler_api():
    missing = [n for n in COMPILER_API if not callable(getattr(srcgrad, n, None))]
    assert not missing


def test_srcgrad_shadows_no_builtin():
    public = {n for n in dir(srcgrad) if not n.startswith("_")}
    assert not public & set(dir(builtins)), sorted(public & set(dir(builtins)))
    assert not public & {"sum", "max", "min", "abs", "pow", "float", "int", "bool"}


@pytest.mark.parametrize("name", sorted(srcgrad._MOVED))
def test_an_old_tape_name_says_where_it_moved(name):
    with pytest.raises(AttributeError) as info:
        getattr(srcgrad, name)
    assert str(info.value) == ("srcgrad.%s moved to srcgrad.torch.%s: use "
                               "`import srcgrad.torch as torch`" % (name, name))
    assert not hasattr(srcgrad, name)
    assert hasattr(torch, name), "srcgrad.torch lacks %s" % name


def test_an_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="module 'srcgrad' has no attribute 'nope'"):
        srcgrad.nope
    assert not hasattr(srcgrad, "Linear")


def test_from_import_of_an_old_name_fails():
    with pytest.raises(ImportError):
        from srcgrad import tensor  # noqa: F401


def test_the_torch_namespace_has_pytorchs_layout():
    import srcgrad.torch.nn.functional as F
    assert torch.nn.functional is F
    assert issubclass(torch.nn.Linear, torch.nn.Module)
    assert callable(torch.optim.SGD) and callable(torch.optim.Adam)
    assert callable(torch.autograd.grad) and callable(torch.autograd.backward)
    assert isinstance(torch.autograd.Function, type)
    for name in GRAD_MODES + ("detach",):
        assert getattr(torch, name) is getattr(srcgrad, name)
    assert repr(torch.float32) == "torch.float32"


def test_import_srcgrad_does_not_load_the_torch_namespace():
    """``import srcgrad`` loads neither ``srcgrad.torch`` nor PyTorch; the
    attribute ``srcgrad.torch`` loads it on first use."""
    code = ("import sys, srcgrad\n"
            "print('srcgrad.torch' in sys.modules, 'torch' in sys.modules)\n"
            "t = srcgrad.torch.tensor([1.0])\n"
            "print('srcgrad.torch' in sys.modules, 'torch' in sys.modules, type(t).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_env())
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "True", "False", "Tensor"]


def _env():
    import os
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(srcgrad.__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _loss(w):
    return np.sum(np.tanh(w * np.array([0.5, -1.0, 2.0])) ** 2)


def test_training_code_on_the_torch_namespace_matches_finite_differences():
    """A gradient through ``srcgrad.torch`` names (tape) and the same function
    through ``srcgrad.grad`` (compiled), both against central differences."""
    w0 = np.array([0.3, -0.2, 0.7])
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    loss = (torch.tanh(w * torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)) ** 2).sum()
    loss.backward()
    want = numeric_grad(_loss, (w0,), 0)
    np.testing.assert_allclose(w.grad.numpy(), want, rtol=1e-6)
    for mode in ("compile", "tape"):
        np.testing.assert_allclose(srcgrad.grad(_loss, mode=mode)(w0), want, rtol=1e-6)
