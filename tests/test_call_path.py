"""The cached call path of ``grad(f)(*args)`` (issue 13): a call whose
signature (argument types, plain ndarrays' shapes and dtypes) was seen before
skips the checks the first call made. These tests change one thing the
checks depend on between two calls and require the second call to check it
again: gradients against central finite differences, refusals naming the
user's file. Every test runs in both engines (mode="compile" and "tape") where
both apply; speed is measured by benchmark (h), not here."""

import importlib.util
import itertools
import textwrap
import threading

import numpy as np
import pytest

import srcgrad.torch
from srcgrad.testing import assert_allclose, numeric_grad

_COUNTER = itertools.count()


def load(tmp_path, source):
    """Import ``source`` as a fresh module written under ``tmp_path``."""
    name = "sgcall_%d" % next(_COUNTER)
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

MODES = ["compile", "tape"]

_SOURCE = """
import numpy as np

ACT = np.tanh

def f(x, y, scale):
    return np.sum(ACT(x) * y) * scale + np.sum(x * x)

def g(x):
    return np.sum(np.abs(x) ** 2)

def chol(a):
    return np.sum(np.abs(np.linalg.cholesky(a)) ** 2)

def h(x, label):
    return np.sum(x ** 3) if label == "cube" else np.sum(x ** 2)

class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return np.sum(np.sin(self.w * x))
"""


@pytest.fixture
def mod(tmp_path):
    return load(tmp_path, _SOURCE)


def _args(n, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype), 0.7)


@pytest.mark.parametrize("mode", MODES)
def test_repeated_calls_with_changing_shapes_agree_with_differences(mod, mode):
    """Same shape twice (the second a cached call), a new shape, then the
    first again: every gradient against finite differences, each wrt."""
    gf = srcgrad.grad(mod.f, wrt=(0, 1, 2), mode=mode)
    for n in (3, 3, 5, 3, 1, 5):
        args = _args(n, seed=n)
        got = gf(*args)
        for i in range(3):
            assert_allclose(got[i], numeric_grad(mod.f, args, i))
        assert type(got[2]) is float
    assert gf._hits     # the calls after the first of each signature were cached ones


@pytest.mark.parametrize("mode", MODES)
def test_value_and_grad_and_has_aux_on_cached_calls(mod, mode):
    vg = srcgrad.value_and_grad(mod.f, mode=mode)
    aux = srcgrad.grad(lambda x, y, s: (mod.f(x, y, s), "aux"), has_aux=True, mode="tape") \
        if mode == "tape" else None
    for _ in range(3):
        args = _args(4)
        value, grad = vg(*args)
        assert_allclose(value, mod.f(*args))
        assert_allclose(grad, numeric_grad(mod.f, args, 0))
        if aux is not None:
            grad, extra = aux(*args)
            assert extra == "aux"
            assert_allclose(grad, numeric_grad(mod.f, args, 0))


@pytest.mark.parametrize("mode", MODES)
def test_a_float32_call_after_float64_calls_gets_a_float32_gradient(mod, mode):
    gf = srcgrad.grad(mod.f, mode=mode)
    args64 = _args(4)
    gf(*args64), gf(*args64)
    args32 = _args(4, np.float32)
    got = gf(*args32)
    assert got.dtype == np.float32
    want = numeric_grad(mod.f, tuple(a.astype(np.float64) if isinstance(a, np.ndarray) else a
                                     for a in args32), 0)
    assert_allclose(got, want, rtol=1e-3, atol=1e-4)
    assert gf(*args64).dtype == np.float64


@pytest.mark.parametrize("mode", MODES)
def test_an_integer_array_after_float_arrays_of_its_shape_is_refused(mod, mode):
    gf = srcgrad.grad(mod.f, mode=mode)
    args = _args(3)
    gf(*args), gf(*args)
    with pytest.raises(TypeError, match="integer") as err:
        gf(np.arange(3), args[1], 0.7)
    assert mod.__file__ in str(err.value)
    with pytest.raises(TypeError, match="integer"):   # every time, not only the first
        gf(np.arange(3), args[1], 0.7)
    gi = srcgrad.grad(mod.f, wrt=2, mode=mode)
    assert_allclose(gi(*args), numeric_grad(mod.f, args, 2))
    with pytest.raises(TypeError, match="integer"):   # a Python int where a float was
        gi(args[0], args[1], 1)


