"""Regression tests for the causes the differential fuzzer (issue #20, ``tests/fuzz/``) found: one test per
cause, named after it, each against an independent reference (PyTorch's value written out, a float64 run, or the
math of the case)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import kernels, nn


@pytest.mark.parametrize("fast", [True, False])
def test_float32_lstm_hidden_size_1_is_right_for_every_batch_row(fast):
    # numpy's in-place negative on a one-column float32 slice was wrong after the first row (the fast loop's sigmoid)
    was = kernels.set_enabled(fast)
    try:
        lstm = nn.LSTM(3, 1)
        for p in lstm.parameters():
            p.data[...] = 0.3
        x = np.arange(18).reshape(3, 2, 3) / 9
        out32, _ = lstm(mg.tensor(x.astype(np.float32)))
        out64, _ = lstm.double()(mg.tensor(x))
    finally:
        kernels.set_enabled(was)
    np.testing.assert_allclose(out32.data[-1, :, 0], [0.8397, 0.8890], atol=1e-4)  # PyTorch 2.13's values
    np.testing.assert_allclose(out32.data, out64.data, rtol=1e-5)
