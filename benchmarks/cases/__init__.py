"""The benchmark cases, in report order.  Each entry: key -> (letter, module
name, function); the function takes the run's settings and returns a result
dict (see ``benchmarks/harness.py``)."""

import importlib

CASES = {
    "mlp64": ("a", "mlp", "mlp64"),
    "sinloop": ("b", "sinloop", "sinloop"),
    "rnn": ("c", "rnn", "rnn"),
    "mlp512": ("d", "mlp", "mlp512"),
    "logreg": ("e", "logreg", "logreg"),
    "fall": ("f", "fall", "fall"),
    "transform": ("g", "transform", "transform"),
    "overhead": ("h", "overhead", "overhead"),
    "tape_ops": ("i", "tape_ops", "tape_ops"),
    "hvp": ("j", "higher", "hvp"),
    "hessian": ("k", "higher", "hessian"),
    "ptree_net": ("l", "ptrees", "ptree_net"),
    "ptree_layers": ("m", "ptrees", "ptree_layers"),
}


def load(key):
    letter, module, function = CASES[key]
    return getattr(importlib.import_module("cases." + module), function)
