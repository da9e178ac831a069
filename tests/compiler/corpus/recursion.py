"""Recursion: a user function that calls itself (directly, or through another
one), with arguments that change kind and shape from one level to the next."""

import numpy as np

from . import Case


def recursive_power(x, n):
    if n == 0:
        return 1.0
    return x * recursive_power(x, n - 1)


def recursion_caller(x, n):
    return recursive_power(x, n) + x


def horner(coeffs, x):
    """p(x) = c0 + x * (c1 + x * (c2 + ...)), one level per coefficient."""
    if coeffs.shape[0] == 1:
        return coeffs[0] + 0.0 * x
    return coeffs[0] + x * horner(coeffs[1:], x)


def horner_loss(coeffs, x):
    return np.sum(horner(coeffs, x) ** 2)


def tree_eval(node, w):
    """A binary tree of nested lists: a leaf is an array, a node [left, right]."""
    if isinstance(node, list):
        left = tree_eval(node[0], w)
        right = tree_eval(node[1], w)
        return np.tanh(w * left + right)
    return node * w


def tree_loss(w, leaves):
    tree = [[leaves[0], leaves[1]], [leaves[2], [leaves[3], leaves[0]]]]
    return np.sum(tree_eval(tree, w) ** 2)


def halving_sum(x):
    """Sum by recursive halving: the shapes shrink at each level."""
    n = x.shape[0]
    if n == 1:
        return np.sin(x[0])
    h = n // 2
    return halving_sum(x[:h]) * 1.5 + halving_sum(x[h:])


def is_even(x, n):
    if n == 0:
        return x
    return np.cos(is_odd(x, n - 1))


def is_odd(x, n):
    if n == 0:
        return x * 2.0
    return np.sin(is_even(x, n - 1)) * x


def even_odd_loss(x, n):
    return np.sum(is_even(x, n) + is_odd(x, n))


def descend(x, lr, steps):
    """Gradient-descent-like recursion on an array (the state rebinds)."""
    if steps == 0:
        return np.sum(x ** 2)
    return descend(x - lr * np.sin(x), lr, steps - 1)


def nary_tree(node, w):
    """Any number of children per node, the recursive call inside a loop."""
    if isinstance(node, list):
        s = 0.0
        for child in node:
            s = s + nary_tree(child, w=w)
        return np.tanh(s)
    return node * w


def nary_tree_loss(w, leaves):
    tree = [leaves[0], [leaves[1], leaves[2], [leaves[0]]], leaves[2]]
    return np.sum(nary_tree(tree, w) ** 2)


def fib_like(x, n=5):
    """Two recursive calls per level, one by keyword."""
    if n <= 1:
        return x
    return fib_like(x, n=n - 1) * 0.5 + np.sin(fib_like(x, n - 2))


V = np.array([0.3, -0.8, 1.2])
C = np.array([0.5, -1.0, 0.25, 0.8])
LEAVES = [np.array([0.2, -0.4]), np.array([0.9, 0.1]), np.array([-0.6, 0.5]),
          np.array([0.3, 0.7])]

CASES = [
    Case(recursion_caller, [(0.7, 0), (0.7, 1), (0.7, 4), (-1.3, 3)]),
    Case(horner_loss, [(C, 0.7), (C, V), (C[:1], V)], wrt=(0, 1)),
    Case(tree_loss, [(0.8, LEAVES), (np.array([0.5, -1.1]), LEAVES)]),
    Case(halving_sum, [(np.linspace(-1.0, 1.0, 8),), (np.linspace(0.1, 2.0, 7),),
                       (np.array([0.4]),)]),
    Case(even_odd_loss, [(V, 0), (V, 3), (V, 6), (0.4, 5)]),
    Case(nary_tree_loss, [(0.8, LEAVES), (np.array([0.5, -1.1]), LEAVES)]),
    Case(fib_like, [(0.8,), (-0.3, 1), (1.1, 6)]),
    Case(descend, [(V, 0.1, 0), (V, 0.1, 5), (V, 0.3, 20)], wrt=(0, 1)),
]
