"""``plot_grad_flow`` and ``grad_flow``: the heatmap's ``||dL/dh_t||`` equal PyTorch's for the same weights
(unrolled cell by cell with ``retain_grad``), the bars equal numpy's mean and max of ``|grad|``, and the figure
renders with Agg for RNN, LSTM, GRU, bidirectional layers and a plain MLP."""

import io
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.viz import GradFlow, grad_flow, plot_grad_flow

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _run(cell, bidirectional=False, num_layers=1, seq_len=6, last=True):
    minigrad.manual_seed(3)
    layer = CELLS[cell](3, 4, num_layers=num_layers, bidirectional=bidirectional)
    x = minigrad.randn(seq_len, 2, 3)
    out, _ = layer(x)
    loss = (out[-1] ** 2).sum() if last else (out**2).mean()
    loss.backward()
    return layer, x, loss


def _torch_hidden_grad_norms(cell, layer, x, last, reverse=False):
    """||dL/dh_t|| from PyTorch: one layer unrolled with its cell, every h_t kept with retain_grad."""
    torch = pytest.importorskip("torch")
    suffix = "_l0_reverse" if reverse else "_l0"
    make = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell]
    tc = make(3, 4).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(tc, name).copy_(torch.tensor(getattr(layer, name + suffix).detach().numpy(), dtype=torch.float64))
    xs = torch.tensor(x.numpy(), dtype=torch.float64)
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    h = torch.zeros(2, 4, dtype=torch.float64)
    c = torch.zeros(2, 4, dtype=torch.float64)
    hs = {}
    for t in order:
        if cell == "lstm":
            h, c = tc(xs[t], (h, c))
        else:
            h = tc(xs[t], h)
        h.retain_grad()
        hs[t] = h
    out = torch.stack([hs[t] for t in range(len(xs))])
    return out, hs, torch


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("last", [True, False])
def test_heatmap_numbers_are_pytorchs_hidden_gradient_norms(cell, last):
    layer, x, loss = _run(cell, last=last)
    flow = grad_flow(layer, loss)
    assert flow.rows == [f"{type(layer).__name__} layer 0"] and flow.steps == list(range(6))
    out, hs, torch = _torch_hidden_grad_norms(cell, layer, x, last)
    (((out[-1] ** 2).sum()) if last else (out**2).mean()).backward()
    expected = [float(torch.linalg.norm(hs[t].grad)) for t in range(6)]
    np.testing.assert_allclose(flow.norms[0], expected, rtol=1e-4, atol=1e-9)
    if last:  # only the last output is in the loss: the gradient fades going back in time
        assert flow.norms[0, -1] > flow.norms[0, 0]


def test_bidirectional_rows_are_directions_apart():
    layer, x, loss = _run("rnn", bidirectional=True, num_layers=2, last=False)
    flow = grad_flow(loss)
    assert flow.rows == ["RNN layer 0", "RNN layer 0 reverse", "RNN layer 1", "RNN layer 1 reverse"]
    assert flow.norms.shape == (4, 6) and np.isfinite(flow.norms).all()
    # One bidirectional layer against PyTorch: forward and reverse cells unrolled, outputs side by side.
    layer, x, loss = _run("rnn", bidirectional=True, num_layers=1, last=False)
    flow = grad_flow(loss)
    assert flow.rows == ["RNN layer 0", "RNN layer 0 reverse"]
    out_f, hs_f, torch = _torch_hidden_grad_norms("rnn", layer, x, False)
    out_r, hs_r, _ = _torch_hidden_grad_norms("rnn", layer, x, False, reverse=True)
    (torch.cat([out_f, out_r], dim=-1) ** 2).mean().backward()
    np.testing.assert_allclose(flow.norms[0], [float(torch.linalg.norm(hs_f[t].grad)) for t in range(6)], rtol=1e-4)
    np.testing.assert_allclose(flow.norms[1], [float(torch.linalg.norm(hs_r[t].grad)) for t in range(6)], rtol=1e-4)


def test_reverse_direction_with_the_last_output_only_gets_gradient_at_its_first_step():
    layer, x, loss = _run("lstm", bidirectional=True, last=True)
    flow = grad_flow(loss)
    rev = flow.norms[1]
    assert rev[-1] > 0 and np.all(rev[:-1] == 0)  # the reverse pass starts at t = T-1: out[-1] is its first step


@pytest.mark.parametrize("what", ["rnn", "lstm", "gru", "bidirectional", "mlp"])
def test_figure_renders_with_agg_and_shows_the_recorded_numbers(what):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if what == "mlp":
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
        model(minigrad.randn(4, 3)).pow(2).mean().backward()
        fig = plot_grad_flow(model)
        flow = grad_flow(model)
        assert flow.rows == [] and len(fig.axes) == 1
    else:
        model, x, loss = _run("rnn" if what == "bidirectional" else what, bidirectional=what == "bidirectional",
                              num_layers=2)
        fig = plot_grad_flow(model, loss, title=what)
        flow = grad_flow(model, loss)
        image = fig.axes[0].images[0].get_array()
        np.testing.assert_array_equal(image.filled(0), np.where(flow.norms > 0, flow.norms, 0))
        assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == flow.rows
    assert isinstance(fig, Figure)
    names = [n for n, _ in model.named_parameters()]
    assert [n for n, _, _ in flow.params] == names
    for (_, mean, mx), (_, p) in zip(flow.params, model.named_parameters()):
        g = np.abs(p.grad.numpy().astype(np.float64))
        assert mean == pytest.approx(g.mean(), rel=1e-12) and mx == pytest.approx(g.max(), rel=1e-12)
    bars = [ax for ax in fig.axes if ax.get_title() == "gradient per parameter"][0]
    heights = [r.get_height() for r in bars.patches]
    np.testing.assert_allclose(heights, [m for _, _, m in flow.params] + [m for _, m, _ in flow.params])
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_from_the_loss_alone_the_bars_name_the_modules_parameters():
    layer, x, loss = _run("gru", num_layers=2)
    flow = grad_flow(loss)
    assert sorted(n for n, _, _ in flow.params) == sorted(n for n, _ in layer.named_parameters())
    assert isinstance(flow, GradFlow)


def test_bad_calls_and_no_gui_backend(tmp_path):
    with pytest.raises(TypeError, match="expects a Module or a Tensor"):
        plot_grad_flow([1, 2])
    with pytest.raises(ValueError, match="kind must be"):
        plot_grad_flow(nn.Linear(2, 2), kind="bars")
    with pytest.raises(ValueError, match="call backward"):
        plot_grad_flow(nn.Linear(2, 2))
    model = nn.Linear(2, 1)
    model(minigrad.randn(3, 2)).sum().backward()
    with pytest.raises(ValueError, match="no time steps"):
        plot_grad_flow(model, kind="steps")
    # Plotting picks no GUI backend: pyplot is never imported.
    code = (
        "import sys, minigrad; from minigrad import nn; from minigrad.viz import plot_grad_flow; "
        "m = nn.Linear(2, 1); m(minigrad.randn(3, 2)).sum().backward(); plot_grad_flow(m).savefig(sys.argv[1]); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "flow.png")], capture_output=True, text=True,
                         check=True, env={**os.environ, "MPLBACKEND": ""})
    assert out.stdout.strip() == "False"
    assert (tmp_path / "flow.png").read_bytes()[:4] == b"\x89PNG"
