"""A call that raises leaves every tensor, gradient, version and graph node as it was."""

import numpy as np
import pytest

import minigrad as mg


def snapshot(*tensors):
    return [
        (t.detach().numpy().copy(), None if t.grad is None else t.grad.numpy().copy(), t._version, t.grad_fn,
         t.requires_grad)
        for t in tensors
    ]


def assert_unchanged(before, tensors):
    for (data, grad, version, grad_fn, requires_grad), t in zip(before, tensors):
        np.testing.assert_array_equal(t.detach().numpy(), data)
        if grad is None:
            assert t.grad is None
        else:
            np.testing.assert_array_equal(t.grad.numpy(), grad)
        assert t._version == version and t.grad_fn is grad_fn and t.requires_grad == requires_grad


@pytest.fixture
def tensors():
    mg.manual_seed(0)
    a = mg.randn(5, 2, 4, 1, requires_grad=True)
    b = mg.randn(3, 1, 1, requires_grad=True)
    m = mg.randn(2, 5, requires_grad=True)
    n = mg.randn(3, 4, requires_grad=True)
    (a.sum() + b.sum() + m.sum() + n.sum()).backward()  # every leaf has a .grad to protect
    h = a * 1.0  # a non-leaf
    return a, b, m, n, h


FAILING = {
    "broadcast add": lambda a, b, m, n, h: a + b,
    "broadcast mul with non-leaf": lambda a, b, m, n, h: h * b,
    "matmul sizes": lambda a, b, m, n, h: m @ n,
    "batched matmul sizes": lambda a, b, m, n, h: a.reshape(5, 2, 4) @ n,
    "reshape invalid": lambda a, b, m, n, h: m.reshape(3, 4),
    "view invalid": lambda a, b, m, n, h: m.view(-1, 3),
    "expand": lambda a, b, m, n, h: m.expand(4, 5),
    "cat sizes": lambda a, b, m, n, h: mg.cat([m, n]),
    "stack sizes": lambda a, b, m, n, h: mg.stack([m, n]),
    "leaf in-place": lambda a, b, m, n, h: m.mul_(2.0),
    "leaf in-place setitem": lambda a, b, m, n, h: m.__setitem__(0, 1.0),
    "in-place broadcast on non-leaf": lambda a, b, m, n, h: h.add_(mg.ones(3, 5, 2, 4, 1)),
    "non-leaf in-place shape": lambda a, b, m, n, h: h.mul_(b),
    "non-scalar backward": lambda a, b, m, n, h: h.backward(),
    "backward gradient shape": lambda a, b, m, n, h: h.backward(mg.ones(3)),
    "dim out of range": lambda a, b, m, n, h: h.sum(7),
    "clamp no bounds": lambda a, b, m, n, h: h.clamp(),
}


@pytest.mark.parametrize("name", list(FAILING))
def test_failed_call_changes_no_tensor_or_gradient(name, tensors):
    before = snapshot(*tensors)
    with pytest.raises((RuntimeError, IndexError, ValueError)):
        FAILING[name](*tensors)
    assert_unchanged(before, tensors)


def test_in_place_broadcast_failure_under_no_grad_changes_nothing(tensors):
    a, b, m, n, h = tensors
    before = snapshot(*tensors)
    with mg.no_grad():
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            b.add_(mg.ones(2, 3, 1, 1))
    assert_unchanged(before, tensors)


def test_second_backward_through_a_freed_graph_changes_no_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    before = snapshot(x)
    z = (y * 3).sum()  # reaches y's freed node
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        z.backward()
    assert_unchanged(before, [x])


