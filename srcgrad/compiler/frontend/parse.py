"""Source -> gast, and names -> Python objects.

:func:`parse_function` guarantees: the returned ``FunctionDef`` has no
decorators, a lambda has become ``def <lambda>(...): return <body>``, and every
node's ``lineno`` is the line *in the user's file* (not in the snippet).

>>> import numpy as np
>>> def f(x):
...     return np.sin(x) * 2
>>> info = parse_function(f)
>>> info.node.name, info.node.body[0].lineno == f.__code__.co_firstlineno + 1
('f', True)
>>> info.resolve(info.node.body[0].value.left.func) is np.sin
True
"""

import builtins
import functools
import inspect
import textwrap
import weakref

import gast
import numpy as np

from ..ir.fastast import walk as _walk
from .to_gast import parse as parse_gast
from ...errors import SrcgradSyntaxError
from ... import rules

__all__ = ["FunctionInfo", "parse_function", "NoSource", "resolve_static"]

_UNRESOLVED = object()


class NoSource(Exception):
    """The function's source cannot be read (builtins, C code, exec'd code)."""


class FunctionInfo:
    """A parsed user function: its gast ``node``, where it lives, and what its
    free names refer to."""

    def __init__(self, fn, node, filename, lines):
        self.fn = fn
        self.node = node
        self.filename = filename
        self.lines = lines                       # the file's lines, for messages
        self.globals = getattr(fn, "__globals__", {})
        self.closure = {}
        self.cells = {}     # the user's closure cells, shared by the generated code
        code = getattr(fn, "__code__", None)
        if code is not None and fn.__closure__:
            for name, cell in zip(code.co_freevars, fn.__closure__):
                self.cells[name] = cell
                try:
                    self.closure[name] = cell.cell_contents
                except ValueError:  # empty cell (recursive def not yet bound)
                    pass
        self.local_names = _assigned_names(node)
        self.module_aliases = self._module_aliases(node)

    # ------------------------------------------------------------ locations
    def line_text(self, lineno):
        if lineno and 0 < lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return None

    def error(self, node, msg, hint=None):
        """A :class:`SrcgradSyntaxError` located at ``node``."""
        lineno = getattr(node, "lineno", None) or getattr(node, "user_line", None)
        col = getattr(node, "col_offset", 0) or 0
        return SrcgradSyntaxError(msg, self.filename, lineno, col,
                                  self.line_text(lineno), hint)

    # ------------------------------------------------------------ names
    def _module_aliases(self, node):
        """Locals bound once, by a top-level ``m = np`` / ``la = np.linalg``
        statement, to a module: ``m.sin(x)`` then resolves to ``np.sin``."""
        counts = {}
        for n in _walk(node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                counts[n.id] = counts.get(n.id, 0) + 1
        params = {a.id for a in _all_args(node.args)}
        out = {}
        for stmt in node.body:
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
                    isinstance(stmt.targets[0], gast.Name)):
                continue
            name = stmt.targets[0].id
            if counts.get(name) != 1 or name in params or \
                    not isinstance(stmt.value, (gast.Name, gast.Attribute)):
                continue
            obj = resolve_static(stmt.value, self._lookup_free)
            if inspect.ismodule(obj):
                out[name] = obj
        return out

    def _lookup_free(self, name):
        return _UNRESOLVED if name in self.local_names else self.lookup_name(name)

    def lookup_name(self, name):
        """The object a free (non-local) name refers to (or a local bound
        once to a module), or ``_UNRESOLVED``."""
        if name in self.local_names:
            return getattr(self, "module_aliases", {}).get(name, _UNRESOLVED)
        if name in self.closure:
            return self.closure[name]
        if name in self.globals:
            return self.globals[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        return _UNRESOLVED

    def resolve(self, node):
        """The object a ``Name`` or ``a.b.c`` chain refers to when its root is a
        global, closure variable or builtin; ``None`` when it is local or
        unknown."""
        obj = resolve_static(node, self.lookup_name)
        return None if obj is _UNRESOLVED else obj


def resolve_static(node, lookup):
    if isinstance(node, gast.Name):
        obj = lookup(node.id)   # a bound method with rules held in a variable: its stand-in
        return obj if obj is _UNRESOLVED else rules.stand_in(obj)
    if isinstance(node, gast.Attribute):
        base = resolve_static(node.value, lookup)
        if base is _UNRESOLVED:
            return _UNRESOLVED
        if not (inspect.ismodule(base) or inspect.isclass(base) or isinstance(base, np.ufunc)):
            # a method of a module-level object with rules (scipy.stats.norm.logpdf)
            stand_in = rules.method(base, node.attr)
            return _UNRESOLVED if stand_in is None else stand_in   # a ufunc's methods (np.add.at) resolve, for their effects
        return getattr(base, node.attr, _UNRESOLVED)
    return _UNRESOLVED


def _assigned_names(fn_node):
    names = {a.id for a in _all_args(fn_node.args)}
    for node in _walk(fn_node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            names.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.ClassDef)) and node is not fn_node:
            names.add(node.name)
    return names


