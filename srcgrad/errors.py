"""User-facing errors.  Each names the user's file and line and says what to do.

Errors subclass the built-in they refine, so existing ``except`` clauses keep
working: ``SrcgradSyntaxError(SyntaxError)``, ``NoRuleError(NotImplementedError)``.
"""

from .rules import NoRuleError

__all__ = ["SrcgradSyntaxError", "NoRuleError", "SrcgradError"]


class SrcgradError(Exception):
    """Base for srcgrad's own non-syntax errors."""


class SrcgradSyntaxError(SyntaxError):
    """A construct the compiler does not support, located in the user's source
    (a ``SyntaxError``: ``filename``, ``lineno``, ``text``), with a ``hint``.
    ``mode="compile"`` raises it; ``mode="auto"`` runs the function on the tape
    instead, and ``srcgrad.explain`` reports the message.

    >>> import numpy as np, srcgrad
    >>> def energy(x):
    ...     global calls
    ...     return np.sum(x ** 2)
    >>> try:
    ...     srcgrad.grad(energy, mode="compile")(np.ones(3))
    ... except SrcgradSyntaxError as err:
    ...     print(err.bare_msg)
    ...     print("hint:", err.hint)
    'global' statements are not supported: a differentiated function must not rebind module globals
    hint: return the value instead
    """

    def __init__(self, msg, filename=None, lineno=None, col=None, line=None, hint=None):
        self.hint = hint
        self.bare_msg = msg
        super().__init__(msg, (filename, lineno, (col or 0) + 1, line))

    def __str__(self):
        where = "%s:%s: " % (self.filename, self.lineno) if self.filename else ""
        text = where + self.bare_msg
        if self.text:
            src = self.text.rstrip("\n")
            stripped = src.lstrip()
            caret = max(0, (self.offset or 1) - 1 - (len(src) - len(stripped)))
            text += "\n    %s\n    %s^" % (stripped, " " * caret)
        if self.hint:
            text += "\nhint: " + self.hint
        return text
