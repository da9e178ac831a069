"""try / except / finally, with-blocks, raise / assert, array metadata, updates
of arguments, and explain's call tree: in both engines, against hand-derived
values or finite differences; refusals name the user's file and line.

(The corpus module corpus/exceptions.py checks more programs of these kinds
against finite differences, in both engines.)
"""

import contextlib
import os

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

# (pytest rewrites the assert statements of test modules, so a function that
# uses assert lives in the corpus, which is compiled as written)
from corpus.exceptions import assert_two_values as assert_fails

HERE = os.path.abspath(__file__)
MODES = ["compile", "tape", "auto"]


def _fail_if_positive(v):
    if v > 0:
        raise ValueError("positive")
    return v * 10.0


# ------------------------------------------------------------ partial execution


def partial(x):
    y = x * 3.0
    try:
        y = y * x                    # runs: reversed
        z = _fail_if_positive(x)     # raises for x > 0: nothing to reverse
        y = y + z                    # never runs
    except ValueError:
        pass
    return y


def partial_pushes(x):
    y = x * 1.0
    try:
        y = np.sin(y)
        # the comprehension pushes saved values for the first two elements,
        # then the third raises: what it pushed must not reach the adjoint
        parts = [_fail_if_positive(-v) * y[0] ** 2 for v in x]
        y = y * sum(parts)
    except ValueError:
        y = y * y
    return np.sum(y)


@pytest.mark.parametrize("mode", MODES)
def test_partial_body_reverses_exactly_what_ran(mode):
    g = srcgrad.grad(partial, mode=mode)
    assert g(2.0) == pytest.approx(6.0 * 2.0)              # y = 3x^2 (the raise path)
    assert g(-2.0) == pytest.approx(6.0 * -2.0 + 10.0)     # y = 3x^2 + 10x


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", [np.array([1.0, 2.0, -1.0, 3.0]), np.array([-1.0, -2.0]),
                               np.array([0.5, 0.7])])
def test_statement_interrupted_after_pushing(mode, x):
    assert_allclose(srcgrad.grad(partial_pushes, mode=mode)(x),
                    numeric_grad(partial_pushes, (x,), 0), rtol=1e-6)


def test_generated_code_records_progress_and_drops_partial_pushes():
    src = srcgrad.source(srcgrad.grad(partial_pushes, mode="compile"))
    assert "try:" in src and "except ValueError:" in src
    assert "_ran = True" in src and "_caught = True" in src
    assert "del _stack[_sp:]" in src
    assert "if _ran:" in src and "if _caught:" in src


def try_in_loop(x, n):
    s = 0.0
    for i in range(n):
        try:
            s = s + x * i
            s = s + _fail_if_positive(x - i)
        except ValueError:
            s = s * 2.0
    return s


@pytest.mark.parametrize("mode", MODES)
def test_flags_are_saved_per_iteration(mode):
    for x in (2.5, 0.5, -1.0):
        assert srcgrad.grad(try_in_loop, mode=mode)(x, 4) == pytest.approx(
            numeric_grad(try_in_loop, (x, 4), 0), rel=1e-6)


def reraise(x):
    try:
        y = _fail_if_positive(x)
    except ValueError:
        raise
    return y


@pytest.mark.parametrize("mode", MODES)
def test_raise_and_assert_behave_as_in_python(mode):
    with pytest.raises(ValueError, match="positive"):
        srcgrad.grad(reraise, mode=mode)(1.0)
    assert srcgrad.grad(reraise, mode=mode)(-1.0) == pytest.approx(10.0)
    with pytest.raises(AssertionError, match="need two values, got 3"):
        srcgrad.grad(assert_fails, mode=mode)(np.ones(3))
    assert_allclose(srcgrad.grad(assert_fails, mode=mode)(np.ones(2)), 2 * np.ones(2))


# ------------------------------------------------------------ refusals


def loop_in_try(x):
    try:
        for i in range(2):
            x = x * 2.0
    except ValueError:
        pass
    return x


def return_in_try(x):
    try:
        return x * 2.0
    finally:
        pass


def with_tuple_target(x):
    with contextlib.nullcontext((1.0, 2.0)) as (a, b):
        y = x * a * b
    return y


def with_grad_mode_as(x):
    with srcgrad.no_grad() as ng:
        y = x * 2.0
    return y * x


REFUSED = [
    (loop_in_try, "a try body with except clauses may hold only simple statements", 2,
     "move it into a helper function"),
    (return_in_try, "'return' inside a try statement is not supported", 2,
     "set a variable inside the try statement"),
    (with_tuple_target, "a with-block's 'as' target must be a single name", 1,
     "write 'with ... as v:'"),
    (with_grad_mode_as, "'with <grad mode> as name' is not supported", 1,
     "leave out 'as name'"),
]


