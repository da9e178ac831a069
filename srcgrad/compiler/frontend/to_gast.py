"""Source -> gast, the same tree as :func:`gast.parse`, faster.

``gast.parse`` parses with :mod:`ast` and converts the tree node by node with
a translator that finds each node's visitor by name and builds each new node
through ``hasattr`` / ``getattr`` pairs; for a long function the conversion
costs several times the parse.  :class:`_ToGast` is gast's own translator
(its special cases for ``Name``, ``arg``, ``FunctionDef``... kept as they are,
for every Python version gast supports) with a per-class dispatch table and a
direct generic path: the same fields, the same source positions, a tree equal
to gast's.

>>> import gast
>>> text = "def f(x, *a, k=1):\\n    y = x[1:2, ::3] + a[0] ** -2\\n    return y"
>>> gast.dump(parse(text), include_attributes=True) == \\
...     gast.dump(gast.parse(text), include_attributes=True)
True
"""

import ast

import gast

from ..ir.fastast import CachedDispatch

__all__ = ["parse"]

try:
    from gast.ast3 import Ast3ToGAst as _Base
except ImportError:  # pragma: no cover - a gast without this module: use its converter
    _Base = None

_MISSING = object()
_AST = ast.AST


if _Base is not None:
    class _ToGast(CachedDispatch, _Base):
        """gast's translator with a per-class dispatch table and a direct
        generic path."""

        _node_type = ast.AST
        _methods = {}   # ast class -> its special visitor (unbound), or None
        _plans = {}     # ast class -> see _plan

        def generic_visit(self, node):
            kind = type(node)
            plan = self._plans.get(kind)
            if plan is None:
                plan = self._plans[kind] = _plan(kind)
            cls, fields, field_defaults, attrs = plan
            if cls is None:
                return None   # not part of the AST (as gast's translator)
            own = node.__dict__
            values = {}
            for field in fields:
                value = own.get(field, _MISSING)
                if value is _MISSING:
                    value = field_defaults.get(field, _MISSING)
                    if value is _MISSING:
                        continue
                if isinstance(value, _AST):
                    value = self.visit(value)
                elif isinstance(value, list):
                    value = [self._visit(n) for n in value]
                values[field] = value
            new = cls(**values)
            for attr, default in attrs:
                value = own.get(attr, default)
                if value is not _MISSING:
                    setattr(new, attr, value)
            return new

        def visit_Name(self, node):
            # gast's visit_Name, with a direct ast.copy_location
            new = gast.Name(node.id, self.visit(node.ctx), None, None)
            own = node.__dict__
            for attr in _POSITIONS:
                value = own.get(attr, _MISSING)
                if value is _MISSING:   # as copy_location: a class default, else None
                    value = getattr(node, attr, None)
                if value is not None or attr.startswith("end_") and hasattr(node, attr):
                    setattr(new, attr, value)
            return new

    _POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")

    def _plan(kind):
        """How to translate an ast class: the gast class, the fields to read,
        their class-level defaults, and the position attributes with theirs
        (what ``hasattr`` / ``getattr`` on a node of the class would find)."""
        cls = getattr(gast, kind.__name__, None)
        defaults = {f: getattr(kind, f) for f in kind._fields if hasattr(kind, f)}
        attrs = tuple((a, getattr(kind, a, _MISSING)) for a in kind._attributes)
        return cls, kind._fields, defaults, attrs


def parse(text):
    """``gast.parse(text)``."""
    tree = ast.parse(text)
    if _Base is None:  # pragma: no cover
        return gast.ast_to_gast(tree)
    return _ToGast().visit(tree)
