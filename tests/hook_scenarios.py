"""Hook scenarios written once and run in both libraries (``lib`` is ``minigrad`` or ``torch``: same API).

Each scenario builds a small model with fixed float64 weights, registers tensor and module hooks that record what
they see, runs forward and backward, and returns the record: a list of ``(event, shapes, arrays)`` in call order,
ending with the resulting ``.grad`` of the input and every parameter. ``tests/autograd/test_hooks.py`` compares the
records of the two libraries, and against the expectations stored there (``checksums``).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def record(log: list, name: str, *tensors: Any) -> None:
    """Append ``(name, shapes, arrays)``; a None among ``tensors`` is kept as None."""
    shapes, arrays = [], []
    for t in tensors:
        a = None if t is None else np.array(t.detach().numpy(), dtype=np.float64)
        shapes.append(None if a is None else tuple(a.shape))
        arrays.append(a)
    log.append((name, shapes, arrays))


def checksums(log: list) -> list:
    """The record reduced to ``(event, shapes, sums)``: each array's sum weighted by its flat position (1, 2, ...),
    so that a value in the wrong place changes it."""
    out = []
    for name, shapes, arrays in log:
        sums = [None if a is None else float(np.sum(a.reshape(-1) * np.arange(1, a.size + 1))) for a in arrays]
        out.append((name, [None if s is None else list(s) for s in shapes], sums))
    return out


def _load(lib: Any, module: Any, seed: int) -> None:
    r = np.random.default_rng(seed)
    with lib.no_grad():
        for _, p in module.named_parameters():
            p.copy_(lib.tensor(r.standard_normal(tuple(p.shape)) * 0.5, dtype=lib.float64))


def _input(lib: Any, shape: tuple, seed: int) -> Any:
    return lib.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=lib.float64, requires_grad=True)


def _results(log: list, x: Any, module: Any) -> list:
    record(log, "x.grad", x.grad)
    for name, p in module.named_parameters():
        record(log, name + ".grad", p.grad)
    return log


def mlp(lib: Any) -> list:
    """Every module hook on every module of a Sequential, and tensor hooks on the input, output and parameters."""
    log: list = []
    nn = lib.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    _load(lib, model, 1)
    for name, m in model.named_modules():
        name = name or "model"
        m.register_forward_pre_hook(lambda mod, args, n=name: record(log, n + ":forward_pre", *args))
        m.register_forward_hook(lambda mod, args, out, n=name: record(log, n + ":forward", out))
        m.register_full_backward_pre_hook(lambda mod, go, n=name: record(log, n + ":backward_pre", *go))
        m.register_full_backward_hook(lambda mod, gi, go, n=name: record(log, n + ":backward", *gi, *go))
    for name, p in model.named_parameters():
        p.register_hook(lambda g, n=name: record(log, n + ":hook", g))
    x = _input(lib, (5, 3), 2)
    x.register_hook(lambda g: record(log, "x:hook", g))
    y = model(x)
    y.register_hook(lambda g: record(log, "y:hook", g))
    (y * y).sum().backward()
    return _results(log, x, model)


def replacing(lib: Any) -> list:
    """Hooks that replace: the input (forward pre-hook returning one tensor), an output (forward hook), a
    grad_output (backward pre-hook), a grad_input (backward hook), and gradients (tensor hooks, a leaf's too)."""
    log: list = []
    nn = lib.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    _load(lib, model, 7)
    model[0].register_forward_pre_hook(lambda mod, args: args[0] + 1)
    model[1].register_forward_hook(lambda mod, args, out: out * 3)
    model[2].register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
    model[0].register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0.5,))
    model[0].register_full_backward_hook(lambda mod, gi, go: record(log, "0:backward", *gi, *go))
    model[2].weight.register_hook(lambda g: g + 1)
    model[2].weight.register_hook(lambda g: record(log, "2.weight:hook", g))
    x = _input(lib, (5, 3), 8)
    h = model[1](model[0](x))
    h.register_hook(lambda g: record(log, "h:hook", g))
    h.register_hook(lambda g: g - 0.25)
    h.retain_grad()
    y = model[2](h)
    (y * y).sum().backward()
    record(log, "h.grad", h.grad)
    return _results(log, x, model)


def rnn_cell_loop(lib: Any) -> list:
    """An RNNCell unrolled by hand, a hook on every step's hidden state; the one at t=2 doubles its gradient."""
    log: list = []
    cell = lib.nn.RNNCell(3, 4).double()
    _load(lib, cell, 3)
    x = _input(lib, (5, 2, 3), 4)
    h = lib.zeros(2, 4, dtype=lib.float64)
    loss = 0
    for t in range(5):
        h = cell(x[t], h)
        h.register_hook(lambda g, t=t: record(log, f"h{t}:hook", g))
        if t == 2:
            h.register_hook(lambda g: g * 2)
        loss = loss + (h * h).sum()
    loss.backward()
    return _results(log, x, cell)


def recurrent(lib: Any, kind: str, use_final: bool) -> list:
    """A two-layer ``kind`` (RNN, LSTM, GRU) with module backward hooks, the loss summed over ``out[t]`` with hooks
    on ``out[1]`` and ``out[4]``; the final state enters the loss when ``use_final``, else its grad_output is None
    (an LSTM's ``(h_n, c_n)`` is a tuple, not a tensor: its grad_output is None either way)."""
    log: list = []
    layer = getattr(lib.nn, kind)(3, 4, num_layers=2).double()
    _load(lib, layer, 5)
    layer.register_full_backward_pre_hook(lambda mod, go: record(log, "backward_pre", *go))
    layer.register_full_backward_hook(lambda mod, gi, go: record(log, "backward", *gi, *go))
    x = _input(lib, (6, 2, 3), 6)
    out, final = layer(x)
    loss = 0
    for t in range(6):
        step = out[t]
        if t in (1, 4):
            step.register_hook(lambda g, t=t: record(log, f"out[{t}]:hook", g))
        loss = loss + (step * step).sum() * (t + 1)
    if use_final:
        h_n = final[0] if kind == "LSTM" else final
        loss = loss + (h_n * h_n * h_n).sum()
    loss.backward()
    return _results(log, x, layer)


SCENARIOS = {
    "mlp": mlp,
    "replacing": replacing,
    "rnn_cell_loop": rnn_cell_loop,
    "rnn": lambda lib: recurrent(lib, "RNN", False),
    "rnn_final": lambda lib: recurrent(lib, "RNN", True),
    "lstm_final": lambda lib: recurrent(lib, "LSTM", True),
    "gru": lambda lib: recurrent(lib, "GRU", False),
    "gru_final": lambda lib: recurrent(lib, "GRU", True),
}
