"""Redraw the pictures of docs/graph.md: ``python docs/graph_examples.py``
(needs Graphviz's dot)."""

import os

import numpy as np

import srcgrad


def energy(x, y):
    return np.sum(np.sin(x) * y)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for engine in ("tape", "compiled"):
        g = srcgrad.graph(energy, np.array([0.5, 1.0, -0.3]), 2.0, engine=engine)
        print(g.render(os.path.join(here, "graph_%s.svg" % engine)))
