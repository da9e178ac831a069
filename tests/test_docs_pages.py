"""Every code block of the docs site runs, so the docs cannot go stale.

Each page of ``docs/`` (the pages ``mkdocs.yml`` builds) is read for fenced code
blocks.  A ```python block runs; the blocks of one page run in order, in one
namespace (like the README's tour, tests/test_readme.py).  A ```text block that
follows python blocks directly (nothing but blank lines, markers and tab headers
between) is what each of them prints, exactly (trailing spaces aside): on the
porting page the srcgrad tab and the peer library's tab share one output block,
so both print the same numbers.  Every opening fence names a language: a block
that shows code and is not run must say what it is (```text, ```sh...), and a
language outside :data:`NOT_RUN` fails the test, so no code block escapes it.

Markers in an HTML comment on the line before a block steer it, as in the README
(``<!-- docs-test: ... -->``; ``readme-test`` is accepted too):

* ``file=NAME.py``: the block's code is registered in :mod:`linecache` under
  that name (the name srcgrad's messages show; lines count from the block's top);
* ``requires=MODULE``: the block needs an optional library: a peer library's
  code on the porting page (HIPS autograd, torch, Tangent), or an extra (Dask,
  Numba); it runs by itself, in a namespace of its own, when ``MODULE``
  imports, and its test is skipped, saying so, when it does not;
* ``fresh``: the block starts a new namespace;
* ``listing``: the block is code srcgrad printed (a pass's input or output on the
  generated "How it works" page), not a program: it is not run, and
  :func:`test_generated_pages_are_current` checks it is what srcgrad prints now.

Pages included from elsewhere (``--8<--`` snippets: the tour is the README's,
run by tests/test_readme.py) are read after the inclusion.
"""

import contextlib
import importlib
import importlib.util
import io
import linecache
import os
import re
import warnings

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")

#: fences whose contents are shown, not run (shell commands, program output, data)
NOT_RUN = {"text", "sh", "console", "toml", "yaml", "dot"}

_FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*(?:docs|readme)-test:\s*(.*?)\s*-->\s*$")
_SNIPPET = re.compile(r'^\s*--8<--\s*"([^"]+)"\s*$')
_TAB = re.compile(r'^\s*===\s+"')


class Block:
    """A fenced block of a page: its language, code, first line and markers."""

    def __init__(self, page, lang, code, line, options):
        self.page, self.lang, self.code, self.line = page, lang, code, line
        self.options = options
        self.expected = None        # python: the text block it prints
        self.span = None            # text: (first, last) line indices of its body
        self.indent = ""

    @property
    def filename(self):
        return self.options.get("file", "%s-line-%d.py" % (self.page[:-3], self.line))

    def __repr__(self):
        return "docs/%s:%d" % (self.page, self.line)


def _options(line):
    m = _MARKER.match(line)
    out = {}
    if m:
        for word in m.group(1).split():
            key, _, value = word.partition("=")
            out[key] = value or True
    return out


def _expand(text):
    """``text`` with pymdownx.snippets inclusions (``--8<-- "FILE:SECTION"``) filled in."""
    out = []
    for line in text.split("\n"):
        m = _SNIPPET.match(line)
        if not m:
            out.append(line)
            continue
        path, _, section = m.group(1).partition(":")
        with open(os.path.join(ROOT, path)) as fh:
            body = fh.read().split("\n")
        if section:
            start = body.index("<!-- --8<-- [start:%s] -->" % section)
            end = body.index("<!-- --8<-- [end:%s] -->" % section)
            body = body[start + 1:end]
        out.extend(body)
    return "\n".join(out)


