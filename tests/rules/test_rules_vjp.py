"""Every rule against central finite differences, driven by the spec table;
and the table against the registry."""

import ast
import builtins
import inspect
import math
import textwrap

import numpy as np
import pytest

import srcgrad.rules as rules
from srcgrad import runtime
from srcgrad.rules import lookup, registered, is_nondiff, has_rule, NoRuleError, NO_RULE
from srcgrad.rules import contractions, selection

from rules_checker import check_rule, C
from rules_spec import ROWS, NONDIFF, cases, make_args, qualname
from test_rules_doc import _generator

CASES = cases()


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("name,row,case,seed", CASES, ids=[c[0] for c in CASES])
def test_rule_matches_finite_differences(name, row, case, seed):
    args = make_args(row, case, seed)
    check_rule(row.fn, args, row.kw, seed=seed, **row.opts)


# ---------------------------------------------------------------- the table


def library_rows():
    """Registered ``(fn, prim)`` that ship with srcgrad (tests and doctests
    register throwaway primitives of their own)."""
    return _generator().library_rows()


def test_every_registered_rule_has_a_spec_row():
    covered = {id(r.fn) for r in ROWS}
    missing = sorted(qualname(fn) for fn, prim in library_rows()
                     if prim is not None and id(fn) not in covered)
    assert not missing, "registered primitives without a spec row: %s" % ", ".join(missing)


def test_every_argument_with_a_rule_is_exercised():
    """Each position that has a rule is differentiated in at least one case."""
    seen = {}
    for row in ROWS:
        for case in row.cases:
            for i, spec in enumerate(case):
                if not isinstance(spec, C):
                    seen.setdefault(id(row.fn), set()).add(i)
    gaps = []
    for fn, prim in library_rows():
        if prim is None:
            continue
        for i, rule in enumerate(prim.vjps):
            if rule not in (None, NO_RULE) and i not in seen.get(id(fn), ()) and \
                    not rule.__name__.endswith(("_more", "_refused")) and \
                    not (fn is np.einsum and i > 2) and \
                    not (fn is np.pad and i == 3) and not (fn is np.clip and i > 3) and \
                    not (fn in (builtins.max, builtins.min, math.hypot) and i > 0):
                gaps.append("%s arg %d" % (qualname(fn), i))
    assert not gaps, "rules never checked: %s" % ", ".join(gaps)


def test_nondiff_list_matches_registry():
    listed = {id(f) for f in NONDIFF}
    unlisted = sorted(qualname(fn) for fn, prim in library_rows()
                      if prim is None and id(fn) not in listed)
    assert not unlisted, "non-differentiable callables missing from the spec: %s" % unlisted
    wrong = [qualname(f) for f in NONDIFF if not is_nondiff(f) or has_rule(f)]
    assert not wrong, "listed as non-differentiable but not registered so: %s" % wrong


@pytest.mark.parametrize("fn", NONDIFF, ids=[qualname(f) for f in NONDIFF])
def test_nondiff_contract(fn):
    assert is_nondiff(fn) and not has_rule(fn)
    with pytest.raises(NoRuleError):
        lookup(fn)


# ------------------------------------------------------- rules' structure

MY_MODULES = ("srcgrad.rules.ufuncs", "srcgrad.rules.reductions", "srcgrad.rules.linalg",
              "srcgrad.rules.shape", "srcgrad.rules.scalars", "srcgrad.rules.creation")
PRIMS = [p for _, p in library_rows() if p is not None]


@pytest.mark.parametrize("prim", PRIMS, ids=[qualname(p.fn) for p in PRIMS])
def test_rules_are_named_top_level_defs_sharing_one_signature(prim):
    sigs = set()
    for rule in prim.vjps:
        if rule is None or rule is NO_RULE:
            continue
        assert rule.__name__ != "<lambda>"
        assert getattr(inspect.getmodule(rule), rule.__name__) is rule, \
            "%s is not a top-level def" % rule.__name__
        params = list(inspect.signature(rule).parameters)
        assert params[:2] == ["g", "ans"], rule.__name__
        sigs.add(tuple(params))
    assert len(sigs) == 1, "rules of %s differ in parameters: %s" % (prim.name, sigs)


#: the shared cotangent formulas (rules/contractions.py, rules/selection.py) are
#: rules' helpers, called by name like the runtime's
_ALLOWED = {"np", "math", "runtime"} | set(dir(builtins)) | set(contractions.__all__) | \
    set(selection.__all__)


