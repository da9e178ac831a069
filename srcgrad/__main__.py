"""Command line: ``python -m srcgrad show FILE.py[:FUNC] [--wrt 0,1] [--mode M]
[--jvp] [--export PATH]`` and ``python -m srcgrad explain FILE.py:FUNC``.

``show`` loads ``FILE.py`` as a module (its directory first on ``sys.path``,
so its own imports work; its ``if __name__ == "__main__":`` block does not
run), finds ``FUNC`` (a dotted path such as ``Model.loss`` reaches nested
attributes) and prints the code srcgrad generates for its gradient, exactly
what ``srcgrad.source(srcgrad.grad(FUNC, wrt=...))`` returns.  The code is
highlighted with pygments when stdout is a terminal and pygments is installed.
``--mode`` is grad's (``compile``, the default: a construct the compiler
cannot differentiate is an error; ``auto``: such code runs on the tape, and
the text says so; ``tape``); ``--jvp`` shows the forward-mode code
(``srcgrad.source(FUNC, transform="jvp")``); ``--export PATH`` writes the
exported gradient module (``srcgrad.export``) instead of printing.  Without
``:FUNC``, ``show`` prints the code of every public function the file defines,
in file order (a progress bar on stderr when it is a terminal and tqdm is
installed), and a function it cannot show is a comment saying why.

``explain`` prints what ``srcgrad.explain(FUNC)`` says: which engine runs the
gradient and why, and the engine of each call inside.

Every failure a user can cause (no such file, no such function, a function
the compiler rejects) prints one clear line on stderr -- the user's file and
line, what is wrong, the hint -- and exits with 2, argparse's code for usage
errors.
"""

import argparse
import importlib.util
import os
import sys
import traceback

__all__ = ["main"]

_EPILOG = """\
examples:
  python -m srcgrad show examples/quickstart.py:loss
  python -m srcgrad show model.py:Model.loss --wrt W1,b1
  python -m srcgrad show model.py:energy --wrt 0,2 --color never
  python -m srcgrad show model.py:energy --jvp
  python -m srcgrad show model.py:energy --mode auto --export energy_grad.py
  python -m srcgrad show model.py
  python -m srcgrad explain model.py:energy
"""

EXIT_ERROR = 2


class CLIError(Exception):
    """A user error: printed as ``srcgrad: error: <message>``, exit code 2."""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m srcgrad",
        description="srcgrad: automatic differentiation of Python + NumPy by source "
                    "transformation.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    show = sub.add_parser(
        "show", help="print the generated gradient code of a function",
        description="Print the code srcgrad generates for the gradient of FUNC in FILE.py "
                    "(the same text as srcgrad.source(srcgrad.grad(FUNC, wrt=...))).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    show.add_argument("target", metavar="FILE.py[:FUNC]",
                      help="a Python file and a function in it; FUNC may be dotted "
                           "(Class.method); without it, every public function of the file")
    _common(show)
    show.add_argument("--jvp", action="store_true",
                      help="show the forward-mode (JVP) code instead of the gradient's")
    show.add_argument("--export", default=None, metavar="PATH",
                      help="write the exported gradient module (srcgrad.export) to PATH "
                           "instead of printing the code")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="syntax highlighting: auto (when stdout is a terminal and "
                           "pygments is installed), always, or never")
    explain = sub.add_parser(
        "explain", help="say which engine differentiates a function, and why",
        description="Print what srcgrad.explain(FUNC) says: the engine that runs the "
                    "gradient of FUNC in FILE.py (compiler, tape or a rule), why, and the "
                    "engine of each call inside it.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    explain.add_argument("target", metavar="FILE.py:FUNC",
                         help="a Python file and a function in it; FUNC may be dotted")
    _common(explain, default_mode="auto")
    return parser


def _common(command, default_mode="compile"):
    command.add_argument("--wrt", default=None, metavar="ARGS",
                         help="comma-separated positions or parameter names to "
                              "differentiate (default: 0, or the wrt of a function already "
                              "wrapped in srcgrad.grad)")
    command.add_argument("--mode", choices=("compile", "auto", "tape"), default=default_mode,
                         help="grad's mode: compile (refusals are errors), auto (refused "
                              "code runs on the tape) or tape; default: %s" % default_mode)


