"""gast -> ast, the same conversion as :func:`gast.gast_to_ast`, faster.

Codegen converts each generated module once, and gast's converter spent more
time on that than the printer (astor) did on printing it: it looks up the
visitor of every node by name and builds each new node through ``hasattr`` /
``getattr`` pairs.  :class:`_ToAst` is gast's own converter (its special cases
for ``Name``, ``arguments``, ``FunctionDef``... are kept as they are, for
every Python version gast supports) with only the generic path and the
dispatch made cheaper, and source positions copied only where a node has its
own (the printer ignores them): the result prints the same, byte for byte.

>>> import ast, gast
>>> tree = gast.parse("def f(x, *a, k=1):\\n    y = x[1:2, ::3] + a[0] ** -2\\n    return y")
>>> ast.dump(to_ast(tree)) == ast.dump(gast.gast_to_ast(tree))
True
"""

import ast

import gast

from ..ir.fastast import CachedDispatch

__all__ = ["to_ast", "to_printable_ast"]

try:
    from gast.ast3 import GAstToAst3 as _Base
except ImportError:  # pragma: no cover - a gast without this module: use its converter
    _Base = None

_MISSING = object()
_AST = gast.AST


if _Base is not None:
    class _ToAst(CachedDispatch, _Base):
        """gast's converter with a per-class dispatch table and a direct
        generic path."""

        _node_type = gast.AST
        _methods = {}   # gast class -> its special visitor (unbound), or None
        _plans = {}     # gast class -> see _plan

        def generic_visit(self, node):
            kind = type(node)
            plan = self._plans.get(kind)
            if plan is None:
                plan = self._plans[kind] = _plan(kind)
            cls, fields, defaults = plan
            if cls is None:
                return None   # not part of the AST (as gast's converter)
            own = node.__dict__
            values = {}
            for field in fields:
                value = own.get(field, _MISSING)
                if value is _MISSING:
                    value = defaults.get(field, _MISSING)
                    if value is _MISSING:
                        continue
                if isinstance(value, _AST):
                    value = self.visit(value)
                elif isinstance(value, list):
                    value = [self._visit(n) for n in value]
                values[field] = value
            new = cls(**values)
            for attr in node._attributes:   # the source positions the node has
                value = own.get(attr, _MISSING)
                if value is not _MISSING:
                    setattr(new, attr, value)
            return new

        def visit_Name(self, node):
            # gast's visit_Name, less copy_location: positions are not printed
            return ast.Name(node.id, self.visit(node.ctx))

        def visit_Load(self, node):
            return _LOAD

        def visit_Store(self, node):
            return _STORE

    _LOAD, _STORE = ast.Load(), ast.Store()   # shared, as in the trees ast.parse makes

    def _plan(kind):
        """How to convert a gast class: the ast class, the fields to read,
        and the class-level defaults of those fields."""
        cls = getattr(ast, kind.__name__, None)
        defaults = {f: getattr(kind, f) for f in kind._fields if hasattr(kind, f)}
        return cls, kind._fields, defaults


def to_ast(node):
    """The ``ast`` tree of the gast tree ``node`` (as :func:`gast.gast_to_ast`)."""
    if _Base is None:  # pragma: no cover
        return gast.gast_to_ast(node)
    return _ToAst().visit(node)


if _Base is not None:
    class _ForPrinting(_ToAst):
        """:class:`_ToAst` making the two changes the printer needs on the
        way (one pass over the tree instead of three): a negative number
        constant becomes a unary minus (printed bare, ``-0.7 ** 2`` would
        be ``-(0.7 ** 2)``), and a comment statement
        (:func:`~.codegen.comment`) the marker ``__srcgrad_comment_<i>__``,
        its text being ``texts[i]``.  The gast tree is left as it was."""

        _methods = {}

        def __init__(self):
            self.texts = []

        def visit_Constant(self, node):
            v = node.value
            if type(v) in (int, float) and v < 0:
                return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-v, kind=None))
            return self.generic_visit(node)

        def visit_Expr(self, node):
            text = getattr(node, "comment_text", None)
            if text is None:
                return self.generic_visit(node)
            marker = "__srcgrad_comment_%d__" % len(self.texts)
            self.texts.append(text)
            return ast.Expr(value=ast.Name(marker, _LOAD))


def to_printable_ast(node):
    """``(tree, texts)``: the ``ast`` tree of ``node`` as codegen prints it
    (negative constants as unary minus, comments as numbered markers whose
    texts are ``texts``); ``node`` itself is not changed.

    >>> import gast
    >>> tree, texts = to_printable_ast(gast.parse("y = x ** -2"))
    >>> import ast; ast.unparse(tree), texts
    ('y = x ** (-2)', [])
    """
    if _Base is None:  # pragma: no cover
        raise NotImplementedError("this gast has no gast.ast3 converter")
    printer = _ForPrinting()
    return printer.visit(node), printer.texts
