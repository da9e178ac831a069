"""srcgrad.graph: the DOT text of the tape's graph (compared with the node
names PyTorch records for the same computation) and of the compiled
gradient's dataflow, and rendering through Graphviz's dot when present."""

import os
import re
import shutil

import numpy as np
import pytest

import srcgrad
from srcgrad.graph_draw import Graph, GraphvizNotFound

X = np.array([0.5, 1.0, -0.3])
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot program is not installed "
                                                    "(apt-get install graphviz)")


def energy(x, y):
    return np.sum(np.sin(x) * y)


def model(params, x, n):
    h = np.tanh(x @ params["w"] + params["b"])
    return np.mean(h ** 2) * n


def updates_in_place(x, lr):
    x -= lr * np.cos(x)
    return np.sum(x ** 2)


def labels(g):
    return [label for _, label in g.nodes]


# ------------------------------------------------------------ tape

def test_tape_graph_of_a_known_function():
    g = srcgrad.graph(energy, X, 2.0)
    assert g.engine == "tape" and g.name == "energy"
    assert labels(g) == ["(output)\n()", "SumBackward0", "MulBackward0", "SinBackward0",
                         "x\n(3,)", "y\n()"]
    assert g.edges == [("n5", "n4"), ("n4", "n3"), ("n6", "n3"), ("n3", "n2"), ("n2", "n1")]
    assert g.source.splitlines()[0] == 'digraph "energy" {'
    assert '  n5 [label="x\\n(3,)" fillcolor=lightblue]' in g.source
    assert '  n1 [label="(output)\\n()" fillcolor=darkolivegreen1]' in g.source
    assert "  n5 -> n4" in g.source and g.source.endswith("}\n")
    assert repr(g) == "<srcgrad graph of energy (tape): 6 nodes, 5 edges>"


def _torch_names(out):
    """grad_fn names in the depth-first order srcgrad draws them."""
    names, seen = [], set()

    def visit(fn):
        if fn is None or id(fn) in seen:
            return
        seen.add(id(fn))
        if fn.name() != "torch::autograd::AccumulateGrad":
            names.append(fn.name())
        for nxt, _ in fn.next_functions:
            visit(nxt)
    visit(out.grad_fn)
    return names


def test_tape_node_names_are_the_ones_torch_records():
    torch = pytest.importorskip("torch")
    params = {"w": np.linspace(-1, 1, 6).reshape(3, 2), "b": np.array([0.1, -0.2])}
    xs = np.arange(6.0).reshape(2, 3) / 6
    g = srcgrad.graph(model, params, xs, 3.0, wrt=0)
    ours = [label for label in labels(g) if "\n" not in label]
    w = torch.tensor(params["w"], requires_grad=True)
    b = torch.tensor(params["b"], requires_grad=True)
    h = torch.tanh(torch.tensor(xs) @ w + b)
    out = torch.mean(h ** 2) * 3.0
    assert ours == _torch_names(out)
    assert "w\n" not in labels(g)
    assert "params['w']\n(3, 2)" in labels(g) and "params['b']\n(2,)" in labels(g)
    assert "x\n(2, 3)" not in labels(g)            # not differentiated: no leaf


def test_tape_graph_arguments_are_not_changed_and_copies_are_folded():
    x = X.copy()
    g = srcgrad.graph(updates_in_place, x, 0.1)
    assert np.array_equal(x, X)
    assert "CloneBackward0" not in labels(g)       # the tape's copy of x is the leaf x
    assert "x\n(3,)" in labels(g) and "lr\n()" in labels(g)
    leaf = dict((label, nid) for nid, label in g.nodes)["x\n(3,)"]
    assert sum(1 for a, _ in g.edges if a == leaf) == 2   # x - ... and cos(x)


def test_tape_graph_of_a_recorded_tensor():
    import srcgrad.torch as torch
    x = torch.tensor(X, requires_grad=True)
    y = (x.sin() * 2.0).sum()
    g = srcgrad.graph(y)
    assert labels(g) == ["(output)\n()", "SumBackward0", "MulBackward0", "SinBackward0",
                         "leaf\n(3,)"]


def test_tape_graph_of_several_outputs():
    g = srcgrad.graph(lambda x: (np.sin(x), np.sum(x)), X)
    assert labels(g)[:2] == ["(output 0)\n(3,)", "SinBackward0"]
    assert "(output 1)\n()" in labels(g)


def test_graph_is_deterministic():
    assert srcgrad.graph(model, {"w": np.ones((3, 2)), "b": np.zeros(2)}, X[None], 2.0).source \
        == srcgrad.graph(model, {"w": np.ones((3, 2)), "b": np.zeros(2)}, X[None], 2.0).source
    assert srcgrad.graph(energy, X, 2.0, engine="compiled").source == \
        srcgrad.graph(energy, X, 2.0, engine="compiled").source


def test_user_errors():
    with pytest.raises(ValueError, match="does not depend on a differentiated argument"):
        srcgrad.graph(lambda x: np.ones(2), X)
    with pytest.raises(ValueError, match="engine='jit'; use \"tape\" or \"compiled\""):
        srcgrad.graph(energy, X, 2.0, engine="jit")


# ------------------------------------------------------------ compiled

