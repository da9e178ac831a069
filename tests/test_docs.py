"""The claims of docs/semantics.md and docs/supported.md, executed.

Grad-mode rows run in both engines (``mode="compile"`` and ``mode="tape"``) and,
where the page says so, through ``Tensor.backward()``, against hand-derived values
at x = 1.5.  Supported-subset examples compile in ``mode="compile"`` and match
central finite differences; refused constructs raise the message the page shows."""

import collections
import contextlib
import functools
import logging
import math
import warnings

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import assert_allclose, numeric_grad

X0 = 1.5
ENGINES = ["compile", "tape"]


def backward_grad(f, *extra):
    t = srcgrad.torch.tensor(X0, dtype=srcgrad.torch.float64, requires_grad=True)
    f(t, *extra).backward()
    return float(t.grad.numpy())


# ------------------------------------------------------------ semantics.md: grad modes

def nograd_block(x):
    with srcgrad.no_grad():
        c = x * 3.0
    return x * c


def nograd_binding(x):
    with srcgrad.no_grad():
        v = x
    return v * x


def enable_nested(x):
    with srcgrad.no_grad():
        with srcgrad.enable_grad():
            d = x * x
    return d


def set_flag(x, flag):
    with srcgrad.set_grad_enabled(flag):
        y = x * x
    return y + x


def set_true_in_nograd(x):
    with srcgrad.no_grad():
        with srcgrad.set_grad_enabled(True):
            d = x * x
    return d + x


@srcgrad.no_grad()
def const_helper(x):
    return x * 10.0


def calls_nograd_helper(x):
    return const_helper(x) * x


def uses_detach(x):
    return srcgrad.detach(x) * x


def uses_stop_gradient(x):
    return srcgrad.stop_gradient(x) * x


def inference_inside(x):
    with srcgrad.inference_mode():
        c = x * 3.0
    return x * c


def square(x):
    return x ** 2


# (function, extra args, d/dx at 1.5, also true of Tensor.backward())
ROWS = [
    (nograd_block, (), 4.5),
    (nograd_binding, (), 3.0),
    (enable_nested, (), 3.0),
    (set_flag, (True,), 4.0),
    (set_flag, (False,), 1.0),
    (set_true_in_nograd, (), 4.0),
    (calls_nograd_helper, (), 15.0),
    (uses_detach, (), 1.5),
    (uses_stop_gradient, (), 1.5),
    (inference_inside, (), 4.5),
]
IDS = ["%s%s" % (f.__name__, extra) for f, extra, _ in ROWS]


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("f,extra,expected", ROWS, ids=IDS)
def test_grad_mode_rows(f, extra, expected, mode):
    assert srcgrad.grad(f, mode=mode)(X0, *extra) == pytest.approx(expected)


@pytest.mark.parametrize("f,extra,expected", ROWS, ids=IDS)
def test_grad_mode_rows_with_tensor_backward(f, extra, expected):
    assert backward_grad(f, *extra) == pytest.approx(expected)


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("around", [srcgrad.no_grad, srcgrad.inference_mode])
def test_modes_around_the_call_are_ignored(mode, around):
    with around():
        assert srcgrad.grad(square, mode=mode)(X0) == pytest.approx(3.0)


@pytest.mark.parametrize("around", [srcgrad.no_grad, srcgrad.inference_mode])
def test_backward_after_recording_under_a_disabled_mode_raises(around):
    with around():
        t = srcgrad.torch.tensor(X0, dtype=srcgrad.torch.float64, requires_grad=True)
        y = t ** 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


# --- grad modes written as plain calls, decorated helpers and mode queries
# (semantics.md, "Grad modes written other ways"): both engines agree with PyTorch,
# except the last row, where the tape keeps no_grad (PyTorch re-enables).

def set_plain_call(x):
    srcgrad.set_grad_enabled(False)
    c = x * 3.0
    srcgrad.set_grad_enabled(True)
    return x * c


@srcgrad.enable_grad()
def enabled_helper(x):
    return x * x


def enabled_helper_in_nograd(x):
    with srcgrad.no_grad():
        d = enabled_helper(x)
    return d


def reads_mode_in_nograd(x):
    with srcgrad.no_grad():
        e = srcgrad.is_grad_enabled()
    if e:
        return x * x
    return x * 1.0


def inference_false_in_nograd(x):
    with srcgrad.no_grad():
        with srcgrad.inference_mode(False):
            d = x * x
    return d + x


