"""Forward mode (compiler/forward.py): every corpus function with float inputs,
``compile_jvp(...).fn`` against central finite differences of the function along
a random direction (``srcgrad.testing.numeric_jvp``), the value equal to the
function's; the cases forward mode refuses are listed in ``REFUSED`` with the
reason, and checked to be refused with the user's file named."""

import copy
import inspect
import os

import numpy as np
import pytest

from srcgrad.compiler.pipeline import compile_jvp
from srcgrad.compiler.varargs import flatten, has_varargs
from srcgrad.errors import NoRuleError, SrcgradSyntaxError
from srcgrad.runtime import object_fields
from srcgrad.testing import assert_allclose, numeric_jvp, random_tangent

from corpus import all_cases
from test_corpus import check_equal_trees

CASES = all_cases()

#: corpus functions forward mode refuses, with why (a substring of the refusal)
_TRY = "forward mode does not support a try statement that computes a value"
REFUSED = {name: _TRY for name in (
    "exceptions.gp_cholesky_jitter", "exceptions.partial_body_then_handler",
    "exceptions.several_statements_and_else", "exceptions.try_in_a_loop",
    "exceptions.nested_fallbacks", "exceptions.errstate_raise_and_catch",
    "exceptions.caller_of_raising_helper")}

#: known failures outside the transform (strict: they must flip when fixed)
XFAIL = {
    "containers.dict_views_copied": (TypeError, "sg-jvprules: the JVP of d.items() is "
                                     "derived by transposing dict_items_vjp, which fails"),
    "higher_order.sorted_by_itemgetter": (TypeError, "sg-jvprules: the JVP of d.items() "
                                          "is derived by transposition, which fails"),
    "linalg.orthonormal_projector": (ValueError, "rules: np.linalg.qr(a, mode='complete') "
                                     "of a tall matrix is refused by its rule (Q's extra "
                                     "columns are not determined by a)"),
}


def kinds_of(args):
    """The kinds ``api.GradFunction`` specialises on."""
    out = []
    for a in args:
        if type(a) is np.ndarray:
            out.append(("a",) + a.shape)
        elif type(a) in (float, int, complex, np.float64):
            out.append("f")
        else:
            out.append(None)
    return tuple(out)


def _floaty(x):
    """Whether ``x`` has float (or complex) leaves to differentiate."""
    if isinstance(x, (float, complex)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    if isinstance(x, dict):
        return any(_floaty(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(_floaty(v) for v in x)
    fields = object_fields(x)
    return fields is not None and any(_floaty(v) for v in fields.values())


def _params():
    out = []
    for case in CASES:
        for k, args in enumerate(case.inputs):
            if not all(_floaty(args[i]) for i in case.wrt):
                continue
            marks = []
            reason = case.reason(k)
            if case.name in XFAIL:
                raises, why = XFAIL[case.name]
                marks = [pytest.mark.xfail(raises=raises, reason=why, strict=True)]
            elif reason and reason.startswith("compiler:"):   # reverse mode's known bug
                marks = [pytest.mark.xfail(reason=reason, strict=False)]
            out.append(pytest.param(case, k, id="%s[input %d]" % (case.name, k),
                                    marks=marks))
    return out


PARAMS = _params()


def full_args(fn, args):
    """``args`` with the defaults of the parameters they leave out: the JVP
    takes every positional parameter."""
    bound = inspect.signature(fn).bind(*args)
    bound.apply_defaults()
    return tuple(bound.args)


def _caller(fn):
    """``fn`` as a function of its flat argument list."""
    if not has_varargs(fn):
        return fn
    return lambda *flat: fn(*flat)   # the corpus's varargs cases spread positionally


def _run(case, k, seed=0):
    spread = None
    if has_varargs(case.fn):   # compiled for the call's flat argument list (varargs.py)
        args, spread = flatten(case.fn, copy.deepcopy(case.inputs[k]), {})
        args = tuple(args)
    else:
        args = full_args(case.fn, copy.deepcopy(case.inputs[k]))
    rng = np.random.default_rng(seed)
    tangents = [random_tangent(args[i], rng) for i in case.wrt]
    jvp = compile_jvp(case.fn, case.wrt, numeric=kinds_of(args), mode="compile",
                      spread=spread)
    before = copy.deepcopy((args, tangents))
    value, tangent = jvp.fn(*args, *tangents)
    return args, tangents, before, value, tangent


@pytest.mark.parametrize("case,k", PARAMS)
def test_jvp_matches_finite_differences(case, k):
    refused = REFUSED.get(case.name)
    if refused is not None:
        with pytest.raises((SrcgradSyntaxError, NoRuleError)) as err:
            _run(case, k)
        text = str(err.value)
        assert refused in text, text
        assert os.path.basename(case.fn.__code__.co_filename) in text
        return
    args, tangents, before, value, tangent = _run(case, k)
    # nothing passed in is changed
    check_equal_trees(list(args), list(before[0]))
    check_equal_trees(list(tangents), list(before[1]))
    want_value = _caller(case.fn)(*copy.deepcopy(before[0]))
    assert_allclose(value, want_value, rtol=1e-12, atol=1e-12)
    want = numeric_jvp(_caller(case.fn), before[0], case.wrt, before[1])
    assert np.shape(tangent) == np.shape(want_value)
    assert_allclose(tangent, want, rtol=max(case.rtol, 1e-5), atol=max(case.atol, 1e-6))
