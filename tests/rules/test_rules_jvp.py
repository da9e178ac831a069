"""Every rule's forward-mode JVP (srcgrad/rules/jvp.py), driven by the spec
table that drives the VJP checks (rules_spec.py, with the FFT and SciPy rows):

(a) the JVP along a random direction against central finite differences
    (complex arguments perturbed in a random complex direction, real and
    imaginary parts alike);
(b) the transpose identity ``<u, J v> == <J^T u, v>`` against the VJP (the
    real inner product, ``Re sum(conj(a) b)``, for complex values);
(c) the tangent has the output's structure, shape and dtype
    (``runtime.tangent_like``).
"""

import collections
import copy

import numpy as np
import pytest

import srcgrad
import srcgrad.rules as rules
from srcgrad import runtime
from srcgrad.rules import lookup, NO_RULE, NoRuleError
from srcgrad.rules import jvp as jvpmod

from rules_checker import C, random_like, inner, axpy, _outputs, _sub_scale, _reseeded, EPS
from rules_spec import cases, make_args, qualname
from test_rules_vjp import library_rows

CASES = cases()
COUNTS = collections.Counter()


def _leaves(x):
    if isinstance(x, runtime.Closure):
        x = x.cells
    if isinstance(x, dict):
        for k in x:
            yield from _leaves(x[k])
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _leaves(v)
    else:
        yield x


def _discrete(x):
    return isinstance(x, (bool, np.bool_, str)) or x is None or \
        np.asarray(x).dtype.kind in "biuUSO"


def check_tangent_structure(jv, ans, where):
    """(c): the tangent of each output leaf has its shape and dtype."""
    la, lt = list(_leaves(ans)), list(_leaves(jv)) if jv is not None else []
    if isinstance(ans, (list, tuple, dict, runtime.Closure)):
        assert len(la) == len(lt), "%s: tangent structure differs from the output's" % where
    else:
        lt = [jv]
    for a, t in zip(la, lt):
        if _discrete(a):
            assert t is None or not np.any(t), "%s: a discrete output moved" % where
            continue
        assert t is not None, "%s: no tangent for a float output" % where
        assert np.shape(t) == np.shape(a), "%s: tangent shape %s != output shape %s" % (
            where, np.shape(t), np.shape(a))
        if isinstance(a, float):
            assert isinstance(t, float), "%s: a Python float's tangent is %r" % (where, type(t))
        elif isinstance(a, complex):
            assert isinstance(t, complex), "%s: a complex's tangent is %r" % (where, type(t))
        else:
            assert np.asarray(t).dtype == np.asarray(a).dtype, \
                "%s: tangent dtype %s != output dtype %s" % (where, np.asarray(t).dtype,
                                                             np.asarray(a).dtype)
        assert np.all(np.isfinite(t)), "%s: non-finite tangent" % where


def _zero_discrete(fd, ans):
    """Finite differences of discrete outputs (integers) are not compared."""
    if isinstance(ans, runtime.Closure):
        return _zero_discrete(fd.cells, ans.cells)
    if isinstance(ans, dict):
        return {k: _zero_discrete(fd[k], ans[k]) for k in ans}
    if isinstance(ans, (list, tuple)):
        return [_zero_discrete(f, a) for f, a in zip(fd, ans)]
    return None if _discrete(ans) else fd


def _max_err(jv, fd):
    """Largest entrywise gap and the scale of the finite differences."""
    if fd is None:
        return 0.0, 0.0
    if isinstance(jv, runtime.Closure):
        jv = jv.cells
    if isinstance(fd, dict):
        pairs = [_max_err(jv[k], fd[k]) for k in fd]
    elif isinstance(fd, (list, tuple)):
        pairs = [_max_err(j, f) for j, f in zip(jv, fd)]
    else:
        f = np.asarray(fd)
        j = np.zeros(f.shape) if jv is None else np.asarray(jv)
        if f.size == 0:
            return 0.0, 0.0
        return float(np.max(np.abs(j - f))), float(np.max(np.abs(f)))
    if not pairs:
        return 0.0, 0.0
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _same(a, b):
    if isinstance(a, runtime.Closure):
        return _same(a.cells, b.cells)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, C):
        return True
    try:
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    except TypeError:
        return a is b or a == b


