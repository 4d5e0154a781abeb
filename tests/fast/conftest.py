"""The fast floor's own tests run with the fast floor on, also in the suite's ``MINIGRAD_FAST=0`` run."""

import pytest

from minigrad import kernels


@pytest.fixture(autouse=True)
def fast_floor_on():
    previous = kernels.set_enabled(True)
    yield
    kernels.set_enabled(previous)
