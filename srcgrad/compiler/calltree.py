"""The call tree of a compiled function: which engine runs each call.

While a function is compiled, every call to a user function (or callable
object) that needs a gradient is recorded as a :class:`CallRecord` on the
:class:`~.pipeline.CompiledVJP`: compiled (with the callee's own compiled
version, whose records are its calls in turn), run on the tape in mixed mode
(with the reason), or differentiated by a custom VJP.  :func:`call_tree`
turns the records into :class:`CallNode` trees, the form ``srcgrad.explain``
reports, so a call that runs on the tape three levels down is reported, not
hidden behind a "compiled" at the top.
"""

__all__ = ["CallRecord", "CallNode", "call_tree", "tape_calls_of"]

#: engines a call can run on
ENGINES = ("compiler", "tape", "custom")


class CallRecord:
    """One call site: ``name`` of the callee, ``engine``, ``reason`` (why the
    tape), ``where`` (``file:line`` of the call), ``compiled`` (the callee's
    CompiledVJP when it compiled)."""

    __slots__ = ("name", "engine", "reason", "where", "compiled")

    def __init__(self, name, engine, where, reason=None, compiled=None):
        self.name = name
        self.engine = engine
        self.where = where
        self.reason = reason
        self.compiled = compiled


class CallNode:
    """A node of the call tree: ``name``, ``engine`` (``"compiler"``,
    ``"tape"`` or ``"custom"``), ``reason``, ``where`` and ``calls`` (the
    callee's own calls, for a compiled callee)."""

    __slots__ = ("name", "engine", "reason", "where", "calls")

    def __init__(self, name, engine, where, reason=None, calls=()):
        self.name = name
        self.engine = engine
        self.where = where
        self.reason = reason
        self.calls = list(calls)

    def walk(self):
        """This node and every node below it, depth first."""
        yield self
        for c in self.calls:
            yield from c.walk()

    def lines(self, depth=1):
        what = {"compiler": "compiled", "custom": "custom VJP"}.get(self.engine)
        if what is None:
            reason = self.reason or ""
            if reason.startswith(self.where + ": "):  # said once is enough
                reason = reason[len(self.where) + 2:]
            what = "runs on the tape (mixed mode): %s" % reason
        out = ["%scall to %s at %s: %s" % ("  " * depth, self.name, self.where, what)]
        for c in self.calls:
            out.extend(c.lines(depth + 1))
        return out

    def __repr__(self):
        return "\n".join(self.lines(0))


def call_tree(records, _seen=None):
    """``[CallNode]`` for a compiled function's ``calls`` records; a callee
    already on the path (recursion) is not expanded again."""
    seen = set() if _seen is None else _seen
    out = []
    for r in records:
        calls = []
        if r.compiled is not None and id(r.compiled) not in seen:
            seen.add(id(r.compiled))
            calls = call_tree(getattr(r.compiled, "calls", ()), seen)
            seen.discard(id(r.compiled))
        out.append(CallNode(r.name, r.engine, r.where, r.reason, calls))
    return out


def tape_calls_of(nodes):
    """``[(name, reason)]`` of every call in the trees that runs on the tape."""
    return [(n.name, n.reason) for top in nodes for n in top.walk() if n.engine == "tape"]
