"""Generated loops (lower/hoist.py and the reverse transform's loops).

Loop-invariant values are computed once, before the loop, and not pushed per
iteration; a loop that runs zero times raises nothing a hoisted statement would;
what the loop writes into (directly or through a view) is not hoisted.  Every
derivative is checked against central finite differences (``numeric_grad``) in
the compiler and, for parity, on the tape, at zero, one and many iterations.
"""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def sum_invariant(x, p, n):
    s = 0.0
    for i in range(n):
        s = s + np.sum(p) * x
        x = np.sin(x)
    return s


def exp_cos_invariant(x, p):
    y = x
    for i in range(5):
        y = y * np.exp(p) + np.cos(p)
    return np.sum(y)


def divide_invariant(x, q, n):
    s = 0.0
    for i in range(n):
        s = s + x / q
        x = x * 0.5
    return s


def while_invariant(x, p):
    while x < 10.0:
        x = x * np.exp(np.sum(p) * 0.1) + np.cos(p[0])
    return x


def nested_invariant(x, W, m):
    for i in range(3):
        for j in range(m):
            x = np.tanh(W.T @ x + np.sum(W))
    return np.sum(x ** 2)


def nested_constant(x, W):
    for i in range(3):
        for j in range(2):
            x = np.tanh(W @ x) * np.exp(np.sum(W))
    return np.sum(x)


def written_in_loop(x, p):
    y = p * 1.0
    for i in range(3):
        y[i] = y[i] + x * np.sum(y)
    return np.sum(y ** 2)


def written_through_view(x, p):
    y = p * 1.0
    v = y[0:2]
    s = 0.0
    for i in range(3):
        s = s + np.sum(y) * x
        v[0] = v[0] * 2.0 + x
    return s + np.sum(y)


def written_whole_slice(x, p):
    y = p * 1.0
    s = 0.0
    for i in range(3):
        s = s + np.sum(y) * x
        y[:] = y * 0.5 + x
    return s + np.sum(y)


def fresh_array_per_iteration(x):
    s = 0.0
    out = []
    for i in range(3):
        t = np.zeros(2)
        t[0] = x[i]
        out.append(t)
        s = s + np.sum(t * t)
    return s + np.sum(out[0]) * 3.0


def break_continue_invariant(x, p, n):
    s = 0.0
    for i in range(n):
        if i == 2:
            continue
        s = s + np.sum(p * p) * x
        if s > 50.0:
            break
    return s


def inplace_accumulate(x, p):
    acc = np.zeros(3)
    for i in range(4):
        acc += np.exp(p) * x
    return np.sum(acc ** 2)


RNG = np.random.default_rng(7)
P3 = RNG.normal(size=3)
W3 = RNG.normal(size=(3, 3)) * 0.3
X3 = RNG.normal(size=3) * 0.5

#: (function, arguments, positions differentiated)
CASES = {
    "sum_invariant[n=0]": (sum_invariant, (0.7, P3, 0), (0, 1)),
    "sum_invariant[n=1]": (sum_invariant, (0.7, P3, 1), (0, 1)),
    "sum_invariant[n=6]": (sum_invariant, (0.7, P3, 6), (0, 1)),
    "exp_cos_invariant": (exp_cos_invariant, (X3, P3 * 0.2), (0, 1)),
    "divide_invariant[n=0]": (divide_invariant, (0.7, 2.0, 0), (0, 1)),
    "divide_invariant[n=3]": (divide_invariant, (0.7, 2.0, 3), (0, 1)),
    "while_invariant[0 trips]": (while_invariant, (20.0, P3), (0, 1)),
    "while_invariant[many]": (while_invariant, (0.5, np.abs(P3) + 0.5), (0, 1)),
    "nested_invariant[m=0]": (nested_invariant, (X3, W3, 0), (0, 1)),
    "nested_invariant[m=1]": (nested_invariant, (X3, W3, 1), (0, 1)),
    "nested_invariant[m=3]": (nested_invariant, (X3, W3, 3), (0, 1)),
    "nested_constant": (nested_constant, (X3, W3), (0, 1)),
    "written_in_loop": (written_in_loop, (0.3, P3), (0, 1)),
    "written_whole_slice": (written_whole_slice, (0.3, P3), (0, 1)),
    "fresh_array_per_iteration": (fresh_array_per_iteration, (X3,), (0,)),
    "break_continue_invariant[n=0]": (break_continue_invariant, (0.7, P3, 0), (0, 1)),
    "break_continue_invariant[n=1]": (break_continue_invariant, (0.7, P3, 1), (0, 1)),
    "break_continue_invariant[n=9]": (break_continue_invariant, (0.7, P3, 9), (0, 1)),
    "break_continue_invariant[breaks]": (break_continue_invariant, (9.0, P3 + 2.0, 9),
                                         (0, 1)),
    "inplace_accumulate": (inplace_accumulate, (0.4, P3), (0, 1)),
}


