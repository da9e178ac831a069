"""The benchmark suite runs: ``benchmarks/run.py --quick`` on two small cases,
in a subprocess.  Nothing is timed against a limit here; a contender whose
gradient disagrees with the hand-written code makes the run exit non-zero."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(ROOT, "benchmarks", "run.py")


def test_quick_run_prints_a_table():
    proc = subprocess.run([sys.executable, RUN, "--quick", "--only", "sinloop,overhead"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "| case | hand-written | srcgrad compiled |" in out
    assert "| (b) scalar sin loop |" in out
    assert "| (h) cached-call overhead |" in out
    assert "WRONG" not in out


def test_unknown_case_is_an_error():
    proc = subprocess.run([sys.executable, RUN, "--quick", "--only", "nope"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown case" in proc.stderr


def test_one_suite_the_mlp_and_transform_cases_run():
    """bench_core.py was folded into run.py: its MLP is case (a), its 30-line
    function case (g), whose gradient is checked against finite differences
    before it is timed (a disagreement exits non-zero)."""
    assert not os.path.exists(os.path.join(ROOT, "benchmarks", "bench_core.py"))
    proc = subprocess.run([sys.executable, RUN, "--quick", "--only", "mlp64,transform"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| (a) 64-wide MLP |" in proc.stdout
    assert "(g) transform time" in proc.stdout
    assert "WRONG" not in proc.stdout


def test_every_benchmark_script_imports():
    """Each script in benchmarks/ loads (its imports resolve) without running
    its measurements: a script left importing a removed module fails here."""
    import runpy
    folder = os.path.join(ROOT, "benchmarks")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            sys.path.insert(0, folder)
            try:
                runpy.run_path(os.path.join(folder, name), run_name="benchmarks_smoke")
            finally:
                sys.path.remove(folder)
