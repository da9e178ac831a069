"""Starred assignment targets, rewritten into slices before A-normal form.

``head, *rest, tail = value`` becomes statements the later passes already
differentiate (subscripts, slices, ``list``)::

    head, = value[:1]
    _rest = value[1:]
    rest = list(_rest[:-1])
    tail, = _rest[-1:]

Guarantee: the names get the values Python gives them (the starred name a
list, whatever ``value`` is), and a value too short to unpack raises
Python's own ``ValueError`` ("not enough values to unpack"): the fixed
targets unpack slices, which check their length.  ``value`` is evaluated
once (into a fresh name unless it is a name no target rebinds).  Starred
targets of a ``for`` loop stay refused by the fence.

>>> import gast
>>> from .anf import dump
>>> from ..ir.nodes import Namer
>>> fn = gast.parse("def f(params):\\n    first, *rest = params\\n    return first").body[0]
>>> print(dump(expand_starred_targets(fn, Namer({"params", "first", "rest"})).body))
first, = params[:1]
rest = list(params[1:])
return first
"""

import copy

import gast
from ..ir.fastast import walk as _walk

__all__ = ["expand_starred_targets", "has_starred_target"]


def _name(name, ctx):
    return gast.Name(id=name, ctx=ctx, annotation=None, type_comment=None)


def _const(value):
    return gast.Constant(value=value, kind=None)


def _slice(value, lower, upper):
    return gast.Subscript(value=_name(value, gast.Load()),
                          slice=gast.Slice(lower=None if lower is None else _const(lower),
                                           upper=None if upper is None else _const(upper),
                                           step=None), ctx=gast.Load())


def _starred_at_top(target):
    return isinstance(target, (gast.Tuple, gast.List)) and \
        any(isinstance(e, gast.Starred) for e in target.elts)


def has_starred_target(fn):
    """Whether an assignment in ``fn`` has a starred target."""
    return any(isinstance(n, gast.Assign) and any(
        isinstance(e, gast.Starred) for t in n.targets for e in _walk(t))
        for n in _walk(fn))


def expand_starred_targets(fn, namer):
    """A copy of ``fn`` whose assignments have no starred target."""
    if not has_starred_target(fn):
        return fn
    fn = copy.deepcopy(fn)
    _Rewriter(namer).block_of(fn)
    return fn


