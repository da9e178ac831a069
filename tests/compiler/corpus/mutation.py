"""Subscript assignment and augmented assignment on arrays created in the function or
copied from inputs; augmented ops on names."""

import numpy as np

from . import Case


def setitem_scalars(x):
    y = np.zeros(3)
    y[0] = x[0] * x[1]
    y[2] = np.sin(x[2])
    return np.sum(y ** 2)


def setitem_slice(x):
    y = x.copy()
    y[1:3] = x[:2] * 2.0
    return np.sum(y * y)


def setitem_overwrites_element(x):
    y = x.copy()
    y[0] = y[0] * 3.0
    y[0] = y[1] * y[0]
    return np.sum(y ** 2)


def iadd_elements_in_loop(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] += x[i] ** 2
    y[0] += x[-1]
    return np.sum(y * x)


def zero_negatives(x):
    y = x.copy()
    y[y < 0] = 0.0
    return np.sum(y ** 2 + y)


def mask_assign_values(x):
    y = x.copy()
    m = x > 0
    y[m] = x[m] ** 2
    return np.sum(y * np.arange(len(x)))


def scale_column(A, s):
    B = A.copy()
    B[:, 1] *= s
    return np.sum(B ** 2)


def assign_rows(A, v):
    B = np.zeros((A.shape[0], A.shape[1]))
    B[0] = v
    B[1:] = A[1:] * 2.0
    return np.sum(B * A) + np.sum(B[0] ** 2)


def augmented_names(x, y):
    z = x
    z += y
    z -= 0.5 * x
    z *= y
    z /= 1.0 + x * x
    z **= 2
    return z


def augmented_arrays(x, y):
    z = x.copy()
    z += y
    z -= 0.5 * x
    z *= y
    z /= 1.0 + x * x
    z **= 2
    return np.sum(z)


def matmul_assign(A, B):
    C = A.copy()
    C @= B
    return np.sum(C ** 2)


def matmul_assign_name(A, B):
    C = A
    C = C + 0.0
    C @= B
    C @= B
    return np.sum(np.tanh(C))


def cumsum_loop(x):
    c = np.zeros_like(x)
    c[0] = x[0]
    for i in range(1, len(x)):
        c[i] = c[i - 1] + x[i]
    return np.sum(c ** 2)


def fill_matrix_in_nested_loop(x):
    n = len(x)
    M = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            M[i, j] = x[i] * x[j] + (i == j)
    return np.sum(M @ x)


def negative_index_assign(x):
    y = np.ones(4)
    y[-1] = x[0] * x[1]
    y[-2] *= x[1]
    return np.prod(y) + y[-1]


def fancy_index_assign(x):
    y = np.zeros(5)
    y[[0, 2, 4]] = x
    return np.sum(np.cumsum(y) ** 2)


def ones_then_scaled(x):
    y = np.ones(4)
    y[1] = x
    y *= x
    return np.sum(y ** 3)


def overlapping_slice_iadd(x):
    y = x.copy()
    y[1:] += y[:-1]
    return np.sum(y ** 2)


def view_mutation_aliases(x):
    y = x.copy()
    v = y[1:]
    v *= 2.0
    return np.sum(y * x)


def second_name_iadd(x):
    acc = np.zeros(len(x))
    total = acc
    total += x * x
    return np.sum(acc * x)


def old_row_view_after_assign(A):
    B = A.copy()
    row = B[0]
    B[0] = A[1] * 3.0
    return np.sum(row * A[0])


def old_scalar_before_assign(x):
    y = x.copy()
    old = y[0]
    y[0] = 5.0 * x[1]
    return old * y[0] + np.sum(y)


def gram_schmidt_rows(A):
    Q = A.copy()
    for i in range(Q.shape[0]):
        for j in range(i):
            Q[i] -= np.dot(Q[i], Q[j]) * Q[j]
        Q[i] /= np.linalg.norm(Q[i])
    return np.sum(Q * A)