@pytest.mark.parametrize("f,compiler,tape", [
    (set_plain_call, 4.5, 4.5),
    (enabled_helper_in_nograd, 3.0, 3.0),
    (reads_mode_in_nograd, 1.0, 1.0),
    (inference_false_in_nograd, 4.0, 1.0),
], ids=["plain_set_grad_enabled", "enable_grad_helper", "is_grad_enabled", "inference_false"])
def test_grad_modes_written_other_ways(f, compiler, tape):
    assert srcgrad.grad(f, mode="compile")(X0) == pytest.approx(compiler)
    assert srcgrad.grad(f, mode="tape")(X0) == pytest.approx(tape)


# ------------------------------------------------------------ semantics.md: fallback

X = np.array([0.3, -0.5, 0.8])


def uses_try(x):
    try:
        for _ in range(2):  # a loop in a try body: its partial run cannot be reversed
            x = np.sin(x) * 2.0
    except ValueError:
        pass
    return np.sum(x)


def runtime_callee(x, fns):
    f = fns[0]
    return np.sum(f(x))


def runtime_getattr(x, name):
    return np.sum(getattr(np, name)(x))


def generator(x):
    def terms():
        for i in range(3):
            yield x * (i + 1.0)
    s = 0.0
    for t in terms():   # a loop that may stop early: the generator is not consumed whole
        s = s + np.sum(t)
        if s > 100.0:
            break
    return s


class Model:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return np.sum(np.tanh(self.w * x))

    def loss(self, x):
        return np.sum(self(x) ** 2)


MODEL = Model(1.5)
_ns = {"np": np}
exec("def no_source(x):\n    return np.sum(x * x)", _ns)

FALLBACKS = [
    (uses_try, (X,), "a try body with except clauses may hold only simple statements"),
    (generator, (X,), "the compiler differentiates generators only where they are consumed whole"),
    (functools.partial(np.sum), (X,), "not a Python function"),
    (_ns["no_source"], (X,), "cannot read the source"),
]


@pytest.mark.parametrize("f,args,why", FALLBACKS, ids=[w for _, _, w in FALLBACKS])
def test_auto_falls_back_and_says_why(f, args, why, caplog):
    info = srcgrad.explain(f, *args)
    assert info.engine == "tape" and why in info.reason
    assert str(info).startswith("runs on the tape: ")
    with caplog.at_level(logging.INFO, logger="srcgrad"):
        g = srcgrad.grad(f)(*args)
    assert_allclose(g, numeric_grad(f, args, 0))
    assert any(r.levelno == logging.INFO and "runs on the tape" in r.getMessage()
               for r in caplog.records)
    with pytest.raises((SyntaxError, NotImplementedError)):
        srcgrad.grad(f, mode="compile")(*args)


def test_a_callable_object_and_a_bound_method_compile():
    for f in (MODEL, MODEL.loss):
        assert srcgrad.explain(f, X).engine == "compiler"
        for mode in ("compile", "tape"):
            assert_allclose(srcgrad.grad(f, mode=mode)(X), numeric_grad(f, (X,), 0))


def test_callees_chosen_at_run_time_are_compiled():
    for f, args in [(runtime_callee, (X, [np.sin])), (runtime_getattr, (X, "sin"))]:
        assert srcgrad.explain(f, *args).engine == "compiler"
        for mode in ("compile", "tape"):
            assert_allclose(srcgrad.grad(f, mode=mode)(*args), numeric_grad(f, args, 0))


def test_generator_expression_is_compiled_not_a_fallback():
    def f(x):
        return np.sum(sum(x * i for i in range(3)))
    assert srcgrad.explain(f, X).engine == "compiler"


def test_logger_has_a_null_handler():
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("srcgrad").handlers)


# a callable object whose __call__ has no readable source (made by exec): an
# ordinary class is compiled (supported.md, "Classes and objects")
exec("class Sine:\n    def __call__(self, x):\n        return np.sin(x)\n", _ns)
SINE = _ns["Sine"]()


def mixed(x):
    s = 0.0
    for i in range(2):
        s = s + np.sum(SINE(x) * x)
    return s


def recursive(x, n):
    if n == 0:
        return x
    return recursive(x * 2.0, n - 1) * 1.0


def test_mixed_mode_and_recursion():
    info = srcgrad.explain(mixed, X)
    assert info.engine == "compiler" and [n for n, _ in info.tape_calls] == ["Sine"]
    assert "(mixed mode)" in str(info)
    assert_allclose(srcgrad.grad(mixed)(X), 2 * (np.cos(X) * X + np.sin(X)))
    info = srcgrad.explain(recursive, X0, 3, mode="compile")
    assert info.engine == "compiler" and not info.tape_calls
    assert srcgrad.grad(recursive, mode="compile")(X0, 3) == pytest.approx(8.0)
    assert srcgrad.grad(recursive)(X0, 3) == pytest.approx(8.0)


