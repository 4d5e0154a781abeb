"""The broadcasting examples of the seed notes (shared/seeds/000_*), run on minigrad with the same shapes."""

import pytest

import minigrad as mg


def test_trailing_dims_equal_one_or_missing_broadcast():
    x = mg.empty(5, 3, 4, 1)
    y = mg.empty(3, 1, 1)
    assert (x + y).size() == mg.Size([5, 3, 4, 1])


def test_size_two_against_three_in_third_trailing_dim_does_not_broadcast():
    x = mg.empty(5, 2, 4, 1)
    y = mg.empty(3, 1, 1)
    with pytest.raises(RuntimeError) as info:
        x + y
    assert str(info.value) == (
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1"
    )


def test_result_size_is_the_max_of_each_aligned_dim():
    x = mg.empty(5, 1, 4, 1)
    y = mg.empty(3, 1, 1)
    assert (x + y).size() == mg.Size([5, 3, 4, 1])
    assert repr((x + y).size()) == "minigrad.Size([5, 3, 4, 1])"


def test_one_dim_operand_is_prepended_with_ones():
    x = mg.empty(1)
    y = mg.empty(3, 1, 7)
    assert (x + y).size() == mg.Size([3, 1, 7])


def test_empty_gives_float32_of_the_given_shape():
    x = mg.empty(5, 3, 4, 1)
    assert x.shape == (5, 3, 4, 1) and x.dtype == mg.float32


def test_in_place_add_cannot_grow_the_left_operand():
    x = mg.empty(1, 3, 1)
    y = mg.empty(3, 1, 7)
    before = x.numpy().copy()
    with pytest.raises(RuntimeError) as info:
        x.add_(y)
    assert str(info.value) == "output with shape [1, 3, 1] doesn't match the broadcast shape [3, 3, 7]"
    assert (x.numpy() == before).all() and x._version == 0
