"""Progress bars for long operations a user waits on (the CLI over a whole
file, the benchmarks): ``tqdm`` when it is installed and the stream is a
terminal, nothing otherwise.  tqdm is optional: srcgrad never needs it.

>>> list(progress([1, 2, 3], "counting"))      # not a terminal: the items, silently
[1, 2, 3]
"""

import os
import sys

__all__ = ["progress", "enabled", "say"]

_ACTIVE = []        # the bars being drawn (innermost last)


def enabled(stream=None):
    """Whether :func:`progress` would draw a bar on ``stream`` (default
    stderr): tqdm importable, the stream a terminal, ``NO_PROGRESS`` unset."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("NO_PROGRESS") or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def progress(items, desc, label=None, stream=None):
    """Yield ``items``, drawing a tqdm bar named ``desc`` on ``stream`` (default
    stderr) when :func:`enabled`; ``label(item)`` is shown beside the bar for
    the item being worked on."""
    stream = sys.stderr if stream is None else stream
    if not enabled(stream):
        yield from items
        return
    from tqdm import tqdm
    items = list(items)
    with tqdm(items, desc=desc, file=stream, leave=False, unit="",
              dynamic_ncols=True) as bar:
        _ACTIVE.append(bar)
        try:
            for item in bar:
                if label is not None:
                    bar.set_postfix_str(str(label(item)), refresh=False)
                yield item
        finally:
            _ACTIVE.remove(bar)


def say(message, stream=None):
    """Print ``message`` on ``stream`` (default stderr) above the bar being
    drawn, if any, so the two do not garble each other.

    >>> import sys
    >>> say("done", sys.stdout)
    done
    """
    stream = sys.stderr if stream is None else stream
    if _ACTIVE:
        _ACTIVE[-1].write(message, file=stream)
    else:
        print(message, file=stream, flush=True)
