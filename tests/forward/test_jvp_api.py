"""srcgrad.jvp: pytrees, complex numbers, has_aux, grad modes, custom
derivatives, bad input; against central differences, hand-derived values and
(optionally) jax.jvp.  Engines: tape and auto (compile: see helpers.NO_COMPILE_JVP)."""

import collections
import copy

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.forward import ForwardUnavailable
from srcgrad.tape.forward import ForwardModeError

from helpers import fd_jvp, assert_tangent, need_compile_jvp, NO_COMPILE_JVP

ENGINES = ["tape", "auto"]
P = collections.namedtuple("P", "w b")


def mlp(p, x):
    return np.tanh(x @ p.w + p.b)


def tree_fn(d, scale):
    return {"sum": np.sum(d["a"] ** 2) * scale, "parts": [np.sin(d["b"][1]), d["a"] * d["b"][0]]}


@pytest.mark.parametrize("mode", ENGINES)
def test_vector_function_matches_finite_differences(mode):
    rng = np.random.default_rng(0)
    p = P(rng.standard_normal((3, 4)), rng.standard_normal(4))
    x = rng.standard_normal((2, 3))
    tp = P(rng.standard_normal((3, 4)), rng.standard_normal(4))
    tx = rng.standard_normal((2, 3))
    out, t = srcgrad.jvp(mlp, (p, x), (tp, tx), mode=mode)
    np.testing.assert_allclose(out, mlp(p, x))
    assert t.shape == (2, 4) and t.dtype == np.float64
    assert_tangent(t, fd_jvp(mlp, (p, x), (tp, tx)))


@pytest.mark.parametrize("mode", ENGINES)
def test_dict_and_list_trees(mode):
    d = {"a": np.array([1.0, 2.0]), "b": [0.5, 1.5]}
    td = {"a": np.array([0.3, -1.0]), "b": [1.0, 2.0]}
    out, t = srcgrad.jvp(tree_fn, (d, 2.0), (td, 0.5), mode=mode)
    assert set(t) == {"sum", "parts"} and isinstance(t["parts"], list)
    assert_tangent(t, fd_jvp(tree_fn, (d, 2.0), (td, 0.5)))
    # hand-derived: d sum = 2 a.da * scale + sum(a^2) dscale
    assert np.isclose(t["sum"], 2 * (1 * 0.3 + 2 * -1.0) * 2.0 + 5.0 * 0.5)


@pytest.mark.parametrize("mode", ENGINES)
def test_none_tangents_hold_arguments_constant(mode):
    d = {"a": np.array([1.0, 2.0]), "b": [0.5, 1.5]}
    td = {"a": None, "b": [1.0, None]}
    _, t = srcgrad.jvp(tree_fn, (d, 2.0), (td, None), mode=mode)
    full = {"a": np.zeros(2), "b": [1.0, 0.0]}
    assert_tangent(t, fd_jvp(tree_fn, (d, 2.0), (full, 0.0)))


@pytest.mark.parametrize("mode", ENGINES)
def test_integer_argument_takes_none(mode):
    def power(x, n):
        return x ** n
    out, t = srcgrad.jvp(power, (2.0, 3), (1.0, None), mode=mode)
    assert out == 8.0 and t == 12.0


@pytest.mark.parametrize("mode", ENGINES)
def test_holomorphic_complex_is_plain_derivative_times_tangent(mode):
    z = np.array([0.3 + 0.2j, -1.0 + 0.5j])
    tz = np.array([1.0 - 2.0j, 0.5j])
    _, t = srcgrad.jvp(lambda z: np.sin(z) * z, (z,), (tz,), mode=mode)
    want = (np.cos(z) * z + np.sin(z)) * tz           # f'(z) t, no conjugate
    np.testing.assert_allclose(t, want, rtol=1e-12)
    assert_tangent(t, fd_jvp(lambda z: np.sin(z) * z, (z,), (tz,)))


@pytest.mark.parametrize("mode", ENGINES)
def test_non_holomorphic_complex(mode):
    z = np.array([0.3 + 0.2j, -1.0 + 0.5j])
    tz = np.array([1.0 - 2.0j, 0.5j])

    def f(z):
        return np.conj(z) * z + np.real(z) * 1j
    _, t = srcgrad.jvp(f, (z,), (tz,), mode=mode)
    np.testing.assert_allclose(t, np.conj(tz) * z + np.conj(z) * tz + np.real(tz) * 1j)
    assert_tangent(t, fd_jvp(f, (z,), (tz,)))


@pytest.mark.parametrize("mode", ENGINES)
def test_real_input_complex_output(mode):
    x = np.array([0.4, 1.3])
    _, t = srcgrad.jvp(lambda x: np.exp(1j * x), (x,), (np.array([1.0, -2.0]),), mode=mode)
    np.testing.assert_allclose(t, 1j * np.exp(1j * x) * np.array([1.0, -2.0]))


