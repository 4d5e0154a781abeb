"""Shared test helpers."""

import shutil
import tempfile

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


try:
    from hypothesis import settings
    from hypothesis.configuration import set_hypothesis_home_dir
except ImportError:  # hypothesis is a dev dependency; tests that need it import it themselves
    pass
else:
    # Hypothesis keeps an example database and a constants cache under .hypothesis/ in the working directory;
    # tests must not write there, so it gets no database and a temporary home removed after the session.
    _HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="minigrad-hypothesis-")
    set_hypothesis_home_dir(_HYPOTHESIS_HOME)
    settings.register_profile("minigrad", database=None, deadline=None)
    settings.load_profile("minigrad")

    def pytest_sessionfinish(session, exitstatus):
        shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--fuzz-thorough", action="store_true", default=False,
                     help="run the differential fuzzer (tests/fuzz/) with at least 1,000 examples per property")
