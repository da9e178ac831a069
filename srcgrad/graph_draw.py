"""``srcgrad.graph``: a picture of a computation, as Graphviz DOT text.

Two pictures of ``f`` at ``args`` (docs/graph.md):

* ``engine="tape"`` (the default): ``f`` runs on the tape and the graph its
  output records is drawn as torchviz draws PyTorch's -- one box per
  ``grad_fn`` node, named as PyTorch prints it (``MulBackward0``), blue boxes
  for the leaves (the differentiated arguments, named and with their shapes),
  a green box for the output (:mod:`srcgrad.graph_tape`);
* ``engine="compiled"``: the dataflow of the code the compiler generates for
  ``f``'s gradient -- one box per statement of the forward and of the adjoint
  sweep (two clusters), with the user's line it comes from, an edge from the
  statement that last wrote each value a statement reads
  (:mod:`srcgrad.graph_compiled`).

The text is deterministic (nodes numbered in the order they are met), so it
can be compared in tests and committed.  :meth:`Graph.render` runs Graphviz's
``dot`` program, which is needed only to render: the DOT text needs nothing.

>>> import numpy as np
>>> def f(x, y):
...     return np.sum(np.sin(x) * y)
>>> g = graph(f, np.array([0.5, 1.0]), 2.0)
>>> [label for _, label in g.nodes]
['(output)\\n()', 'SumBackward0', 'MulBackward0', 'SinBackward0', 'x\\n(2,)', 'y\\n()']
>>> g.edges
[('n5', 'n4'), ('n4', 'n3'), ('n6', 'n3'), ('n3', 'n2'), ('n2', 'n1')]
"""

import os
import shutil
import subprocess

__all__ = ["graph", "Graph", "GraphvizNotFound"]

_FORMATS = ("svg", "png", "pdf", "dot")


class GraphvizNotFound(RuntimeError):
    """Rendering needs Graphviz's ``dot`` program, which is not on ``PATH``."""


class Graph:
    """A drawn computation: ``source`` is the DOT text; ``nodes`` lists
    ``(id, label)`` and ``edges`` ``(from_id, to_id)`` in the order drawn;
    ``render(path)`` writes an SVG or PNG with Graphviz; in a notebook the
    graph shows itself (``_repr_svg_``)."""

    def __init__(self, name, engine, nodes, edges, attrs, clusters=()):
        self.name = name
        self.engine = engine
        self.nodes = [(nid, label) for nid, label in nodes]
        self.edges = list(edges)
        self._attrs = dict(attrs)            # node id -> extra DOT attributes
        self._clusters = list(clusters)      # (name, label, [node ids])
        self.source = self._dot()

    def _dot(self):
        lines = ["digraph %s {" % _quote(self.name),
                 '  graph [label=%s labelloc=t fontname=monospace fontsize=12 '
                 'rankdir=TB]' % _quote("%s (%s)" % (self.name, self.engine)),
                 "  node [shape=box style=filled fillcolor=lightgrey fontname=monospace "
                 "fontsize=10 height=0.2]"]
        labels = dict(self.nodes)
        placed = set()
        for cname, clabel, members in self._clusters:
            lines.append("  subgraph %s {" % _quote("cluster_" + cname))
            lines.append("    label=%s style=dashed" % _quote(clabel))
            for nid in members:
                lines.append("    " + self._node_line(nid, labels[nid]))
                placed.add(nid)
            lines.append("  }")
        for nid, label in self.nodes:
            if nid not in placed:
                lines.append("  " + self._node_line(nid, label))
        for a, b in self.edges:
            lines.append("  %s -> %s" % (a, b))
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _node_line(self, nid, label):
        extra = self._attrs.get(nid, "")
        return "%s [label=%s%s]" % (nid, _quote(label), " " + extra if extra else "")

    def pipe(self, format="svg"):
        """The rendered picture as bytes (``dot -T<format>``)."""
        if format not in _FORMATS:
            raise ValueError("format=%r: use one of %s" % (format, ", ".join(_FORMATS)))
        dot = shutil.which("dot")
        if dot is None:
            raise GraphvizNotFound(
                "rendering a graph needs Graphviz's 'dot' program, which is not on PATH: "
                "install graphviz (apt-get install graphviz, brew install graphviz, conda "
                "install graphviz; https://graphviz.org/download/), or use Graph.source, "
                "the DOT text, with any Graphviz viewer")
        proc = subprocess.run([dot, "-T" + format], input=self.source.encode(),
                              capture_output=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError("dot failed (exit %d): %s" % (
                proc.returncode, proc.stderr.decode(errors="replace").strip()))
        return proc.stdout

    def render(self, path, format=None):
        """Write the picture to ``path`` (its format from ``format``, else from
        the file's extension: ``.svg``, ``.png``, ``.pdf``, ``.dot``; default
        SVG); return ``path``."""
        if format is None:
            ext = os.path.splitext(str(path))[1].lstrip(".").lower()
            format = ext if ext in _FORMATS else "svg"
        data = self.source.encode() if format == "dot" else self.pipe(format)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def _repr_svg_(self):
        return self.pipe("svg").decode("utf-8")

    def __str__(self):
        return self.source

    def __repr__(self):
        return "<srcgrad graph of %s (%s): %d nodes, %d edges>" % (
            self.name, self.engine, len(self.nodes), len(self.edges))


def graph(f, *args, engine="tape", wrt=None):
    """Draw ``f``'s computation at ``args``: the tape's graph (``engine="tape"``)
    or the dataflow of its compiled gradient (``engine="compiled"``), for the
    arguments in ``wrt`` (default: every argument with a floating-point
    value).  With ``engine="tape"``, ``f`` may also be a tape tensor (then no
    ``args``): its recorded graph is drawn.  Returns a :class:`Graph`."""
    if engine not in ("tape", "compiled"):
        raise ValueError("graph: engine=%r; use \"tape\" or \"compiled\"" % (engine,))
    if engine == "tape":
        from .graph_tape import tape_graph
        return tape_graph(f, args, wrt)
    from .graph_compiled import compiled_graph
    return compiled_graph(f, args, wrt)


def _quote(text):
    """A DOT string: double-quoted, with quotes and backslashes escaped and
    newlines as ``\\n`` (centred lines)."""
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
