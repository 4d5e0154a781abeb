"""``minigrad.save`` / ``minigrad.load`` and ``Module.load_state_dict``: round trips in ``tmp_path``, files that
would run code when unpickled are refused without running it, and wrong keys or shapes fail with PyTorch's message
(stored and live) while changing nothing."""

from __future__ import annotations

import builtins
import io
import math
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from nn_test_utils import as_minigrad_text

import minigrad as mg
from minigrad import nn


def model():
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2, bias=False), nn.Embedding(5, 2))


# ---- round trips -----------------------------------------------------------------------------------------
def test_state_dict_round_trip(tmp_path):
    src = model()
    path = tmp_path / "model.pt"
    mg.save(src.state_dict(), path)
    assert path.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # no extension added
    loaded = mg.load(path)
    assert isinstance(loaded, OrderedDict)
    assert list(loaded) == list(src.state_dict())
    for key, value in src.state_dict().items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key].numpy(), value.numpy())
    dst = model()
    dst.load_state_dict(mg.load(path))
    x = mg.randn(2, 3)
    np.testing.assert_array_equal(dst[:3](x).detach().numpy(), src[:3](x).detach().numpy())


def test_flat_archive_is_plain_numpy(tmp_path):
    layer = nn.Linear(3, 2, dtype=mg.float64)
    mg.save(layer.state_dict(), tmp_path / "layer.npz")
    with np.load(tmp_path / "layer.npz", allow_pickle=False) as data:
        assert data.files == ["weight", "bias"]
        np.testing.assert_array_equal(data["weight"], layer.weight.detach().numpy())


def test_numpy_savez_archive_loads_as_state_dict(tmp_path):
    np.savez(tmp_path / "w.npz", weight=np.ones((2, 3), np.float32), bias=np.zeros(2, np.float32))
    layer = nn.Linear(3, 2)
    layer.load_state_dict(mg.load(tmp_path / "w.npz"))
    np.testing.assert_array_equal(layer.weight.detach().numpy(), 1.0)


def test_nested_checkpoint_round_trip(tmp_path):
    layer = nn.Linear(2, 2)
    checkpoint = {
        "model": layer.state_dict(),
        "optimizer": {"state": {0: {"step": 3, "exp_avg": mg.ones(2, 2)}},
                      "param_groups": [{"lr": 0.1, "params": [0, 1]}]},
        "epoch": 7, "loss": float("nan"), "best": math.inf, "name": "run-1", "done": False, "note": None,
        "shape": (2, 3), "array": np.arange(4, dtype=np.int32), "flag": mg.tensor([True, False]),
        "param": mg.tensor([1.0, 2.0], requires_grad=True),
    }
    buf = io.BytesIO()
    mg.save(checkpoint, buf)
    buf.seek(0)
    back = mg.load(buf)
    assert list(back) == list(checkpoint)
    assert isinstance(back["model"], OrderedDict) and list(back["model"]) == ["weight", "bias"]
    np.testing.assert_array_equal(back["model"]["weight"].numpy(), layer.weight.detach().numpy())
    assert list(back["optimizer"]["state"]) == [0]  # int keys stay ints
    assert back["optimizer"]["state"][0]["step"] == 3
    np.testing.assert_array_equal(back["optimizer"]["state"][0]["exp_avg"].numpy(), np.ones((2, 2)))
    assert back["optimizer"]["param_groups"] == [{"lr": 0.1, "params": [0, 1]}]
    assert back["epoch"] == 7 and math.isnan(back["loss"]) and back["best"] == math.inf
    assert (back["name"], back["done"], back["note"], back["shape"]) == ("run-1", False, None, (2, 3))
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == np.int32
    assert back["flag"].dtype == mg.bool and back["param"].requires_grad


def test_single_tensor_round_trip(tmp_path):
    t = mg.randn(3, dtype=mg.float64)
    mg.save(t, tmp_path / "t.bin")
    np.testing.assert_array_equal(mg.load(tmp_path / "t.bin").numpy(), t.numpy())


