"""Helpers the corpus imports from another module (as users import their utils)."""

import math

import numpy as np

GAIN = 1.7
COEFFS = np.array([0.5, -1.0, 0.25])


def scaled_tanh(x, scale=1.0, shift=0.0):
    return scale * np.tanh(x) + shift


def softplus(x):
    return np.log1p(np.exp(x))


def smooth_abs(x, eps=1e-2):
    return np.sqrt(x * x + eps)


def poly(x, coeffs=COEFFS):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


def gaussian(x, mu=0.0, sigma=1.0):
    z = (x - mu) / sigma
    return math.exp(-0.5 * z * z) / (sigma * math.sqrt(2 * math.pi))


def clipped(x, lo=-1.0, hi=1.0):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def mean_and_var(x):
    m = np.mean(x)
    return m, np.mean((x - m) ** 2)


class Config:
    momentum = 0.9
    scale = 2.5
