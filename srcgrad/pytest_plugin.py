"""srcgrad's pytest plugin: a ``gradcheck`` fixture and ``assert_source``
snapshots of generated code (docs/testing.md).

Installed with srcgrad, it is registered through the ``pytest11`` entry point
in pyproject.toml (``srcgrad = "srcgrad.pytest_plugin"``), so any pytest run
in an environment with srcgrad has it; without the entry point (a source
checkout on ``sys.path``) load it with ``pytest -p srcgrad.pytest_plugin`` or
``pytest_plugins = ["srcgrad.pytest_plugin"]`` in a ``conftest.py``.

It stays inert until a test asks for one of its fixtures: it adds one
command-line option (``--srcgrad-update``) and two fixtures, and imports
nothing of srcgrad's beyond what loading ``srcgrad.pytest_plugin`` itself
imports (the package's ``__init__``); the compiler and the checks are
imported when a fixture is first used.

* ``gradcheck(f, *args, **options)`` checks ``f``'s derivatives at ``args``
  against central finite differences in both engines (compiled and tape),
  reverse and forward mode: :func:`srcgrad.testing.check_grads` with its
  options (``order=2``, ``modes=``, ``engines=``, ``wrt=``, ``rtol=``...).
* ``assert_source(transformed, name, **source_options)`` compares
  ``srcgrad.source(transformed, **source_options)`` (or ``transformed``
  itself when it is a string) with the snapshot
  ``__snapshots__/<test file>/<name>.txt`` next to the test file.  A missing
  or different snapshot fails the test, with a diff and the advice to run
  ``pytest --srcgrad-update``, which writes the snapshots instead (and lists
  the files written at the end of the run).
"""

import difflib
import os
import re

import pytest

__all__ = ["pytest_addoption", "gradcheck", "assert_source"]

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_WRITTEN = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("srcgrad")
    group.addoption("--srcgrad-update", action="store_true", default=False,
                    help="srcgrad: write the assert_source snapshots (__snapshots__/) "
                         "instead of comparing with them")


def pytest_configure(config):
    config.stash[_WRITTEN] = []


@pytest.fixture
def gradcheck():
    """``gradcheck(f, *args, **options)``: ``f``'s derivatives at ``args``
    against finite differences, in both engines and both modes
    (:func:`srcgrad.testing.check_grads`); an ``AssertionError`` names the
    argument, the order, the mode, the engine and the error."""
    from srcgrad.testing import check_grads

    def gradcheck(f, *args, **options):
        __tracebackhide__ = True
        check_grads(f, args, **options)
    return gradcheck


@pytest.fixture
def assert_source(request):
    """``assert_source(transformed, name, **source_options)``: the generated
    code of ``transformed`` (``grad(f)`` after a call, ``value_and_grad(f)``,
    or a function with ``wrt=``/``transform="jvp"`` -- what
    :func:`srcgrad.source` takes), or a string, equals the snapshot
    ``__snapshots__/<test file>/<name>.txt``; ``--srcgrad-update`` writes it."""
    update = request.config.getoption("srcgrad_update")
    folder = os.path.join(os.path.dirname(str(request.path)), "__snapshots__",
                          request.path.stem)
    written = request.config.stash[_WRITTEN]

    def assert_source(transformed, name, **source_options):
        __tracebackhide__ = True
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError("assert_source: the snapshot name must be a plain file name "
                             "(letters, digits, '_', '.', '-'), got %r" % (name,))
        if isinstance(transformed, str):
            text = transformed
        else:
            import srcgrad
            text = srcgrad.source(transformed, **source_options)
        path = os.path.join(folder, name + ".txt")
        shown = os.path.relpath(path)
        old = _read(path)
        if update:
            if old != text:
                os.makedirs(folder, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                written.append(shown)
            return
        if old is None:
            pytest.fail("assert_source: no snapshot %s for %r; run pytest with "
                        "--srcgrad-update to write it (then review and commit it)"
                        % (shown, name), pytrace=False)
        if old != text:
            diff = "".join(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True),
                "%s (snapshot)" % shown, "%s (generated now)" % name))
            pytest.fail("assert_source: the generated code differs from the snapshot %s:\n"
                        "%s\nIf the change is intended, run pytest with --srcgrad-update "
                        "and review the diff." % (shown, diff), pytrace=False)
    return assert_source


def pytest_terminal_summary(terminalreporter, config):
    written = config.stash.get(_WRITTEN, [])
    if written:
        terminalreporter.write_sep("-", "srcgrad: %d snapshot%s written" % (
            len(written), "" if len(written) == 1 else "s"))
        for path in written:
            terminalreporter.write_line(path)


def _read(path):
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
