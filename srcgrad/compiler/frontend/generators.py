"""Generators: a user generator consumed whole becomes a function returning a list.

A call to a user generator function (``batches(x)``) compiles where Python
would run the generator to its end, or to a count known when the loop starts:

- the iterable of a ``for`` loop (also inside ``enumerate(...)``) whose body has
  no ``break`` and no ``return``;
- the argument of ``sum``, ``list`` or ``tuple``, the iterable of a list
  comprehension, or of a generator expression fed to one of those;
- one argument of a ``zip(...)`` in a ``for`` header (no ``break``/``return``)
  whose other arguments have a length: Python then pulls the generator a number
  of times it knows from those lengths (:func:`srcgrad.runtime.zip_pulls`), and
  the generator runs exactly that far.

There :func:`materialise` rewrites the call to call the generator's *items
function*: the generator's own body, with ``yield v`` turned into
``_items.append(v)``, ``yield from it`` into a loop that appends, and
``return`` into ``return _items``.  That function is compiled like any other
user function (its errors point at the generator's lines), so the consumer
sees a list.  For ``zip``, the items function takes a keyword ``_limit`` and
returns once it holds that many items (so an infinite generator is fine there).

Anywhere else (``next(g)``, a generator kept in a name, a loop with ``break``)
the call is left alone: if its values need a gradient, the pipeline refuses it
at the call site (:func:`refusal`), and ``mode="auto"`` runs the caller on the
tape.  A consuming loop runs after the generator has produced its values
(Python interleaves them), so a loop body that rebinds or changes in place
what the generator reads, or a generator that changes in place anything but
its own locals (itself or through what it calls), is refused there too.

Guarantee: after :func:`materialise`, every call to a generator function that
remains in the body is one the consumer may take only partly, or one whose
steps Python would interleave with a loop that could see their effects; the
items functions it calls run the generator's body exactly as far as Python
would.  (The items function itself is built by :mod:`.items`.)
"""

import builtins
import copy
import inspect

import gast

from ..ir.fastast import walk as _walk
from ..ir.env import attr, call, const, load, store
from .items import items_function
from ..ir.nodes import root_name

__all__ = ["materialise", "refusal", "is_generator_function"]

_FULL_CONSUMERS = ("sum", "list", "tuple")
#: methods that change their object in place: a consuming loop must not call them
#: on what the generator reads
_MUTATORS = frozenset(["append", "extend", "insert", "pop", "remove", "clear", "sort",
                       "reverse", "update", "setdefault", "popitem", "fill", "resize",
                       "put", "itemset", "partition", "add", "discard"])


def is_generator_function(obj):
    """A plain generator function (a bound method's generator goes the way of
    bound methods: the tape, in mode="auto")."""
    return inspect.isfunction(obj) and inspect.isgeneratorfunction(obj)


# ------------------------------------------------------------ the consumers


def materialise(info, node, env, parse):
    """Rewrite the calls in ``node`` to generator functions that are consumed
    whole (see the module docstring) into calls of their items functions.
    ``parse(gen)`` is the generator's :class:`FunctionInfo`."""
    if not any(isinstance(n, gast.Call) and is_generator_function(env.resolve(n.func))
               for n in _walk(node)):
        return node
    node = copy.deepcopy(node)
    rewriter = _Consumers(info, env, parse)
    rewriter.find(node)
    rewriter.body(node.body)
    return node


