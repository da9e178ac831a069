"""What one A-normal-form statement computes, in terms the other passes share.

:func:`classify` turns ``t = np.sum(x, axis=0)``, ``t = x.sum(axis=0)`` and
``t = x + y`` alike into an :class:`Op`: the primitive (a key of the rule
table), its argument nodes, its keyword nodes, and the target.  Python syntax
goes through :mod:`srcgrad.rules.operators`, so an operator and the NumPy
function it stands for share one rule.

>>> import gast, numpy as np
>>> stmt = gast.parse("t = x.sum(axis=0)").body[0]
>>> op = classify(stmt, lambda node: None)
>>> op.kind, op.prim is np.sum, [a.id for a in op.args], sorted(op.kwargs)
('prim', True, ['x'], ['axis'])
"""

import inspect
import operator

import gast
import numpy as np

from .fastast import walk as _walk
from ... import rules
from ...rules import operators as opmap
from ...rules import conversions
from ...rules.effects import hashable as _hashable

__all__ = ["Op", "classify", "slice_to_expr"]


class Op:
    """``kind`` is one of ``prim`` (a rule-table call), ``call`` (a user
    function), ``copy`` (``t = a``), ``const``, ``pack`` (tuple/list literal),
    ``unpack`` (``a, b = t``), ``other`` (kept as is, no gradient)."""

    __slots__ = ("kind", "target", "prim", "args", "kwargs", "callee", "stmt", "pullback",
                 "keys", "nosave", "callee_vjp", "nograd", "diff", "binop", "spread")

    def __init__(self, kind, stmt, target=None, prim=None, args=(), kwargs=None, callee=None):
        self.kind = kind
        self.stmt = stmt
        self.target = target
        self.prim = prim
        self.args = list(args)
        self.kwargs = kwargs or {}
        self.callee = callee
        self.pullback = None
        self.keys = None
        self.nosave = False
        self.callee_vjp = None
        self.diff = None    # activity.diff_operands, once the arguments are final
        self.binop = False  # written as an operator (``a + b``), not a call
        self.spread = None  # a *args/**kwargs callee's call structure (varargs.Spread)
        # under no_grad a computation gives a constant, but binding a name does not:
        # ``with no_grad(): v = a`` leaves v the same value as a (PyTorch: the same tensor)
        self.nograd = bool(getattr(stmt, "nograd", False)) and \
            kind not in ("copy", "pack", "unpack", "return")

    def operand_names(self):
        """Names read by the operation's arguments (not the callee)."""
        nodes = list(self.args) + list(self.kwargs.values())
        return [n.id for node in nodes for n in _walk(node) if isinstance(n, gast.Name)]


def _tuple(nodes):
    return gast.Tuple(elts=list(nodes), ctx=gast.Load())


def slice_to_expr(node):
    """An index node as an expression that builds the same index value:
    ``1:n`` becomes ``slice(1, n, None)``."""
    if isinstance(node, gast.Slice):
        parts = [p if p is not None else gast.Constant(value=None, kind=None)
                 for p in (node.lower, node.upper, node.step)]
        return gast.Call(func=gast.Name(id="slice", ctx=gast.Load(), annotation=None,
                                        type_comment=None), args=parts, keywords=[])
    if isinstance(node, gast.Tuple):
        return _tuple(slice_to_expr(e) for e in node.elts)
    return node


_RESHAPE_LIKE = {"reshape", "transpose"}


def _method(value, resolve):
    """A method call ``a.m(...)`` on a local value -> (numpy fn or None)."""
    func = value.func
    name = func.attr
    if name == "astype":
        return conversions.astype
    if name == "item":
        return conversions.item
    if name == "tolist":
        return conversions.tolist
    if name in ("keys", "values", "items", "get"):
        return getattr(conversions, "dict_" + name)
    return opmap.METHODS.get(name)


