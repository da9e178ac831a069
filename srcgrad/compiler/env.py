"""The names generated code binds besides the user's globals, and the small
gast builders the passes share."""

import builtins
import re

import gast

from .anf import Namer
from .parse import _UNRESOLVED

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


class Env:
    """The objects generated code needs besides the user's globals: they are
    bound in a closure around it under the names chosen here.  A name the user's
    module already binds to the same object (``np``) is used as it is."""

    def __init__(self, info, namer=None):
        self.info = info
        self.namer = namer or Namer(set(info.local_names))
        self.bound = {}       # name -> object
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
                return self.bound[node.id]
            if node.id in self.info.local_names:
                return None
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and \
                node.value.id in self.bound:
            return getattr(self.bound[node.value.id], node.attr, None)
        return self.info.resolve(node)

    def builtin(self, name):
        """The name generated code calls the builtin ``name`` by (``reversed``,
        unless the user's code binds ``reversed`` to something else)."""
        return self.ref(getattr(builtins, name), name)

    def runtime(self):
        from .. import runtime
        return self.ref(runtime, "_rt")
