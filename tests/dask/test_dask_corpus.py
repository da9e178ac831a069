"""The compiler corpus (tests/compiler/corpus) on Dask arrays.

For each case, its first input that has a float array argument runs with every
float array argument made a chunked Dask array (two chunks per axis),
``mode="compile"``.  The gradients, once computed, equal NumPy's (which
tests/compiler/test_corpus.py checks against finite differences), leaf by
leaf.  The cases in :data:`LAZY` build their gradients without computing
anything (a counting scheduler says so); the others compute where the user's
own code needs a value (``if np.sum(x) > 0``, ``float(x)``, ``sorted(...,
key=...)``) or where a NumPy function has no Dask implementation (Dask
computes it, with a warning of its own).  Where Dask cannot run a function
(an FFT along a chunked axis, ``lstsq(rcond=)``) or srcgrad refuses one (an
assignment into a Dask array: docs/scaling.md), the error is loud: never a
wrong gradient, never an internal KeyError/AttributeError.
"""

import os
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is an optional extra: pip install 'srcgrad[dask]'")

import dask  # noqa: E402
import dask.array as da  # noqa: E402

import srcgrad  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "compiler"))
from corpus import all_cases  # noqa: E402
from daskcheck import assert_same_gradients, counting, to_dask  # noqa: E402

