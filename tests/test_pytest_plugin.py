"""srcgrad's pytest plugin (srcgrad/pytest_plugin.py), run as a user runs it:
inner pytest sessions in temporary folders through pytester.  The plugin is
loaded with ``-p srcgrad.pytest_plugin`` unless srcgrad's ``pytest11`` entry
point is installed (then pytest loads it by itself, and loading it twice is
an error)."""

import ast
import os
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _entry_point_installed():
    from importlib.metadata import entry_points
    return any(ep.value == "srcgrad.pytest_plugin" for ep in entry_points(group="pytest11"))


PLUGIN = [] if _entry_point_installed() else ["-p", "srcgrad.pytest_plugin"]


def run(pytester, *args):
    return pytester.runpytest_subprocess(*PLUGIN, "-p", "no:randomly", "-p", "no:cacheprovider",
                                         *args)


@pytest.fixture
def pytester(pytester, monkeypatch):
    # the inner sessions import this checkout's srcgrad, not an installed one
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return pytester


GRADCHECK_TESTS = """
    import numpy as np
    import srcgrad

    def energy(x, y):
        return np.sum(np.sin(x) * y ** 2)

    @srcgrad.custom_vjp
    def bad_tanh(x):
        return np.tanh(x)

    bad_tanh.defvjp(lambda x: (np.tanh(x), x), lambda x, g: (g * (1 + np.tanh(x) ** 2),))

    def uses_bad_tanh(x):
        return np.sum(bad_tanh(x))

    def test_right(gradcheck):
        gradcheck(energy, np.array([0.3, 1.2]), 0.7)

    def test_right_to_second_order(gradcheck):
        gradcheck(energy, np.array([0.3, 1.2]), 0.7, order=2)

    def test_wrong(gradcheck):
        gradcheck(uses_bad_tanh, np.array([0.3, 1.2]))

    def test_wrong_on_the_tape_only(gradcheck):
        gradcheck(uses_bad_tanh, np.array([0.3, 1.2]), engines=("tape",), modes=("fwd",))
"""


def test_gradcheck_fixture_passes_and_fails(pytester):
    pytester.makepyfile(test_grads=GRADCHECK_TESTS)
    result = run(pytester, "-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "*test_right PASSED*", "*test_right_to_second_order PASSED*",
        "*check_grads(uses_bad_tanh): the reverse-mode (vjp) derivative of order 1 with "
        "respect to argument 0 (x) in engine 'compile' disagrees with finite differences: "
        "max error*",
        "*check_grads(uses_bad_tanh): the forward-mode (jvp) derivative of order 1 with "
        "respect to argument 0 (x) in engine 'tape' disagrees*",
    ])


SNAPSHOT_TESTS = """
    import numpy as np
    import srcgrad

    def loss(w, x):
        h = np.tanh(x @ w)
        return np.sum(h ** 2)

    def test_loss_gradient(assert_source):
        g = srcgrad.grad(loss)
        g(np.ones(2), np.ones((3, 2)))
        assert_source(g, "loss_grad")

    def test_loss_jvp(assert_source):
        assert_source(loss, "loss_jvp", transform="jvp")
"""


def test_missing_snapshot_fails_saying_how_to_write_it(pytester):
    pytester.makepyfile(test_snap=SNAPSHOT_TESTS)
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*assert_source: no snapshot __snapshots__?test_snap?loss_grad.txt for 'loss_grad'; "
        "run pytest with --srcgrad-update to write it*"])
    assert not (pytester.path / "__snapshots__").exists()


def test_update_writes_snapshots_then_they_pass(pytester):
    pytester.makepyfile(test_snap=SNAPSHOT_TESTS)
    result = run(pytester, "--srcgrad-update")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*srcgrad: 2 snapshots written*",
                                 "__snapshots__?test_snap?loss_grad.txt"])
    folder = pytester.path / "__snapshots__" / "test_snap"
    assert sorted(p.name for p in folder.iterdir()) == ["loss_grad.txt", "loss_jvp.txt"]
    text = (folder / "loss_grad.txt").read_text()
    assert text.startswith("def loss_grad(w, x):") and "# line 5: h = np.tanh(x @ w)" in text
    assert (folder / "loss_jvp.txt").read_text().startswith("def loss_jvp(w, x, dw):")
    run(pytester).assert_outcomes(passed=2)
    again = run(pytester, "--srcgrad-update")          # nothing changed: nothing written
    again.assert_outcomes(passed=2)
    assert "snapshots written" not in again.stdout.str()


