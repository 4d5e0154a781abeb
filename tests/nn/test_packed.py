"""Packed sequences: ``minigrad.nn.utils.rnn`` and ``RNN``/``LSTM``/``GRU`` over a ``PackedSequence``.

References: ``tests/fixtures/packed_golden.npz`` (made by ``tests/golden/make_packed_fixtures.py``) always, and
PyTorch itself on fresh numbers when ``torch`` is importable; hand-computed packed layouts; and a property: the
values in the padding never change an output or a gradient (the padding's own gradient is exactly zero).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import rnn as R
from minigrad.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
)

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
_spec = importlib.util.spec_from_file_location("make_packed_fixtures", TESTS / "golden" / "make_packed_fixtures.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

from golden.packing import load  # noqa: E402

TOL = 1e-10


@pytest.fixture(scope="module")
def fixture_items():
    return load(golden.FIXTURE_FILE)


def case_arrays(items: dict, name: str) -> dict:
    prefix = f"{name}/"
    return {k[len(prefix):]: v for k, v in items.items() if k.startswith(prefix)}


def run_minigrad(name: str, arrays: dict, x_values: np.ndarray | None = None) -> dict:
    """Pack the case's padded input, run the layer with PyTorch's weights, backprop the fixture's loss."""
    case = golden.CASES[name]
    module = getattr(nn, case["kind"])(**case["args"], dtype=mg.float64)
    module.load_state_dict({k[len("param."):]: v for k, v in arrays.items() if k.startswith("param.")})
    x = mg.tensor(arrays["x"] if x_values is None else x_values, requires_grad=True)
    states = {k: mg.tensor(arrays[k], requires_grad=True) for k in ("hx", "cx") if k in arrays}
    hx = None
    if states:
        hx = (states["hx"], states["cx"]) if case["kind"] == "LSTM" else states["hx"]
    packed = pack_padded_sequence(
        x, case["lengths"], batch_first=case["args"].get("batch_first", False), enforce_sorted=case["enforce_sorted"]
    )
    out, hn = module(packed, hx)
    assert isinstance(out, PackedSequence)
    results = {"out": out.data, "hn": hn[0] if case["kind"] == "LSTM" else hn}
    if case["kind"] == "LSTM":
        results["cn"] = hn[1]
    loss = None
    for key, value in results.items():
        term = (value * mg.tensor(arrays[f"g.{key}"])).sum()
        loss = term if loss is None else loss + term
    loss.backward()
    found = {k: v.detach().numpy() for k, v in results.items()}
    found["batch_sizes"] = out.batch_sizes.numpy()
    if out.sorted_indices is not None:
        found["sorted_indices"] = out.sorted_indices.numpy()
        found["unsorted_indices"] = out.unsorted_indices.numpy()
    else:
        assert out.unsorted_indices is None
    found["grad.x"] = x.grad.numpy()
    for key, state in states.items():
        found[f"grad.{key}"] = state.grad.numpy()
    for n, p in module.named_parameters():
        found[f"grad.param.{n}"] = p.grad.numpy()
    return found


def assert_matches(found: dict, expected: dict) -> None:
    wanted = {k for k in expected if k in ("out", "hn", "cn", "batch_sizes", "sorted_indices", "unsorted_indices")
              or k.startswith("grad.")}
    assert set(found) == wanted
    for key in sorted(wanted):
        assert found[key].shape == expected[key].shape, key
        if expected[key].dtype == np.int64:
            assert found[key].dtype == np.int64, key
            np.testing.assert_array_equal(found[key], expected[key], err_msg=key)
        else:
            np.testing.assert_allclose(found[key], expected[key], rtol=TOL, atol=TOL, err_msg=key)


# ---- the layers against PyTorch ---------------------------------------------------------------------------------

def test_fixture_file_holds_every_case_of_the_script(fixture_items):
    assert {k.split("/")[0] for k in fixture_items} == set(golden.CASES)
    for name, case in golden.CASES.items():
        assert json.loads(fixture_items[f"{name}/config"]) == case, f"{name}: re-run the golden script"


def test_the_cases_cover_every_kind_and_option():
    cases = golden.CASES.values()
    assert {c["kind"] for c in cases} == {"RNN", "LSTM", "GRU"}
    for kind in ("RNN", "LSTM", "GRU"):
        args = [c["args"] for c in cases if c["kind"] == kind]
        assert {a.get("num_layers", 1) for a in args} >= {1, 2}
        for option in ("bidirectional", "batch_first"):
            assert any(a.get(option) for a in args), (kind, option)
    assert any(c["enforce_sorted"] for c in cases) and any(not c["enforce_sorted"] for c in cases)
    assert all(c["lengths"] != sorted(c["lengths"], reverse=True) for c in cases if not c["enforce_sorted"])


