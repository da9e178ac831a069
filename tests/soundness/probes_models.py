"""Probe programs for test_probes.py -- models: likelihoods, regressions, recurrent steps, integrators, normalisation, attention, filters.

Written the way other people write NumPy; the compiler reads this file, and a refusal
must name it."""

import functools
import itertools
import math
import operator

import numpy as np
import numpy as xp_alias

from probes_data import *  # noqa: F401,F403


def gp_loglik_cholesky(log_ell):
    ell = np.exp(log_ell)
    d = PTS[:, None] - PTS[None, :]
    K = np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(PTS))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, YS)
    return -0.5 * YS @ alpha - np.sum(np.log(np.diag(L)))


def gp_loglik_slogdet(log_ell):
    ell = np.exp(log_ell)
    d = PTS[:, None] - PTS[None, :]
    K = np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(PTS))
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * YS @ np.linalg.solve(K, YS) - 0.5 * logdet


def gp_slogdet_named(x):
    K = np.outer(x, x) + np.eye(3)
    res = np.linalg.slogdet(K)
    return res.logabsdet * res.sign


def mixture_loglik(mu):
    data = np.array([0.1, 0.7, 1.2, -0.3])
    ll = -0.5 * (data[:, None] - mu[None, :]) ** 2
    m = np.max(ll, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(ll - m), axis=1)))


def logistic_regression(w):
    z = FEAT @ w
    return np.sum(LABELS * np.log1p(np.exp(-z)) + (1 - LABELS) * np.log1p(np.exp(z)))


def softmax_xent(w):
    W = w.reshape(3, 1) * np.ones((1, 3))
    logits = FEAT @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(5), CLASSES])


def logsumexp_stable(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def rnn_steps(w):
    h = np.zeros(3)
    for t in range(SEQ.shape[0]):
        h = np.tanh(W33 @ h + w * SEQ[t])
    return np.sum(h ** 2)


def leapfrog_while(q0):
    q, p, t, dt = q0, 0.0, 0.0, 0.1
    while t < 1.0:
        p = p - 0.5 * dt * q
        q = q + dt * p
        p = p - 0.5 * dt * q
        t += dt
    return q * q + p * p


def euler_vector_while(x):
    v = np.zeros_like(x)
    steps = 0
    while steps < 5:
        v = v - 0.1 * np.sin(x)
        x = x + 0.1 * v
        steps += 1
    return np.sum(x * v)


def layernorm(x):
    mu = x.mean()
    var = ((x - mu) ** 2).mean()
    return np.sum(((x - mu) / np.sqrt(var + 1e-5)) * X4)


def batchnorm(X):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    return np.sum(((X - mu) / (sd + 1e-3)) ** 3)


def attention(q):
    K = SEQ
    V = SEQ * 2.0
    scores = K @ q / np.sqrt(3.0)
    w = np.exp(scores - scores.max())
    w = w / w.sum()
    return np.sum(w @ V)


def kalman_step(m):
    P = SPD
    F = np.eye(3) + 0.1 * W33
    H = np.array([[1.0, 0.0, 0.0]])
    R = np.array([[0.2]])
    m_pred = F @ m
    P_pred = F @ P @ F.T + 0.01 * np.eye(3)
    S = H @ P_pred @ H.T + R
    Kg = P_pred @ H.T @ np.linalg.inv(S)
    m_new = m_pred + (Kg @ (np.array([0.5]) - H @ m_pred))
    return np.sum(m_new ** 2)


def stable_sigmoid(x):
    return np.sum(np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))),
                           np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x)))))


def softplus_logaddexp(x):
    return np.sum(np.logaddexp(0.0, x))


def expm1_log1p(x):
    return np.sum(np.log1p(np.expm1(x) ** 2))


def mlp_params_list(x):
    params = [x.reshape(3, 1) * np.ones((1, 4)), np.ones(4) * 0.1]
    h = np.tanh(FEAT @ params[0] + params[1])
    return np.sum(h ** 2)


def params_dict_arg(p):
    h = np.tanh(FEAT @ p["W"] + p["b"])
    return np.sum(h * h)


def params_list_arg(p):
    W, b = p
    return np.sum(np.tanh(FEAT @ W + b))