#: the cases whose gradient is built without computing anything (a sweep of all the
#: cases with a counting scheduler finds them: 179, the rules of max/min/norm, var/std
#: and the scatter-add of x[idx] included)
LAZY = frozenset([
    "argument_updates.branch_rebinding", "argument_updates.list_argument",
    "branches.activation", "branches.branch_in_elif_nested_array", "branches.branch_on_flag",
    "branches.branch_on_ndim", "branches.optional_weights", "calls.closure_over_local",
    "calls.from_import_helper", "calls.global_tuple_constant", "calls.lambda_helper",
    "calls.module_array_constant", "calls.module_function_and_constant",
    "calls.tuple_returning_helper", "classes.attribute_float", "classes.bound_method_as_value",
    "classes.closure_layer", "classes.dataclass_params", "classes.frozen_dataclass_params",
    "classes.global_layer_call", "classes.global_layer_method", "classes.layer_argument",
    "classes.layer_called", "classes.mlp_loss", "classes.namedtuple_params",
    "classes.nested_objects", "classes.static_and_class_methods",
    "closures.closure_called_twice", "closures.closure_of_closures",
    "closures.closures_in_a_list", "closures.lambda_reading_locals",
    "closures.nested_def_as_value", "complex_numbers.fourier_features",
    "containers.array_from_list_in_loop", "containers.concatenate_in_loop",
    "containers.concatenate_pieces", "containers.dict_comprehension_update",
    "containers.dict_constant_keys", "containers.dict_constructor_forms",
    "containers.dict_items_loop", "containers.dict_update_in_loop",
    "containers.dict_views_copied", "containers.enumerate_loop",
    "containers.enumerate_with_start", "containers.enumerate_zip", "containers.generator_sum",
    "containers.generator_sum_with_start", "containers.iterate_list_argument",
    "containers.iterate_over_tuple", "containers.list_comprehension",
    "containers.list_concatenation", "containers.list_copy_constructor",
    "containers.list_extend", "containers.list_extend_and_iadd", "containers.list_literal",
    "containers.list_negative_index_and_len", "containers.list_of_generator_stacked",
    "containers.list_slice", "containers.nested_list_comprehension",
    "containers.reversed_list", "containers.stack_appended_rows",
    "containers.stack_comprehension", "containers.tuple_of_generator",
    "containers.tuple_pack_unpack", "containers.zip_loop",
    "exceptions.errstate_raise_and_catch", "exceptions.try_finally",
    "exceptions.with_errstate_and_warnings", "exceptions.with_in_loop",
    "exceptions.with_nullcontext", "exceptions.with_user_timer",
    "first_class.activation_by_name", "first_class.activation_dict_argument",
    "first_class.callable_by_branch", "first_class.callee_as_argument",
    "first_class.default_nonlinearity", "first_class.helper_takes_function",
    "first_class.partial_argument", "first_class.passed_nonlinearity",
    "first_class.pipeline_of_functions", "generators.comprehension_consumer",
    "generators.enumerate_consumer", "generators.for_loop_consumer",
    "generators.generator_in_helper", "generators.minibatch_training_loss",
    "generators.nested_generator", "generators.pipeline_features", "generators.zip_consumer",
    "higher_order.chain_of_matmuls", "higher_order.helper_with_hofs",
    "higher_order.map_partial_layer", "higher_order.map_two_lists",
    "higher_order.mlp_as_reduce", "higher_order.named_lambda_map",
    "higher_order.partial_layer", "higher_order.partial_of_partial",
    "higher_order.partial_power_inline", "higher_order.recurrent_reduce",
    "higher_order.reduce_dot", "higher_order.sorted_in_loop",
    "higher_order.sum_of_mapped_sums", "higher_order.weight_decay", "loops.babylonian_sqrt",
    "loops.exponential_moving_average", "loops.index_weighted_squares",
    "loops.iterate_tanh_layer", "loops.loop_over_columns", "loops.loop_rebinds_argument",
    "loops.negative_step_range", "loops.nested_index_loops", "loops.nested_loop_carried",
    "loops.power_iteration", "loops.product_of_elements", "loops.reversed_range_horner",
    "loops.strided_pairs", "loops.sum_of_row_norms", "loops.triangular_pairs",
    "loops.valid_convolution", "models.attention_loop", "models.batchnorm_mlp",
    "models.gru_like", "models.heat_equation_explicit", "models.horner",
    "models.horner_reversed", "models.kalman_1d", "models.logistic_regression",
    "models.minibatch_loss", "models.mlp_loss", "models.rnn_loss",
    "models.softmax_cross_entropy", "models.unrolled_gradient_descent",
    "mutation.augmented_arrays", "mutation.dict_built_by_key", "mutation.matmul_assign",
    "mutation.matmul_assign_name", "mutation.mutates_argument_inplace_op", "recursion.descend",
    "recursion.even_odd_loss", "recursion.halving_sum", "recursion.horner_loss",
    "recursion.nary_tree_loss", "recursion.tree_loss", "scipy_programs.bessel_mix",
    "scipy_programs.gamma_cdf_loss", "scipy_programs.von_mises_loglik",
    "signal_numpy.wrapped_phase", "trees.dict_with_float_leaf", "trees.inner_sgd_on_dict_copy",
    "trees.layers_as_tuples", "trees.linear_dict_loss", "trees.list_index_params",
    "trees.list_of_dicts", "trees.list_of_matrices", "trees.list_of_tuples",
    "trees.namedtuple_list", "trees.namedtuple_params", "trees.nested_dict_mlp",
    "trees.tuple_of_array_and_dict", "trees.tuple_params", "trees.two_trees",
    "trees.unused_leaf", "varargs.calls_weighted", "varargs.concat_and_multiply",
    "varargs.constant_varargs_calls", "varargs.first_and_rest", "varargs.forwards_the_rest",
    "varargs.helper_called_with_counts", "varargs.noise_scaled_by_parameter",
    "varargs.objective_with_hyper", "varargs.squared_loss", "varargs.stack_of_spliced_lists",
    "varargs.star_call_of_a_built_list", "varargs.star_into_varargs_helper",
    "varargs.star_parameter_list", "varargs.starred_literal_targets", "varargs.sum_of_squares",
    "varargs.zip_star_over_parameters", "while_loops.while_else",
    "while_loops.while_index_accumulate",
])

#: (case, input) where Dask's value of the function is not NumPy's, so neither is its
#: gradient: Dask's semantics, not srcgrad's
DIFFERENT = {
    ("exceptions.errstate_raise_and_catch", 1):
        "np.errstate(invalid='raise') cannot raise at a lazy np.log: the except branch NumPy "
        "takes never runs on Dask",
}

#: where Dask fails inside its own code (scipy.linalg on a Dask array reaches
#: dask.array.linalg with NumPy arrays): loud, Dask's
DASK_FAILS = {"scipy_programs.gp_cho", "scipy_programs.sylvester_banded"}

#: errors that say loudly that Dask or srcgrad cannot run a function
LOUD = (NotImplementedError, ValueError, TypeError, np.linalg.LinAlgError)


