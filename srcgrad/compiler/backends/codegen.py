"""Codegen: gast statements -> source text -> a compiled, debuggable function.

Guarantees: the source is deterministic for a given input; each block of
statements is preceded by a comment naming the user's file line it came from;
the code is compiled under a file name registered in :mod:`linecache`, so
tracebacks, ``pdb`` and ``inspect.getsource`` show it, and the entry goes
away with the last generated function compiled from it; its globals are the
user's module globals (read live, never copied) and everything else it needs
is bound in a closure.

Nothing is written to disk unless asked: with the environment variable
``SRCGRAD_DUMP_DIR`` set, each module is also written to
``$SRCGRAD_DUMP_DIR/srcgrad-<uid>/``, a directory created with mode 0700 and
used only if it is a real directory (not a symlink) owned by the user with no
access for others; files are created with ``O_EXCL | O_NOFOLLOW``.
"""

import collections
import hashlib
import linecache
import os
import re
import stat
import textwrap
import threading
import types
import warnings
import weakref

import astor
from astor.source_repr import split_lines
import gast

from .to_ast import to_printable_ast

__all__ = ["comment", "emit_function", "build", "Generated", "to_source"]

_MARK_RE = re.compile(r"^([ \t]*)__srcgrad_comment_(\d+)__$", re.MULTILINE)


def comment(text):
    """A statement that codegen prints as ``# text`` (the text travels on the
    node itself: there is no process-wide table to grow)."""
    stmt = gast.Expr(value=gast.Name(id="__srcgrad_comment__", ctx=gast.Load(),
                                     annotation=None, type_comment=None))
    stmt.comment_text = text
    return stmt


def _pretty(source):
    return "".join(split_lines(source, maxline=100))


def to_source(node):
    """Source text for a gast node, with comment markers turned into comments
    (negative constants printed as a unary minus: see
    :func:`~.to_ast.to_printable_ast`, which converts the tree for the printer
    in one pass and leaves ``node`` unchanged)."""
    tree, texts = to_printable_ast(node)
    text = astor.to_source(tree, pretty_source=_pretty)
    if not texts:
        return text if text.endswith("\n") else text + "\n"
    return _MARK_RE.sub(lambda m: m.group(1) + "# " + texts[int(m.group(2))], text)


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


#: the environment variable naming where generated modules are also written
DUMP_ENV = "SRCGRAD_DUMP_DIR"
_LINES_LOCK = threading.Lock()
_USERS = {}   # linecache file name -> how many live generated functions use it
_RELEASED = collections.deque()   # file names of generated functions freed since the last purge


def _dump_dir():
    """The private directory generated modules are written to, or ``None``
    (not asked for, or not safe: then a warning says why)."""
    root = os.environ.get(DUMP_ENV)
    if not root:
        return None
    path = os.path.join(os.path.abspath(root), "srcgrad-%s" % _user())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(path)
    except OSError as err:
        warnings.warn("srcgrad: not writing generated code to %s: %s" % (path, err),
                      RuntimeWarning, stacklevel=4)
        return None
    problem = None
    if not stat.S_ISDIR(st.st_mode):
        problem = "it is not a directory (a symlink?)"
    elif hasattr(os, "getuid") and st.st_uid != os.getuid():
        problem = "it belongs to another user (uid %d)" % st.st_uid
    elif st.st_mode & 0o077:
        problem = "others can access it (mode %o; it must be 0700)" % stat.S_IMODE(st.st_mode)
    if problem:
        warnings.warn("srcgrad: not writing generated code to %s: %s" % (path, problem),
                      RuntimeWarning, stacklevel=4)
        return None
    return path


def _dump(directory, name, text):
    """Write ``text`` to ``directory/name`` without following a symlink or
    replacing a file; return the path, or ``None`` if it was not written
    (an identical file already there is reused).  The file is created
    relative to a descriptor of the directory, checked again once open, so
    swapping the directory after :func:`_dump_dir` looked at it gains nothing."""
    path = os.path.join(directory, name)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    use_fd = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")
    dir_fd = None
    try:
        if use_fd:
            dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | nofollow)
            st = os.fstat(dir_fd)
            if st.st_uid != os.getuid() or st.st_mode & 0o077:
                return None
        target = name if use_fd else path
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600,
                         dir_fd=dir_fd)
        except FileExistsError:
            fd = os.open(target, os.O_RDONLY | nofollow, dir_fd=dir_fd)
            with os.fdopen(fd, "r") as fh:
                same = stat.S_ISREG(os.fstat(fh.fileno()).st_mode) and fh.read() == text
            return path if same else None
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        return path
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        if dir_fd is not None:
            os.close(dir_fd)


def _register(filename, text, fn):
    """Serve ``text`` from :mod:`linecache` under ``filename`` while ``fn``
    (or another generated function with the same source) is alive.  Entries
    of functions freed since the last call are removed here first (see
    :func:`_release`)."""
    with _LINES_LOCK:
        _purge_released()
        _USERS[filename] = _USERS.get(filename, 0) + 1
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    weakref.finalize(fn, _release, filename)


def _release(filename):
    """Run by the garbage collector when a generated function is freed: it
    only notes ``filename``.  Removing the :mod:`linecache` entry here could
    break whatever the collector interrupted -- ``linecache.checkcache`` (run
    by tracebacks, pdb, doctest) lists the cache's keys and then reads each,
    and raises ``KeyError`` from the standard library for one removed in
    between, in this thread or another.  The entry goes at the next safe
    point: the next registration, or :func:`purge_lines`."""
    _RELEASED.append(filename)   # deque.append is atomic: no lock in a finalizer


def _purge_released():
    """Drop the linecache entries no live generated function uses (caller
    holds ``_LINES_LOCK``)."""
    while _RELEASED:
        filename = _RELEASED.pop()
        n = _USERS.pop(filename, 0) - 1
        if n > 0:
            _USERS[filename] = n
        else:
            linecache.cache.pop(filename, None)


def purge_lines():
    """Remove now the :mod:`linecache` entries of generated functions freed
    since the last compile (srcgrad also does it on every compile)."""
    with _LINES_LOCK:
        _purge_released()


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
    inner = module_source.splitlines(True)[len(header.splitlines()):]
    # past the maker's signature, which wraps when it binds many names
    inner = inner[next(i for i, ln in enumerate(inner) if ln.rstrip().endswith(":")) + 1:]
    inner = inner[:next((i for i, ln in enumerate(inner) if ln.startswith("    return ")
                         and not ln.startswith("     ")), len(inner))]
    source = textwrap.dedent("".join(inner)).strip("\n") + "\n"
    digest = hashlib.sha1(module_source.encode()).hexdigest()[:10]
    safe = re.sub(r"[^A-Za-z0-9_]", "_", origin)[:60]
    basename = "%s_%s.py" % (safe, digest)
    directory = _dump_dir()
    filename = directory and _dump(directory, basename, module_source) or \
        "<srcgrad>/" + basename
    code = compile(module_source, filename, "exec")
    local = {}
    exec(code, user_globals, local)
    fn = local["_srcgrad_make"](*[bound[n] for n in names])
    if cells and fn.__closure__:
        shared = tuple(cells.get(name, cell) for name, cell in
                       zip(fn.__code__.co_freevars, fn.__closure__))
        fn = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                                shared)
    _register(filename, module_source, fn)
    generated = Generated(fn, source, module_source, filename)
    generated.bound = dict(bound)
    generated.user_globals = user_globals
    return generated