def _grads(fn, args, wrt, mode):
    g = srcgrad.grad(fn, wrt=wrt, mode=mode)(*args)
    return g if isinstance(g, tuple) else (g,)


#: cases the tape refuses, PyTorch-like: a tracked value written into a plain ndarray
TAPE_REFUSES = {"fresh_array_per_iteration", "inplace_accumulate"}


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_loop_gradients_match_finite_differences(name, mode):
    fn, args, wrt = CASES[name]
    if mode == "tape" and name in TAPE_REFUSES:
        pytest.skip("the tape refuses writing a tracked value into a plain ndarray "
                    "(PyTorch's rule); the compiler models it")
    got = _grads(fn, args, wrt, mode)
    for k, i in enumerate(wrt):
        assert_allclose(got[k], numeric_grad(fn, args, i), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loop_values_and_arguments_untouched(name):
    fn, args, wrt = CASES[name]
    before = [np.copy(a) for a in args]
    value, _ = srcgrad.value_and_grad(fn, wrt=wrt, mode="compile")(*args)
    assert_allclose(value, fn(*[np.copy(a) if isinstance(a, np.ndarray) else a
                                for a in args]))
    for a, b in zip(args, before):
        assert np.array_equal(a, b)


def _source(fn, args, wrt):
    g = srcgrad.grad(fn, wrt=wrt, mode="compile")
    g(*args)
    return srcgrad.source(g)


def _loop_body(text, header):
    """The lines of the first forward loop ``header`` (up to its end)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == header)
    indent = len(lines[start]) - len(lines[start].lstrip())
    body = []
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line.strip())
    return body


def test_invariant_is_computed_once_before_the_loop_and_not_pushed():
    text = _source(sum_invariant, (0.7, P3, 4), (0, 1))
    body = _loop_body(text, "for i in _t1:")
    assert not any("np.sum(p)" in line for line in body)
    assert "_t2 = np.sum(p)" in text
    assert "_push(_t2)" not in text and "_push(None)" not in text
    # the loop may run zero times: the hoisted statement is guarded by its range
    assert "if _t1:" in text


def test_constant_trip_count_needs_no_guard():
    text = _source(exp_cos_invariant, (X3, P3), (0, 1))
    assert "if _t1" not in text and "_push(_t" not in text
    assert _loop_body(text, "for i in _t1:") == ["_push(y)", "y = y * _t2 + _t4"]


def test_nested_loops_hoist_through_both_levels():
    text = _source(nested_constant, (X3, W3), (0, 1))
    inner = _loop_body(text, "for j in _t2:")
    assert not any("np.exp" in line or "np.sum(W)" in line for line in inner)
    outer = _loop_body(text, "for i in _t1:")
    assert not any("range(2)" in line or "_push(_t2)" in line for line in outer)


def test_zero_trip_loop_does_not_raise_from_a_hoisted_division():
    # q == 0: x / q raises ZeroDivisionError, but the loop never runs
    for mode in ("compile", "tape"):
        gx, gq = srcgrad.grad(divide_invariant, wrt=(0, 1), mode=mode)(0.7, 0.0, 0)
        assert gx == 0.0 and gq == 0.0
    with pytest.raises(ZeroDivisionError):
        srcgrad.grad(divide_invariant, wrt=(0, 1), mode="compile")(0.7, 0.0, 2)
    assert srcgrad.grad(while_invariant, wrt=(0, 1), mode="compile")(20.0, P3)[0] == 1.0


def test_what_the_loop_writes_into_is_not_hoisted():
    text = _source(written_in_loop, (0.3, P3), (0, 1))
    assert any("np.sum(y)" in line for line in _loop_body(text, "for i in _t1:"))
    text = _source(written_whole_slice, (0.3, P3), (0, 1))
    assert any("np.sum(y)" in line for line in _loop_body(text, "for i in _t1:"))
    text = _source(fresh_array_per_iteration, (X3,), (0,))
    assert any("np.zeros(2)" in line for line in _loop_body(text, "for i in _t1:"))


def random_in_loop(x):
    s = 0.0
    for i in range(3):
        s = s + x * np.random.uniform(0.0, 1.0)
    return s


def test_random_draws_stay_in_the_loop():
    np.random.seed(3)
    want = random_in_loop(1.0)
    np.random.seed(3)
    value, _ = srcgrad.value_and_grad(random_in_loop, mode="compile")(1.0)
    assert value == want
    text = _source(random_in_loop, (1.0,), (0,))
    assert any("np.random.uniform" in line for line in _loop_body(text, "for i in _t1:"))


def test_writing_through_a_view_in_a_loop_stays_refused_and_auto_runs_the_tape():
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="shares memory") as err:
        srcgrad.grad(written_through_view, wrt=(0, 1), mode="compile")(0.3, P3)
    assert err.value.filename == __file__
    got = srcgrad.grad(written_through_view, wrt=(0, 1), mode="auto")(0.3, P3)
    for k in (0, 1):
        assert_allclose(got[k], numeric_grad(written_through_view, (0.3, P3), k), rtol=1e-5)


# -- break / continue keep the user's structure ------------------------------------------

def leading_break(x, p, n):
    s = 0.0
    for i in range(n):
        if s > 5.0:
            break
        s = s + np.sum(p) * x
        x = np.sin(x) + 1.0
    return s


def leading_continue(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 1:
            continue
        s = s + x * i
        x = np.cos(x)
    return s


def while_true_break(x):
    while True:
        if x > 10.0:
            break
        x = x * 1.5 + 0.1
    return x


def while_leading_break(x, p):
    k = 0
    while k < 50:
        if np.sum(x) > 20.0:
            break
        x = x * np.exp(p) + 0.1
        k = k + 1
    return np.sum(x ** 2)


def late_break(x, n):
    for i in range(n):
        x = x * 1.5
        if x > 10.0:
            break
        x = x + np.sin(x)
    return x


def nested_breaks(x, n):
    s = 0.0
    for i in range(n):
        if s > 30.0:
            break
        for j in range(4):
            if j > i:
                break
            s = s + x * j
            x = x * 1.1
    return s


def break_over_elements(x):
    s = 0.0
    for v in x:
        if v > 1.5:
            break
        s = s + v * v
    return s


def break_over_sequence_written_later(x):
    y = x * 1.0
    s = 0.0
    for v in y:
        if v > 2.0:
            break
        s = s + v * v
    y[-1] = y[-1] * 3.0
    return s + np.sum(y * y)


def written_while_iterated(x):
    y = x * 1.0
    s = 0.0
    for v in y:
        s = s + v * v
        y[-1] = y[-1] + v
    return s


JUMP_CASES = {
    "break_over_elements[breaks]": (break_over_elements, (np.array([0.5, -1.0, 2.0, 0.3]),),
                                    (0,)),
    "break_over_elements[runs out]": (break_over_elements, (np.array([0.5, -1.0]),), (0,)),
    "break_over_sequence_written_later[breaks]": (break_over_sequence_written_later,
                                                  (np.array([0.5, 1.2, 3.1, 0.3]),), (0,)),
    "break_over_sequence_written_later[runs out]": (break_over_sequence_written_later,
                                                    (np.array([0.5, -1.0, 0.2]),), (0,)),
    "leading_break[n=0]": (leading_break, (0.7, P3, 0), (0, 1)),
    "leading_break[n=1]": (leading_break, (0.7, P3, 1), (0, 1)),
    "leading_break[breaks]": (leading_break, (0.7, np.abs(P3) + 1.0, 8), (0, 1)),
    "leading_break[runs out]": (leading_break, (0.01, P3 * 0.01, 4), (0, 1)),
    "leading_continue[n=0]": (leading_continue, (0.3, 0), (0,)),
    "leading_continue[n=1]": (leading_continue, (0.3, 1), (0,)),
    "leading_continue[n=7]": (leading_continue, (0.3, 7), (0,)),
    "while_true_break[0 trips]": (while_true_break, (11.0,), (0,)),
    "while_true_break[many]": (while_true_break, (0.5,), (0,)),
    "while_leading_break[breaks]": (while_leading_break, (np.abs(X3) + 1.0, P3 * 0.1 + 0.3),
                                    (0, 1)),
    "while_leading_break[runs out]": (while_leading_break, (X3 * 0.01, P3 * 0.001 - 0.5),
                                      (0, 1)),
    "late_break[breaks]": (late_break, (1.3, 9), (0,)),
    "late_break[runs out]": (late_break, (0.1, 2), (0,)),
    "nested_breaks": (nested_breaks, (0.9, 6), (0,)),
}


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("name", sorted(JUMP_CASES))
def test_jump_gradients_match_finite_differences(name, mode):
    fn, args, wrt = JUMP_CASES[name]
    got = _grads(fn, args, wrt, mode)
    for k, i in enumerate(wrt):
        assert_allclose(got[k], numeric_grad(fn, args, i), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(JUMP_CASES))
def test_jump_forward_mode_matches_finite_differences(name):
    fn, args, wrt = JUMP_CASES[name]
    i = wrt[0]
    tangent = np.ones_like(args[i]) if isinstance(args[i], np.ndarray) else 1.0
    _, got = srcgrad.jvp(lambda v: fn(*args[:i], v, *args[i + 1:]), (args[i],), (tangent,))
    assert_allclose(got, np.sum(numeric_grad(fn, args, i) * tangent), rtol=1e-5, atol=1e-7)


def test_leading_break_keeps_the_users_structure():
    text = _source(leading_break, (0.7, P3, 3), (0, 1))
    assert "_brk" not in text and "_skip" not in text
    body = _loop_body(text, "for i in _t1:")
    assert body[:3] == ["_t2 = s > 5.0", "if _t2:", "break"]
    # the adjoint loop runs the iterations that passed the test
    assert "_n = _n + 1" == body[3]
    text = _source(while_true_break, (0.5,), (0,))
    assert "_brk" not in text and "if _t1:" in text and "for _ in range(_n):" in text


def test_leading_continue_is_a_guarded_body_without_flags():
    text = _source(leading_continue, (0.3, 5), (0,))
    assert "_skip" not in text and "_brk" not in text
    assert "continue" not in [line.strip() for line in text.splitlines()]
    assert "if _t4:" in _loop_body(text, "for i in _t1:")


def test_a_break_after_other_statements_still_uses_flags():
    text = _source(late_break, (1.3, 9), (0,))
    assert "_brk" in text


def test_no_initial_none_is_pushed_before_a_first_binding():
    text = _source(exp_cos_invariant, (X3, P3), (0, 1))
    assert "y = None" not in text
    assert text.count("_push(y)") == 1       # in the loop only
    assert text.count("y = _pop()") == 1


# -- element reads taken again by the adjoint instead of saved (lower/remat.py) ----------

def rnn(W, U, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h ** 2)


def over_rows(x, rows):
    s = 0.0
    for r in rows:
        s = s + np.sum(np.sin(r * x))
    return s


def previous_element(x, xs):
    prev = x
    s = 0.0
    for t in range(xs.shape[0]):
        if t > 0:
            s = s + np.sum(cur * prev)
            prev = cur * x
        cur = xs[t]
    return s


def rows_written(x, xs):
    xs = xs * 1.0
    s = 0.0
    for t in range(xs.shape[0]):
        row = xs[t]
        s = s + np.sum(row * x)
        xs[(t + 1) % xs.shape[0]] = row * x
    return s


XS = RNG.normal(size=(4, 3)) * 0.5
REMAT_CASES = {
    "rnn": (rnn, (W3, W3 * 0.5, XS, X3), (0, 1, 2, 3)),
    "rnn[0 steps]": (rnn, (W3, W3 * 0.5, XS[:0], X3), (0, 1, 3)),
    "over_rows": (over_rows, (X3, XS), (0, 1)),
    "previous_element": (previous_element, (X3, XS), (0, 1)),
    "rows_written": (rows_written, (X3, XS), (0, 1)),
}


@pytest.mark.parametrize("mode", ["compile", "tape"])
@pytest.mark.parametrize("name", sorted(REMAT_CASES))
def test_recomputed_reads_match_finite_differences(name, mode):
    fn, args, wrt = REMAT_CASES[name]
    if mode == "tape" and name == "rows_written":
        pytest.skip("the tape refuses writing a tracked value into a plain ndarray "
                    "(PyTorch's rule); the compiler models it")
    got = _grads(fn, args, wrt, mode)
    for k, i in enumerate(wrt):
        assert_allclose(got[k], numeric_grad(fn, args, i), rtol=1e-5, atol=1e-7)


def test_element_reads_are_taken_again_not_pushed():
    text = _source(rnn, (W3, W3, XS, X3), (0, 1))
    assert "_push(_t5)" not in text and text.count("_push(") == 1   # h only
    adjoint = text.split("# grad of")[-1]
    assert "_t5 = xs[t]" in adjoint
    text = _source(over_rows, (X3, XS), (0,))   # for r in rows: r = _t1[_k]
    assert "_push(r)" not in text and "r = _t1[_k]" in text.split("# grad of")[-1]


def test_reads_of_the_previous_element_or_of_a_written_sequence_are_saved():
    text = _source(previous_element, (X3, XS), (0, 1))
    assert "_push(cur)" in text
    text = _source(rows_written, (X3, XS), (0, 1))
    assert "_push(row)" in text


def test_an_early_break_after_a_saved_value_falls_back_to_a_guarded_body():
    # for v in y: v = y[k] comes before the test; y is written after the loop, so v
    # is saved, and the iteration that breaks must be replayed (loop_exits.py)
    text = _source(break_over_sequence_written_later, (np.array([0.5, 1.2, 3.1, 0.3]),),
                   (0,))
    assert "_brk" not in text and "_skip" not in text
    body = _loop_body(text, "for _k in _t3:")
    assert body[0] == "_n = _n + 1" and body[-2:] == ["if _t4:", "break"]
    # elements of a sequence the loop does not write are taken again: the early form stays
    text = _source(break_over_elements, (np.array([0.5, -1.0, 2.0, 0.3]),), (0,))
    body = _loop_body(text, "for _k in _t3:")
    assert body.index("break") < body.index("_n = _n + 1")


def test_writing_into_the_sequence_a_loop_iterates_is_refused():
    # for v in y iterates y itself: an assignment into y inside the loop changes the
    # elements still to come (main gave a silently wrong gradient here)
    x = np.array([0.5, -1.0, 0.2])
    with pytest.raises(srcgrad.SrcgradSyntaxError, match="view of 'y'") as err:
        srcgrad.grad(written_while_iterated, mode="compile")(x)
    assert err.value.filename == __file__
    for mode in ("auto", "tape"):
        assert_allclose(srcgrad.grad(written_while_iterated, mode=mode)(x),
                        numeric_grad(written_while_iterated, (x,), 0), rtol=1e-5)