def test_compiled_graph_of_a_known_function():
    g = srcgrad.graph(energy, X, 2.0, engine="compiled")
    assert g.engine == "compiled"
    line = energy.__code__.co_firstlineno + 1
    by_label = {label: nid for nid, label in g.nodes}
    assert by_label["x"] == "n1" and by_label["y"] == "n2"
    sin = by_label["_t1 = np.sin(x)\n(line %d)" % line]
    bx = [nid for nid, label in g.nodes if label.startswith("bx = ")]
    by = [nid for nid, label in g.nodes if label.startswith("by = ")]
    assert len(bx) == 1 and g.nodes[int(bx[0][1:]) - 1][1].endswith("(grad of line %d)" % line)
    # by = (_bt3 * conj(_t1)).sum() reads the saved sin(x); bx reads x and y
    assert ("n1", sin) in g.edges and (sin, by[0]) in g.edges
    assert ("n1", bx[0]) in g.edges and ("n2", bx[0]) in g.edges
    ret = by_label["return bx, by\n(grad of line %d)" % line]
    assert (bx[0], ret) in g.edges
    source = g.source
    assert 'subgraph "cluster_forward" {' in source and 'subgraph "cluster_adjoint" {' in source
    assert source.index(sin + " [") < source.index('"cluster_adjoint"') < \
        source.index(bx[0] + " [")
    assert '%s [label="return bx, by\\n(grad of line %d)" fillcolor=darkolivegreen1]' % (
        ret, line) in source


def loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x * i)
    return np.sum(s)


def test_compiled_graph_of_a_loop_shows_saved_values_flowing_to_the_adjoint():
    g = srcgrad.graph(loop, X, 3, engine="compiled")
    by_label = {label.split("\n")[0]: nid for nid, label in g.nodes}
    first = loop.__code__.co_firstlineno
    assert "for i in range(n):" not in by_label       # generated code, not the user's
    push = [nid for nid, label in g.nodes if label.startswith("_push(")]
    rev = by_label["_rev = reversed(_stack)"]
    assert push and all((p, rev) in g.edges for p in push)
    assert any(label.endswith("(grad of line %d)" % (first + 2)) for _, label in g.nodes)


def vector_valued(x):
    return np.tanh(x) * 2.0


def test_compiled_graph_of_a_vjp_with_its_pullback():
    g = srcgrad.graph(vector_valued, X, engine="compiled")
    by_label = {label: nid for nid, label in g.nodes}
    seed = [nid for label, nid in by_label.items() if label.endswith("\n(cotangent)")]
    assert len(seed) == 1
    assert any(a == seed[0] for a, _ in g.edges)


def test_compiled_graph_refuses_what_the_compiler_refuses():
    def uses_global(x):
        global G
        return x * 2.0
    with pytest.raises(SyntaxError) as info:
        srcgrad.graph(uses_global, 1.0, engine="compiled")
    assert __file__ in str(info.value) and "'global' statements" in str(info.value)


# ------------------------------------------------------------ rendering

@needs_dot
@pytest.mark.parametrize("engine", ["tape", "compiled"])
def test_render_svg_and_png(tmp_path, engine):
    g = srcgrad.graph(energy, X, 2.0, engine=engine)
    svg = g.render(tmp_path / "energy.svg")
    text = open(svg, encoding="utf-8").read()
    assert "<svg" in text and "SinBackward0" in text if engine == "tape" else "np.sin" in text
    png = g.render(str(tmp_path / "energy.png"))
    with open(png, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    forced = g.render(str(tmp_path / "picture"), format="svg")
    assert "<svg" in open(forced, encoding="utf-8").read()
    assert g._repr_svg_().lstrip().startswith("<?xml")
    assert sorted(os.listdir(tmp_path)) == ["energy.png", "energy.svg", "picture"]


def test_render_dot_text_needs_no_graphviz(tmp_path):
    g = srcgrad.graph(energy, X, 2.0)
    assert open(g.render(tmp_path / "g.dot"), encoding="utf-8").read() == g.source


def test_missing_graphviz_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    g = srcgrad.graph(energy, X, 2.0)
    with pytest.raises(GraphvizNotFound, match="install graphviz"):
        g.render(tmp_path / "g.svg")
    assert not os.path.exists(tmp_path / "g.svg")
    with pytest.raises(ValueError, match="format='gif'"):
        g.pipe("gif")


def test_labels_are_escaped():
    g = Graph('a "quoted" \\ name', "tape", [("n1", 'say "hi"\nthere')], [], {})
    assert g.source.splitlines()[0] == 'digraph "a \\"quoted\\" \\\\ name" {'
    assert 'n1 [label="say \\"hi\\"\\nthere"]' in g.source
    if HAVE_DOT:
        assert "<svg" in g._repr_svg_()


# ------------------------------------------------------------ docs/graph.md

def test_graph_md_examples_print_what_the_page_shows():
    """Every ```python block of docs/graph.md runs, in order, in one
    namespace; a block followed by a ```text block prints exactly that text;
    the pictures it shows are committed next to it."""
    from test_readme import parse_readme, run_block, _normal
    docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
    with open(os.path.join(docs, "graph.md")) as fh:
        text = fh.read()
    blocks = parse_readme(text)
    assert len(blocks) == 2
    namespace = {"__name__": "__graph_md__"}
    for block in blocks:
        block.options.setdefault("file", "graph-md-block-%d.py" % block.index)
        printed = run_block(block, namespace)
        assert _normal(printed) == _normal(block.expected), (
            "docs/graph.md line %d: the block prints\n%s" % (block.start, printed))
    for picture in re.findall(r"\]\((graph_\w+\.svg)\)", text):
        with open(os.path.join(docs, picture), encoding="utf-8") as fh:
            assert "<svg" in fh.read()
