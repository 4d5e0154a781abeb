"""``Dropout`` and ``F.dropout``: the p check (stored PyTorch strings and live PyTorch), training vs eval, the
1/(1-p) scaling, the drop rate on a large sample, the gradient, in-place use and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

ERRORS = {
    "functional_above_one": (lambda L: L.F.dropout(L.t(np.ones(3, np.float32)), 1.5), "ValueError",
                             "dropout probability has to be between 0 and 1, but got 1.5"),
    "functional_negative": (lambda L: L.F.dropout(L.t(np.ones(3, np.float32)), -0.1), "ValueError",
                            "dropout probability has to be between 0 and 1, but got -0.1"),
    "functional_eval_still_checks": (lambda L: L.F.dropout(L.t(np.ones(3, np.float32)), 2.0, training=False),
                                     "ValueError", "dropout probability has to be between 0 and 1, but got 2.0"),
    "module": (lambda L: L.nn.Dropout(1.5), "ValueError", "dropout probability has to be between 0 and 1, but got 1.5"),
    "int_input": (lambda L: L.F.dropout(L.t(np.ones(3, np.int64)), 0.5), "RuntimeError",
                  "result type Float can't be cast to the desired output type Long"),
    "inplace_leaf": (lambda L: L.F.dropout(L.t(np.ones(3, np.float32), requires_grad=True), 0.5, inplace=True),
                     "RuntimeError", "a leaf Variable that requires grad is being used in an in-place operation."),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


REPRS = {
    "Dropout(p=0.5, inplace=False)": lambda L: L.nn.Dropout(),
    "Dropout(p=0.2, inplace=True)": lambda L: L.nn.Dropout(0.2, inplace=True),
    "Dropout(p=1, inplace=False)": lambda L: L.nn.Dropout(p=1),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_drop_rate_and_scaling(p):
    mg.manual_seed(0)
    x = mg.tensor(np.random.default_rng(1).uniform(1.0, 2.0, (300, 400)))  # never 0, so zeros mean "dropped"
    y = F.dropout(x, p).numpy()
    dropped = y == 0
    # 120,000 Bernoulli draws: the standard error of the rate is below 0.0015; 0.01 is > 6 of them.
    assert abs(dropped.mean() - p) < 0.01
    np.testing.assert_allclose(y[~dropped], x.numpy()[~dropped] / (1 - p), rtol=1e-15)


def test_gradient_is_the_mask_times_the_scale():
    mg.manual_seed(3)
    x = mg.tensor(np.random.default_rng(2).uniform(1.0, 2.0, (50, 40)), requires_grad=True)
    y = F.dropout(x, 0.3)
    g = np.random.default_rng(4).standard_normal((50, 40))
    y.backward(mg.tensor(g))
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, g / 0.7, 0.0), rtol=1e-15)


def test_p_one_zeroes_everything_and_p_zero_is_identity():
    x = mg.randn(4, 5, requires_grad=True)
    y = F.dropout(x, 1.0)
    np.testing.assert_array_equal(y.detach().numpy(), 0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)
    assert F.dropout(x, 0.0) is x


def test_eval_mode_returns_the_input():
    layer = nn.Dropout(0.5)
    x = mg.randn(3, 4)
    layer.eval()
    assert layer(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    layer.train()
    assert layer(x) is not x


def test_module_follows_the_parents_training_flag():
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.9))
    x = mg.ones(64, 3)
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model[0](x).detach().numpy())
    model.train()
    assert (model(x).detach().numpy() == 0).mean() > 0.5


def test_inplace_overwrites_a_non_leaf():
    mg.manual_seed(0)
    x = mg.ones(1000, requires_grad=True)
    h = x * 2.0
    out = F.dropout(h, 0.25, inplace=True)
    assert out is h
    assert set(np.unique(h.detach().numpy())) <= {0.0, np.float32(2.0 / 0.75)}
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), h.detach().numpy(), rtol=1e-6)  # d(2x * mask / 0.75)/dx


def test_manual_seed_makes_masks_reproducible():
    x = mg.ones(100)
    mg.manual_seed(5)
    a = F.dropout(x, 0.5).numpy()
    mg.manual_seed(5)
    b = F.dropout(x, 0.5).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, F.dropout(x, 0.5).numpy())


def test_float64_stays_float64():
    assert F.dropout(mg.randn(3, dtype=mg.float64), 0.5).dtype == mg.float64


@pytest.mark.parametrize("p", [0.3, 0.7])
def test_gradcheck_with_a_fixed_mask(p):
    def fn(x):
        mg.manual_seed(9)  # the same mask at every evaluation
        return nn.Dropout(p)(x)

    assert mg.gradcheck(fn, (mg.randn(4, 5, dtype=mg.float64, requires_grad=True),))
