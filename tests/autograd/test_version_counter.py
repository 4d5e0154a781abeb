"""Version counters: changing a saved array in place raises at backward; views share their base's counter."""

import numpy as np
import pytest

import minigrad as mg


def test_in_place_change_of_a_saved_output_raises_naming_it():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    with mg.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert str(info.value).startswith(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        "[minigrad.FloatTensor [2]], which is output 0 of Exp, is at version 1; expected version 0 instead. Hint:"
    )
    assert x.grad is None


def test_in_place_change_of_a_saved_leaf_input_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([3.0, 4.0])
    z = x * w  # saves w for x's gradient
    w.add_(1.0)
    with pytest.raises(RuntimeError, match=r"\[minigrad.FloatTensor \[2\]\] is at version 1; expected version 0"):
        z.sum().backward()


def test_in_place_change_before_use_is_fine():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([3.0, 4.0])
    w.add_(1.0)
    (x * w).sum().backward()
    assert x.grad.tolist() == [4.0, 5.0]


def test_views_share_the_version_counter_of_their_base():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64, requires_grad=True)
    y = x.sigmoid()
    for view in (y.view(4), y[0], y.t(), y.reshape(4), y.unsqueeze(0), y.expand(2, 2, 2), y.detach(), y[:, 1:]):
        assert view._version == y._version
    v = y.view(4)
    with mg.no_grad():
        v.add_(1.0)
    assert y._version == 1 and v._version == 1
    with pytest.raises(RuntimeError, match=r"\[minigrad.DoubleTensor \[2, 2\]\], which is output 0 of Sigmoid"):
        y.sum().backward()


def test_copies_do_not_share_the_version_counter():
    y = mg.tensor([1.0, 2.0]) * 2
    c = y.clone()
    f = y[mg.tensor([0, 1])]  # advanced indexing copies
    c.add_(1.0)
    f.add_(1.0)
    assert y._version == 0


def test_message_matches_pytorch_up_to_the_hint_live():
    torch = pytest.importorskip("torch")

    def run(lib):
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        y = x.tanh()
        with lib.no_grad():
            y.view(2).add_(1.0)
        try:
            y.sum().backward()
        except RuntimeError as err:
            return str(err).replace("torch.", "minigrad.").split(" Hint:")[0]
        return "no error"

    assert run(mg) == run(torch)


def test_versions_count_each_in_place_op():
    t = mg.zeros(3)
    t.add_(1.0)
    t.mul_(2.0)
    t[0] = 5.0
    t.zero_()
    assert t._version == 4
    np.testing.assert_array_equal(t.numpy(), np.zeros(3))
