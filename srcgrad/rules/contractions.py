"""Cotangents of contractions: ``np.einsum`` in both call forms, and the
products (``dot`` / ``matmul`` / ``tensordot`` / ``inner``) written as the
einsum they equal; the rules of :mod:`srcgrad.rules.linalg` call them.  The
subscripts themselves (parsing, the products' subscripts) are mechanics, in
:mod:`srcgrad.runtime.products`.

Guarantees: :func:`einsum_vjp` returns operand ``k``'s cotangent in that
operand's shape (diagonals restored, summed-away and broadcast axes summed
back), with the complex convention's conjugates; :func:`product_vjp_a` /
:func:`product_vjp_b` agree with it and call BLAS directly for ranks 1 and 2.

>>> import numpy as np
>>> product_vjp_a(np.ones(2), np.ones((2, 3)), np.arange(3.), runtime.matmul_subscripts)
array([[0., 1., 2.],
       [0., 1., 2.]])
"""

import numpy as np

from .. import runtime

__all__ = ["einsum_vjp", "einsum_call_vjp", "product_vjp_a", "product_vjp_b"]


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
    ins, out, fresh = runtime.einsum_terms(subscripts, shapes)
    sizes = {}
    for term, shape in zip(ins, shapes):
        for c, n in zip(term, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    terms, args = [out], [g]
    for j, (term, op) in enumerate(zip(ins, operands)):
        if j != k:
            terms.append(term)
            args.append(runtime.conj(op))   # the conjugate transpose of a complex-linear map
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


def einsum_call_vjp(g, first, rest, position, optimize=False):
    """Cotangent of the argument at call ``position`` of
    ``np.einsum(first, *rest)``, in either call form: a subscripts string
    (operands follow it) or interleaved operands and sublists."""
    if isinstance(first, str):
        return einsum_vjp(g, first, rest, position - 1, optimize)
    subscripts, operands = runtime.einsum_sublists((first,) + tuple(rest))
    return einsum_vjp(g, subscripts, operands, position // 2, optimize)


def _ranked(a, b):
    """``a``, ``b`` (lists as arrays) and their ranks."""
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if isinstance(b, (list, tuple)):
        b = np.asarray(b)
    return a, b, a.ndim if type(a) is np.ndarray else np.ndim(a), \
        b.ndim if type(b) is np.ndarray else np.ndim(b)


def _product_general(g, a, b, na, nb, subscripts, k):
    """Operand ``k``'s cotangent in a product outside BLAS's ranks: with a
    number (a scaled copy of the other operand) or by einsum."""
    if na == 0 or nb == 0:
        other, rank = (b, na) if k == 0 else (a, nb)
        return np.sum(g * runtime.conj(other)) if rank == 0 else g * runtime.conj(other)
    return einsum_vjp(g, subscripts(na, nb), (a, b), k)


def product_vjp_a(g, a, b, subscripts):
    """Cotangent of ``a`` in ``a @ b`` / ``np.dot(a, b)`` (``subscripts``
    gives the product's einsum for ranks ``na``, ``nb``): direct BLAS calls
    for operands of rank 1 and 2 (the common case), einsum otherwise."""
    a, b, na, nb = _ranked(a, b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        return _product_general(g, a, b, na, nb, subscripts, 0)
    b = runtime.conj(b)
    if na == 2 and nb == 2:
        return g @ b.T
    if na == 2 and nb == 1:
        return np.outer(g, b)
    if na == 1 and nb == 2:
        return b @ g
    return g * b


def product_vjp_b(g, a, b, subscripts):
    """Cotangent of ``b`` in ``a @ b`` / ``np.dot(a, b)``."""
    a, b, na, nb = _ranked(a, b)
    if na == 0 or na > 2 or nb == 0 or nb > 2:
        return _product_general(g, a, b, na, nb, subscripts, 1)
    a = runtime.conj(a)
    if na == 2 and nb == 2:
        return a.T @ g
    if na == 2 and nb == 1:
        return g @ a
    if na == 1 and nb == 2:
        return np.outer(a, g)
    return g * a
