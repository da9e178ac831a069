"""Run-time checks in generated code: where compiled code could go wrong
silently, it stops with a clear error instead.

:func:`unchanged` (a callable reached through a name the user can rebind, at
the top of compiled code: :class:`Rebound` makes the caller compile again),
:func:`once` (a pullback that restores mutated arrays runs only once) and
:func:`suppressed` (a with-block whose context manager swallowed an exception).
"""



class Rebound(BaseException):
    """A module global that compiled code calls was rebound after compiling
    (``ACT = np.sin`` after compiling with ``ACT = np.tanh``): the caller
    (``srcgrad.grad`` / ``vjp``) drops the compiled versions and compiles
    again."""


def unchanged(value, was, name):
    """The guard at the top of compiled code for a callable reached through a
    name the user can rebind (``ACT``, ``mod.act``, a closure variable):
    ``was`` is ``(object, state)`` as compiled (``state``: a function's
    ``(__code__, __defaults__, __kwdefaults__)``, or ``None``); anything else
    raises :class:`Rebound`."""
    obj, state = was
    if value is not obj or state is not None and (
            value.__code__ is not state[0] or value.__defaults__ is not state[1] or
            value.__kwdefaults__ is not state[2]):
        raise Rebound("%r was rebound (or given new code) after srcgrad compiled code that "
                      "calls it: that code is dropped and compiled again" % name)


def once(calls):
    """Guard a pullback that restores arrays its function mutated: it can
    only run once per forward call."""
    if calls:
        raise RuntimeError(
            "this pullback has already run: the function assigns into arrays or lists, "
            "which the first pullback restored. Call srcgrad.vjp again to pull back "
            "another cotangent.")
    calls.append(True)


def suppressed(where):
    """Raised after a ``with`` block whose context manager suppressed an
    exception from its body: the body stopped part-way, and the compiled
    adjoint would reverse statements that never ran."""
    raise RuntimeError(
        "%s: the context manager of this with-block suppressed an exception raised in its "
        "body, so the body stopped part-way; compiled code cannot reverse that exactly. "
        "Let the exception propagate (or catch it with try/except inside the block), or use "
        "mode=\"tape\"" % where)
