"""autograd.misc.tracers: ``const_graph`` caches autograd's trace; with srcgrad
it is the function itself."""


def const_graph(fun, *args, **kwargs):
    return fun


def full_graph(fun, *args, **kwargs):
    import _outside as st
    raise st.Unmappable("autograd.misc.tracers.full_graph (autograd's tracing internals)")
