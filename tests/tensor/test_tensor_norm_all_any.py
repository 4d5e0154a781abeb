"""Tensor.norm, all, any, and the minigrad.utils.data path, against numpy and finite differences."""

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize("p", ["fro", 2, 1, 3, 0.5, float("inf"), float("-inf")])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_norm_matches_numpy_and_gradchecks(p, dim):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4))
    ord_ = {"fro": 2, 2: 2, 1: 1, 3: 3, 0.5: 0.5, float("inf"): np.inf, float("-inf"): -np.inf}[p]
    expected = np.linalg.norm(a.ravel(), ord_) if dim is None else np.linalg.norm(a, ord_, axis=dim)
    x = mg.tensor(a, requires_grad=True)
    np.testing.assert_allclose(x.norm(p, dim).detach().numpy(), expected, rtol=1e-12)
    assert mg.gradcheck(lambda t: t.norm(p, dim), (x,))


def test_norm_rejects_unsupported_p_by_name():
    with pytest.raises(NotImplementedError, match="p='nuc'"):
        mg.ones(2, 2).norm("nuc")


def test_all_and_any_match_numpy_and_record_nothing():
    a = np.array([[1.0, 0.0], [2.0, 3.0]])
    x = mg.tensor(a, requires_grad=True)
    assert x.all().item() is False and x.any().item() is True
    np.testing.assert_array_equal(x.all(1).numpy(), a.all(1))
    np.testing.assert_array_equal(x.any(0, keepdim=True).numpy(), a.any(0, keepdims=True))
    assert x.all().grad_fn is None and x.all().dtype == mg.bool


def test_utils_data_is_the_data_package_under_pytorchs_path():
    from minigrad.utils.data import DataLoader, TensorDataset

    assert DataLoader is mg.data.DataLoader and TensorDataset is mg.data.TensorDataset