@pytest.mark.parametrize("fn,msg,offset,hint", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_refusals_are_located(fn, msg, offset, hint):
    with pytest.raises(srcgrad.SrcgradSyntaxError) as info:
        srcgrad.grad(fn, mode="compile")(0.5)
    err = info.value
    assert err.filename == HERE and err.lineno == fn.__code__.co_firstlineno + offset
    text = str(err)
    assert msg in text and hint in text.split("hint:")[1]


@pytest.mark.parametrize("fn", [loop_in_try, return_in_try, with_tuple_target],
                         ids=lambda f: f.__name__)
def test_refused_constructs_run_on_the_tape_in_auto(fn):
    assert srcgrad.grad(fn)(0.5) == pytest.approx(numeric_grad(fn, (0.5,), 0), rel=1e-6)
    assert srcgrad.explain(fn, 0.5).engine == "tape"


# ------------------------------------------------------------ with-blocks


@contextlib.contextmanager
def scaled(v):
    yield v * 2.0


def cm_of_differentiated_value(x):
    with scaled(x) as v:
        y = v * x
    return y


def suppressing(x):
    y = x * 2.0
    with contextlib.suppress(ValueError):
        y = y * x
        _fail_if_positive(x)
        y = y * 10.0
    return y


def test_as_target_that_depends_on_the_arguments_is_refused():
    # the manager is made by a @contextmanager function the compiler follows into
    # contextlib, which it cannot differentiate: refused there, naming the user's call
    with pytest.raises((srcgrad.SrcgradSyntaxError, srcgrad.NoRuleError)) as info:
        srcgrad.grad(cm_of_differentiated_value, mode="compile")(0.5)
    assert "%s:%d" % (HERE, cm_of_differentiated_value.__code__.co_firstlineno + 1) in \
        str(info.value)
    assert srcgrad.grad(cm_of_differentiated_value)(0.5) == pytest.approx(4 * 0.5)


@pytest.mark.parametrize("mode", MODES)
def test_suppressed_exception_is_never_a_wrong_gradient(mode):
    g = srcgrad.grad(suppressing, mode=mode)
    assert g(-0.5) == pytest.approx(40 * -0.5)       # nothing raised: y = 20 x^2
    if mode == "tape":
        assert g(0.5) == pytest.approx(4 * 0.5)      # the body stopped: y = 2 x^2
        return
    with pytest.raises(RuntimeError, match="test_exceptions.py:[0-9]+: the context manager "
                       "of this with-block suppressed an exception"):
        g(0.5)


# ------------------------------------------------------------ array metadata


def meta_strides(x):
    return np.sum(x) * x.strides[0] / 8.0


def meta_dtype(x):
    return np.sum(x.astype(x.dtype)) * (2.0 if x.dtype == np.float64 else 1.0)


def meta_flags(x):
    return np.sum(x * x) * (3.0 if x.flags.writeable and x.flags["C_CONTIGUOUS"] else 1.0)


def meta_sizes(x):
    y = x * 2.0
    return np.sum(y) * (x.itemsize + x.nbytes + x.size + x.ndim + x.shape[0] +
                        y.dtype.itemsize)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", [meta_strides, meta_dtype, meta_flags, meta_sizes],
                         ids=lambda f: f.__name__)
def test_array_metadata_is_a_constant(fn, mode):
    x = np.array([0.3, -1.2, 0.7])
    assert_allclose(srcgrad.grad(fn, mode=mode)(x), numeric_grad(fn, (x,), 0), rtol=1e-6)


# ------------------------------------------------------------ updates of arguments


def velocity_step(vx, gx, dt):
    vx -= dt * gx
    return np.sum(vx * vx)


def zero_first(p):
    p[0] = 0.0
    return np.sum(np.sin(p) * p)


def double_positive(x):
    x[x > 0] *= 2.0
    return np.sum(x ** 2)


def update_then_read(x):
    x += 1.0
    x *= x
    return np.sum(x)


def _scale_copy(u, w):
    u = u.copy()
    u *= w
    u[0] = u[1]
    return u


def helper_updates_its_copy(x):
    return np.sum(_scale_copy(x, 2.0) * x)


def scalar_update(a, x):
    a += np.sum(x)
    a *= 2.0
    return a * a


