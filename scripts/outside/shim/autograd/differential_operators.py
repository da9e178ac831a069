"""autograd's differential operators on srcgrad (first-order reverse mode).

Forward mode and higher order (``make_jvp``, ``deriv``, ``hessian``, ...)
raise ``OutOfScope``: that is issue 11's work, not measured here."""

import inspect as _inspect

import numpy as np

import _outside as st
import _outside_engine as eng


def _sg():
    import srcgrad
    return srcgrad


def _mark(f, fun):
    f._outside_derivative = True
    f.__name__ = "grad_of_%s" % getattr(fun, "__name__", "f")
    return f


def _nested():
    if st.state.get("reference"):
        raise st.OutOfScope("a derivative taken inside a checked function (higher order)")


def _example(kind, fun, argnum, args, kwargs, has_aux=False):
    return eng.check_example(kind, fun, argnum, args, kwargs, has_aux)


def grad(fun, argnum=0):
    if getattr(fun, "_outside_derivative", False) and st.ROLE != "example":
        return _mark(_out_of_scope("grad of a gradient"), fun)
    gf = None

    def gradfun(*args, **kwargs):
        _nested()
        nonlocal gf
        if st.ROLE == "example":
            return _example("grad", fun, argnum, args, kwargs)
        if gf is None:
            gf = _sg().grad(fun, wrt=argnum, mode=st.MODE)
        return eng.autograd_convention(gf(*args, **kwargs))
    return _mark(gradfun, fun)


def value_and_grad(fun, argnum=0):
    gf = None

    def vg(*args, **kwargs):
        _nested()
        nonlocal gf
        if st.ROLE == "example":
            g = _example("value_and_grad", fun, argnum, args, kwargs)
            return fun(*args, **kwargs), g
        if gf is None:
            gf = _sg().value_and_grad(fun, wrt=argnum, mode=st.MODE)
        value, g = gf(*args, **kwargs)
        return value, eng.autograd_convention(g)
    return _mark(vg, fun)


def grad_and_aux(fun, argnum=0):
    def ga(*args, **kwargs):
        _nested()
        if st.ROLE == "example":
            g = _example("grad", fun, argnum, args, kwargs, has_aux=True)
            return g, fun(*args, **kwargs)[1]
        g, aux = _sg().grad(fun, wrt=argnum, has_aux=True, mode=st.MODE)(*args, **kwargs)
        return eng.autograd_convention(g), aux
    return _mark(ga, fun)


def grad_named(fun, argname):
    params = list(_inspect.signature(fun).parameters)
    return grad(fun, params.index(argname))


def multigrad_dict(fun):
    params = list(_inspect.signature(fun).parameters)

    def md(*args, **kwargs):
        _nested()
        bound = _inspect.signature(fun).bind(*args, **kwargs)
        names = list(bound.arguments)
        positions = tuple(params.index(n) for n in names)
        if st.ROLE == "example":
            g = _example("grad", fun, positions, args, kwargs)
        else:
            g = eng.autograd_convention(_sg().grad(fun, wrt=positions, mode=st.MODE)(*args,
                                                                                     **kwargs))
        return dict(zip(names, g))
    return _mark(md, fun)


def make_vjp(fun, argnum=0):
    def mv(*args, **kwargs):
        _nested()
        if st.ROLE == "example":
            ans, vjp = _example("vjp", fun, argnum, args, kwargs)
            return vjp, ans
        ans, vjp, _ = eng.srcgrad_vjp(fun, args, kwargs, argnum)
        return vjp, ans
    return _mark(mv, fun)


def elementwise_grad(fun, argnum=0):
    def eg(*args, **kwargs):
        _nested()
        if st.ROLE == "example":
            ans, vjp = _example("vjp", fun, argnum, args, kwargs)
        else:
            ans, vjp, _ = eng.srcgrad_vjp(fun, args, kwargs, argnum)
        return vjp(np.ones_like(ans))
    return _mark(eg, fun)


def jacobian(fun, argnum=0):
    def jac(*args, **kwargs):
        _nested()
        if st.ROLE == "example":
            ans, vjp = _example("vjp", fun, argnum, args, kwargs)
        else:
            ans, vjp, _ = eng.srcgrad_vjp(fun, args, kwargs, argnum)
        x = args[argnum]
        out_shape, in_shape = np.shape(ans), np.shape(x)
        rows = []
        for i in range(int(np.prod(out_shape))):
            e = np.zeros(int(np.prod(out_shape)))
            e[i] = 1.0
            rows.append(np.reshape(vjp(e.reshape(out_shape) if out_shape else float(e[0])),
                                   in_shape))
        return np.reshape(np.array(rows), out_shape + in_shape)
    return _mark(jac, fun)


def holomorphic_grad(fun, argnum=0):
    def real_part(*args, **kwargs):
        return np.real(fun(*args, **kwargs))
    return grad(real_part, argnum)


def tensor_jacobian_product(fun, argnum=0):
    """``tensordot(vector, jacobian, ndim(vector))``: one VJP per index of the
    output's trailing axes (those ``vector`` does not cover)."""
    def tjp(*args, **kwargs):
        _nested()
        args, vector = args[:-1], np.asarray(args[-1])
        ans, vjp, _ = eng.srcgrad_vjp(fun, args, kwargs, argnum)
        rest = np.shape(ans)[vector.ndim:]
        rows = []
        for idx in np.ndindex(*rest):
            e = np.zeros(rest)
            e[idx] = 1.0
            rows.append(vjp(np.multiply.outer(vector, e)))
        if not rest:
            return rows[0]
        return np.reshape(np.array(rows), rest + np.shape(args[argnum]))
    return _mark(tjp, fun)


vector_jacobian_product = tensor_jacobian_product


def _out_of_scope(what):
    def f(*args, **kwargs):
        raise st.OutOfScope("%s: forward mode / higher order is issue 11's scope" % what)
    f._outside_derivative = True
    return f


def make_jvp(fun, argnum=0):
    return _out_of_scope("make_jvp")


def deriv(fun, argnum=0):
    return _out_of_scope("deriv (forward mode)")


def hessian(fun, argnum=0):
    return _out_of_scope("hessian")


def hessian_tensor_product(fun, argnum=0):
    return _out_of_scope("hessian_vector_product")


hessian_vector_product = hessian_tensor_product


def make_hvp(fun, argnum=0):
    return _out_of_scope("make_hvp")


def make_ggnvp(f, g=None, f_argnum=0):
    return _out_of_scope("make_ggnvp")


make_jvp_reversemode = make_jvp


def checkpoint(fun):
    return fun
