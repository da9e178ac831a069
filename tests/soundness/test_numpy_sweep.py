"""The soundness sweep (issue 9): each public callable of NumPy, ``numpy.linalg``,
``numpy.fft``, the ndarray members, ``math`` and the builtins, called on a value that
depends on the differentiated argument, in the compiler, the tape and ``auto``
(soundness_sweep.py says how, and what right / loud / crash / wrong / skip mean).

A callable fails its test on a *wrong* number or an internal *crash* in an engine,
unless ``(callable, engine)`` is listed in :data:`KNOWN` below with what happens. Each
listed entry is also a strict xfail (``test_known_failure_still_fails``): when a fix
lands it XPASSes, the run fails, and the entry must be removed -- so the table stays
honest.

Default run: :data:`soundness_sweep.DEFAULT_SUBSET` (about 70 callables). ``-m slow``:
every callable. ``python tests/soundness/report.py`` prints the counts.
"""

import sys
import types

import numpy as np
import pytest

import srcgrad
import soundness_sweep as sweep     # (pytest puts this directory on sys.path)

# ------------------------------------------------------------------ known failures
# (callable, engine) -> what happens: the kinds, the patterns (soundness_sweep.PATTERNS:
# "v,c" is np.F(a, C), "c,v" np.F(C, a), ...) and the first pattern's detail. Written
# by `python tests/soundness/report.py --known` on 2026-12-07 (after the sweep fixes:
# what is left is np.isscalar on the tape, a value, not a gradient: it does not
# dispatch -- docs/tape.md); remove an entry when its test_known_failure_still_fails
# XPASSes.
KNOWN = {
    ("numpy.isscalar", "tape"):
        "wrong (s): value -0.0, NumPy -0.9445598125807175",
}

# np.fft's rules follow the project's complex convention (PyTorch's, issue 12). A probe
# reduces a complex output as np.real(o * W) with a complex W, through np.multiply's
# rule: while that rule does not conjugate (g * x2, not g * conj(x2): the convention
# has not reached it yet) the transforms whose outputs are complex come out wrong. The
# entries disappear by themselves once it conjugates.
if srcgrad.rules.lookup(np.multiply).vjps[0](1.0, None, 1.0, 1j) == 1j:
    KNOWN.update({(name, engine): "wrong: np.multiply's rule does not conjugate yet"
                  for name in ("numpy.fft.fft", "numpy.fft.ifft", "numpy.fft.fftn",
                               "numpy.fft.ifftn", "numpy.fft.fft2", "numpy.fft.ifft2",
                               "numpy.fft.rfft", "numpy.fft.rfftn", "numpy.fft.rfft2",
                               "numpy.fft.ihfft")
                  for engine in sweep.ENGINES})


class _Summary:
    """Prints the counts of what this run swept, at the end of the run. (A plugin
    registered by the fixture below, not a conftest.py: a second conftest module next
    to tests/differential's, which that directory imports by name, collides with it
    under --doctest-modules.)"""

    def pytest_terminal_summary(self, terminalreporter):
        if not sweep.RESULTS:
            return
        tr = terminalreporter
        tr.section("soundness sweep")
        tr.write_line("%d callables; per (callable, pattern, engine):" % len(sweep.RESULTS))
        for line in sweep.format_table(sweep.counts(sweep.RESULTS)).splitlines():
            tr.write_line(line)
        tr.write_line("per callable (worst outcome over the patterns):")
        table = sweep.per_callable(sweep.RESULTS)
        for line in sweep.format_table(table, ("tried", "right", "loud", "crash", "wrong",
                                               "skip")).splitlines():
            tr.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def _print_counts(request):
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("soundness-sweep-summary"):
        plugins.register(_Summary(), "soundness-sweep-summary")
    yield


PROBES = {p.qualname: p for p in sweep.callables()}
SUBSET = [n for n in sweep.DEFAULT_SUBSET if n in PROBES]
REST = [n for n in PROBES if n not in set(SUBSET)]


def _results(name):
    res = sweep.RESULTS.get(name)
    if res is None:
        res = sweep.RESULTS[name] = sweep.run_callable(PROBES[name])
    return res


def _bad(name, engines=sweep.ENGINES, unless_known=False):
    return ["%s %s %s: %s" % (kind, pattern, engine, detail)
            for (pattern, engine), (kind, detail) in sorted(_results(name).items())
            if engine in engines and kind in ("wrong", "crash") and
            not (unless_known and (name, engine) in KNOWN)]