class _Rewriter:
    def __init__(self, namer):
        self.namer = namer

    def block_of(self, node):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                setattr(node, field, self.block(block))
        for handler in getattr(node, "handlers", None) or ():
            handler.body = self.block(handler.body)

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.Assign) and has_starred_target(stmt):
                new = []
                value = stmt.value
                if len(stmt.targets) > 1 or not isinstance(value, gast.Name):
                    temp = self.namer.fresh("_unpacked")
                    new.append(gast.Assign(targets=[_name(temp, gast.Store())], value=value,
                                           type_comment=None))
                    value = _name(temp, gast.Load())
                for target in stmt.targets:
                    self.assign(target, value.id, new)
                for s in new:
                    for n in _walk(s):
                        gast.copy_location(n, stmt)
                out.extend(new)
                continue
            if not isinstance(stmt, gast.FunctionDef):
                self.block_of(stmt)
            out.append(stmt)
        return out

    def assign(self, target, value, out):
        """Statements assigning the name ``value`` to ``target``."""
        if not _starred_at_top(target):
            if isinstance(target, (gast.Tuple, gast.List)) and has_starred_target(
                    gast.Assign(targets=[target], value=None)):
                # a starred target deeper down: unpack this level into fresh names
                elts = []
                for e in target.elts:
                    if isinstance(e, (gast.Tuple, gast.List)):
                        temp = self.namer.fresh("_unpacked")
                        elts.append((_name(temp, gast.Store()), e, temp))
                    else:
                        elts.append((e, None, None))
                out.append(gast.Assign(targets=[gast.Tuple(elts=[e for e, _, _ in elts],
                                                           ctx=gast.Store())],
                                       value=_name(value, gast.Load()), type_comment=None))
                for _, sub, temp in elts:
                    if sub is not None:
                        self.assign(sub, temp, out)
                return
            out.append(gast.Assign(targets=[target], value=_name(value, gast.Load()),
                                   type_comment=None))
            return
        elts = target.elts
        star = next(i for i, e in enumerate(elts) if isinstance(e, gast.Starred))
        before, middle, after = elts[:star], elts[star].value, elts[star + 1:]
        stored = {n.id for e in elts for n in _walk(e) if isinstance(n, gast.Name)}
        if value in stored:   # a target rebinds the value before it is read again
            temp = self.namer.fresh("_unpacked")
            out.append(gast.Assign(targets=[_name(temp, gast.Store())],
                                   value=_name(value, gast.Load()), type_comment=None))
            value = temp
        if before:
            out.append(gast.Assign(targets=[gast.Tuple(elts=list(before), ctx=gast.Store())],
                                   value=_slice(value, None, len(before)), type_comment=None))
            _split_nested(out, self)
        rest = value
        if after and before:
            rest = self.namer.fresh("_rest")
            out.append(gast.Assign(targets=[_name(rest, gast.Store())],
                                   value=_slice(value, len(before) or None, None),
                                   type_comment=None))
        if after:
            mid = _slice(rest, None, -len(after))
        else:
            mid = _slice(value, len(before) or None, None)
        listed = gast.Call(func=_name("list", gast.Load()), args=[mid], keywords=[])
        if isinstance(middle, gast.Name):
            out.append(gast.Assign(targets=[middle], value=listed, type_comment=None))
        else:
            temp = self.namer.fresh("_unpacked")
            out.append(gast.Assign(targets=[_name(temp, gast.Store())], value=listed,
                                   type_comment=None))
            self.assign(middle, temp, out)
        if after:
            out.append(gast.Assign(targets=[gast.Tuple(elts=list(after), ctx=gast.Store())],
                                   value=_slice(rest, -len(after), None), type_comment=None))
            _split_nested(out, self)


def _split_nested(out, rewriter):
    """The last statement unpacks a slice into targets; a target that is
    itself a pattern with a star is unpacked from a fresh name instead."""
    stmt = out[-1]
    elts = stmt.targets[0].elts
    later = []
    for k, e in enumerate(elts):
        if isinstance(e, (gast.Tuple, gast.List)) and has_starred_target(
                gast.Assign(targets=[e], value=None)):
            temp = rewriter.namer.fresh("_unpacked")
            elts[k] = _name(temp, gast.Store())
            later.append((e, temp))
    for e, temp in later:
        rewriter.assign(e, temp, out)


# ------------------------------------------------------------ f(*xs), f of fixed arity

def unpack_fixed_arity_calls(fn, resolve, namer):
    """``h(a, *xs)``, ``xs`` of run-time length and ``h`` a user function
    whose remaining parameters have no defaults: that length can only be
    their number, so the statement is preceded by ``_xs1, _xs2 = xs`` (which
    raises Python's ``ValueError`` for another length, where the call would
    raise ``TypeError``) and the call takes the names.  Only calls in simple
    statements (not in a condition, comprehension or lambda) whose sequence
    is a name read nowhere else in the statement.  ``for a, b in zip(*xs)``
    likewise (see ``_FixedArity.zip_header``)."""
    fn = copy.deepcopy(fn)
    _FixedArity(resolve, namer).block_of(fn)
    return fn


_OPAQUE = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
           gast.IfExp, gast.BoolOp)


def _calls_outside(node, out):
    """Calls in ``node``, not inside a conditional or repeated sub-expression."""
    if isinstance(node, _OPAQUE):
        return out
    if isinstance(node, gast.Call):
        out.append(node)
    for child in gast.iter_child_nodes(node):
        _calls_outside(child, out)
    return out


def _fixed_arity(fn, n_given, keywords):
    """How many parameters ``*xs`` fills in a call of ``fn`` with ``n_given``
    positional arguments before it and these keyword names, or ``None``
    when that depends on the length."""
    import inspect
    if not inspect.isfunction(fn):
        return None
    from ... import rules
    if rules.has_rule(fn):
        return None
    try:
        params = list(inspect.signature(fn, follow_wrapped=False).parameters.values())
    except (TypeError, ValueError):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in params) or n_given > len(positional):
        return None
    rest = positional[n_given:]
    if any(p.default is not p.empty or p.name in keywords for p in rest):
        return None
    return len(rest) or None