def _all_args(args):
    out = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
    if args.vararg:
        out.append(args.vararg)
    if args.kwarg:
        out.append(args.kwarg)
    return out


#: ``id(code)`` -> ``(weak reference to code, what _source_of found for it)``,
#: kept once the text is known to compile to that code (a later edit of the
#: file changes nothing that runs). Keyed by identity: equal code objects
#: (the same text imported from two files) must not share their file.
_SOURCES = {}


def _known_source(code):
    entry = _SOURCES.get(id(code))
    return entry[1] if entry is not None and entry[0]() is code else None


def _keep_source(code, found):
    key = id(code)
    # the table is bound as a default: at interpreter exit the module's
    # globals may already be None when the callback runs
    _SOURCES[key] = (weakref.ref(code, lambda _, key=key, table=_SOURCES: table.pop(key, None)),
                     found)


def _source_of(fn):
    """``(filename, lines, start, all_lines)`` of ``fn``'s code object, found
    once per code object (``inspect.getsourcelines`` tokenizes the file: a
    new function object of the same code, a closure made again, or the same
    function compiled for new argument kinds, reads it from the table)."""
    found = _known_source(fn.__code__)
    if found is None:
        found = _read_source(fn)   # kept by parse_function once it matches the code
    filename, lines, start, all_lines = found
    return filename, list(lines), start, list(all_lines)


def _read_source(fn):
    # the live code object's own source: inspect.getsourcelines(fn) would
    # follow ``__wrapped__`` (functools.wraps) to the decorated function and
    # lose the wrapper's own computation
    code = fn.__code__
    try:
        filename = inspect.getsourcefile(code) or inspect.getfile(code)
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError) as exc:
        raise NoSource("cannot read the source of %s: %s" % (
            getattr(fn, "__qualname__", fn), exc)) from None
    import linecache
    all_lines = [ln.rstrip("\n") for ln in linecache.getlines(filename)] or \
        [ln.rstrip("\n") for ln in lines]
    return filename, lines, max(start, 1), all_lines


