"""examples/dask_logistic_regression.py trains on a LocalCluster of two worker
processes, as a user runs it (a fresh interpreter), to the loss the data allow.
(tests/test_examples.py runs it too, with its defaults.)"""

import os
import subprocess
import sys

import pytest

pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'srcgrad[dask]'")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "dask_logistic_regression.py")


def test_the_example_trains_on_two_worker_processes(tmp_path):
    proc = subprocess.run(
        [sys.executable, EXAMPLE, "--rows", "100000", "--chunk", "25000", "--epochs", "8",
         "--workers", "2"], cwd=str(tmp_path), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout
    assert "4 chunks of 25000 rows" in out and "2 workers" in out
    epochs = [line for line in out.splitlines() if line.startswith("epoch")]
    if epochs:      # without tqdm: one line per epoch, with the loss and the throughput
        assert len(epochs) == 8 and all("M rows/s" in line for line in epochs)
        losses = [float(line.split()[3]) for line in epochs]
        assert losses[0] > 0.69 and losses == sorted(losses, reverse=True)
    final = next(line for line in out.splitlines() if line.startswith("final loss"))
    loss, cosine = float(final.split()[2].rstrip(";")), float(final.split()[-1])
    assert 0.45 < loss < 0.5 and cosine > 0.99    # the Bayes loss of this data is about 0.47
    assert not os.listdir(str(tmp_path))          # no files left behind (dask-worker-space)
