"""``python -m srcgrad``: run as a user would, in a subprocess."""

import importlib.util
import os
import re
import subprocess
import sys
import textwrap

import pytest

import srcgrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICKSTART = os.path.join(ROOT, "examples", "quickstart.py")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cli(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "srcgrad"] + list(args), cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env)


def load(path, name):
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)      # the model file's sibling imports, as the CLI does
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
        sys.modules.pop("helpers", None)
    return module


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import srcgrad
        from helpers import scale

        def energy(x, y):
            z = np.sin(x) * y
            return np.sum(z ** 2) * scale

        class Model:
            @staticmethod
            def loss(w, x):
                return np.mean((x @ w) ** 2)

        @srcgrad.grad(wrt=1)
        def second(a, b):
            return a * np.exp(b)

        def looping(x):
            global counter
            return x

        WIDTH = 3

        if __name__ == "__main__":
            raise SystemExit("the __main__ block must not run")
        """))
    (tmp_path / "helpers.py").write_text("scale = 0.5\n")
    return path


def test_help():
    proc = cli("--help")
    assert proc.returncode == 0
    assert "show" in proc.stdout and "explain" in proc.stdout
    assert "FILE.py[:FUNC]" in cli("show", "--help").stdout
    assert "--mode {compile,auto,tape}" in cli("explain", "--help").stdout


def test_no_command_is_a_usage_error():
    proc = cli()
    assert proc.returncode != 0 and "usage:" in proc.stderr


def test_show_prints_the_same_code_as_source():
    proc = cli("show", "examples/quickstart.py:loss", "--wrt", "W1,b1,W2,b2")
    assert proc.returncode == 0, proc.stderr
    module = load(QUICKSTART, "quickstart_for_cli_test")
    expected = srcgrad.source(srcgrad.grad(module.loss, wrt=(0, 1, 2, 3)))
    assert proc.stdout == expected
    assert "\x1b[" not in proc.stdout          # not a terminal: no colours


def test_commands_shown_in_readme_work():
    with open(os.path.join(ROOT, "README.md")) as fh:
        commands = [line.split() for line in fh if line.startswith("python -m srcgrad ")]
    assert commands
    for words in commands:
        proc = cli(*words[3:])
        assert proc.returncode == 0, (words, proc.stderr)
        assert proc.stdout.startswith("def ")


def test_wrt_by_position_and_by_name_agree(model_file):
    by_pos = cli("show", "%s:energy" % model_file, "--wrt", "0,1")
    by_name = cli("show", "%s:energy" % model_file, "--wrt", "x,y")
    assert by_pos.returncode == 0, by_pos.stderr
    assert by_pos.stdout == by_name.stdout
    assert "bx" in by_pos.stdout and "by" in by_pos.stdout
    only_x = cli("show", "%s:energy" % model_file)
    assert only_x.returncode == 0 and "return bx," in only_x.stdout


def test_dotted_names_and_sibling_imports(model_file):
    proc = cli("show", "%s:Model.loss" % model_file, cwd=str(model_file.parent.parent))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("def loss_grad(w, x):")   # the fused form grad runs


def test_function_already_wrapped_in_grad_keeps_its_wrt(model_file):
    proc = cli("show", "%s:second" % model_file)
    assert proc.returncode == 0, proc.stderr
    assert "return bb," in proc.stdout
    proc = cli("show", "%s:second" % model_file, "--wrt", "a")
    assert "return ba," in proc.stdout


def test_generated_code_printed_is_correct(model_file):
    """The printed code, run, gives the hand-derived gradient."""
    proc = cli("show", "%s:energy" % model_file, "--wrt", "0,1")
    assert proc.returncode == 0, proc.stderr
    import numpy as np
    from srcgrad import runtime
    namespace = {"np": np, "scale": 0.5, "_rt": runtime}
    exec(proc.stdout, namespace)
    fn = namespace["energy_grad"]   # grad's fused form: forward and adjoint in one function
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    bx, by = fn(x, y)
    z = np.sin(x) * y
    assert np.allclose(bx, z * np.cos(x) * y)      # d/dx of 0.5 * sum((sin(x) y)^2)
    assert np.allclose(by, z * np.sin(x))


@pytest.mark.parametrize("args, message", [
    (["show", "no/such/file.py:f"], "no such file: no/such/file.py"),
    (["show", "examples/quickstart.py:nope"], "no function 'nope'"),
    (["explain", "examples/quickstart.py"], "expected FILE.py:FUNC"),
    (["show", "examples/quickstart.py:loss", "--jvp", "--export", "x.py"], "does not take --jvp"),
    (["show", "examples/quickstart.py", "--export", "x.py"], "--export needs one function"),
    (["show", "examples/quickstart.py:loss", "--wrt", "zz"], "no parameter named 'zz'"),
    (["show", "examples/quickstart.py:loss", "--wrt", "9"], "out of range"),
    (["show", "examples/quickstart.py:PARAMS"], "not a function"),
])
def test_user_errors_are_one_clear_message(args, message):
    proc = cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr, proc.stderr
    assert proc.stderr.startswith("srcgrad: error: ") and len(proc.stderr.splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_function_lists_what_the_file_defines():
    proc = cli("show", "examples/quickstart.py:nope")
    assert "loss" in proc.stderr and "predict" in proc.stderr


def test_compile_errors_name_the_file_and_line_without_a_traceback(model_file):
    for command in ("show", "explain"):
        proc = cli(command, "%s:looping" % model_file, "--mode", "compile")
        assert proc.returncode == 2
        assert proc.stderr.startswith("srcgrad: error: %s:19: " % model_file)
        assert "'global' statements are not supported" in proc.stderr
        assert "(hint: " in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.splitlines()) == 1


def test_import_errors_in_the_file_are_reported(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\nraise RuntimeError('boom')\n")
    proc = cli("show", "%s:f" % bad)
    assert proc.returncode == 2
    assert proc.stderr == "srcgrad: error: %s:2: importing %s raised RuntimeError: boom\n" % (
        bad, bad)


def test_color_always_highlights_and_never_does_not():
    pytest.importorskip("pygments")
    coloured = cli("show", "examples/quickstart.py:loss", "--color", "always")
    assert coloured.returncode == 0 and ANSI.search(coloured.stdout)
    assert ANSI.sub("", coloured.stdout) == cli("show", "examples/quickstart.py:loss").stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_terminal_output_is_highlighted():
    pytest.importorskip("pygments")
    import pty
    main, child = pty.openpty()
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "srcgrad", "show",
                             "examples/quickstart.py:loss"], cwd=ROOT, stdout=child,
                            stderr=subprocess.PIPE, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(main)
    assert proc.returncode == 0
    assert ANSI.search(b"".join(chunks).decode())


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "srcgrad")
    if not os.path.exists(script):
        pytest.skip("the srcgrad console script is not installed next to this python")
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "show" in proc.stdout


# ------------------------------------------------------------ --mode, --jvp, --export, explain

def test_mode_auto_and_tape_say_where_the_code_runs(model_file):
    proc = cli("show", "%s:looping" % model_file, "--mode", "auto")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# looping runs on the tape (%s:19: 'global' statements" %
                                  model_file)
    proc = cli("show", "%s:energy" % model_file, "--mode", "tape")
    assert proc.returncode == 0 and proc.stdout == \
        '# energy runs on the tape (mode="tape"): no generated code\n'
    compiled = cli("show", "%s:energy" % model_file, "--mode", "auto")
    assert compiled.stdout == cli("show", "%s:energy" % model_file).stdout
    assert cli("show", "x.py:f", "--mode", "fast").returncode == 2      # argparse's choices


def test_jvp_prints_forward_code_that_is_correct(model_file):
    """The printed JVP, run, gives the hand-derived directional derivative."""
    proc = cli("show", "%s:energy" % model_file, "--jvp", "--wrt", "0,1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("def energy_jvp(x, y, dx, dy):")
    assert proc.stdout == srcgrad.source(load(str(model_file), "model_for_jvp").energy,
                                         wrt=(0, 1), transform="jvp")
    import numpy as np
    from srcgrad import runtime
    namespace = {"np": np, "scale": 0.5, "_rt": runtime}
    exec(proc.stdout, namespace)
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    dx, dy = np.array([1.0, -0.5]), np.array([0.25, 2.0])
    value, tangent = namespace["energy_jvp"](x, y, dx, dy)
    z = np.sin(x) * y
    assert np.isclose(value, 0.5 * np.sum(z ** 2))
    assert np.isclose(tangent, np.sum(z * (np.cos(x) * y * dx + np.sin(x) * dy)))
    tape = cli("show", "%s:looping" % model_file, "--jvp", "--mode", "auto")
    assert tape.returncode == 0 and tape.stdout.startswith("# looping runs on the tape")


def test_export_writes_a_module_that_runs_without_srcgrad(model_file, tmp_path):
    out = tmp_path / "exported" / "energy_grad.py"
    out.parent.mkdir()
    proc = cli("show", "%s:Model.loss" % model_file, "--export", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "wrote %s (the gradient of Model.loss)\n" % out
    check = ("import sys, numpy as np\n"
             "sys.modules['srcgrad'] = None   # the exported module must not need srcgrad\n"
             "import energy_grad as m\n"
             "w, x = np.array([0.5, -1.0]), np.array([[1.0, 2.0], [0.5, -0.3], [2.0, 1.0]])\n"
             "value, g = m.loss_grad(w, x)\n"
             "r = x @ w\n"
             "print(np.isclose(value, np.mean(r ** 2)), np.allclose(g, 2 * x.T @ r / 3))\n")
    ran = subprocess.run([sys.executable, "-c", check], cwd=str(out.parent), capture_output=True,
                         text=True, timeout=60)
    assert ran.stdout == "True True\n", ran.stderr
    refused = cli("show", "%s:energy" % model_file, "--mode", "tape", "--export", str(out))
    assert refused.returncode == 2 and "no generated code to export" in refused.stderr


def test_explain_prints_what_srcgrad_explain_says(model_file):
    module = load(str(model_file), "model_for_explain")
    proc = cli("explain", "%s:energy" % model_file, "--wrt", "x,y")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "%s\n" % srcgrad.explain(module.energy, wrt=("x", "y"))
    assert proc.stdout.startswith("compiled")
    proc = cli("explain", "%s:looping" % model_file)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "runs on the tape: %s:19: 'global' statements are not supported: " \
        "a differentiated function must not rebind module globals\n" % model_file


# ------------------------------------------------------------ show on a whole file

def test_show_a_whole_file_lists_every_public_function(model_file):
    proc = cli("show", str(model_file), "--mode", "compile", cwd=str(model_file.parent))
    assert proc.returncode == 0, proc.stderr
    heads = [line for line in proc.stdout.splitlines() if line and not line.startswith(" ")]
    assert heads == ["def energy_grad(x, y):", "def second_grad(a, b):",
                     "# looping: not shown: %s:19: 'global' statements are not supported: a "
                     "differentiated function must not rebind module globals (hint: return "
                     "the value instead)" % model_file]
    assert "return bb," in proc.stdout        # second keeps its own wrt=1
    assert proc.stderr == "srcgrad: 1 of 3 functions in %s not shown (see the comments)\n" \
        % model_file                          # no progress bar: stderr is not a terminal
    auto = cli("show", str(model_file), "--mode", "auto")
    assert auto.returncode == 0 and auto.stderr == ""
    assert "# looping runs on the tape" in auto.stdout


def test_show_a_file_without_functions(tmp_path):
    empty = tmp_path / "consts.py"
    empty.write_text("import numpy as np\nfrom numpy import sin\nA = 1\n")
    proc = cli("show", str(empty))
    assert proc.returncode == 2
    assert proc.stderr == "srcgrad: error: %s defines no public function\n" % empty


def test_progress_bar_only_on_a_terminal():
    pytest.importorskip("tqdm")
    import io
    from srcgrad.progress import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    term = Terminal()
    assert list(progress(["a", "b"], "srcgrad show", label=str, stream=term)) == ["a", "b"]
    assert "srcgrad show" in term.getvalue() and "/2 [" in term.getvalue()
    plain = io.StringIO()
    assert list(progress(["a", "b"], "srcgrad show", stream=plain)) == ["a", "b"]
    assert plain.getvalue() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_show_a_whole_file_draws_a_bar_on_a_terminal(model_file):
    pytest.importorskip("tqdm")
    import fcntl
    import pty
    import struct
    import termios
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))   # 100 columns
    env = dict(os.environ)
    env.pop("NO_PROGRESS", None)
    proc = subprocess.Popen([sys.executable, "-m", "srcgrad", "show", str(model_file),
                             "--mode", "auto"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out = proc.communicate(timeout=120)[0].decode()
    os.close(main)
    assert proc.returncode == 0
    assert "srcgrad show" in b"".join(chunks).decode()     # the bar, on stderr
    assert "srcgrad show" not in out and out.startswith("def energy_grad(x, y):")
