"""autograd.misc.fixed_points.fixed_point: the iteration, with no custom VJP
(srcgrad differentiates through the loop when it can)."""


def fixed_point(f, a, x0, distance, tol):
    _f = f(a)
    x, x_prev = _f(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = _f(x), x
    return x