def parse_function(fn):
    """Parse ``fn`` (a def or a lambda) into a :class:`FunctionInfo`.

    The text parsed is the source of ``fn``'s own code object (a decorated
    function is the decorator's wrapper, never the function it wraps), and it
    must compile to that code object: a file edited since it was imported
    raises :class:`NoSource` (the compiler would differentiate text that is
    not what runs)."""
    # never inspect.unwrap: an object wrapping a function (functools.update_wrapper)
    # computes what its own __call__ says, not what the wrapped function does
    if not inspect.isfunction(fn):
        raise NoSource("%r is not a Python function" % (fn,))
    filename, lines, start, all_lines = found = _source_of(fn)
    snippet = textwrap.dedent("".join(lines))
    is_lambda = fn.__code__.co_name == "<lambda>"
    text = snippet if not is_lambda else _lambda_snippet(snippet)
    try:
        tree = parse_gast(text)
    except SyntaxError:
        # a lambda inside a larger expression: parse the lines as they are
        # cut, in parentheses
        try:
            text = "(\n" + snippet + "\n)"
            tree = parse_gast(text) if is_lambda else None
        except SyntaxError:
            tree = None
        if tree is None:
            raise NoSource("cannot parse the source of %s" % fn.__qualname__) from None
        start -= 1
    if not source_matches(text, tree, fn, filename, _imported_names(all_lines)):
        raise NoSource(
            "the source of %s in %s changed since it was imported: the text on disk is not "
            "the code that runs, so the compiler cannot differentiate it (reload the module, "
            "or restart)" % (fn.__qualname__, filename))
    if _known_source(fn.__code__) is None:
        _keep_source(fn.__code__, found)
    gast.increment_lineno(tree, start - 1)
    if is_lambda:
        first = lines[0] if lines else ""
        node = _find_lambda(tree, fn, len(first) - len(first.lstrip()))
    else:
        node = next((n for n in tree.body if isinstance(n, gast.FunctionDef)), None)
        name = fn.__code__.co_name
        if node is None or node.name != name:
            node = next((n for n in _walk(tree) if isinstance(n, gast.FunctionDef)
                         and n.name == name), None)
        if node is None:
            raise NoSource("cannot find the def of %s in its source" % fn.__qualname__)
        node.decorator_list = []
    inner = _forwards_to(fn, node)
    if inner is not None:
        return parse_function(inner)
    return FunctionInfo(fn, node, filename, all_lines)


def _forwards_to(fn, node):
    """The function a decorator's wrapper only forwards to (``def
    wrapper(*args, **kwargs): return fn(*args, **kwargs)`` with ``fn`` its
    ``__wrapped__``), or ``None``: such a wrapper adds nothing to
    differentiate, while any other wrapper is compiled from its own source."""
    wrapped = getattr(fn, "__wrapped__", None)
    args = node.args
    body = [s for s in node.body if not (isinstance(s, gast.Expr) and
                                        isinstance(s.value, gast.Constant))]
    if wrapped is None or not inspect.isfunction(wrapped) or len(body) != 1 or \
            not isinstance(body[0], gast.Return) or args.vararg is None or \
            args.kwarg is None or args.args or args.posonlyargs or args.kwonlyargs:
        return None
    call = body[0].value
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and
            len(call.args) == 1 and isinstance(call.args[0], gast.Starred) and
            isinstance(call.args[0].value, gast.Name) and
            call.args[0].value.id == args.vararg.id and len(call.keywords) == 1 and
            call.keywords[0].arg is None and isinstance(call.keywords[0].value, gast.Name) and
            call.keywords[0].value.id == args.kwarg.id):
        return None
    code = fn.__code__
    target = None
    if call.func.id in code.co_freevars and fn.__closure__:
        try:
            target = fn.__closure__[code.co_freevars.index(call.func.id)].cell_contents
        except ValueError:
            return None
    return wrapped if target is wrapped else None


def _imported_names(lines):
    """Names the module binds by ``import`` (CPython compiles ``np.f(x)``
    differently when ``np`` comes from an import)."""
    return _imported_in("\n".join(lines))


@functools.lru_cache(maxsize=8)   # keyed by the module's text: bounded, thread-safe
def _imported_in(text):
    import ast
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ()
    out = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        todo.extend(ast.iter_child_nodes(node))
    return tuple(sorted(out))


def source_matches(text, tree, fn, filename, imported=()):
    """Whether ``text`` (``fn``'s source, parsed as ``tree``) compiles to
    ``fn``'s code object: same bytecode, names and constants.  It is compiled
    inside a function that binds ``fn``'s free variables, so that closures
    compile as closures; names the snippet binds at its top level are
    declared global, as they are in a module, and the module's ``imported``
    names are imported (never run: only compiled)."""
    code = fn.__code__
    bound = set()
    for stmt in tree.body:
        if isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            bound.add(stmt.name)
        for node in _walk(stmt) if isinstance(stmt, gast.Assign) else ():
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                bound.add(node.id)
    bound -= set(code.co_freevars)
    head = ["import " + ", ".join(imported)] if imported else []
    head.append("def __srcgrad_source_check():")
    if bound:
        head.append("    global " + ", ".join(sorted(bound)))
    head += ["    %s = None" % v for v in code.co_freevars]
    src = "\n".join(head) + "\n" + textwrap.indent(text, "    ") + "\n"
    flags = code.co_flags & _FUTURE_FLAGS
    try:
        module = compile(src, filename, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError):
        return True   # cannot check (an unusual construct): the parse stands
    return any(_same_code(c, code) for c in _code_objects(module) if c.co_name == code.co_name)


