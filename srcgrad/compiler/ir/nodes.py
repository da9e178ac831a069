"""Small shared pieces of the compiler's passes: fresh names, statement
builders, and printing gast for doctests and ``verbose`` output.

>>> n = Namer({"x", "_t1"})
>>> n.temp(), n.fresh("x"), n.fresh("y")
('_t2', 'x_1', 'y')
"""

import copy

import astor
import gast

__all__ = ["is_atom", "dump", "Namer", "root_name"]


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


def root_name(node):
    """The name at the root of ``a.b[i].c`` (``a``), or ``None``."""
    while isinstance(node, (gast.Attribute, gast.Subscript)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def dump(stmts):
    """Source text of a list of gast statements (for doctests and debugging)."""
    mod = gast.Module(body=list(stmts), type_ignores=[])
    return astor.to_source(gast.gast_to_ast(mod)).rstrip("\n")


class Namer:
    """Deterministic fresh names that never collide with the user's."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.counter = 0

    def temp(self):
        while True:
            self.counter += 1
            name = "_t%d" % self.counter
            if name not in self.taken:
                self.taken.add(name)
                return name

    def fresh(self, base):
        if base not in self.taken:
            self.taken.add(base)
            return base
        i = 1
        while "%s_%d" % (base, i) in self.taken:
            i += 1
        name = "%s_%d" % (base, i)
        self.taken.add(name)
        return name


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def _assign(name, value, line):
    stmt = gast.Assign(targets=[_store(name)], value=value, type_comment=None)
    stmt.user_line = line
    return stmt


def _if(test, body, orelse, line):
    node = gast.If(test=test, body=body or [gast.Pass()], orelse=orelse)
    node.user_line = line
    return node


def _for(target, iter_atom, body, line):
    node = gast.For(target=_store(target), iter=iter_atom, body=body or [gast.Pass()],
                    orelse=[], type_comment=None)
    node.user_line = line
    return node


def _subscript(seq, index):
    return gast.Subscript(value=copy.deepcopy(seq), slice=index, ctx=gast.Load())


def _call_builtin(name, args):
    return gast.Call(func=_load(name), args=list(args), keywords=[])


def _rename(node, renames):
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id in renames:
            n.id = renames[n.id]
    return node


def _set_lines(node, line):
    for n in gast.walk(node):
        if isinstance(n, gast.stmt):
            n.user_line = line