def parse_wrt(text):
    """``"0,1"`` -> ``(0, 1)``, ``"x"`` -> ``"x"``, ``"2"`` -> ``2``.

    >>> parse_wrt("0,1"), parse_wrt("x"), parse_wrt("2"), parse_wrt("w, 1")
    ((0, 1), 'x', 2, ('w', 1))
    """
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise CLIError("--wrt needs at least one position or parameter name")
    out = []
    for item in items:
        if item.lstrip("-").isdigit():
            out.append(int(item))
        elif item.isidentifier():
            out.append(item)
        else:
            raise CLIError("--wrt: %r is neither a position nor a parameter name" % item)
    return out[0] if len(out) == 1 and "," not in text else tuple(out)


def split_target(target, allow_file=False):
    """``"path/to/file.py:Cls.fn"`` -> ``("path/to/file.py", "Cls.fn")``; with
    ``allow_file``, ``"file.py"`` -> ``("file.py", None)``.

    >>> split_target("a/b.py:f"), split_target("C:/x/m.py:Model.loss")
    (('a/b.py', 'f'), ('C:/x/m.py', 'Model.loss'))
    >>> split_target("a/b.py", allow_file=True)
    ('a/b.py', None)
    """
    path, sep, func = target.rpartition(":")
    if not sep and allow_file and target:
        return target, None
    if not sep or not path or not func:
        raise CLIError("expected FILE.py:FUNC, got %r (for example: "
                       "examples/quickstart.py:loss)" % target)
    return path, func


def load_file(path):
    """Import ``path`` as a module named after the file, with its directory on
    ``sys.path``; return the module."""
    if not os.path.isfile(path):
        raise CLIError("no such file: %s" % path)
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = os.path.splitext(os.path.basename(path))[0]
    if not name.isidentifier() or name in sys.modules:
        name = "_srcgrad_cli_" + "".join(c if c.isalnum() else "_" for c in name)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CLIError("cannot load %s as a Python module" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        raise CLIError("%s does not parse: %s" % (path, err)) from None
    except Exception as err:
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if os.path.abspath(f.filename) == path] or \
            traceback.extract_tb(err.__traceback__)[-1:]
        where = "%s:%d: " % (frames[-1].filename, frames[-1].lineno) if frames else ""
        raise CLIError("%simporting %s raised %s" % (
            where, path, _one_line(traceback.format_exception_only(type(err), err)[-1]))) \
            from None
    except SystemExit as err:
        raise CLIError("importing %s called sys.exit(%r); guard its script part with "
                       "'if __name__ == \"__main__\":'" % (path, err.code)) from None
    return module


def find_function(module, dotted, path):
    """``module.<dotted>``, with an error listing what the file does define."""
    obj = module
    walked = []
    for part in dotted.split("."):
        if not hasattr(obj, part):
            where = path if not walked else "%s in %s" % (".".join(walked), path)
            raise CLIError("no function %r in %s%s" % (
                part, where, _candidates(obj, module)))
        obj = getattr(obj, part)
        walked.append(part)
    if not callable(obj):
        raise CLIError("%s in %s is a %s, not a function" % (
            dotted, path, type(obj).__name__))
    return obj


def _candidates(obj, module):
    import inspect
    names = []
    for name, value in sorted(vars(obj).items()):
        if name.startswith("_"):
            continue
        wrapped = getattr(value, "fun", value)
        if inspect.isfunction(wrapped) or inspect.isclass(value):
            if getattr(wrapped, "__module__", None) == module.__name__:
                names.append(name)
    return " (it defines: %s)" % ", ".join(names) if names else ""


def _unwrapped(func, wrt):
    """``(function, wrt)``: a function already wrapped by ``srcgrad.grad``
    keeps its own ``wrt`` unless one is given."""
    from srcgrad.api import GradFunction
    if isinstance(func, GradFunction):
        if wrt is None:
            wrt = func.positions if not func.single else func.positions[0]
        func = func.fun
    return func, 0 if wrt is None else wrt


def generated_source(func, wrt, mode="compile", jvp=False):
    """The text ``srcgrad.source(srcgrad.grad(func, wrt=wrt, mode=mode))``, or
    with ``jvp`` the forward-mode code of ``func`` for ``wrt`` (in ``auto`` and
    ``tape`` mode a comment saying it runs on the tape when it does)."""
    import srcgrad
    func, wrt = _unwrapped(func, wrt)
    if jvp:
        from srcgrad.api import _positions
        from srcgrad.forward import compile_jvp_engine
        positions, _, _ = _positions(func, wrt)
        return compile_jvp_engine(func, positions, False, (), mode).source
    return srcgrad.source(srcgrad.grad(func, wrt=wrt, mode=mode))