@pytest.mark.parametrize("mode", ENGINES)
def test_has_aux(mode):
    def f(x):
        return np.sum(x ** 3), {"norm": np.linalg.norm(x)}
    x = np.array([1.0, 2.0])
    out, t, aux = srcgrad.jvp(f, (x,), (np.array([1.0, 1.0]),), has_aux=True, mode=mode)
    assert np.isclose(out, 9.0) and np.isclose(t, 3 + 12) and np.isclose(aux["norm"],
                                                                           np.sqrt(5))


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("stop", ["no_grad", "detach", "stop_gradient"])
def test_grad_modes_stop_tangents(mode, stop):
    def f(x):
        if stop == "no_grad":
            with srcgrad.no_grad():
                c = np.sin(x)
        elif stop == "detach":
            c = srcgrad.detach(np.sin(x))
        else:
            c = srcgrad.stop_gradient(np.sin(x))
        return c * x
    x = np.array([0.5, 1.0])
    _, t = srcgrad.jvp(f, (x,), (np.ones(2),), mode=mode)
    np.testing.assert_allclose(t, np.sin(x))     # c is a constant: d(c x) = c dx


@pytest.mark.parametrize("mode", ENGINES)
def test_nothing_passed_in_is_mutated(mode):
    def f(x, d):
        x *= 2.0
        d["v"][0] = 0.0
        return np.sum(x * d["v"])
    x, d = np.array([1.0, 2.0]), {"v": np.array([3.0, 4.0])}
    tx, td = np.array([1.0, 0.0]), {"v": np.array([0.0, 1.0])}
    before = copy.deepcopy((x, d, tx, td))
    srcgrad.jvp(f, (x, d), (tx, td), mode=mode)
    np.testing.assert_equal((x, d, tx, td), before)


@pytest.mark.parametrize("mode", ENGINES)
def test_primitive_and_operator(mode):
    _, t = srcgrad.jvp(np.arctan2, (1.0, 2.0), (1.0, 0.0), mode=mode)
    assert np.isclose(t, 2.0 / 5.0)


def test_output_kinds():
    out, t = srcgrad.jvp(lambda x: x * 2.0, (3.0,), (1.0,))
    assert isinstance(t, float) and t == 2.0
    out, t = srcgrad.jvp(lambda x: (x, 3), (np.ones(2),), (np.ones(2),))
    assert isinstance(t, tuple) and t[1] == 0.0


def test_matches_jax():
    jax = pytest.importorskip("jax", reason="jax is an optional second oracle")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    rng = np.random.default_rng(3)
    x, v = rng.standard_normal(5), rng.standard_normal(5)
    mine = srcgrad.jvp(lambda x: np.tanh(np.outer(x, x)).sum(axis=0) * np.exp(-x), (x,),
                       (v,))[1]
    theirs = jax.jvp(lambda x: jnp.tanh(jnp.outer(x, x)).sum(axis=0) * jnp.exp(-x), (x,),
                     (v,))[1]
    np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-10)


# ------------------------------------------------------------- custom derivatives

@srcgrad.custom_jvp
def clipped_log(x):
    return np.log(x)


@clipped_log.defjvp
def clipped_log_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return np.log(x), t / np.maximum(x, 1e-3)


@srcgrad.custom_vjp
def scaled_sin(x):
    return np.sin(x)


scaled_sin.defvjp(lambda x: (np.sin(x), np.cos(x)), lambda c, g: (g * c,))


@pytest.mark.parametrize("mode", ENGINES)
def test_custom_jvp_rule_is_used(mode):
    assert srcgrad.jvp(clipped_log, (0.0,), (1.0,), mode=mode)[1] == 1000.0
    x = np.array([2.0, 4.0])
    _, t = srcgrad.jvp(lambda x: clipped_log(x) * x, (x,), (np.ones(2),), mode=mode)
    np.testing.assert_allclose(t, np.log(x) + 1.0)


@pytest.mark.parametrize("mode", ["tape", "auto", "compile"])
def test_custom_jvp_in_reverse_mode_is_its_rule_transposed(mode):
    def f(x):
        return np.sum(clipped_log(x) * x)
    x = np.array([2.0, 0.0005])
    g = srcgrad.grad(f, mode=mode)(x)
    np.testing.assert_allclose(g, [np.log(2.0) + 1.0, np.log(0.0005) + 0.0005 / 1e-3])


@pytest.mark.parametrize("mode", ENGINES)
def test_custom_jvp_second_order(mode):
    h = srcgrad.hessian(lambda x: np.sum(clipped_log(x) * x), mode=mode)(np.array([2.0, 3.0]))
    np.testing.assert_allclose(h, np.diag([0.5, 1 / 3.0]), rtol=1e-12)