@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_pytorch_fixture(fixture_items, name):
    arrays = case_arrays(fixture_items, name)
    assert_matches(run_minigrad(name, arrays), arrays)


@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_live_pytorch(name):
    pytest.importorskip("torch")
    arrays = golden.run_torch(name, seed_offset=1000)
    assert_matches(run_minigrad(name, arrays), arrays)


def padding_mask(case: dict) -> np.ndarray:
    """True at the padded steps of the case's input (shaped like the input)."""
    lengths = np.array(case["lengths"])
    steps = max(case["lengths"])
    mask = np.arange(steps)[:, None] >= lengths[None, :]  # (T, B)
    if case["args"].get("batch_first", False):
        mask = mask.T
    return np.broadcast_to(mask[..., None], golden.input_shape(case))


@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(sorted(golden.CASES)), fill=st.sampled_from([0.0, 1e6, -3.5, np.nan]),
       seed=st.integers(0, 2**16))
def test_padding_values_never_reach_outputs_or_gradients(name, fill, seed):
    items = load(golden.FIXTURE_FILE)
    arrays = case_arrays(items, name)
    mask = padding_mask(golden.CASES[name])
    noisy = np.where(mask, np.random.default_rng(seed).standard_normal(mask.shape) * 1e3, arrays["x"])
    filled = np.where(mask, fill, arrays["x"])
    first, second = run_minigrad(name, arrays, noisy), run_minigrad(name, arrays, filled)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)
    assert np.all(first["grad.x"][mask] == 0.0)
    assert np.any(first["grad.x"][~mask] != 0.0)