def updates_in_loop(p, n):
    for i in range(n):
        p[i % len(p)] += p[(i + 1) % len(p)] * 0.5
    return np.sum(p * p)


def alias_then_assign(x):
    y = x
    y[0] = 0.0
    return np.sum(y * 3.0)


UPDATES = [
    (velocity_step, (np.array([1.0, 2.0]), np.array([0.5, -0.3]), 0.1), (0, 1, 2)),
    (zero_first, (np.array([1.0, 2.0, 0.3]),), (0,)),
    (double_positive, (np.array([1.0, -2.0, 0.3]),), (0,)),
    (update_then_read, (np.array([1.0, -2.0, 0.3]),), (0,)),
    (helper_updates_its_copy, (np.array([1.0, -2.0, 0.3]),), (0,)),
    (scalar_update, (0.7, np.array([1.0, -2.0, 0.3])), (0, 1)),
    (updates_in_loop, (np.array([1.0, -2.0, 0.3]), 5), (0,)),
    (alias_then_assign, (np.array([1.0, -2.0, 0.3]),), (0,)),
]


def _fresh(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn,args,wrt", UPDATES, ids=[u[0].__name__ for u in UPDATES])
def test_updating_an_argument_acts_on_a_copy(fn, args, wrt, mode):
    passed = _fresh(args)
    grads = srcgrad.grad(fn, wrt=wrt, mode=mode)(*passed)
    for a, p in zip(args, passed):  # the caller's arrays are never changed
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, p)
    for i, g in zip(wrt, grads):
        assert_allclose(g, numeric_grad(lambda *a: fn(*_fresh(a)), args, i), rtol=1e-6)


def _updates_caller_array(u):
    u[0] = 5.0
    return np.sum(u)


def calls_helper_that_updates(x):
    y = x * 1.0
    return _updates_caller_array(y) * np.sum(y)


def alias_read_through_other_name(x):
    y = x
    y[0] = 0.0
    return np.sum(x * 3.0)


@pytest.mark.parametrize("fn", [calls_helper_that_updates, alias_read_through_other_name],
                         ids=lambda f: f.__name__)
def test_updates_the_compiler_cannot_follow_are_refused_and_right_on_the_tape(fn):
    x = np.array([1.0, -2.0, 0.3])
    with pytest.raises(srcgrad.SrcgradSyntaxError) as info:
        srcgrad.grad(fn, mode="compile")(x.copy())
    assert "test_exceptions.py" in str(info.value)
    for mode in ("auto", "tape"):
        passed = x.copy()
        assert_allclose(srcgrad.grad(fn, mode=mode)(passed),
                        numeric_grad(lambda v: fn(v.copy()), (x,), 0), rtol=1e-6)
        assert np.array_equal(passed, x)


# ------------------------------------------------------------ explain: the call tree


def _gen(x):
    yield np.sin(x)


def on_the_tape(x):
    s = x * 0.0
    for v in _gen(x):  # a generator consumed only partly: the tape runs this helper
        s = v
        break
    return s


def compiled_helper(x):
    return np.tanh(x) * on_the_tape(x)


def outer(x):
    return np.sum(compiled_helper(x) * 2.0)


def test_explain_reports_the_whole_call_tree():
    x = np.array([0.3, 0.5])
    info = srcgrad.explain(outer, x)
    assert info.engine == "compiler"
    [helper] = info.calls
    assert (helper.name, helper.engine) == ("compiled_helper", "compiler")
    assert helper.where.endswith("test_exceptions.py:%d" % (outer.__code__.co_firstlineno + 1))
    [nested] = helper.calls
    assert (nested.name, nested.engine) == ("on_the_tape", "tape")
    assert "generator" in nested.reason and not nested.calls
    assert [n for n, _ in info.tape_calls] == ["on_the_tape"]  # found two levels down
    text = str(info).splitlines()
    assert text[0] == "compiled"
    assert text[1].startswith("  call to compiled_helper at ") and text[1].endswith(
        ": compiled")
    assert text[2].startswith("    call to on_the_tape at ") and \
        "runs on the tape (mixed mode)" in text[2]
    assert_allclose(srcgrad.grad(outer)(x), numeric_grad(outer, (x,), 0), rtol=1e-6)


def test_explain_of_a_function_without_calls_has_an_empty_tree():
    info = srcgrad.explain(meta_strides, np.ones(3))
    assert info.engine == "compiler" and info.calls == [] and info.tape_calls == []
    assert str(info) == "compiled"
    [call] = srcgrad.explain(partial, 2.0).calls
    assert (call.name, call.engine, call.calls) == ("_fail_if_positive", "compiler", [])