def test_mixed_mode_is_refused_in_compile_mode():
    with pytest.raises(NotImplementedError, match="Sine has no derivative rule"):
        srcgrad.grad(mixed, mode="compile")(X)


# ------------------------------------------------------------ semantics.md: conversions

def to_float(x):
    return float(x[0]) * x[1]


def uses_math(x):
    return math.sin(x[0]) * x[1]


@pytest.mark.parametrize("f", [to_float, uses_math])
def test_conversions_refused_on_the_tape_compiled_in_auto(f):
    with pytest.raises(srcgrad.TapeConversionError, match="test_docs.py") as err:
        srcgrad.grad(f, mode="tape")(X)
    assert isinstance(err.value, TypeError)
    assert srcgrad.explain(f, X).engine == "compiler"
    assert_allclose(srcgrad.grad(f)(X), numeric_grad(f, (X,), 0))


# ------------------------------------------------------------ semantics.md: custom gradients

@srcgrad.custom_vjp
def clipped_sin(x):
    return np.sin(x)


clipped_sin.defvjp(lambda x: (np.sin(x), np.cos(x)),
                   lambda cos_x, g: (np.clip(g * cos_x, -0.1, 0.1),))


def uses_custom_vjp(x):
    return np.sum(clipped_sin(x) * 3.0)


class Square7(srcgrad.torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        ctx.save_for_backward(i)
        return i ** 2

    @staticmethod
    def backward(ctx, g):
        i, = ctx.saved_tensors
        return 7.0 * g * i       # deliberately not 2 * g * i: shows the rule is used


def uses_function(x):
    return np.sum(Square7.apply(x))


def my_square(x):
    return x * x


def my_square_vjp(g, ans, x):
    return g * 100.0             # deliberately wrong: shows who uses it


srcgrad.defvjp(my_square, my_square_vjp)


def uses_defvjp_function(x):
    return np.sum(my_square(x))


@pytest.mark.parametrize("mode", ENGINES)
def test_custom_vjp_and_function_in_both_engines(mode):
    assert_allclose(srcgrad.grad(uses_custom_vjp, mode=mode)(X), np.full(3, 0.1))
    assert_allclose(srcgrad.grad(uses_function, mode=mode)(X), 7.0 * X)
    t = srcgrad.torch.tensor(X, dtype=srcgrad.torch.float64, requires_grad=True)
    (clipped_sin(t) * 3.0).sum().backward()
    assert_allclose(t.grad.numpy(), np.full(3, 0.1))


def test_defvjp_on_a_python_function_is_used_by_the_compiler_only():
    assert_allclose(srcgrad.grad(uses_defvjp_function, mode="compile")(X), np.full(3, 100.0))
    assert_allclose(srcgrad.grad(uses_defvjp_function, mode="tape")(X), 2 * X)
    for mode in ENGINES:  # grad of the function itself: its rule, in every mode
        assert srcgrad.grad(my_square, mode=mode)(1.0) == pytest.approx(100.0)


@srcgrad.compiled
def energy(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(np.sin(x) * i)
    return s


def test_compiled_is_one_tape_node():
    t = srcgrad.torch.tensor(X, dtype=srcgrad.torch.float64, requires_grad=True)
    e = energy(t)
    assert e.grad_fn.name() == "EnergyBackward"
    assert [type(n).__name__ for n, _ in e.grad_fn.next_functions] == ["AccumulateGrad"]
    e.backward()
    assert_allclose(t.grad.numpy(), 3 * np.cos(X))
    assert energy(X) == pytest.approx(3 * np.sum(np.sin(X)))


# ------------------------------------------------------------ supported.md: a sample

SCALE = 2.0
Pt = collections.namedtuple("Pt", "a b")
V = np.array([0.3, -0.5, 0.8, 1.1])
M = np.array([[0.5, -0.2, 0.1], [0.3, 0.7, -0.4]])
W = np.array([[0.5, 0.1, 0.0, 0.2], [0.1, -0.3, 0.2, 0.0],
              [0.0, 0.4, 0.1, 0.3], [0.2, 0.0, -0.1, 0.6]])


def helper(a, scale=2.0, *, shift=0.0):
    return np.tanh(a) * scale + shift


def s_arith(x):
    return np.sum(np.tanh(x) ** 2 / (1.0 + x * x))


def s_methods(m):
    return (m.T @ m).sum() + m.reshape(-1).max() + m.mean(axis=0).dot(m[0])


def s_index(x):
    return x[0] * np.sum(x[1:]) + x[-1] ** 2 + np.sum(x[x > 0])


def s_condexpr(x):
    y = x if x > 0 else -x
    return y ** 3


def s_math(x):
    return math.sin(x) * math.exp(-x)


H = np.array([1.0, 0.8, 0.5, 0.8])


def s_fft(x):
    return (np.sum(np.abs(np.fft.rfft(x, n=8)) ** 2)
            + np.sum(np.real(np.fft.ifft(np.fft.fft(x) * H))))


def s_remainder(x):
    return np.sum(np.cos(x % (2 * np.pi))) + (x[0] % 1.5) * np.fmod(x[1], 0.7)


def s_index_tricks(x):
    return np.sum(np.r_[x, 0.0, x, 1:3] ** 2) + np.sum(np.c_[x, x] @ np.ones(2))


def s_unpack(x):
    a, b = x[0], x[1]
    a, b = b, a * b
    return a * b + float(x[2]) * x[3] + x[0] * SCALE


def c_if(x):
    if np.sum(x) > 0 and x[0] < 1.0:
        y = np.sin(x)
    elif not x[1] > 0:
        y = x ** 2
    else:
        y = x
    return np.sum(y)


def c_while(x):
    while x < 10.0:
        x = x * 1.5
    return x


def c_jumps(x):
    s = 0.0
    for i in range(10):
        if i == 2:
            continue
        s = s + x[i % 4] * i
        if s > 3.0:
            break
    else:
        return s * 0.0
    return s


def c_early(x):
    if x[0] > 0:
        return np.sum(x ** 2)
    return np.sum(x)


def l_range(x, n):
    s = 0.0
    for i in range(1, n, 2):
        s = s + np.sin(x * i)
    return s


def l_rows(m):
    s = 0.0
    for row in m:
        s = s + np.sum(row ** 2)
    return s


def l_enum_zip(x):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, reversed(x))):
        s = s + i * a * b
    return s