def divide_by_first(x):
    y = x.copy()
    y[1:] /= y[0]
    return np.sum(y ** 2)


def square_ellipsis(x):
    y = x * 1.0
    y[...] **= 2
    return np.sum(y)


def mask_iadd(x):
    y = x.copy()
    y[x > 0.6] += 1.0
    y[x < 0] *= 3.0
    return np.sum(y ** 2)


def copy_rebinds_input(x):
    x = x.copy()
    x[0] = 0.0
    x[1] = x[1] * x[2]
    return np.sum(x ** 2)


def row_update_in_loop(X, w):
    Y = np.empty_like(X)
    for i in range(X.shape[0]):
        Y[i, :] = np.tanh(X[i] * w)
    return np.sum(Y ** 2)


def setitem_2d_element_in_loop(A):
    B = A.copy()
    for i in range(B.shape[0]):
        B[i, i] = B[i, i] * 2.0 + 1.0
    return np.sum(B @ B)


def mutates_argument(x):
    x[0] = 0.0
    return np.sum(x ** 2)


def mutates_argument_inplace_op(x):
    x *= 2.0
    return np.sum(x ** 2)


def dict_built_by_key(x):
    cache = {}
    cache["h"] = np.tanh(x)
    cache["y"] = cache["h"] * x
    return np.sum(cache["y"])



V = np.array([0.5, -0.3, 1.2, 0.8])
A3 = np.array([[0.9, 0.2, -0.1], [0.3, 1.1, 0.4], [-0.2, 0.5, 0.8]])
#: functions the compiler refuses with a located error (aliasing it cannot
#: follow); tests/compiler/test_errors.py checks each against its message.
REFUSED = [(view_mutation_aliases, "shares memory"), (second_name_iadd, "shares memory"),
           (old_row_view_after_assign, "is a view of")]

CASES = [
    Case(setitem_scalars, [(V[:3],)]),
    Case(setitem_slice, [(V,)]),
    Case(setitem_overwrites_element, [(V,)]),
    Case(iadd_elements_in_loop, [(V[:1],), (V,)]),
    Case(zero_negatives, [(V,), (-V,)]),
    Case(mask_assign_values, [(V,), (-V,)]),
    Case(scale_column, [(A3, 1.5)], wrt=(0, 1)),
    Case(assign_rows, [(A3, np.array([0.3, -0.2, 0.5])), (A3[:1], np.array([0.3, -0.2, 0.5]))],
         wrt=(0, 1)),
    Case(augmented_names, [(0.7, 1.3), (-0.4, 0.9)], wrt=(0, 1)),
    Case(augmented_arrays, [(V, V[::-1] + 1.0)], wrt=(0, 1)),
    Case(matmul_assign, [(A3, A3.T)], wrt=(0, 1)),
    Case(matmul_assign_name, [(A3, A3.T * 0.5)], wrt=(0, 1)),
    Case(cumsum_loop, [(V[:1],), (V,)]),
    Case(fill_matrix_in_nested_loop, [(V[:1],), (V,)]),
    Case(negative_index_assign, [(V[:2],)]),
    Case(fancy_index_assign, [(V[:3],)]),
    Case(ones_then_scaled, [(0.7,), (-1.3,)]),
    Case(overlapping_slice_iadd, [(V,)]),
    Case(old_scalar_before_assign, [(V,)]),
    Case(gram_schmidt_rows, [(A3,), (A3[:1],)]),
    Case(divide_by_first, [(V,)]),
    Case(square_ellipsis, [(V,), (A3,)]),
    Case(mask_iadd, [(V,)]),
    Case(copy_rebinds_input, [(V,)]),
    Case(row_update_in_loop, [(A3, 0.7), (A3[:0], 0.7)], wrt=(0, 1)),
    Case(setitem_2d_element_in_loop, [(A3,)]),
    Case(mutates_argument, [(V,)]),
    Case(mutates_argument_inplace_op, [(V,)]),
    Case(dict_built_by_key, [(V,)]),
]