def test_save_refuses_a_non_numeric_array(tmp_path):
    with pytest.raises(TypeError, match="minigrad.save"):
        mg.save({"w": np.array(["a", "b"])}, tmp_path / "x.npz")


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.rnn = nn.GRU(3, 4)


def test_a_whole_module_saves_and_loads_back_with_weights_only_false(tmp_path):
    model = _Net()
    mg.save(model, tmp_path / "model.pt")
    back = mg.load(tmp_path / "model.pt", weights_only=False)
    assert type(back) is _Net and repr(back) == repr(model)
    for (name, p), (name2, q) in zip(model.named_parameters(), back.named_parameters()):
        assert name == name2 and q.requires_grad
        np.testing.assert_array_equal(q.detach().numpy(), p.detach().numpy())
    out, _ = back.rnn(back.fc(mg.randn(5, 1, 2)))
    assert out.shape == (5, 1, 4)


def test_loading_a_whole_module_by_default_refuses_as_pytorch_does(tmp_path):
    mg.save(_Net(), tmp_path / "model.pt")
    with pytest.raises(pickle.UnpicklingError) as err:
        mg.load(tmp_path / "model.pt")
    message = str(err.value)
    assert message.startswith("Weights only load failed. This file can still be loaded")
    assert "`weights_only` set to `False`" in message
    assert f"GLOBAL {__name__}._Net was not an allowed global by default" in message


def test_the_refusal_runs_nothing_from_the_file(tmp_path, no_payload):
    mg.save({"payload": _Payload()}, tmp_path / "evil.pt")  # pickled: a _Payload is no plain value
    with pytest.raises(pickle.UnpicklingError):
        mg.load(tmp_path / "evil.pt")


def test_the_refusal_is_pytorchs_error_live(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(torch.nn.Sequential(torch.nn.Linear(2, 1)), tmp_path / "t.pt")
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(tmp_path / "t.pt")
    mg.save(_Net(), tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError) as ours:
        mg.load(tmp_path / "m.pt")
    assert type(ours.value) is type(theirs.value)
    first = "Weights only load failed. This file can still be loaded, to do so you have two options,"
    assert str(ours.value).startswith(first) and str(theirs.value).startswith(first)


# ---- loading can never run code --------------------------------------------------------------------------
class _Payload:
    """Unpickling this object would set a flag on ``builtins``: proof that code ran."""

    def __reduce__(self):
        return (exec, ("import builtins; builtins._minigrad_payload_ran = True",))


@pytest.fixture
def no_payload():
    yield
    assert not hasattr(builtins, "_minigrad_payload_ran"), "loading a file ran code from it"


def test_archive_with_pickled_object_is_refused(tmp_path, no_payload):
    path = tmp_path / "evil.npz"
    np.savez(path, weight=np.ones(2), evil=np.array([_Payload()], dtype=object))
    with pytest.raises(ValueError, match="minigrad never unpickles"):
        mg.load(path)


def test_pickle_file_is_refused(tmp_path, no_payload):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"weight": _Payload()}))
    with pytest.raises(ValueError, match="minigrad never unpickles"):
        mg.load(path)


def test_npy_entry_with_pickled_object_inside_our_format_is_refused(tmp_path, no_payload):
    path = tmp_path / "evil.npz"
    buf = io.BytesIO()
    np.save(buf, np.array([_Payload()], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("__minigrad_structure__.npy", _npy_bytes(np.frombuffer(b'{"tensor": "0"}', np.uint8)))
        zf.writestr("0.npy", buf.getvalue())
    with pytest.raises(ValueError, match="minigrad never unpickles"):
        mg.load(path)


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def test_torch_save_file_is_refused(tmp_path, no_payload):
    torch = pytest.importorskip("torch")
    path = tmp_path / "torch.pt"
    torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(ValueError, match="not a numeric .npy array"):
        mg.load(path)


# ---- load_state_dict errors change nothing ----------------------------------------------------------------
def _snapshot(m: nn.Module):
    return {k: (v.numpy().copy(), v._version) for k, v in m.state_dict().items()}


def _assert_unchanged(m: nn.Module, snap) -> None:
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), snap[k][0])
        assert v._version == snap[k][1], k