def l_nested(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s = s + m[i, j] * (i + j)
    return s


def l_items(x):
    s = 0.0
    for k, v in {"a": 1.0, "b": 2.0}.items():
        s = s + np.sum(x * v)
    return s


def m_setitem(x):
    y = np.zeros((2, 4))
    y[0] = x * 2.0
    y[1, 1:3] = np.sin(x[:2])
    y[0, 2] += x[3]
    y[:, 3] *= x[0]
    y[y > 1.0] = 1.0
    return np.sum(y ** 2)


def m_aug(x):
    y = x * 1.0
    y += 1.0
    y -= x * x
    y *= x
    y /= 2.0
    y **= 2
    return np.sum(y)


def m_matmul_aug(m):
    a = m @ m.T
    a @= a
    return np.sum(a)


def m_lists(x):
    out = []
    for i in range(3):
        out.append(x * i)
    out.extend([x, x * x])
    out = out + [np.sin(x)]
    return np.sum(np.stack(out))


def t_comp(x):
    return np.sum(np.array([x[i] * x[i + 1] for i in range(3)])) + sum(v * v for v in x)


def t_dictcomp(x):
    d = {k: x * v for k, v in {"a": 1.0, "b": 2.0}.items()}
    d["c"] = d.get("a") * 3.0
    return np.sum(d["a"] + d["b"] * d["c"])


def k_helper(x):
    return np.sum(helper(x, 3.0, shift=1.0) + helper(x))


def k_star(x):
    args = (x, 0.5)
    kw = {"shift": 2.0}
    return np.sum(helper(*args, **kw))


def k_varargs(weights, *args):
    return np.dot(np.concatenate(args), weights)


def k_loss(params, *data, **hyper):
    x, y = data
    return np.sum((x @ params - y) ** 2) + hyper["l2"] * np.sum(params ** 2)


def k_kwargs(x):
    return k_loss(x, M.T, V[:3], l2=0.1) + k_varargs(V[:2], x[:1], x[1:])


def total(w, *vs):
    return sum(np.sum(w * v * v) for v in vs)


def pair(a, b):
    return a * b


def k_runtime_star(x):
    xs = []
    for i in range(3):
        xs.append(x * i)
    return total(V[:2], *xs) + np.sum(pair(*xs[:2]))


def k_zip_star(x):
    params = [(M[:, :2], x), (M[:, 1:], x * 2.0)]
    h = np.ones(2)
    for W, b in zip(*[[p[0] for p in params], [p[1] for p in params]]):
        h = np.tanh(W @ h + b)
    return np.sum(h)


def k_displays(x):
    ys = [x * 2.0]
    ys.append(x)
    a = [x, x]
    return np.sum(np.stack([*a, *ys, x ** 2]))


def k_shape_star(x, sigma=0.5):
    rs = np.random.RandomState(0)
    eps = rs.randn(*x.shape)
    return np.sum((x + sigma * eps) ** 2)


def k_starred_targets(x):
    params = [x, x * 2.0, x * 3.0]
    first, *rest = params
    a, *b = [x, x, x]
    *init, last = params
    return np.sum(first * rest[1] + a * b[0] + last * init[0])


def k_closure(x, W):
    def layer(h):
        return np.tanh(W @ h)
    sq = lambda a: a * a  # noqa: E731
    return np.sum(sq(layer(layer(x))))


def e_try(x, s):
    n = len(x)
    K = np.outer(x, x) + s * np.eye(n)
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + (1e-6 - 2.0 * s) * np.eye(n))
    return np.sum(np.log(np.diag(L)))