class _Consumers:
    def __init__(self, info, env, parse):
        self.info, self.env, self.parse = info, env, parse
        self.local = set(info.local_names)

    def find(self, node):
        """The generator calls that may become calls of items functions: not
        those of a generator that changes a value after yielding it (a list
        of its items holds the changed objects, not copies)."""
        self.gens = {}
        for n in _walk(node):
            if isinstance(n, gast.Call):
                gen = self.env.resolve(n.func)
                if is_generator_function(gen) and self.yields_values(gen):
                    self.gens[id(n)] = gen

    def yields_values(self, gen):
        try:
            return not _changes_what_it_yields(self.parse(gen).node)
        except Exception:   # no source: the call stays, and is refused if it matters
            return False

    def is_gen(self, n):
        return isinstance(n, gast.Call) and id(n) in self.gens

    def builtin(self, n, names):
        """The name of the builtin (one of ``names``) that call ``n`` calls, or None."""
        if not isinstance(n, gast.Call) or not isinstance(n.func, gast.Name):
            return None
        obj = self.env.resolve(n.func)
        for name in names:
            if obj is getattr(builtins, name):
                return name
        return None

    def rewrite(self, call_node, limit=None):
        gen = self.gens.pop(id(call_node))
        fn = items_function(gen, self.parse(gen), limit is not None)
        call_node.func = load(self.env.ref(fn, fn.__name__))
        if limit is not None:
            call_node.keywords.append(gast.keyword(arg=fn.__srcgrad_limit__, value=limit))

    # statements
    def body(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.stmt(stmt))
        stmts[:] = out

    def stmt(self, stmt):
        pre = []
        if isinstance(stmt, gast.For):
            pre = self.loop(stmt)
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list) and \
                    not isinstance(stmt, gast.FunctionDef):
                self.body(getattr(stmt, field))
        if not isinstance(stmt, gast.FunctionDef):
            self.exprs(stmt)
        return pre + [stmt]

    def exprs(self, root):
        for n in _walk(root):
            if isinstance(n, gast.Call) and self.builtin(n, _FULL_CONSUMERS) and n.args:
                arg = n.args[0]
                if self.is_gen(arg):
                    self.rewrite(arg)
                elif isinstance(arg, gast.GeneratorExp):
                    self.comprehension(arg)
            elif isinstance(n, gast.ListComp):
                self.comprehension(n)

    def comprehension(self, comp):
        for g in comp.generators:
            if self.is_gen(g.iter):
                self.rewrite(g.iter)

    def loop(self, stmt):
        """Rewrite the generator in a for header when the loop takes it whole;
        return the statements to put before the loop (zip's arguments)."""
        it = stmt.iter
        if self.builtin(it, ("enumerate",)) and len(it.args) == 1 and not it.keywords:
            it = it.args[0]
        if self.is_gen(it):
            if self.takes_all(stmt, [it]) and self.keeps_to_itself(it):
                self.rewrite(it)
            return []
        if self.builtin(it, ("zip",)) and not it.keywords and not any(
                isinstance(a, gast.Starred) for a in it.args):
            gens = [k for k, a in enumerate(it.args) if self.is_gen(a)]
            if len(gens) != 1 or any(self.builtin(a, ("zip", "enumerate", "map", "filter",
                                                      "iter", "reversed"))
                                     for a in it.args):
                return []
            if not self.takes_all(stmt, it.args) or not self.keeps_to_itself(it.args[gens[0]]):
                return []
            return self.zipped(it, gens[0])
        return []

    def zipped(self, it, k):
        """``zip(a, gen(x), b)``: the other arguments in names (evaluated once,
        in order), and the generator limited to what zip pulls from it."""
        pre, names = [], []
        for j, a in enumerate(it.args):
            if j == k:
                for i, ga in enumerate(a.args):
                    if not isinstance(ga, (gast.Name, gast.Constant)):
                        a.args[i] = self.hoist(ga, pre)
                continue
            if not isinstance(a, (gast.Name, gast.Constant)):
                a = it.args[j] = self.hoist(a, pre)
            names.append(a)
        if not names:
            self.rewrite(it.args[k])
            return pre
        lens = [call(load(self.env.builtin("len")), [copy.deepcopy(a)]) for a in names]
        rt = self.env.runtime()
        limit = call(attr(rt, "zip_pulls"), [const(k)] + lens)
        self.rewrite(it.args[k], limit)
        return pre

    def hoist(self, expr, pre):
        name = self.env.namer.fresh("_zipped")
        pre.append(gast.copy_location(gast.Assign(targets=[store(name)], value=expr,
                                                  type_comment=None), expr))
        return load(name)

    def keeps_to_itself(self, call_node):
        """The generator changes in place nothing but its own locals, nor do
        the functions it calls (the loop body, which Python runs between its
        steps, could see such a change)."""
        return _keeps_to_itself(self.parse(self.gens[id(call_node)]), self.parse, set())

    def takes_all(self, loop, args):
        """No ``break`` or ``return`` leaves the loop early, and its body
        changes in place nothing the generator reads."""
        for n in _same_loop(loop.body):
            if isinstance(n, gast.Break):
                return False
        read = {n.id for a in args for n in _walk(a) if isinstance(n, gast.Name)}
        if any(isinstance(n, gast.Name) and n.id in read for n in _walk(loop.target)):
            return False
        for n in _walk(gast.Module(body=loop.body, type_ignores=[])):
            if isinstance(n, gast.Return):
                return False
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and n.id in read:
                return False   # a nested generator would see the new binding
            if isinstance(n, (gast.Subscript, gast.Attribute)) and \
                    isinstance(n.ctx, gast.Store):
                base = root_name(n)
                if base is not None and (base in read or base not in self.local):
                    return False
            if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name) and \
                    n.target.id in read:
                return False
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                    n.func.attr in _MUTATORS:
                base = root_name(n.func.value)
                if base is not None and (base in read or base not in self.local):
                    return False
        return True


