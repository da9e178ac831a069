"""pytest plugin for the outside harness's run of autograd's test suite.

Tells the shim which test is running (so each ``check_grads`` case is
recorded under its test id), stops a test after ``SRCGRAD_OUTSIDE_TEST_TIMEOUT``
seconds, and records every test's outcome with the exception that ended it."""

import os
import signal

import pytest

import _outside as st

TIMEOUT = int(os.environ.get("SRCGRAD_OUTSIDE_TEST_TIMEOUT", "60"))


class TestTimeout(BaseException):
    pass


def _alarm(signum, frame):
    raise TestTimeout("test took longer than %d s" % TIMEOUT)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    st.state["test"] = item.nodeid
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup" and report.outcome == "skipped":
        st.record({"kind": "test", "test": item.nodeid, "outcome": "skipped"})
        return
    if call.when != "call" and not (call.when == "setup" and report.failed):
        return
    entry = {"kind": "test", "test": item.nodeid, "outcome": report.outcome}
    if call.excinfo is not None:
        err = call.excinfo.value
        if isinstance(err, TestTimeout):
            entry.update(result="timeout", type="TestTimeout", message=str(err))
        elif call.excinfo.errisinstance(pytest.skip.Exception):
            entry.update(result="skipped", message=str(err)[:200])
        else:
            entry.update(st.describe_error(err))
            if isinstance(err, AssertionError):
                entry["result"] = "assert"
    else:
        entry["result"] = "pass"
    st.record(entry)
    st.state["test"] = None


def pytest_collectreport(report):
    if report.failed:
        st.record({"kind": "collect-error", "test": report.nodeid,
                   "message": str(report.longrepr).strip().splitlines()[-1][:300]})