@pytest.mark.parametrize("mode", MODES)
def test_a_complex_array_after_real_ones_of_its_shape_uses_the_complex_convention(mod, mode):
    """d/dz of sum(|z|^2) is 2 z in PyTorch's convention (docs/semantics.md)."""
    gf = srcgrad.grad(mod.g, mode=mode)
    x = np.array([0.5, -1.0, 2.0])
    gf(x)
    assert_allclose(gf(x), 2 * x)
    z = np.array([0.5 + 1j, -1.0 - 2j, 2.0 + 0.5j])
    assert_allclose(gf(z), 2 * z)
    assert_allclose(gf(z), 2 * z)
    assert_allclose(gf(x), 2 * x)
    # cholesky's rule is for real inputs only: refused for a complex argument
    # (docs/semantics.md), also when real ones of its shape came first
    gc = srcgrad.grad(mod.chol, mode=mode)
    a = np.array([[2.0, 0.5], [0.5, 1.0]])
    gc(a)
    assert_allclose(gc(a), numeric_grad(mod.chol, (a,), 0), rtol=1e-4)
    with pytest.raises(NotImplementedError, match="real inputs only"):
        gc(a + np.array([[0.0, 0.1j], [-0.1j, 0.0]]))


@pytest.mark.parametrize("mode", MODES)
def test_an_ndarray_subclass_after_plain_arrays_is_refused(mod, mode):
    gf = srcgrad.grad(mod.g, mode=mode)
    x = np.array([[0.5, -1.0]])
    gf(x), gf(x)
    with pytest.raises(TypeError, match="np.matrix|matrix") as err:
        gf(np.asmatrix(x))
    assert mod.__file__ in str(err.value)


@pytest.mark.parametrize("mode", MODES)
def test_an_array_reshaped_in_place_is_a_new_signature(mod, mode):
    gf = srcgrad.grad(mod.f, mode=mode)
    x, y = np.linspace(0.1, 1.2, 6), np.linspace(-1.0, 1.0, 6)
    gf(x, y, 0.5), gf(x, y, 0.5)
    x.shape = y.shape = (2, 3)
    got = gf(x, y, 0.5)
    assert got.shape == (2, 3)
    assert_allclose(got, numeric_grad(mod.f, (x, y, 0.5), 0))


@pytest.mark.parametrize("mode", MODES)
def test_a_string_argument_is_read_per_call(mod, mode):
    gf = srcgrad.grad(mod.h, mode=mode)
    x = np.array([0.5, -1.0, 2.0])
    assert_allclose(gf(x, "cube"), 3 * x ** 2)
    assert_allclose(gf(x, "cube"), 3 * x ** 2)
    assert_allclose(gf(x, "square"), 2 * x)


def test_a_name_rebound_after_cached_calls_is_followed(mod):
    """The rebinding guard of the generated code runs on the cached path."""
    gf = srcgrad.grad(mod.f, mode="compile")
    args = _args(4)
    gf(*args), gf(*args)
    mod.ACT = np.sin
    try:
        assert_allclose(gf(*args), numeric_grad(mod.f, args, 0))
        assert_allclose(gf(*args), numeric_grad(mod.f, args, 0))
    finally:
        mod.ACT = np.tanh
    assert_allclose(gf(*args), numeric_grad(mod.f, args, 0))


def test_a_tensor_after_arrays_of_its_shape_runs_on_the_tape(mod):
    """grad of a grad on the tape: the inner call gets Tensors with the
    signature of arrays it saw before, and must hand them to the tape."""
    inner = srcgrad.grad(mod.g, mode="auto")
    x = np.array([0.5, -1.0, 2.0])
    inner(x), inner(x)
    t = srcgrad.torch.tensor(x, requires_grad=True)
    out = inner(t)
    assert isinstance(out, srcgrad.torch.Tensor)
    out.sum().backward()
    assert_allclose(t.grad, 2.0 * np.ones(3))   # d/dx of sum(2 x)
    lst = [x, x]
    gl = srcgrad.grad(lambda xs: np.sum(xs[0] * xs[1]), mode="auto")
    gl(lst), gl(lst)
    res = gl([t, t])
    assert isinstance(res[0], srcgrad.torch.Tensor)


