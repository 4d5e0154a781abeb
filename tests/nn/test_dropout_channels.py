"""``Dropout1d``, ``Dropout2d``, ``AlphaDropout`` and their functions: reprs, errors and warnings (stored PyTorch
strings and live PyTorch), whole channels kept or dropped, the drop rate and scale, the gradient (the same mask),
AlphaDropout's two output values (against PyTorch's) and its preserved mean and variance, train vs eval."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, torch_namespace, warnings_of

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REPRS = {
    "Dropout1d(p=0.5, inplace=False)": lambda L: L.nn.Dropout1d(),
    "Dropout2d(p=0.2, inplace=True)": lambda L: L.nn.Dropout2d(0.2, True),
    "AlphaDropout(p=0.1, inplace=False)": lambda L: L.nn.AlphaDropout(0.1),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


ONES = np.ones((2, 3), np.float32)
ERRORS = {
    "dropout1d_rank4": (lambda L: L.F.dropout1d(L.t(np.ones((2, 3, 4, 5), np.float32))), "RuntimeError",
                        "dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to "
                        "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
                        "optional batch dimension (i.e. 2D or 3D inputs)."),
    "dropout1d_rank1": (lambda L: L.nn.Dropout1d()(L.t(np.ones(3, np.float32))), "RuntimeError",
                        "dropout1d: Expected 2D or 3D input, but received a 1D input. Note that dropout1d exists to "
                        "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
                        "optional batch dimension (i.e. 2D or 3D inputs)."),
    "dropout1d_p": (lambda L: L.F.dropout1d(L.t(ONES), p=1.5), "ValueError",
                    "dropout probability has to be between 0 and 1, but got 1.5"),
    "dropout1d_module_p": (lambda L: L.nn.Dropout1d(p=1.5), "ValueError",
                           "dropout probability has to be between 0 and 1, but got 1.5"),
    "dropout2d_module_p": (lambda L: L.nn.Dropout2d(p=-0.1), "ValueError",
                           "dropout probability has to be between 0 and 1, but got -0.1"),
    "alpha_module_p": (lambda L: L.nn.AlphaDropout(p=2), "ValueError",
                       "dropout probability has to be between 0 and 1, but got 2"),
    "alpha_p": (lambda L: L.F.alpha_dropout(L.t(ONES), p=2, training=True), "ValueError",
                "dropout probability has to be between 0 and 1, but got 2"),
    "dropout2d_rank1": (lambda L: L.F.dropout2d(L.t(np.ones(3, np.float32)), training=True), "RuntimeError",
                        "Feature dropout requires at least 2 dimensions in the input"),
    "dropout1d_int": (lambda L: L.F.dropout1d(L.t(np.ones((2, 3), np.int64))), "RuntimeError",
                      "result type Float can't be cast to the desired output type Long"),
    "dropout2d_int": (lambda L: L.F.dropout2d(L.t(np.ones((2, 3, 2, 2), np.int64))), "RuntimeError",
                      "result type Float can't be cast to the desired output type Long"),
    "alpha_int": (lambda L: L.F.alpha_dropout(L.t(np.ones((2, 3), np.int64)), 0.5, True), "RuntimeError",
                  "result type Float can't be cast to the desired output type Long"),
    "dropout2d_inplace_leaf": (lambda L: L.F.dropout2d(L.t(np.ones((2, 3, 2, 2), np.float32), requires_grad=True),
                                                       inplace=True), "RuntimeError",
                               "a leaf Variable that requires grad is being used in an in-place operation."),
}


@pytest.mark.filterwarnings("ignore:dropout2d")
@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.filterwarnings("ignore:dropout2d")
@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (2, 3, 4, 5), (2, 3, 2, 2, 2)])
def test_dropout2d_warnings_match_torch(shape):
    torch = pytest.importorskip("torch")
    x = np.ones(shape, np.float32)
    mine = warnings_of(lambda: F.dropout2d(mg.tensor(x)))
    assert mine == warnings_of(lambda: torch.nn.functional.dropout2d(torch.tensor(x)))
    assert len(mine) == (0 if len(shape) == 4 else 1)


def _channels_whole(y: np.ndarray, channel_dims: int, scale: float) -> np.ndarray:
    """Assert each channel is all zeros or all ``scale`` (input of ones); return the kept-channel mask."""
    flat = y.reshape(*y.shape[:channel_dims], -1)
    kept = flat[..., 0] != 0
    np.testing.assert_allclose(flat, np.broadcast_to((kept * scale)[..., None], flat.shape), rtol=1e-6)
    return kept


@pytest.mark.parametrize("fn,shape,channel_dims", [
    (F.dropout1d, (40, 50, 6), 2), (F.dropout1d, (500, 6), 1), (F.dropout2d, (40, 50, 2, 3), 2),
    (F.dropout2d, (40, 50, 6), 2),
])
def test_whole_channels_are_kept_or_dropped_at_rate_p(fn, shape, channel_dims, recwarn):
    mg.manual_seed(0)
    y = fn(mg.ones(*shape), p=0.3).numpy()
    kept = _channels_whole(y, channel_dims, 1 / 0.7)
    assert abs(kept.mean() - 0.7) < 0.05  # 2000 or 500 channels: within ~4 standard deviations


@pytest.mark.parametrize("module,shape", [(nn.Dropout1d(0.4), (4, 3, 5)), (nn.Dropout2d(0.4), (4, 3, 5, 2)),
                                          (nn.AlphaDropout(0.4), (4, 3, 5))], ids=repr)
def test_eval_mode_is_the_identity_and_train_mode_is_not(module, shape):
    x = mg.randn(*shape)
    assert module.eval()(x) is x
    mg.manual_seed(0)
    assert not np.array_equal(module.train()(x).numpy(), x.numpy())


@pytest.mark.parametrize("fn,shape", [(F.dropout1d, (5, 4, 3)), (F.dropout2d, (5, 4, 3, 2))])
def test_gradient_is_the_mask_times_the_scale(fn, shape):
    mg.manual_seed(3)
    x = mg.tensor(np.random.default_rng(0).uniform(1, 2, shape), requires_grad=True)
    y = fn(x, p=0.5)
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(mg.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), g * (y.detach().numpy() / x.detach().numpy()), rtol=1e-12)


def test_p_one_gives_zeros_and_p_zero_the_input():
    x = mg.randn(2, 3, 4)
    np.testing.assert_array_equal(F.dropout1d(x, 1.0).numpy(), np.zeros((2, 3, 4)))
    np.testing.assert_array_equal(F.alpha_dropout(x, 1.0, True).numpy(), np.zeros((2, 3, 4)))
    assert F.dropout1d(x, 0.0) is x and F.alpha_dropout(x, 0.0, True) is x
    assert F.alpha_dropout(x, 0.5) is x  # training defaults to False


def test_inplace_channel_dropout_writes_into_the_input():
    mg.manual_seed(0)
    x = mg.ones(20, 3, 4)
    y = nn.Dropout1d(0.5, inplace=True)(x)
    assert y is x and x._version == 1
    _channels_whole(x.numpy(), 2, 2.0)


def test_same_seed_same_mask():
    x = mg.ones(8, 4, 3)
    mg.manual_seed(5)
    a = F.dropout1d(x, 0.5).numpy()
    mg.manual_seed(5)
    np.testing.assert_array_equal(F.dropout1d(x, 0.5).numpy(), a)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_alpha_dropout_takes_pytorchs_two_values(p):
    torch = pytest.importorskip("torch")
    theirs = np.unique(torch.nn.functional.alpha_dropout(torch.ones(4000, dtype=torch.float64), p, True).numpy())
    mg.manual_seed(0)
    mine = np.unique(F.alpha_dropout(mg.ones(4000, dtype=mg.float64), p, True).numpy())
    np.testing.assert_allclose(mine, theirs, rtol=1e-14)


def test_alpha_dropout_values_and_gradient():
    p, alpha = 0.3, 1.7580993408473766
    a = 1 / np.sqrt((alpha * alpha * p + 1) * (1 - p))
    x = mg.tensor(np.random.default_rng(0).standard_normal(1000), requires_grad=True)
    mg.manual_seed(1)
    y = F.alpha_dropout(x, p, True)
    dropped = np.isclose(y.detach().numpy(), a * p * alpha - a * alpha)
    np.testing.assert_allclose(y.detach().numpy()[~dropped], a * x.detach().numpy()[~dropped] + a * alpha * p,
                               rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(dropped, 0.0, a))


def test_alpha_dropout_keeps_zero_mean_unit_variance():
    mg.manual_seed(2)
    x = mg.tensor(np.random.default_rng(2).standard_normal(200_000))
    y = nn.AlphaDropout(0.4)(x).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.02