def _single_expression(rule):
    node = ast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    body = [s for s in node.body if not (isinstance(s, ast.Expr)
                                         and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return node, body[0].value
    return node, None


MINE = [r for p in PRIMS for r in p.vjps
        if r not in (None, NO_RULE) and r.__module__ in MY_MODULES]
MINE = list({id(r): r for r in MINE}.values())


@pytest.mark.parametrize("rule", MINE, ids=[r.__module__.rsplit(".", 1)[1] + "." + r.__name__
                                            for r in MINE])
def test_rules_are_pure_and_inlinable(rule):
    """Single-expression rules read only np, math, runtime, builtins, the
    shared formulas and their parameters; no rule rebinds a parameter."""
    node, expr = _single_expression(rule)
    params = {a.arg for a in node.args.args + node.args.kwonlyargs}
    if node.args.vararg:
        params.add(node.args.vararg.arg)
    stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
              and isinstance(n.ctx, ast.Store)}
    assert not (stored & params), "%s rebinds %s" % (rule.__name__, stored & params)
    if expr is not None:
        loads = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} - stored
        assert loads <= _ALLOWED | params, "%s reads %s" % (rule.__name__,
                                                            loads - _ALLOWED - params)


# ------------------------------------------------------------ conventions


def test_keywords_bind_to_positions():
    prim = lookup(np.clip)
    x = np.ones(2)
    bound = prim.bind((x,), {"a_min": 0.0, "a_max": 2.0})
    assert bound[0] is x and bound[1] == 0.0 and bound[2] == 2.0
    assert lookup(np.sum).argnames[:2] == ("a", "axis")
    assert lookup(np.einsum).varargs and lookup(np.einsum).argnames == ("subscripts",)


def test_max_ties_share_the_cotangent():
    x = np.array([1.0, 3.0, 3.0])
    ct = lookup(np.max).vjps[0](1.0, np.max(x), x)
    assert ct.tolist() == [0.0, 0.5, 0.5]
    ct = lookup(np.maximum).vjps[0](np.ones(2), None, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    assert ct.tolist() == [0.5, 1.0]
    assert lookup(builtins.max).vjps[1](1.0, 2.0, 2.0, 2.0) == 0.5


def test_integer_inputs_get_float_gradients():
    x = np.arange(4)
    for fn in (np.sum, np.prod, np.cumsum):
        ct = lookup(fn).vjps[0](np.ones(np.shape(fn(x))), fn(x), x)
        assert np.asarray(ct).dtype.kind == "f", fn
    ct = lookup(np.power).vjps[0](np.ones(4), x ** 2, x, 2)
    assert ct.dtype.kind == "f" and ct.tolist() == [0.0, 2.0, 4.0, 6.0]
    ct = lookup(np.power).vjps[0](np.ones(2), None, np.array([2, 3]), np.array([-1, 0]))
    assert ct.tolist() == [-0.25, 0.0]


def test_rules_do_not_mutate_inputs():
    x = np.array([[3.0, 1.0], [2.0, 5.0]])
    g = np.ones(2)
    keep = x.copy(), g.copy()
    lookup(np.sort).vjps[0](g, np.sort(x, 0)[0], x[0])
    lookup(np.linalg.norm).vjps[0](g, np.linalg.norm(x, axis=1), x, None, 1)
    lookup(np.prod).vjps[0](g, np.prod(x, 0), x, 0)
    assert np.array_equal(x, keep[0]) and np.array_equal(g, keep[1])


def test_prod_with_zeros_is_exact():
    x = np.array([2.0, 0.0, 3.0])
    assert lookup(np.prod).vjps[0](1.0, 0.0, x).tolist() == [0.0, 6.0, 0.0]


def test_getitem_repeated_indices_accumulate():
    import operator
    x = np.zeros(3)
    ct = lookup(operator.getitem).vjps[0](np.ones(4), None, x, [0, 2, 2, 2])
    assert ct.tolist() == [1.0, 0.0, 3.0]


def test_scalar_rules_return_floats():
    for fn, x in ((math.sin, 0.3), (math.log, 2.0), (math.sqrt, 4.0)):
        ct = lookup(fn).vjps[0](1.0, fn(x), x)
        assert isinstance(ct, float), fn
    assert isinstance(runtime.to_kind(lookup(np.sin).vjps[0](1.0, 0.0, 0.5), 0.5), float)