def parse(page, text):
    """Every fenced block of ``text``, python blocks paired with their output."""
    lines = _expand(text).split("\n")
    blocks, pending, i = [], [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            if lines[i].strip() and not _MARKER.match(lines[i]) and not _TAB.match(lines[i]):
                pending = []
            i += 1
            continue
        indent, lang = m.group(1), m.group(2)
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = "\n".join(line[len(indent):] for line in lines[i + 1:end]) + "\n"
        options = _options(lines[i - 1]) if i > 0 else {}
        block = Block(page, lang, body, i + 2, options)
        block.span, block.indent = (i + 1, end), indent
        blocks.append(block)
        if lang == "python":
            pending.append(block)
        elif lang == "text" and pending:
            for earlier in pending:
                earlier.expected = block
            pending = []
        else:
            pending = []
        i = end + 1
    return blocks


def _nav_pages():
    with open(os.path.join(ROOT, "mkdocs.yml")) as fh:
        return re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", fh.read(), re.M)


PAGES = _nav_pages()


def _blocks(page):
    with open(os.path.join(DOCS, page)) as fh:
        return parse(page, fh.read())


def run(block, namespace):
    """Execute ``block`` in ``namespace``; return what it printed."""
    linecache.cache[block.filename] = (len(block.code), None, block.code.splitlines(True),
                                       block.filename)
    code = compile(block.code, block.filename, "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        exec(code, namespace)
    return out.getvalue()


def normal(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def test_every_page_of_the_site_exists_and_every_docs_page_is_in_it():
    assert len(PAGES) >= 15
    for page in PAGES:
        assert os.path.exists(os.path.join(DOCS, page)), page
    built = set(PAGES)
    assert {f for f in os.listdir(DOCS) if f.endswith(".md")} <= built


@pytest.mark.parametrize("page", PAGES)
def test_every_code_block_names_its_language(page):
    for block in _blocks(page):
        assert block.lang == "python" or block.lang in NOT_RUN, (
            "%r: a code block without a language the docs tests know (%r): use ```python "
            "(it runs), or ```text / ```sh for what is shown and not run" % (block, block.lang))


def _script(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "scripts",
                                                                      name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current():
    """docs/passes.md is what scripts/gen_passes_doc.py writes from a run of the
    compiler now (docs/rules.md has its own test in tests/rules)."""
    gen = _script("gen_passes_doc")
    with open(gen.OUT) as fh:
        assert fh.read() == gen.render(), (
            "docs/passes.md is stale: run python scripts/gen_passes_doc.py and review the diff")


def test_listings_are_only_on_generated_pages():
    for page in PAGES:
        if page != "passes.md":
            assert not [b for b in _blocks(page) if "listing" in b.options], page


def test_the_api_reference_fences_doctests():
    """scripts/griffe_docstrings.py (the API page's Griffe extension) keeps its word."""
    import doctest
    pytest.importorskip("griffe", reason="the docs extra is not installed")
    failed, tried = doctest.testmod(_script("griffe_docstrings"))
    assert tried >= 2 and failed == 0


#: pages whose every block needs an optional library (the page is about it)
PAGE_NEEDS = {"scipy.md": "scipy.optimize"}


@pytest.mark.parametrize("page", [p for p in PAGES if any(
    b.lang == "python" for b in _blocks(p))])
def test_page_code_runs_and_prints_what_the_page_shows(page, monkeypatch):
    """srcgrad's blocks of ``page`` run in order, in one namespace."""
    if page in PAGE_NEEDS:
        pytest.importorskip(PAGE_NEEDS[page], reason="%s is not installed: %s is about it"
                            % (PAGE_NEEDS[page], page))
    monkeypatch.chdir(ROOT)
    namespace = {"__name__": "__docs_%s__" % page[:-3].replace("-", "_")}
    for block in _blocks(page):
        if block.lang != "python" or "listing" in block.options or \
                block.options.get("requires"):
            continue
        if "fresh" in block.options:
            namespace = {"__name__": namespace["__name__"]}
        printed = run(block, namespace)
        if block.expected is not None:
            assert normal(printed) == normal(block.expected.code), (
                "%r: the block prints\n%s\nand the page shows\n%s\n(after a deliberate "
                "change: python tests/test_docs_pages.py --update PAGE, and review the diff)"
                % (block, printed, block.expected.code))


PEER_BLOCKS = [b for p in PAGES for b in _blocks(p)
               if b.lang == "python" and b.options.get("requires")]


@pytest.mark.parametrize("block", PEER_BLOCKS, ids=[
    "%s:%d-%s" % (b.page, b.line, b.options["requires"]) for b in PEER_BLOCKS])
def test_blocks_that_need_an_optional_library(block, monkeypatch):
    """A block that needs an optional library runs by itself and prints its output
    block; on the porting page a peer library's block (HIPS autograd, torch,
    Tangent) shares that block with srcgrad's version: the same numbers."""
    name = block.options["requires"]
    pytest.importorskip(name, reason="%s is not installed: %r is shown, not run"
                        % (name, block))
    monkeypatch.chdir(ROOT)
    printed = run(block, {"__name__": "__docs_peer__"})
    if block.expected is not None:
        assert normal(printed) == normal(block.expected.code), (
            "%r: the block prints\n%s\nand the page shows\n%s"
            % (block, printed, block.expected.code))


def test_the_porting_page_compares_like_with_like():
    blocks = [b for b in _blocks("porting.md") if b.lang == "python"]
    peers = [b for b in blocks if b.options.get("requires")]
    ours = [b for b in blocks if not b.options.get("requires")]
    assert len(peers) >= 4 and len(ours) >= len(peers)
    for peer in peers:   # every peer block shares its output with a srcgrad block
        assert peer.expected is not None
        assert any(b.expected is peer.expected for b in ours), peer


def update(page):
    """Rewrite the output blocks of ``page`` with what its srcgrad blocks print."""
    path = os.path.join(DOCS, page)
    with open(path) as fh:
        text = fh.read()
    assert not any(_SNIPPET.match(line) for line in text.split("\n")), (
        "%s includes other files: update those" % page)
    lines = text.split("\n")
    namespace = {"__name__": "__docs__"}
    replacements = {}
    for block in parse(page, text):
        if block.lang != "python" or block.options.get("requires") or \
                "listing" in block.options:
            continue
        if "fresh" in block.options:
            namespace = {"__name__": "__docs__"}
        printed = run(block, namespace)
        if block.expected is not None:
            out = block.expected
            replacements[out.span] = [(out.indent + line).rstrip()
                                      for line in printed.rstrip("\n").split("\n")]
    for (first, last), new in sorted(replacements.items(), reverse=True):
        lines[first:last] = new
    with open(path, "w") as fh:
        fh.write("\n".join(lines))
    print("updated %d output blocks in docs/%s" % (len(replacements), page))


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["--update"] and sys.argv[2:]:
        os.chdir(ROOT)
        for name in sys.argv[2:]:
            update(os.path.basename(name))
    else:
        print(__doc__)
        sys.exit(2)
