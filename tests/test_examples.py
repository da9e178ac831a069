"""Every script in examples/ runs to completion (exit status 0) in a fresh
interpreter, as a user would run it, and the gallery's examples print the
results their headers promise (the optimum is reached, the loss drops, the
gradient matches central finite differences)."""

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py")))


def test_there_are_examples():
    assert any(path.endswith("quickstart.py") for path in EXAMPLES)


#: examples whose printed results a test below checks (so they run once, there)
CHECKED = {"projectile.py", "gaussian_process.py", "rnn.py", "logistic_regression_scipy.py",
           "export_gradient.py", "custom_rule.py", "torch_training_loop.py"}
UNCHECKED = [p for p in EXAMPLES if os.path.basename(p) not in CHECKED]


@pytest.mark.parametrize("path", UNCHECKED, ids=[os.path.basename(p) for p in UNCHECKED])
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


# ------------------------------------------------------------- the gallery
# Each example is run as a user runs it (a fresh interpreter, in an empty
# directory) and its printed numbers are checked, not only its exit status.

def run_example(name, tmp_path, *args):
    path = os.path.join(ROOT, "examples", name)
    proc = subprocess.run([sys.executable, path, *args], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


def numbers_after(line, word):
    """The float printed right after ``word`` in ``line``."""
    return float(line.split(word, 1)[1].split()[0].rstrip(",;)"))


def line_starting(out, prefix):
    return next(line for line in out.splitlines() if line.startswith(prefix))


def test_projectile_hits_the_target_through_a_while_loop(tmp_path):
    out = run_example("projectile.py", tmp_path)
    check = line_starting(out, "d distance / d angle")
    assert numbers_after(check, "relative error") < 1e-6     # vs central differences
    final = line_starting(out, "landed at")
    assert abs(numbers_after(final, "landed at") - 45.0) < 1e-3
    assert 0.3 < numbers_after(final, "with angle") < 0.5
    assert not os.listdir(str(tmp_path))                     # no picture unless asked


def test_projectile_plot_when_asked(tmp_path):
    pytest.importorskip("matplotlib", reason="plots are optional: pip install matplotlib")
    out = run_example("projectile.py", tmp_path, "--plot")
    assert "wrote projectile.png" in out
    with open(os.path.join(str(tmp_path), "projectile.png"), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_gaussian_process_fits_its_hyperparameters(tmp_path):
    out = run_example("gaussian_process.py", tmp_path)
    assert numbers_after(line_starting(out, "gradient at the start"), "relative error") < 1e-6
    fitted = line_starting(out, "fitted")
    assert 0.07 < numbers_after(fitted, "s_n") < 0.15            # the true noise is 0.1
    start, end = fitted.split("-log p(y)")[1].split("->")
    assert float(end) < float(start) - 30.0
    assert numbers_after(line_starting(out, "largest error"), "[-1.8, 1.8]:") < 0.3


def test_rnn_learns_the_sequence_task(tmp_path):
    out = run_example("rnn.py", tmp_path)
    assert numbers_after(line_starting(out, "directional derivative"),
                         "relative error") < 1e-6
    losses = [numbers_after(line, "training loss") for line in out.splitlines()
              if line.startswith("step")]
    assert losses[-1] < 0.01 * losses[0]
    test = line_starting(out, "test loss")
    assert numbers_after(test, "test loss") < 0.05 * numbers_after(test, "everywhere:")


def test_logistic_regression_with_scipy_minimize(tmp_path):
    pytest.importorskip("scipy", reason="SciPy is an optional extra: pip install 'srcgrad[scipy]'")
    out = run_example("logistic_regression_scipy.py", tmp_path)
    first = line_starting(out, "at x0")
    assert "a float: True" in first and "float64 of shape (6,)" in first
    assert numbers_after(first, "agree to") < 1e-6
    assert "CONVERGENCE" in line_starting(out, "L-BFGS-B")
    assert numbers_after(line_starting(out, "test accuracy"), "accuracy") > 0.8
    tree = line_starting(out, "BFGS on the tree")
    assert "(a float)" in tree and numbers_after(tree, "differ by") < 1e-3


def test_exported_gradient_runs_without_srcgrad(tmp_path):
    out = run_example("export_gradient.py", tmp_path)
    assert "import srcgrad" not in line_starting(out, "exported")
    assert "srcgrad importable: False" in out
    same = line_starting(out, "its gradient equals srcgrad's")
    assert "srcgrad's: True" in same and numbers_after(same, "differences") < 1e-6
    assert not os.listdir(str(tmp_path))


def test_custom_rule_fixes_the_nan_of_the_naive_gradient(tmp_path):
    out = run_example("custom_rule.py", tmp_path)
    naive = [line for line in out.splitlines() if line.startswith("naive grad")]
    assert len(naive) == 2 and all(line.rstrip().endswith("nan]") for line in naive)
    fixed = [line for line in out.splitlines() if line.startswith("softplus")]
    assert len(fixed) == 4          # custom_vjp and defvjp, each in both engines
    assert all("nan" not in line and line.endswith("finite differences: True")
               for line in fixed)


def test_torch_training_loop_on_the_tape(tmp_path):
    out = run_example("torch_training_loop.py", tmp_path)
    assert numbers_after(line_starting(out, "first layer's .grad"), "relative error") < 1e-5
    losses = [numbers_after(line, "loss") for line in out.splitlines()
              if line.startswith("epoch")]
    assert len(losses) == 4 and losses[-1] < 0.2 * losses[0]
    assert numbers_after(line_starting(out, "test accuracy"), "accuracy") > 0.95
    assert not os.listdir(str(tmp_path))


def test_torch_training_loop_matches_pytorch(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is an optional second oracle here")
    out = run_example("torch_training_loop.py", tmp_path, "--compare", "--epochs", "3")
    mine = numbers_after(line_starting(out, "epoch  3"), "loss")
    theirs = line_starting(out, "PyTorch from the same weights")
    assert abs(numbers_after(theirs, "final loss") - mine) < 1e-3
    assert numbers_after(theirs, "epoch losses") < 1e-4     # float32 round-off only


def test_every_example_has_a_header_with_its_expected_output_and_is_listed():
    with open(os.path.join(ROOT, "examples", "README.md")) as fh:
        index = fh.read()
    for path in EXAMPLES:
        name = os.path.basename(path)
        with open(path) as fh:
            text = fh.read()
        assert text.startswith('"""'), name
        assert name in index, "%s is not listed in examples/README.md" % name
        assert "Expected output" in text, name
