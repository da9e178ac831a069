"""The dataflow of a compiled gradient, drawn from its generated source.

:func:`compiled_graph` compiles ``f``'s gradient for ``args`` (in
``mode="compile"``: a construct the compiler refuses is refused here too,
with the same located message) and reads the code :func:`srcgrad.source`
shows -- the fused ``f_grad`` for a scalar ``f``, the ``f_vjp`` with its
pullback otherwise.  Every statement is a node labelled with its code and the
user's line it comes from (the ``# line N`` / ``# grad of line N`` comments
of the generated code), in one of two clusters: ``forward`` (the primal
sweep and what it saves) and ``adjoint`` (the cotangents).  Parameters are
blue input nodes (the pullback's cotangent seed too), ``return`` statements
green output nodes.  An edge goes from the statement(s) that last wrote a
name to each statement that reads it; after an ``if``, either branch may
have written it.  A stack ``_push`` (``_stack.append``) writes ``_stack``
and the reversed iterator the adjoint pops from reads it, so saved values
show as edges into the adjoint.  A loop body is drawn once (no edges back
from one iteration to the next).

Nodes are numbered in the order of the generated code, so the text is as
deterministic as the generated code itself.
"""

import ast
import re

from .graph_draw import Graph

__all__ = ["compiled_graph"]

_COMMENT = re.compile(r"^\s*# (grad of )?line (\d+): ")
_IN = "shape=ellipse fillcolor=lightblue"
_OUT = "fillcolor=darkolivegreen1"
_WIDTH = 48


def compiled_graph(f, args, wrt):
    text, name = _generated(f, args, wrt)
    return _Reader(text).graph(name)


def _generated(f, args, wrt):
    import srcgrad
    from .graph_tape import _positions
    positions = tuple(_positions(args, wrt))
    if not positions:
        raise ValueError("graph: no argument of %s has a floating-point value to "
                         "differentiate" % getattr(f, "__name__", f))
    g = srcgrad.grad(f, wrt=positions, mode="compile")
    try:
        g(*args)                      # specialised to these arguments, as they run
        return srcgrad.source(g), getattr(f, "__name__", "f")
    except TypeError as err:
        if "scalar" not in str(err):
            raise
    from .api import _compile, _kind        # a non-scalar f: its VJP
    engine = _compile(f, positions, kinds=tuple(map(_kind, args)), mode="compile")
    return engine.source, getattr(f, "__name__", "f")