@pytest.mark.parametrize("mode", MODES)
def test_lists_are_walked_on_every_call(mod, mode):
    gl = srcgrad.grad(lambda xs: np.sum(xs[0] * xs[1]), mode=mode)
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    assert_allclose(gl([a, b])[0], b)
    assert_allclose(gl([a, b])[1], a)
    with pytest.raises(TypeError, match="matrix"):
        gl([np.asmatrix(a), b])


@pytest.mark.parametrize("mode", MODES)
def test_bound_methods_and_defaults_on_cached_calls(mod, mode):
    model = mod.Model(np.array([0.5, 2.0]))
    gm = srcgrad.grad(model.loss, mode=mode)
    x = np.array([1.0, -0.3])
    for _ in range(3):
        assert_allclose(gm(x), model.w * np.cos(model.w * x))
    model.w = np.array([1.5, -1.0])         # an attribute read at run time
    assert_allclose(gm(x), model.w * np.cos(model.w * x))


@pytest.mark.parametrize("mode", MODES)
def test_cached_calls_leave_the_arguments_alone(mod, mode):
    gf = srcgrad.grad(mod.f, wrt=(0, 1), mode=mode)
    args = _args(5)
    copies = [a.copy() for a in args[:2]]
    for _ in range(3):
        gf(*args)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)


def test_the_signature_table_is_bounded(mod):
    from srcgrad.api import _HITS
    gf = srcgrad.grad(mod.g, mode="compile")
    for n in range(1, 3 * _HITS):
        x = np.linspace(-1.0, 1.0, n)
        assert_allclose(gf(x), 2 * x)
    assert len(gf._hits) <= _HITS
    assert all(len(by_types[-1]) <= _HITS for by_types in gf._hits.values())


@pytest.mark.parametrize("mode", MODES)
def test_threads_share_one_grad_function(mod, mode):
    """Threads calling one grad function with different shapes and dtypes:
    every result is the gradient of its own arguments."""
    gf = srcgrad.grad(mod.f, wrt=(0, 1), mode=mode)
    errors = []

    def work(k):
        try:
            for r in range(30):
                n = 2 + (k + r) % 4
                args = _args(n, np.float32 if r % 3 == 0 else np.float64, seed=k * 100 + r)
                got = gf(*args)
                wide = tuple(a.astype(np.float64) if isinstance(a, np.ndarray) else a
                             for a in args)
                tol = dict(rtol=1e-3, atol=1e-4) if r % 3 == 0 else {}
                for i in range(2):
                    assert got[i].dtype == args[i].dtype
                    assert_allclose(got[i], numeric_grad(mod.f, wide, i), **tol)
        except Exception as err:   # reported below, with the thread's number
            errors.append((k, err))
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


_MORE = """
import numpy as np

W = np.array([0.5, -2.0, 1.5])

def scaled(x, s=2.0):
    return np.sum(x ** 2) * s

def wave(x):
    return np.sum(np.sin(x) * x)

def lin(x):
    return np.sum(W * x)

def column_sums(x):
    return np.sum(x, axis=0)
"""


@pytest.fixture
def more(tmp_path):
    return load(tmp_path, _MORE)


@pytest.mark.parametrize("mode", MODES)
def test_value_and_grad_of_a_float_and_of_arrays_on_cached_calls(more, mode):
    """The plain result path (one real argument, grad or value_and_grad):
    values and gradients against finite differences, of the argument's kind."""
    vg = srcgrad.value_and_grad(more.wave, mode=mode)
    for x in (0.7, 0.7, np.linspace(-1.0, 1.0, 4), np.linspace(-1.0, 1.0, 4),
              np.linspace(-1.0, 1.0, 4).astype(np.float32), 0.7):
        for _ in range(2):
            value, grad = vg(x)
            wide = np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else x
            assert_allclose(value, more.wave(wide), rtol=1e-5)
            assert_allclose(grad, numeric_grad(more.wave, (wide,), 0), rtol=1e-4, atol=1e-5)
            if isinstance(x, float):
                assert type(grad) is float
            else:
                assert type(grad) is np.ndarray and grad.dtype == x.dtype and \
                    grad.shape == x.shape


