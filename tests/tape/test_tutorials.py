"""PyTorch's beginner tutorials (tests/tape/tutorials/, one file each, as a
new user would port them: ``import srcgrad.torch as torch``) print the same
text and numbers as the same file run under real PyTorch.

Each tutorial runs twice in this process: as written, and with
``srcgrad.torch`` replaced by ``torch``.  Both start from the same data and
initial weights (tutorials/synthetic.py).  The outputs must be equal once
object addresses are masked, every number within float32 tolerance of its
counterpart (2000 training steps in float32 drift in the last digits).
"""

import contextlib
import io
import os
import re
import sys

import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tutorials")
TUTORIALS = sorted(f[:-3] for f in os.listdir(HERE)
                   if f.endswith(".py") and f not in ("synthetic.py", "conftest.py"))
ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
#: RMSprop's constant step (lr=1e-3) makes the weights hop around the optimum after
#: ~1500 steps: float32 rounding differences (NumPy's and PyTorch's summation orders)
#: move the late losses by up to ~1% and a coefficient that should be 0 by ~1e-4.
TOLERANCE = {"polynomial_optim": {"rtol": 1e-2, "atol": 1e-4}}


def run_tutorial(name, real_torch=False):
    """What tutorials/<name>.py prints, under srcgrad.torch or real torch."""
    path = os.path.join(HERE, name + ".py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    if real_torch:
        source = source.replace("srcgrad.torch", "torch")
    code = compile(source, path, "exec")
    buf = io.StringIO()
    sys.path.insert(0, HERE)
    try:
        with contextlib.redirect_stdout(buf):
            exec(code, {"__name__": "__main__", "__file__": path})
    finally:
        sys.path.remove(HERE)
    return ADDR.sub("", buf.getvalue())


def assert_same_output(ours, theirs, rtol=2e-4, atol=1e-5):
    """Equal text, and numbers equal within ``atol + rtol * |number|``."""
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", theirs)
    for a, b in zip(NUMBER.findall(ours), NUMBER.findall(theirs)):
        x, y = float(a), float(b)
        assert abs(x - y) <= atol + rtol * max(abs(x), abs(y)), \
            "%s (srcgrad.torch) != %s (torch)\n--- srcgrad.torch:\n%s" % (a, b, ours)


@pytest.fixture
def one_thread_torch():
    """Real PyTorch on one thread: its thread pool on a loaded machine makes
    these small problems tens of times slower."""
    torch = pytest.importorskip("torch", reason="the outputs are compared with PyTorch's")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(before)


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_prints_what_torch_prints(name, one_thread_torch):
    ours = run_tutorial(name)
    theirs = run_tutorial(name, real_torch=True)
    assert theirs.strip(), "the tutorial printed nothing"
    assert_same_output(ours, theirs, **TOLERANCE.get(name, {}))


def test_every_tutorial_is_collected():
    assert {"quickstart", "buildmodel", "autograd_tutorial", "optimization",
            "polynomial_tensor", "polynomial_autograd", "polynomial_custom_function",
            "polynomial_nn", "polynomial_optim", "polynomial_module", "dynamic_net",
            "neural_networks", "cifar10_cnn", "tensors"} <= set(TUTORIALS)
