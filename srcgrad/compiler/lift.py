"""Lambda lifting and call-site unpacking, before A-normal form.

:func:`lift_nested` turns each function defined inside the differentiated
function (``def layer(h): ...`` or ``sq = lambda a: a * a``, at the top level
of its body) into a separate function that takes the outer variables it reads
as extra parameters, and rewrites every call ``layer(h)`` to
``layer(h, W)``.  The lifted function is then compiled like any other user
function, so gradients flow to the outer variables it closes over.  Passing
the outer variables at each call gives Python's late-binding closure
semantics exactly.

:func:`expand_starred` unpacks ``f(*args)`` and ``f(**kwargs)`` when ``args``
is a tuple/list literal (or a name bound once to one) and ``kwargs`` a dict
literal with constant keys.

>>> import gast
>>> from .anf import dump, Namer
>>> src = '''
... def f(x, W):
...     def layer(h):
...         return np.tanh(W @ h)
...     return layer(layer(x))'''
>>> fn = gast.parse(src).body[0]
>>> new, lifted = lift_nested(fn, Namer({"x", "W", "h", "layer"}), lambda n: None)
>>> print(dump(new.body))
return layer(layer(x, W), W)
>>> print(dump([lifted[0][1]]))
def layer(h, W):
    return np.tanh(W @ h)
"""

import copy

import gast

__all__ = ["lift_nested", "expand_starred", "name_lambdas", "LiftError"]


class LiftError(Exception):
    """Raised with the offending node; the pipeline turns it into a located
    :class:`~srcgrad.errors.SrcgradSyntaxError`."""

    def __init__(self, node, msg, hint=None):
        super().__init__(msg)
        self.node = node
        self.msg = msg
        self.hint = hint


def _names(node, ctx):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, ctx)}


def _params(args):
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def _outer_locals(fn):
    names = set(_params(fn.args))
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
    return names


def lift_nested(fn, namer, is_global):
    """Return ``(new_fn, [(name, lifted FunctionDef), ...])``."""
    body = []
    nested = {}
    for stmt in fn.body:
        if isinstance(stmt, gast.FunctionDef):
            nested[stmt.name] = stmt
            continue
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Lambda):
            lam = stmt.value
            ret = gast.Return(value=lam.body)
            gast.copy_location(ret, lam.body)
            node = gast.FunctionDef(name=stmt.targets[0].id, args=lam.args, body=[ret],
                                    decorator_list=[], returns=None, type_comment=None,
                                    type_params=[])
            gast.copy_location(node, stmt)
            nested[node.name] = node
            continue
        body.append(stmt)
    if not nested:
        return fn, []
    new = copy.copy(fn)
    new.body = body
    outer = _outer_locals(new) | set(nested)
    lifted, extra = [], {}
    for name, node in nested.items():
        if node.decorator_list:
            raise LiftError(node, "decorated functions inside a differentiated function are "
                            "not supported", "define the function at module level")
        if node.args.vararg or node.args.kwarg:
            raise LiftError(node, "nested functions with *args or **kwargs are not supported",
                            "give the function fixed parameters")
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            if not isinstance(default, gast.Constant):
                raise LiftError(default, "a nested function's default must be a literal",
                                "pass the value explicitly at each call")
        own = set(_params(node.args)) | _outer_locals(node) - set(_params(node.args))
        reads = _names(node, gast.Load) - own
        free = sorted(n for n in reads if n in outer and n not in nested or n in nested
                      and n != name and False)
        calls_nested = sorted(n for n in reads if n in nested and n != name)
        if calls_nested:
            raise LiftError(node, "a nested function calling another nested function (%s) is "
                            "not supported" % ", ".join(calls_nested),
                            "define these helpers at module level")
        if name in reads:
            raise LiftError(node, "recursive nested functions are not supported by the "
                            "compiler", 'define the function at module level, or use '
                            'mode="tape"')
        lifted_node = copy.deepcopy(node)
        lifted_node.args.args = list(lifted_node.args.args) + [
            gast.Name(id=v, ctx=gast.Param(), annotation=None, type_comment=None) for v in free]
        if lifted_node.args.kwonlyargs:
            raise LiftError(node, "nested functions with keyword-only parameters are not "
                            "supported", "make them ordinary parameters")
        extra[name] = free
        lifted.append((name, lifted_node))
    _rewrite_calls(new, extra)
    for name in nested:
        if not extra[name]:
            continue  # closes over no local: usable as a value (apply(f, x)) as it is
        for n in gast.walk(new):
            if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load) \
                    and not getattr(n, "_callee", False):
                raise LiftError(n, "the nested function %r is used as a value and reads the "
                                "local variables %s; the compiler supports only direct calls "
                                "to such a function" % (name, ", ".join(extra[name])),
                                "call it directly, pass those values as arguments, or define "
                                "it at module level")
    return new, lifted


