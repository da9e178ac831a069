"""The names generated code binds besides the user's globals, and the small
gast builders the passes share."""

import builtins
import inspect
import re

import gast
import numpy as np

from ..frontend.anf import Namer
from ..frontend.parse import _UNRESOLVED

__all__ = ["Env", "load", "store", "assign", "call", "attr", "const", "STATE_NAMES"]

#: the generated code's own locals, by role (the default spelling of each)
STATE_NAMES = ("_stack", "_push", "_pop", "_rev", "_final", "_calls")


def load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def assign(name, value, line=None):
    stmt = gast.Assign(targets=[store(name)], value=value, type_comment=None)
    stmt.user_line = line
    return stmt


def call(func, args, keywords=()):
    return gast.Call(func=func, args=list(args), keywords=list(keywords))


def attr(base, name):
    return gast.Attribute(value=load(base), attr=name, ctx=gast.Load())


def const(value):
    return gast.Constant(value=value, kind=None)


def literal(value):
    """Whether ``value`` can be written as a literal in generated code."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, tuple):
        return all(literal(v) for v in value)
    return False


_ABSENT = object()

#: modules whose functions nobody rebinds: calls into them are not guarded
_LIBRARIES = ("numpy", "scipy", "math", "cmath", "builtins", "operator", "functools",
              "itertools", "srcgrad", "autograd")


def _library(obj):
    mod = getattr(obj, "__module__", None) or ""
    return isinstance(obj, np.ufunc) or mod.split(".")[0] in _LIBRARIES


def _dotted(node):
    if isinstance(node, gast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return node.id


def _user_module_attribute(node, info):
    """``mod.fn`` (or ``pkg.mod.fn``) where the chain's root is a global or
    closure variable holding a module that is not a library."""
    root = node
    while isinstance(root, gast.Attribute):
        root = root.value
    if not isinstance(root, gast.Name) or root.id in info.local_names:
        return False
    base = info.resolve(node.value)
    return inspect.ismodule(base) and \
        (base.__name__ or "").split(".")[0] not in _LIBRARIES


class Env:
    """The objects generated code needs besides the user's globals: they are
    bound in a closure around it under the names chosen here.  A name the user's
    module already binds to the same object (``np``) is used as it is."""

    def __init__(self, info, namer=None):
        self.info = info
        self.namer = namer or Namer(set(info.local_names))
        self.bound = {}       # name -> object
        #: what the code calls through a name the user can rebind (a module global,
        #: a closure variable, a user module's attribute): text -> (node, object)
        self.guarded = {}
        self._by_id = {}      # id(object) -> name
        #: the names of the forward sweep's state (the stack of saved values and
        #: its helpers), readable defaults unless the user's code binds them
        self.state = {k: self.namer.fresh(k) for k in STATE_NAMES}

    def ref(self, obj, hint):
        """A name under which generated code can reach ``obj``."""
        hit = self._by_id.get(id(obj))
        if hit is not None:
            return hit
        hint = re.sub(r"\W", "_", hint) or "obj"  # "<lambda>" -> "_lambda_"
        visible = self.info.lookup_name(hint)
        if visible is obj and hint not in self.info.local_names:
            name = hint
        else:
            name = hint if hint.startswith("_") else "_" + hint
            if name in self.namer.taken or self.info.lookup_name(name) is not _UNRESOLVED:
                name = self.namer.fresh(name)
            self.namer.taken.add(name)
            self.bound[name] = obj
        self._by_id[id(obj)] = name
        return name

    def resolve(self, node):
        """The object a name in generated code stands for (or ``None``)."""
        if isinstance(node, gast.Name):
            if node.id in self.bound:
                obj = self.bound[node.id]
                if node.id in getattr(self.info, "cells", {}):
                    self._guard(node, obj)     # a closure variable, read live
                return obj
            if node.id in self.info.local_names:
                return None
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and \
                node.value.id in self.bound:
            obj = getattr(self.bound[node.value.id], node.attr, None)
            if _user_module_attribute(node, self.info):
                self._guard(node, obj)         # mod.fn of a user module, read live
            return obj
        obj = self.info.resolve(node)
        if isinstance(node, gast.Name) and \
                getattr(self.info, "globals", {}).get(node.id, _ABSENT) is obj:
            self._guard(node, obj)             # a module global, read live
        elif isinstance(node, gast.Attribute) and _user_module_attribute(node, self.info):
            self._guard(node, obj)             # mod.fn of a user module, read live
        return obj

    def _guard(self, node, obj):
        """Record that generated code reaches the callable ``obj`` through
        ``node``, a name the user can rebind between calls: the code checks it
        (see ``pipeline._rebinding_guards``)."""
        if obj is None or not callable(obj) or inspect.ismodule(obj) or inspect.isclass(obj):
            return
        if isinstance(node, gast.Name) and node.id == getattr(obj, "__name__", None) and \
                _library(obj):
            return      # ``from numpy import sin``: an import, not a setting
        self.guarded.setdefault(_dotted(node), (node, obj))

    def builtin(self, name):
        """The name generated code calls the builtin ``name`` by (``reversed``,
        unless the user's code binds ``reversed`` to something else)."""
        return self.ref(getattr(builtins, name), name)

    def runtime(self):
        from ... import runtime
        return self.ref(runtime, "_rt")
