"""Deep programs: the compiler's passes (and gast, astor, ``copy.deepcopy``)
recurse once per nesting level, so a long chain of helper calls or one
expression with hundreds of terms needs more than Python's default recursion
limit.  :class:`headroom` raises the limit around the outermost compile;
:func:`too_deep` is the located error when even that is not enough (the
pipeline raises it once the ``RecursionError`` has unwound, so ``mode="auto"``
falls back to the tape).
"""

import linecache
import sys

from ..errors import SrcgradSyntaxError

__all__ = ["COMPILE_RECURSION_LIMIT", "headroom", "too_deep"]


#: the recursion limit while a compile runs: the passes (and gast, astor, deepcopy)
#: recurse per nesting level, about 20 frames per helper in a call chain and 16 per
#: term of a long expression, so Python's default (1000) stops them near 50 levels
COMPILE_RECURSION_LIMIT = 6000


class headroom:
    """Raise the recursion limit for the outermost compile (compiles hold
    ``pipeline._LOCK``, so one at a time) and put it back after.  Python frames cost
    little C stack on 3.11+ (and 3.12+ bounds C recursion on its own), so a
    program too deep even for this is a ``RecursionError``, never a crash."""

    def __enter__(self):
        self.old = sys.getrecursionlimit()
        if self.old < COMPILE_RECURSION_LIMIT:
            sys.setrecursionlimit(COMPILE_RECURSION_LIMIT)

    def __exit__(self, *exc):
        if sys.getrecursionlimit() == COMPILE_RECURSION_LIMIT != self.old:
            sys.setrecursionlimit(self.old)
        return False


def too_deep(fn):
    """The error for a program nested deeper than the compiler's recursion can
    follow (a long chain of helper calls, or one very long expression).  It is
    located from the code object: parsing the function again could recurse
    as deeply."""
    code = getattr(fn, "__code__", None)
    filename = getattr(code, "co_filename", None)
    lineno = getattr(code, "co_firstlineno", None)
    line = linecache.getline(filename, lineno) if filename and lineno else None
    return SrcgradSyntaxError(
        "%s is nested too deeply for the compiler (a chain of calls to helpers, or one "
        "expression with very many terms, deeper than Python's recursion limit)"
        % getattr(fn, "__qualname__", fn), filename, lineno, None, line or None,
        hint='split long expressions into several statements, or use mode="auto" (which '
        'falls back to the tape) or mode="tape"')
