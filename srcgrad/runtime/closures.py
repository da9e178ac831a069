"""Callables that compiled code makes or calls as values.

:class:`Closure` is a nested function made a value (the lifted function and
the values it captured); :class:`CallSite` is a call whose callee is only known
at run time.  A call site hands each call to :data:`DYNAMIC_CALL`, a hook
srcgrad.compiler.transforms.dynamic installs (``runtime.closures.DYNAMIC_CALL = ...``):
the runtime never imports the compiler.

Guarantees: a call site looks its callee up by identity at every call, so a
different callee never runs another's compiled code.
"""



class Closure:
    """A nested function (or lambda) that reads local variables, made a value
    by compiled code: ``fn`` is the lifted function (those variables as its
    last parameters) and ``cells`` their values when the value was made.
    Calling it calls ``fn(*args, *cells)``.  As a cotangent (the gradient of
    a closure) it holds the cells' cotangents: its gradient is theirs."""

    def __init__(self, fn, cells):
        self.fn = fn
        self.cells = tuple(cells)
        self.__name__ = getattr(fn, "__name__", "closure")

    def __call__(self, *args):
        return self.fn(*(args + self.cells))

    def __repr__(self):
        return "<srcgrad closure %s over %d values>" % (self.__name__, len(self.cells))


#: ``DYNAMIC_CALL(site, callee, args)``: ``(value, pullback)`` of a call whose
#: callee is a run-time value; installed by srcgrad.compiler.transforms.dynamic.
DYNAMIC_CALL = None


class CallSite:
    """A call in generated code whose callee is a run-time value: ``site(f,
    a, b)`` (``f(a, b)``) or, for a method site, ``site(obj, a, b)``
    (``obj.<method>(a, b)``) returns ``(value, pullback)``; ``pullback(g)``
    returns the cotangents of the operands at ``wrt`` (position 0 is the
    callee or the receiver).  The callee is looked up by identity at each
    call (:data:`DYNAMIC_CALL`, srcgrad.compiler.transforms.dynamic): a different
    callee gets its own compiled code, never another's."""

    __slots__ = ("filename", "line", "wrt", "mode", "method", "__weakref__")

    def __init__(self, filename, line, wrt, mode, method=None):
        self.filename = filename
        self.line = line
        self.wrt = tuple(wrt)
        self.mode = mode
        self.method = method

    def __call__(self, callee, *args, **kwargs):
        return DYNAMIC_CALL(self, callee, args, kwargs)

    def __repr__(self):
        return "<srcgrad call site %s:%s>" % (self.filename, self.line)