def name_lambdas(fn):
    """Name the lambdas passed as call arguments (``apply(lambda v: v * 2, x)``)
    that read no local variable of ``fn``: each becomes ``_lambda = lambda v:
    v * 2`` at the top of the body (where it means the same: it reads only
    globals), so it is lifted like a named lambda and passed as a value.
    Returns ``fn`` itself when there is none, else a changed copy."""
    outer = _outer_locals(fn)
    taken = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name)}
    found = []
    for stmt in fn.body:
        for node in gast.walk(stmt):
            if not isinstance(node, gast.Call):
                continue
            for i, arg in enumerate(node.args):
                if isinstance(arg, gast.Lambda) and not (
                        _names(arg.body, gast.Load) - set(_params(arg.args))) & outer:
                    found.append((node, i))
    if not found:
        return fn
    fn = copy.deepcopy(fn)
    calls = [n for stmt in fn.body for n in gast.walk(stmt) if isinstance(n, gast.Call)]
    head = []
    k = 0
    for node in calls:
        for i, arg in enumerate(node.args):
            if isinstance(arg, gast.Lambda) and not (
                    _names(arg.body, gast.Load) - set(_params(arg.args))) & outer:
                name = "_lambda" if k == 0 else "_lambda_%d" % k
                while name in taken:
                    k += 1
                    name = "_lambda_%d" % k
                taken.add(name)
                k += 1
                stmt = gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                                      type_comment=None)],
                                   value=arg, type_comment=None)
                gast.copy_location(stmt, arg)
                head.append(stmt)
                node.args[i] = gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                         type_comment=None)
                gast.copy_location(node.args[i], arg)
    fn.body = head + fn.body
    return fn


def _rewrite_calls(fn, extra):
    for node in gast.walk(fn):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
                node.func.id in extra:
            node.func._callee = True
            node.args = list(node.args) + [
                gast.Name(id=v, ctx=gast.Load(), annotation=None, type_comment=None)
                for v in extra[node.func.id]]


def expand_starred(fn):
    """Unpack ``*seq`` / ``**mapping`` call arguments of known structure."""
    literals = {}
    counts = {}
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    only_read = _only_read(fn)
    for stmt in fn.body:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name) and \
                isinstance(stmt.value, (gast.Tuple, gast.List, gast.Dict)) and \
                stmt.targets[0].id in only_read and not any(
                    isinstance(e, gast.Starred) for e in getattr(stmt.value, "elts", ())):
            literals[stmt.targets[0].id] = stmt.value
    _Displays(literals, counts, _free_name(fn, "_elt")).visit(fn)
    for node in gast.walk(fn):
        if not isinstance(node, gast.Call):
            continue
        args = []
        for a in node.args:
            if not isinstance(a, gast.Starred):
                args.append(a)
                continue
            value = a.value
            if isinstance(value, (gast.Tuple, gast.List)) and \
                    not any(isinstance(e, gast.Starred) for e in value.elts):
                args.extend(value.elts)
            elif isinstance(value, gast.Name) and counts.get(value.id) == 1 and \
                    isinstance(literals.get(value.id), (gast.Tuple, gast.List)):
                n = len(literals[value.id].elts)
                args.extend(gast.Subscript(value=gast.Name(id=value.id, ctx=gast.Load(),
                                                           annotation=None, type_comment=None),
                                           slice=gast.Constant(value=i, kind=None),
                                           ctx=gast.Load()) for i in range(n))
            else:
                args.append(a)  # run-time length: checked once activity is known
        keywords = []
        for k in node.keywords:
            if k.arg is not None:
                keywords.append(k)
                continue
            value = k.value
            mapping = value if isinstance(value, gast.Dict) else (
                literals.get(value.id) if isinstance(value, gast.Name) and
                counts.get(value.id) == 1 else None)
            if not isinstance(mapping, gast.Dict) or not all(
                    isinstance(key, gast.Constant) and isinstance(key.value, str)
                    for key in mapping.keys):
                raise LiftError(k.value, "**-unpacking of a mapping whose keys the compiler "
                                "cannot see", "pass keyword arguments by name")
            for key, v in zip(mapping.keys, mapping.values):
                item = v if isinstance(value, gast.Dict) else gast.Subscript(
                    value=gast.Name(id=value.id, ctx=gast.Load(), annotation=None,
                                    type_comment=None),
                    slice=gast.Constant(value=key.value, kind=None), ctx=gast.Load())
                keywords.append(gast.keyword(arg=key.value, value=item))
        node.args = args
        node.keywords = keywords
    return fn