def e_types_else(x):
    y = np.cos(x)
    try:
        y = y * _check_small(x)
    except (ValueError, FloatingPointError) as e:
        y = x * len(str(e))
    else:
        y = y * 2.0
    return np.sum(y)


def _check_small(x):
    if np.max(x) > 1.0:
        raise ValueError("too large")
    return x * x


def e_raise_with(x):
    if np.any(np.isnan(x)):
        raise ValueError("nan in input")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        y = np.log(x)
    with _timer("step") as label:
        s = np.sum(np.sin(y)) * len(label)
    return s


@contextlib.contextmanager
def _timer(label):
    yield label


def e_meta(x):
    return np.sum(x) * x.strides[0] / x.itemsize * (2.0 if x.flags.writeable else 1.0)


def e_args(vx, gx):
    vx -= 0.1 * gx
    vx[0] = 0.0
    vx[vx > 0] *= 2.0
    return np.sum(vx * vx)


W_GEN = 1.5


def batches(x):
    for i in range(3):
        yield x[i] * W_GEN


def feats(x):
    yield np.sum(x)
    yield from batches(x)
    yield from [x[0], x[1]]


def geometric(x):
    t = x
    while True:
        yield t
        t = t * 0.5


def k_generators(x):
    s = sum(batches(x)) + np.sum(np.stack(list(batches(x))))
    for i, v in enumerate(batches(x)):
        s = s + i * v
    return s + sum(feats(x))


def k_generator_zip(x):
    s = 0.0
    for t, w in zip(geometric(x), [1.0, 0.5, 0.25]):
        s = s + w * np.sum(t)
    return s


def horner(c, x):
    return c[0] if c.shape[0] == 1 else c[0] + x * horner(c[1:], x)


def k_recursion(x):
    return np.sum(horner(np.array([0.5, -1.0, 2.0]), x))


def s_linalg(x):
    X = np.outer(x, x[:3]) + np.eye(len(x), 3)
    A = X[:3] + 2.0 * np.eye(3)
    y = x * 0.5
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    q, r = np.linalg.qr(X)
    w = np.linalg.eigvals(np.linalg.matrix_power(A, 2))
    return np.sum(coef ** 2) + np.sum(q[0] * r[0]) + np.sum(np.real(w)) + np.linalg.cond(A)


SUPPORTED = [
    (e_try, (V + 1.0, 0.5)), (e_try, (V + 1.0, -0.5)), (e_types_else, (V * 0.5,)),
    (e_types_else, (V * 2.0,)), (e_raise_with, (np.abs(V) + 0.1,)), (e_meta, (V,)),
    (e_args, (V, W[0])),
    (s_arith, (V,)), (s_methods, (M,)), (s_index, (V,)), (s_condexpr, (-0.7,)),
    (s_math, (0.7,)), (s_fft, (V,)), (s_remainder, (V * 4.0,)), (s_index_tricks, (V,)),
    (s_unpack, (V,)), (c_if, (V,)), (c_if, (-V,)), (c_while, (1.3,)),
    (c_jumps, (V,)), (c_early, (V,)), (c_early, (-V,)), (l_range, (0.4, 7)), (l_rows, (M,)),
    (l_enum_zip, (V,)), (l_nested, (M,)), (l_items, (V,)), (m_setitem, (V,)), (m_aug, (V,)),
    (m_matmul_aug, (M,)), (m_lists, (V,)), (t_comp, (V,)), (t_dictcomp, (V,)),
    (k_helper, (V,)), (k_star, (V,)), (k_closure, (V, W)),
    (k_varargs, (V[:2], V[:1], V[1:2])), (k_varargs, (V, V[:3], V[3:], V[:0])),
    (k_kwargs, (V[:2],)),
    (k_runtime_star, (V[:2],)), (k_zip_star, (V[:2],)), (k_displays, (V,)),
    (k_shape_star, (V,)), (k_starred_targets, (V,)),
    (k_recursion, (V,)), (k_generators, (V,)), (k_generator_zip, (V,)), (s_linalg, (V,)),
]