def test_backward_failing_in_a_custom_function_writes_no_leaf_gradient():
    class Bad(mg.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([3.0, 4.0], requires_grad=True)
    out = (Bad.apply(x) * w).sum()
    with pytest.raises(RuntimeError, match="returned an invalid gradient"):
        out.backward()
    assert x.grad is None and w.grad is None


# ---- optimizers and learning-rate schedulers ----------------------------------------------------------------
def _optimizer_snapshot(opt):
    """Everything an optimizer holds, copied: options, and each parameter's state (tensors as arrays)."""
    def plain(v):
        if isinstance(v, mg.Tensor):
            return ("tensor", v.numpy().copy(), v._version)
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return ([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups],
            {id(p): {k: plain(v) for k, v in s.items()} for p, s in opt.state.items()})


def _assert_same_optimizer(before, after):
    assert before[0] == after[0]
    assert before[1].keys() == after[1].keys()
    for pid in before[1]:
        assert list(before[1][pid]) == list(after[1][pid])
        for key, value in before[1][pid].items():
            np.testing.assert_equal(after[1][pid][key], value, err_msg=key)


NEW_OPTIMIZERS = ["Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"]


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_a_failed_optimizer_step_changes_no_parameter_gradient_or_state(name, tensors):
    a, b, m, n, _ = tensors
    opt = getattr(mg.optim, name)([a, b, m, n], lr=0.01)
    opt.step()  # state exists
    n.grad.data = mg.ones(4, 3, dtype=n.grad.dtype)  # the wrong shape (planted through .data), on the last
    # parameter: checked before anything is updated
    before, state = snapshot(a, b, m, n), _optimizer_snapshot(opt)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        opt.step()
    assert_unchanged(before, [a, b, m, n])
    _assert_same_optimizer(state, _optimizer_snapshot(opt))


@pytest.mark.parametrize("name, kwargs", [
    ("Adadelta", {"rho": 2.0}), ("Adagrad", {"lr_decay": -1.0}), ("Adagrad", {"fused": True, "foreach": True}),
    ("Adamax", {"betas": (0.9, 1.0)}), ("NAdam", {"momentum_decay": -0.1}), ("RAdam", {"eps": -1.0}),
    ("ASGD", {"weight_decay": -1.0}), ("Rprop", {"etas": (1.5, 1.2)}), ("LBFGS", {"lr": -0.1}),
])
def test_a_failed_optimizer_construction_changes_no_parameter(name, kwargs, tensors):
    before = snapshot(*tensors[:4])
    with pytest.raises((ValueError, RuntimeError)):
        getattr(mg.optim, name)(list(tensors[:4]), **kwargs)
    assert_unchanged(before, tensors[:4])


def test_a_failed_lbfgs_step_puts_parameters_gradients_and_state_back(tensors):
    a, b, m, n, _ = tensors
    opt = mg.optim.LBFGS([m, n], line_search_fn="strong_wolfe", max_iter=3)
    target = mg.randn(2, 5)
    calls, fail_at = [], []

    def closure():
        calls.append(1)
        if len(calls) in fail_at:
            raise ValueError("the closure failed")
        opt.zero_grad()
        loss = ((m * m - target) ** 2).sum() + ((n - 1.0) ** 4).sum()  # not solved by one step
        loss.backward()
        return loss

    opt.step(closure)
    calls.clear()
    fail_at.append(2)  # the second step fails inside its line search, after moving the parameters
    before, state = snapshot(m, n), _optimizer_snapshot(opt)
    grads = [m.grad, n.grad]
    with pytest.raises(ValueError, match="the closure failed"):
        opt.step(closure)
    assert len(calls) == 2 and [m.grad, n.grad] == grads  # the same gradient tensors, with their values
    assert_unchanged(before, [m, n])
    _assert_same_optimizer(state, _optimizer_snapshot(opt))


def _scheduler_optimizer():
    return mg.optim.SGD([{"params": [mg.zeros(2, requires_grad=True)], "lr": lr} for lr in (0.1, 0.02)],
                        momentum=0.5)


FAILING_SCHEDULERS = {
    "CyclicLR max_lr count": lambda opt: mg.optim.lr_scheduler.CyclicLR(opt, 0.01, [0.1, 0.2, 0.3]),
    "CyclicLR mode": lambda opt: mg.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="square"),
    "CyclicLR base_momentum count": lambda opt: mg.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1,
                                                                               base_momentum=[0.8]),
    "OneCycleLR pct_start": lambda opt: mg.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10, pct_start=1),
    "OneCycleLR max_momentum count": lambda opt: mg.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10,
                                                                                  max_momentum=[0.9] * 3),
    "ConstantLR factor": lambda opt: mg.optim.lr_scheduler.ConstantLR(opt, factor=2.0),
    "LinearLR start_factor": lambda opt: mg.optim.lr_scheduler.LinearLR(opt, start_factor=0.0),
    "warm restarts T_0": lambda opt: mg.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0),
    "MultiplicativeLR not callable": lambda opt: mg.optim.lr_scheduler.MultiplicativeLR(opt, [0.9, 0.9]),
}


@pytest.mark.parametrize("name", list(FAILING_SCHEDULERS))
def test_a_failed_scheduler_construction_changes_no_optimizer_option(name):
    opt = _scheduler_optimizer()
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises((ValueError, TypeError)):
        FAILING_SCHEDULERS[name](opt)
    assert opt.param_groups == before and "step" not in vars(opt)  # not even wrapped for step tracking