def check_jvp(fn, args, kw, seed=0, rtol=1e-5, atol=1e-7, sym=False, canon=None, argnums=None,
              reseed=False, array_for_list=False, project=None):
    prim = lookup(fn)
    call = _reseeded(fn, seed) if reseed else fn
    rng = np.random.default_rng(seed + 7)
    consts = [isinstance(a, C) for a in args]
    vals = [a.value if isinstance(a, C) else a for a in args]
    ans = _outputs(call(*vals, **kw))
    checked = 0
    for i, rule in enumerate(prim.vjps):
        if rule in (None, NO_RULE) or i >= len(vals) or consts[i] or \
                (argnums and i not in argnums):
            continue
        where = "%s arg %d (%s)" % (prim.name, i, jvpmod.origin(prim, i))
        v = random_like(rng, vals[i])
        if sym:
            v = 0.5 * (v + np.swapaxes(v, -1, -2))
        keep = copy.deepcopy((vals, v))
        jv = _outputs(prim.tangent({i: v}, ans, tuple(vals), kw))
        assert _same(keep, (vals, v)), "%s: the JVP mutated its inputs" % where
        check_tangent_structure(jv, ans, where)                                   # (c)
        plus, minus = list(vals), list(vals)
        plus[i], minus[i] = axpy(vals[i], v, EPS), axpy(vals[i], v, -EPS)
        fp, fm = _outputs(call(*plus, **kw)), _outputs(call(*minus, **kw))
        if canon is not None:
            fp, fm = canon(fp, ans), canon(fm, ans)
        fd = _zero_discrete(_sub_scale(fp, fm), ans)
        u = random_like(rng, ans)
        if project is not None:   # outputs defined up to a gauge: compare projections
            u = project(u, ans)
            num, ana = inner(u, fd), inner(u, jv)
            assert abs(num - ana) <= atol + rtol * max(abs(num), abs(ana), 1.0), \
                "%s: jvp gives <u, Jv> = %.10g, finite differences %.10g" % (where, ana, num)
        else:                                                                     # (a)
            err, scale = _max_err(jv, fd)
            assert err <= atol + rtol * max(scale, 1.0) * 10, \
                "%s: jvp differs from finite differences by %.3g (scale %.3g)" % (
                    where, err, scale)
        ct = prim.cotangents(u, ans, tuple(vals), [i], kw)[0]                     # (b)
        left, right = inner(u, jv), inner(ct, v)
        assert abs(left - right) <= 1e-9 + 1e-7 * max(abs(left), abs(right)), \
            "%s: <u, Jv> = %.12g but <J^T u, v> = %.12g" % (where, left, right)
        COUNTS[jvpmod.origin(prim, i)] += 1
        checked += 1
    assert checked, "no differentiable argument was checked for %s" % prim.name


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("name,row,case,seed", CASES, ids=[c[0] for c in CASES])
def test_jvp_matches_finite_differences_and_vjp(name, row, case, seed):
    args = make_args(row, case, seed)
    check_jvp(row.fn, args, row.kw, seed=seed, **row.opts)


# ---------------------------------------------------------------- the table

PRIMS = [p for _, p in library_rows() if p is not None]


def test_every_registered_rule_has_a_jvp_or_a_documented_refusal():
    gaps = []
    for prim in PRIMS:
        rules_ = prim.jvps
        assert len(rules_) == len(prim.vjps), prim.name
        for i, vjp in enumerate(prim.vjps):
            if vjp is None:
                assert rules_[i] is None, "%s arg %d: a tangent where no gradient flows" % (
                    prim.name, i)
                continue
            o = jvpmod.origin(prim, i)
            if o == "refused":
                with pytest.raises(NoRuleError, match="srcgrad.defjvp") as info:
                    jvpmod.jvp_of(prim, i)
                assert prim.name in str(info.value)
            elif o not in ("linear", "elementwise", "explicit", "transposition"):
                gaps.append("%s arg %d" % (prim.name, i))
    assert not gaps, "registered rules without a JVP: %s" % ", ".join(gaps)


def test_explicit_jvps_are_named_top_level_defs():
    import inspect
    for prim in PRIMS:
        for rule in prim.jvps:
            if rule is None or isinstance(rule, (jvpmod.DerivedJVP, jvpmod.RefusedJVP)):
                continue
            assert rule.__name__ != "<lambda>"
            assert getattr(inspect.getmodule(rule), rule.__name__) is rule, rule.__name__
            assert list(inspect.signature(rule).parameters)[:2] == ["t", "ans"], rule.__name__