@pytest.mark.parametrize("f,args", SUPPORTED,
                         ids=["%s-%d" % (f.__name__, i) for i, (f, _) in enumerate(SUPPORTED)])
def test_supported_examples_compile_and_match_finite_differences(f, args):
    assert srcgrad.explain(f, *args, mode="compile").engine == "compiler"
    assert_allclose(srcgrad.grad(f, mode="compile")(*args), numeric_grad(f, args, 0))


def t_tree(params, x):
    h = x
    for layer in params["layers"]:
        h = np.tanh(layer["W"] @ h + layer["b"])
    return np.sum(h ** 2) + params["scale"].a * params["scale"].b


def test_tree_gradients_have_the_structure_of_the_argument():
    params = {"layers": [{"W": np.eye(4) * 0.5, "b": np.full(4, 0.1)},
                         {"W": W, "b": V * 0.1}], "scale": Pt(2.0, 3.0)}
    g = srcgrad.grad(t_tree, mode="compile")(params, V)
    assert isinstance(g, dict) and isinstance(g["layers"], list)
    assert isinstance(g["scale"], Pt) and g["scale"] == Pt(3.0, 2.0)
    w1 = params["layers"][1]["W"]

    def of_w1(w):
        p = {**params, "layers": [params["layers"][0], {**params["layers"][1], "W": w}]}
        return t_tree(p, V)
    assert_allclose(g["layers"][1]["W"], numeric_grad(of_w1, (w1,), 0))


# -- supported.md: first-class functions, classes and objects (a sample)

def softplus(v):
    return np.log1p(np.exp(v))


ACTIVATIONS = {"tanh": np.tanh, "softplus": softplus}


def apply(f, v):
    return f(v)


def f_default(x, nonlinearity=np.tanh):
    return np.sum(nonlinearity(W @ x))


def f_by_name(x, name):
    act = ACTIVATIONS[name]
    return np.sum(act(x) * x)


def f_lambda(x):
    return np.sum(apply(lambda v: v * np.sin(v), x) + apply(softplus, x))


def f_module(x, xp):
    return xp.sum(xp.sin(x))


class Dense:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)


class MLP:
    def __init__(self, layers):
        self.layers = layers

    @property
    def weight_norm(self):
        return sum(np.sum(layer.W ** 2) for layer in self.layers)

    def __call__(self, x):
        h = x
        for layer in self.layers:
            h = layer(h)
        return h


def o_loss(model, x):
    return np.sum(model(x) ** 2) + 0.1 * model.weight_norm


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("f,args", [(f_default, (V,)), (f_by_name, (V, "softplus")),
                                    (f_lambda, (V,)), (f_module, (V, np))],
                         ids=["default", "by_name", "lambda", "module"])
def test_first_class_function_examples(f, args, mode):
    if mode == "compile":
        assert srcgrad.explain(f, *args, mode="compile").engine == "compiler"
    assert_allclose(srcgrad.grad(f, mode=mode)(*args), numeric_grad(f, args, 0))


@pytest.mark.parametrize("mode", ENGINES)
def test_gradient_with_respect_to_an_object_is_an_object(mode):
    model = MLP([Dense(W, np.full(W.shape[0], 0.1)),
                 Dense(np.ones((2, W.shape[0])) * 0.3, np.array([0.1, -0.2]))])
    g = srcgrad.grad(o_loss, mode=mode)(model, V)
    assert type(g) is MLP and all(type(layer) is Dense for layer in g.layers)

    def of_w0(w):
        return o_loss(MLP([Dense(w, model.layers[0].b), model.layers[1]]), V)
    assert_allclose(g.layers[0].W, numeric_grad(of_w0, (W,), 0))
    assert model.layers[0].W is W    # the argument is untouched


def g_modes(x, flag):
    with srcgrad.no_grad():
        c = np.sum(x)
        with srcgrad.enable_grad():
            d = x * 2.0
    with srcgrad.set_grad_enabled(flag):
        e = x * x
    return np.sum(x * c + d + e + srcgrad.detach(x) * x)


@pytest.mark.parametrize("mode", ENGINES)
@pytest.mark.parametrize("flag", [True, False])
def test_supported_grad_mode_example(mode, flag):
    g = srcgrad.grad(g_modes, mode=mode)(V, flag)
    assert_allclose(g, np.sum(V) + 2.0 + (2 * V if flag else 0.0) + V)


# ------------------------------------------------------------ supported.md: refusals