@pytest.mark.parametrize("mode", ENGINES)
def test_custom_vjp_through_forward_mode(mode):
    _, t = srcgrad.jvp(lambda x: scaled_sin(x) * 2.0, (0.3,), (1.0,), mode=mode)
    assert np.isclose(t, 2 * np.cos(0.3))
    # and its second derivative (grad of grad on the tape re-records fwd and bwd)
    assert np.isclose(srcgrad.hessian(lambda x: scaled_sin(x) * 2.0, mode=mode)(0.3),
                      -2 * np.sin(0.3))


def test_hooks_for_the_compilers_forward_transform():
    from srcgrad.compiler import pipeline
    assert np.isclose(pipeline.SPECIAL_JVP(clipped_log, (0,)).fn(0.0, 1.0)[1], 1000.0)
    assert np.allclose(pipeline.SPECIAL_JVP(scaled_sin, (0,)).fn(0.3, 2.0),
                       (np.sin(0.3), 2 * np.cos(0.3)))

    def f(x):
        return np.sum(np.sin(x) * x)
    out, t = pipeline.FALLBACK_JVP(f, (0,), "x.py:1: why").fn(np.array([1.0, 2.0]),
                                                              np.array([1.0, 0.0]))
    assert np.isclose(t, np.cos(1.0) + np.sin(1.0))


def test_function_with_an_unrecorded_backward_is_refused():
    class NumpyBackward(srcgrad.torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return srcgrad.torch.tensor(np.sin(x.detach().numpy()))

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return srcgrad.torch.tensor(g.detach().numpy() * np.cos(x.detach().numpy()))

    def f(x):
        return NumpyBackward.apply(x) * 2.0
    with pytest.raises(RuntimeError, match="NumpyBackwardBackward.*NumPy values"):
        srcgrad.jvp(f, (np.array([0.3]),), (np.array([1.0]),), mode="tape")


def test_rule_not_differentiable_on_the_tape_is_located():
    def smooth(x):
        return np.sum(np.linalg.pinv(np.outer(x, x) + np.eye(2)))
    try:
        _, t = srcgrad.jvp(smooth, (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),),
                           mode="tape")
    except ForwardModeError as e:
        assert __file__ in str(e) and "double backward" in str(e)
    else:
        assert_tangent(t, fd_jvp(smooth, (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),)))


# ------------------------------------------------------------- engines and errors

def test_compile_mode_says_it_is_not_available_yet():
    from srcgrad.compiler import pipeline
    if getattr(pipeline, "compile_jvp", None) is not None:
        pytest.skip("the compiler's forward transform is merged")
    with pytest.raises(ForwardUnavailable, match='not available.*mode="auto"') as info:
        srcgrad.jvp(mlp, (P(np.ones((3, 4)), np.ones(4)), np.ones((2, 3))),
                    (P(np.ones((3, 4)), np.ones(4)), np.ones((2, 3))), mode="compile")
    assert __file__ in str(info.value)


def test_compile_mode_when_available():
    need_compile_jvp()
    x = np.array([0.5, 1.0])
    _, t = srcgrad.jvp(lambda x: np.sin(x) * x, (x,), (np.ones(2),), mode="compile")
    np.testing.assert_allclose(t, np.cos(x) * x + np.sin(x))


def test_explain_says_which_engine():
    def f(x):
        return np.sin(x)
    e = srcgrad.explain(f, np.ones(2), transform="jvp")
    assert e.engine in ("compiler", "tape")
    if e.engine == "tape":
        assert "forward transform" in e.reason
    assert srcgrad.explain(f, np.ones(2), transform="jvp", mode="tape").reason == 'mode="tape"'


def _f2(x, y):
    return np.sin(x) * y


@pytest.mark.parametrize("tangents,err,pattern", [
    ((np.ones(3), 1.0), ValueError, r"argument 0 \(x\) has shape \(3,\) where the primal "
                                    r"has shape \(2,\)"),
    ((np.ones(2), 1j), TypeError, r"argument 1 \(y\) is complex but the primal is real"),
    ((np.ones(2),), ValueError, "2 primals but 1 tangents"),
    ((np.ones(2), "a"), TypeError, r"argument 1 \(y\) must be a number or an array"),
    ([np.ones(2), {"k": 1.0}], TypeError, r"argument 1 \(y\) must be a number or an array"),
    (np.ones(2), TypeError, "tangents must be a tuple or a list"),
])
def test_bad_tangents_are_clear_errors(tangents, err, pattern):
    with pytest.raises(err, match=pattern) as info:
        srcgrad.jvp(_f2, (np.ones(2), 2.0), tangents)
    assert __file__ in str(info.value) or "tuple or a list" in str(info.value) or \
        "primals but" in str(info.value)