_LIBRARIES = ("numpy", "math", "builtins", "srcgrad")


def _changes_what_it_yields(node):
    """Whether the generator ``node`` changes in place (``v[i] = ...``,
    ``v += ...``, ``v.append(...)``) a name whose object it yields (``yield v``,
    ``yield v[1:]``, ``yield from [v, w]``).  Conservative: a fresh object per
    step is counted too."""
    yielded = set()
    for n in _walk(node):
        if isinstance(n, (gast.Yield, gast.YieldFrom)) and n.value is not None:
            yielded |= _roots(n.value)
    if not yielded:
        return False
    for n in _walk(node):
        if isinstance(n, (gast.Subscript, gast.Attribute)) and isinstance(n.ctx, gast.Store):
            if root_name(n) in yielded:
                return True
        elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
            if n.target.id in yielded:
                return True
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in _MUTATORS and root_name(n.func.value) in yielded:
            return True
    return False


def _roots(expr):
    """The names whose objects ``expr`` may be (or be a view of)."""
    if isinstance(expr, gast.Name):
        return {expr.id}
    if isinstance(expr, (gast.Subscript, gast.Attribute)):
        base = root_name(expr)
        return {base} if base else set()
    if isinstance(expr, (gast.Tuple, gast.List)):
        return set().union(*[_roots(e) for e in expr.elts]) if expr.elts else set()
    if isinstance(expr, gast.IfExp):
        return _roots(expr.body) | _roots(expr.orelse)
    return set()


def _keeps_to_itself(info, parse, seen):
    """Whether the function ``info`` (and what it calls, transitively) changes
    in place only objects it created itself.  Conservative: a call to an
    object it cannot see into (a method of a global object, a callable
    object, a function without source) counts as a change."""
    node = info.node
    params = {a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
    own = {n.id for n in _walk(node) if isinstance(n, gast.Name) and
           isinstance(n.ctx, gast.Store)} - params
    for n in _walk(node):
        if isinstance(n, (gast.Global, gast.Nonlocal)):
            return False
        if isinstance(n, (gast.Subscript, gast.Attribute)) and isinstance(n.ctx, gast.Store):
            if root_name(n) not in own:
                return False
        elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
            if n.target.id in params:
                return False
        elif isinstance(n, gast.Call):
            func = n.func
            if isinstance(func, gast.Attribute) and func.attr in _MUTATORS and \
                    root_name(func.value) not in own:
                return False
            obj = info.resolve(func)
            if obj is None:
                if root_name(func) in own or root_name(func) in params:
                    continue         # a method of a value (t.sum()); mutators are above
                return False         # an unknown callable, or a method of a global object
            mod = (getattr(obj, "__module__", None) or "").split(".")[0]
            if mod in _LIBRARIES:
                continue
            if not inspect.isfunction(obj):
                return False
            if obj in seen:
                continue
            seen.add(obj)
            try:
                sub = parse(obj)
            except Exception:   # no source: it could do anything
                return False
            if not _keeps_to_itself(sub, parse, seen):
                return False
    return True


def _same_loop(body):
    """The nodes of ``body`` whose ``break`` would leave this loop (not the
    bodies of loops nested in it, where a ``break`` leaves the inner loop)."""
    stack = list(body)
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, (gast.For, gast.While)):
            stack.extend(n.orelse)
            continue
        if isinstance(n, (gast.FunctionDef, gast.Lambda)):
            continue
        stack.extend(gast.iter_child_nodes(n))


def refusal(info, op, gen):
    """The located error for a generator call that the consumer may take only
    partially, when its values need a gradient."""
    return info.error(
        op.stmt, "%s is a generator, and the compiler differentiates generators only where "
        "they are consumed whole and their values stay as yielded; not here (next(), a "
        "loop with break or return, a generator kept in a name, zip with another "
        "generator, a loop that changes what the generator reads or the other way round, "
        "or a generator that changes a value after yielding it)"
        % getattr(gen, "__name__", "it"),
        "consume it with a for-loop without break, sum(...), list(...) or zip over sized "
        "values; yield a copy (yield v.copy()) of a value changed later; or use "
        "mode=\"tape\" (or mode=\"auto\")")
