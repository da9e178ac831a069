"""Reverse mode: from A-normal form to forward and adjoint statements.

For every active statement ``t = op(a, b)`` (see :mod:`.activity`), walking the
body backwards, the adjoint sweep gets ``ba = <rule for a>(bt, t, a, b)``:
the rule's body is inlined when it is one expression, broadcasting is undone
by ``_rt.unbroadcast`` only for broadcasting primitives whose other operands
are not plain numbers, and the first contribution to an adjoint is assigned
rather than added to a zero (later ones are ``bx = bx + ...``, never in place,
so no adjoint aliases another).

Calls to user functions become calls to their own compiled VJPs: the forward
gets ``t, helper_pb = helper_vjp(a, b)`` and the adjoint ``ba, bb = helper_pb(bt)``.

>>> import gast, numpy as np
>>> from .anf import to_anf, dump
>>> from .parse import parse_function
>>> def f(x, y):
...     return np.sin(x) * y
>>> info = parse_function(f)
>>> fwd, adj, out = Reverser(info, ["x"], Env(info)).run(to_anf(info.node).body)
>>> print(dump(adj))
_bt1 = _rt.unbroadcast(_bt2 * y, _t1)
bx = _bt1 * np.cos(x)
"""

import copy

import gast

from .. import rules
from .activity import active_names, diff_operands, targets_of
from .anf import Namer, is_atom
from .inline import substitute, template
from .ops import classify
from .optimize import fold

__all__ = ["Reverser", "Env"]


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def _assign(name, value, line=None):
    stmt = gast.Assign(targets=[_store(name)], value=value, type_comment=None)
    stmt.user_line = line
    return stmt


def _call(func, args, keywords=()):
    return gast.Call(func=func, args=list(args), keywords=list(keywords))


def _attr(base, attr):
    return gast.Attribute(value=_load(base), attr=attr, ctx=gast.Load())


def _const(value):
    return gast.Constant(value=value, kind=None)


class Env:
    """The objects generated code needs besides the user's globals: they are
    bound in a closure around it under the names chosen here."""

    def __init__(self, info, namer=None):
        self.info = info
        self.namer = namer or Namer(set(info.local_names))
        self.bound = {}       # name -> object
        self._by_id = {}      # id(object) -> name

    def ref(self, obj, hint):
        """A name under which generated code can reach ``obj``."""
        hit = self._by_id.get(id(obj))
        if hit is not None:
            return hit
        visible = self.info.lookup_name(hint)
        if visible is obj and hint not in self.info.local_names:
            name = hint
        else:
            name = hint if hint.startswith("_") else "_" + hint
            name = self.namer.fresh(name) if (name in self.namer.taken or
                                              self.info.lookup_name(name) is not _missing()) \
                else name
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
        return self.info.resolve(node)

    def runtime(self):
        from .. import runtime
        return self.ref(runtime, "_rt")


def _missing():
    from .parse import _UNRESOLVED
    return _UNRESOLVED