class _NS:
    nn = nn


def _two_layers(L):
    return L.nn.Sequential(L.nn.Linear(3, 4), L.nn.Linear(4, 2))


def _bad_state(kind: str, to_tensor):
    good = {"0.weight": np.ones((4, 3), np.float32), "0.bias": np.ones(4, np.float32),
            "1.weight": np.ones((2, 4), np.float32), "1.bias": np.ones(2, np.float32)}
    if kind == "missing":
        del good["1.bias"]
    elif kind == "unexpected":
        good["2.weight"] = np.ones(1, np.float32)
    elif kind == "shape":
        good["0.weight"] = np.ones((4, 5), np.float32)
    elif kind == "all":
        del good["1.bias"]
        good["extra"] = np.ones(1, np.float32)
        good["0.bias"] = np.ones(5, np.float32)
    return {k: to_tensor(v) for k, v in good.items()}


STORED = {
    "missing": 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "1.bias". ',
    "unexpected": 'Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: "2.weight". ',
    "shape": "Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 0.weight: copying a param with "
             "shape minigrad.Size([4, 5]) from checkpoint, the shape in current model is minigrad.Size([4, 3]).",
    "all": 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "1.bias". \n\t'
           'Unexpected key(s) in state_dict: "extra". \n\tsize mismatch for 0.bias: copying a param with shape '
           "minigrad.Size([5]) from checkpoint, the shape in current model is minigrad.Size([4]).",
}


@pytest.mark.parametrize("kind", list(STORED))
def test_load_state_dict_error_names_keys_and_shapes_and_changes_nothing(kind):
    m = _two_layers(_NS)
    snap = _snapshot(m)
    with pytest.raises(RuntimeError) as err:
        m.load_state_dict(_bad_state(kind, np.asarray))
    assert str(err.value) == STORED[kind]
    _assert_unchanged(m, snap)


@pytest.mark.parametrize("kind", list(STORED))
def test_load_state_dict_error_matches_torch(kind):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        _two_layers(torch).load_state_dict(_bad_state(kind, torch.from_numpy))
    with pytest.raises(RuntimeError) as ours:
        _two_layers(_NS).load_state_dict(_bad_state(kind, mg.from_numpy))
    assert str(ours.value) == as_minigrad_text(str(theirs.value))


def test_non_strict_load_reports_and_loads_the_rest():
    m = _two_layers(_NS)
    snap = _snapshot(m)
    result = m.load_state_dict(_bad_state("missing", np.asarray) | {"extra": np.ones(1)}, strict=False)
    assert result.missing_keys == ["1.bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(m[0].weight.detach().numpy(), 1.0)
    assert m[1].weight._version == snap["1.weight"][1] + 1
    np.testing.assert_array_equal(m[1].bias.detach().numpy(), snap["1.bias"][0])  # missing: left as it was


def test_non_strict_shape_mismatch_still_fails_and_changes_nothing():
    m = _two_layers(_NS)
    snap = _snapshot(m)
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        m.load_state_dict(_bad_state("shape", np.asarray), strict=False)
    _assert_unchanged(m, snap)


def test_non_numeric_value_fails_and_changes_nothing():
    m = _two_layers(_NS)
    snap = _snapshot(m)
    state = _bad_state("none", np.asarray)
    state["1.bias"] = "not a tensor"
    with pytest.raises(RuntimeError, match='While copying the parameter named "1.bias"'):
        m.load_state_dict(state)
    _assert_unchanged(m, snap)


def test_loaded_values_are_copied_not_shared():
    layer = nn.Linear(2, 2)
    state = {"weight": np.zeros((2, 2), np.float32), "bias": np.zeros(2, np.float32)}
    array = layer.weight.detach().numpy()
    layer.load_state_dict(state)
    state["weight"][0, 0] = 5.0
    assert layer.weight.detach().numpy() is array and layer.weight.detach().numpy()[0, 0] == 0.0