def _check(name):
    bad = _bad(name, unless_known=True)
    assert not bad, "%s: a wrong gradient or an internal error not in KNOWN:\n  %s" % (
        name, "\n  ".join(bad))


def test_subset_is_swept():
    """The default subset names real callables (a typo would silently sweep less)."""
    assert set(sweep.DEFAULT_SUBSET) <= set(PROBES)
    assert len(PROBES) > 600


@pytest.mark.parametrize("name", SUBSET)
def test_sweep(name):
    _check(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", REST)
def test_sweep_slow(name):
    _check(name)


def _known_params():
    out = []
    for (name, engine), what in sorted(KNOWN.items()):
        marks = [pytest.mark.xfail(strict=True, reason=what)]
        if name not in SUBSET:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(name, engine, id="%s-%s" % (name, engine), marks=marks))
    return out


@pytest.mark.parametrize("name,engine", _known_params())
def test_known_failure_still_fails(name, engine):
    """Passes (so XPASS: strict, the run fails) once ``(name, engine)`` gives no wrong
    number and no crash: remove its entry from KNOWN."""
    assert name in PROBES, "%s is no longer swept: remove it from KNOWN" % name
    assert not _bad(name, (engine,))


# ------------------------------------------------------------------ the harness itself

def _fixture_module():
    """A module ``_sweep_fixture`` with four primitives registered with srcgrad (the
    wrappers ``defvjp`` returns, so the tape uses the rules too): one with the right
    rule, one with a wrong rule, one declared non-differentiable though it is not, and
    one whose rule raises KeyError."""
    mod = types.ModuleType("_sweep_fixture")

    def good(x):
        return np.sin(x)

    def bad(x):
        return np.sin(x)

    def lying(x):
        return x * 2.0

    def crashing(x):
        return np.cos(x)

    def good_vjp(g, ans, x):
        return g * np.cos(x)

    def bad_vjp(g, ans, x):
        return g * np.sin(x)

    def crashing_vjp(g, ans, x):
        return {}["missing"]

    for fn in (good, bad, lying, crashing):
        fn.__module__ = mod.__name__
    mod.good = srcgrad.defvjp(good, good_vjp)
    mod.bad = srcgrad.defvjp(bad, bad_vjp)
    srcgrad.defnondiff(lying)
    mod.lying = lying
    mod.crashing = srcgrad.defvjp(crashing, crashing_vjp)
    sys.modules[mod.__name__] = mod
    np._sweep_fixture = mod     # the probe module reaches it as np._sweep_fixture.NAME
    return mod


@pytest.fixture(scope="module")
def fixture_module():
    mod = _fixture_module()
    yield mod
    del np._sweep_fixture
    sys.modules.pop(mod.__name__, None)


@pytest.mark.parametrize("name,want", [("good", "right"), ("bad", "wrong"),
                                       ("lying", "wrong"), ("crashing", "crash")])
def test_harness_classifies(fixture_module, name, want):
    """The classifier is not vacuous: a right rule is right, a wrong rule and a false
    non-differentiable declaration are wrong, a rule raising KeyError is a crash.
    (The tape ignores ``defnondiff`` on a Python function and runs its body: right.)"""
    probe = sweep.Probe("fixture." + name, "np._sweep_fixture." + name)
    res = sweep.classify(probe, "v")
    tape = "right" if name == "lying" else want
    assert {e: k for e, (k, _) in res.items()} == {"compile": want, "auto": want,
                                                   "tape": tape}, res


def test_harness_skips_what_numpy_refuses():
    probe = sweep.Probe("numpy.linalg.inv", "np.linalg.inv")
    res = sweep.classify(probe, "v")      # inv of a vector: NumPy raises
    assert all(k == "skip" and "numpy raises" in d for k, d in res.values())


def test_harness_sees_in_place_effects():
    """An in-place method is checked through its effect on its receiver: NumPy's
    ``ndarray.fill`` makes the result independent of ``x`` (finite differences are
    zero); an engine must not answer with the gradient of the receiver's old value."""
    source, x = sweep.make_source(PROBES["ndarray.fill"], "v,1")
    assert "a0.fill(a1)" in source and "np.sum(a0 * WA0)" in source