def test_linear_arguments_are_reported():
    assert rules.is_linear(lookup(np.dot), 0) and rules.is_linear(lookup(np.dot), 1)
    assert rules.is_linear(lookup(np.reshape), 0)
    assert rules.is_linear(lookup(np.einsum), 2)
    assert not rules.is_linear(lookup(np.sin), 0)
    assert not rules.is_linear(lookup(np.divide), 1)
    assert jvpmod.linear_zeroed(lookup(np.sum)) == ("initial",)
    assert jvpmod.elementwise_rule(lookup(np.sin), 0) is lookup(np.sin).vjps[0]


def test_sum_with_initial_has_a_linear_tangent():
    x, t = np.arange(3.0), np.ones(3)
    assert lookup(np.sum).tangent({0: t}, np.sum(x, initial=5.0), (x,), {"initial": 5.0}) == 3.0


def test_tangents_of_several_arguments_are_summed_and_broadcast_once():
    x, y = np.arange(3.0), 2.0
    dt = lookup(np.multiply).tangent({0: np.ones(3), 1: 1.0}, x * y, (x, y))
    assert dt.tolist() == [2.0, 3.0, 4.0]
    dt = lookup(np.add).tangent({1: 1.0}, x + y, (x, y))
    assert dt.tolist() == [1.0, 1.0, 1.0] and dt.flags.writeable


def test_complex_elementwise_follows_the_convention():
    """The JVP of a holomorphic f is plainly f'(z) t; |z| moves by Re(conj(z/|z|) t)."""
    z, t = np.array([1.0 + 2.0j]), np.array([0.5 - 1.0j])
    assert np.allclose(lookup(np.exp).tangent({0: t}, np.exp(z), (z,)), np.exp(z) * t)
    dt = lookup(np.absolute).tangent({0: t}, np.abs(z), (z,))
    assert dt.dtype == float and np.allclose(dt, np.real(np.conj(z / abs(z)) * t))
    dt = lookup(np.real).tangent({0: t}, np.real(z), (z,))
    assert np.allclose(dt, [0.5])


# ------------------------------------------------------- user primitives


def _cube(x):
    return x ** 3


def _cube_vjp(g, ans, x):
    return g * 3 * x ** 2


def _cube_jvp(t, ans, x):
    return t * 3 * x ** 2


def test_a_user_rule_without_a_jvp_is_refused_by_name():
    def my_cube(x):
        return x ** 3
    fn = srcgrad.defvjp(my_cube, _cube_vjp)
    prim = lookup(fn)
    with pytest.raises(NoRuleError, match=r"my_cube.*srcgrad\.defjvp.*reverse mode"):
        rules.jvp_of(prim, 0)
    with pytest.raises(NoRuleError):
        prim.tangent({0: 1.0}, 8.0, (2.0,))


def test_defjvp_registers_a_user_rule():
    def my_cube2(x):
        return x ** 3
    fn = srcgrad.defvjp(my_cube2, _cube_vjp)
    assert srcgrad.defjvp(fn, _cube_jvp) is fn
    prim = lookup(fn)
    assert jvpmod.origin(prim, 0) == "explicit"
    assert prim.tangent({0: 0.5}, 8.0, (2.0,)) == 6.0


def test_a_user_rule_declared_elementwise_is_derived():
    def my_cube3(x):
        return x ** 3
    fn = srcgrad.defvjp(my_cube3, _cube_vjp)
    rules.defelementwise(fn)
    assert float(lookup(fn).tangent({0: 1.0}, 8.0, (2.0,))) == 12.0


def test_transposition_is_bounded():
    rng = np.random.default_rng(0)
    prim = lookup(np.linalg.lstsq)
    assert jvpmod.origin(prim, 0) == "transposition"
    a, b = rng.standard_normal((3, 5000)), rng.standard_normal(3)   # 5000 unknowns
    with pytest.raises(NoRuleError, match="lstsq.*transposing.*srcgrad.defjvp"):
        prim.tangent({0: a}, np.linalg.lstsq(a, b), (a, b))
    a, b, t = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal((5, 3))
    dx = prim.tangent({0: t}, np.linalg.lstsq(a, b), (a, b))[0]     # below the bound: exact
    fd = (np.linalg.lstsq(a + 1e-6 * t, b)[0] - np.linalg.lstsq(a - 1e-6 * t, b)[0]) / 2e-6
    assert np.allclose(dx, fd, atol=1e-6)


