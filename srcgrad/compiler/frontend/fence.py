"""The fence: reject what the compiler does not support, before any work.

Guarantee: if :func:`check` returns, every statement and expression in the
function is one the later passes handle; otherwise it raises
:class:`~srcgrad.errors.SrcgradSyntaxError` at the first offending node, with
the user's file, line and source text and a hint saying what to do.

>>> import gast
>>> from .parse import parse_function
>>> def f(x):
...     global G
...     return x
>>> check(parse_function(f))
Traceback (most recent call last):
...
srcgrad.errors.SrcgradSyntaxError: ...'global' statements are not supported...
"""

import gast
from ..ir.fastast import walk as _walk

__all__ = ["check"]

_TAPE = 'use mode="tape" (or mode="auto") to run this function on the tape'

_STMT_HINTS = {
    gast.FunctionDef: ("function definitions inside a loop or branch are not supported by "
                       "the compiler", "define the function at the top of the body, or at "
                       "module level"),
    gast.ClassDef: ("class definitions inside a differentiated function are not supported",
                    "define the class at module level"),
    gast.Global: ("'global' statements are not supported: a differentiated function must "
                  "not rebind module globals", "return the value instead"),
    gast.Nonlocal: ("'nonlocal' statements are not supported",
                    "return the value instead"),
    gast.Delete: ("'del' is not supported by the compiler", "remove the del statement"),
    gast.Import: ("imports inside a differentiated function are not supported",
                  "import at module level"),
    gast.ImportFrom: ("imports inside a differentiated function are not supported",
                      "import at module level"),
}

if hasattr(gast, "TryStar"):  # Python 3.11+
    _STMT_HINTS[gast.TryStar] = ("'except*' is not supported by the compiler", _TAPE)

_EXPR_HINTS = {
    gast.Lambda: ("a lambda is supported only when assigned to a name (f = lambda x: ...) "
                  "at the top of the body", "name the lambda, or define a function"),
    gast.SetComp: ("set comprehensions are not supported by the compiler", _TAPE),
    gast.Set: ("set literals are not supported by the compiler", _TAPE),
    gast.Yield: ("generators cannot be differentiated by the compiler", _TAPE),
    gast.YieldFrom: ("generators cannot be differentiated by the compiler", _TAPE),
    gast.Await: ("async functions cannot be differentiated", "make the function synchronous"),
    gast.NamedExpr: ("the walrus operator ':=' is not supported by the compiler",
                     "assign in a separate statement"),
    gast.JoinedStr: ("f-strings are not supported in differentiated code",
                     "use '%' formatting or str.format, or move the formatting out"),
}


def check(info):
    """Raise on the first unsupported construct in ``info.node``."""
    fn = info.node
    args = fn.args
    if args.vararg is not None or args.kwarg is not None:
        raise info.error(fn, "a function with *args or **kwargs parameters is compiled for "
                         "the arguments of a call, and here there is none (srcgrad.source "
                         "of the bare function?)", "call the transformed function first, "
                         "then ask srcgrad.source(g) for the code that ran; or " + _TAPE)
    _check_block(info, fn.body, top=True)


def _check_block(info, body, top=False):
    for stmt in body:
        kind = type(stmt)
        if top and kind is gast.FunctionDef:
            continue  # lifted (see lift.py), then checked when it is compiled
        if top and kind is gast.Assign and isinstance(stmt.value, gast.Lambda) and \
                len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
            continue
        if kind in _STMT_HINTS:
            msg, hint = _STMT_HINTS[kind]
            raise info.error(stmt, msg, hint)
        if isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            for target in targets:
                _check_target(info, target, star=isinstance(stmt, gast.Assign))
        if isinstance(stmt, gast.For):
            _check_target(info, stmt.target)
        if isinstance(stmt, gast.With):  # see withblock.py
            for item in stmt.items:
                if item.optional_vars is not None and \
                        not isinstance(item.optional_vars, gast.Name):
                    raise info.error(stmt, "a with-block's 'as' target must be a single name "
                                     "in compiled code", "write 'with ... as v:' and unpack "
                                     "v in the body")
                expr = item.context_expr
                if item.optional_vars is not None and isinstance(expr, gast.Call) and \
                        _is_grad_mode(info.resolve(expr.func)):
                    raise info.error(stmt, "'with <grad mode> as name' is not supported by "
                                     "the compiler", "leave out 'as name'")
                _check_exprs(info, expr)
            _check_block(info, stmt.body)
            continue
        if isinstance(stmt, gast.Try):
            _check_try(info, stmt)
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            _check_exprs(info, stmt.test if not isinstance(stmt, gast.For) else stmt.iter)
            _check_block(info, stmt.body)
            _check_block(info, stmt.orelse)
            continue
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            from ... import modes
            call = stmt.value
            if info.resolve(call.func) is modes.set_grad_enabled and not (
                    len(call.args) == 1 and isinstance(call.args[0], gast.Constant)):
                raise info.error(stmt, "set_grad_enabled(flag) as a plain call needs a "
                                 "constant flag in compiled code",
                                 "write 'with set_grad_enabled(flag):' around the statements, "
                                 "or " + _TAPE)
        _check_exprs(info, stmt)


