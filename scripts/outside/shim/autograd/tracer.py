"""autograd.tracer: ``primitive`` maps; tracing itself is autograd's internals."""
import _outside as st
from .extend import Box, notrace_primitive, primitive, register_notrace  # noqa: F401


def isbox(x):
    return False


def getval(x):
    return x


class Node:
    def __init__(self, *args, **kwargs):
        raise st.Unmappable("autograd.tracer.Node (autograd's tracing internals)")

    @classmethod
    def new_root(cls, *args, **kwargs):
        raise st.Unmappable("autograd.tracer.Node (autograd's tracing internals)")


def trace(start_node, fun, x):
    raise st.Unmappable("autograd.tracer.trace (autograd's tracing internals)")