def test_changed_code_fails_with_a_diff_and_update_rewrites(pytester):
    pytester.makepyfile(test_snap=SNAPSHOT_TESTS)
    run(pytester, "--srcgrad-update").assert_outcomes(passed=2)
    pytester.makepyfile(test_snap=SNAPSHOT_TESTS.replace("h ** 2", "h ** 3"))
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*assert_source: the generated code differs from the snapshot "
        "__snapshots__?test_snap?loss_grad.txt:*",
        "*(snapshot)", "*(generated now)",
        "*-    # line 6: return np.sum(h ** 2)*",
        "*+    # line 6: return np.sum(h ** 3)*",
        "*run pytest with --srcgrad-update and review the diff*"])
    run(pytester, "--srcgrad-update").assert_outcomes(passed=2)
    run(pytester).assert_outcomes(passed=2)
    assert "h ** 3" in (pytester.path / "__snapshots__" / "test_snap" /
                        "loss_grad.txt").read_text()


def test_snapshots_of_strings_and_bad_names(pytester):
    pytester.makepyfile(test_names="""
        import pytest

        def test_text(assert_source):
            assert_source("def f(x):\\n    return x\\n", "plain")

        @pytest.mark.parametrize("name", ["../up", "a/b", "", None])
        def test_bad_name(assert_source, name):
            with pytest.raises(ValueError, match="must be a plain file name"):
                assert_source("x", name)
    """)
    run(pytester, "--srcgrad-update").assert_outcomes(passed=5)
    assert (pytester.path / "__snapshots__" / "test_names" / "plain.txt").read_text() == \
        "def f(x):\n    return x\n"
    assert not (pytester.path / "up.txt").exists()


def test_option_is_in_help(pytester):
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["srcgrad:", "*--srcgrad-update*"])


def test_inert_when_unused(pytester):
    """A session that uses no fixture of the plugin: no srcgrad module beyond
    the package's own import is loaded by the plugin, and nothing is written."""
    pytester.makepyfile(test_plain="""
        import sys

        def test_plain():
            assert 1 + 1 == 2
    """)
    result = run(pytester, "-p", "no:warnings")   # a library's DeprecationWarning names its path
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "__snapshots__").exists()
    # pytest's header lists an installed plugin by name ("plugins: srcgrad-0.1.0"):
    # nothing else may mention srcgrad
    said = [line for line in result.stdout.lines if not line.startswith("plugins:")]
    assert not [line for line in said if "srcgrad" in line]


def test_plugin_imports_srcgrad_lazily():
    with open(os.path.join(ROOT, "srcgrad", "pytest_plugin.py")) as fh:
        tree = ast.parse(fh.read())
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names] + \
        [n.module for n in top if isinstance(n, ast.ImportFrom)]
    assert names and not any(name and name.startswith("srcgrad") for name in names), names


@pytest.mark.skipif(sys.version_info < (3, 11), reason="reads pyproject.toml with tomllib (3.11+)")
def test_entry_point_is_declared():
    import tomllib
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        project = tomllib.load(fh)["project"]
    assert project["entry-points"]["pytest11"] == {"srcgrad": "srcgrad.pytest_plugin"}


def test_the_example_of_docs_testing_md_runs_under_pytest(pytester):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from test_readme import parse_readme
    finally:
        sys.path.pop(0)
    with open(os.path.join(ROOT, "docs", "testing.md")) as fh:
        blocks = [b for b in parse_readme(fh.read()) if b.options.get("file") == "test_model.py"]
    assert len(blocks) == 1
    pytester.makepyfile(test_model=blocks[0].code)
    run(pytester).assert_outcomes(passed=1, failed=1)      # no snapshot yet
    run(pytester, "--srcgrad-update").assert_outcomes(passed=2)
    assert (pytester.path / "__snapshots__" / "test_model" / "loss_grad.txt").exists()
    run(pytester).assert_outcomes(passed=2)
