"""Einsum subscripts: ``np.einsum``'s call forms read as one subscripts
string, and ``dot`` / ``matmul`` / ``tensordot`` / ``inner`` written as the
einsum they equal.  Mechanics only: the cotangents of these products are
formulas, in srcgrad/rules/contractions.py, which reads these.

Guarantees: :func:`einsum_terms` makes every term explicit (``...``
replaced by fresh letters, the implicit output written out); each
``*_subscripts`` function gives the einsum NumPy's product computes.
"""

import numpy as np


def einsum_terms(subscripts, shapes):
    """Explicit input terms and output term of an einsum, with ``...`` replaced
    by fresh letters (right-aligned, as NumPy broadcasts them)."""
    s = subscripts.replace(" ", "")
    ins, _, out = s.partition("->")
    ins = ins.split(",")
    if "->" not in s:
        letters = "".join(t.replace("...", "") for t in ins)
        out = ("..." if "..." in s else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    fresh = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
             if c not in s]
    nell = max([len(sh) - (len(t) - 3) for t, sh in zip(ins, shapes) if "..." in t] or [0])
    ell = "".join(fresh[:nell])
    ins = [t.replace("...", ell[nell - (len(sh) - (len(t) - 3)):]) for t, sh in zip(ins, shapes)]
    return ins, out.replace("...", ell), fresh[nell:]


_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_term(sub):
    """An einsum sublist (``[0, 1]``, ``[Ellipsis, 0]``) as a subscripts term;
    integer ``i`` is letter ``i`` of A-Z, a-z (so NumPy's implicit output
    order, by label, is the alphabetical one)."""
    return "".join("..." if s is Ellipsis else _LABELS[int(s)] for s in sub)


def einsum_sublists(args):
    """``(subscripts, operands)`` for an einsum call in the interleaved form
    ``einsum(op0, sub0, op1, sub1, ..., [out])``.

    >>> einsum_sublists((np.ones((2, 3)), [0, 1], [1, 0]))[0]
    'AB->BA'
    """
    ops, subs = args[0::2], args[1::2]
    out = None
    if len(args) % 2:
        ops, out = ops[:-1], args[-1]
    terms = ",".join(_sublist_term(sub) for sub in subs)
    return (terms if out is None else terms + "->" + _sublist_term(out)), tuple(ops)


def dot_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.dot`` of arrays of ranks na, nb."""
    a = "abcdefghijklm"[:max(na - 1, 0)]
    b = "nopqrstuvwxy"[:max(nb - 2, 0)] + ("Z" if nb >= 2 else "")
    if na == 0 or nb == 0:
        a, b = "abcdefghijklm"[:na], "nopqrstuvwxy"[:nb]
        return "%s,%s->%s" % (a, b, a + b)
    return "%sz,%s->%s" % (a, b[:-1] + "z" + b[-1:] if nb >= 2 else "z", a + b)


def matmul_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.matmul`` (``@``)."""
    a = "...ij" if na >= 2 else "j"
    b = "...jk" if nb >= 2 else "j"
    out = ("..." if max(na, nb) >= 2 else "") + ("i" if na >= 2 else "") + \
        ("k" if nb >= 2 else "")
    return "%s,%s->%s" % (a, b, out)


def tensordot_subscripts(na, nb, axes=2):
    """einsum subscripts equivalent to ``np.tensordot(a, b, axes)``."""
    if np.ndim(axes) == 0:
        axes = (list(range(na - axes, na)), list(range(axes)))
    ax_a, ax_b = ([axes[0]] if np.ndim(axes[0]) == 0 else list(axes[0]),
                  [axes[1]] if np.ndim(axes[1]) == 0 else list(axes[1]))
    ax_a, ax_b = [i % na for i in ax_a], [i % nb for i in ax_b]
    la = "abcdefghijklmnopqrstuvwxyz"[:na]
    lb = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:nb])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = "".join(c for i, c in enumerate(la) if i not in ax_a) + \
        "".join(c for j, c in enumerate(lb) if j not in ax_b)
    return "%s,%s->%s" % (la, "".join(lb), out)


def inner_subscripts(na, nb):
    """einsum subscripts equivalent to ``np.inner``."""
    if na == 0 or nb == 0:
        return dot_subscripts(na, nb)
    a, b = "abcdefghijklm"[:na - 1], "nopqrstuvwxy"[:nb - 1]
    return "%sz,%sz->%s" % (a, b, a + b)