def test_final_states_are_each_sequences_own_last_step():
    """h_n of the forward direction is the output at step length-1, of the reverse direction at step 0."""
    lengths = [2, 5, 3]
    rnn = nn.GRU(3, 4, bidirectional=True, dtype=mg.float64)
    x = mg.tensor(np.random.default_rng(0).standard_normal((5, 3, 3)))
    out, hn = rnn(pack_padded_sequence(x, lengths, enforce_sorted=False))
    padded, _ = pad_packed_sequence(out)
    for b, n in enumerate(lengths):
        np.testing.assert_array_equal(hn.detach().numpy()[0, b], padded.detach().numpy()[n - 1, b, :4])
        np.testing.assert_array_equal(hn.detach().numpy()[1, b], padded.detach().numpy()[0, b, 4:])
        # and each sequence alone gives the same numbers as the packed batch
        alone_out, alone_hn = rnn(x[:n, b:b + 1])
        np.testing.assert_allclose(alone_out.detach().numpy()[:, 0], padded.detach().numpy()[:n, b],
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(alone_hn.detach().numpy()[:, 0], hn.detach().numpy()[:, b], rtol=1e-12, atol=1e-12)


def test_packed_input_errors_match_pytorch():
    torch = pytest.importorskip("torch")
    from torch.nn.utils.rnn import pack_padded_sequence as torch_pack

    x = np.random.default_rng(1).standard_normal((4, 3, 3))
    for kind, bad in (("RNN", np.zeros((1, 2, 4))), ("GRU", np.zeros((1, 3, 5)))):
        ours = getattr(nn, kind)(3, 4, dtype=mg.float64)
        theirs = getattr(torch.nn, kind)(3, 4, dtype=torch.float64)
        with pytest.raises(RuntimeError) as got:
            ours(pack_padded_sequence(mg.tensor(x), [4, 3, 1]), mg.tensor(bad))
        with pytest.raises(RuntimeError) as want:
            theirs(torch_pack(torch.tensor(x), [4, 3, 1]), torch.tensor(bad))
        assert str(got.value) == str(want.value)
        wide = np.zeros((4, 3, 5))
        with pytest.raises(RuntimeError) as got:
            ours(pack_padded_sequence(mg.tensor(wide), [4, 3, 1]))
        with pytest.raises(RuntimeError) as want:
            theirs(torch_pack(torch.tensor(wide), [4, 3, 1]))
        assert str(got.value) == str(want.value)


def test_packed_lstm_state_errors_name_the_state():
    """PyTorch 2.13's packed float64 LSTM has no message of its own here (a broadcast error, or a crash), so
    minigrad uses the words of its padded-input check."""
    lstm = nn.LSTM(3, 4, dtype=mg.float64)
    packed = pack_padded_sequence(mg.tensor(np.zeros((4, 3, 3))), [4, 3, 1])
    with pytest.raises(RuntimeError, match=r"^Expected hidden\[0\] size \(1, 3, 4\), got \[1, 2, 4\]$"):
        lstm(packed, (mg.tensor(np.zeros((1, 2, 4))), mg.tensor(np.zeros((1, 3, 4)))))
    with pytest.raises(RuntimeError, match=r"^Expected hidden\[1\] size \(1, 3, 4\), got \[1, 3, 5\]$"):
        lstm(packed, (mg.tensor(np.zeros((1, 3, 4))), mg.tensor(np.zeros((1, 3, 5)))))


# ---- pack / pad functions ----------------------------------------------------------------------------------------

def test_pack_padded_sequence_layout_by_hand():
    # sequence b holds 10*b + t at step t; lengths 2, 4, 1 -> sorted order 1, 0, 2
    x = mg.tensor(np.array([[10.0 * b + t for b in range(3)] for t in range(4)])[..., None])
    packed = pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    assert packed.data.numpy()[:, 0].tolist() == [10.0, 0.0, 20.0, 11.0, 1.0, 12.0, 13.0]
    assert packed.batch_sizes.numpy().tolist() == [3, 2, 1, 1]
    assert packed.batch_sizes.numpy().dtype == np.int64
    assert packed.sorted_indices.numpy().tolist() == [1, 0, 2]
    assert packed.unsorted_indices.numpy().tolist() == [1, 0, 2]
    sorted_packed = pack_padded_sequence(x, [4, 2, 1])
    assert sorted_packed.sorted_indices is None and sorted_packed.unsorted_indices is None
    assert sorted_packed.data.numpy()[:, 0].tolist() == [0.0, 10.0, 20.0, 1.0, 11.0, 2.0, 3.0]


def test_packed_sequence_is_a_named_tuple_and_computes_unsorted_indices():
    data, sizes = mg.tensor(np.ones((3, 2))), mg.tensor(np.array([2, 1]))
    p = PackedSequence(data, sizes, mg.tensor(np.array([2, 0, 1])))
    assert p.unsorted_indices.numpy().tolist() == [1, 2, 0]
    d, b, s, u = p
    assert d is data and b is sizes and p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
@pytest.mark.parametrize("lengths", [[5, 3, 3, 1], [2, 5, 1, 5], [1], [3, 3]])
def test_pack_and_pad_match_pytorch(lengths, enforce_sorted, batch_first):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as T

    if enforce_sorted and lengths != sorted(lengths, reverse=True):
        return  # the unsorted + enforce_sorted error has its own test
    rng = np.random.default_rng(len(lengths))
    steps, batch = max(lengths), len(lengths)
    shape = (batch, steps, 2, 3) if batch_first else (steps, batch, 2, 3)
    x = rng.standard_normal(shape)
    ours = pack_padded_sequence(mg.tensor(x), mg.tensor(np.array(lengths)), batch_first, enforce_sorted)
    theirs = T.pack_padded_sequence(torch.tensor(x), torch.tensor(lengths), batch_first, enforce_sorted)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.batch_sizes.numpy(), theirs.batch_sizes.numpy())
    for field in ("sorted_indices", "unsorted_indices"):
        a, b = getattr(ours, field), getattr(theirs, field)
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    for total in (None, steps + 2):
        padded, lens = pad_packed_sequence(ours, batch_first, -7.0, total)
        t_padded, t_lens = T.pad_packed_sequence(theirs, batch_first, -7.0, total)
        np.testing.assert_array_equal(padded.numpy(), t_padded.numpy())
        assert lens.numpy().dtype == np.int64 and lens.numpy().tolist() == t_lens.tolist()
    seqs = [rng.standard_normal((n, 3)) for n in lengths]
    for side in ("right", "left"):
        np.testing.assert_array_equal(
            pad_sequence([mg.tensor(s) for s in seqs], batch_first, 2.5, side).numpy(),
            T.pad_sequence([torch.tensor(s) for s in seqs], batch_first, 2.5, side).numpy(),
        )
    ours_seq = pack_sequence([mg.tensor(s) for s in seqs], enforce_sorted)
    theirs_seq = T.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted)
    np.testing.assert_array_equal(ours_seq.data.numpy(), theirs_seq.data.numpy())
    np.testing.assert_array_equal(ours_seq.batch_sizes.numpy(), theirs_seq.batch_sizes.numpy())


