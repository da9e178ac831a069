"""``torch.utils.data`` for the tape: ``Dataset``, ``TensorDataset``,
``Subset``, ``random_split``, ``DataLoader`` and ``default_collate``.

Guarantees:

* ``DataLoader(dataset, batch_size, shuffle, drop_last, collate_fn)`` yields
  PyTorch's batches: samples stacked by :func:`default_collate` (Tensors
  stacked, Python ints as an int64 Tensor, floats as float64, tuples and lists
  collated field by field into a list, dicts key by key);
* ``shuffle=True`` draws one ``randperm`` per epoch from the tape's generator,
  so after ``torch.manual_seed`` the order is deterministic -- but it is not
  PyTorch's order (the generators differ);
* loading runs in the calling process: ``num_workers``, ``pin_memory``,
  ``prefetch_factor`` and ``persistent_workers`` change nothing observable
  and are accepted; arguments that would change what is loaded and are not
  implemented (``sampler``, ``batch_sampler``, ``worker_init_fn``,
  ``generator``) raise ``NotImplementedError`` naming them.

>>> import srcgrad.torch as torch
>>> ds = TensorDataset(torch.arange(5.0), torch.arange(5))
>>> [tuple(y.tolist()) for _, y in DataLoader(ds, batch_size=2)]
[(0, 1), (2, 3), (4,)]
>>> len(DataLoader(ds, batch_size=2, drop_last=True))
2
"""

import builtins
import collections
import math

import numpy as np

from ...tape.creation import randperm
from ...tape.tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "random_split",
           "DataLoader", "default_collate"]


class Dataset:
    """Map-style dataset: subclasses define ``__getitem__`` (and ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """An iterable dataset: subclasses define ``__iter__``."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")


class TensorDataset(Dataset):
    """Samples ``tuple(t[i] for t in tensors)``; all first sizes equal."""

    def __init__(self, *tensors):
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self):
        return int(self.cumulative_sizes[-1]) if self.cumulative_sizes else 0

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        k = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = 0 if k == 0 else int(self.cumulative_sizes[k - 1])
        return self.datasets[k][index - start]


class Subset(Dataset):
    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Disjoint random subsets of the given lengths (or fractions summing to 1),
    the permutation drawn with ``randperm``."""
    _no_generator(generator, "random_split")
    n = len(dataset)
    if math.isclose(builtins.sum(lengths), 1) and builtins.sum(lengths) <= 1:
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - builtins.sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if builtins.sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input "
                         "dataset!")
    perm = randperm(n).tolist()
    out, start = [], 0
    for k in lengths:
        out.append(Subset(dataset, perm[start:start + k]))
        start += k
    return out


def _no_generator(generator, what):
    if generator is not None:
        from ...tape.conv import unsupported
        raise unsupported("%s(generator=...)" % what,
                          "Seed the tape's one generator with torch.manual_seed instead.")


def default_collate(batch):
    """PyTorch's collation of a list of samples into a batch."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return Tensor._wrap(np.stack([b._data for b in batch]))
    if isinstance(elem, np.ndarray):
        return Tensor._wrap(np.stack(batch))
    if isinstance(elem, (bool, np.bool_)):
        return Tensor._wrap(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, (int, np.integer)):
        return Tensor._wrap(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, (float, np.floating)):
        return Tensor._wrap(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return {k: default_collate([b[k] for b in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(b) != len(elem) for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(s)) for s in zip(*batch)]   # a list, as PyTorch's
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, "
                    "dicts or lists; found %s" % type(elem).__name__)


class DataLoader:
    """Batches of ``dataset`` (see the module doc for what is supported)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device=""):
        from ...tape.conv import unsupported
        for name, value in (("sampler", sampler), ("batch_sampler", batch_sampler),
                            ("worker_init_fn", worker_init_fn),
                            ("multiprocessing_context", multiprocessing_context)):
            if value is not None:
                raise unsupported("DataLoader(%s=...)" % name,
                                  "Use batch_size/shuffle/drop_last, or iterate over "
                                  "your own index batches.")
        _no_generator(generator, "DataLoader")
        if batch_size is None:
            raise unsupported("DataLoader(batch_size=None) (unbatched loading)",
                              "Iterate over the dataset itself.")
        if isinstance(dataset, IterableDataset) and shuffle:
            raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                             "option, but got shuffle=True")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _batches(self):
        if isinstance(self.dataset, IterableDataset):
            batch = []
            for sample in self.dataset:
                batch.append(sample)
                if len(batch) == self.batch_size:
                    yield batch
                    batch = []
            if batch and not self.drop_last:
                yield batch
            return
        n = len(self.dataset)
        order = randperm(n).tolist() if self.shuffle else range(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if len(idx) < self.batch_size and self.drop_last:
                return
            yield [self.dataset[i] for i in idx]

    def __iter__(self):
        if type(self.dataset) is TensorDataset and self.collate_fn is default_collate:
            yield from self._tensor_batches()
            return
        for batch in self._batches():
            yield self.collate_fn(batch)

    def _tensor_batches(self):
        """A ``TensorDataset`` batch is one fancy index per tensor: what stacking
        its samples gives, without a Python loop over them."""
        n = len(self.dataset)
        order = randperm(n)._data if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if len(idx) < self.batch_size and self.drop_last:
                return
            yield [Tensor._wrap(t._data[idx]) for t in self.dataset.tensors]
