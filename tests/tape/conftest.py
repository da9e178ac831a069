"""Shared helpers for the tape tests: run a snippet under ``srcgrad.torch`` (and,
when installed, under real PyTorch) and compare what it prints."""

import contextlib
import io
import textwrap

import pytest

import srcgrad.torch


def run_snippet(code, torch_module, extra=None):
    """Exec ``code`` with ``torch`` bound to ``torch_module``; return stdout."""
    buf = io.StringIO()
    env = {"torch": torch_module, "__name__": "__snippet__"}
    if extra:
        env.update(extra)
    with contextlib.redirect_stdout(buf):
        exec(textwrap.dedent(code), env)
    return buf.getvalue()


@pytest.fixture
def srcgrad_torch():
    return srcgrad.torch


@pytest.fixture
def real_torch():
    return pytest.importorskip("torch", reason="parity tests need PyTorch (torch==2.13.0 CPU)")