REFUSED = [
    ("def f(x):\n    global G\n    return x", "'global' statements are not supported",
     "return the value instead"),
    ("def f(x):\n    return np.sum(np.r_['0,2', x, x])", "np.r_ and np.c_ are supported "
     "only with values as items", "np.concatenate"),
    ("def sq(v):\n    return v * v\ndef f(x):\n    return np.sum(np.piecewise(x, [x < 1.5, "
     "x >= 1.5], [sq, 1.0]))", "np.piecewise calls its functions where neither engine sees "
     "them", "write the pieces with np.where"),
    ("def f(x):\n    y = x\n    del y\n    return x", "'del' is not supported",
     "remove the del statement"),
    ("def f(x):\n    try:\n        return x\n    finally:\n        pass",
     "'return' inside a try statement is not supported", "set a variable inside the try"),
    ("def f(x):\n    s = {1, 2}\n    return x", "set literals are not supported",
     'use mode="tape"'),
    ("def f(x):\n    if (y := x * 2) > 0:\n        return y\n    return x",
     "the walrus operator", "assign in a separate statement"),
    ("def f(x):\n    y = np.zeros((2, 2))\n    y[0][1] = x\n    return np.sum(y)",
     "assignment into a nested subscript", "index once: a[i, j] = v"),
    ("def f(x):\n    s = 0.0\n    for a, *b in [(x, x)]:\n        s = s + a\n    return s",
     "starred targets in a for-loop header", "unpack into a fixed number of names"),
    ("def f(x):\n    shape = x.shape\n    return np.sum(x.reshape(*shape[::-1]))",
     "*-unpacking of a sequence whose length the compiler cannot see, in an operation",
     "x.reshape(shape), not x.reshape(*shape)"),
    ("def h(a, b=2.0):\n    return a * b\ndef f(x):\n    xs = [x]\n    xs.append(x)\n"
     "    return np.sum(h(*xs))", "in a call to h that the gradient goes through",
     "give h a *args parameter"),
    ("def f(x, opts={'a': 1.0}):\n    return np.sum(np.full_like(x, **opts) * x)",
     "**-unpacking of a mapping whose keys", "pass keyword arguments by name"),
    ("import srcgrad\ndef f(x):\n    with srcgrad.no_grad() as ng:\n        pass\n    return x",
     "'with <grad mode> as name' is not supported", "leave out 'as name'"),
    ("def f(x):\n    def a(v):\n        return v * 2\n    def b(v):\n        return a(v) + 1\n"
     "    return b(x)", "a nested function calling another nested function",
     "define these helpers at module level"),
    ("def f(x):\n    y = x * 2.0\n    v = y[1:]\n    v *= 2.0\n    return np.sum(y)",
     "shares memory with 'y'", "make one of them a copy"),
    ("def f(x):\n    B = np.outer(x, x)\n    row = B[0]\n    B[0] = x * 3.0\n"
     "    return np.sum(row)", "'row' is a view of 'B'", "take a copy"),
]


@pytest.mark.parametrize("src,msg,hint", REFUSED, ids=[m for _, m, _ in REFUSED])
def test_refusals_give_the_documented_message_and_hint(src, msg, hint, tmp_path):
    path = tmp_path / "user_module.py"
    path.write_text("import numpy as np\n" + src + "\n")
    ns = {"__name__": "user_module"}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    with pytest.raises(srcgrad.SrcgradSyntaxError) as err:
        srcgrad.grad(ns["f"], mode="compile")(np.array([1.0, 2.0]))
    text = str(err.value)
    assert msg in text.split("\nhint:")[0] and hint in text.split("\nhint:")[1]
    assert str(path) in text


def test_pullback_of_a_mutating_function_runs_once():
    _, pullback = srcgrad.vjp(m_setitem, V, mode="compile")
    pullback(1.0)
    with pytest.raises(RuntimeError, match="already run"):
        pullback(1.0)
    _, pullback = srcgrad.vjp(l_range, 0.4, 7, wrt=0, mode="compile")
    assert pullback(1.0) == pullback(1.0)  # no mutation: any number of calls


# ------------------------------------------------------------ supported.md: higher-order builtins




def hof_layer(h, W):
    return np.tanh(W @ h)


def h_map(x):
    params = [x, x * x]
    halves = list(map(lambda w: w * 0.5, params))
    pairs = map(lambda a, b: a * b, params, halves)
    return sum(map(np.sum, [x, x * 2.0])) + np.sum(halves[1]) + np.sum(sum(pairs))


def h_filter(x):
    params = [np.outer(x, x), x, np.diag(x)]
    return sum(np.sum(p ** 2) for p in [p for p in filter(lambda q: q.ndim == 2, params)])


