"""Calls: helpers with defaults and keywords, helpers from another module, module
constants and attributes, math functions, conditional expressions, and/or/not,
chained comparisons, closures, lambdas, *args / **kwargs (recursion: recursion.py)."""

import math

import numpy as np

from . import Case
from . import helpers_mod
from .helpers_mod import Config, mean_and_var, softplus

LOCAL_SCALE = 0.3
SHIFTS = (0.1, -0.2, 0.3)


def local_helper(a, b=2.0, *, power=2):
    return (a * b) ** power


def branching_helper(x, threshold=0.0):
    if x > threshold:
        return x * x
    return -0.5 * x


def looping_helper(x, n=3):
    for _ in range(n):
        x = x * 0.9 + 0.1
    return x


def outer_helper(x):
    return local_helper(x, 0.5) + branching_helper(x)


def call_with_defaults(x):
    return local_helper(x) + local_helper(x, 3.0) + local_helper(x, power=3)


def call_with_keywords_out_of_order(x, y):
    return local_helper(power=2, b=y, a=x) + np.sum(helpers_mod.scaled_tanh(shift=y, x=x))


def module_function_and_constant(x):
    return np.sum(helpers_mod.scaled_tanh(x, helpers_mod.GAIN)) + helpers_mod.GAIN * np.sum(x)


def from_import_helper(x):
    return np.sum(softplus(x) * LOCAL_SCALE)


def module_array_constant(x):
    return np.sum(helpers_mod.poly(x)) + np.sum(helpers_mod.COEFFS * x)


def class_attribute_constant(x):
    return Config.scale * x * x + Config.momentum * x


def math_functions(x):
    return (math.exp(-x) + math.log(1.0 + x * x) + math.sqrt(x + 2.0) + math.sin(x) * math.cos(x)
            + math.tanh(x) + math.atan(x) + math.pow(x + 2.0, 1.5) + math.pi * x)


def helper_with_branch_both_sides(x):
    return branching_helper(x) + branching_helper(x, threshold=10.0)


def helper_with_loop(x, n):
    return looping_helper(x) + looping_helper(x, n)


def nested_helpers(x):
    return outer_helper(x) * 2.0


def closure_over_local(x, w):
    def f(z):
        return np.sin(z * w)
    return np.sum(f(x) + f(2.0 * x))


def nested_def_with_default(x):
    def g(z, k=3.0):
        return z ** k
    return g(x) + g(x, 2.0)


def lambda_helper(x):
    sq = lambda z: z * z  # noqa: E731
    return np.sum(sq(x) + sq(x + 1.0))


def conditional_expression_args(x, flag):
    return local_helper(x, 2.0 if flag else 0.5)


def and_or_values(x, scale):
    s = scale or 1.0
    t = scale and 3.0
    return x * s + x * x * (t or 0.5)


def not_and_chained(x, y):
    if not (x > 0 and y > 0) or -1.0 < x < -0.5:
        return x * y * 2.0
    return x + y


def star_args_call(x, y):
    args = (x, y)
    return local_helper(*args)


def star_kwargs_call(x):
    kw = {"b": 1.5, "power": 3}
    return local_helper(x, **kw)


def tuple_returning_helper(x):
    m, v = mean_and_var(x)
    return m * m + v


def module_gaussian_and_clip(x):
    return helpers_mod.gaussian(x, mu=0.5, sigma=2.0) + helpers_mod.clipped(x * 0.5)


def builtin_abs_max_min(x, y):
    return abs(x) * max(x, y) + min(x * y, 3.0) + pow(y, 2)


def global_tuple_constant(x):
    s = 0.0
    for c in SHIFTS:
        s = s + (x - c) ** 2
    return np.sum(s)


def float_and_round_trip(x):
    v = float(np.sum(x))
    return v * v + float(x[0])


def method_calls_on_array(x):
    return x.dot(x) + x.sum() * x.mean() + x.clip(-10.0, 10.0).sum() + x.reshape(2, 2).trace()


def dict_get_with_default(params):
    return np.sum(params.get("w") ** 2) + params.get("c", 1.0)



V = np.array([0.5, -0.3, 1.2, 0.8])
CASES = [
    Case(call_with_defaults, [(0.7,), (-1.2,)]),
    Case(call_with_keywords_out_of_order, [(0.7, 1.3)], wrt=(0, 1)),
    Case(module_function_and_constant, [(V,)]),
    Case(from_import_helper, [(V,)]),
    Case(module_array_constant, [(0.7,), (V[:3],)]),
    Case(class_attribute_constant, [(0.7,)]),
    Case(math_functions, [(0.7,), (-0.4,)]),
    Case(helper_with_branch_both_sides, [(0.7,), (-0.4,)]),
    Case(helper_with_loop, [(0.7, 0), (0.7, 1), (0.7, 5)]),
    Case(nested_helpers, [(0.7,), (-0.4,)]),
    Case(closure_over_local, [(V, 0.9)], wrt=(0, 1)),
    Case(nested_def_with_default, [(0.7,)]),
    Case(lambda_helper, [(V,)]),
    Case(conditional_expression_args, [(0.7, True), (0.7, False)]),
    Case(and_or_values, [(0.7, 0.0), (0.7, 2.0)]),  # scale=0.0 is a kink of `or`: wrt x only
    Case(not_and_chained, [(0.5, 0.7), (0.5, -0.7), (-0.7, 0.4), (-1.5, 0.4)], wrt=(0, 1)),
    Case(star_args_call, [(0.7, 1.3)], wrt=(0, 1)),
    Case(star_kwargs_call, [(0.7,)]),
    Case(tuple_returning_helper, [(V,)]),
    Case(module_gaussian_and_clip, [(0.7,), (3.0,), (-3.0,)]),
    Case(builtin_abs_max_min, [(0.7, 1.3), (-0.7, -1.3), (1.5, 2.5)], wrt=(0, 1)),
    Case(global_tuple_constant, [(0.7,), (V,)]),
    Case(float_and_round_trip, [(V,)]),
    Case(method_calls_on_array, [(V,)]),
    Case(dict_get_with_default, [({"w": np.array([0.5, 1.5])},)]),
]
