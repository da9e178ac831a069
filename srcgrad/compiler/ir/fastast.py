"""Faster equivalents of :func:`gast.walk` and :class:`gast.NodeTransformer`.

The passes walk every statement of a function several times; the standard
library's walker and transformer go through ``iter_fields`` / ``getattr``
generators for each node, which dominates the transform time of long
functions.  These do the same work reading each node's ``_fields`` directly:

- :func:`walk` yields the same nodes as ``gast.walk``, in the same
  (breadth-first) order;
- :class:`Transformer` behaves as ``gast.NodeTransformer`` (``visit_<Class>``
  methods, ``generic_visit`` replacing children in place, a ``None`` result
  removing a node from a list), with the method for each node class looked up
  once per transformer class.

>>> import gast
>>> tree = gast.parse("y = f(x, z=2 * x)")
>>> [type(n).__name__ for n in walk(tree)] == [type(n).__name__ for n in gast.walk(tree)]
True
>>> class Rename(Transformer):
...     def visit_Name(self, node):
...         return gast.Name("v", node.ctx, None, None) if node.id == "x" else node
>>> from ..frontend.anf import dump
>>> print(dump(Rename().visit(gast.parse("y = f(x, z=2 * x)")).body))
y = f(v, z=2 * v)
"""

from collections import deque

import gast

__all__ = ["walk", "Transformer", "names"]

_AST = gast.AST


#: fields that never hold a node, by gast's grammar (names, constants' values,
#: identifiers): skipped by :func:`walk`, which reads only the others
_LEAF_FIELDS = {"Name": ("id", "type_comment"), "Constant": ("value", "kind"),
                "Attribute": ("attr",), "keyword": ("arg",), "alias": ("name", "asname"),
                "Global": ("names",), "Nonlocal": ("names",),
                "ImportFrom": ("module", "level")}


class _ChildFields(dict):
    """node class -> the fields of its nodes that may hold nodes."""

    def __missing__(self, kind):
        skip = _LEAF_FIELDS.get(kind.__name__, ()) if kind.__module__.startswith("gast") \
            else ()
        fields = self[kind] = tuple(f for f in kind._fields if f not in skip)
        return fields


_CHILD_FIELDS = _ChildFields()


def walk(node):
    """Every node under ``node`` (itself included), breadth first, as
    ``gast.walk``."""
    todo = deque([node])
    pop, push = todo.popleft, todo.append
    fields_of = _CHILD_FIELDS
    while todo:
        node = pop()
        for field in fields_of[type(node)]:
            value = getattr(node, field, None)
            if isinstance(value, _AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, _AST):
                        push(item)
        yield node


def names(node, ctx=gast.Load):
    """The ids of the ``Name`` nodes under ``node`` whose context is ``ctx``,
    in ``gast.walk`` order."""
    return [n.id for n in walk(node) if type(n) is gast.Name and isinstance(n.ctx, ctx)]


class Transformer:
    """``gast.NodeTransformer``, faster (see the module docstring)."""

    def visit(self, node):
        cls = type(self)
        table = cls.__dict__.get("_table")
        if table is None:
            table = {}
            cls._table = table
        kind = type(node)
        name = table.get(kind, 0)
        if name == 0:
            name = "visit_" + kind.__name__
            name = table[kind] = name if hasattr(self, name) else None
        if name is None:
            return self.generic_visit(node)
        return getattr(self, name)(node)

    def generic_visit(self, node):
        for field in node._fields:
            old = getattr(node, field, None)
            if isinstance(old, list):
                new = []
                for value in old:
                    if isinstance(value, _AST):
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, _AST):
                            new.extend(value)
                            continue
                    new.append(value)
                old[:] = new
            elif isinstance(old, _AST):
                value = self.visit(old)
                if value is None:
                    delattr(node, field)
                else:
                    setattr(node, field, value)
        return node


_NOT_LOOKED_UP = object()


class CachedDispatch:
    """The dispatch of gast's two tree converters (``to_gast``, ``to_ast``),
    made cheaper: a node's ``visit_<Class>`` method is looked up once per
    class (in the subclass's own ``_methods`` dict) and ``_visit`` recurses
    into lists directly.  A subclass sets ``_node_type`` (the class of the
    nodes it converts) and ``_methods = {}``, and defines ``generic_visit``."""

    _node_type = gast.AST
    _methods = None     # per subclass: node class -> its visitor (unbound), or None

    def visit(self, node):
        kind = type(node)
        method = self._methods.get(kind, _NOT_LOOKED_UP)
        if method is _NOT_LOOKED_UP:
            method = getattr(type(self), "visit_" + kind.__name__, None)
            self._methods[kind] = method
        if method is None:
            return self.generic_visit(node)
        return method(self, node)

    def _visit(self, node):
        if isinstance(node, self._node_type):
            return self.visit(node)
        if isinstance(node, list):
            return [self._visit(n) for n in node]
        return node
