"""Process-level checks on the outside probe set (issue 9, "done when"): the programs of
``probes_*.py`` compiled from several threads at once, exported, edited after import
(stale source) and collected.  Each check compares with finite differences (the same
oracle as test_probes.py) or asserts a refusal naming the user's file.
"""

import gc
import importlib.util
import itertools
import os
import shutil
import sys
import threading
import weakref

import numpy as np
import pytest

import srcgrad
from srcgrad.export import ExportError
from probes import PROBES
from test_probes import classify, _fd, _close, _leaves, _copy

HERE = os.path.dirname(os.path.abspath(__file__))
_COUNTER = itertools.count()

# the probes whose argument is one float array or float (what export and threads take)
SIMPLE = [(name, fn, args) for name, fn, args in PROBES
          if isinstance(args[0], (float, np.ndarray))]


def _fresh_copy(tmp_path, module):
    """A new import of ``tests/soundness/<module>.py`` from a copy under a new name: new
    function objects, never compiled before."""
    tag = "%s_copy%d" % (module, next(_COUNTER))
    path = tmp_path / (tag + ".py")
    shutil.copy(os.path.join(HERE, module + ".py"), str(path))
    return _import(path, tag), path


def _probes_of(mod):
    """``(name, function of mod, args)`` for the table's probes defined in ``mod``."""
    base = os.path.basename(mod.__file__).split("_copy")[0]
    return [(name, getattr(mod, fn.__name__), args) for name, fn, args in SIMPLE
            if os.path.basename(fn.__code__.co_filename) == base + ".py"]


def _right(got, fn, args):
    """``got`` matches finite differences (a coarser step and tolerance for float32
    arithmetic inside, as test_probes.classify does)."""
    got = [np.asarray(g, dtype=float) for g in _leaves(got)]
    if len(got) > 1 and all(g.ndim == 0 for g in got):
        got = [np.array(got)]       # a list of numbers for one array
    if _close(got, _fd(fn, args, 1e-6)):
        return True
    return all(np.allclose(g, w, rtol=1e-2, atol=1e-3)
               for g, w in zip(got, _fd(fn, args, 1e-3)))


def _import(path, name):
    """Import ``path`` as module ``name``, importable by that name (exported code
    imports the user's module) until the test ends."""
    spec = importlib.util.spec_from_file_location(name, str(path))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    _IMPORTED.append(name)
    spec.loader.exec_module(mod)
    return mod


_IMPORTED = []