@pytest.mark.parametrize("make", [
    lambda opt, inner: mg.optim.lr_scheduler.SequentialLR(opt, inner, milestones=[3, 4]),
    lambda opt, inner: mg.optim.lr_scheduler.SequentialLR(opt, inner + [mg.optim.lr_scheduler.ReduceLROnPlateau(
        opt)], milestones=[3, 4]),
    lambda opt, inner: mg.optim.lr_scheduler.ChainedScheduler(inner + [object()]),
], ids=["milestones", "plateau", "no optimizer"])
def test_a_failed_sequential_or_chained_construction_changes_no_inner_scheduler(make):
    opt = _scheduler_optimizer()
    inner = [mg.optim.lr_scheduler.ConstantLR(opt, factor=0.5), mg.optim.lr_scheduler.ExponentialLR(opt, 0.9)]
    groups, states = [dict(g) for g in opt.param_groups], [dict(s.state_dict()) for s in inner]
    with pytest.raises((ValueError, TypeError)):
        make(opt, inner)
    assert opt.param_groups == groups and [s.state_dict() for s in inner] == states


def test_stepping_one_cycle_past_its_end_changes_nothing():
    opt = _scheduler_optimizer()
    sched = mg.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=3)
    for _ in range(3):
        opt.step()
        sched.step()
    groups, state = [dict(g) for g in opt.param_groups], dict(sched.state_dict())
    with pytest.raises(ValueError, match="^Tried to step 4 times. The specified number of total steps is 3$"):
        sched.step()
    assert opt.param_groups == groups and sched.state_dict() == state


# ---- layers: a failed call leaves every parameter, buffer, gradient and version as it was ---------------------
def _trained(module, *shape):
    """``module`` after one successful call and backward, so its gradients and running statistics are set."""
    mg.manual_seed(1)
    x = mg.randn(*shape, requires_grad=True)
    module(x).pow(2).sum().backward()
    return module


FAILING_LAYERS = {
    "BatchNorm1d batch of one": (lambda: _trained(mg.nn.BatchNorm1d(3), 4, 3), (1, 3)),
    "BatchNorm1d one value per channel (3-D)": (lambda: _trained(mg.nn.BatchNorm1d(3), 4, 3), (1, 3, 1)),
    "BatchNorm1d wrong channels": (lambda: _trained(mg.nn.BatchNorm1d(3), 4, 3), (4, 5)),
    "BatchNorm1d momentum=None wrong rank": (lambda: _trained(mg.nn.BatchNorm1d(3, momentum=None), 4, 3),
                                             (2, 3, 4, 5)),
    "BatchNorm2d wrong rank": (lambda: _trained(mg.nn.BatchNorm2d(2), 2, 2, 3, 3), (2, 2, 3)),
    "LayerNorm wrong shape": (lambda: _trained(mg.nn.LayerNorm(4), 2, 4), (2, 5)),
    "GroupNorm wrong channels": (lambda: _trained(mg.nn.GroupNorm(2, 4), 2, 4), (2, 6)),
    "RMSNorm wrong shape": (lambda: _trained(mg.nn.RMSNorm(4), 2, 4), (4, 3)),
    "Dropout1d wrong rank": (lambda: _trained(mg.nn.Dropout1d(), 2, 3), (2, 3, 4, 5)),
    "Dropout2d one dim": (lambda: _trained(mg.nn.Dropout2d(), 2, 3, 4, 4), (3,)),
    "PReLU wrong channels": (lambda: _trained(mg.nn.PReLU(3), 2, 3), (2, 4)),
    "Softmin dim out of range": (lambda: _trained(mg.nn.Softmin(2), 2, 3, 2), (2, 3)),
    "Unflatten sizes": (lambda: _trained(mg.nn.Unflatten(1, (2, 3)), 2, 6), (2, 5)),
}


def test_failed_bilinear_call_changes_nothing():
    m = mg.nn.Bilinear(2, 3, 4)
    a, b = mg.randn(5, 2, requires_grad=True), mg.randn(5, 3, requires_grad=True)
    m(a, b).sum().backward()
    tensors = [m.weight, m.bias, a, b]
    before = snapshot(*tensors)
    with pytest.raises(RuntimeError, match="input batch dimensions do not match"):
        m(a, b[:4])
    assert_unchanged(before, tensors)


@pytest.mark.filterwarnings("ignore:dropout2d")
@pytest.mark.parametrize("name", list(FAILING_LAYERS))
def test_failed_layer_call_changes_no_parameter_buffer_or_gradient(name):
    make, bad_shape = FAILING_LAYERS[name]
    module = make()
    state = [t for _, t in module.named_parameters()] + [t for _, t in module.named_buffers()]
    x = mg.randn(*bad_shape, requires_grad=True)
    before = snapshot(*state, x)
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        module(x)
    assert_unchanged(before, [*state, x])