def _is_grad_mode(fn):
    from ... import modes
    return fn in (modes.no_grad, modes.enable_grad, modes.set_grad_enabled,
                  modes.inference_mode)


def _check_exprs(info, root):
    for node in _walk(root):
        kind = type(node)
        if kind in _EXPR_HINTS:
            msg, hint = _EXPR_HINTS[kind]
            raise info.error(node, msg, hint)
        if isinstance(node, gast.Dict) and not all(isinstance(k, gast.Constant)
                                                   for k in node.keys):
            raise info.error(node, "dict literals need constant keys in differentiated code",
                             "use string or number keys, or " + _TAPE)
        if isinstance(node, gast.comprehension) and node.is_async:
            raise info.error(node.iter, "async comprehensions cannot be differentiated",
                             _TAPE)


def _check_target(info, target, star=False):
    """``star``: a starred name may appear (``a, *b = v``, see starred.py);
    in a ``for`` header it may not."""
    if isinstance(target, gast.Name):
        return
    if isinstance(target, (gast.Tuple, gast.List)):
        for elt in target.elts:
            if isinstance(elt, gast.Starred):
                if not star:
                    raise info.error(elt, "starred targets in a for-loop header are not "
                                     "supported by the compiler", "unpack into a fixed "
                                     "number of names, or write 'first, *rest = item' in "
                                     "the loop body")
                elt = elt.value
                if not isinstance(elt, (gast.Name, gast.Tuple, gast.List)):
                    raise info.error(elt, "a starred assignment target must be a name",
                                     "unpack into a name, then assign from it")
            _check_target(info, elt, star)
        return
    if isinstance(target, gast.Subscript):
        if not isinstance(target.value, gast.Name):
            raise info.error(target, "assignment into a nested subscript (a[i][j] = v) is not "
                             "supported by the compiler", "index once: a[i, j] = v")
        return
    if isinstance(target, gast.Attribute):
        err = info.error(target, "assignment to an attribute is not supported: a "
                         "differentiated function must not mutate objects",
                         "return the new value instead")
        err.mutation = True   # an effect: a caller never runs this on the tape in mixed mode
        raise err
    raise info.error(target, "unsupported assignment target", _TAPE)


_SIMPLE = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Pass, gast.Raise,
           gast.Assert)


def _check_try(info, stmt):
    """``try`` statements (see trycatch.py): no jump out of any part, and with
    ``except`` clauses, only simple statements in the protected body, so an
    exception can interrupt nothing but a statement's last write."""
    for part in [stmt.body, stmt.orelse, stmt.finalbody] + [h.body for h in stmt.handlers]:
        for node in part:
            for n in _walk(node):
                if isinstance(n, (gast.Return, gast.Break, gast.Continue)):
                    word = type(n).__name__.lower()
                    raise info.error(n, "'%s' inside a try statement is not supported by the "
                                     "compiler" % word,
                                     "set a variable inside the try statement and %s after "
                                     "it, or %s" % (word, _TAPE))
    if stmt.handlers:
        for node in stmt.body:
            if not _simple(node):
                raise info.error(node, "a try body with except clauses may hold only simple "
                                 "statements (assignments, calls, assert, raise): this "
                                 "statement could stop part-way through, which the compiler "
                                 "cannot reverse exactly",
                                 "move it into a helper function and call the helper in the "
                                 "try body, or " + _TAPE)
    _check_block(info, stmt.body)
    for h in stmt.handlers:
        if h.type is not None:
            _check_exprs(info, h.type)
        _check_block(info, h.body)
    _check_block(info, stmt.orelse)
    _check_block(info, stmt.finalbody)


def _simple(node):
    if not isinstance(node, _SIMPLE):
        return False
    if isinstance(node, gast.Assign):
        return all(isinstance(t, (gast.Name, gast.Subscript)) or isinstance(
            t, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Name) for e in t.elts)
            for t in node.targets)
    if isinstance(node, gast.Expr):  # list.extend appends one element at a time
        value = node.value
        return not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and
                    value.func.attr == "extend")
    return True