class Reverser:
    """Build the forward and adjoint statement lists of one function body."""

    def __init__(self, info, wrt, env, compile_callee=None, on_blocked=None, has_aux=False):
        self.info = info
        self.on_blocked = on_blocked
        self.has_aux = has_aux
        self.wrt = list(wrt)
        self.env = env
        self.namer = env.namer
        self.compile_callee = compile_callee
        self.adjoints = {}     # variable -> adjoint name
        self.defined = set()   # variables whose adjoint has a value so far
        self.containers = set()
        self.out = []

    # ------------------------------------------------------------ names
    def adj(self, var):
        name = self.adjoints.get(var)
        if name is None:
            base = "_b" + var[1:] if var.startswith("_") else "b" + var
            name = self.namer.fresh(base)
            self.adjoints[var] = name
        return name

    def accumulate(self, var, expr, line):
        name = self.adj(var)
        if var not in self.defined:
            self.defined.add(var)
            self.out.append(_assign(name, expr, line))
        elif var in self.containers:
            rt = self.env.runtime()
            self.out.append(_assign(name, _call(_attr(rt, "add"), [_load(name), expr]), line))
        else:
            self.out.append(_assign(name, gast.BinOp(left=_load(name), op=gast.Add(),
                                                     right=expr), line))

    # ------------------------------------------------------------ main
    def run(self, body):
        """Return ``(forward_stmts, adjoint_stmts, output_atom)``."""
        ops = [classify(s, self.info.resolve) for s in body]
        for op in ops:
            if op.kind == "call":
                self.bind_call(op)
        ret = next((op for op in ops if op.kind == "return"), None)
        out_atom = ret.args[0] if ret is not None else _const(None)
        if self.has_aux:
            ops = self._split_aux(ops, ret)
        self.active = active_names(ops, self.wrt, self.on_blocked)
        forward = []
        for op in ops:
            forward.append(self.forward(op))
        diff_atom = self.diff_output if self.has_aux else out_atom
        self.seed = diff_atom
        if isinstance(diff_atom, gast.Name) and diff_atom.id in self.active:
            self.defined.add(diff_atom.id)  # its adjoint is the pullback's parameter
        for op in reversed(ops):
            self.backward(op)
        forward = [s for s in forward if not isinstance(s, gast.Return)]
        return forward, self.out, out_atom

    def _split_aux(self, ops, ret):
        """With ``has_aux`` the function returns ``(output, aux)``: only
        ``output`` is differentiated."""
        atom = ret.args[0] if ret is not None else None
        pack = next((op for op in ops if op.kind == "pack" and isinstance(atom, gast.Name)
                     and op.target.id == atom.id), None)
        if pack is None or len(pack.args) != 2:
            raise self.info.error(ret.stmt if ret else self.info.node,
                                  "with has_aux=True the function must return a pair "
                                  "(output, aux) written as a tuple", "return output, aux")
        self.diff_output = pack.args[0]
        ops = [op for op in ops if op is not ret]
        ops.append(classify(gast.Return(value=pack.args[0]), self.info.resolve))
        self._aux_ret = ret
        return ops

    def forward(self, op):
        if op.kind == "call" and self._active_target(op):
            return self.forward_call(op)
        return op.stmt

    def _active_target(self, op):
        return any(t in self.active for t in targets_of(op))

    def backward(self, op):
        line = getattr(op.stmt, "user_line", None)
        if op.kind == "return":
            return
        targets = targets_of(op)
        if not any(t in self.active and t in self.defined for t in targets):
            return
        kind = op.kind
        if kind == "copy":
            src = op.args[0].id
            if src in self.active:
                if op.target.id in self.containers:
                    self.containers.add(src)
                self.accumulate(src, _load(self.adj(op.target.id)), line)
        elif kind == "pack":
            g = self.adj(op.target.id)
            for i, a in enumerate(op.args):
                if isinstance(a, gast.Name) and a.id in self.active:
                    item = gast.Subscript(value=_load(g), slice=_const(i), ctx=gast.Load())
                    self.accumulate(a.id, item, line)
        elif kind == "unpack":
            self.backward_unpack(op, line)
        elif kind == "prim":
            self.backward_prim(op, line)
        elif kind == "call":
            self.backward_call(op, line)

    # ------------------------------------------------------------ kinds
    def backward_unpack(self, op, line):
        src = op.args[0]
        if not isinstance(src, gast.Name) or src.id not in self.active:
            return
        rt = self.env.runtime()
        parts = []
        for elt in op.target.elts:
            name = elt.id
            if name in self.defined:
                parts.append(_load(self.adj(name)))
            else:
                parts.append(_call(_attr(rt, "zeros_like"), [_load(name)]))
        self.containers.add(src.id)
        self.accumulate(src.id, gast.Tuple(elts=parts, ctx=gast.Load()), line)

    def backward_prim(self, op, line):
        prim = rules.lookup(op.prim)
        t = op.target.id
        g = _load(self.adj(t))
        for pos, name in diff_operands(op):
            if name not in self.active:
                continue
            node = op.args[pos] if pos < len(op.args) else None
            if node is not None and not isinstance(node, gast.Name):
                continue  # a name inside a composite argument: not differentiable here
            expr = self.rule_expr(prim, pos, g, _load(t), op)
            if prim.broadcasts and self._may_broadcast(op, pos):
                rt = self.env.runtime()
                expr = _call(_attr(rt, "unbroadcast"), [expr, _load(name)])
            self.accumulate(name, expr, line)

    def _may_broadcast(self, op, pos):
        others = [a for i, a in enumerate(op.args) if i != pos]
        return not all(isinstance(a, gast.Constant) and isinstance(a.value, (int, float))
                       for a in others)

    def rule_expr(self, prim, pos, g, ans, op):
        rule = prim.vjps[pos]
        tmpl = template(rule)
        args = list(op.args)
        kwargs = dict(op.kwargs)
        mapping = {}
        inlinable = tmpl.expr is not None and not any(isinstance(a, gast.Starred) for a in args)
        if inlinable:
            names = tmpl.params[2:]
            if len(args) > len(names) or any(k not in names for k in kwargs):
                inlinable = False
        if inlinable:
            mapping = {tmpl.params[0]: g, tmpl.params[1]: ans}
            for name, node in zip(names, args):
                mapping[name] = node
            for name in names[len(args):]:
                if name in kwargs:
                    mapping[name] = kwargs[name]
                elif name in tmpl.defaults and _literal(tmpl.defaults[name]):
                    mapping[name] = _const(tmpl.defaults[name])
                else:
                    inlinable = False
                    break
        if inlinable:
            for free in tmpl.free:
                obj = rule.__globals__.get(free, _missing())
                if obj is _missing():
                    import builtins
                    obj = getattr(builtins, free)
                mapping[free] = _load(self.env.ref(obj, free if free != "runtime" else "_rt"))
            return fold(substitute(tmpl.expr, mapping), self.env.resolve)
        fn = _load(self.env.ref(rule, rule.__name__))
        kws = [gast.keyword(arg=k, value=copy.deepcopy(v)) for k, v in kwargs.items()]
        return _call(fn, [g, ans] + [copy.deepcopy(a) for a in args], kws)

    # ------------------------------------------------------------ user calls
    def bind_call(self, op):
        """Put a user call's arguments in the callee's parameter order, with
        its defaults made explicit, so the callee's VJP takes them by position."""
        import inspect
        try:
            sig = inspect.signature(op.callee)
        except (TypeError, ValueError):
            return
        params = list(sig.parameters.values())
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            return
        args = list(op.args)
        for p in params[len(args):]:
            if p.name in op.kwargs:
                args.append(op.kwargs.pop(p.name))
            elif p.default is not p.empty:
                if _literal(p.default):
                    args.append(_const(p.default))
                else:
                    args.append(_load(self.env.ref(p.default, "_%s_%s" % (
                        op.callee.__name__, p.name))))
            else:
                raise self.info.error(op.stmt, "missing argument %r in the call to %s"
                                      % (p.name, op.callee.__name__))
        if op.kwargs:
            raise self.info.error(op.stmt, "unexpected keyword argument %r in the call to %s"
                                  % (next(iter(op.kwargs)), op.callee.__name__))
        op.args = args

    def _call_wrt(self, op):
        return [i for i, a in enumerate(op.args)
                if isinstance(a, gast.Name) and a.id in self.active]

    def forward_call(self, op):
        wrt = self._call_wrt(op)
        vjp_fn = self.compile_callee(op.callee, op, wrt)
        name = getattr(op.callee, "__name__", "f").strip("<>")
        vjp_name = self.env.ref(vjp_fn, name + "_vjp")
        pb = self.namer.fresh(name + "_pb")
        op.pullback = pb
        call = _call(_load(vjp_name), [copy.deepcopy(a) for a in op.args])
        stmt = gast.Assign(targets=[gast.Tuple(elts=[_store(op.target.id), _store(pb)],
                                               ctx=gast.Store())],
                           value=call, type_comment=None)
        stmt.user_line = op.stmt.user_line
        return stmt

    def backward_call(self, op, line):
        wrt = self._call_wrt(op)
        if not wrt:
            return
        g = _load(self.adj(op.target.id))
        res = self.namer.fresh("_b" + getattr(op.callee, "__name__", "f").strip("<>") + "_args")
        self.out.append(_assign(res, _call(_load(op.pullback), [g]), line))
        for k, i in enumerate(wrt):
            item = gast.Subscript(value=_load(res), slice=_const(k), ctx=gast.Load())
            self.accumulate(op.args[i].id, item, line)


def _literal(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, tuple):
        return all(_literal(v) for v in value)
    return False


_ = is_atom