FAILING_LOSSES = {
    "SmoothL1Loss negative beta": lambda a, b: mg.nn.SmoothL1Loss(beta=-1.0)(a, b),
    "HuberLoss zero delta": lambda a, b: mg.nn.HuberLoss(delta=0.0)(a, b),
    "huber_loss weight size": lambda a, b: mg.nn.functional.huber_loss(a, b, weight=mg.ones(4)),
    "KLDivLoss bad reduction": lambda a, b: mg.nn.KLDivLoss(reduction="foo")(a, b),
    "CosineEmbeddingLoss target size": lambda a, b: mg.nn.CosineEmbeddingLoss()(a, b, mg.ones(5)),
    "MarginRankingLoss ranks": lambda a, b: mg.nn.MarginRankingLoss()(a, b[0], mg.ones(3)),
    "vector_to_parameters short": lambda a, b: mg.nn.utils.vector_to_parameters(mg.zeros(13), [a, b]),
}


@pytest.mark.parametrize("name", list(FAILING_LOSSES))
def test_failed_loss_call_changes_no_input_or_gradient(name):
    a, b = mg.randn(3, 4, requires_grad=True), mg.randn(3, 4, requires_grad=True)
    (a * b).sum().backward()
    before = snapshot(a, b)
    with pytest.raises((RuntimeError, ValueError)):
        FAILING_LOSSES[name](a, b)
    assert_unchanged(before, [a, b])


# In-place ops of #17: each checks its arguments before writing.
FAILING_IN_PLACE = {
    "index_add_ out of range": lambda a, b, m, n, h: h.index_add_(0, mg.tensor([0, 9]), mg.ones(2, 2, 4, 1)),
    "index_add_ source shape": lambda a, b, m, n, h: h.index_add_(0, mg.tensor([0]), mg.ones(2, 2, 4, 1)),
    "index_fill_ out of range": lambda a, b, m, n, h: h.index_fill_(1, mg.tensor([5]), 1.0),
    "scatter_ out of bounds": lambda a, b, m, n, h: h.scatter_(1, mg.full((5, 2, 4, 1), 7, dtype=mg.int64), 1.0),
    "scatter_add_ src too small": lambda a, b, m, n, h: h.scatter_add_(
        0, mg.zeros(5, 2, 4, 1, dtype=mg.int64), mg.ones(2, 2, 4, 1)),
    "fill_diagonal_ unequal dims": lambda a, b, m, n, h: h.fill_diagonal_(1.0),
    "unsqueeze_ dim": lambda a, b, m, n, h: h.unsqueeze_(9),
    "squeeze_ dim": lambda a, b, m, n, h: h.squeeze_(9),
    "transpose_ dim": lambda a, b, m, n, h: h.transpose_(0, 7),
    "t_ of 4-D": lambda a, b, m, n, h: h.t_(),
    "leaf uniform_": lambda a, b, m, n, h: n.uniform_(),
    "leaf normal_": lambda a, b, m, n, h: n.normal_(),
    "leaf unsqueeze_": lambda a, b, m, n, h: n.unsqueeze_(0),
    "leaf index_fill_": lambda a, b, m, n, h: n.index_fill_(0, mg.tensor([0]), 1.0),
}
FAILING_UNDER_NO_GRAD = {
    "uniform_ bounds": lambda a, b, m, n, h: n.uniform_(2, 1),
    "normal_ std": lambda a, b, m, n, h: n.normal_(0, -1),
    "random_ bounds": lambda a, b, m, n, h: n.random_(3, 3),
    "bernoulli_ p": lambda a, b, m, n, h: n.bernoulli_(2.0),
    "index_add_ shape": lambda a, b, m, n, h: m.index_add_(1, mg.tensor([0]), mg.ones(2, 2)),
    "fill_diagonal_ 1-D": lambda a, b, m, n, h: m[0].fill_diagonal_(1.0),
}


@pytest.mark.parametrize("name", list(FAILING_IN_PLACE))
def test_failed_in_place_op_changes_no_tensor_or_gradient(name, tensors):
    before = snapshot(*tensors)
    shapes = [t.shape for t in tensors]
    with pytest.raises((RuntimeError, IndexError)):
        FAILING_IN_PLACE[name](*tensors)
    assert_unchanged(before, tensors)
    assert [t.shape for t in tensors] == shapes


@pytest.mark.parametrize("name", list(FAILING_UNDER_NO_GRAD))
def test_failed_in_place_op_under_no_grad_changes_nothing(name, tensors):
    before = snapshot(*tensors)
    with mg.no_grad(), pytest.raises((RuntimeError, IndexError)):
        FAILING_UNDER_NO_GRAD[name](*tensors)
    assert_unchanged(before, tensors)
