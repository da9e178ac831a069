"""autograd.builtins: with srcgrad, Python's own containers."""
import builtins as _b

dict, list, tuple, isinstance, type = _b.dict, _b.list, _b.tuple, _b.isinstance, _b.type
SequenceBox = DictBox = None