class _Reader:
    def __init__(self, text):
        self.lines = text.splitlines()
        self.comments = {}
        for k, line in enumerate(self.lines, 1):
            m = _COMMENT.match(line)
            if m:
                self.comments[k] = ("adjoint" if m.group(1) else "forward", int(m.group(2)))
        self.nodes, self.edges, self.attrs = [], [], {}
        self.members = {"forward": [], "adjoint": []}

    def graph(self, name):
        tree = ast.parse("\n".join(self.lines))
        funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        if not funcs:
            raise ValueError("graph: the generated code of %s has no function" % name)
        self.function(funcs[0], {}, ("forward", None), "input")
        clusters = [(c, c, ids) for c, ids in self.members.items() if ids]
        return Graph(name, "compiled", self.nodes, self.edges, self.attrs, clusters)

    # -------------------------------------------------------------- nodes

    def new(self, label, section, attr=None, cluster=True):
        nid = "n%d" % (len(self.nodes) + 1)
        self.nodes.append((nid, label))
        if attr:
            self.attrs[nid] = attr
        if cluster:
            self.members[section].append(nid)
        return nid

    def function(self, fn, defs, state, role):
        defs = {k: set(v) for k, v in defs.items()}
        for a in fn.args.posonlyargs + fn.args.args:
            label = a.arg if role == "input" else "%s\n(cotangent)" % a.arg
            defs[a.arg] = {self.new(label, "adjoint", _IN, cluster=role != "input")}
        self.block(fn.body, defs, [state[0], state[1], fn.lineno], {})

    def block(self, body, defs, state, aliases):
        """Walk ``body``; ``defs`` maps a name to the node ids that may have
        written it last; ``state`` is [section, user line, last line seen]."""
        for stmt in body:
            self.advance(stmt.lineno, state)
            if isinstance(stmt, ast.FunctionDef):
                self.function(stmt, defs, ("adjoint", state[1]), "pullback")
                state[2] = stmt.end_lineno
                continue
            if isinstance(stmt, (ast.For, ast.While, ast.If)):
                self.compound(stmt, defs, state, aliases)
                continue
            self.simple(stmt, defs, state, aliases)
            state[2] = stmt.end_lineno

    def advance(self, lineno, state):
        for k in range(state[2] + 1, lineno):
            if k in self.comments:
                state[0], state[1] = self.comments[k]
        state[2] = max(state[2], lineno - 1)

    def compound(self, stmt, defs, state, aliases):
        head = self.lines[stmt.lineno - 1].strip()
        if isinstance(stmt, ast.For):
            reads, writes = [stmt.iter], _names(stmt.target)
        else:
            reads, writes = [stmt.test], []
        nid = self.node(head, reads, writes, defs, state, False)
        state[2] = stmt.lineno
        if isinstance(stmt, ast.If):
            other = {k: set(v) for k, v in defs.items()}
            self.block(stmt.body, defs, state, aliases)
            self.block(stmt.orelse, other, state, aliases)
            for k, v in other.items():
                defs.setdefault(k, set()).update(v)
        else:
            before = {k: set(v) for k, v in defs.items()}
            self.block(stmt.body, defs, state, aliases)
            self.block(stmt.orelse, defs, state, aliases)
            for k, v in before.items():       # the loop may run zero times
                defs.setdefault(k, set()).update(v)
        state[2] = stmt.end_lineno
        return nid

    def simple(self, stmt, defs, state, aliases):
        code = self.lines[stmt.lineno - 1].strip()
        writes, mutates = [], []
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                (writes if isinstance(t, (ast.Name, ast.Tuple, ast.List)) else mutates) \
                    .extend(_names(t))
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                    isinstance(stmt.value, ast.Attribute) and \
                    isinstance(stmt.value.value, ast.Name):
                aliases[stmt.targets[0].id] = stmt.value.value.id   # _push = _stack.append
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            writes = _names(stmt.target)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in aliases:
            mutates = [aliases[stmt.value.func.id]]
        nid = self.node(code, [stmt], writes, defs, state, isinstance(stmt, ast.Return))
        for name in mutates:
            defs.setdefault(name, set()).add(nid)

    def node(self, code, reads, writes, defs, state, is_return):
        section, line = state[0], state[1]
        label = _short(code) + ("" if line is None else "\n(%sline %d)" % (
            "grad of " if section == "adjoint" else "", line))
        nid = self.new(label, section, _OUT if is_return else None)
        seen = set()
        for tree in reads:
            for name in _reads(tree):
                for src in sorted(defs.get(name, ()), key=lambda s: int(s[1:])):
                    if src != nid and (src, nid) not in seen:
                        seen.add((src, nid))
                        self.edges.append((src, nid))
        for name in writes:
            defs[name] = {nid}
        return nid


def _names(target):
    """The names a target binds (or, for ``a[i] = v``, the container changed)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _names(elt)]
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return _names(target.value)
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


def _reads(tree):
    """The names a statement reads, in order, each once (an augmented
    assignment and a subscript store read their target too)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and (isinstance(node.ctx, ast.Load) or
                                           _stored_into(node, tree)):
            if node.id not in out:
                out.append(node.id)
    return out


def _stored_into(name, tree):
    if isinstance(tree, ast.AugAssign) and tree.target is name:
        return True
    for node in ast.walk(tree):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and node.value is name:
            return True
    return False


def _short(code):
    first = code.splitlines()[0] if code else code
    return first if len(first) <= _WIDTH else first[:_WIDTH - 3] + "..."