@pytest.fixture(autouse=True)
def _forget_imports(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    while _IMPORTED:
        sys.modules.pop(_IMPORTED.pop(), None)


# ------------------------------------------------------------------ export

@pytest.mark.parametrize("module", ["probes_models", "probes_python", "probes_numpy",
                                    "probes_more"])
def test_exported_probes_give_the_gradient_or_refuse(tmp_path, module):
    """Every probe the compiler accepts is exported; the exported module, imported on
    its own, gives the value and the finite-difference gradient, or export refuses
    (ExportError, or the compiler's located refusal of the kind-generic code)."""
    mod, _ = _fresh_copy(tmp_path, module)
    exported = refused = 0
    for name, fn, args in _probes_of(mod):
        g = srcgrad.value_and_grad(fn, mode="compile")
        try:
            g(*_copy(args))
        except Exception:       # refused by the compiler: classified in test_probes
            continue
        out = tmp_path / ("%s_grad%d.py" % (name, next(_COUNTER)))
        try:
            srcgrad.export(g, str(out))
        except ExportError as e:
            assert str(e), name       # a refusal that says what it cannot write
            refused += 1
            continue
        except SyntaxError as e:
            # export writes the kind-generic code: the compiler may refuse for unknown
            # kinds what it compiled for these arguments (a = x[0]; a += 1): located
            assert os.path.basename(fn.__code__.co_filename).split("_copy")[0] in str(e) \
                or mod.__name__ in str(e), (name, str(e))
            refused += 1
            continue
        emod = _import(out, out.stem)
        with np.errstate(all="ignore"):
            value, grad = getattr(emod, fn.__name__ + "_grad")(*_copy(args))
            want = fn(*_copy(args))
        assert np.isclose(float(value), float(want), rtol=1e-5), (name, value, want)
        assert _right(grad, fn, args), (name, grad)
        assert type(grad) is type(args[0]), (name, type(grad))
        exported += 1
    assert exported >= 10, (exported, refused)


# ------------------------------------------------------------------ threads

@pytest.mark.parametrize("mode", ["auto", "compile"])
def test_probes_compiled_from_four_threads_at_once(tmp_path, mode):
    """The first compiles of a fresh module's probes race in four threads; every thread
    gets the single-threaded outcome (the same gradient, or the same refusal), and no
    race leaves a function on the tape for good."""
    mod, _ = _fresh_copy(tmp_path, "probes_models")
    cases = _probes_of(mod)
    start = threading.Barrier(4)
    results = [dict() for _ in range(4)]

    def work(k):
        start.wait()
        order = cases[k:] + cases[:k]
        for name, fn, args in order:
            try:
                with np.errstate(all="ignore"):
                    results[k][name] = ("ok", srcgrad.value_and_grad(fn, mode=mode)(
                        *_copy(args))[1])
            except Exception as e:
                results[k][name] = ("error", type(e).__name__)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, fn, args in cases:
        kind, detail = classify(name, fn, args, mode)
        assert kind in ("right", "loud"), (name, kind, detail)
        for k in range(4):
            got = results[k][name]
            if kind == "right":
                assert got[0] == "ok" and _right(got[1], fn, args), (name, k, got)
            else:
                assert got[0] == "error", (name, k, got)
        if mode == "auto":
            fresh, _ = _fresh_copy(tmp_path, "probes_models")
            single = srcgrad.explain(getattr(fresh, fn.__name__), *_copy(args)).engine
            assert srcgrad.explain(fn, *_copy(args)).engine == single, name


# ------------------------------------------------------------------ stale source

def test_probes_edited_after_import_are_refused_or_right(tmp_path):
    """The file is edited after import (a constant changed in every function): the code
    that runs is the old one.  compile: the right gradient of the running code, or a
    refusal naming the file; auto: the right gradient."""
    mod, path = _fresh_copy(tmp_path, "probes_models")
    text = path.read_text()
    path.write_text(text.replace("0.5", "0.25").replace("0.1", "0.3"))
    importlib.invalidate_caches()
    import linecache
    linecache.checkcache(str(path))
    stale = 0
    for name, fn, args in _probes_of(mod):
        try:
            with np.errstate(all="ignore"):
                got = srcgrad.value_and_grad(fn, mode="compile")(*_copy(args))[1]
        except (SyntaxError, NotImplementedError, TypeError, ValueError) as e:
            assert path.name in str(e), (name, str(e))
            stale += 1
        else:
            assert _right(got, fn, args), (name, "compile", got)
        with np.errstate(all="ignore"):
            got = srcgrad.value_and_grad(fn, mode="auto")(*_copy(args))[1]
        assert _right(got, fn, args), (name, "auto", got)
    assert stale >= 5


# ------------------------------------------------------------------ collection

# (the compile cache once kept module-level functions alive: a weak-keyed table whose
# values reach their keys through the module's globals; see pipeline._FunctionCache)


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_probe_functions_are_collected_after_their_gradients_ran(tmp_path, mode):
    """Gradients of a fresh module's probes, then the module is dropped: no function
    object survives (the caches hold them weakly)."""
    mod, _ = _fresh_copy(tmp_path, "probes_numpy")
    refs = []
    for name, fn, args in _probes_of(mod):
        g = srcgrad.value_and_grad(fn, mode=mode)
        try:
            with np.errstate(all="ignore"):
                g(*_copy(args))
        except Exception:
            pass
        refs.append((name, weakref.ref(fn)))
    sys.modules.pop(mod.__name__)
    del mod, fn, g, name, args
    gc.collect()
    alive = [name for name, r in refs if r() is not None]
    assert not alive, alive