def _future_flags():
    import __future__
    out = 0
    for name in __future__.all_feature_names:
        out |= getattr(__future__, name).compiler_flag
    return out


_FUTURE_FLAGS = _future_flags()


def _code_objects(code):
    for const in code.co_consts:
        if inspect.iscode(const):
            yield const
            yield from _code_objects(const)


def _same_code(a, b):
    if a.co_names != b.co_names or a.co_varnames != b.co_varnames or \
            a.co_freevars != b.co_freevars or a.co_cellvars != b.co_cellvars:
        return False
    if a.co_code == b.co_code and len(a.co_consts) == len(b.co_consts) and all(
            _same_const(x, y) for x, y in zip(a.co_consts, b.co_consts)):
        return True
    ia, ib = _instructions(a), _instructions(b)
    return len(ia) == len(ib) and all(
        x[0] == y[0] and (_same_const(x[1], y[1]) if x[0] == "LOAD_CONST" else x[1] == y[1])
        for x, y in zip(ia, ib))


def _same_const(x, y):
    if inspect.iscode(x) or inspect.iscode(y):
        return inspect.iscode(x) and inspect.iscode(y) and _same_code(x, y)
    return type(x) is type(y) and repr(x) == repr(y)


#: instructions CPython chooses by context outside the function (a method
#: call on an imported name loads it as an attribute): compared as one
_SAME_OP = {"LOAD_METHOD": "LOAD_ATTR"}


def _instructions(code):
    """``code``'s instructions as ``(opname, argument)``, cache entries and
    jump offsets left out."""
    import dis
    jumps = set(dis.hasjrel) | set(dis.hasjabs)
    out = []
    for ins in dis.get_instructions(code):
        if ins.opname in ("CACHE", "EXTENDED_ARG", "PUSH_NULL"):
            continue
        arg = None if ins.opcode in jumps else ins.argval
        out.append((_SAME_OP.get(ins.opname, ins.opname), arg))
    return out


def _lambda_snippet(snippet):
    """Lines holding a lambda may be a fragment (``key=lambda x: x,``); try the
    text as it is, then wrapped so that it parses as an expression."""
    try:
        gast.parse(snippet)
        return snippet
    except SyntaxError:
        body = snippet.strip().rstrip(",")
        if body.startswith((".", ",")):
            body = body[1:]
        return "(" + body + ")"


def _find_lambda(tree, fn, indent=0):
    code = fn.__code__
    want = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    candidates = []
    for node in _walk(tree):
        if isinstance(node, gast.Lambda):
            names = [a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
            if names == want and node.lineno == code.co_firstlineno:
                candidates.append(node)
    if not candidates:
        candidates = [n for n in _walk(tree) if isinstance(n, gast.Lambda)]
    if not candidates:
        raise NoSource("cannot locate the lambda's source")
    if len(candidates) > 1:
        col = _code_col(code)
        exact = [c for c in candidates if c.body.col_offset + indent == col]
        if exact:
            candidates = exact
        elif col is not None:
            raise NoSource("several lambdas on line %d; cannot tell which is which"
                           % code.co_firstlineno)
    lam = candidates[0]
    ret = gast.Return(value=lam.body)
    gast.copy_location(ret, lam.body)
    node = gast.FunctionDef(name="<lambda>", args=lam.args, body=[ret], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    gast.copy_location(node, lam)
    return node


def _code_col(code):
    positions = getattr(code, "co_positions", None)
    if positions is None:
        return None
    for _, _, col, _ in positions():
        if col is not None:
            return col  # column of the body's first instruction
    return None
