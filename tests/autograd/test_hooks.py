"""Tensor hooks (``Tensor.register_hook``, ``register_post_accumulate_grad_hook``) and Module hooks, against
PyTorch: the scenarios of ``tests/hook_scenarios.py`` record what every hook sees, in call order; the records must
equal PyTorch's, live when torch is importable and always against ``EXPECTED`` (made by
``tests/golden/make_hook_expectations.py``), with the fast path on and off."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from hook_scenarios import SCENARIOS, checksums

import minigrad as mg
import minigrad.fast

# Made with torch 2.13.0
EXPECTED = {'gru': [('out[4]:hook', [[2, 4]], [-22.336089117586447]), ('out[1]:hook', [[2, 4]], [-11.513142467703911]),
         ('backward_pre', [[6, 2, 4], None], [-1020.3156766247378, None]),
         ('backward', [[6, 2, 3], [6, 2, 4], None], [174.05807397511953, -1020.3156766247378, None]),
         ('x.grad', [[6, 2, 3]], [174.05807397511953]), ('weight_ih_l0.grad', [[12, 3]], [46.01912876293977]),
         ('weight_hh_l0.grad', [[12, 4]], [-86.9344351552102]), ('bias_ih_l0.grad', [[12]], [-117.08734808967583]),
         ('bias_hh_l0.grad', [[12]], [8.57157867492797]), ('weight_ih_l1.grad', [[12, 4]], [1485.6094164750666]),
         ('weight_hh_l1.grad', [[12, 4]], [216.44993849858915]), ('bias_ih_l1.grad', [[12]], [-342.4188247325126]),
         ('bias_hh_l1.grad', [[12]], [-170.61491612271845])],
 'gru_final': [('out[4]:hook', [[2, 4]], [-22.336089117586447]), ('out[1]:hook', [[2, 4]], [-11.513142467703911]),
               ('backward_pre', [[6, 2, 4], [2, 2, 4]], [-1020.3156766247378, 32.43410560557895]),
               ('backward', [[6, 2, 3], [6, 2, 4], [2, 2, 4]],
                [130.94359235111577, -1020.3156766247378, 32.43410560557895]),
               ('x.grad', [[6, 2, 3]], [130.94359235111577]), ('weight_ih_l0.grad', [[12, 3]], [72.45095410330104]),
               ('weight_hh_l0.grad', [[12, 4]], [-122.98767213484456]),
               ('bias_ih_l0.grad', [[12]], [-92.18057459671702]), ('bias_hh_l0.grad', [[12]], [18.181474283566963]),
               ('weight_ih_l1.grad', [[12, 4]], [1443.3361092766597]),
               ('weight_hh_l1.grad', [[12, 4]], [210.5764245698486]),
               ('bias_ih_l1.grad', [[12]], [-334.1988509183853]),
               ('bias_hh_l1.grad', [[12]], [-166.61275275781452])],
 'lstm_final': [('out[4]:hook', [[2, 4]], [-2.7557183093260615]), ('out[1]:hook', [[2, 4]], [-1.5904809306634125]),
                ('backward_pre', [[6, 2, 4], None], [-182.77011446819745, None]),
                ('backward', [[6, 2, 3], [6, 2, 4], None], [-51.74359416436659, -182.77011446819745, None]),
                ('x.grad', [[6, 2, 3]], [-51.74359416436659]),
                ('weight_ih_l0.grad', [[16, 3]], [46.281813655569266]),
                ('weight_hh_l0.grad', [[16, 4]], [-74.92987310272783]),
                ('bias_ih_l0.grad', [[16]], [37.35594182915878]), ('bias_hh_l0.grad', [[16]], [37.35594182915877]),
                ('weight_ih_l1.grad', [[16, 4]], [-342.2059856657614]),
                ('weight_hh_l1.grad', [[16, 4]], [-57.165469469664586]),
                ('bias_ih_l1.grad', [[16]], [183.36401043727486]),
                ('bias_hh_l1.grad', [[16]], [183.36401043727483])],
 'mlp': [('model:forward_pre', [[5, 3]], [3.393358126920962]), ('0:forward_pre', [[5, 3]], [3.393358126920962]),
         ('0:forward', [[5, 4]], [34.22233513437247]), ('1:forward_pre', [[5, 4]], [34.22233513437247]),
         ('1:forward', [[5, 4]], [22.165512734879833]), ('2:forward_pre', [[5, 4]], [22.165512734879833]),
         ('2:forward', [[5, 2]], [-61.18251440199985]), ('model:forward', [[5, 2]], [-61.18251440199985]),
         ('y:hook', [[5, 2]], [-122.3650288039997]), ('model:backward_pre', [[5, 2]], [-122.3650288039997]),
         ('2:backward_pre', [[5, 2]], [-122.3650288039997]), ('2.bias:hook', [[2]], [-30.90361855201701]),
         ('2.weight:hook', [[2, 4]], [-37.83144800169781]),
         ('2:backward', [[5, 4], [5, 2]], [6.116610819609324, -122.3650288039997]),
         ('1:backward_pre', [[5, 4]], [6.116610819609324]),
         ('1:backward', [[5, 4], [5, 4]], [-3.894823862098235, 6.116610819609324]),
         ('0:backward_pre', [[5, 4]], [-3.894823862098235]), ('0.bias:hook', [[4]], [-4.554921798530167]),
         ('0.weight:hook', [[4, 3]], [12.77284510305618]),
         ('0:backward', [[5, 3], [5, 4]], [-6.970990978298714, -3.894823862098235]),
         ('model:backward', [[5, 3], [5, 2]], [-6.970990978298714, -122.3650288039997]),
         ('x:hook', [[5, 3]], [-6.970990978298714]), ('x.grad', [[5, 3]], [-6.970990978298714]),
         ('0.weight.grad', [[4, 3]], [12.77284510305618]), ('0.bias.grad', [[4]], [-4.554921798530167]),
         ('2.weight.grad', [[2, 4]], [-37.83144800169781]), ('2.bias.grad', [[2]], [-30.90361855201701])],
 'replacing': [('2.weight:hook', [[2, 4]], [-974.4948255343031]), ('h:hook', [[5, 4]], [1408.268593183303]),
               ('0:backward', [[5, 3], [5, 4]], [110.92478670446408, 2190.188070058322]),
               ('h.grad', [[5, 4]], [1355.768593183303]), ('x.grad', [[5, 3]], [110.92478670446408]),
               ('0.weight.grad', [[4, 3]], [4384.183188403455]), ('0.bias.grad', [[4]], [196.90725140152392]),
               ('2.weight.grad', [[2, 4]], [-974.4948255343031]), ('2.bias.grad', [[2]], [-40.259657149996855])],
 'rnn': [('out[4]:hook', [[2, 4]], [173.24276987176626]), ('out[1]:hook', [[2, 4]], [-40.8819114775837]),
         ('backward_pre', [[6, 2, 4], None], [2411.48617321801, None]),
         ('backward', [[6, 2, 3], [6, 2, 4], None], [-99.72706947319075, 2411.48617321801, None]),
         ('x.grad', [[6, 2, 3]], [-99.72706947319075]), ('weight_ih_l0.grad', [[4, 3]], [-4.8559100244411155]),
         ('weight_hh_l0.grad', [[4, 4]], [-41.15971946768834]), ('bias_ih_l0.grad', [[4]], [-9.886199161335199]),
         ('bias_hh_l0.grad', [[4]], [-9.88619916133519]), ('weight_ih_l1.grad', [[4, 4]], [-378.6206223436744]),
         ('weight_hh_l1.grad', [[4, 4]], [-18.870433596336227]), ('bias_ih_l1.grad', [[4]], [-37.4952308484]),
         ('bias_hh_l1.grad', [[4]], [-37.4952308484])],
 'rnn_cell_loop': [('h4:hook', [[2, 4]], [12.73035614034158]), ('h3:hook', [[2, 4]], [-7.019981631887838]),
                   ('h2:hook', [[2, 4]], [33.191147419905285]), ('h1:hook', [[2, 4]], [3.4993615561945433]),
                   ('h0:hook', [[2, 4]], [6.0650915906332195]), ('x.grad', [[5, 2, 3]], [-118.97891938312443]),
                   ('weight_ih.grad', [[4, 3]], [-62.46718027059592]),
                   ('weight_hh.grad', [[4, 4]], [38.551316100208524]), ('bias_ih.grad', [[4]], [9.843230258403482]),
                   ('bias_hh.grad', [[4]], [9.843230258403482])],
 'rnn_final': [('out[4]:hook', [[2, 4]], [173.24276987176626]), ('out[1]:hook', [[2, 4]], [-40.8819114775837]),
               ('backward_pre', [[6, 2, 4], [2, 2, 4]], [2411.48617321801, 196.16942222662405]),
               ('backward', [[6, 2, 3], [6, 2, 4], [2, 2, 4]],
                [-96.5661202544061, 2411.48617321801, 196.16942222662405]),
               ('x.grad', [[6, 2, 3]], [-96.5661202544061]), ('weight_ih_l0.grad', [[4, 3]], [34.71605246848999]),
               ('weight_hh_l0.grad', [[4, 4]], [-72.80516326608557]),
               ('bias_ih_l0.grad', [[4]], [-0.25714427188725963]),
               ('bias_hh_l0.grad', [[4]], [-0.25714427188725963]),
               ('weight_ih_l1.grad', [[4, 4]], [-369.9416755255286]),
               ('weight_hh_l1.grad', [[4, 4]], [46.49061867992468]),
               ('bias_ih_l1.grad', [[4]], [-35.37750011198038]), ('bias_hh_l1.grad', [[4]], [-35.37750011198038])]}


@pytest.fixture(params=[True, False], ids=["fast", "lesson"])
def fast(request):
    previous = minigrad.fast.set_enabled(request.param)
    yield request.param
    minigrad.fast.set_enabled(previous)


def _assert_same(got: list, want: list) -> None:
    assert [(n, s) for n, s, _ in got] == [(n, s) for n, s, _ in want]
    for (name, _, a), (_, _, b) in zip(got, want):
        for x, y in zip(a, b):
            if y is None:
                assert x is None, name
            else:
                np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_hooks_see_what_pytorchs_see_in_the_same_order(name, fast):
    got = checksums(SCENARIOS[name](mg))
    want = EXPECTED[name]
    assert [(n, s) for n, s, _ in got] == [(n, s) for n, s, _ in want]
    for (event, _, a), (_, _, b) in zip(got, want):
        assert [x is None for x in a] == [y is None for y in b], event
        assert [x for x in a if x is not None] == pytest.approx([y for y in b if y is not None], rel=1e-9), event


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_hooks_match_live_pytorch(name, fast):
    torch = pytest.importorskip("torch")
    _assert_same(SCENARIOS[name](mg), SCENARIOS[name](torch))


# ---- Tensor.register_hook ------------------------------------------------------------------------------------
def test_register_hook_needs_requires_grad():
    for register in ("register_hook", "register_post_accumulate_grad_hook"):
        with pytest.raises(RuntimeError, match="^cannot register a hook on a tensor that doesn't require gradient$"):
            getattr(mg.ones(3), register)(lambda g: None)


def test_leaf_hook_sees_the_whole_gradient_once_and_replaces_what_is_accumulated(fast):
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w.grad = mg.tensor([10.0, 10.0, 10.0])
    seen = []
    w.register_hook(lambda g: seen.append(g.tolist()) or g * 2)
    (w * w + 3 * w).sum().backward()  # two uses of w: the hook sees their sum, once
    assert seen == [[5.0, 7.0, 9.0]]
    assert w.grad.tolist() == [20.0, 24.0, 28.0]


def test_hooks_run_in_order_each_seeing_the_previous_result_and_remove(fast):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    calls = []
    h1 = y.register_hook(lambda g: calls.append(("a", g.tolist())) or g + 1)
    y.register_hook(lambda g: calls.append(("b", g.tolist())) or g * 10)
    y.sum().backward(retain_graph=True)
    assert calls == [("a", [1.0, 1.0]), ("b", [2.0, 2.0])]
    assert x.grad.tolist() == [60.0, 60.0]
    h1.remove()
    h1.remove()  # twice is harmless
    calls.clear()
    x.grad = None
    y.sum().backward()
    assert calls == [("b", [1.0, 1.0])]
    assert x.grad.tolist() == [30.0, 30.0]


def test_handle_is_a_context_manager_with_increasing_ids():
    x = mg.tensor([1.0], requires_grad=True)
    calls = []
    with x.register_hook(lambda g: calls.append(1)) as handle:
        x.sum().backward()
    other = x.register_hook(lambda g: None)
    assert other.id > handle.id
    x.sum().backward()
    assert calls == [1]


def test_hook_on_a_leaf_root_runs():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 5)
    x.backward(mg.tensor([1.0, -1.0]))
    assert x.grad.tolist() == [5.0, -5.0]


def test_retained_grad_is_the_hooked_gradient(fast):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 3)  # registered after retain_grad, applied before it, as in PyTorch
    y.sum().backward()
    assert y.grad.tolist() == [3.0, 3.0]
    assert x.grad.tolist() == [6.0, 6.0]


@pytest.mark.parametrize(
    "result, error, message",
    [
        (lambda g: mg.ones(4), RuntimeError, "hook 'bad' has changed the size of value"),
        (lambda g: g.double(), RuntimeError,
         "hook 'bad' has changed the type of value (was minigrad.FloatTensor got minigrad.DoubleTensor)"),
        (lambda g: 3, TypeError, "expected Variable, but hook returned 'int'"),
    ],
)
@pytest.mark.parametrize("leaf", [True, False])
def test_a_bad_hook_result_raises_pytorchs_error_and_leaves_grad_alone(result, error, message, leaf, fast):
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t = w if leaf else w * 2

    def bad(g):
        return result(g)

    t.register_hook(bad)
    with pytest.raises(error) as info:
        (t * t).sum().backward()
    assert str(info.value) == message
    assert w.grad is None


def test_post_accumulate_grad_hook_runs_after_grad_is_updated(fast):
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
    (w * w).sum().backward()
    (w * w).sum().backward()
    assert seen == [[2.0, 4.0], [4.0, 8.0]]
    handle.remove()
    (w * w).sum().backward()
    assert len(seen) == 2


def test_post_accumulate_grad_hook_errors():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="^post accumulate grad hooks cannot be registered on non-leaf tensors$"):
        (w * 2).register_post_accumulate_grad_hook(lambda p: None)
    h = w.register_post_accumulate_grad_hook(lambda p: mg.ones(2))
    with pytest.raises(RuntimeError, match=r"^Tensor post accumulate grad hooks should return None\.$"):
        w.sum().backward()
    h.remove()
    w.register_post_accumulate_grad_hook(lambda p: 5)
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'int'$"):
        w.sum().backward()


def test_the_fast_engine_is_used_again_once_hooks_are_gone(monkeypatch):
    from minigrad.autograd import engine as lesson

    gc.collect()  # hooked tensors of earlier tests that only reference cycles keep alive

    calls = []
    run = lesson.backward
    monkeypatch.setattr(lesson, "backward", lambda *a, **k: calls.append(1) or run(*a, **k))
    previous = minigrad.fast.set_enabled(True)
    try:
        w = mg.tensor([1.0, 2.0], requires_grad=True)
        handle = w.register_hook(lambda g: None)
        (w * w).sum().backward()
        assert calls == [1]  # a hook: the lesson engine ran
        handle.remove()
        (w * w).sum().backward()
        assert calls == [1]
    finally:
        minigrad.fast.set_enabled(previous)


def test_hooks_on_every_step_of_a_fast_recorded_rnn(fast):
    """A hook on each ``out[t]`` of ``nn.RNN``: the gradient of step t is what d loss / d out[t] is."""
    rnn = mg.nn.RNN(2, 3).double()
    x = mg.tensor(np.random.default_rng(0).standard_normal((4, 1, 2)), requires_grad=True)
    out, _ = rnn(x)
    seen = {}
    loss = 0
    for t in range(4):
        step = out[t]
        step.register_hook(lambda g, t=t: seen.__setitem__(t, g.numpy().copy()))
        loss = loss + (step * step).sum() * (t + 1)
    loss.backward()
    for t in range(4):
        np.testing.assert_allclose(seen[t], 2 * (t + 1) * out.detach().numpy()[t], rtol=1e-12)
