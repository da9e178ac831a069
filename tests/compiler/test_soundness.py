"""The compiler's closed world (issue 9): right or loud, never a silent wrong gradient.

Each function below once compiled to a wrong gradient without any error.  Now
the compiler either gives the gradient finite differences give, or refuses
with an error that names this file and the offending line; in ``mode="auto"``
a refusal hands the function to the tape, which must then be right or raise.
"""

import functools
import importlib
import os
import sys
import textwrap

import numpy as np
import pytest

import srcgrad
from srcgrad import NoRuleError, SrcgradSyntaxError
from srcgrad.rules import effects
from srcgrad.rules.operators import METHODS
from srcgrad.testing import assert_allclose, numeric_grad

HERE = os.path.abspath(__file__)
X = np.array([0.3, 0.7, 0.2])


# --------------------------------------------------------------- 1. modules
def module_argument(x, xp):
    return xp.sum(xp.sin(x))


def module_argument_dot(x, xp):
    return xp.dot(x, x)


def module_local_alias(x):
    m = np
    return np.sum(m.sin(x))


def module_local_alias_dot(x):
    m = np
    c = np.ones(3)
    return m.dot(x, c)


def module_argument_alias(x, xp):
    m = xp
    return m.dot(x, x)


def module_rebound_alias(x):
    m = np
    if x[0] > 0.0:
        m = NP     # bound twice: not resolved statically
    return np.sum(m.sin(x))


def constant_array_method(x):
    c = np.array([1.0, 2.0, 3.0])
    return c.dot(x)


NP = np


def module_global_alias(x):
    return NP.sum(NP.sin(x))


