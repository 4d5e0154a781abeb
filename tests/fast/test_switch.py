"""The one switch of the fast floor: ``MINIGRAD_FAST`` at import, ``minigrad.fast.set_enabled`` at run time, and
with it off, not one line of ``minigrad/fast/`` runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import kernels, nn

FAST_DIR = str(Path(mg.fast.__file__).parent)


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), ("false", False), ("off", False)])
def test_the_environment_variable_is_read_when_minigrad_is_imported(value, on):
    env = {k: v for k, v in os.environ.items() if k != "MINIGRAD_FAST"}
    if value is not None:
        env["MINIGRAD_FAST"] = value
    code = (
        "import minigrad, minigrad.kernels as k; "
        "print(minigrad.fast.is_enabled(), k.get('backward') is not None, k.get('rnn_steps') is not None)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(on)] * 3


def test_set_enabled_turns_every_kernel_off_and_on_and_returns_the_previous_setting():
    assert mg.fast.set_enabled(False) is True  # tests/fast/conftest.py turned it on
    assert not mg.fast.is_enabled()
    assert all(kernels.get(name) is None for name in ("backward", "rnn_steps", "lstm_steps", "gru_steps"))
    assert mg.fast.set_enabled(True) is False
    assert kernels.get("backward") is mg.fast.engine.backward
    assert kernels.get("rnn_steps") is mg.fast.recurrence.rnn_steps


def _train_a_little():
    """Forward, backward, a drawing and an optimizer step through every recurrent layer and a few ops."""
    mg.manual_seed(0)
    x = mg.randn(4, 2, 3, requires_grad=True)
    loss = 0
    for layer in (nn.RNN(3, 4, num_layers=2, bidirectional=True), nn.LSTM(3, 4), nn.GRU(3, 4, batch_first=True)):
        out, state = layer(x)
        loss = loss + out.sum() + (state[0] if isinstance(state, tuple) else state).tanh().sum()
    cell = nn.LSTMCell(3, 4)
    h, c = cell(x[0])
    loss = loss + (h * c).mean() + x[1:].softmax(-1).max()
    loss.backward()
    mg.viz.build_graph(loss)
    mg.optim.SGD([x], lr=0.1).step()
    return loss


def _fast_functions_run_by(fn) -> set[str]:
    """The names of the functions of ``minigrad/fast/`` that run while ``fn()`` does (a frame tracer)."""
    ran: set[str] = set()

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(FAST_DIR):
            ran.add(frame.f_code.co_name)
        return None

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return ran


def test_with_the_switch_off_no_code_of_minigrad_fast_runs():
    mg.fast.set_enabled(False)
    assert _fast_functions_run_by(_train_a_little) == set()


def test_the_tracer_sees_the_fast_floor_when_it_is_on():
    # The same tracer catches the fast floor when it runs: the test above can fail.
    assert {"backward", "rnn_steps", "lstm_steps", "gru_steps"} <= _fast_functions_run_by(_train_a_little)


@pytest.mark.parametrize("record_fast, backward_fast", [(True, False), (False, True)])
def test_a_graph_recorded_with_the_switch_one_way_backpropagates_with_it_the_other(record_fast, backward_fast):
    def grads(record, back):
        mg.manual_seed(1)
        layers = [nn.RNN(3, 4, num_layers=2, dtype=mg.float64), nn.LSTM(3, 4, dtype=mg.float64),
                  nn.GRU(3, 4, bidirectional=True, dtype=mg.float64)]
        x = mg.randn(6, 2, 3, dtype=mg.float64, requires_grad=True)
        mg.fast.set_enabled(record)
        loss = sum((layer(x)[0] ** 2).sum() for layer in layers) + x[2:4].exp().sum()
        mg.fast.set_enabled(back)
        loss.backward()
        return [p.grad.numpy() for layer in layers for p in layer.parameters()] + [x.grad.numpy()]

    for got, want in zip(grads(record_fast, backward_fast), grads(False, False)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
