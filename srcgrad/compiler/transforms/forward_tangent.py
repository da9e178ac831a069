"""A generated JVP's tangent alone, for second derivatives.

The gradient of a directional derivative (``srcgrad.higher``: reverse over
forward) differentiates ``f``'s generated JVP, which returns ``(value,
tangent)``.  Only the tangent is differentiated, so the reverse pass over the
whole JVP would compute the value and pull a zero cotangent back through
it.  :func:`tangent_only` writes the JVP again returning the tangent alone:
the value's computation is then dead code, which the reverse compile drops,
and no zero cotangent is built.

Guarantees: the function returned computes exactly what the JVP computes
(the same statements, the same closure names bound to the same objects, its
comments linking to the user's lines kept), but returns the second item of
the JVP's final ``return (value, tangent)``, without the statements left
dead that only compute with NumPy (the value: ``_t6 = np.mean(_t4 ** 2)``;
nothing else is dropped: a call of anything else may have effects); ``None`` when the JVP's last
statement is not such a return (then the caller calls the JVP itself).
"""

import io
import re
import tokenize

import gast
import numpy as np

from ..backends import codegen

__all__ = ["tangent_only"]

_MARK = "__srcgrad_comment_%d__"
_MARK_RE = re.compile(r"^__srcgrad_comment_(\d+)__$")


def tangent_only(jvp, name):
    """The function ``name(*params)`` returning ``jvp``'s tangent (``jvp``: a
    compiled JVP with ``source``, ``bound`` and ``user_globals``), or ``None``."""
    node = _parse(jvp.source)
    if node is None:
        return None
    last = node.body[-1] if node.body else None
    if not (isinstance(last, gast.Return) and isinstance(last.value, gast.Tuple) and
            len(last.value.elts) == 2):
        return None
    last.value = last.value.elts[1]
    node.body = _drop_dead(node.body, _numpy_names(jvp))
    node.name = name
    generated = codegen.build(node, jvp.bound, jvp.user_globals, name,
                              header="# The tangent of %s alone (srcgrad.higher)\n" % name)
    return generated.fn


def _parse(source):
    """The generated function of ``source`` as a gast FunctionDef whose
    full-line comments are codegen's comment statements again (codegen
    prints them back as the same comments)."""
    lines = source.splitlines(True)
    texts = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            row, col = tok.start
            if tok.type == tokenize.COMMENT and not lines[row - 1][:col].strip():
                texts[row - 1] = tok.string[1:].strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    marked = []
    for i, line in enumerate(lines):
        if i in texts:
            indent = line[:len(line) - len(line.lstrip())]
            marked.append(indent + _MARK % i + "\n")
        else:
            marked.append(line)
    try:
        tree = gast.parse("".join(marked))
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], gast.FunctionDef):
        return None
    for n in gast.walk(tree):
        if isinstance(n, gast.Expr) and isinstance(n.value, gast.Name):
            m = _MARK_RE.match(n.value.id)
            if m:
                n.value.id = "__srcgrad_comment__"
                n.comment_text = texts[int(m.group(1))]
    return tree.body[0]


#: NumPy functions, besides ufuncs, that a dead statement may call and be dropped
_REDUCTIONS = ("sum", "mean", "prod", "dot", "matmul", "square", "max", "min")


def _numpy_names(jvp):
    """The names the JVP's code reads NumPy through (``np``)."""
    spaces = (jvp.bound, jvp.user_globals)
    return {k for space in spaces for k, v in space.items() if v is np}


def _harmless(expr, numpy_names):
    for n in gast.walk(expr):
        if isinstance(n, gast.Call):
            f = n.func
            if not (isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and
                    f.value.id in numpy_names and
                    (f.attr in _REDUCTIONS or isinstance(getattr(np, f.attr, None), np.ufunc))):
                return False
        elif not isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp,
                                gast.Attribute, gast.operator, gast.unaryop,
                                gast.expr_context, gast.keyword)):
            return False
    return True


def _drop_dead(body, numpy_names):
    """``body`` without top-level assignments of a name nothing reads whose
    value only computes with NumPy, until none is left."""
    while True:
        reads = {n.id for stmt in body for n in gast.walk(stmt)
                 if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Store)}
        kept = [stmt for stmt in body if not (
            isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id not in reads and
            _harmless(stmt.value, numpy_names))]
        if len(kept) == len(body):
            return body
        body = kept
