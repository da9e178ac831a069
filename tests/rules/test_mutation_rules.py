"""The adjoints of mutations (srcgrad/rules/mutation.py), as formulas and in use.

Formula level: ``y[index] = v`` is the linear map ``(y, v) -> y'``; for a
cotangent ``g`` of ``y'`` the gradients of ``<g, y'>`` with respect to ``y`` and
``v``, by central finite differences, must be ``zero_at(g, index)`` (and
``zero_at_inplace``, and the tape's ``index_put`` rules) and
``setitem_value_vjp(g, index)`` summed back to ``v``'s shape -- over ints,
slices, broadcast values, repeated and negative-aliased integer indices,
boolean masks, 2-d fancy indices and complex values.  ``lst.append(v)`` is
checked the same way through ``np.stack``.  Lists and dicts, which finite
differences cannot move, against hand-derived values.

In use: the compiler calls these rules by name (generated code reads
``_setitem_value_vjp``, ``_zero_at``; an exported module carries them), and
functions that assign into slices, ``+=`` into slices and ``append``/``extend``
lists match finite differences in both engines and in auto (and PyTorch, when
installed, as a second oracle)."""

import importlib.util

import numpy as np
import pytest

import srcgrad
from srcgrad import runtime
from srcgrad.rules import mutation
from srcgrad.testing import assert_allclose, numeric_grad

RNG = np.random.default_rng(11)


def _assigned(y, index, v):
    out = np.array(y, copy=True)
    out[index] = v
    return out


# (shape of y, index, shape of v)
SETITEM = [
    ((5,), 2, ()),
    ((5,), slice(1, 4), (3,)),
    ((5,), slice(1, 4), ()),                          # a scalar broadcast into a slice
    ((5,), slice(None, None, 2), (1,)),               # ... and a length-1 vector
    ((5,), [0, 0, 3], (3,)),                          # repeated: the last write survives
    ((5,), np.array([4, -1, 2]), (3,)),               # -1 aliases 4
    ((5,), [1, 1], ()),                               # one value written twice
    ((5,), np.array([True, False, True, False, True]), (3,)),
    ((3, 4), 1, (4,)),
    ((3, 4), (slice(None), [1, 1]), (3, 2)),
    ((3, 4), ([0, 0, 2], [1, 1, 3]), (3,)),
    ((3, 4), (Ellipsis, 0), (1,)),
    ((2, 3, 4), (0, slice(1, 3)), (4,)),              # broadcast over the rows
]
IDS = ["%s[%s]=%s" % (s, i if not isinstance(i, np.ndarray) else i.tolist(), v)
       for s, i, v in SETITEM]


def _case(shape, vshape, dtype=float):
    y, v, g = RNG.normal(size=shape), RNG.normal(size=vshape), RNG.normal(size=shape)
    if dtype is complex:
        y = y + 1j * RNG.normal(size=shape)
        v = v + 1j * RNG.normal(size=vshape)
        g = g + 1j * RNG.normal(size=shape)
    return y, (float(v) if vshape == () and dtype is float else v), g


def _numeric(g, y, index, v):
    """Gradients of Re<g, y'> with respect to y and v, by central differences
    (for complex values, srcgrad's convention: dL/dRe + i dL/dIm)."""
    def loss(y, v):
        return float(np.sum(np.real(np.conj(g) * _assigned(y, index, v))))
    return numeric_grad(loss, (y, v), 0), numeric_grad(loss, (y, v), 1)


@pytest.mark.parametrize("dtype", [float, complex])
@pytest.mark.parametrize("shape,index,vshape", SETITEM, ids=IDS)
def test_setitem_adjoints_match_finite_differences(shape, index, vshape, dtype):
    y, v, g = _case(shape, vshape, dtype)
    dy, dv = _numeric(g, y, index, v)
    kept = g.copy()
    assert_allclose(mutation.zero_at(g, index), dy)
    assert_allclose(mutation.zero_at_inplace(g.copy(), index), dy)
    assert_allclose(runtime.unbroadcast(mutation.setitem_value_vjp(g, index), v), dv)
    assert np.array_equal(g, kept), "the rules changed the cotangent they were given"
    # the tape records t[index] = v as index_put: the same formulas
    ans = mutation.index_put(y, index, v)
    assert_allclose(mutation.index_put_vjp_x(g, ans, y, index, v), dy)
    assert_allclose(mutation.index_put_vjp_value(g, ans, y, index, v), dv)


def test_setitem_adjoints_hand_derived():
    g = np.array([10.0, 20.0, 30.0, 40.0])
    assert mutation.setitem_value_vjp(g, [3, 0, 3]).tolist() == [0.0, 10.0, 40.0]
    assert mutation.zero_at(g, [3, 0, 3]).tolist() == [0.0, 20.0, 30.0, 0.0]
    assert mutation.last_writer_mask((4,), [3, 0, 3]).tolist() == [False, True, True]
    assert mutation.zero_at(0.0, 1) == 0.0 and mutation.setitem_value_vjp(0.0, 1) == 0.0