def _only_read_in(stmt, names):
    """Whether ``stmt`` only reads ``names`` by ``*name`` or ``name[...]``
    (so nothing it evaluates before the call can change them)."""
    for node in _walk(stmt):
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.Name) and child.id in names and not (
                    isinstance(node, gast.Starred) or isinstance(node, gast.Subscript) and
                    node.value is child and isinstance(node.ctx, gast.Load) and
                    isinstance(child.ctx, gast.Load)):
                return False
    return True


def _plain(node):
    """A sequence expression with no call in it (``xs``, ``xs[1:]``,
    ``self_xs[0]``): evaluating it a statement earlier changes nothing."""
    return all(isinstance(n, (gast.Name, gast.Subscript, gast.Slice, gast.Constant,
                              gast.Attribute, gast.Load, gast.UnaryOp, gast.USub,
                              gast.Tuple)) for n in _walk(node))


class _FixedArity(_Rewriter):
    def __init__(self, resolve, namer):
        self.resolve = resolve
        self.namer = namer

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
                for call in _calls_outside(stmt, []):
                    pre = self.unpack(stmt, call)
                    if pre is not None:
                        out.append(pre)
            elif isinstance(stmt, gast.For):
                pre = self.zip_header(stmt)
                if pre is not None:
                    out.append(pre)
                self.block_of(stmt)
            elif not isinstance(stmt, gast.FunctionDef):
                self.block_of(stmt)
            out.append(stmt)
        return out

    def zip_header(self, loop):
        """``for a, b in zip(*pairs):``: the tuples ``zip`` makes are unpacked
        into two names, so ``pairs`` must hold two sequences: ``_pairs1,
        _pairs2 = pairs`` before the loop (``ValueError`` otherwise, as the
        loop's own unpacking raises), and ``zip(_pairs1, _pairs2)``."""
        it = loop.iter
        if not (isinstance(it, gast.Call) and len(it.args) == 1 and not it.keywords and
                isinstance(it.args[0], gast.Starred) and
                isinstance(loop.target, (gast.Tuple, gast.List)) and
                not any(isinstance(e, gast.Starred) for e in loop.target.elts) and
                self.resolve(it.func) is zip):
            return None
        value = it.args[0].value
        base = value.id.lstrip("_") if isinstance(value, gast.Name) else "zipped"
        names = [self.namer.fresh("_%s%d" % (base, k + 1)) for k in range(len(loop.target.elts))]
        pre = gast.Assign(targets=[gast.Tuple(elts=[_name(v, gast.Store()) for v in names],
                                              ctx=gast.Store())],
                          value=value, type_comment=None)
        for node in _walk(pre):
            gast.copy_location(node, loop)
        it.args = [_name(v, gast.Load()) for v in names]
        return pre

    def unpack(self, stmt, call):
        stars = [i for i, a in enumerate(call.args) if isinstance(a, gast.Starred)]
        if stars != [len(call.args) - 1] or not _plain(call.args[-1].value):
            return None
        value = call.args[-1].value
        reads = [n.id for n in _walk(value) if isinstance(n, gast.Name)]
        if not _only_read_in(stmt, set(reads)):
            return None   # the statement may change it before the call: keep the order
        seq = value.id if isinstance(value, gast.Name) else \
            (reads[0] if reads else "seq")
        n = _fixed_arity(self.resolve(call.func), len(call.args) - 1,
                         {k.arg for k in call.keywords})
        if n is None:
            return None
        names = [self.namer.fresh("_%s%d" % (seq.lstrip("_"), k + 1)) for k in range(n)]
        pre = gast.Assign(targets=[gast.Tuple(elts=[_name(v, gast.Store()) for v in names],
                                              ctx=gast.Store())],
                          value=value, type_comment=None)
        for node in _walk(pre):
            gast.copy_location(node, stmt)
        call.args = call.args[:-1] + [_name(v, gast.Load()) for v in names]
        return pre