@pytest.mark.parametrize("mode", MODES)
def test_floats_and_arrays_in_turn_get_gradients_of_their_kind(more, mode):
    gf = srcgrad.grad(more.wave, mode=mode)
    x = np.array([0.3, -1.2])
    for arg in (0.4, x, 0.4, x, x, 0.4, 0.4):
        got = gf(arg)
        assert type(got) is type(arg)
        assert_allclose(got, numeric_grad(more.wave, (arg,), 0))


@pytest.mark.parametrize("mode", MODES)
def test_calls_with_another_number_of_arguments_after_cached_ones(more, mode):
    """A default left out, then given, then left out again: each call is
    checked for its own arguments (the cached signature has a fixed count)."""
    gf = srcgrad.grad(more.scaled, wrt=(0, 1), mode=mode)
    x = np.array([0.5, -1.0, 2.0])
    for extra in ((), (), (3.0,), (3.0,), (), (3.0,)):
        args = (x,) + extra
        full = args + (() if extra else (2.0,))
        got = gf(*args)
        assert_allclose(got[0], numeric_grad(more.scaled, full, 0))
        assert_allclose(got[1], numeric_grad(more.scaled, full, 1))
        assert type(got[1]) is float


@pytest.mark.parametrize("mode", MODES)
def test_a_gradient_handed_back_is_the_callers_own(more, mode):
    """Changing a gradient the call returned changes neither the module's
    arrays nor the next call's gradient."""
    gf = srcgrad.grad(more.lin, mode=mode)
    x = np.array([1.0, 2.0, 3.0])
    for _ in range(3):
        got = gf(x)
        assert got is not more.W and not np.shares_memory(got, more.W)
        assert_allclose(got, numeric_grad(more.lin, (x,), 0))
        got[:] = 0.0
    assert_allclose(more.W, [0.5, -2.0, 1.5])


@pytest.mark.parametrize("mode", MODES)
def test_a_non_scalar_output_on_a_cached_signature_is_refused_every_time(more, mode):
    gf = srcgrad.grad(more.column_sums, mode=mode)
    v = np.array([0.5, 1.5])
    assert_allclose(gf(v), np.ones(2))
    assert_allclose(gf(v), np.ones(2))
    m = np.ones((2, 3))
    for _ in range(3):
        with pytest.raises(TypeError, match="scalar") as err:
            gf(m)
        assert more.__file__ in str(err.value)
    assert_allclose(gf(v), np.ones(2))


def test_the_key_of_a_signature():
    """srcgrad/signature.py: the key holds every plain ndarray's shape and the
    differentiated ones' dtypes; another type gives no key, another number of
    arguments a TypeError."""
    from srcgrad.signature import key_function
    key_of = key_function((np.ndarray, float, np.ndarray, str), wrt=(2,))
    x, y = np.ones(3), np.ones((2, 2))
    assert key_of(x, 1.0, y, "a") == ((3,), (2, 2), y.dtype)
    assert key_of(x, 1.0, y, "b") == key_of(x, 1.0, y, "a")   # a string's type is its key
    assert key_of(x.astype(np.float32), 1.0, y, "a") == key_of(x, 1.0, y, "a")
    assert key_of(x, 1.0, y.astype(np.float32), "a") != key_of(x, 1.0, y, "a")
    assert key_of(x, 1.0, y[None], "a") != key_of(x, 1.0, y, "a")
    assert key_of(x, 1, y, "a") is None
    assert key_of(np.asmatrix(x), 1.0, y, "a") is None
    with pytest.raises(TypeError):
        key_of(x, 1.0, y)
    assert key_function((), ())() == ()