def _free_name(fn, base):
    used = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name)}
    while base in used:
        base += "_"
    return base


def _only_read(fn):
    """Names whose every read is ``*name``, ``**name`` or ``name[i]``: a list bound to
    them once keeps its length (no ``append``, no call that could change it)."""
    parents = {}
    for node in gast.walk(fn):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    out, seen_other = set(), set()
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            parent = parents.get(node)
            if isinstance(parent, gast.Starred) or isinstance(parent, gast.keyword) and \
                    parent.arg is None or isinstance(parent, gast.Subscript) and \
                    parent.value is node and isinstance(parent.ctx, gast.Load):
                out.add(node.id)
            else:
                seen_other.add(node.id)
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Del):
            seen_other.add(node.id)
    return out - seen_other


class _Displays(gast.NodeTransformer):
    """``[a, *xs]`` and ``(a, *xs)``: a sequence of known length is spliced
    in; one of run-time length becomes list concatenation,
    ``[a] + [_elt for _elt in xs]`` (``tuple(...)`` of it for a tuple)."""

    def __init__(self, literals, counts, elt):
        self.literals = literals
        self.counts = counts
        self.elt = elt

    def _known(self, value):
        if isinstance(value, (gast.Tuple, gast.List)) and \
                not any(isinstance(e, gast.Starred) for e in value.elts):
            return list(value.elts)
        if isinstance(value, gast.Name) and self.counts.get(value.id) == 1 and \
                isinstance(self.literals.get(value.id), (gast.Tuple, gast.List)):
            return [gast.Subscript(value=gast.Name(id=value.id, ctx=gast.Load(),
                                                   annotation=None, type_comment=None),
                                   slice=gast.Constant(value=i, kind=None), ctx=gast.Load())
                    for i in range(len(self.literals[value.id].elts))]
        return None

    def _display(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Load) or \
                not any(isinstance(e, gast.Starred) for e in node.elts):
            return node
        parts, plain = [], []
        for e in node.elts:
            known = self._known(e.value) if isinstance(e, gast.Starred) else [e]
            if known is not None:
                plain.extend(known)
                continue
            if plain:
                parts.append(gast.List(elts=plain, ctx=gast.Load()))
                plain = []
            parts.append(gast.ListComp(
                elt=gast.Name(id=self.elt, ctx=gast.Load(), annotation=None, type_comment=None),
                generators=[gast.comprehension(
                    target=gast.Name(id=self.elt, ctx=gast.Store(), annotation=None,
                                     type_comment=None),
                    iter=e.value, ifs=[], is_async=0)]))
        if plain or not parts:
            parts.append(gast.List(elts=plain, ctx=gast.Load()))
        out = parts[0]
        for part in parts[1:]:
            out = gast.BinOp(left=out, op=gast.Add(), right=part)
        if isinstance(node, gast.Tuple):
            out = gast.Call(func=gast.Name(id="tuple", ctx=gast.Load(), annotation=None,
                                           type_comment=None), args=[out], keywords=[])
        for n in gast.walk(out):
            gast.copy_location(n, node)
        return out

    visit_List = _display
    visit_Tuple = _display