def test_tangent_like():
    assert runtime.tangent_like(1 + 2j, 3.0) == 1.0
    out = runtime.tangent_like(np.float64(2.0), np.zeros((2, 3), dtype=np.float32))
    assert out.shape == (2, 3) and out.dtype == np.float32 and out.flags.writeable
    assert runtime.tangent_like(1.0, np.arange(3)).tolist() == [0.0, 0.0, 0.0]
    assert runtime.tangent_like(1.0, np.zeros(2, dtype=complex)).dtype == complex


def test_a_none_jvp_where_a_gradient_flows_is_refused_not_zero():
    def my_cube4(x):
        return x ** 3
    fn = srcgrad.defvjp(my_cube4, _cube_vjp)
    srcgrad.defjvp(fn, None)
    with pytest.raises(NoRuleError, match="my_cube4"):
        lookup(fn).tangent({0: 1.0}, 8.0, (2.0,))


def test_complex_svd_tangent_reassembles_the_matrix():
    """d(U S V^H) = dA whatever gauge the singular vectors' tangents take."""
    rng = np.random.default_rng(3)
    for shape in ((3, 3), (4, 3), (3, 4), (2, 4, 3)):
        a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        t = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        ans = np.linalg.svd(a, full_matrices=False)
        du, ds, dvh = lookup(np.linalg.svd).tangent({0: t}, ans, (a,), {"full_matrices": False})
        u, s, vh = ans
        recon = (du * s[..., None, :]) @ vh + (u * ds[..., None, :]) @ vh + \
            (u * s[..., None, :]) @ dvh
        assert np.allclose(recon, t, atol=1e-10)
        eps = 1e-6
        fd = (np.linalg.svd(a + eps * t, compute_uv=False) -
              np.linalg.svd(a - eps * t, compute_uv=False)) / (2 * eps)
        assert np.allclose(ds, fd, atol=1e-6)


def test_complex_eigh_and_cholesky_tangents():
    rng = np.random.default_rng(4)
    m = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    a = m @ m.conj().T + 3 * np.eye(3)
    t = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    t = t + t.conj().T
    w, v = ans = np.linalg.eigh(a)
    dw, dv = lookup(np.linalg.eigh).tangent({0: t}, ans, (a,))
    eps = 1e-6
    fd = (np.linalg.eigvalsh(a + eps * t) - np.linalg.eigvalsh(a - eps * t)) / (2 * eps)
    assert np.allclose(dw, fd, atol=1e-6)
    # d(V diag(w) V^H) = dA
    recon = (dv * w) @ v.conj().T + (v * dw) @ v.conj().T + (v * w) @ dv.conj().T
    assert np.allclose(recon, t, atol=1e-9)


def test_a_list_argument_may_leave_inactive_elements_without_tangent():
    a, b = np.ones((2, 3)), np.arange(6.0).reshape(2, 3)
    dt = lookup(np.concatenate).tangent({0: [None, np.ones((2, 3))]},
                                        np.concatenate([a, b]), ([a, b],))
    assert dt.tolist() == [[0.0] * 3] * 2 + [[1.0] * 3] * 2
    m = [np.eye(2), np.full((2, 2), 2.0)]
    dt = lookup(np.linalg.multi_dot).tangent({0: [np.ones((2, 2)), None]},
                                             np.linalg.multi_dot(m), (m,))
    assert np.allclose(dt, np.ones((2, 2)) @ m[1])


def test_tuple_outputs_get_a_tuple_of_tangents():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    ans = np.linalg.slogdet(a)
    dsign, dlog = lookup(np.linalg.slogdet).tangent({0: t}, ans, (a,))
    assert dsign == 0.0 and np.isclose(dlog, np.trace(np.linalg.solve(a, t)))
    q, r = lookup(np.divmod).tangent({0: np.ones(2)}, np.divmod(np.ones(2) * 5, 2.0),
                                     (np.ones(2) * 5, 2.0))
    assert q.tolist() == [0.0, 0.0] and r.tolist() == [1.0, 1.0]
