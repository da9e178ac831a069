"""Lambda lifting and call-site unpacking, before A-normal form.

:func:`lift_nested` turns each function defined inside the differentiated
function (``def layer(h): ...`` or ``sq = lambda a: a * a``, at the top level
of its body) into a separate function that takes the outer variables it reads
as extra parameters, and rewrites every call ``layer(h)`` to
``layer(h, W)``.  The lifted function is then compiled like any other user
function, so gradients flow to the outer variables it closes over.  Passing
the outer variables at each call gives Python's late-binding closure
semantics exactly.  Used as a value (``apply(layer, x)``), such a function
becomes ``_make_closure(layer, (W,))``, a closure over the values where it
is used, when they cannot change afterwards (else refused); its gradient
reaches them (see rules.conversions.make_closure, dynamic.py).

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
from ..ir.fastast import walk as _walk

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
    return {n.id for n in _walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, ctx)}


def _params(args):
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def _outer_locals(fn):
    names = set(_params(fn.args))
    for node in _walk(fn):
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
    closures = {}
    for name in nested:
        if not extra[name]:
            continue  # closes over no local: usable as a value (apply(f, x)) as it is
        for n in _walk(new):
            if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load) \
                    and not getattr(n, "_callee", False):
                what = "the lambda" if name.startswith("_lambda") else \
                    "the nested function %r" % name
                changing = [v for v in extra[name] if not _fixed_before(new, v, n)]
                if changing:
                    raise LiftError(n, "%s is used as a value and reads the local "
                                    "variables %s, and %s may change after it is made (the "
                                    "compiler captures their values where the function is "
                                    "used as a value)" % (
                                        what, ", ".join(extra[name]), ", ".join(changing)),
                                    "call it directly, pass those values as arguments, or "
                                    "assign them once before the function is used")
                if node.args.defaults or node.args.kw_defaults:
                    raise LiftError(n, "%s is used as a value, reads local variables and "
                                    "has default parameter values, which the compiler does "
                                    "not support together" % what,
                                    "pass every argument at the call, or define the "
                                    "function at module level")
                closures[name] = extra[name]
    if closures:
        new.closure_maker = namer.fresh("_make_closure")
        _Closures(closures, new.closure_maker).visit(new)
    return new, lifted


def _fixed_before(fn, var, use):
    """Whether ``var`` holds one value from before ``use`` on: a parameter
    never assigned, or a name assigned once, by a statement of the body's top
    level before the one holding ``use``, and never updated in place
    (``var[i] = ...``, ``var += ...``)."""
    stores = [n for n in _walk(fn) if isinstance(n, gast.Name) and n.id == var and
              isinstance(n.ctx, gast.Store)]
    for n in _walk(fn):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) and \
                isinstance(n.value, gast.Name) and n.value.id == var:
            return False
        if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name) and \
                n.target.id == var:
            return False
    if var in _params(fn.args):
        return not stores
    if len(stores) != 1:
        return False
    for i, stmt in enumerate(fn.body):
        if any(n is stores[0] for n in _walk(stmt)):
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
                    stmt.targets[0] is stores[0]):
                return False
            return not any(n is use for later in fn.body[:i + 1] for n in _walk(later))
    return False


class _Closures(gast.NodeTransformer):
    """``f`` used as a value -> ``_make_closure(f, (a, b))``: the lifted
    function with the values of the locals it reads (rules.conversions)."""

    def __init__(self, closures, maker):
        self.closures = closures
        self.maker = maker

    def visit_Name(self, node):
        if node.id not in self.closures or not isinstance(node.ctx, gast.Load) or \
                getattr(node, "_callee", False):
            return node
        load = lambda v: gast.Name(id=v, ctx=gast.Load(), annotation=None, type_comment=None)
        out = gast.Call(func=load(self.maker), args=[
            load(node.id), gast.Tuple(elts=[load(v) for v in self.closures[node.id]],
                                      ctx=gast.Load())], keywords=[])
        for n in _walk(out):
            gast.copy_location(n, node)
        return out


def name_lambdas(fn):
    """Name the lambdas written inside expressions (``apply(lambda v: v * 2,
    x)``, ``return lambda v: v * a``): each becomes ``_lambda = lambda v: v *
    2`` at the top of the body, so it is lifted like a named lambda (the
    locals it reads become its last parameters: the same function, see
    :func:`lift_nested`) and, used as a value, made a closure over those
    values where it is used.  Returns ``fn`` itself when there is none, else
    a changed copy."""
    if not any(type(n) is gast.Lambda for n in _walk(fn)) or \
            not any(_lambda_slots(n, stmt) for stmt in fn.body for n in _walk_outside(stmt)):
        return fn   # (the first test, no lambda at all, is the cheap one)
    fn = copy.deepcopy(fn)
    taken = {n.id for n in _walk(fn) if isinstance(n, gast.Name)}
    holders = [n for stmt in fn.body for n in _walk_outside(stmt) if _lambda_slots(n, stmt)]
    head = []
    k = 0
    for node, field, i in [(n, f, i) for n in holders for f, i in _lambda_slots(n, None)]:
        arg = getattr(node, field) if i is None else getattr(node, field)[i]
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
        ref = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
        gast.copy_location(ref, arg)
        if i is None:
            setattr(node, field, ref)
        else:
            getattr(node, field)[i] = ref
    fn.body = head + fn.body
    return fn


def _walk_outside(stmt):
    """The nodes of ``stmt``, not looking inside lambdas and nested
    ``def``s (their own lambdas are named when they are compiled)."""
    todo = [stmt]
    while todo:
        node = todo.pop()
        yield node
        if node is not stmt and isinstance(node, (gast.Lambda, gast.FunctionDef)):
            continue
        if isinstance(node, gast.FunctionDef):
            continue
        todo.extend(reversed(list(gast.iter_child_nodes(node))))


def _lambda_slots(node, stmt):
    """``[(field, index)]`` of the lambdas ``node`` holds directly, in an
    expression: a call's arguments and keywords, a returned value, an element
    of a tuple or list, an assigned value (but not the top-level ``f = lambda
    ...`` statement ``stmt`` itself, which is lifted as it is); nor a lambda
    inside another (lifted with it)."""
    out = []
    if isinstance(node, gast.Call):
        out += [("args", i) for i, a in enumerate(node.args) if isinstance(a, gast.Lambda)]
    elif isinstance(node, gast.keyword) and isinstance(node.value, gast.Lambda):
        out.append(("value", None))
    elif isinstance(node, (gast.Tuple, gast.List)):
        out += [("elts", i) for i, a in enumerate(node.elts) if isinstance(a, gast.Lambda)]
    elif isinstance(node, gast.Return) and isinstance(node.value, gast.Lambda):
        out.append(("value", None))
    elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda) and \
            not (node is stmt and len(node.targets) == 1 and
                 isinstance(node.targets[0], gast.Name)):
        out.append(("value", None))
    return out


def _rewrite_calls(fn, extra):
    for node in _walk(fn):
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
    for node in _walk(fn):
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
    for node in _walk(fn):
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
    used = {n.id for n in _walk(fn) if isinstance(n, gast.Name)}
    while base in used:
        base += "_"
    return base


def _only_read(fn):
    """Names whose every read is ``*name``, ``**name`` or ``name[i]``: a list bound to
    them once keeps its length (no ``append``, no call that could change it)."""
    parents = {}
    for node in _walk(fn):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    out, seen_other = set(), set()
    for node in _walk(fn):
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
        for n in _walk(out):
            gast.copy_location(n, node)
        return out

    visit_List = _display
    visit_Tuple = _display
