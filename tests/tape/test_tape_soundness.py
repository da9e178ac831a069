"""The tape's closed world (issue 9): right (against finite differences) or
loud, never a silent wrong gradient.

Each test runs a NumPy function through ``srcgrad.grad`` on the tape
(``mode="tape"``), through ``mode="auto"`` when the function falls back
(``try``/``except`` sends it to the tape), and through ``mode="compile"``
where the compiler takes it, and compares with central finite differences
(:func:`srcgrad.testing.numeric_grad`); or it asserts a clear refusal.
"""

import numpy as np
import pytest

import srcgrad
import srcgrad.tape.engine
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.rules import NoRuleError
from srcgrad.testing import numeric_grad

A = np.array([[2.0, 0.5, 0.1], [0.5, 3.0, 0.2], [0.1, 0.2, 1.5]])
Y = np.array([0.3, -1.0, 0.5])
X = np.array([1.3, 2.7, -0.4])


def on_tape(f):
    """``f`` behind a ``try``: the compiler refuses it, ``auto`` falls back."""
    def fallback(*args):
        try:
            return f(*args)
        except ZeroDivisionError:
            raise
    return fallback


def check(f, x, modes=("tape", "auto", "compile"), atol=1e-5):
    """``grad(f)(x)`` against finite differences in each engine; the
    compiler may refuse (a located error), never answer wrongly."""
    want = numeric_grad(f, (x,), 0)
    for mode in modes:
        fun = on_tape(f) if mode == "auto" else f
        try:
            got = srcgrad.grad(fun, mode=mode)(x)
        except (SrcgradSyntaxError, NoRuleError):
            if mode == "compile":
                continue
            raise
        np.testing.assert_allclose(got, want, atol=atol, rtol=1e-5, err_msg=mode)


# ------------------------------------------------ primitives with several outputs

def gp_loglik(L):
    """A Gaussian-process log-likelihood (slogdet + solve), as GP code does."""
    K = L @ L.T + np.eye(3)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * logdet - 0.5 * Y @ np.linalg.solve(K, Y)


def slogdet_named(a):
    r = np.linalg.slogdet(a)
    return r.logabsdet * r.sign


def mixture_loglik(L):
    """A Gaussian mixture's log-likelihood of two points, one shared covariance."""
    K = L @ L.T + 0.5 * np.eye(3)
    _, logdet = np.linalg.slogdet(K)
    pts = np.array([[0.1, 0.2, -0.3], [1.0, -0.5, 0.2]])
    quad = np.sum(pts * np.linalg.solve(K, pts.T).T, axis=1)
    return np.sum(np.logaddexp(-0.5 * quad - 0.5 * logdet, -0.5 * quad - 0.5 * logdet + 0.1))


def eigh_sym(a):
    w, v = np.linalg.eigh(0.5 * (a + a.T))     # a symmetric argument: the rule is exact
    return np.sum(w ** 2) + np.sum(v[:, 0] ** 2 * np.arange(3))


def eigh_named(a):
    r = np.linalg.eigh(0.5 * (a + a.T))
    return np.sum(r.eigenvalues * np.arange(1.0, 4.0))


