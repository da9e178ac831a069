"""A Griffe extension for the API reference (mkdocs.yml): srcgrad's docstrings are
reStructuredText-flavoured plain text with doctests, which the reference renders
as Markdown.  This turns each doctest (a run of ``>>>`` lines and their output)
into a fenced ``pycon`` block (without ``# doctest:`` flags) and
``:func:`name``` roles into code spans, so the
pages read as the docstrings do in ``help()``.  The docstrings themselves are
unchanged (pytest runs their doctests)."""

import re

import griffe

_ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|exc):`~?([^`]+)`")
_FLAGS = re.compile(r"\s*# doctest: \S.*$")


def markdown_of(text):
    r"""``text`` with doctests fenced and roles made code spans.

    >>> flag = "  # doc" + "test: +ELLIPSIS"
    >>> markdown_of("Adds.\n\n>>> 1 + 1" + flag + "\n2\n\nSee :func:`grad`.").split("\n")
    ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'See ``grad``.']
    """
    out, in_test = [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(">>>") and not in_test:
            out.append("```pycon")
            in_test = True
        elif in_test and not stripped:
            out.append("```")
            in_test = False
        out.append(_FLAGS.sub("", line.strip()) if in_test else line)
    if in_test:
        out.append("```")
    return _ROLE.sub(r"``\1``", "\n".join(out))


class DoctestFences(griffe.Extension):
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = markdown_of(obj.docstring.value)