def classify(stmt, resolve):
    """Describe an ANF statement.  ``resolve(node)`` maps a static name chain
    to its object (or ``None``)."""
    if isinstance(stmt, gast.Return):
        return Op("return", stmt, args=[stmt.value])
    if isinstance(stmt, gast.Expr):
        value = stmt.value
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
                isinstance(value.func.value, gast.Name) and value.func.attr == "append" \
                and len(value.args) == 1 and not value.keywords and resolve(value.func) is None \
                and resolve(value.func.value) is None:   # a local list (a global's is an effect)
            return Op("append", stmt, value.func.value, args=[value.args[0]])
        return Op("other", stmt)
    if not isinstance(stmt, gast.Assign) or len(stmt.targets) != 1:
        return Op("other", stmt)
    target = stmt.targets[0]
    value = stmt.value
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
        return Op("setitem", stmt, target.value, args=[value, slice_to_expr(target.slice)])
    if isinstance(target, (gast.Tuple, gast.List)):
        return Op("unpack", stmt, target=target, args=[value])
    if not isinstance(target, gast.Name):
        return Op("other", stmt)
    if isinstance(value, gast.Name):
        return Op("copy", stmt, target, args=[value])
    if isinstance(value, gast.Constant):
        return Op("const", stmt, target)
    if isinstance(value, gast.BinOp):
        prim = opmap.BINOPS[type(value.op).__name__]
        op = Op("prim", stmt, target, prim, [value.left, value.right])
        op.binop = True
        return op
    if isinstance(value, gast.UnaryOp):
        prim = opmap.UNARYOPS[type(value.op).__name__]
        return Op("prim", stmt, target, prim, [value.operand])
    if isinstance(value, gast.Compare):
        return Op("prim", stmt, target, opmap.CMPOPS.get(type(value.ops[0]).__name__, np.equal),
                  [value.left, value.comparators[0]])
    if isinstance(value, (gast.Tuple, gast.List)):
        return Op("pack", stmt, target, args=value.elts)
    if isinstance(value, gast.Dict) and all(isinstance(k, gast.Constant) for k in value.keys):
        op = Op("pack", stmt, target, args=value.values)
        op.keys = [k.value for k in value.keys]
        return op
    if isinstance(value, gast.Subscript):
        return Op("prim", stmt, target, operator.getitem, [value.value, slice_to_expr(value.slice)])
    if isinstance(value, gast.Attribute):
        obj = resolve(value)
        if obj is not None:
            return Op("const", stmt, target)
        if value.attr in conversions.METADATA:  # x.dtype, x.strides...: constants
            return Op("prim", stmt, target, conversions.array_attribute,
                      [value.value, gast.Constant(value=value.attr, kind=None)])
        fn = opmap.ATTRIBUTES.get(value.attr)
        if fn is None:  # a field of a namedtuple (or another object)
            return Op("prim", stmt, target, conversions.field, [value.value,
                                                                gast.Constant(value=value.attr,
                                                                              kind=None)])
        return Op("prim", stmt, target, fn, [value.value])
    if isinstance(value, gast.Call):
        kwargs = {k.arg: k.value for k in value.keywords if k.arg is not None}
        func = value.func
        obj = resolve(func)
        if obj is None and isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            fn = _method(value, resolve)
            if fn is None:
                return Op("other", stmt, target, args=[value])
            args = list(value.args)
            if func.attr in _RESHAPE_LIKE and len(args) > 1:
                args = [_tuple(args)]
            return Op("prim", stmt, target, fn, [func.value] + args, kwargs)
        if obj is None:
            return Op("other", stmt, target, args=[value])
        if _hashable(obj) and obj in opmap.OPERATOR_MODULE:
            # operator.add(a, b) is a + b: it concatenates sequences too
            op = Op("prim", stmt, target, opmap.OPERATOR_MODULE[obj], value.args, kwargs,
                    callee=func)
            op.binop = True
            return op
        mode = getattr(obj, "__srcgrad_mode__", None)
        if mode is not None:  # a function decorated with a grad mode
            if not _enables_grad(mode):
                op = Op("prim", stmt, target, obj, value.args, kwargs, callee=func)
                op.nograd = True
                return op
            obj = getattr(obj, "__wrapped__", obj)
            op = classify_call(stmt, target, obj, value, kwargs, func)
            op.nograd = False  # enable_grad inside: gradients flow even under no_grad
            return op
        return classify_call(stmt, target, obj, value, kwargs, func)
    return Op("other", stmt, target, args=[value])


