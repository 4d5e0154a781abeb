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


@pytest.mark.parametrize("shape, dim", [((3, 4), None), ((5, 2), (1, 0)), ((2, 3, 4), (2, 0)), ((4, 2, 3), (-2, -1))])
@pytest.mark.parametrize("keepdim", [False, True])
def test_nuclear_norm_matches_numpy_and_gradchecks(shape, dim, keepdim):
    a = np.random.default_rng(5).standard_normal(shape)
    axes = (0, 1) if dim is None else dim
    expected = np.linalg.norm(a, "nuc", axis=axes, keepdims=keepdim)
    x = mg.tensor(a, requires_grad=True)
    np.testing.assert_allclose(x.norm("nuc", dim, keepdim).detach().numpy(), expected, rtol=1e-12)
    assert mg.gradcheck(lambda t: t.norm("nuc", dim, keepdim), (x,))


def test_nuclear_norm_of_empty_matrices_is_zero():
    assert mg.ones(3, 0).norm("nuc").item() == 0.0
    assert mg.ones(0, 3, 2).norm("nuc", dim=(1, 2)).shape == (0,)


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


@pytest.mark.parametrize("p", [3, 1.5, 0.5, -2])
def test_p_norm_takes_pytorchs_subgradient_at_zeros(p):
    # p >= 1: a zero norm has gradient 0 (not 0 / 0); p < 1: a zero element has gradient 0 (not 0 * inf)
    x = mg.tensor([[0.0, 0.0], [0.0, 2.0]], dtype=mg.float64, requires_grad=True)
    x.norm(p, dim=1).sum().backward()
    g = x.grad.numpy()
    assert g[0].tolist() == [0.0, 0.0] and g[1, 0] == 0.0
    if p > 0:
        assert g[1, 1] == pytest.approx(1.0)  # the norm of (0, 2) is 2 for every p > 0: d/dx2 = 1
    assert x.norm(p, dim=1).grad_fn.name() == "LinalgVectorNormBackward0"


@pytest.mark.parametrize("p", [-1, -2.5, float("inf"), float("-inf")])
def test_norms_without_an_identity_refuse_empty_dims_in_pytorchs_words(p):
    with pytest.raises(RuntimeError, match=f"^linalg.vector_norm cannot compute the {p:g} norm on an empty tensor "
                                           "because the operation does not have an identity$"):
        mg.ones(0, 2).norm(p)
    with pytest.raises(RuntimeError, match=f"the {p:g} norm on the dimension -2because this dimension is empty"):
        mg.ones(0, 2).norm(p, dim=-2)
    assert mg.ones(2, 0).norm(p, dim=0).shape == (0,)  # the reduced dim is not empty


def test_p_norms_match_live_pytorch_on_values_with_zeros_and_ties():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    for _ in range(400):
        p = float(rng.choice([3, 0.5, -2, 1.5, 4, -1, 0.3, 2.5, 0, 1, 2, np.inf, -np.inf]))
        shape = tuple(int(n) for n in rng.integers(1, 4, size=rng.integers(0, 4)))
        values = rng.choice([0.0, 0.0, 1.0, -2.0, 0.5, 3.0, -0.25], size=shape)
        dtype = str(rng.choice(["float64", "float32"]))
        dim = None if not shape or rng.random() < 0.3 else int(rng.integers(-len(shape), len(shape)))
        keepdim = bool(rng.random() < 0.3)
        got, want = [], []
        for lib, store in ((mg, got), (torch, want)):
            x = lib.tensor(values.astype(dtype), requires_grad=True)
            y = x.norm(p, dim, keepdim)
            cot = np.linspace(0.5, 1.5, y.numel()).reshape(tuple(y.shape)).astype(dtype)
            (y * lib.tensor(cot)).sum().backward()
            store += [y.detach().numpy(), None if x.grad is None else x.grad.numpy()]
        case = f"p={p} values={values.tolist()} {dtype} dim={dim} keepdim={keepdim}"
        np.testing.assert_allclose(got[0], want[0], rtol=1e-5, err_msg=case)
        assert (got[1] is None) == (want[1] is None), case
        if want[1] is not None:
            np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6, err_msg=case)


def test_nuclear_norm_of_non_finite_values_raises_pytorchs_error():
    with pytest.raises(RuntimeError, match="^linalg.svd: The algorithm failed to converge because the input matrix "
                                           "contained non-finite values.$"):
        mg.tensor([[1.0, float("nan")], [0.0, 1.0]]).norm("nuc")