def highlight(text, color, stream):
    """``text`` with terminal colours when asked (or when ``stream`` is a TTY
    and pygments is importable); plain otherwise."""
    if color == "never" or (color == "auto" and (
            os.environ.get("NO_COLOR") or not getattr(stream, "isatty", lambda: False)())):
        return text
    try:
        from pygments import highlight as _highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        if color == "always":
            print("srcgrad: note: pygments is not installed; printing plain text",
                  file=sys.stderr)
        return text
    return _highlight(text, PythonLexer(), TerminalFormatter())


def show(args):
    path, dotted = split_target(args.target, allow_file=True)
    wrt = parse_wrt(args.wrt) if args.wrt is not None else None
    if args.export and args.jvp:
        raise CLIError("--export writes the gradient module; it does not take --jvp")
    module = load_file(path)
    if dotted is None:
        if args.export:
            raise CLIError("--export needs one function: FILE.py:FUNC")
        return show_all(module, path, wrt, args)
    func = find_function(module, dotted, path)
    if args.export:
        import srcgrad
        func, wrt = _unwrapped(func, wrt)
        written = srcgrad.export(srcgrad.grad(func, wrt=wrt, mode=args.mode), args.export)
        print("wrote %s (the gradient of %s)" % (written, dotted))
        return 0
    text = generated_source(func, wrt, args.mode, args.jvp)
    sys.stdout.write(highlight(text, args.color, sys.stdout))
    return 0


def show_all(module, path, wrt, args):
    """Every public function of ``module``, in file order; one that cannot be
    shown (refused, no parameters) is a comment saying why."""
    from srcgrad.progress import progress
    functions = public_functions(module)
    if not functions:
        raise CLIError("%s defines no public function" % path)
    parts, refused = [], 0
    for name, func in progress(functions, "srcgrad show", label=lambda item: item[0]):
        try:
            text = generated_source(func, wrt, args.mode, args.jvp)
        except (SyntaxError, NotImplementedError, TypeError, ValueError) as err:
            refused += 1
            text = "# %s: not shown: %s\n" % (name, _one_line(err))
        parts.append(text)
    sys.stdout.write(highlight("\n\n".join(parts), args.color, sys.stdout))
    if refused:
        print("srcgrad: %d of %d functions in %s not shown (see the comments)" % (
            refused, len(functions), path), file=sys.stderr)
    return 0


def public_functions(module):
    """``[(name, function)]`` of the functions ``module`` defines (not imports),
    names without a leading underscore, with at least one parameter, in the
    order of their lines."""
    import inspect
    found = []
    for name, value in vars(module).items():
        fn = getattr(value, "fun", value)     # a function already wrapped in srcgrad.grad
        if name.startswith("_") or not inspect.isfunction(fn) or \
                fn.__module__ != module.__name__:
            continue
        try:
            if not inspect.signature(fn).parameters:
                continue
        except (TypeError, ValueError):
            continue
        found.append((fn.__code__.co_firstlineno, name, value))
    return [(name, value) for _, name, value in sorted(found, key=lambda t: t[:2])]


def explain(args):
    import srcgrad
    path, dotted = split_target(args.target)
    wrt = parse_wrt(args.wrt) if args.wrt is not None else None
    module = load_file(path)
    func, wrt = _unwrapped(find_function(module, dotted, path), wrt)
    print(srcgrad.explain(func, wrt=wrt, mode=args.mode))
    return 0


def _one_line(err):
    """An error's text on one line: its first line, and its hint when it has
    one (the located compiler messages put the code and the hint below)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    hint = [line for line in lines[1:] if line.startswith("hint:")]
    return lines[0] + (" (%s)" % hint[0] if hint else "")


def main(argv=None):
    """Entry point of ``python -m srcgrad`` and the ``srcgrad`` script."""
    args = _parser().parse_args(argv)
    try:
        return show(args) if args.command == "show" else explain(args)
    except CLIError as err:
        print("srcgrad: error: %s" % err, file=sys.stderr)
    except (SyntaxError, NotImplementedError, TypeError, ValueError, OSError) as err:
        # compile errors (SrcgradSyntaxError, NoRuleError), bad wrt values, an export
        # path that cannot be written: their text names the file, the line and what to do
        print("srcgrad: error: %s" % _one_line(err), file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