def classify_call(stmt, target, obj, value, kwargs, func):
    """A call of a resolved callable: a user function, or a rule-table call."""
    if not rules.has_rule(obj) and not rules.is_nondiff(obj) and (
            inspect.isfunction(obj) or inspect.ismethod(obj) or _callable_object(obj) or
            getattr(type(obj), "__srcgrad_transform__", False)):  # grad(f): srcgrad/higher.py
        return Op("call", stmt, target, None, value.args, kwargs, callee=obj)
    return Op("prim", stmt, target, obj, value.args, kwargs, callee=func)


def _enables_grad(mode):
    from ... import modes
    if isinstance(mode, (modes.no_grad, modes.inference_mode)):
        return isinstance(mode, modes.inference_mode) and not mode.mode
    if isinstance(mode, modes.set_grad_enabled):
        return mode.mode
    return True


def _callable_object(obj):
    """An instance with ``__call__`` (not a class, builtin or ufunc): the
    compiler differentiates through its ``__call__`` (or hands it to the tape)."""
    return callable(obj) and not isinstance(obj, type) and not inspect.isbuiltin(obj) and \
        not isinstance(obj, np.ufunc) and not inspect.isroutine(obj)


class Compound:
    """An ``if``, ``for`` or ``while`` whose blocks hold classified nodes.

    ``test`` is the condition atom (if/while); ``target`` and ``iter`` the loop
    variable and the ``range`` object (for); ``counter`` the name counting the
    iterations when the trip count is not ``len(iter)``."""

    __slots__ = ("kind", "stmt", "blocks", "test", "target", "iter", "counter", "exit_check",
                 "try_part", "with_part")

    def __init__(self, kind, stmt, blocks, test=None, target=None, iter=None):
        self.kind = kind
        self.stmt = stmt
        self.blocks = blocks
        self.test = test
        self.target = target
        self.iter = iter
        self.counter = None
        self.exit_check = bool(getattr(stmt, "exit_check", False))
        self.try_part = getattr(stmt, "try_part", None)  # a part of a ``try`` (trycatch.py)
        self.with_part = getattr(stmt, "with_part", None)  # a ``with`` body (withblock.py)


def build_tree(stmts, resolve):
    """Classify a block of ANF statements, recursively."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            out.append(Compound("if", stmt, [build_tree(stmt.body, resolve),
                                             build_tree(stmt.orelse, resolve)], test=stmt.test))
        elif isinstance(stmt, gast.For):
            out.append(Compound("for", stmt, [build_tree(stmt.body, resolve)],
                                target=stmt.target.id, iter=stmt.iter))
        elif isinstance(stmt, gast.While):
            out.append(Compound("while", stmt, [build_tree(stmt.body, resolve)],
                                test=stmt.test))
        elif isinstance(stmt, (gast.Break, gast.Pass)):
            continue
        else:
            out.append(classify(stmt, resolve))
    return out


def walk_ops(tree):
    """Every :class:`Op` in a tree, in source order."""
    for node in tree:
        if isinstance(node, Compound):
            for block in node.blocks:
                yield from walk_ops(block)
        else:
            yield node


def split_aux(info, tree, ret):
    """With ``has_aux`` the function returns ``(output, aux)``: the atom of
    ``output``, the value a transform differentiates (either transform)."""
    atom = ret.args[0] if ret is not None else None
    pack = next((op for op in tree if isinstance(op, Op) and op.kind == "pack"
                 and isinstance(atom, gast.Name) and op.target.id == atom.id), None)
    if pack is None or len(pack.args) != 2:
        raise info.error(ret.stmt if ret else info.node,
                         "with has_aux=True the function must return a pair "
                         "(output, aux) written as a tuple", "return output, aux")
    return pack.args[0]


def group_try_parts(nodes):
    """``nodes`` with the consecutive parts of each lowered ``try`` gathered in a list."""
    out = []
    for node in nodes:
        part = getattr(node, "try_part", None) if isinstance(node, Compound) else None
        if part is not None and out and isinstance(out[-1], list) and \
                out[-1][0].try_part.group is part.group:
            out[-1].append(node)
        elif part is not None:
            out.append([node])
        else:
            out.append(node)
    return out