def test_setitem_adjoints_of_lists_and_dicts():
    """``lst[1] = v`` and ``d["b"] = v``: ``v`` gets that entry's cotangent,
    the old entry none; a key the cotangent lacks gives zero."""
    g = [np.array([1.0, 0.5]), np.array([2.0, 3.0]), np.array([4.0, 0.0])]
    got = mutation.setitem_value_vjp(g, 1)
    assert got.tolist() == [2.0, 3.0] and got is not g[1]
    old = mutation.zero_at(g, 1)
    assert [a.tolist() for a in old] == [[1.0, 0.5], [0.0, 0.0], [4.0, 0.0]]
    assert g[1].tolist() == [2.0, 3.0]                   # not changed
    d = {"a": 1.0, "b": 2.0}
    assert mutation.setitem_value_vjp(d, "b") == 2.0
    assert mutation.setitem_value_vjp(d, "c") == 0.0
    assert mutation.zero_at(d, "b") == {"a": 1.0} and d == {"a": 1.0, "b": 2.0}
    owned = dict(d)
    assert mutation.zero_at_inplace(owned, "a") is owned and owned == {"b": 2.0}


def test_setitem_adjoints_of_a_list_of_arrays_of_different_shapes():
    """``params[1] = v`` with ``params = [W, b]``: NumPy cannot read the
    cotangent as one array, and need not (a list index writes once)."""
    g = [np.ones((2, 3)), np.array([1.0, 2.0, 3.0])]
    got = mutation.setitem_value_vjp(g, 1)
    assert got.tolist() == [1.0, 2.0, 3.0] and got is not g[1]
    assert [a.tolist() for a in mutation.setitem_value_vjp(g, slice(0, 2))] == \
        [a.tolist() for a in g]
    old = mutation.zero_at(g, 1)
    assert old[0].tolist() == g[0].tolist() and old[1].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("n,vshape", [(3, ()), (2, (4,)), (0, (2, 2))])
def test_append_adjoints_match_finite_differences(n, vshape):
    """``xs.append(v)`` then ``np.stack(xs)``: the stacked cotangent's last row
    goes to ``v``, the others to the list before the append."""
    items, v = RNG.normal(size=(n,) + vshape), RNG.normal(size=vshape)
    G = RNG.normal(size=(n + 1,) + vshape)

    def loss(items, v):
        return float(np.sum(G * np.stack(list(items) + [np.asarray(v)])))
    assert_allclose(mutation.last(G), numeric_grad(loss, (items, v), 1))
    assert_allclose(mutation.drop_last(G), numeric_grad(loss, (items, v), 0))


def test_append_adjoints_of_lists_hand_derived():
    assert mutation.last([1.0, 2.0]) == 2.0 and mutation.drop_last([1.0, 2.0]) == [1.0]
    assert mutation.last([]) == 0.0
    assert mutation.last(0.0) == 0.0 and mutation.drop_last(0.0) == 0.0   # no gradient
    row = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = mutation.last(row)
    assert got.tolist() == [3.0, 4.0]
    got[0] = 9.0
    assert row[1, 0] == 3.0          # a copy: the caller may accumulate into it


# ----------------------------------------------------------------- in use

W5 = np.array([0.5, -1.0, 2.0, 1.5, -0.25])


def slices_assigned(x):
    y = x * 1.0
    y[1:3] = x[2:4] * x[0]
    y[1:4] += x[0:3] * 0.5
    y[[0, 0]] = x[3:5]
    y[4] *= y[2]
    return np.sum(y * y * W5)


def appended(x):
    xs = []
    for i in range(3):
        xs.append(x[i] * x[i + 1])
    xs.extend([x[0], x[4]])
    return xs[0] * xs[3] + xs[1] * xs[4] + xs[2] * xs[2]


X = np.array([0.3, -0.7, 1.1, 0.4, -1.3])


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
@pytest.mark.parametrize("fn", [slices_assigned, appended])
def test_mutations_match_finite_differences_in_each_engine(fn, mode):
    got = srcgrad.grad(fn, mode=mode)(X.copy())
    assert_allclose(got, numeric_grad(fn, (X.copy(),), 0))


def replaced_parameter(W, b):
    params = [W, b]
    params[1] = np.tanh(b) * W[0]
    return np.sum(np.sin(params[0]) * params[1])


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_item_assignment_into_a_list_of_arrays_of_different_shapes(mode):
    """Compiled, this raised NumPy's "inhomogeneous shape" ValueError from
    inside the setitem adjoint (it asked np.shape of the list's cotangent)."""
    W, b = np.array([[0.3, -0.7, 1.1], [0.4, -1.3, 0.8]]), np.array([0.5, -0.2, 0.9])
    gW, gb = srcgrad.grad(replaced_parameter, wrt=(0, 1), mode=mode)(W.copy(), b.copy())
    assert_allclose(gW, numeric_grad(replaced_parameter, (W.copy(), b.copy()), 0))
    assert_allclose(gb, numeric_grad(replaced_parameter, (W.copy(), b.copy()), 1))


def test_appends_match_pytorch():
    """A second oracle (``slices_assigned`` repeats an index, which PyTorch's
    index_put leaves unspecified, so only the list program)."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(X, requires_grad=True)
    appended(t).backward()
    assert_allclose(srcgrad.grad(appended)(X.copy()), t.grad.numpy())


def test_generated_code_calls_the_rules_by_name(tmp_path):
    """The compiler reaches the rules like any rule it does not inline, and an
    exported module carries their source (it needs only NumPy)."""
    g = srcgrad.grad(slices_assigned)
    src = srcgrad.source(g)
    assert "_setitem_value_vjp(" in src and "_zero_at(" in src
    assert "_rt.setitem_value_vjp" not in src
    assert "_last(" in srcgrad.source(srcgrad.grad(appended))
    path = srcgrad.export(g, str(tmp_path / "slices_grad.py"))
    spec = importlib.util.spec_from_file_location("slices_grad", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    value, grad = module.slices_assigned_grad(X.copy())
    assert_allclose(grad, numeric_grad(slices_assigned, (X.copy(),), 0))
