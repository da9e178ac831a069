"""Every script in examples/ runs to completion (exit status 0) in a fresh
interpreter, as a user would run it."""

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py")))


def test_there_are_examples():
    assert any(path.endswith("quickstart.py") for path in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_example_runs(path, tmp_path):
    proc = subprocess.run([sys.executable, path], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, "%s exited with %d\n--- stdout\n%s\n--- stderr\n%s" % (
        os.path.basename(path), proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])


def test_quickstart_trains_and_checks_its_gradient(tmp_path):
    path = os.path.join(ROOT, "examples", "quickstart.py")
    out = subprocess.run([sys.executable, path], cwd=str(tmp_path), capture_output=True,
                         text=True, timeout=300, check=True).stdout
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step")]
    assert len(losses) >= 3 and losses[-1] < 0.1 * losses[0]
    assert "relative error" in out
    assert "def loss_value_and_grad(W1, b1, W2, b2, x, y):" in out   # the fused form