def svd_parts(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(s ** 2) + np.sum((u[:, 0] * vh[0]) ** 2)


def svd_named(a):
    r = np.linalg.svd(a)
    return np.sum(r.S) + np.sum(r.U[:, 1] * r.Vh[1])


def divmod_parts(x):
    q, r = np.divmod(x, 0.7)
    return np.sum(r ** 2 + q)


def modf_parts(x):
    frac, whole = np.modf(x)
    return np.sum(frac * whole + frac ** 2)


def array_split_parts(x):
    a, b = np.array_split(x * 2.0, 2)       # pieces of different lengths
    return np.sum(a ** 2) + np.sum(b)


@pytest.mark.parametrize("f", [gp_loglik, slogdet_named, mixture_loglik, eigh_sym, eigh_named,
                               svd_parts, svd_named])
def test_linalg_tuple_outputs_are_tracked(f):
    check(f, A)


@pytest.mark.parametrize("f", [divmod_parts, modf_parts, array_split_parts])
def test_elementwise_tuple_outputs_are_tracked(f):
    check(f, X)


def test_named_results_keep_their_type_and_fields():
    t = srcgrad.torch.tensor(A, requires_grad=True)
    r = np.linalg.slogdet(t)
    assert type(r) is type(np.linalg.slogdet(A))
    assert r.logabsdet.requires_grad and r.logabsdet.output_nr == 1
    e = np.linalg.eigh(t)
    assert type(e).__name__ == "EighResult" and e.eigenvectors.grad_fn is e.eigenvalues.grad_fn
    assert isinstance(np.split(t, 3), list)


def test_only_one_output_used_gets_zeros_for_the_other():
    t = srcgrad.torch.tensor(A, dtype=srcgrad.torch.float64, requires_grad=True)
    np.linalg.slogdet(t)[1].backward()
    np.testing.assert_allclose(t.grad.numpy(), np.linalg.inv(A).T)


def test_tuple_output_without_rule_raises():
    for f in (lambda a: np.sum(np.frexp(a)[0]),
              lambda a: np.sum(np.histogram2d(a[0], a[1])[0] * a[0, 0]),
              lambda a: np.sum(np.histogram(a)[1])):
        with pytest.raises(NoRuleError, match="srcgrad.defvjp"):
            srcgrad.grad(f, mode="tape")(A)


def test_integer_outputs_are_constants():
    t = srcgrad.torch.tensor(X, requires_grad=True)
    q, r = np.divmod(t, 2)
    assert r.requires_grad
    w = np.where(t > 0)
    assert not any(o.requires_grad for o in w)


def test_output_modified_in_place_is_detected():
    t = srcgrad.torch.tensor(A, dtype=srcgrad.torch.float64, requires_grad=True)
    w, v = np.linalg.eigh(t * 1.0)
    loss = (w * w).sum()
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_backward_twice_through_tuple_output_raises():
    t = srcgrad.torch.tensor(A, dtype=srcgrad.torch.float64, requires_grad=True)
    w, v = np.linalg.eigh(t * 1.0)
    loss = (w * w).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


# ------------------------------------------------ plain ndarrays changed in place

def dot_then_change(a):
    v = np.zeros(3)
    v[0] = 0.5
    s = np.dot(a, v)
    v[0] = 2.0
    return s


def mul_then_change(a):
    w = np.ones(3)
    s = np.sum(a * w)
    w *= 3.0
    return s + np.sum(w)


def index_then_change(a):
    idx = np.array([0, 0, 1])
    y = a[idx]
    idx[:] = 2
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


def list_then_change(a):
    coef = [1.0, 2.0, 3.0]
    s = np.sum(a * coef)
    coef[0] = 10.0
    return s


def kwarg_then_change(a):
    w = np.array([1.0, 2.0, 3.0])
    s = np.average(a, weights=w)
    w[0] = 100.0
    return s


def concat_then_change(a):
    c = np.array([1.0, 2.0])
    y = np.dot(np.concatenate([a, c]), np.concatenate([c, a]))
    c[0] = 7.0
    return y


@pytest.mark.parametrize("f", [dot_then_change, mul_then_change, index_then_change,
                               list_then_change, kwarg_then_change, concat_then_change])
def test_plain_operand_changed_after_use(f):
    check(f, X)


# ------------------------------------------------ the dispatch: rule, constant or refusal

HERE = __file__.rsplit("/", 1)[-1]


def check_tape(f, x):
    """The tape side (tape and auto); the compiler's side of these constructs
    is tested with the compiler."""
    check(f, x, modes=("tape", "auto"))


def refused(f, x, exc=NoRuleError, match=None):
    """``grad(f)`` refuses on the tape (and in auto, which falls back),
    naming this file."""
    for mode in ("tape", "auto"):
        fun = on_tape(f) if mode == "auto" else f
        with pytest.raises(exc) as info:
            srcgrad.grad(fun, mode=mode)(x)
        assert HERE in str(info.value), str(info.value)
        if match:
            assert match in str(info.value), str(info.value)


def test_function_without_rule_raises_naming_the_line():
    refused(lambda a: np.sum(np.unwrap(a)), X, match="srcgrad.defvjp(np.unwrap")


def test_nondiff_function_gives_constants():
    def f(a):
        return np.sum(a * np.sign(a)) + np.sum(np.argsort(a))
    check_tape(f, X)


def sin_out_self(a):
    y = a * 1.0
    np.sin(y, out=y)
    return np.sum(y * y)


def arctan_positional_out(a):
    y = a * 2.0
    z = a * 1.0
    np.arctan(y, z)
    return np.sum(z * y)


def cumsum_out(a):
    y = a * 1.0
    np.cumsum(a, out=y)
    return np.sum(y ** 2)


def clip_out(a):
    y = a * 1.0
    np.clip(a, 0.0, 2.0, out=y)
    return np.sum(y ** 2)


def copyto_tensor(a):
    y = a * 1.0
    np.copyto(y, a[::-1] ** 2)
    return np.sum(y * a)


@pytest.mark.parametrize("f", [sin_out_self, arctan_positional_out, cumsum_out, clip_out,
                               copyto_tensor])
def test_out_into_a_tracked_value_is_an_inplace_write(f):
    check_tape(f, X)


def sin_out_ndarray(a):
    out = np.zeros(3)
    np.sin(a, out=out)
    return np.sum(out)


def arctan_out_ndarray(a):
    out = np.zeros(3)
    np.arctan(a, out)
    return np.sum(out)


def cumsum_out_ndarray(a):
    out = np.zeros(3)
    np.cumsum(a, out=out)
    return np.sum(out)


@pytest.mark.parametrize("f", [sin_out_ndarray, arctan_out_ndarray, cumsum_out_ndarray])
def test_out_into_a_plain_ndarray_is_refused(f):
    refused(f, X, TypeError, match="out=")


def put_tracked(a):
    y = a * 1.0
    np.put(y, [0], a[1])
    return np.sum(y)


def add_at_tracked(a):
    y = a * 1.0
    np.add.at(y, [0, 0], a[:2])
    return np.sum(y ** 2)


def fill_diagonal_tracked(a):
    m = np.outer(a, a)
    np.fill_diagonal(m, 0.0)
    return np.sum(m)


@pytest.mark.parametrize("f", [put_tracked, add_at_tracked, fill_diagonal_tracked])
def test_writers_that_cannot_be_recorded_are_refused(f):
    refused(f, X, match="in place")


def test_write_into_a_saved_constant_is_detected():
    def f(a):
        c = srcgrad.detach(a * 1.0)
        s = np.sum(a * c)
        np.copyto(c, 5.0)
        return s
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        srcgrad.grad(f, mode="tape")(X)


def test_keywords_the_rule_does_not_take_are_refused():
    check_tape(lambda a: np.sum(a ** 2, where=a > 0), X)   # a rule that takes where=
    refused(lambda a: np.sin(a, where=a > 0), X, match="where=")


def test_ufunc_methods():
    check_tape(lambda a: np.add.reduce(a ** 2), X)
    check_tape(lambda a: np.sum(np.add.reduce(np.outer(a, a), axis=1, keepdims=True) ** 2), X)
    check_tape(lambda a: np.multiply.reduce(a), X)
    check_tape(lambda a: np.sum(np.add.accumulate(a) ** 2), X)
    check_tape(lambda a: np.sum(np.multiply.accumulate(a)), X)
    check_tape(lambda a: np.sum(np.multiply.outer(a, a[:2]) ** 2), X)
    check_tape(lambda a: np.sum(np.sin(a, dtype=np.float64)), X)
    refused(lambda a: np.subtract.reduce(a), X, match="np.subtract.reduce")
    refused(lambda a: np.sum(np.maximum.accumulate(a)), X, match="np.maximum.accumulate")


def test_ufunc_methods_on_constants_run():
    t = srcgrad.torch.tensor([1.0, 2.0, 3.0])
    y = t * 1.0
    np.add.at(y, [0, 0], 1.0)
    assert y.numpy().tolist() == [3.0, 2.0, 3.0] and y._version == 1


def einsum_interleaved(a):
    return np.sum(np.einsum(a, [0, 1], [1, 0]) * A) + np.einsum(a, [0, 1], a, [1, 2], [])


def test_einsum_interleaved_form():
    check_tape(einsum_interleaved, A * 0.5)


# ------------------------------------------------ ndarray methods and attributes

def sort_in_place(a):
    y = a * 1.0
    y.sort()
    return np.sum(y * np.arange(3.0))


def fill_in_place(a):
    y = a * 1.0
    y.fill(2.0)
    return np.sum(y * a)


def partition_in_place(a):
    y = a * 1.0
    y.partition(1)
    return np.sum(y * np.arange(3.0))


def metadata(a):
    return np.sum(a) * (len(a.strides) + a.itemsize + a.nbytes + a.flags.c_contiguous)


def methods_as_functions(a):
    return np.sum(a.take([0, 0, 2]) ** 2) + np.sum(a.real ** 2) + \
        np.sum(np.outer(a, a).diagonal()) + np.sum(a.repeat(2))


def inplace_mod(a):
    y = a * 1.0
    w = y
    y %= 1.5
    return np.sum(w ** 2)


def builtin_divmod(a):
    q, r = divmod(a, 0.7)
    return np.sum(r ** 2)


@pytest.mark.parametrize("f", [sort_in_place, fill_in_place, partition_in_place, metadata,
                               methods_as_functions, inplace_mod, builtin_divmod])
def test_ndarray_methods(f):
    check_tape(f, X)


def test_unsupported_ndarray_attributes_are_refused():
    def put(a):
        y = a * 1.0
        y.put([0], 1.0)
        return np.sum(y)

    def resize(a):
        y = a * 1.0
        y.resize(4)
        return np.sum(y)
    # y.put(i, v) is np.put(y, i, v): refused on a tracked y, as np.put is
    refused(put, X, NoRuleError, match="np.put writes into its first argument")
    refused(resize, X, AttributeError, match="ndarray.resize")
    refused(lambda a: np.sum(a) + len(a.tobytes()), X, TypeError, match="tobytes")
    assert not hasattr(srcgrad.torch.tensor([1.0]), "no_such_attribute")


def test_floordiv_in_place_on_tracked_value_is_refused():
    def f(a):
        y = a * 1.0
        y //= 2.0
        return np.sum(y)
    refused(f, X, RuntimeError, match="//=")


def test_sort_outside_numpy_code_is_pytorchs():
    t = srcgrad.torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = t.sort(descending=True)
    assert values.detach().numpy().tolist() == [3.0, 2.0, 1.0]
    assert indices.numpy().tolist() == [0, 2, 1]
    (values * srcgrad.torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert t.grad.numpy().tolist() == [1.0, 3.0, 2.0]
    assert t.nonzero().numpy().tolist() == [[0], [1], [2]]
    assert t.detach().repeat(2).numpy().tolist() == [3.0, 1.0, 2.0, 3.0, 1.0, 2.0]


# ------------------------------------------------ ndarray subclasses

@pytest.mark.parametrize("make", [lambda: np.matrix(A), lambda: np.ma.masked_array(X, [0, 1, 0])])
def test_ndarray_subclasses_are_refused(make):
    with pytest.raises(TypeError, match="subclasses"):
        srcgrad.torch.tensor(make())
    with pytest.raises(TypeError, match="subclasses"):
        srcgrad.grad(lambda a: np.sum(a * a), mode="tape")(make())
    t = srcgrad.torch.tensor(np.asarray(make()), requires_grad=True)
    with pytest.raises(TypeError, match="subclasses"):
        np.multiply(t, make())


# ------------------------------------------------ mixed mode: what crosses the seam

def _returns_generator(x):
    try:                            # refused by the compiler (below): runs on the tape
        for _ in ():  # a loop in a try body: refused by the compiler
            pass
    except ValueError:
        pass
    return (np.sin(x[i]) for i in range(len(x)))


def calls_generator_returning_helper(x):
    return sum(_returns_generator(x))


def _generator(x):
    yield np.sin(x)
    yield np.cos(x)


def calls_generator_function(x):
    return np.sum(sum(_generator(x)))


def _returns_containers(x):
    try:
        for _ in ():  # a loop in a try body: refused by the compiler
            pass
    except ValueError:
        pass
    return {"a": np.sin(x), "b": [np.cos(x), 2.0]}


def calls_container_returning_helper(x):
    d = _returns_containers(x)
    return np.sum(d["a"] * d["b"][0] * d["b"][1])


def test_generator_function_callee_sends_the_caller_to_the_tape():
    x = np.array([0.3, 0.7])
    got = srcgrad.grad(calls_generator_function)(x)
    np.testing.assert_allclose(got, numeric_grad(calls_generator_function, (x,), 0), atol=1e-6)


def test_containers_cross_the_seam():
    x = np.array([0.3, 0.7])
    got = srcgrad.grad(calls_container_returning_helper)(x)
    np.testing.assert_allclose(got, numeric_grad(calls_container_returning_helper, (x,), 0),
                               atol=1e-6)


def test_generator_value_from_a_tape_callee_is_refused():
    x = np.array([0.3, 0.7])
    with pytest.raises(TypeError, match="returned a generator") as info:
        srcgrad.grad(calls_generator_returning_helper)(x)
    assert HERE in str(info.value)
    got = srcgrad.grad(calls_generator_returning_helper, mode="tape")(x)
    np.testing.assert_allclose(got, np.cos(x))


# ------------------------------------------------ repeated indices in assignments

def assign_repeated(a):
    y = np.zeros(3) * a
    y[[0, 0]] = a[:2]
    return np.sum(y * np.arange(1.0, 4.0))


def iadd_repeated(a):
    y = a * 1.0
    y[[0, 0, 1, 2]] += a[[0, 1, 2, 0]]
    return np.sum(y ** 2)


@pytest.mark.parametrize("f", [assign_repeated, iadd_repeated])
def test_assignment_through_repeated_indices(f):
    """NumPy keeps the last write: only its source gets the cotangent
    (rules.mutation.setitem_value_vjp, shared with the compiler)."""
    check(f, X)


def test_assignment_through_distinct_indices():
    def f(a):
        y = np.zeros(3) * a
        y[[2, 0]] = a[:2] ** 2
        y[np.array([1])] += a[2]
        return np.sum(y * np.arange(1.0, 4.0))
    check_tape(f, X)


# ------------------------------------------------ NumPy's meaning of methods in NumPy code

M = np.array([[0.6, 0.2, 0.1], [0.3, 0.9, 0.4]])


def max_axis(a):
    return np.sum(a.max(axis=0) * np.arange(1.0, 4.0)) + a.min(1)[0]


def var_std(a):
    return a.var() + a.std(axis=1)[1] + a.var(ddof=1)


def transpose_axes(a):
    return np.sum(a.transpose(1, 0) @ np.ones(2)) + np.sum(a.transpose() * a.T) + \
        np.sum(a.transpose((0, 1)) * a)


def dot_nd(a):
    b = np.arange(6.0).reshape(3, 2)
    return np.sum(a.dot(b) ** 2)


def size_attribute(a):
    return np.sum(a) * a.size + len(range(a.size))


def view_and_deepcopy(a):
    import copy
    v = a.view()
    w = copy.deepcopy(v * 2.0)
    return np.sum(w * a)


@pytest.mark.parametrize("f", [max_axis, var_std, transpose_axes, dot_nd, size_attribute,
                               view_and_deepcopy])
def test_methods_mean_what_numpy_means(f):
    np.testing.assert_allclose(srcgrad.tape.engine.tape_vjp(f, (M,))[0], f(M))
    check_tape(f, M)


def test_methods_keep_pytorchs_meaning_outside_numpy_code():
    t = srcgrad.torch.tensor(M, requires_grad=True)
    values, indices = t.max(dim=0)
    assert indices.numpy().tolist() == [0, 1, 1]
    assert t.var().item() == pytest.approx(np.var(M, ddof=1))
    assert tuple(t.transpose(0, 1).shape) == (3, 2)
    assert tuple(t.size()) == (2, 3)
    with pytest.raises(RuntimeError, match="graph leaves"):
        __import__("copy").deepcopy(t * 2)


def test_ndarray_of_a_constant_tensor_is_read_only_in_numpy_code():
    def f(a):
        m = np.sign(a)                 # a constant Tensor, saved by the product below
        s = np.sum(a * m)
        np.asarray(m)[0] = 5.0         # would change what the product's rule reads
        return s
    with pytest.raises(ValueError, match="read-only"):
        srcgrad.grad(f, mode="tape")(X)


def test_tape_pullback_refuses_cotangents_of_the_wrong_shape():
    from srcgrad.tape.engine import tape_vjp
    value, pullback = tape_vjp(lambda x: x * 2.0, (X,))
    np.testing.assert_allclose(pullback(1.0)[0], [2.0, 2.0, 2.0])          # a scalar broadcasts
    np.testing.assert_allclose(pullback(np.arange(3.0))[0], [0.0, 2.0, 4.0])
    for bad in (np.ones(1), np.ones((3, 1)), np.ones(4)):
        with pytest.raises(ValueError, match="shape"):
            pullback(bad)
    with pytest.raises(TypeError, match="cotangent"):
        pullback({"a": 1.0})
    value, pullback = tape_vjp(lambda x: (x, x * 2.0), (X,))
    with pytest.raises(ValueError, match="items"):
        pullback((1.0, 1.0, 1.0))


def test_more_ndarray_method_signatures():
    def f(a):
        y = a * 2.0
        return np.sum(y.reshape(3, 2, order="C") ** 2) + np.sum(y.ravel()) + \
            np.sum(y.round(1) * y) + srcgrad.detach(y).item(0) * 0.0 + np.sum(y.flatten("C") * 3.0)
    check_tape(f, M)
    refused(lambda a: np.sum(a.reshape(-1, order="F") * np.arange(6.0)), M, TypeError,
            match="order='F'")
    t = srcgrad.torch.tensor(np.arange(6.0).reshape(2, 3))
    assert t.compress([False, True], axis=0).numpy().tolist() == [[3.0, 4.0, 5.0]]
    assert tuple(srcgrad.torch.zeros(2, 3, 4).flatten(1).shape) == (2, 12)
    assert tuple(srcgrad.torch.zeros(2, 3, 4).flatten(0, 1).shape) == (6, 4)


def test_clip_with_numpy2_keywords():
    check_tape(lambda a: np.sum(np.clip(a, min=0.0, max=1.0) * 2 + np.clip(a, max=0.6)),
               np.array([1.3, 0.7, -0.4, 0.55]))


# -- a write through a view of a tensor that carried no history ----------------------------
# (found by the random-program tier: the base kept no record of the write, so the
# gradient of the written value was 0; PyTorch gives the base a CopySlices node)

def _write_through_view_of_no_grad(c, x):
    with srcgrad.no_grad():
        a = x * 2.0
    v = a[1:]
    v[0] = c * 1.0
    return np.sum(a * 3.0) + np.sum(v)


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_write_through_a_view_of_a_no_grad_value_reaches_the_base(mode):
    x = np.array([1.0, 2.0, 3.0])
    gc, gx = srcgrad.grad(_write_through_view_of_no_grad, wrt=(0, 1), mode=mode)(0.5, x)
    assert gc == pytest.approx(4.0)       # 3 through a, 1 through v: by hand
    np.testing.assert_array_equal(gx, 0.0)  # x only reaches a under no_grad


def test_tensor_write_through_view_of_no_grad_base_matches_pytorch_semantics():
    c = srcgrad.torch.tensor(0.5, requires_grad=True)
    x = srcgrad.torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with srcgrad.no_grad():
        a = x * 2
    assert not a.requires_grad
    v = a[1:]
    v[0] = c
    assert a.requires_grad and a.grad_fn is not None   # PyTorch: CopySlices
    (a * 3).sum().backward()
    assert float(c.grad) == pytest.approx(3.0)
    assert x.grad is None


# -- an in-place change through one view, read through a sibling view -------------------
# (the sibling kept its old history: d/dc below was 6 where it is 9, silently, in tape
# and auto; PyTorch regenerates every view of the base after the write)

def _sibling_views(b, c):
    views = {"p": b[::-1], "q": b[::-1]}
    views["p"] += c
    return np.sum(views["p"] * views["q"] + b[::-1])


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_a_write_through_one_view_reaches_its_sibling_views(mode):
    b, c = np.array([0.3, -0.2, 0.5]), 1.0
    got = srcgrad.grad(_sibling_views, wrt=(0, 1), mode=mode)(b.copy(), c)
    for i, want in enumerate(numeric_grad(_sibling_views, (b, c), i) for i in (0, 1)):
        np.testing.assert_allclose(got[i], want, rtol=1e-6, atol=1e-8)


def test_sibling_views_match_pytorch():
    torch = pytest.importorskip("torch")
    from srcgrad.torch import tensor
    for lib in ("srcgrad", "torch"):
        mk = tensor if lib == "srcgrad" else torch.tensor
        leaf = mk([0.3, -0.2, 0.5, 0.9], requires_grad=True)
        c = mk(1.5, requires_grad=True)
        x = leaf * 1.0
        v1, v2 = x[1:], x[1:]
        v1 += c
        (v1 * v2).sum().backward()
        if lib == "srcgrad":
            ours = (np.asarray(leaf.grad.numpy()), float(c.grad.numpy()))
        else:
            theirs = (leaf.grad.numpy(), float(c.grad))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-12)
