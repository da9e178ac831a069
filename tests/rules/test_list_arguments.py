"""Python lists handed to NumPy functions (``np.mean(xs)``, ``np.dot([a, b], w)``):
every rule takes a list where NumPy does, and a list built by ``append`` or
a comprehension gets its elements' cotangents back from the array cotangent
the rule returns (``rules.mutation.last``/``drop_last``).  Rule level: every spec
case with its arrays turned into lists, against finite differences; engine
level: the compiler and auto against finite differences, the tape refusing
loudly (it cannot see inside a list it converts)."""

import warnings

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad, assert_allclose

from rules_checker import C, check_rule
from rules_spec import cases, make_args


def _listed(args):
    out, changed = [], False
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 1:
            out.append(a.tolist())
            changed = True
        else:
            out.append(a)
    return out, changed


def _list_cases():
    out = []
    for name, row, case, seed in cases():
        if row.opts.get("reseed") or row.opts.get("canon"):
            continue
        args, changed = _listed(make_args(row, case, seed))
        if not changed:
            continue
        vals = [a.value if isinstance(a, C) else a for a in args]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row.fn(*vals, **row.kw)
        except Exception:     # NumPy itself does not take lists here
            continue
        out.append((name, row, args, seed))
    return out


LIST_CASES = _list_cases()


@pytest.mark.parametrize("name,row,args,seed", LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_rules_take_lists_where_numpy_does(name, row, args, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        check_rule(row.fn, args, row.kw, seed=seed, array_for_list=True, **row.opts)


def literal_sum(x):
    return np.sum([x[0], x[1] * 2.0])


def comprehension_mean_max(x):
    L = [v * 2.0 for v in x]
    return np.mean(L) + np.max(L)


def appended_prod(x):
    L = []
    for v in x:
        L.append(np.sin(v))
    return np.prod(L)


def list_dot(x):
    return np.dot([x[0], x[1]], [1.0, 2.0])


def appended_rows(x):
    rows = []
    for i in range(2):
        rows.append(x * (i + 1.0))
    return np.sum(np.var(rows, axis=0)) + np.sum(np.log2(rows[0] ** 2 + 1.0))


def list_log1p(x):
    return np.sum(np.log1p([x[0] ** 2, x[2] ** 2]))


CASES = [literal_sum, comprehension_mean_max, appended_prod, list_dot, appended_rows,
         list_log1p]


@pytest.mark.parametrize("mode", ["compile", "auto"])
@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_lists_through_the_compiler(fn, mode):
    x = np.array([0.5, 1.5, -0.7])
    assert_allclose(srcgrad.grad(fn, mode=mode)(x.copy()), numeric_grad(fn, (x,), 0))


@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_lists_on_the_tape_are_refused(fn):
    with pytest.raises(srcgrad.TapeConversionError):
        srcgrad.grad(fn, mode="tape")(np.array([0.5, 1.5, -0.7]))


# -- a differentiated argument that is itself a list or tuple of numbers ----------------
# NumPy reads it as an array, so the rule hands back an array cotangent: the gradient is
# that array's rows, in the argument's own structure (it once came back as zeros).

def sin_of_list(x):
    return np.sum(np.sin(x))


def broadcast_list(x):
    return np.sum(np.asarray(x) * np.array([[1.0], [2.0]]) + np.exp(x))


def mixed_reads(x):
    return x[0] * np.mean(x) + np.dot(x, x)


ARG_CASES = [(sin_of_list, [0.3, -1.2, 2.0]), (sin_of_list, (0.3, -1.2)),
             (sin_of_list, [[0.3, -1.2], [2.0, 0.5]]), (broadcast_list, [0.3, -1.2]),
             (mixed_reads, [0.3, -1.2, 2.0])]


def _fd_of_list(fn, x, eps=1e-6):
    flat = np.array(x, dtype=float).ravel()
    out = np.zeros_like(flat)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        shape = np.shape(x)
        out[i] = (fn(type(x)(up.reshape(shape).tolist())) -
                  fn(type(x)(down.reshape(shape).tolist()))) / (2 * eps)
    return out.reshape(np.shape(x))


@pytest.mark.parametrize("mode", ["compile", "auto"])
@pytest.mark.parametrize("fn,x", ARG_CASES, ids=["%s-%s%d" % (f.__name__, type(x).__name__,
                                                              np.ndim(x)) for f, x in ARG_CASES])
def test_list_argument_gets_its_gradient(fn, x, mode):
    g = srcgrad.grad(fn, mode=mode)(x)
    assert type(g) is type(x) and np.shape(g) == np.shape(x)
    np.testing.assert_allclose(np.array(g, dtype=float), _fd_of_list(fn, x), rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_vjp_of_a_primitive_at_a_list(mode):
    _, pull = srcgrad.vjp(np.append, [1.0, 2.0, 3.0], 4.0, mode=mode)
    gx, gv = pull(np.arange(1.0, 5.0))
    assert gx == [1.0, 2.0, 3.0] and gv == 4.0
    _, pull = srcgrad.vjp(np.sum, [1.0, 2.0], mode=mode)
    assert pull(1.0) == ([1.0, 1.0],)
