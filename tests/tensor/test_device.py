"""PyTorch's device idioms on a CPU-only library: ``device``, ``cuda.is_available``, ``Tensor.device``/``cpu``/
``to(device)``, ``Module.to(device)``, and the ``device=`` arguments; reprs and errors against live PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

CPU_SPELLINGS = ["cpu", "cpu:0", mg.device("cpu"), mg.device("cpu", 0), None]


@pytest.mark.parametrize("spec, text, shown", [
    (("cpu",), "cpu", "device(type='cpu')"),
    (("cpu:0",), "cpu:0", "device(type='cpu', index=0)"),
    (("cpu", 1), "cpu:1", "device(type='cpu', index=1)"),
    (("cuda",), "cuda", "device(type='cuda')"),
    (("cuda:1",), "cuda:1", "device(type='cuda', index=1)"),
])
def test_device_repr_str_and_equality(spec, text, shown):
    d = mg.device(*spec)
    assert (str(d), repr(d)) == (text, shown)
    assert d == mg.device(text) and hash(d) == hash(mg.device(text)) and d != text
    assert mg.device(d) == d


@pytest.mark.parametrize("bad", ["gpu", "cpu:x", "cuda:-1", "cpu:01"])
def test_a_bad_device_string_fails_in_pytorch_words(bad):
    with pytest.raises(RuntimeError) as err:
        mg.device(bad)
    torch = _torch_or_none()
    if torch is not None:
        with pytest.raises(RuntimeError) as want:
            torch.device(bad)
        assert str(err.value) == str(want.value)


def test_the_device_picking_idiom_picks_the_cpu():
    assert mg.cuda.is_available() is False and mg.cuda.device_count() == 0
    device = mg.device("cuda" if mg.cuda.is_available() else "cpu")
    assert device == mg.device("cpu")


def test_a_tensor_is_on_the_cpu_and_moving_it_there_changes_nothing():
    x = mg.tensor([[1.0, 2.0]], requires_grad=True)
    assert x.device == mg.device("cpu") and x.is_cuda is False
    assert x.cpu() is x
    for spelling in CPU_SPELLINGS[:-1]:
        assert x.to(spelling) is x
        assert x.to(device=spelling) is x
    y = x.to(mg.device("cpu"), mg.float64)
    assert y.dtype == mg.float64 and y.grad_fn.name() == "ToCopyBackward0"
    assert x.to("cpu", dtype=mg.float64).dtype == mg.float64
    assert x.to(mg.zeros(1, dtype=mg.float64)).dtype == mg.float64  # another tensor's dtype
    copied = x.to("cpu", copy=True)
    assert copied is not x and np.array_equal(copied.detach().numpy(), x.detach().numpy())
    assert copied.detach().numpy() is not x.detach().numpy()
    assert x.to(mg.float32) is x and x.to(x) is x


def test_the_usual_prediction_readout_runs():
    model = nn.Linear(3, 1).to(mg.device("cpu"))
    prediction = model(mg.ones(2, 3))
    values = prediction.cpu().detach().numpy()
    assert values.shape == (2, 1)
    expected = model.weight.detach().numpy().sum() + model.bias.detach().numpy()[0]
    np.testing.assert_allclose(values[:, 0], expected, rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda: mg.zeros(2).cuda(),
    lambda: mg.zeros(2).to("cuda"),
    lambda: mg.zeros(2).to(device=mg.device("cuda", 0)),
    lambda: mg.zeros(2, device="cuda"),
    lambda: mg.tensor([1.0], device="mps"),
    lambda: nn.Linear(2, 3).cuda(),
    lambda: nn.Linear(2, 3).to("cuda"),
    lambda: nn.RNN(2, 3, device="cuda"),
    lambda: nn.LSTMCell(2, 3, device="cuda"),
])
def test_any_other_device_is_refused_with_minigrads_message(call):
    with pytest.raises(RuntimeError, match="minigrad runs on the CPU only, got device="):
        call()


def test_a_refused_move_changes_nothing():
    model = nn.Linear(2, 3)
    before = model.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError):
        model.to("cuda", mg.float64)
    assert model.weight.dtype == mg.float32 and np.array_equal(model.weight.detach().numpy(), before)


@pytest.mark.parametrize("device", CPU_SPELLINGS)
def test_factories_and_layers_take_the_cpu_as_device(device):
    made = [
        mg.tensor([1.0], device=device), mg.zeros(2, device=device), mg.ones(2, device=device),
        mg.empty(2, device=device), mg.full((2,), 3.0, device=device), mg.randn(2, device=device),
        mg.rand(2, device=device), mg.randint(0, 3, (2,), device=device), mg.randperm(3, device=device),
        mg.arange(3, device=device), mg.linspace(0, 1, 3, device=device), mg.eye(2, device=device),
        mg.zeros_like(mg.ones(2), device=device), mg.ones_like(mg.ones(2), device=device),
        mg.full_like(mg.ones(2), 2.0, device=device),
    ]
    assert all(t.device == mg.device("cpu") for t in made)
    for layer in (nn.Linear(2, 3, device=device), nn.RNN(2, 3, device=device), nn.GRU(2, 3, device=device),
                  nn.LSTM(2, 3, device=device), nn.RNNCell(2, 3, device=device), nn.GRUCell(2, 3, device=device),
                  nn.LSTMCell(2, 3, device=device), nn.Embedding(4, 2, device=device)):
        assert all(p.device == mg.device("cpu") for p in layer.parameters())
        assert layer.cpu() is layer and layer.to(device) is layer


def test_module_to_takes_pytorchs_forms():
    model = nn.Linear(2, 3)
    assert model.to("cpu", mg.float64).weight.dtype == mg.float64
    assert model.to(dtype=mg.float32).weight.dtype == mg.float32
    assert model.to(mg.zeros(1, dtype=mg.float64)).weight.dtype == mg.float64
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes, but got "
                                        "desired dtype=minigrad.int64"):
        model.to(mg.int64)
    assert model.weight.dtype == mg.float64


def _torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def test_reprs_and_module_to_error_match_live_torch():
    torch = pytest.importorskip("torch")
    for text in ["cpu", "cpu:0", "cuda", "cuda:1"]:
        assert repr(mg.device(text)) == repr(torch.device(text)) and str(mg.device(text)) == str(torch.device(text))
    assert repr(mg.zeros(2).device) == repr(torch.zeros(2).device)
    with pytest.raises(TypeError) as want:
        torch.nn.Linear(2, 3).to(torch.int64)
    with pytest.raises(TypeError) as got:
        nn.Linear(2, 3).to(mg.int64)
    assert str(got.value) == str(want.value).replace("torch.", "minigrad.")
