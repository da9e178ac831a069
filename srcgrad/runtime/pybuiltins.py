"""Helpers for Python builtins the compiler rewrites: ``sorted`` / ``min`` /
``max`` with ``key=`` (the items are indexed by a permutation computed from the
keys) and ``zip`` (how many values it pulls from each argument).

Guarantees: the results are integers, and exactly the ones Python's own
builtins would use (stable order, first extreme, left-to-right pulling); the
compiler declares them non-differentiable.
"""



def key_order(keys, reverse=False):
    """The permutation ``sorted(items, key=..., reverse=...)`` applies, given
    the items' keys: indices, in Python's stable order.  Non-differentiable
    (it is integers); the compiler applies it to the items themselves."""
    keys = list(keys)
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def key_pick(keys, which):
    """The index ``min(items, key=...)`` (``which="min"``) or ``max`` picks,
    given the items' keys: the first extreme one, as Python's."""
    keys = list(keys)
    pick = min if which == "min" else max
    return pick(range(len(keys)), key=keys.__getitem__)


def zip_pulls(position, *lengths):
    """How many values ``zip`` takes from its argument at ``position`` when the
    others (in order, that one left out) have ``lengths``: it pulls its
    arguments left to right and stops at the first one that is exhausted, so
    the argument is pulled once more than the shortest other when all the
    arguments before it are longer.

    >>> zip_pulls(0, 2), zip_pulls(1, 2), zip_pulls(1, 3, 2), zip_pulls(1, 2, 3)
    (3, 2, 3, 2)
    """
    shortest = min(lengths)
    before = lengths[:position]
    return shortest + 1 if not before or min(before) > shortest else shortest