def test_pad_sequence_by_hand_both_sides():
    a, b = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([4.0])
    assert pad_sequence([a, b], padding_value=-1.0).numpy().tolist() == [[1.0, 4.0], [2.0, -1.0], [3.0, -1.0]]
    assert pad_sequence([a, b], batch_first=True, padding_side="left").numpy().tolist() == [
        [1.0, 2.0, 3.0], [0.0, 0.0, 4.0]]


def test_round_trip_and_gradients_reach_the_padded_input():
    rng = np.random.default_rng(3)
    lengths = [3, 1, 4]
    x = mg.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)  # batch_first
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    padded, lens = pad_packed_sequence(packed, batch_first=True, padding_value=9.0)
    mask = np.arange(4)[None, :] < np.array(lengths)[:, None]
    np.testing.assert_array_equal(padded.detach().numpy()[mask], x.detach().numpy()[mask])
    assert np.all(padded.detach().numpy()[~mask] == 9.0) and lens.numpy().tolist() == lengths
    weights = rng.standard_normal(padded.detach().numpy().shape)
    (padded * mg.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.where(mask[..., None], weights, 0.0))


def test_pad_sequence_and_pack_sequence_pass_gradients_back():
    rng = np.random.default_rng(4)
    seqs = [mg.tensor(rng.standard_normal((n, 2)), requires_grad=True) for n in (2, 4, 3)]
    packed = pack_sequence(seqs, enforce_sorted=False)
    weights = rng.standard_normal(packed.data.detach().numpy().shape)
    (packed.data * mg.tensor(weights)).sum().backward()
    # the packed rows of sequence b are found by value: every step is a distinct random row
    for s in seqs:
        for t in range(s.detach().numpy().shape[0]):
            row = np.flatnonzero((packed.data.detach().numpy() == s.detach().numpy()[t]).all(axis=1))
            assert row.size == 1
            np.testing.assert_array_equal(s.grad.numpy()[t], weights[row[0]])


# ---- errors, by PyTorch's messages ---------------------------------------------------------------------------------

UNSORTED = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
    "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do "
    "not need ONNX exportability."
)
ZERO = "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"


def error_cases(lib, rnn_utils, t):
    x = t(np.zeros((4, 3, 2)))
    return {
        "unsorted": lambda: rnn_utils.pack_padded_sequence(x, [2, 3, 1]),
        "unsorted_sequences": lambda: rnn_utils.pack_sequence([t(np.zeros((2, 1))), t(np.zeros((3, 1)))]),
        "zero_length_unsorted": lambda: rnn_utils.pack_padded_sequence(x, [3, 0, 1], enforce_sorted=False),
        "zero_length_sorted": lambda: rnn_utils.pack_padded_sequence(x, [3, 1, 0]),
        "too_few_lengths": lambda: rnn_utils.pack_padded_sequence(x, [3, 2]),
        "total_length_too_small": lambda: rnn_utils.pad_packed_sequence(
            rnn_utils.pack_padded_sequence(x, [3, 2, 1]), total_length=2),
        "bad_padding_side": lambda: rnn_utils.pad_sequence([t(np.zeros((2, 2)))], padding_side="middle"),
    }


def raised(call):
    try:
        call()
    except Exception as err:
        return type(err).__name__, str(err)
    raise AssertionError("no error")


def test_errors_by_message():
    ours = {k: raised(c) for k, c in error_cases(mg, R, lambda a: mg.tensor(a)).items()}
    assert ours["unsorted"] == ("RuntimeError", UNSORTED)
    assert ours["unsorted_sequences"] == ("RuntimeError", UNSORTED)
    assert ours["zero_length_unsorted"] == ("RuntimeError", ZERO)
    assert ours["total_length_too_small"] == (
        "ValueError",
        "Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 "
        "and max sequence length being 3",
    )
    assert ours["too_few_lengths"] == (
        "RuntimeError", "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)")
    assert ours["zero_length_sorted"] == ("RuntimeError", ZERO)
    assert ours["bad_padding_side"] == (
        "RuntimeError", "Expected padding_side to be one of left or right, but got middle.")


def test_errors_match_live_pytorch():
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as T

    ours = {k: raised(c) for k, c in error_cases(mg, R, lambda a: mg.tensor(a)).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = {k: raised(c) for k, c in error_cases(torch, T, lambda a: torch.tensor(a)).items()}
    assert ours == theirs
