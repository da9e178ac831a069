"""Loops and comprehensions in A-normal form (mixed into the flattener).

Guarantees: a ``for`` over ``range(...)`` stays a ``for`` over an atom holding
the range; any other iterable becomes a loop over indices,
``for _k in range(len(seq)): t = seq[_k]`` (``enumerate``, ``zip`` and
``reversed`` index their sequences directly, nested too; dicts iterate over
their keys, ``.items()``/``.values()`` over lists); a ``while`` loop's test is
an atom computed before the loop and again at the end of the body; a loop's
``else`` (no ``break`` left, see :mod:`.desugar`) runs after it; a list, dict
or generator comprehension becomes a loop filling a fresh list or dict, its
loop variables renamed so they do not leak.
"""

import builtins
import copy

import gast

from ..ir.fastast import walk as _walk
from ...rules import conversions
from ..ir.nodes import _assign, _call_builtin, _for, _load, _rename, _set_lines, _subscript

__all__ = ["LoopsMixin"]


class LoopsMixin:
    """Loop and comprehension methods of the A-normal-form flattener."""

    def comprehension(self, node):
        """A list comprehension (or a generator fed to a call) as a loop that
        appends to a fresh list; the loop variables get fresh names."""
        is_dict = isinstance(node, gast.DictComp)
        result = self.namer.fresh("_dict" if is_dict else "_list")
        empty = gast.Dict(keys=[], values=[]) if is_dict else gast.List(elts=[], ctx=gast.Load())
        self.emit(_assign(result, empty, self.line))
        renames = {}
        for gen in node.generators:
            for n in _walk(gen.target):
                if isinstance(n, gast.Name):
                    renames[n.id] = self.namer.fresh("_" + n.id.lstrip("_"))
        node = _rename(copy.deepcopy(node), renames)
        if is_dict:
            store = gast.Subscript(value=_load(result), slice=node.key, ctx=gast.Store())
            body = [gast.Assign(targets=[store], value=node.value, type_comment=None)]
        else:
            body = [gast.Expr(value=gast.Call(
                func=gast.Attribute(value=_load(result), attr="append", ctx=gast.Load()),
                args=[node.elt], keywords=[]))]
        for gen in reversed(node.generators):
            for cond in reversed(gen.ifs):
                body = [gast.If(test=cond, body=body, orelse=[])]
            loop = gast.For(target=gen.target, iter=gen.iter, body=body, orelse=[],
                            type_comment=None)
            body = [loop]
        for stmt in body:
            _set_lines(stmt, self.line)
            self.stmt(stmt)
        return _load(result)

    # ---------------------------------------------------------- statements
    def _call_name(self, node):
        if isinstance(node, gast.Call) and not node.keywords:
            import builtins
            fn = self.resolve(node.func)
            for name in ("range", "enumerate", "zip", "reversed"):
                if fn is getattr(builtins, name):
                    return name
        return None

    def for_loop(self, node):
        """``for t in range(...)`` stays; any other iterable becomes a loop over
        indices: ``for _k in range(len(seq)): t = seq[_k]`` (``enumerate``,
        ``zip`` and ``reversed``, nested, index their sequences directly)."""
        kind = self._call_name(node.iter)
        line = self.line
        if kind == "range" and isinstance(node.target, gast.Name):
            rng = self.atom(gast.Call(func=copy.deepcopy(node.iter.func),
                                      args=[self.atom(a) for a in node.iter.args], keywords=[]))
            body = self.sub_block(node.body)
            self.emit(_for(node.target.id, rng, body, line))
        else:
            index = self.namer.fresh("_k")
            lengths, assigns = self.iteration(node.iter, node.target, index)
            length = lengths[0] if len(lengths) == 1 else \
                self.atom(_call_builtin(self.bind(builtins.min, "min"), lengths))
            rng = self.atom(_call_builtin(self.bind(builtins.range, "range"), [length]))
            saved, self.out = self.out, []
            for target, value in assigns:
                if isinstance(value, tuple):  # reversed: compute the position first
                    _, seq, last = value
                    pos = self.atom(gast.BinOp(left=last, op=gast.Sub(), right=_load(index)))
                    value = _subscript(seq, pos)
                self.assign([target], value)
            head = self.out
            self.out = saved
            body = head + self.sub_block(node.body)
            self.emit(_for(index, rng, body, line))
        for stmt in node.orelse:  # no break left (see desugar): else always runs
            self.stmt(stmt)

    def iteration(self, it, target, index):
        """``(lengths, [(target, value)])`` for iterating ``it`` by ``index``."""
        kind = self._call_name(it)
        tup = isinstance(target, (gast.Tuple, gast.List))
        if kind == "enumerate" and tup and len(target.elts) == 2 and len(it.args) in (1, 2):
            lengths, assigns = self.iteration(it.args[0], target.elts[1], index)
            counter = _load(index) if len(it.args) == 1 else \
                gast.BinOp(left=_load(index), op=gast.Add(), right=self.atom(it.args[1]))
            return lengths, [(target.elts[0], counter)] + assigns
        if kind == "zip" and tup and len(target.elts) == len(it.args) and it.args:
            lengths, assigns = [], []
            for t, a in zip(target.elts, it.args):
                more, parts = self.iteration(a, t, index)
                lengths += more
                assigns += parts
            return lengths, assigns
        seq = self.sequence(it.args[0] if kind == "reversed" and len(it.args) == 1 else it)
        length = self.atom(_call_builtin(self.bind(builtins.len, "len"), [seq]))
        if kind == "reversed" and len(it.args) == 1:
            last = self.atom(gast.BinOp(left=length, op=gast.Sub(),
                                        right=gast.Constant(value=1, kind=None)))
            return [length], [(target, ("reversed", seq, last))]
        return [length], [(target, _subscript(seq, _load(index)))]

    def sequence(self, node):
        """An atom holding an indexable sequence for ``node``."""
        if isinstance(node, (gast.List, gast.Tuple, gast.ListComp)):
            return self.atom(node)
        if isinstance(node, gast.Call):
            fn = self.resolve(node.func)
            import builtins
            if fn in (builtins.list, builtins.tuple) or self._call_name(node) == "range":
                return self.atom(node)
            if isinstance(node.func, gast.Attribute) and fn is None and \
                    node.func.attr in ("keys", "values", "items") and not node.args:
                helper = getattr(conversions, "dict_" + node.func.attr)
                return self.atom(gast.Call(func=_load(self.bind(helper, "_dict_" +
                                                                node.func.attr)),
                                           args=[self.atom(node.func.value)], keywords=[]))
        return self.atom(gast.Call(func=_load(self.bind(conversions.as_sequence,
                                                        "_as_sequence")),
                                   args=[self.atom(node)], keywords=[]))

    def while_loop(self, node):
        """``while test: body`` as ``t = test; while t: body; t = test`` so the
        loop test is an atom."""
        line = self.line
        saved, self.out = self.out, []
        test = self.atom(node.test)
        head = self.out
        self.out = saved
        for stmt in head:
            self.emit(stmt)
        body = self.sub_block(node.body)
        again = [copy.deepcopy(s) for s in head]
        if body and getattr(body[-1], "exit_check", False):
            body = body[:-1] + again + body[-1:]
        else:
            body = body + again
        loop = gast.While(test=test, body=body or [gast.Pass()], orelse=[])
        loop.user_line = line
        self.emit(loop)
        for stmt in node.orelse:  # no break left (see desugar): else always runs
            self.stmt(stmt)
