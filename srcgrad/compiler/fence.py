"""The fence: reject what the compiler does not support, before any work.

Guarantee: if :func:`check` returns, every statement and expression in the
function is one the later passes handle; otherwise it raises
:class:`~srcgrad.errors.SrcgradSyntaxError` at the first offending node, with
the user's file, line and source text and a hint saying what to do.

>>> import gast
>>> from .parse import parse_function
>>> def f(x):
...     try:
...         x = x / 2
...     except ZeroDivisionError:
...         pass
...     return x
>>> check(parse_function(f))
Traceback (most recent call last):
...
srcgrad.errors.SrcgradSyntaxError: ...try/except is not supported...
"""

import gast

__all__ = ["check"]

_TAPE = 'use mode="tape" (or mode="auto") to run this function on the tape'

_STMT_HINTS = {
    gast.Try: ("try/except is not supported by the compiler", _TAPE),
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
    gast.Raise: ("'raise' is not supported by the compiler yet", _TAPE),
    gast.Assert: ("'assert' is not supported by the compiler yet",
                  "check inputs before calling the differentiated function"),
    gast.Import: ("imports inside a differentiated function are not supported",
                  "import at module level"),
    gast.ImportFrom: ("imports inside a differentiated function are not supported",
                      "import at module level"),
}

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
        raise info.error(fn, "functions with *args or **kwargs parameters are not supported "
                         "by the compiler yet", _TAPE)
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
                _check_target(info, target)
        if isinstance(stmt, gast.For):
            _check_target(info, stmt.target)
        if isinstance(stmt, gast.With):
            from .anf import grad_mode_of
            if grad_mode_of(stmt, info.resolve) == (None, None):
                raise info.error(stmt, "with-blocks other than srcgrad's grad modes (no_grad, "
                                 "enable_grad, set_grad_enabled, inference_mode) are not "
                                 "supported by the compiler", _TAPE)
            _check_block(info, stmt.body)
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            _check_exprs(info, stmt.test if not isinstance(stmt, gast.For) else stmt.iter)
            _check_block(info, stmt.body)
            _check_block(info, stmt.orelse)
            continue
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            from .. import modes
            call = stmt.value
            if info.resolve(call.func) is modes.set_grad_enabled and not (
                    len(call.args) == 1 and isinstance(call.args[0], gast.Constant)):
                raise info.error(stmt, "set_grad_enabled(flag) as a plain call needs a "
                                 "constant flag in compiled code",
                                 "write 'with set_grad_enabled(flag):' around the statements, "
                                 "or " + _TAPE)
        _check_exprs(info, stmt)


def _check_exprs(info, root):
    for node in gast.walk(root):
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


def _check_target(info, target):
    if isinstance(target, gast.Name):
        return
    if isinstance(target, (gast.Tuple, gast.List)):
        for elt in target.elts:
            if isinstance(elt, gast.Starred):
                raise info.error(elt, "starred assignment targets are not supported by the "
                                 "compiler", "unpack into a fixed number of names")
            _check_target(info, elt)
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
