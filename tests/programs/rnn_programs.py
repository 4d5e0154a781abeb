"""Six everyday PyTorch RNN programs, each written once as a function of the library module ``lib``.

``lib`` is ``minigrad`` or ``torch``: the program text is the same for both, which is the point of issue #17 ("real
PyTorch RNN programs run unchanged"). Each program builds its model, then calls ``_start``: with ``init=None`` the
model keeps the weights the library drew (PyTorch's, seeded by the caller), otherwise it loads ``init`` (PyTorch's
initial state_dict as numpy arrays) with ``load_state_dict``. Data come from numpy generators with fixed seeds.

Every program returns a flat ``dict`` of numpy arrays: ``init.<name>`` (the starting state_dict), ``losses`` (one
per optimizer step or closure call), ``final.<name>`` (the state_dict after training) and whatever else the
program computes deterministically (evaluation losses, greedy predictions, attention weights).

The golden script ``tests/golden/make_program_fixtures.py`` runs them on PyTorch; ``test_programs.py`` runs them on
minigrad and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _numpy(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy().copy()


def _start(lib: Any, model: Any, init: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """Load ``init`` into ``model`` when given; return the starting state as ``init.<name>`` arrays."""
    if init is not None:
        model.load_state_dict({name: lib.from_numpy(np.array(value)) for name, value in init.items()})
    return {f"init.{name}": _numpy(value) for name, value in model.state_dict().items()}


def _finish(model: Any) -> dict[str, np.ndarray]:
    return {f"final.{name}": _numpy(value) for name, value in model.state_dict().items()}


# ----------------------------------------------------------------------------------------------------------------
# 5. Sine waves: two stacked LSTMCells in double precision, trained with LBFGS and a closure, then extrapolated.
# ----------------------------------------------------------------------------------------------------------------

def sine_wave_lstm(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    T, L, N, hidden = 20, 40, 8, 12
    rng = np.random.default_rng(3)
    x = np.empty((N, L), np.int64)
    x[:] = np.array(range(L)) + rng.integers(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype("float64")

    class Sequence(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm1 = nn.LSTMCell(1, hidden)
            self.lstm2 = nn.LSTMCell(hidden, hidden)
            self.linear = nn.Linear(hidden, 1)

        def forward(self, input: Any, future: int = 0) -> Any:
            outputs = []
            h_t = lib.zeros(input.size(0), hidden, dtype=lib.double)
            c_t = lib.zeros(input.size(0), hidden, dtype=lib.double)
            h_t2 = lib.zeros(input.size(0), hidden, dtype=lib.double)
            c_t2 = lib.zeros(input.size(0), hidden, dtype=lib.double)
            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for _ in range(future):  # feed the prediction back in
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            return lib.cat(outputs, dim=1)

    input = lib.from_numpy(data[2:, :-1])
    target = lib.from_numpy(data[2:, 1:])
    test_input = lib.from_numpy(data[:2, :-1])
    test_target = lib.from_numpy(data[:2, 1:])
    seq = Sequence()
    seq.double()
    out = _start(lib, seq, init)
    criterion = nn.MSELoss()
    optimizer = lib.optim.LBFGS(seq.parameters(), lr=0.8, max_iter=8)
    losses, step_losses, test_losses = [], [], []
    for _i in range(3):
        def closure() -> Any:
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss
        step_losses.append(optimizer.step(closure).item())
        with lib.no_grad():
            future = 15
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            test_losses.append(loss.item())
    out.update(losses=np.array(losses), step_losses=np.array(step_losses), test_losses=np.array(test_losses),
               prediction=_numpy(pred), **_finish(seq))
    return out


PROGRAMS: dict[str, Callable[..., dict[str, np.ndarray]]] = {
    "sine_wave_lstm": sine_wave_lstm,
}