def _params(lazy_only):
    out = []
    for case in all_cases():
        if lazy_only and case.name not in LAZY:
            continue
        for k, args in enumerate(case.inputs):
            if case.reason(k) or (case.name, k) in DIFFERENT:
                continue
            if any(isinstance(to_dask(a), da.Array) for a in args):
                out.append(pytest.param(case, k, id="%s[input %d]" % (case.name, k)))
                break
    return out


#: the cases whose gradients are built lazily (the slow tier runs them all)
LAZY_PARAMS = _params(lazy_only=True)
#: the default tier: three of them per corpus module (Dask adds ~0.3 s a case)
PARAMS = [p for i, p in enumerate(LAZY_PARAMS)
          if [q.values[0].module for q in LAZY_PARAMS[:i]].count(p.values[0].module) < 3]
#: the slow tier: every case with a float array argument
ALL = _params(lazy_only=False)


def test_the_corpus_has_array_cases():
    assert len(ALL) > 250 and len(LAZY_PARAMS) == len(LAZY) > 175 and len(PARAMS) > 40


def _check(case, k):
    args = case.inputs[k]
    want = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*args)
    dargs = tuple(map(to_dask, args))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Dask's "not implemented by Dask array" warnings
        with counting(forbid=case.name in LAZY):
            try:
                got = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*dargs)
            except LOUD as err:
                assert str(err) and case.name not in LAZY
                return
            except AttributeError as err:
                assert case.name in DASK_FAILS, err
                return
        with dask.config.set(scheduler="sync"):
            (got,) = dask.compute(got)
    assert_same_gradients(got, want)


@pytest.mark.parametrize("case,k", PARAMS)
def test_lazy_corpus_case_on_dask(case, k):
    """Built without a compute; once computed, NumPy's gradients."""
    _check(case, k)


@pytest.mark.slow
@pytest.mark.parametrize("case,k", [p for p in LAZY_PARAMS if p not in PARAMS])
def test_more_lazy_corpus_cases_on_dask(case, k):
    _check(case, k)


@pytest.mark.slow
@pytest.mark.parametrize("case,k", ALL)
def test_corpus_case_on_dask(case, k):
    """Every array case: NumPy's gradients, or a loud error."""
    _check(case, k)


@pytest.mark.parametrize("name,k", sorted(DIFFERENT), ids=lambda v: str(v))
def test_where_dask_differs_the_value_differs_too(name, k):
    """The cases left out above: Dask computes another value of the function
    than NumPy does (so a gradient of NumPy's function would be the wrong one)."""
    case = next(c for c in all_cases() if c.name == name)
    args = case.inputs[k]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with dask.config.set(scheduler="sync"):
            on_dask = np.asarray(case.fn(*map(to_dask, args)))
        on_numpy = case.fn(*args)
    assert not np.allclose(on_dask, on_numpy, equal_nan=False)


def test_cholesky_on_dask_is_refused_not_differentiated_as_numpys():
    """Dask's np.linalg.cholesky returns the upper factor (da.linalg.cholesky's
    default lower=False), NumPy's the lower one: NumPy's rule applied to Dask's
    value would be the gradient of neither function, so it is refused by name
    (the gradient came out 1.5 off against differences of Dask's own function
    before)."""
    case = next(c for c in all_cases() if c.name == "exceptions.gp_cholesky_jitter")
    args = case.inputs[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with dask.config.set(scheduler="sync"):
            on_dask = np.asarray(case.fn(*map(to_dask, args)))
        assert not np.allclose(on_dask, case.fn(*args))       # Dask's value differs
        with pytest.raises(NotImplementedError, match="np.linalg.cholesky.*upper factor"):
            got = srcgrad.grad(case.fn, wrt=case.wrt, mode="compile")(*map(to_dask, args))
            dask.compute(got, scheduler="sync")


def test_cholesky_forward_mode_on_dask_is_refused():
    """The JVP rule refuses Dask's upper factor too (a NumPy scale times Dask data)."""
    def f(w, A):
        return np.sum(np.linalg.cholesky(A * w) * np.arange(1.0, 4.0))
    M = np.random.default_rng(3).normal(size=(3, 3))
    A = M @ M.T + 3 * np.eye(3)
    with pytest.raises(NotImplementedError, match="np.linalg.cholesky.*upper factor"):
        out = srcgrad.jvp(f, (2.0, da.from_array(A, chunks=3)), (1.0, None), mode="compile")
        dask.compute(out, scheduler="sync")
