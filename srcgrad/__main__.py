"""Command line: ``python -m srcgrad show FILE.py:FUNC [--wrt 0,1]``.

``show`` loads ``FILE.py`` as a module (its directory first on ``sys.path``,
so its own imports work; its ``if __name__ == "__main__":`` block does not
run), finds ``FUNC`` (a dotted path such as ``Model.loss`` reaches nested
attributes) and prints the code srcgrad generates for its gradient, exactly
what ``srcgrad.source(srcgrad.grad(FUNC, wrt=...))`` returns.  The code is
highlighted with pygments when stdout is a terminal and pygments is installed.

Every failure a user can cause (no such file, no such function, a function
the compiler rejects) prints one clear message on stderr and exits with 1.
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
"""


class CLIError(Exception):
    """A user error: printed as ``srcgrad: error: <message>``, exit code 1."""


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
    show.add_argument("target", metavar="FILE.py:FUNC",
                      help="a Python file and a function in it; FUNC may be dotted "
                           "(Class.method)")
    show.add_argument("--wrt", default=None, metavar="ARGS",
                      help="comma-separated positions or parameter names to differentiate "
                           "(default: 0, or the wrt of a function already wrapped in "
                           "srcgrad.grad)")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="syntax highlighting: auto (when stdout is a terminal and "
                           "pygments is installed), always, or never")
    return parser


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


def split_target(target):
    """``"path/to/file.py:Cls.fn"`` -> ``("path/to/file.py", "Cls.fn")``.

    >>> split_target("a/b.py:f"), split_target("C:/x/m.py:Model.loss")
    (('a/b.py', 'f'), ('C:/x/m.py', 'Model.loss'))
    """
    path, sep, func = target.rpartition(":")
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
    except Exception:
        detail = traceback.format_exc()
        raise CLIError("importing %s raised an exception:\n%s" % (path, detail.rstrip())) \
            from None
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


def generated_source(func, wrt):
    """The text ``srcgrad.source(srcgrad.grad(func, wrt=wrt))``; a function
    already wrapped by ``srcgrad.grad`` keeps its own ``wrt`` unless one is
    given."""
    import srcgrad
    from srcgrad.api import GradFunction
    if isinstance(func, GradFunction):
        if wrt is None:
            wrt = func.positions if not func.single else func.positions[0]
        func = func.fun
    return srcgrad.source(srcgrad.grad(func, wrt=0 if wrt is None else wrt, mode="compile"))


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
    path, dotted = split_target(args.target)
    wrt = parse_wrt(args.wrt) if args.wrt is not None else None
    module = load_file(path)
    func = find_function(module, dotted, path)
    text = generated_source(func, wrt)
    sys.stdout.write(highlight(text, args.color, sys.stdout))
    return 0


def main(argv=None):
    """Entry point of ``python -m srcgrad`` and the ``srcgrad`` script."""
    args = _parser().parse_args(argv)
    try:
        return show(args)
    except CLIError as err:
        print("srcgrad: error: %s" % err, file=sys.stderr)
    except (SyntaxError, NotImplementedError, TypeError, ValueError) as err:
        # compile errors (SrcgradSyntaxError, NoRuleError) and bad wrt values:
        # their str() already names the file, the line and what to do
        print("srcgrad: error: %s" % err, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
