"""multinomial: its draws follow the given distribution (minigrad's own generator, not PyTorch's numbers).

Error messages are compared with PyTorch in the ops error table (tests/golden/ops_cases.py).
"""

import numpy as np
import pytest

import minigrad as mg

P = np.array([0.05, 0.15, 0.3, 0.5])


def _frequencies(draws, n):
    return np.bincount(draws.ravel(), minlength=n) / draws.size


def test_with_replacement_frequencies_are_within_four_standard_errors():
    mg.manual_seed(0)
    n = 200_000
    draws = mg.multinomial(mg.tensor(P * 3.0), n, replacement=True).numpy()  # weights need not sum to 1
    assert draws.shape == (n,) and draws.dtype == np.int64
    se = np.sqrt(P * (1 - P) / n)
    assert np.all(np.abs(_frequencies(draws, 4) - P) < 4 * se)


def test_without_replacement_first_draw_follows_p_and_second_the_weights_left():
    mg.manual_seed(1)
    rows = 100_000
    w = mg.tensor(np.tile(P, (rows, 1)))
    draws = mg.multinomial(w, 2).numpy()
    assert draws.shape == (rows, 2)
    assert np.all(draws[:, 0] != draws[:, 1])
    first = _frequencies(draws[:, 0], 4)
    assert np.all(np.abs(first - P) < 4 * np.sqrt(P * (1 - P) / rows))
    # P(second = j) = sum over i != j of p_i * p_j / (1 - p_i).
    second = np.array([sum(P[i] * P[j] / (1 - P[i]) for i in range(4) if i != j) for j in range(4)])
    assert np.isclose(second.sum(), 1.0)
    assert np.all(np.abs(_frequencies(draws[:, 1], 4) - second) < 4 * np.sqrt(second * (1 - second) / rows))


def test_rows_are_independent_distributions_and_zero_weights_are_never_drawn_with_replacement():
    mg.manual_seed(2)
    w = mg.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]], dtype=mg.float32)
    draws = w.multinomial(1000, True).numpy()
    assert draws.shape == (2, 1000)
    assert np.all(draws[0] == 1)
    assert set(np.unique(draws[1])) == {0, 2}


def test_without_replacement_draws_every_index_once_when_all_are_asked_for():
    mg.manual_seed(3)
    draws = mg.multinomial(mg.tensor(P), 4).numpy()
    assert sorted(draws.tolist()) == [0, 1, 2, 3]


def test_same_seed_same_draws_and_no_graph():
    w = mg.tensor(P, requires_grad=True)
    mg.manual_seed(5)
    a = mg.multinomial(w, 50, True)
    mg.manual_seed(5)
    b = w.multinomial(50, True)
    assert a.equal(b) and a.grad_fn is None and not a.requires_grad


def test_output_shape_and_dtype_match_pytorch_live():
    torch = pytest.importorskip("torch")
    for shape, k, repl in [((4,), 3, False), ((2, 4), 6, True), ((3, 4), 4, False)]:
        w = np.ones(shape)
        ref = torch.multinomial(torch.tensor(w), k, repl)
        mine = mg.multinomial(mg.tensor(w), k, repl)
        assert mine.shape == tuple(ref.shape) and str(mine.dtype) == str(ref.dtype).replace("torch.", "minigrad.")
