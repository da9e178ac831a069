"""The README's tour is executed, so it cannot go stale.

Every ```python block of README.md runs, in order, in one namespace.  When a
block is followed directly by a ```text block, what the python block prints
must equal the text block exactly (trailing spaces aside).  Markers in an HTML
comment on the line before a block steer it:

* ``<!-- readme-test: tape -->``: the block uses the tape (``srcgrad.torch.tensor``);
  it is skipped, with a reason, when the tape is not available;
* ``<!-- readme-test: file=NAME.py -->``: the block's code is registered in
  :mod:`linecache` under ``NAME.py`` (default ``README-block-N.py``), the name
  srcgrad's messages then show.  Line numbers count from the block's first line.

After a deliberate change to the generated code, refresh the expected output
blocks with ``python tests/test_readme.py --update`` and review the diff.
"""

import contextlib
import io
import linecache
import os
import re
import sys

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")

_FENCE = re.compile(r"^```(\w*)\s*$")
_MARKER = re.compile(r"^<!--\s*readme-test:\s*(.*?)\s*-->\s*$")


class Block:
    """A ```python block of the README and the ```text block that follows it."""

    def __init__(self, index, code, start, options):
        self.index = index
        self.code = code
        self.start = start          # README line of the block's first code line
        self.options = options
        self.expected = None        # the ```text block's text, if any
        self.expected_span = None   # (first, last) README line indices of that text

    @property
    def filename(self):
        return self.options.get("file", "README-block-%d.py" % self.index)

    @property
    def needs_tape(self):
        return "tape" in self.options


def _options(line):
    m = _MARKER.match(line)
    out = {}
    if m:
        for word in m.group(1).split():
            key, _, value = word.partition("=")
            out[key] = value or True
    return out


def parse_readme(text):
    """The python blocks of ``text`` with their expected outputs."""
    lines = text.split("\n")
    blocks, i, last_python = [], 0, None
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m or not m.group(1):
            if lines[i].strip():
                last_python = None if not _MARKER.match(lines[i]) else last_python
            i += 1
            continue
        lang, start = m.group(1), i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        body = "\n".join(lines[start:end]) + "\n"
        if lang == "python":
            options = _options(lines[i - 1]) if i > 0 else {}
            last_python = Block(len(blocks) + 1, body, start + 1, options)
            blocks.append(last_python)
        elif lang == "text" and last_python is not None and last_python.expected is None:
            last_python.expected = body
            last_python.expected_span = (start, end)
            last_python = None
        else:
            last_python = None
        i = end + 1
    return blocks


def run_block(block, namespace):
    """Execute ``block`` in ``namespace``; return what it printed."""
    lines = block.code.splitlines(True)
    linecache.cache[block.filename] = (len(block.code), None, lines, block.filename)
    code = compile(block.code, block.filename, "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, namespace)
    return out.getvalue()


def _normal(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


with open(README) as _fh:
    BLOCKS = parse_readme(_fh.read())

_NAMESPACE = {"__name__": "__readme__"}
_FAILED = []
_DONE = set()


def _tape_available():
    import srcgrad.torch
    return callable(getattr(srcgrad.torch, "tensor", None))


def test_readme_has_a_tour():
    assert len(BLOCKS) >= 5
    assert sum(b.expected is not None for b in BLOCKS) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=["block%d-line%d" % (b.index, b.start)
                                               for b in BLOCKS])
def test_readme_block(block, monkeypatch):
    if block.needs_tape and not _tape_available():
        pytest.skip("README block %d uses the tape, and srcgrad.torch.tensor is not available"
                    % block.index)
    if _FAILED:
        pytest.fail("an earlier README block failed (block %d)" % _FAILED[0])
    monkeypatch.chdir(os.path.dirname(README))
    for earlier in BLOCKS[:block.index - 1]:   # when run alone (-k), set the scene first
        if earlier.index not in _DONE and not (earlier.needs_tape and not _tape_available()):
            run_block(earlier, _NAMESPACE)
            _DONE.add(earlier.index)
    try:
        printed = run_block(block, _NAMESPACE)
    except BaseException:
        _FAILED.append(block.index)
        raise
    finally:
        _DONE.add(block.index)
    if block.expected is not None:
        assert _normal(printed) == _normal(block.expected), (
            "README.md line %d: the output of this block changed; if the change is "
            "intended, run `python tests/test_readme.py --update` and review the diff"
            % block.start)


def update(path=README):
    """Rewrite each expected-output block with what its python block prints."""
    with open(path) as fh:
        text = fh.read()
    lines = text.split("\n")
    namespace = {"__name__": "__readme__"}
    replacements = []
    for block in parse_readme(text):
        if block.needs_tape and not _tape_available():
            print("skipping block %d (no tape)" % block.index)
            continue
        printed = run_block(block, namespace)
        if block.expected_span is not None:
            new = [line.rstrip() for line in printed.rstrip("\n").split("\n")]
            replacements.append((block.expected_span, new))
    for (first, last), new in reversed(replacements):
        lines[first:last] = new
    with open(path, "w") as fh:
        fh.write("\n".join(lines))
    print("updated %d output blocks in %s" % (len(replacements), path))


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        os.chdir(os.path.dirname(README))
        update()
    else:
        print(__doc__)
        sys.exit(2)