def test_bad_tree_tangents_name_the_path():
    with pytest.raises(TypeError, match=r"argument 0 \(d\).*keys"):
        srcgrad.jvp(tree_fn, ({"a": np.ones(2), "b": [1.0, 2.0]}, 1.0),
                    ({"a": np.ones(2)}, 1.0))
    with pytest.raises(TypeError, match=r"argument 0 \(d\)\['b'\] must be a list of 2"):
        srcgrad.jvp(tree_fn, ({"a": np.ones(2), "b": [1.0, 2.0]}, 1.0),
                    ({"a": np.ones(2), "b": [1.0]}, 1.0))
    with pytest.raises(ValueError, match=r"\['a'\] has shape \(3,\)"):
        srcgrad.jvp(tree_fn, ({"a": np.ones(2), "b": [1.0, 2.0]}, 1.0),
                    ({"a": np.ones(3), "b": [1.0, 2.0]}, 1.0))


def test_non_float_with_a_tangent_is_refused():
    with pytest.raises(TypeError, match=r"argument 1 \(n\).*not a floating-point value.*"
                                        r"pass None"):
        srcgrad.jvp(lambda x, n: x * n, (1.0, 3), (1.0, 1))
    with pytest.raises(TypeError, match="not a floating-point value"):
        srcgrad.jvp(lambda x: x * 2, (np.arange(3),), (np.ones(3),))


def test_bad_mode_and_function():
    with pytest.raises(ValueError, match="mode must be one of"):
        srcgrad.jvp(np.sin, (1.0,), (1.0,), mode="fast")
    with pytest.raises(TypeError, match="expects a function"):
        srcgrad.jvp(3, (1.0,), (1.0,))


@pytest.mark.parametrize("mode", ENGINES)
def test_forward_over_reverse_on_the_tape(mode):
    def f(x):
        return np.sum(np.sin(x) * x ** 2)
    x, v = np.array([0.3, 1.1]), np.array([1.0, -0.5])
    _, t = srcgrad.jvp(srcgrad.grad(f), (x,), (v,), mode=mode)
    eps = 1e-6
    g = srcgrad.grad(f)
    np.testing.assert_allclose(t, (g(x + eps * v) - g(x - eps * v)) / (2 * eps), rtol=1e-6)
    np.testing.assert_allclose(t, srcgrad.hvp(f, mode=mode)(x, v), rtol=1e-12)


def test_forward_over_reverse_compiles():
    """jvp of a gradient is generated code (srcgrad/higher.py); by hand:
    d/dx 3x^2 = 6x."""
    g, t = srcgrad.jvp(srcgrad.grad(lambda x: x ** 3), (1.5,), (2.0,), mode="compile")
    assert np.isclose(g, 6.75) and np.isclose(t, 2.0 * 9.0)


def test_forward_over_a_value_and_grad_is_refused_in_compile_mode():
    with pytest.raises(ForwardUnavailable, match="only for a grad"):
        srcgrad.jvp(srcgrad.value_and_grad(lambda x: x ** 3), (1.0,), (1.0,),
                    mode="compile")


def test_threads():
    import threading

    def f(x):
        return np.sum(np.sin(x) * x ** 2)
    v = np.array([1.0, -0.5])
    errors = []

    def work(k):
        x = np.array([0.3, 1.1]) * k
        for _ in range(10):
            if not np.allclose(srcgrad.jvp(f, (x,), (v,))[1], srcgrad.grad(f)(x) @ v):
                errors.append(k)
    threads = [threading.Thread(target=work, args=(k,)) for k in (1.0, 2.0, 3.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@srcgrad.compiled
def compiled_energy(x):
    return np.sum(np.sin(x) ** 2)


def test_compiled_node_in_forward_mode_on_the_tape_is_refused_not_zero():
    """srcgrad.compiled records one node whose backward is generated NumPy code:
    its gradient is not recorded, so a double backward through it is refused."""
    with pytest.raises(RuntimeError, match="computed on NumPy values"):
        srcgrad.jvp(lambda x: compiled_energy(x) * 2.0, (np.array([0.3, 1.0]),),
                    (np.array([1.0, 0.0]),), mode="tape")


@srcgrad.custom_jvp
def pair(x):
    return x, x * 2.0


pair.defjvp(lambda p, t: ((p[0], p[0] * 2.0), (t[0], t[0] * 2.0)))


def test_custom_jvp_with_a_tuple_output_is_refused_on_the_tape():
    with pytest.raises(TypeError, match="custom_jvp function pair returned a tuple"):
        srcgrad.jvp(lambda x: pair(x)[0], (1.0,), (1.0,), mode="tape")
