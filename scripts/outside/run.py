"""The outside measurement: HIPS autograd's examples and test suite on srcgrad.

    python scripts/outside/run.py                      # mode compile, everything
    python scripts/outside/run.py --mode auto --out outside-auto.md
    python scripts/outside/run.py --only examples --examples neural_net,rnn
    python scripts/outside/run.py --only suite --tests test_numpy.py
    python scripts/outside/run.py --from-records ~/.cache/srcgrad/outside/records-compile.jsonl

Downloads autograd's sdist into ``--dir`` (default ~/.cache/srcgrad/outside),
runs each example in a subprocess (``--timeout`` seconds each) and the test
suite under pytest, with the shim ``autograd`` package (``shim/``) first on
``sys.path``; writes JSON lines to ``--records`` (default in ``--dir``) and a
markdown summary to stdout (and ``--out``).  See docs/outside.md for the method.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import fetch  # noqa: E402
import summary  # noqa: E402

SHIM = os.path.join(HERE, "shim")
MPLSTUB = os.path.join(HERE, "mplstub")
NOT_PROGRAMS = {"__init__.py", "data.py", "data_mnist.py"}


def _env(mode, role, record):
    env = dict(os.environ)
    path = [SHIM]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        path.append(MPLSTUB)
    path.append(ROOT)
    env["PYTHONPATH"] = os.pathsep.join(path + [p for p in [env.get("PYTHONPATH")] if p])
    env.update(SRCGRAD_OUTSIDE_MODE=mode, SRCGRAD_OUTSIDE_ROLE=role,
               SRCGRAD_OUTSIDE_RECORD=record, MPLBACKEND="Agg", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def example_programs(src):
    ex = os.path.join(src, "examples")
    files = sorted(glob.glob(os.path.join(ex, "*.py")) + glob.glob(os.path.join(ex, "*", "*.py")))
    return [f for f in files if os.path.basename(f) not in NOT_PROGRAMS]


def run_examples(src, mode, records, timeout, only=None, log=sys.stderr):
    results = []
    for path in example_programs(src):
        name = os.path.relpath(path, os.path.join(src, "examples"))[:-3]
        if only and name not in only and os.path.basename(name) not in only:
            continue
        rec_file = _tempfile("outside-")
        scratch = tempfile.mkdtemp(prefix="outside-example-")
        t0 = time.time()
        try:
            proc = subprocess.run([sys.executable, os.path.join(SHIM, "_outside_boot.py"), path],
                                  cwd=scratch, env=_env(mode, "example", rec_file),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=timeout)
            output, timed_out = proc.stdout.decode(errors="replace"), False
        except subprocess.TimeoutExpired as err:
            output, timed_out = (err.stdout or b"").decode(errors="replace"), True
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        recs = _read(rec_file)
        if os.path.exists(rec_file):
            os.remove(rec_file)
        res = summary.classify_example(name, recs, mode, timed_out, output)
        res["seconds"] = round(time.time() - t0, 1)
        results.append(res)
        records.write(json.dumps(dict(kind="example", mode=mode, **res), default=repr) + "\n")
        print("  %-34s %-16s %s" % (name, res["status"], res.get("detail", "")[:110]), file=log)
    return results


def run_suite(src, mode, records_path, timeout, tests=None, test_timeout=60):
    rec_file = _tempfile("outside-suite-")
    tdir = os.path.join(src, "tests")
    targets = [os.path.join(tdir, t) for t in tests] if tests else \
        sorted(glob.glob(os.path.join(tdir, "test_*.py")))
    env = _env(mode, "suite", rec_file)
    env["SRCGRAD_OUTSIDE_TEST_TIMEOUT"] = str(test_timeout)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
           "--rootdir", tdir, "-p", "_outside_plugin", "-W", "ignore", "--tb=no",
           # pytest's assert rewriting changes the code of test functions that assert,
           # and srcgrad then refuses them ("source changed since it was imported")
           "--assert=plain",
           "-o", "addopts="] + targets
    scratch = tempfile.mkdtemp(prefix="outside-suite-")
    try:
        proc = subprocess.run(cmd, cwd=scratch, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        tail = proc.stdout.decode(errors="replace").strip().splitlines()[-1:]
    except subprocess.TimeoutExpired:
        tail = ["the suite timed out after %d s" % timeout]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    recs = _read(rec_file)
    if os.path.exists(rec_file):
        os.remove(rec_file)
    with open(records_path, "a") as fh:
        for r in recs:
            fh.write(json.dumps(dict(mode=mode, **r), default=repr) + "\n")
    return recs, tail


def _tempfile(prefix):
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix=prefix)
    os.close(fd)
    return path


def _read(path):
    out = []
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("compile", "auto", "tape"), default="compile")
    p.add_argument("--dir", default=fetch.DEFAULT_DIR, help="cache dir for autograd's sdist")
    p.add_argument("--only", choices=("examples", "suite"), help="run one half only")
    p.add_argument("--examples", help="comma-separated example names (default: all)")
    p.add_argument("--tests", help="comma-separated test files (default: all test_*.py)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per example")
    p.add_argument("--test-timeout", type=int, default=60, help="seconds per test")
    p.add_argument("--suite-timeout", type=float, default=1800.0)
    p.add_argument("--records", help="JSON lines out (default: DIR/records-MODE.jsonl)")
    p.add_argument("--out", help="write the markdown summary here too")
    p.add_argument("--from-records", metavar="FILE",
                   help="only summarise an earlier run's JSON lines (no download, no run)")
    p.add_argument("--revision", help="with --from-records: the srcgrad revision measured")
    p.add_argument("--write-docs", action="store_true",
                   help="put the summary in docs/outside.md between its markers")
    args = p.parse_args(argv)

    if args.from_records:
        recs = _read(args.from_records)
        examples = [r for r in recs if r.get("kind") == "example"] or None
        suite = [r for r in recs if r.get("kind") in ("case", "test", "collect-error")] or None
        mode = next((r["mode"] for r in recs if "mode" in r), args.mode)
        _emit(args, summary.markdown(mode, examples, suite, None, None, args.revision))
        return 0
    src = fetch.source_dir(args.dir)
    args.records = args.records or os.path.join(args.dir, "records-%s.jsonl" % args.mode)
    open(args.records, "w").close()
    examples, suite, tail = None, None, None
    t0 = time.time()
    if args.only in (None, "examples"):
        print("examples (mode=%s):" % args.mode, file=sys.stderr)
        only = set(args.examples.split(",")) if args.examples else None
        with open(args.records, "a") as fh:
            examples = run_examples(src, args.mode, fh, args.timeout, only)
    if args.only in (None, "suite"):
        print("test suite (mode=%s) ..." % args.mode, file=sys.stderr)
        tests = args.tests.split(",") if args.tests else None
        suite, tail = run_suite(src, args.mode, args.records, args.suite_timeout, tests,
                                args.test_timeout)
    _emit(args, summary.markdown(args.mode, examples, suite, tail, time.time() - t0,
                                 _revision()))
    return 0


def _revision():
    """The srcgrad commit measured (``git describe`` of this checkout), if known."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
        return out.stdout.decode().strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _emit(args, text):
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    if args.write_docs:
        summary.write_docs(os.path.join(ROOT, "docs", "outside.md"), text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