def h_reduce(x):
    A = np.outer(x, x) + np.eye(4)
    mats = [A, A.T * 0.5]

    def step(h, w):
        return np.tanh(w * h + x)
    return np.sum(functools.reduce(lambda a, b: a @ b, mats)) + \
        np.sum(functools.reduce(np.dot, [A, A * 0.5, x])) + \
        np.sum(functools.reduce(step, [0.5, -0.3], x * 0.1))


def h_sorted(x):
    terms = [x, x * -2.0, np.sin(x)]
    s = sorted(terms, key=lambda t: float(np.sum(t)))
    a, b = x * 0.5, np.exp(x)
    return np.sum(s[0] * 3.0 + s[2]) + np.sum(min(terms, key=np.sum)) + \
        np.sum(max(a, b, key=np.max))


def h_partial(x, W):
    g = functools.partial(hof_layer, W=W)
    return np.sum(g(x)) + np.sum(functools.partial(np.power, x)(2.0))


HOFS = [(h_map, (V,)), (h_filter, (V,)), (h_reduce, (V,)), (h_sorted, (V,)), (h_sorted, (-V,)),
        (h_partial, (V, W))]


@pytest.mark.parametrize("f,args", HOFS,
                         ids=["%s-%d" % (f.__name__, i) for i, (f, _) in enumerate(HOFS)])
def test_higher_order_examples_compile_and_match_finite_differences(f, args):
    assert srcgrad.explain(f, *args, mode="compile").engine == "compiler"
    assert_allclose(srcgrad.grad(f, mode="compile")(*args), numeric_grad(f, args, 0))


@pytest.mark.parametrize("src,msg,hint", [
    ("import itertools\ndef f(x):\n    return np.sum(list(map(np.sin, itertools.count())))",
     "map over an infinite iterator (itertools.count): srcgrad evaluates map eagerly",
     "bound it"),
    ("import functools\ndef f(x):\n    g = functools.partial(np.add, 1.0)\n"
     "    return sum(np.sum(functools.reduce(g, [v, v])) for v in [x])",
     "the functools.partial 'g' is passed to reduce(...) where the compiler cannot rewrite "
     "the call", "make the reduce(...) call a statement of its own"),
    ("def f(x):\n    k = 1.0\n    m = map(lambda w: w * k, [x])\n    k = 3.0\n"
     "    return np.sum(sum(m))",
     "map(...) is not consumed where it is made, and 'k', which it reads, may change before "
     "it is: srcgrad evaluates map eagerly, where it is written", "consume it where it is made"),
], ids=["infinite", "partial", "deferred"])
def test_higher_order_refusals_give_the_documented_message(src, msg, hint, tmp_path):
    test_refusals_give_the_documented_message_and_hint(src, msg, hint, tmp_path)


# ------------------------------------------------------------ forward.md: executed

def _forward_blocks():
    import os
    from test_readme import parse_readme
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                        "forward.md")
    with open(path) as fh:
        return parse_readme(fh.read())


def test_forward_md_examples_print_what_the_page_shows():
    """Every ```python block of docs/forward.md runs, in order, in one namespace;
    a block followed by a ```text block prints exactly that text."""
    from test_readme import run_block, _normal
    blocks = _forward_blocks()
    assert len(blocks) >= 8
    namespace = {"__name__": "__forward_md__"}
    for block in blocks:
        block.options.setdefault("file", "forward-md-block-%d.py" % block.index)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            printed = run_block(block, namespace)
        if block.expected is not None:
            assert _normal(printed) == _normal(block.expected), (
                "docs/forward.md line %d: the block prints\n%s" % (block.start, printed))


# ------------------------------------------------------------ semantics.md: forward mode rows

@pytest.mark.parametrize("mode", ["tape", "auto"])
@pytest.mark.parametrize("fn,grad_value", [(nograd_block, 4.5), (uses_detach, 1.5),
                                           (uses_stop_gradient, 1.5)])
def test_grad_modes_stop_tangents(mode, fn, grad_value):
    _, t = srcgrad.jvp(fn, (X0,), (1.0,), mode=mode)
    assert np.isclose(t, grad_value)
    assert np.isclose(srcgrad.grad(fn, mode=mode)(X0), grad_value)
    assert np.isclose(srcgrad.hessian(fn, mode=mode)(X0), 0.0)


@pytest.mark.parametrize("mode", ["tape", "auto"])
def test_mode_around_jvp_is_ignored(mode):
    with srcgrad.no_grad():
        _, t = srcgrad.jvp(lambda x: x ** 3, (X0,), (1.0,), mode=mode)
        h = srcgrad.hessian(lambda x: x ** 3, mode=mode)(X0)
    assert np.isclose(t, 6.75) and np.isclose(h, 9.0)
