"""The fence: reject what the compiler does not support, before any work.

Guarantee: if :func:`check` returns, every statement and expression in the
function is one the later passes handle; otherwise it raises
:class:`~srcgrad.errors.SrcgradSyntaxError` at the first offending node, with
the user's file, line and source text and a hint saying what to do.

>>> import gast
>>> from .parse import parse_function
>>> def f(x):
...     while x > 1:
...         x = x / 2
...     return x
>>> check(parse_function(f))
Traceback (most recent call last):
...
srcgrad.errors.SrcgradSyntaxError: ...while-loops are not supported...
"""

import gast

__all__ = ["check"]

_TAPE = 'use mode="tape" (or mode="auto") to run this function on the tape'

_STMT_HINTS = {
    gast.For: ("for-loops are not supported by the compiler yet", _TAPE),
    gast.While: ("while-loops are not supported by the compiler yet", _TAPE),
    gast.If: ("if-statements are not supported by the compiler yet", _TAPE),
    gast.Try: ("try/except is not supported by the compiler", _TAPE),
    gast.With: ("with-blocks are not supported by the compiler yet", _TAPE),
    gast.FunctionDef: ("nested function definitions are not supported by the compiler yet",
                       "move the function to module level, or " + _TAPE),
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
    gast.Lambda: ("lambda expressions inside a differentiated function are not supported yet",
                  "define the function at module level"),
    gast.ListComp: ("list comprehensions are not supported by the compiler yet", _TAPE),
    gast.GeneratorExp: ("generator expressions are not supported by the compiler yet", _TAPE),
    gast.DictComp: ("dict comprehensions are not supported by the compiler yet", _TAPE),
    gast.SetComp: ("set comprehensions are not supported by the compiler", _TAPE),
    gast.IfExp: ("conditional expressions are not supported by the compiler yet", _TAPE),
    gast.BoolOp: ("'and' / 'or' are not supported by the compiler yet", _TAPE),
    gast.Dict: ("dict literals are not supported by the compiler yet", _TAPE),
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
    body = fn.body
    for i, stmt in enumerate(body):
        kind = type(stmt)
        if kind in _STMT_HINTS:
            msg, hint = _STMT_HINTS[kind]
            raise info.error(stmt, msg, hint)
        if isinstance(stmt, gast.Return) and i != len(body) - 1:
            raise info.error(stmt, "a return before the end of the function is not supported "
                             "by the compiler yet", _TAPE)
        if isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
            for target in targets:
                _check_target(info, target)
        for node in gast.walk(stmt):
            kind = type(node)
            if kind in _EXPR_HINTS:
                msg, hint = _EXPR_HINTS[kind]
                raise info.error(node, msg, hint)
            if isinstance(node, gast.Starred) and not isinstance(node.ctx, gast.Store):
                raise info.error(node, "*-unpacking in calls is not supported by the compiler "
                                 "yet", "pass the arguments one by one, or " + _TAPE)
            if isinstance(node, gast.Call) and any(k.arg is None for k in node.keywords):
                raise info.error(node, "**-unpacking in calls is not supported by the compiler "
                                 "yet", "pass keyword arguments by name, or " + _TAPE)
            if isinstance(node, gast.Compare) and len(node.ops) > 1:
                raise info.error(node, "chained comparisons are not supported by the compiler "
                                 "yet", "write 'a < b and b < c' as two comparisons")


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
        raise info.error(target, "assignment into an array element is not supported by the "
                         "compiler yet", _TAPE)
    if isinstance(target, gast.Attribute):
        raise info.error(target, "assignment to an attribute is not supported: a "
                         "differentiated function must not mutate objects",
                         "return the new value instead")
    raise info.error(target, "unsupported assignment target", _TAPE)
