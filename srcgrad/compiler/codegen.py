"""Codegen: gast statements -> source text -> a compiled, debuggable function.

Guarantees: the source is deterministic for a given input; each block of
statements is preceded by a comment naming the user's file line it came from;
the code is compiled under a real file name (written to a temporary
directory and registered in :mod:`linecache`) so tracebacks, ``pdb`` and
``inspect.getsource`` show it; its globals are the user's module globals (read
live, never copied) and everything else it needs is bound in a closure.
"""

import hashlib
import linecache
import os
import re
import tempfile
import textwrap
import types

import astor
from astor.source_repr import split_lines
import gast

__all__ = ["comment", "emit_function", "build", "Generated", "to_source"]

_COMMENTS = []   # marker number -> comment text (process-wide, append-only)
_MARK_RE = re.compile(r"^(\s*)__srcgrad_comment_(\d+)__$")


def comment(text):
    """A statement that codegen prints as ``# text``."""
    _COMMENTS.append(text)
    return gast.Expr(value=gast.Name(id="__srcgrad_comment_%d__" % (len(_COMMENTS) - 1),
                                     ctx=gast.Load(), annotation=None, type_comment=None))


def _pretty(source):
    return "".join(split_lines(source, maxline=100))


class _Negatives(gast.NodeTransformer):
    """A negative number constant printed bare is ``-0.7``, which binds looser
    than ``**`` (``-0.7 ** 2`` is ``-(0.7 ** 2)``): write it as a unary minus,
    which the printer parenthesises where needed."""

    def visit_Constant(self, node):
        v = node.value
        if type(v) in (int, float) and v < 0:
            return gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=-v, kind=None))
        return node


def to_source(node):
    """Source text for a gast node, with comment markers turned into comments."""
    node = _Negatives().visit(node)  # in place: codegen is the last user of the tree
    text = astor.to_source(gast.gast_to_ast(node), pretty_source=_pretty)
    lines = []
    for line in text.splitlines():
        m = _MARK_RE.match(line)
        if m:
            lines.append(m.group(1) + "# " + _COMMENTS[int(m.group(2))])
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def with_comments(stmts, info, prefix):
    """Insert a comment before each run of statements from one user line."""
    out, last = [], object()
    for stmt in stmts:
        line = getattr(stmt, "user_line", None)
        if line is not None and line != last:
            text = info.line_text(line)
            if text is not None:
                out.append(comment("%sline %d: %s" % (prefix, line, text.strip())))
            last = line
        out.append(stmt)
    return out


def emit_function(name, params, body):
    args = gast.arguments(
        args=[gast.Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None)
              for p in params],
        posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return gast.FunctionDef(name=name, args=args, body=body or [gast.Pass()],
                            decorator_list=[], returns=None, type_comment=None,
                            type_params=[])


class Generated:
    """A compiled function with its source."""

    def __init__(self, fn, source, module_source, filename):
        self.fn = fn
        self.source = source                # the function alone, as users read it
        self.module_source = module_source  # what was compiled (closure wrapper)
        self.filename = filename


def _cache_dir():
    path = os.path.join(tempfile.gettempdir(), "srcgrad-%s" % _user())
    os.makedirs(path, exist_ok=True)
    return path


def _user():
    try:
        return str(os.getuid())
    except AttributeError:  # pragma: no cover - windows
        return "user"


def build(fn_node, bound, user_globals, origin, header="", cells=None):
    """Compile ``fn_node`` (a gast FunctionDef) inside a closure binding
    ``bound`` (name -> object); return a :class:`Generated`.  Names in
    ``cells`` (the user function's closure cells) are shared, not copied, so
    the generated code reads the user's closure variables live."""
    names = sorted(bound)
    maker = emit_function("_srcgrad_make", names,
                          [fn_node, gast.Return(value=gast.Name(
                              id=fn_node.name, ctx=gast.Load(), annotation=None,
                              type_comment=None))])
    module_source = header + to_source(maker)
    inner = module_source.splitlines(True)[len(header.splitlines()) + 1:]
    inner = inner[:next((i for i, ln in enumerate(inner) if ln.startswith("    return ")
                         and not ln.startswith("     ")), len(inner))]
    source = textwrap.dedent("".join(inner)).strip("\n") + "\n"
    digest = hashlib.sha1(module_source.encode()).hexdigest()[:10]
    safe = re.sub(r"[^A-Za-z0-9_]", "_", origin)[:60]
    filename = os.path.join(_cache_dir(), "%s_%s.py" % (safe, digest))
    try:
        if not os.path.exists(filename):
            with open(filename, "w") as fh:
                fh.write(module_source)
    except OSError:  # read-only tmp: linecache alone still serves tracebacks
        pass
    linecache.cache[filename] = (len(module_source), None,
                                 module_source.splitlines(True), filename)
    code = compile(module_source, filename, "exec")
    local = {}
    exec(code, user_globals, local)
    fn = local["_srcgrad_make"](*[bound[n] for n in names])
    if cells and fn.__closure__:
        shared = tuple(cells.get(name, cell) for name, cell in
                       zip(fn.__code__.co_freevars, fn.__closure__))
        fn = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                                shared)
    generated = Generated(fn, source, module_source, filename)
    generated.bound = dict(bound)
    generated.user_globals = user_globals
    return generated
