"""Shared inputs of the probe programs (probes_*.py)."""

import numpy as np

_rng = np.random.RandomState(7)
X3 = np.array([0.31, 0.57, 0.74])
X4 = np.array([0.42, -0.35, 0.81, 0.13])
M3 = np.array([[1.4, 0.3, 0.2], [0.25, 0.9, 0.35], [0.15, 0.3, 0.5]])
SPD = np.array([[1.5, 0.3, 0.2], [0.3, 1.1, 0.35], [0.2, 0.35, 0.7]])
PTS = np.array([0.1, 0.5, 0.9, 1.3])
YS = np.array([0.2, -0.1, 0.4, 0.3])
W34 = _rng.randn(3, 4) * 0.5
W33 = _rng.randn(3, 3) * 0.5
FEAT = _rng.randn(5, 3)
LABELS = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
CLASSES = np.array([0, 2, 1, 2, 0])
SEQ = _rng.randn(4, 3) * 0.5
Q = _rng.randn(3, 4) * 0.5
GLOBAL_SCALE = 1.7
IDX_REP = np.array([0, 0, 2, 1, 2])