# --------------------------------------------------------------- 2. decorators
def twice(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 2.0 * fn(x)
    return wrapper


@twice
def decorated(x):
    return np.sum(np.sin(x))


def calls_decorated(x):
    return decorated(x) + 1.0


def forwarding(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def scaling(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 3.0 * fn(*args, **kwargs)
    return wrapper


@forwarding
def decorated_by_a_forwarder(x):
    return np.sum(np.sin(x))


@scaling
def decorated_with_varargs(x):
    return np.sum(np.sin(x))


def calls_both_decorated(x):
    return decorated_by_a_forwarder(x) + decorated_with_varargs(x)


# --------------------------------------------------------------- 3. unmodelled builtins
def dict_keywords(a):
    d = dict(a=a)
    return np.sum(d["a"])


def sum_of_comprehension(x):
    parts = [x[i] * 2.0 for i in range(3)]
    return np.sum(parts)


def sum_of_appended(x):
    parts = []
    parts.append(x[0])
    parts.append(x[1] ** 2)
    return np.sum(parts)


def r_concatenation(x):
    return np.sum(np.r_[x, x] ** 2)


def c_concatenation(x):
    return np.sum(np.c_[x, x] ** 2)


def zip_as_value(x):
    pairs = list(zip(x, x))
    return pairs[0][0] * pairs[1][1]


def enumerate_as_value(x):
    e = list(enumerate(x))
    return e[1][1] * 2.0


def einsum_sublist(x):
    return np.sum(np.einsum(x, [0], []))


def linspace_of_a_carrier(x):
    return np.sum(np.linspace(0.0, x[0], 5))


def full_like_of_a_carrier(x):
    return np.sum(np.full_like(x, x[1]))


def arange_from_a_carrier(x):
    return np.sum(np.arange(x[0], 3.0))


# --------------------------------------------------------------- 4. in place
def method_sort(x):
    y = x * 1.0
    y.sort()
    return y[0] * 3.0 + y[2]


def method_fill(x):
    y = x * 2.0
    y.fill(1.0)
    return np.sum(y * x)


def copyto(x):
    y = np.zeros(3)
    np.copyto(y, x)
    return np.sum(y * y)


def copyto_where(x):
    y = np.zeros(3)
    np.copyto(y, x, where=np.array([True, False, True]))
    return np.sum(y * y)


def put(x):
    y = x * 1.0
    np.put(y, [0], x[1])
    return np.sum(y * x)


def fill_diagonal(x):
    a = np.outer(x, x)
    np.fill_diagonal(a, 0.0)
    return np.sum(a)


def putmask(x):
    y = x * 1.0
    np.putmask(y, y > 0.5, 0.0)
    return np.sum(y * y)


def place(x):
    y = x * 1.0
    np.place(y, y > 0.5, [0.0])
    return np.sum(y * y)


def ufunc_out_keyword(x):
    y = np.zeros(3)
    np.sin(x, out=y)
    return np.sum(y)


def ufunc_out_positional(x):
    y = np.zeros(3)
    np.arctan2(x, 1.0, y)
    return np.sum(y)


def unary_out_positional(x):
    y = np.zeros(3)
    np.sin(x, y)
    return np.sum(y)


def reduction_out(x):
    y = np.zeros(3)
    np.cumsum(x, out=y)
    return np.sum(y)


def method_clip_out(x):
    y = x * 1.0
    y.clip(0.0, 0.5, out=y)
    return np.sum(y * x)


def ufunc_at_assigned(x):
    y = np.ones(3)
    o = np.add.at(y, [0, 0], x[:2])     # the value (None) is unused; the write is not
    return np.sum(y * y)


class _Recorder:
    def keep(self, v):
        self.v = v


RECORDER = _Recorder()


def unknown_method_value_unused(x):
    o = RECORDER.keep(x * 2.0)           # an unknown call: its effect is unknown too
    return np.sum(RECORDER.v * x)


def nograd_binding(x):
    with srcgrad.no_grad():
        v = x                            # binds a name: v is still x (PyTorch: the same tensor)
    return np.sum(v * x)


def take_positional_none_out(x):
    return np.sum(np.take(x, [0, 2, 2], 0, None, "clip") ** 2)   # out=None, positionally


def ufunc_at(x):
    y = x * 1.0
    np.add.at(y, [0, 0], x[1])
    return np.sum(y * y)


def list_reverse(x):
    values = [x[0], 2.0 * x[1]]
    values.reverse()
    return values[0] * 3.0


def list_sort(x):
    values = [x[0], 2.0 * x[1]]
    values.sort()
    return values[0] * 3.0


def list_insert(x):
    values = [x[0]]
    values.insert(0, 2.0 * x[1])
    return values[0] * 3.0


def list_remove(x):
    values = [x[0], x[1]]
    values.remove(values[0])
    return values[0] * 3.0


def list_clear(x):
    values = [x[0]]
    values.clear()
    values.append(x[1])
    return values[0] * 3.0


def list_pop(x):
    values = [x[0], x[1]]
    last = values.pop()
    return last * 2.0 + values[0]


def dict_update_keywords(x):
    d = {"a": x[0]}
    d.update(a=x[1] * 2.0)
    return d["a"]


def dict_update_dict(x):
    d = {"a": x[0]}
    d.update({"a": x[1] * 2.0})
    return d["a"]


# --------------------------------------------------------------- 5. aliases
def h1(u, w):
    return w


def alias_through_helper(a):
    a = a * 1.0
    v2 = a
    v3 = h1(a, a)
    v3 += a
    return np.sum(v2)


def first_element(u):
    return u[0]


def first_element_then_augmented(a):
    """The helper returns a number for a vector: nothing shares memory (a
    fuzzed program the alias check once refused)."""
    s1 = first_element(a)
    s1 += 0.5
    return s1 * np.sum(a * a)


def sin_first(u):
    return np.sin(u[0])


def element_in_a_loop_then_augmented(a):
    """``s = a[k]`` in a loop is a number (a vector's element), so the next
    iteration's ``s += ...`` updates nothing else (a fuzzed program the
    loop's alias pairs once refused)."""
    t = 0.0
    for i in range(2):
        s = sin_first(a)
        s += np.sum(a)
        if np.sum(a) > 10.0:
            s = np.dot(a, a)
        else:
            s = a[(i + 1) % 3]
        t = t + s
    return t * np.sum(a)


def first_of_reversed_then_augmented(a):
    """The same through a slice view of the argument (``a[::-1]`` keeps a
    vector's rank): a number again (the fuzzer's next program)."""
    s1 = first_element(a[::-1])
    s1 += 0.5
    return s1 * np.sum(a * a)


def first_of_reversed_row_then_augmented(a):
    """A basic slice of a matrix is a matrix: its first element is a row view."""
    m = a.reshape(1, -1)
    s1 = first_element(m[::-1])
    s1 += 0.5
    return np.sum(s1) + np.sum(m)


def row_then_augmented(a):
    """For a matrix the helper returns a view: refused."""
    m = a.reshape(1, -1)
    s1 = first_element(m)
    s1 += 0.5
    return np.sum(s1) + np.sum(m)


def item_of_argument_updated(x):
    d = {"w": x}
    d["w"] *= 2.0            # doubles x too (NumPy updates the array in place)
    return np.sum(d["w"] * x)


def item_of_local_updated(x):
    y = x * 1.0
    items = [y]
    items[0] += 1.0
    return np.sum(items[0] * y)


def item_stored_twice_updated(x):
    y = x * 1.0
    items = [y, y]
    items[0] += 1.0
    return np.sum(items[1] * x)


def view_item_updated(x):
    y = np.stack([x, x])
    rows = [y[0], y[1]]
    rows[0] += 1.0
    return np.sum(y * x)


def fresh_item_updated(x):
    d = {"w": x * 1.0}
    d["w"] *= 2.0
    return np.sum(d["w"] * x)


def stored_then_unused_item_updated(x):
    y = x * 1.0
    d = {"w": y}
    d["w"] *= 2.0
    return np.sum(d["w"] * x)


def unpacked_item_updated(x):
    ws = [x * 1.0, x * 2.0]
    a, b = ws
    a *= 3.0                 # ws[0] is that array: NumPy triples it too
    return np.sum(ws[0] * b)


def dict_item_updated_in_a_loop(x):
    ws = {"a": x * 1.0, "b": x * 2.0}
    for k, w in ws.items():
        w += 1.0
    return np.sum(ws["a"] * ws["b"])


def tuple_item_unpacked_and_updated(x):
    y = x * 1.0
    t = (y,)
    (z,) = t
    z += 1.0
    return np.sum(y * x)


def unpacked_item_rebound_then_updated(x):
    ws = [x * 1.0, x * 2.0]
    a, b = ws
    a = a * 3.0              # a new array: updating it changes nothing else
    a *= 2.0
    return np.sum(ws[0] * a * b)


def one_slot_updated_another_read(x):
    """The updated slot holds x (an argument), the other slot is read: x itself
    is not read afterwards, so the update changes nothing the function reads."""
    params = {"W": x, "b": x * 2.0}
    params["W"] -= 0.1 * x
    return np.sum(params["W"] * params["b"])


def array_item_updated_in_a_loop(a):
    """An array (np.zeros), not a container: v[k] = w copies w into it, so the
    update shares nothing (a fuzzed program the item check once refused)."""
    w = a * 0.5
    for i in range(2):
        v = np.zeros(3)
        v[0:1] = a[0:1] * 0.5
        v[i % 3] += np.sin(0.5)
        v[i % 3] = w[i % 3]
    return np.sum(w) + np.sum(v * a)


def sorts_its_argument(v):
    v.sort()


def calls_a_sorting_helper(x):
    y = x * 1.0
    sorts_its_argument(y)
    return y[0] * 3.0 + y[2]


def appends_to_its_argument(values, v):
    values.append(v * 2.0)


def calls_an_appending_helper(x):
    values = [x[0]]
    appends_to_its_argument(values, x[1])
    return values[-1] * 3.0


def writes_into_its_argument(v, out):
    np.sin(v, out=out)


def calls_a_writing_helper(x):
    y = np.zeros(3)
    writes_into_its_argument(x, y)
    return np.sum(y)


def sorts_a_constant_after_use(x):
    y = np.array([3.0, 1.0, 2.0])
    s = np.sum(x * y)
    y.sort()
    return s + np.sum(x * y)


def fills_a_constant_after_use(x):
    y = np.array([3.0, 1.0, 2.0])
    s = np.sum(x * y)
    y.fill(0.0)
    return s


def copies_into_a_constant_after_use(x):
    y = np.array([3.0, 1.0, 2.0])
    s = np.sum(x * y)
    np.copyto(y, np.zeros(3))
    return s


def writes_out_into_a_constant_after_use(x):
    y = np.array([3.0, 1.0, 2.0])
    s = np.sum(x * y)
    np.sin(y, out=y)
    return s


def changes_a_constant_in_a_loop(x):
    y = np.array([3.0, 1.0, 2.0])
    s = 0.0
    for i in range(2):
        s = s + np.sum(x * y)
        y.sort()
    return s


def clears_an_appended_list(x):
    values = []
    values.append(1.0)
    values.clear()
    return x[0] * 2.0


def helper_sorts_a_constant_after_use(x):
    y = np.array([3.0, 1.0, 2.0])
    s = np.sum(x * y)
    sorts_its_argument(y)
    return s


def helper_sorts_a_constant_before_use(x):
    y = np.array([3.0, 1.0, 2.0])
    sorts_its_argument(y)
    return np.sum(x * y)


def sets_then_fills_a_constant(x):
    y = np.zeros(3)
    y[0] = 1.0
    y.fill(2.0)
    return np.sum(x * y)


# (function, extra arguments, the words the compiler's refusal contains, or
#  None when the compiler must give the right gradient)
CASES = [
    (module_argument, (np,), None),     # a dynamic call site (compiler/transforms/dynamic.py)
    (module_argument_dot, (np,), None),     # a dynamic call site (compiler/transforms/dynamic.py)
    (module_local_alias, (), None),
    (module_local_alias_dot, (), None),
    (module_argument_alias, (np,), None),     # a dynamic call site (compiler/transforms/dynamic.py)
    (module_rebound_alias, (), None),     # a dynamic call site (compiler/transforms/dynamic.py)
    (constant_array_method, (), None),
    (module_global_alias, (), None),
    (decorated, (), None),
    (calls_decorated, (), None),
    (decorated_by_a_forwarder, (), None),
    (decorated_with_varargs, (), None),    # compiled for the call's structure (varargs.py)
    (dict_keywords, (), None),
    (sum_of_comprehension, (), None),
    (sum_of_appended, (), None),
    (r_concatenation, (), None),           # np.r_/np.c_ compile to index_r/index_c
    (c_concatenation, (), None),           # (compiler/frontend/index_tricks.py)
    (zip_as_value, (), "for-loop header"),
    (enumerate_as_value, (), "for-loop header"),
    (einsum_sublist, (), None),            # the einsum rules read both call forms
    (linspace_of_a_carrier, (), None),     # these moved from the non-differentiable
    (full_like_of_a_carrier, (), None),    # list to rules (tests/rules/test_nondiff_proven.py)
    (arange_from_a_carrier, (), None),
    (method_sort, (), "y.sort"),
    (method_fill, (), "y.fill"),
    (copyto, (), "np.copyto writes into an argument"),
    (copyto_where, (), "np.copyto writes into an argument"),
    (put, (), "np.put writes"),
    (fill_diagonal, (), "np.fill_diagonal writes"),
    (putmask, (), "np.putmask writes"),
    (place, (), "np.place writes"),
    (ufunc_out_keyword, (), r"np.sin writes into an argument \(out\)"),
    (ufunc_out_positional, (), "np.arctan2 writes into an argument .argument 3"),
    (unary_out_positional, (), "np.sin writes into an argument .argument 2"),
    (reduction_out, (), r"np.cumsum writes into an argument \(out\)"),
    (method_clip_out, (), "y.clip"),
    (ufunc_at, (), "np.add.at writes into an argument"),
    (ufunc_at_assigned, (), "np.add.at writes into an argument"),
    (unknown_method_value_unused, (), "keep changes an argument in place"),
    (nograd_binding, (), None),
    (take_positional_none_out, (), None),
    (list_reverse, (), "values.reverse"),
    (list_sort, (), "values.sort"),
    (list_insert, (), "values.insert"),
    (list_remove, (), "values.remove"),
    (list_clear, (), "values.clear"),
    (list_pop, (), "values.pop"),
    (dict_update_keywords, (), "d.update"),
    (dict_update_dict, (), "d.update"),
    (alias_through_helper, (), "shares memory with 'v2'"),
    (first_element_then_augmented, (), None),
    (item_of_argument_updated, (), "updates the array in 'd' in place, and 'x' holds"),
    (item_of_local_updated, (), "updates the array in 'items' in place, and 'y' holds"),
    (item_stored_twice_updated, (), "'y' is stored in more than one place"),
    (view_item_updated, (), "updates the array in 'rows' in place"),
    (fresh_item_updated, (), None),
    (unpacked_item_updated, (), "'a' was taken out of 'ws'"),
    (dict_item_updated_in_a_loop, (), "'w' was taken out of 'ws'"),
    (tuple_item_unpacked_and_updated, (), "'z' was taken out of 't', and NumPy updates that "
                                          "array in place, so 'y' changes too"),
    (unpacked_item_rebound_then_updated, (), None),
    (one_slot_updated_another_read, (), None),
    (array_item_updated_in_a_loop, (), None),
    (stored_then_unused_item_updated, (), None),
    (element_in_a_loop_then_augmented, (), None),
    (row_then_augmented, (), "shares memory with 'm'"),
    (first_of_reversed_then_augmented, (), None),
    (first_of_reversed_row_then_augmented, (), "shares memory with"),
    (sorts_a_constant_after_use, (), "changes 'y' in place after a computation"),
    (fills_a_constant_after_use, (), "changes 'y' in place after a computation"),
    (copies_into_a_constant_after_use, (), "changes 'y' in place after a computation"),
    (writes_out_into_a_constant_after_use, (), "changes 'y' in place after a computation"),
    (changes_a_constant_in_a_loop, (), "changes 'y' in place after a computation"),
    (clears_an_appended_list, (), "the pullback undoes those"),
    (calls_a_sorting_helper, (), "changes the argument 'v' in place"),
    (helper_sorts_a_constant_after_use, (), "changes the argument 'v' in place"),
    (helper_sorts_a_constant_before_use, (), None),
    (sets_then_fills_a_constant, (), "the pullback undoes those"),
    (calls_an_appending_helper, (), "changes the argument 'values' in place"),
    (calls_a_writing_helper, (), "changes the argument 'out' in place"),
]



def _fd(fn, extra):
    return numeric_grad(lambda x: fn(x.copy(), *extra), (X,), 0)


def _line_of(fn, err):
    """The line an error names, for a refusal raised as SrcgradSyntaxError or
    NoRuleError (whose message starts with file:line)."""
    if isinstance(err, SrcgradSyntaxError):
        return err.filename, err.lineno
    head = str(err).split(": ", 1)[0]
    path, _, line = head.rpartition(":")
    return path, int(line)


@pytest.mark.parametrize("fn,extra,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_compile_is_right_or_refuses_at_the_line(fn, extra, words):
    want = _fd(fn, extra)
    if words is None:
        got = srcgrad.grad(fn, mode="compile")(X.copy(), *extra)
        assert_allclose(got, want)
        return
    with pytest.raises((SrcgradSyntaxError, NoRuleError), match=words) as info:
        srcgrad.grad(fn, mode="compile")(X.copy(), *extra)
    path, line = _line_of(fn, info.value)
    code = fn.__code__
    assert path == HERE
    assert code.co_firstlineno < line <= code.co_firstlineno + 8
    assert "hint:" in str(info.value) or "defvjp" in str(info.value)  # says what to do


@pytest.mark.parametrize("fn,extra,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_auto_is_right_or_loud(fn, extra, words):
    want = _fd(fn, extra)
    try:
        got = srcgrad.grad(fn, mode="auto")(X.copy(), *extra)
    except Exception as err:  # loud: the tape refused
        assert words is not None, "auto failed where the compiler is right: %r" % err
        return
    assert_allclose(got, want)


def test_constant_arrays_may_still_be_changed_in_place():
    """In-place calls on values that do not depend on the arguments are left
    alone: the closed world only guards gradient-carrying values."""
    def f(x):
        y = np.zeros(3)
        y.fill(2.0)
        np.copyto(y, np.ones(3), where=np.array([True, False, False]))
        return np.sum(y * x)
    got = srcgrad.grad(f, mode="compile")(X.copy())
    assert_allclose(got, [1.0, 2.0, 2.0])


def test_unused_unknown_value_is_not_refused():
    """A value computed by an unknown function that never reaches the result
    (a loop over sorted keys used as indices) does not block compilation."""
    def f(params):
        s = 0.0
        for k in sorted(params):
            s = s + np.sum(params[k] ** 2)
        return s
    p = {"b": np.array([1.0, 2.0]), "a": np.array([3.0])}
    g = srcgrad.grad(f, mode="compile")(p)
    assert_allclose(g["a"], [6.0])
    assert_allclose(g["b"], [2.0, 4.0])


def test_remove_of_an_element_is_a_clear_refusal_not_an_index_error():
    with pytest.raises(SrcgradSyntaxError, match="remove"):
        srcgrad.grad(list_remove, mode="compile")(X.copy())


def test_decorated_helper_keeps_the_wrappers_arithmetic():
    """The wrapper's ``2.0 *`` is differentiated, not only the wrapped body."""
    g = srcgrad.grad(calls_decorated, mode="compile")(X.copy())
    assert_allclose(g, 2.0 * np.cos(X))
    assert "2.0" in srcgrad.source(decorated)


def test_method_table_holds_no_in_place_method():
    """METHODS maps methods to the pure functions that compute their value: no
    method that changes its receiver (``sort``, ``fill``...) may be in it."""
    assert not set(METHODS) & effects.INPLACE_METHODS


def test_effect_table():
    assert effects.call_effect(np.sin, 1, ()).kind == "pure"
    assert effects.call_effect(np.sin, 2, ()).written == (1,)
    assert effects.call_effect(np.arctan2, 3, ()).written == (2,)
    assert effects.call_effect(np.cumsum, 1, ("out",)).written == ("out",)
    assert effects.call_effect(np.cumsum, 4, ()).written == (3,)
    assert effects.call_effect(np.sum, 1, ("axis",)).kind == "pure"
    assert effects.call_effect(np.copyto, 2, ("where",)).written == (0,)
    assert effects.call_effect(np.add.at, 3, ()).written == (0,)
    assert effects.method_effect("clip", ("out",)).written == ("out",)
    assert effects.method_effect("reverse", ()).written == ("self",)


# --------------------------------------------------------------- 6. stale source
STALE_V1 = '''
import numpy as np


def f(x):
    return np.sum(x * x)
'''

STALE_V2 = '''
import numpy as np


def f(x):
    return np.sum(x * x * x)
'''


@pytest.fixture
def stale_module(tmp_path):
    name = "_srcgrad_stale_%d" % os.getpid()
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(STALE_V1))
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(name)
        path.write_text(textwrap.dedent(STALE_V2))   # edited after import
        os.utime(path, (1e9, 2e9))
        yield module
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
        path.unlink()


def test_source_edited_after_import_is_refused(stale_module):
    f = stale_module.f
    with pytest.raises(NoRuleError, match="changed since it was imported"):
        srcgrad.grad(f, mode="compile")(X.copy())


def test_source_edited_after_import_falls_back_to_the_tape(stale_module):
    f = stale_module.f
    assert srcgrad.explain(f, X.copy()).engine == "tape"
    got = srcgrad.grad(f, mode="auto")(X.copy())
    assert_allclose(got, 2.0 * X)    # the code that runs: x * x


def test_unchanged_source_still_compiles(tmp_path):
    name = "_srcgrad_fresh_%d" % os.getpid()
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(STALE_V1))
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(name)
        got = srcgrad.grad(module.f, mode="compile")(X.copy())
        assert_allclose(got, 2.0 * X)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_explain_names_the_refused_line():
    info = srcgrad.explain(method_sort, X.copy())
    assert info.engine == "tape"
    assert "%s:%d" % (HERE, method_sort.__code__.co_firstlineno + 2) in info.reason
    assert "y.sort" in info.reason


# --------------------------------------------------------------- a sweep of ndarray methods
def _array_methods():
    a = np.ones(2)
    out = []
    for name in dir(np.ndarray):
        if name.startswith("_"):
            continue
        try:
            if callable(getattr(a, name)):
                out.append(name)
        except Exception:   # e.g. .mT on a vector
            continue
    return out


@pytest.fixture(scope="module")
def method_module(tmp_path_factory):
    """A module with, for every ndarray method ``m``, a function calling
    ``y.m()`` as a statement (``s_m``) and one using its value (``v_m``)."""
    lines = ["import numpy as np", ""]
    for name in _array_methods():
        lines += ["def s_%s(x):" % name, "    y = x * 1.0", "    y.%s()" % name,
                  "    return np.sum(y * x)", "",
                  "def v_%s(x):" % name, "    y = x * 1.0", "    r = y.%s()" % name,
                  "    return np.sum(r * x)", ""]
    path = tmp_path_factory.mktemp("sweep") / "_srcgrad_method_sweep.py"
    path.write_text("\n".join(lines))
    sys.path.insert(0, str(path.parent))
    try:
        yield importlib.import_module("_srcgrad_method_sweep")
    finally:
        sys.path.remove(str(path.parent))
        sys.modules.pop("_srcgrad_method_sweep", None)


def test_every_array_method_on_a_gradient_carrier_is_right_or_loud(method_module):
    """Each ndarray method, called on a value that depends on the argument (as
    a statement, and for its value): the compiled gradient matches finite
    differences, or the compiler refuses.  Never a wrong number."""
    x = np.array([0.3, 0.7, 0.2, 0.45])
    counts = {"right": 0, "loud": 0}
    wrong = []
    for name in sorted(vars(method_module)):
        if not name.startswith(("s_", "v_")):
            continue
        fn = getattr(method_module, name)
        try:
            with np.errstate(all="ignore"):
                want = numeric_grad(lambda v: fn(v.copy()), (x,), 0)
        except Exception:
            continue   # not a computation on a vector (y.tofile(), y.view(...)...)
        if not np.all(np.isfinite(want)):
            continue
        try:
            got = srcgrad.grad(fn, mode="compile")(x.copy())
        except (SrcgradSyntaxError, NoRuleError):
            counts["loud"] += 1
            continue
        if np.allclose(got, want, atol=1e-4):
            counts["right"] += 1
        else:
            wrong.append((name, got, want))
    assert not wrong
    assert counts["right"] >= 20 and counts["loud"] >= 20, counts   # the sweep ran


def test_a_wrapper_that_computes_is_kept_a_forwarder_is_seen_through():
    """A ``functools.wraps`` wrapper that only forwards is compiled as the
    function it wraps; one that computes (``3.0 * fn(...)``) is compiled from
    its own source, for the structure of the call (its ``*args``: one array),
    and calls the function it wraps as a compiled helper."""
    for mode in ("compile", "auto", "tape"):
        got = srcgrad.grad(calls_both_decorated, mode=mode)(X.copy())
        assert_allclose(got, 4.0 * np.cos(X))
    assert_allclose(_fd(calls_both_decorated, ()), 4.0 * np.cos(X))
    assert srcgrad.explain(calls_both_decorated, X.copy()).engine == "compiler"
    assert not srcgrad.explain(calls_both_decorated, X.copy()).tape_calls


def nograd_binding_and_computation(x):
    with srcgrad.no_grad():
        v = x               # a binding: still x
        c = x * 2.0         # a computation: a constant
    return np.sum(v * x + c * x)


@pytest.mark.parametrize("mode", ["compile", "tape", "auto"])
def test_nograd_binding_matches_pytorch(mode):
    """Finite differences do not know no_grad: PyTorch is the oracle here."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(X, requires_grad=True)
    with torch.no_grad():
        v = t
        c = t * 2.0
    (v * t + c * t).sum().backward()
    got = srcgrad.grad(nograd_binding_and_computation, mode=mode)(X.copy())
    assert_allclose(got, t.grad.numpy())


# -- a module global the compiled code calls, rebound after compiling -------------------
# (the forward sweep read the global live, the adjoint used the rule picked at compile
# time: tanh's derivative at sin's values, silently)

ACT_REBOUND = np.tanh


def _calls_a_rebindable_global(x):
    return np.sum(ACT_REBOUND(x) ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_rebinding_a_called_global_recompiles(mode):
    global ACT_REBOUND
    x = np.array([0.3, -0.5])
    g = srcgrad.grad(_calls_a_rebindable_global, mode=mode)
    try:
        ACT_REBOUND = np.tanh
        assert_allclose(g(x), numeric_grad(_calls_a_rebindable_global, (x,), 0))
        ACT_REBOUND = np.sin
        assert_allclose(g(x), numeric_grad(_calls_a_rebindable_global, (x,), 0))
        _, pull = srcgrad.vjp(_calls_a_rebindable_global, x, mode=mode)
        ACT_REBOUND = np.cos
        _, pull = srcgrad.vjp(_calls_a_rebindable_global, x, mode=mode)
        assert_allclose(pull(1.0)[0], numeric_grad(_calls_a_rebindable_global, (x,), 0))
    finally:
        ACT_REBOUND = np.tanh


def _grad_follows(f, mutate, restore, mode):
    """grad(f) right before and after ``mutate()`` (checked against central
    differences each time), and vjp(f) after it."""
    x = np.array([0.3, -0.5])
    g = srcgrad.grad(f, mode=mode)
    try:
        assert_allclose(g(x), numeric_grad(f, (x,), 0))
        mutate()
        assert_allclose(g(x), numeric_grad(f, (x,), 0))
        _, pull = srcgrad.vjp(f, x, mode=mode)
        assert_allclose(pull(1.0)[0], numeric_grad(f, (x,), 0))
    finally:
        restore()


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_rebinding_a_user_modules_function_recompiles(tmp_path, mode):
    (tmp_path / "acts_rebound.py").write_text("import numpy as np\nact = np.tanh\n")
    sys.path.insert(0, str(tmp_path))
    try:
        acts = importlib.import_module("acts_rebound")
    finally:
        sys.path.pop(0)
    sys.modules.pop("acts_rebound", None)

    def f(x):
        return np.sum(acts.act(x) ** 2)
    _grad_follows(f, lambda: setattr(acts, "act", np.sin),
                  lambda: setattr(acts, "act", np.tanh), mode)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_rebinding_a_closure_variable_recompiles(mode):
    act = np.tanh

    def f(x):
        return np.sum(act(x) ** 2)

    def rebind(value):
        nonlocal act
        act = value
    _grad_follows(f, lambda: rebind(np.sin), lambda: rebind(np.tanh), mode)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_a_helper_given_new_code_recompiles(mode):
    """What IPython's autoreload does to an edited function."""
    def helper(v):
        return np.tanh(v)

    def f(x):
        return np.sum(helper(x) ** 2)
    old = helper.__code__

    def edit():
        def edited(v):
            return np.sin(v) * 2.0
        helper.__code__ = edited.__code__
    _grad_follows(f, edit, lambda: setattr(helper, "__code__", old), mode)


def test_a_name_rebound_again_on_the_second_run_is_a_clear_error():
    """``global`` is refused, but code srcgrad does not compile (a tape
    fallback) could rebind a name while the function runs: after one
    recompile, the second rebinding is an error, not a loop."""
    from srcgrad import api, runtime

    class Engine:
        def fn(self, *args):
            runtime.unchanged(np.sin, (np.tanh, None), "ACT")
    with pytest.raises(RuntimeError, match="'ACT' was rebound.*mode=\"tape\""):
        api._rerun(runtime.Rebound("'ACT' was rebound after ..."), Engine, ())


POWER_OF = functools.partial(np.power, 2.0)


def _calls_a_global_partial(x):
    return np.sum(POWER_OF(x))


def test_rebinding_a_global_partial_of_a_ufunc_in_auto_mode():
    """The partial runs on the tape inside compiled code (the bridge passes
    its arguments by position, keyword-only defaults left out: a ufunc
    refuses dtype=None beside signature=None)."""
    global POWER_OF
    try:
        _grad_follows(_calls_a_global_partial,
                      lambda: globals().__setitem__("POWER_OF", functools.partial(np.power, 3.0)),
                      lambda: globals().__setitem__("POWER_OF", functools.partial(np.power, 2.0)),
                      "auto")
    finally:
        POWER_OF = functools.partial(np.power, 2.0)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_a_helper_given_new_defaults_recompiles(mode):
    def helper(v, act=np.tanh):
        return act(v)

    def f(x):
        return np.sum(helper(x) ** 2)
    _grad_follows(f, lambda: setattr(helper, "__defaults__", (np.sin,)),
                  lambda: setattr(helper, "__defaults__", (np.tanh,)), mode)


# ------------------------------------------------------------------ wrapped callables
class _Tripled:
    """A class-based decorator (functools.update_wrapper sets __wrapped__): what
    runs is its __call__, three times the wrapped function."""

    def __init__(self, fn):
        self.fn = fn
        functools.update_wrapper(self, fn)

    def __call__(self, x):
        return 3.0 * self.fn(x)


@_Tripled
def _tripled_sine(x):
    return np.sin(x)


@pytest.mark.parametrize("mode", ["compile", "auto", "tape"])
def test_an_object_wrapping_a_function_is_differentiated_through_its_call(mode):
    """The compiler once read the wrapped function's source (inspect.unwrap) and
    gave cos(x) where the answer is 3 cos(x), silently, in compile and auto."""
    got = srcgrad.grad(_tripled_sine, mode=mode)(0.3)
    assert np.isclose(got, 3.0 * np.cos(0.3), rtol=1e-12)


class _Model:
    def __init__(self, w):
        self.w = w

    def energy(self, x, y):
        return np.sum(self.w * np.sin(x) * y)

    def __call__(self, x):
        return np.sum(self.w * x ** 2)


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_a_bound_method_and_a_callable_object_compile_at_the_top(mode):
    m = _Model(np.array([1.0, 2.0, 3.0]))
    x, y = np.array([0.1, 0.2, 0.3]), np.array([2.0, -1.0, 0.5])
    gx, gy = srcgrad.grad(m.energy, wrt=(0, 1), mode=mode)(x, y)
    np.testing.assert_allclose(gx, m.w * np.cos(x) * y, rtol=1e-12)
    np.testing.assert_allclose(gy, m.w * np.sin(x), rtol=1e-12)
    np.testing.assert_allclose(srcgrad.grad(m, mode=mode)(x), 2 * m.w * x, rtol=1e-12)
    assert "def energy_vjp(self, x, y)" in srcgrad.source(srcgrad.grad(m.energy, mode=mode))
    m.w = np.array([0.0, 1.0, 0.0])   # attributes are read when the gradient runs
    np.testing.assert_allclose(srcgrad.grad(m, mode=mode)(x), 2 * m.w * x, rtol=1e-12)
