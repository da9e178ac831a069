"""Products: ``np.einsum`` in all its call forms, and ``dot`` / ``matmul`` /
``tensordot`` / ``inner`` written as einsum subscripts, for the rules of
srcgrad/rules/linalg.py.

Guarantees: :func:`einsum_vjp` returns operand ``k``'s cotangent in that
operand's shape (diagonals restored, summed-away and broadcast axes summed
back), with the complex convention's conjugates; :func:`product_vjp_a` /
:func:`product_vjp_b` agree with it and call BLAS directly for ranks 1 and 2.
"""

import numpy as np

from .complex import conj


def _einsum_terms(subscripts, shapes):
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


def einsum_vjp(g, subscripts, operands, k, optimize=False):
    """Cotangent of operand ``k`` of ``np.einsum(subscripts, *operands)``.

    One einsum contracts ``g`` with the other operands; a letter repeated in
    operand ``k`` (a diagonal) is restored with an identity matrix, a letter
    only operand ``k`` has (summed away) with a vector of ones, and axes that
    einsum broadcast from length 1 are summed back.

    >>> einsum_vjp(np.ones(2), "ij,j->i", (np.ones((2, 3)), np.arange(3.)), 0).tolist()
    [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    """
    shapes = [np.shape(op) for op in operands]
    ins, out, fresh = _einsum_terms(subscripts, shapes)
    sizes = {}
    for term, shape in zip(ins, shapes):
        for c, n in zip(term, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    terms, args = [out], [g]
    for j, (term, op) in enumerate(zip(ins, operands)):
        if j != k:
            terms.append(term)
            args.append(conj(op))     # the conjugate transpose of a complex-linear map
    seen, res = [], ""
    for c in ins[k]:
        if c in seen:
            f = fresh.pop(0)
            terms.append(c + f)
            args.append(np.eye(sizes[c]))
            res += f
        else:
            seen.append(c)
            res += c
    present = "".join(terms)
    for c in seen:
        if c not in present:
            terms.append(c)
            args.append(np.ones(sizes[c]))
    grad = np.einsum(",".join(terms) + "->" + res, *args, optimize=optimize)
    shape = shapes[k]
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return np.sum(grad, axis=axes, keepdims=True) if axes else grad


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


def einsum_call_vjp(g, first, rest, position, optimize=False):
    """Cotangent of the argument at call ``position`` of
    ``np.einsum(first, *rest)``, in either call form: a subscripts string
    (operands follow it) or interleaved operands and sublists."""
    if isinstance(first, str):
        return einsum_vjp(g, first, rest, position - 1, optimize)
    subscripts, operands = einsum_sublists((first,) + tuple(rest))
    return einsum_vjp(g, subscripts, operands, position // 2, optimize)


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


def product_vjp_a(g, a, b, subscripts):
    """Cotangent of ``a`` in ``a @ b`` / ``np.dot(a, b)``: direct BLAS calls
    for operands of rank 1 and 2 (the common case), einsum otherwise."""
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if isinstance(b, (list, tuple)):
        b = np.asarray(b)
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        if na == 0 or nb == 0:
            return np.sum(g * conj(b)) if na == 0 else g * conj(b)
        return einsum_vjp(g, subscripts(na, nb), (a, b), 0)
    b = conj(b)
    if na == 2 and nb == 2:
        return g @ b.T
    if na == 2 and nb == 1:
        return np.outer(g, b)
    if na == 1 and nb == 2:
        return b @ g
    return g * b


def product_vjp_b(g, a, b, subscripts):
    """Cotangent of ``b`` in ``a @ b`` / ``np.dot(a, b)``."""
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if isinstance(b, (list, tuple)):
        b = np.asarray(b)
    na = a.ndim if type(a) is np.ndarray else np.ndim(a)
    nb = b.ndim if type(b) is np.ndarray else np.ndim(b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        if na == 0 or nb == 0:
            return np.sum(g * conj(a)) if nb == 0 else g * conj(a)
        return einsum_vjp(g, subscripts(na, nb), (a, b), 1)
    a = conj(a)
    if na == 2 and nb == 2:
        return a.T @ g
    if na == 2 and nb == 1:
        return g @ a
    if na == 1 and nb == 2:
        return np.outer(a, g)
    return g * a
