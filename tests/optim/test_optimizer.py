"""Optimizer behaviour: parameter groups, state_dict round trips, zero_grad, errors that change nothing, no_grad
updates, dtypes and repr, checked against explicit expectations and (live) PyTorch."""

import copy
import inspect
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import Parameter
from minigrad.optim import SGD, Adam, Optimizer
from minigrad.optim.optimizer import required

TORCH_ONLY_KEYS = {"foreach", "differentiable", "fused", "capturable"}


def _params(rng, dtype=np.float64):
    return [Parameter(mg.from_numpy(rng.standard_normal(s).astype(dtype))) for s in [(3, 2), (2,)]]


def _set_grads(params, rng):
    for p in params:
        p.grad = mg.from_numpy(rng.standard_normal(p.detach().numpy().shape).astype(p.detach().numpy().dtype))


def _snapshot(opt):
    """Deep copy of everything an optimizer holds (param values, grads, groups, state) for before/after checks."""
    params = [p for g in opt.param_groups for p in g["params"]]
    return {
        "values": [p.detach().numpy().copy() for p in params],
        "groups": [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups],
        "group_params": [[id(p) for p in g["params"]] for g in opt.param_groups],
        "state": {id(p): {k: (v.numpy().copy() if isinstance(v, mg.Tensor) else v) for k, v in s.items()}
                  for p, s in opt.state.items()},
    }


def _assert_same(a, b):
    assert a["groups"] == b["groups"]
    assert a["group_params"] == b["group_params"]
    for x, y in zip(a["values"], b["values"]):
        np.testing.assert_array_equal(x, y)
    assert a["state"].keys() == b["state"].keys()
    for k in a["state"]:
        assert a["state"][k].keys() == b["state"][k].keys()
        for name in a["state"][k]:
            np.testing.assert_array_equal(a["state"][k][name], b["state"][k][name])


# ---- construction errors -------------------------------------------------------------------------------------
CTOR_ERRORS = [
    ("SGD", {"lr": -0.1}, ValueError, "Invalid learning rate: -0.1"),
    ("SGD", {"lr": 0.1, "momentum": -0.5}, ValueError, "Invalid momentum value: -0.5"),
    ("SGD", {"lr": 0.1, "weight_decay": -1e-4}, ValueError, "Invalid weight_decay value: -0.0001"),
    ("SGD", {"lr": 0.1, "nesterov": True}, ValueError, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}, ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    ("Adam", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("Adam", {"eps": -1e-8}, ValueError, "Invalid epsilon value: -1e-08"),
    ("Adam", {"betas": (1.0, 0.999)}, ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, ValueError, "Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"weight_decay": -0.5}, ValueError, "Invalid weight_decay value: -0.5"),
    ("Adam", {"betas": (0, 0.5)}, ValueError, "betas must be either both floats or both Tensors"),
    ("AdamW", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("AdamW", {"betas": (0.9, 1.0)}, ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("AdamW", {"weight_decay": -0.5}, ValueError, "Invalid weight_decay value: -0.5"),
    ("RMSprop", {"lr": -0.1}, ValueError, "Invalid learning rate: -0.1"),
    ("RMSprop", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("RMSprop", {"momentum": -0.9}, ValueError, "Invalid momentum value: -0.9"),
    ("RMSprop", {"weight_decay": -1}, ValueError, "Invalid weight_decay value: -1"),
    ("RMSprop", {"alpha": -0.5}, ValueError, "Invalid alpha value: -0.5"),
    ("RMSprop", {"lr": -1.0, "alpha": -1.0}, ValueError, "Invalid learning rate: -1.0"),  # PyTorch's order
]


@pytest.mark.parametrize("name, kwargs, exc, message", CTOR_ERRORS)
def test_constructor_errors_use_pytorch_words(rng, name, kwargs, exc, message):
    params = _params(rng)
    before = [p.detach().numpy().copy() for p in params]
    with pytest.raises(exc) as info:
        getattr(mg.optim, name)(params, **kwargs)
    assert str(info.value) == message
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.detach().numpy(), b)


@pytest.mark.parametrize("name, kwargs, exc, message", CTOR_ERRORS)
def test_constructor_errors_match_pytorch_live(name, kwargs, exc, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(exc) as info:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    assert str(info.value) == message


def test_single_tensor_params_raise_type_error():
    w = Parameter(mg.zeros(3))
    with pytest.raises(TypeError) as info:
        SGD(w, lr=0.1)
    assert str(info.value) == (
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
        "minigrad.FloatTensor"
    )
    with pytest.raises(TypeError, match="but got minigrad.DoubleTensor$"):
        Adam(mg.zeros(3, dtype=mg.float64))


def test_single_tensor_params_message_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError) as theirs:
        torch.optim.SGD(torch.zeros(3, requires_grad=True), lr=0.1)
    with pytest.raises(TypeError) as ours:
        SGD(Parameter(mg.zeros(3)), lr=0.1)
    assert str(ours.value) == str(theirs.value).replace("torch.", "minigrad.")


def test_empty_parameter_list_raises():
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        Adam(iter([]))


def test_bad_parameter_entries_raise():
    w = Parameter(mg.zeros(2))
    with pytest.raises(TypeError, match="^optimizer can only optimize Tensors, but one of the params is int$"):
        SGD([w, 3], lr=0.1)
    with pytest.raises(TypeError, match="^optimizer can only optimize Tensors, but one of the params is "
                                        "numpy.ndarray$"):
        SGD([np.zeros(2)], lr=0.1)
    non_leaf = w * 2.0
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        SGD([non_leaf], lr=0.1)
    with pytest.raises(TypeError, match="ordering of tensors in sets will change between runs"):
        SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_duplicate_parameter_in_a_group_warns():
    w = Parameter(mg.zeros(2))
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        SGD([w, w], lr=0.1)


def test_required_option_missing_from_group_raises():
    class Needy(Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, {"lr": lr})

    with pytest.raises(ValueError, match="^parameter group didn't specify a value of required optimization "
                                         "parameter lr$"):
        Needy([Parameter(mg.zeros(2))])
    assert repr(required) == "<required parameter>"


# ---- parameter groups ------------------------------------------------------------------------------------------
def test_param_groups_take_defaults_and_keep_their_own_options(rng):
    a, b = _params(rng)
    opt = SGD([{"params": [a], "lr": 0.5}, {"params": b}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is b
    assert opt.defaults == {"lr": 0.1, "momentum": 0.9, "dampening": 0, "weight_decay": 0, "nesterov": False,
                            "maximize": False}


def test_param_group_options_match_pytorch_live(rng):
    torch = pytest.importorskip("torch")
    for name, kwargs in [("SGD", {"lr": 0.2, "momentum": 0.5}), ("Adam", {"betas": (0.8, 0.9), "amsgrad": True}),
                         ("AdamW", {"lr": 0.01}), ("RMSprop", {"centered": True, "momentum": 0.3})]:
        theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs).param_groups[0]
        ours = getattr(mg.optim, name)([Parameter(mg.zeros(2))], **kwargs).param_groups[0]
        expected = {k: v for k, v in theirs.items() if k not in TORCH_ONLY_KEYS | {"params"}}
        assert {k: v for k, v in ours.items() if k != "params"} == expected


def test_add_param_group_adds_and_failure_changes_nothing(rng):
    a, b = _params(rng)
    opt = Adam([a], lr=0.01)
    group = {"params": [b], "lr": 0.1}
    opt.add_param_group(group)
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["params"][0] is b
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.9, 0.999)

    before = _snapshot(opt)
    bad = {"params": [a, Parameter(mg.zeros(1))]}  # `a` is already in group 0
    bad_copy = dict(bad)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group(bad)
    with pytest.raises(TypeError, match="^param_group must be a dict, but got <class 'list'>$"):
        opt.add_param_group([b])
    _assert_same(before, _snapshot(opt))
    assert bad == bad_copy and "lr" not in bad  # the caller's dict is not filled in


def test_named_parameters_are_accepted_and_kept_as_names(rng):
    a, b = _params(rng)
    opt = SGD([("weight", a), ("bias", b)], lr=0.1)
    assert opt.param_groups[0]["params"][0] is a
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="all optimizer params should be with/without names"):
        SGD([("weight", a), b], lr=0.1)


# ---- zero_grad and step -------------------------------------------------------------------------------------
def test_zero_grad_sets_to_none_by_default(rng):
    params = _params(rng)
    _set_grads(params, rng)
    SGD(params, lr=0.1).zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_set_to_none_false_zeroes_in_place(rng):
    params = _params(rng)
    _set_grads(params, rng)
    grads = [p.grad for p in params]
    versions = [g._version for g in grads]
    SGD(params, lr=0.1).zero_grad(set_to_none=False)
    for p, g, v in zip(params, grads, versions):
        assert p.grad is g
        np.testing.assert_array_equal(g.numpy(), np.zeros_like(g.numpy()))
        assert g._version > v


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_step_updates_in_place_without_recording_and_bumps_version(rng, make):
    params = _params(rng)
    arrays = [p.detach().numpy() for p in params]
    opt = make(params)
    _set_grads(params, rng)
    versions = [p._version for p in params]
    with mg.enable_grad():
        opt.step()
    for p, arr, v in zip(params, arrays, versions):
        assert p.detach().numpy() is arr  # same memory: views and state_dict tensors see the update
        assert p.grad_fn is None and p.is_leaf and p.requires_grad
        assert p._version > v
    # parameters still work in a graph afterwards
    (params[0] * params[0]).sum().backward()


def test_step_skips_parameters_without_grad(rng):
    a, b = _params(rng)
    b_before = b.detach().numpy().copy()
    opt = Adam([a, b], lr=0.1)
    a.grad = mg.from_numpy(np.ones_like(a.detach().numpy()))
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), b_before)
    assert b not in opt.state and a in opt.state


def test_plain_sgd_step_is_w_minus_lr_grad(rng):
    (a, b) = _params(rng)
    a0, b0 = a.detach().numpy().copy(), b.detach().numpy().copy()
    _set_grads([a, b], rng)
    SGD([a, b], lr=0.25).step()
    np.testing.assert_array_equal(a.detach().numpy(), a0 - 0.25 * a.grad.numpy())
    np.testing.assert_array_equal(b.detach().numpy(), b0 - 0.25 * b.grad.numpy())


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=np.float64(0.1), momentum=0.9, weight_decay=np.float64(0.01), nesterov=True),
    lambda ps: Adam(ps, lr=np.float64(0.1), betas=(np.float64(0.9), np.float64(0.99)), weight_decay=0.1,
                    amsgrad=True),
])
def test_float32_parameters_and_state_stay_float32(rng, make):
    params = _params(rng, np.float32)
    opt = make(params)
    for _ in range(3):
        _set_grads(params, rng)
        opt.step()
    for p in params:
        assert p.detach().numpy().dtype == np.float32
        for name, value in opt.state[p].items():
            assert value.numpy().dtype == np.float32, name


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned(rng):
    (a, _) = _params(rng)
    opt = SGD([a], lr=0.1)
    seen = {}

    def closure():
        seen["grad_enabled"] = mg.is_grad_enabled()
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    a0 = a.detach().numpy().copy()
    with mg.no_grad():
        loss = opt.step(closure)
    assert seen["grad_enabled"] is True
    assert loss.item() == pytest.approx(float((a0 * a0).sum()))
    np.testing.assert_allclose(a.detach().numpy(), a0 - 0.1 * 2 * a0)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_failed_step_changes_nothing(rng, make):
    params = _params(rng)
    opt = make(params)
    _set_grads(params, rng)
    opt.step()
    _set_grads(params, rng)
    # ``.grad =`` refuses a wrong gradient (as PyTorch does); writing its ``.data`` still plants one
    params[1].grad.data = mg.ones(5)  # wrong shape, on the second parameter
    before = _snapshot(opt)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        opt.step()
    _assert_same(before, _snapshot(opt))
    params[1].grad.data = mg.ones(2, dtype=mg.float32)  # wrong dtype
    with pytest.raises(RuntimeError, match="assigned grad has data of a different type"):
        opt.step()
    _assert_same(before, _snapshot(opt))


def test_adam_minimises_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])
    w = Parameter(mg.zeros(3, dtype=mg.float64))
    opt = Adam([w], lr=0.1)
    t = mg.from_numpy(target)
    for _ in range(500):
        opt.zero_grad()
        ((w - t) * (w - t)).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.detach().numpy(), target, atol=1e-3)


# ---- state_dict ----------------------------------------------------------------------------------------------
def _train(opt, params, grads):
    for g in grads:
        for p, gi in zip(params, g):
            p.grad = mg.from_numpy(gi.copy())
        opt.step()


def _grads(rng, params, n):
    return [[rng.standard_normal(p.shape) for p in params] for _ in range(n)]


@pytest.mark.parametrize("make", [
    lambda ps: SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1, momentum=0.9),
    lambda ps: Adam([{"params": ps[:1]}, {"params": ps[1:], "amsgrad": True}], lr=0.1),
])
def test_state_dict_round_trip_continues_identically(rng, make):
    params = _params(rng)
    clones = [Parameter(mg.from_numpy(p.detach().numpy().copy())) for p in params]
    opt = make(params)
    grads = _grads(rng, params, 5)
    _train(opt, params, grads[:3])

    sd = opt.state_dict()
    fresh = [Parameter(mg.from_numpy(p.detach().numpy().copy())) for p in params]
    other = make(fresh)
    other.load_state_dict(sd)
    assert other.param_groups[1]["params"][0] is fresh[1]
    # the loaded state is a copy: stepping one optimizer does not move the other's buffers
    for p, q in zip(params, fresh):
        for name in opt.state[p]:
            assert other.state[q][name].numpy() is not opt.state[p][name].numpy()
    _train(other, fresh, grads[3:])

    uninterrupted = make(clones)
    _train(uninterrupted, clones, grads)
    for p, q in zip(fresh, clones):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_state_dict_structure_indexes_parameters(rng):
    a, b = _params(rng)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    _set_grads([a, b], rng)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][1]["params"] == [1]
    assert sd["param_groups"][1]["lr"] == 0.5
    assert set(sd["state"]) == {0, 1}
    assert sd["state"][1]["momentum_buffer"] is opt.state[b]["momentum_buffer"]


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True}), ("AdamW", {"lr": 0.1}), ("RMSprop", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.1, "momentum": 0.9, "centered": True}),
])
def test_state_dict_matches_pytorch_live(rng, name, kwargs):
    torch = pytest.importorskip("torch")
    init = [rng.standard_normal(s) for s in [(3, 2), (2,)]]
    grads = _grads(rng, [mg.from_numpy(x) for x in init], 2)
    tp = [torch.tensor(x, requires_grad=True) for x in init]
    topt = getattr(torch.optim, name)([{"params": tp[:1]}, {"params": tp[1:], "lr": 0.3}], **kwargs)
    mp = [Parameter(mg.from_numpy(x.copy())) for x in init]
    mopt = getattr(mg.optim, name)([{"params": mp[:1]}, {"params": mp[1:], "lr": 0.3}], **kwargs)
    for g in grads:
        for p, gi in zip(tp, g):
            p.grad = torch.tensor(gi)
        topt.step()
    _train(mopt, mp, grads)
    theirs, ours = topt.state_dict(), mopt.state_dict()
    assert [{k: v for k, v in g.items() if k not in TORCH_ONLY_KEYS} for g in theirs["param_groups"]] == \
        ours["param_groups"]
    assert theirs["state"].keys() == ours["state"].keys()
    for idx in theirs["state"]:
        assert list(theirs["state"][idx]) == list(ours["state"][idx])
        for key, value in theirs["state"][idx].items():
            assert ours["state"][idx][key].shape == tuple(value.shape)
            assert str(ours["state"][idx][key].dtype).split(".")[1] == str(value.dtype).split(".")[1]
            np.testing.assert_allclose(ours["state"][idx][key].numpy(), value.numpy(), rtol=1e-12, atol=1e-14)


def test_load_state_dict_casts_state_to_parameter_dtype(rng):
    src = _params(rng, np.float64)
    opt = Adam(src, lr=0.1)
    _set_grads(src, rng)
    opt.step()
    dst = _params(rng, np.float32)
    other = Adam(dst, lr=0.1)
    other.load_state_dict(opt.state_dict())
    for q in dst:
        assert other.state[q]["exp_avg"].numpy().dtype == np.float32
        assert other.state[q]["step"].numpy().dtype == np.float32  # the counter is never cast
    np.testing.assert_allclose(other.state[dst[0]]["exp_avg"].numpy(), opt.state[src[0]]["exp_avg"].numpy(), rtol=1e-6)


def test_load_state_dict_errors_change_nothing(rng):
    params = _params(rng)
    opt = SGD([{"params": params[:1]}, {"params": params[1:]}], lr=0.1, momentum=0.9)
    _set_grads(params, rng)
    opt.step()
    good = copy.deepcopy(opt.state_dict())
    before = _snapshot(opt)

    fewer = {"state": {}, "param_groups": good["param_groups"][:1]}
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        opt.load_state_dict(fewer)
    wrong_size = copy.deepcopy(good)
    wrong_size["param_groups"][1]["params"] = [1, 2]
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group that doesn't match the "
                                         "size of optimizer's group$"):
        opt.load_state_dict(wrong_size)
    wrong_shape = copy.deepcopy(good)
    wrong_shape["param_groups"][0]["lr"] = 123.0
    wrong_shape["state"][1]["momentum_buffer"] = mg.zeros(7, dtype=mg.float64)
    with pytest.raises(ValueError, match="has shape \\[7\\], but the parameter has shape \\[2\\]"):
        opt.load_state_dict(wrong_shape)
    _assert_same(before, _snapshot(opt))


def test_load_state_dict_restores_group_options(rng):
    params = _params(rng)
    opt = SGD(params, lr=0.1)
    sd = copy.deepcopy(opt.state_dict())
    sd["param_groups"][0]["lr"] = 0.7
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.7 and opt.param_groups[0]["params"][0] is params[0]


# ---- repr ----------------------------------------------------------------------------------------------------
def test_repr_lists_each_group_sorted():
    opt = SGD([Parameter(mg.zeros(2))], lr=0.1, momentum=0.9)
    assert repr(opt) == (
        "SGD (\n"
        "Parameter Group 0\n"
        "    dampening: 0\n"
        "    lr: 0.1\n"
        "    maximize: False\n"
        "    momentum: 0.9\n"
        "    nesterov: False\n"
        "    weight_decay: 0\n"
        ")"
    )


def test_repr_matches_pytorch_without_its_device_options_live():
    torch = pytest.importorskip("torch")
    theirs = repr(torch.optim.Adam([torch.zeros(2, requires_grad=True)], lr=0.01, amsgrad=True)).split("\n")
    theirs = [line for line in theirs if line.strip().split(":")[0] not in TORCH_ONLY_KEYS]
    assert repr(Adam([Parameter(mg.zeros(2))], lr=0.01, amsgrad=True)).split("\n") == theirs


def test_no_warnings_in_normal_use(rng):
    params = _params(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = Adam(params)
        _set_grads(params, rng)
        opt.step()


def test_adamw_repr_matches_pytorch_without_its_device_options_live():
    torch = pytest.importorskip("torch")
    theirs = repr(torch.optim.AdamW([torch.zeros(2, requires_grad=True)], lr=0.01)).split("\n")
    theirs = [line for line in theirs if line.strip().split(":")[0] not in TORCH_ONLY_KEYS]
    assert repr(mg.optim.AdamW([Parameter(mg.zeros(2))], lr=0.01)).split("\n") == theirs


def test_adamw_is_adam_with_decoupled_weight_decay_of_one_hundredth_by_default(rng):
    # AdamW's documented rule, written out in numpy for one step: p * (1 - lr * wd), then Adam's first step,
    # which moves every weight by lr * g / (|g| + eps) (both moments bias-corrected to g and g^2).
    p0, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    p = Parameter(mg.tensor(p0))
    opt = mg.optim.AdamW([p], lr=0.1)
    assert opt.defaults["weight_decay"] == 0.01 and opt.defaults["decoupled_weight_decay"] is True
    p.grad = mg.tensor(g)
    opt.step()
    expected = p0 * (1 - 0.1 * 0.01) - 0.1 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12, atol=1e-14)


def test_adamw_does_not_take_decoupled_weight_decay_as_in_pytorch():
    with pytest.raises(TypeError):
        mg.optim.AdamW([Parameter(mg.zeros(2))], decoupled_weight_decay=False)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        torch.optim.AdamW([torch.zeros(2, requires_grad=True)], decoupled_weight_decay=False)


@pytest.mark.parametrize("kwargs", [{}, {"centered": True, "momentum": 0.9, "weight_decay": 0.1}])
def test_rmsprop_repr_matches_pytorch_without_its_device_options_live(kwargs):
    torch = pytest.importorskip("torch")
    theirs = repr(torch.optim.RMSprop([torch.zeros(2, requires_grad=True)], **kwargs)).split("\n")
    theirs = [line for line in theirs if line.strip().split(":")[0] not in TORCH_ONLY_KEYS]
    assert repr(mg.optim.RMSprop([Parameter(mg.zeros(2))], **kwargs)).split("\n") == theirs


def test_rmsprop_first_steps_follow_the_documented_rule(rng):
    # Two plain steps written out in numpy: v = alpha v + (1 - alpha) g^2, p -= lr g / (sqrt(v) + eps).
    p0, g1, g2 = (rng.standard_normal((2, 3)) for _ in range(3))
    p = Parameter(mg.tensor(p0))
    opt = mg.optim.RMSprop([p], lr=0.1, alpha=0.9)
    v, expected = np.zeros_like(p0), p0.copy()
    for g in (g1, g2):
        p.grad = mg.tensor(g)
        opt.step()
        v = 0.9 * v + 0.1 * g * g
        expected -= 0.1 * g / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12, atol=1e-14)
    assert list(opt.state[p]) == ["step", "square_avg"] and float(opt.state[p]["step"].numpy()) == 2.0


# ---- the optimizers added for issue #17: Adadelta, Adagrad, Adamax, NAdam, RAdam, ASGD, Rprop, LBFGS ----------
NEW_OPTIMIZERS = ["Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"]

NEW_CTOR_ERRORS = [
    ("Adadelta", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("Adadelta", {"rho": 1.5}, ValueError, "Invalid rho value: 1.5"),
    ("Adadelta", {"rho": -0.1, "eps": -1.0}, ValueError, "Invalid rho value: -0.1"),  # PyTorch's order
    ("Adadelta", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("Adadelta", {"weight_decay": -0.1}, ValueError, "Invalid weight_decay value: -0.1"),
    ("Adagrad", {"lr": -0.5}, ValueError, "Invalid learning rate: -0.5"),
    ("Adagrad", {"lr_decay": -1.0}, ValueError, "Invalid lr_decay value: -1.0"),
    ("Adagrad", {"weight_decay": -1.0, "eps": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, ValueError, "Invalid initial_accumulator_value value: -1.0"),
    ("Adagrad", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("Adagrad", {"fused": True, "differentiable": True}, RuntimeError, "`fused` does not support `differentiable`"),
    ("Adagrad", {"fused": True, "foreach": True}, RuntimeError, "`fused` and `foreach` cannot be `True` together."),
    ("Adamax", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("Adamax", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("Adamax", {"betas": (1.0, 0.9)}, ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("Adamax", {"betas": (0.9, 1.0)}, ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("Adamax", {"weight_decay": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("NAdam", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("NAdam", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("NAdam", {"betas": (-0.1, 0.9)}, ValueError, "Invalid beta parameter at index 0: -0.1"),
    ("NAdam", {"betas": (0.9, 1.5)}, ValueError, "Invalid beta parameter at index 1: 1.5"),
    ("NAdam", {"weight_decay": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("NAdam", {"momentum_decay": -1.0}, ValueError, "Invalid momentum_decay value: -1.0"),
    ("RAdam", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("RAdam", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("RAdam", {"betas": (1.0, 0.9)}, ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("RAdam", {"betas": (0.9, 1.0)}, ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("RAdam", {"weight_decay": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("ASGD", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("ASGD", {"weight_decay": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("Rprop", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
    ("Rprop", {"etas": (1.0, 1.2)}, ValueError, "Invalid eta values: 1.0, 1.2"),
    ("Rprop", {"etas": (0.5, 1.0)}, ValueError, "Invalid eta values: 0.5, 1.0"),
    ("Rprop", {"etas": (0.0, 1.2)}, ValueError, "Invalid eta values: 0.0, 1.2"),
    ("LBFGS", {"lr": -1.0}, ValueError, "Invalid learning rate: -1.0"),
]


@pytest.mark.parametrize("name, kwargs, exc, message", NEW_CTOR_ERRORS)
def test_new_optimizers_constructor_errors_use_pytorch_words(rng, name, kwargs, exc, message):
    params = _params(rng)
    before = [p.detach().numpy().copy() for p in params]
    with pytest.raises(exc) as info:
        getattr(mg.optim, name)(params, **kwargs)
    assert info.type is exc and str(info.value) == message
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.detach().numpy(), b)


@pytest.mark.parametrize("name, kwargs, exc, message", NEW_CTOR_ERRORS)
def test_new_optimizers_constructor_errors_match_pytorch_live(name, kwargs, exc, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(exc) as info:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    assert info.type is exc and str(info.value) == message


@pytest.mark.parametrize("name", NEW_OPTIMIZERS + ["LBFGS"])
def test_a_tensor_lr_must_have_one_element(name):
    with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
        getattr(mg.optim, name)([Parameter(mg.zeros(2))], lr=mg.tensor([0.1, 0.2]))
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], lr=torch.tensor([0.1, 0.2]))


NEW_OPTIONS = [
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {}), ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.3, "eps": 1e-6}),
    ("Adamax", {}), ("Adamax", {"betas": (0.8, 0.9), "weight_decay": 0.1}),
    ("NAdam", {}), ("NAdam", {"momentum_decay": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {}), ("RAdam", {"decoupled_weight_decay": True, "weight_decay": 0.2, "maximize": True}),
    ("ASGD", {}), ("ASGD", {"lambd": 0.01, "alpha": 0.5, "t0": 10}),
    ("Rprop", {}), ("Rprop", {"etas": (0.3, 1.5), "step_sizes": (1e-4, 1.0)}),
    ("LBFGS", {}), ("LBFGS", {"max_iter": 8, "line_search_fn": "strong_wolfe", "history_size": 3}),
]


@pytest.mark.parametrize("name, kwargs", NEW_OPTIONS)
def test_new_optimizers_group_options_and_repr_match_pytorch_live(name, kwargs):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    ours = getattr(mg.optim, name)([Parameter(mg.zeros(2))], **kwargs)
    expected = {k: v for k, v in theirs.param_groups[0].items() if k not in TORCH_ONLY_KEYS | {"params"}}
    assert {k: v for k, v in ours.param_groups[0].items() if k != "params"} == expected
    assert ours.defaults == {k: v for k, v in theirs.defaults.items() if k not in TORCH_ONLY_KEYS}
    lines = [line for line in repr(theirs).split("\n") if line.strip().split(":")[0] not in TORCH_ONLY_KEYS]
    assert repr(ours).split("\n") == lines


def _implementation_flags(cls):
    return {k for k in inspect.signature(cls).parameters if k in TORCH_ONLY_KEYS}


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_new_optimizers_accept_and_ignore_pytorchs_implementation_flags(rng, name):
    flags = _implementation_flags(getattr(mg.optim, name))
    assert flags and flags <= {"foreach", "capturable", "differentiable", "fused"}
    plain = _params(rng)
    flagged = [Parameter(mg.from_numpy(p.detach().numpy().copy())) for p in plain]
    a = getattr(mg.optim, name)(plain)
    b = getattr(mg.optim, name)(flagged, **{k: False for k in flags})
    grads = _grads(rng, plain, 3)
    _train(a, plain, grads)
    _train(b, flagged, grads)
    for p, q in zip(plain, flagged):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert not set(b.param_groups[0]) & TORCH_ONLY_KEYS


@pytest.mark.parametrize("name", NEW_OPTIMIZERS + ["LBFGS"])
def test_new_optimizers_take_the_same_arguments_as_pytorch_live(name):
    torch = pytest.importorskip("torch")
    ours, theirs = inspect.signature(getattr(mg.optim, name)), inspect.signature(getattr(torch.optim, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.parameters.values()]


@pytest.mark.parametrize("name, kwargs", [(n, k) for n, k in NEW_OPTIONS if n != "LBFGS"])
def test_new_optimizers_state_dict_matches_pytorch_live(rng, name, kwargs):
    torch = pytest.importorskip("torch")
    init = [rng.standard_normal(s) for s in [(3, 2), (2,)]]
    grads = _grads(rng, [mg.from_numpy(x) for x in init], 7)
    tp = [torch.tensor(x, requires_grad=True) for x in init]
    topt = getattr(torch.optim, name)([{"params": tp[:1]}, {"params": tp[1:], "lr": 0.3}], **kwargs)
    mp = [Parameter(mg.from_numpy(x.copy())) for x in init]
    mopt = getattr(mg.optim, name)([{"params": mp[:1]}, {"params": mp[1:], "lr": 0.3}], **kwargs)
    for g in grads:
        for p, gi in zip(tp, g):
            p.grad = torch.tensor(gi)
        topt.step()
    _train(mopt, mp, grads)
    theirs, ours = topt.state_dict(), mopt.state_dict()
    assert [{k: v for k, v in g.items() if k not in TORCH_ONLY_KEYS} for g in theirs["param_groups"]] == \
        ours["param_groups"]
    assert list(theirs["state"]) == list(ours["state"])
    for idx in theirs["state"]:
        assert list(theirs["state"][idx]) == list(ours["state"][idx])
        for key, value in theirs["state"][idx].items():
            mine = ours["state"][idx][key]
            assert mine.shape == tuple(value.shape)
            assert str(mine.dtype).split(".")[1] == str(value.dtype).split(".")[1], key
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-12, atol=1e-14, err_msg=key)


@pytest.mark.parametrize("name", [n for n in NEW_OPTIMIZERS if n not in ("NAdam", "ASGD")])
def test_new_optimizers_state_dict_round_trip_continues_identically(rng, name):
    params = _params(rng)
    clones = [Parameter(mg.from_numpy(p.detach().numpy().copy())) for p in params]
    make = lambda ps: getattr(mg.optim, name)([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}])  # noqa: E731
    opt = make(params)
    grads = _grads(rng, params, 8)
    _train(opt, params, grads[:4])
    fresh = [Parameter(mg.from_numpy(p.detach().numpy().copy())) for p in params]
    other = make(fresh)
    other.load_state_dict(copy.deepcopy(opt.state_dict()))
    _train(other, fresh, grads[4:])
    uninterrupted = make(clones)
    _train(uninterrupted, clones, grads)
    for p, q in zip(fresh, clones):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_new_optimizers_keep_float32_parameters_and_state_float32(rng, name):
    params = _params(rng, np.float32)
    opt = getattr(mg.optim, name)(params, lr=np.float64(0.01))
    for _ in range(3):
        _set_grads(params, rng)
        opt.step()
    for p in params:
        assert p.detach().numpy().dtype == np.float32
        for key, value in opt.state[p].items():
            assert value.numpy().dtype == np.float32, key  # 'step', 'eta', 'mu', 'mu_product' are float32 too


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_new_optimizers_failed_step_changes_nothing(rng, name):
    params = _params(rng)
    opt = getattr(mg.optim, name)(params)
    _set_grads(params, rng)
    opt.step()
    _set_grads(params, rng)
    params[1].grad.data = mg.ones(5)  # the second parameter's grad has the wrong shape (planted through .data)
    before = _snapshot(opt)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        opt.step()
    _assert_same(before, _snapshot(opt))


def test_adagrad_state_exists_from_construction_as_in_pytorch(rng):
    a, b = _params(rng)
    opt = mg.optim.Adagrad([a], initial_accumulator_value=0.25)
    assert list(opt.state[a]) == ["step", "sum"] and float(opt.state[a]["step"].numpy()) == 0.0
    np.testing.assert_array_equal(opt.state[a]["sum"].numpy(), np.full(a.detach().numpy().shape, 0.25))
    opt.add_param_group({"params": [b], "initial_accumulator_value": 9.0})
    assert b not in opt.state  # a group added later gets its state at its first step, from the defaults
    b.grad = mg.from_numpy(np.ones(2))
    opt.step()
    np.testing.assert_array_equal(opt.state[b]["sum"].numpy(), np.full(2, 0.25 + 1.0))


def test_rprop_steps_by_the_sign_and_skips_a_flipped_entry():
    # Written out by hand: sizes start at lr; same sign grows them by etaplus, a flip shrinks and skips the step.
    p = Parameter(mg.tensor([0.0, 0.0, 0.0], dtype=mg.float64))
    opt = mg.optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.01, 0.3))
    for g in ([1.0, -2.0, 3.0], [4.0, 5.0, 0.0], [1.0, 1.0, 1.0]):
        p.grad = mg.tensor(g, dtype=mg.float64)
        opt.step()
    # entry 0: +,+,+ -> -0.1 -0.2 -0.3 (capped at 0.3); entry 1: -,+ (flip: size 0.05, skipped), then + -> -0.05;
    # entry 2: +, 0 (size kept, sign 0: no move), + -> -0.1 - 0.1
    np.testing.assert_allclose(p.detach().numpy(), [-0.6, 0.1 - 0.05, -0.2], rtol=1e-15)
    np.testing.assert_allclose(opt.state[p]["step_size"].numpy(), [0.3, 0.05, 0.1], rtol=1e-15)


def test_asgd_average_follows_the_iterates_once_averaging_starts():
    # With t0 = 2, mu = 1 / max(1, t - t0) set after step t is first below 1 after step 3: ax copies p up to step 4,
    # then is the running mean of the iterates from step 4 on (mu = 1/2 here, exact in float32).
    p = Parameter(mg.tensor([1.0, -1.0], dtype=mg.float64))
    opt = mg.optim.ASGD([p], lr=0.1, t0=2)
    iterates = []
    for g in ([1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0], [0.3, 0.3]):
        p.grad = mg.tensor(g, dtype=mg.float64)
        opt.step()
        iterates.append(p.detach().numpy().copy())
    np.testing.assert_allclose(opt.state[p]["ax"].numpy(), np.mean(iterates[3:], axis=0), rtol=1e-15)


# ---- LBFGS ----------------------------------------------------------------------------------------------------
def _lbfgs_problem(lib, tensor, dtype, **options):
    """A least-squares fit y = X w + b with the library's own autograd in the closure."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((20, 3)), rng.standard_normal((20, 1))
    w = tensor(np.full((3, 1), 0.1, dtype=dtype), requires_grad=True)
    b = tensor(np.zeros(1, dtype=dtype), requires_grad=True)
    opt = lib.optim.LBFGS([w, b], **options)
    xt, yt = tensor(x.astype(dtype)), tensor(y.astype(dtype))

    def closure():
        opt.zero_grad()
        loss = ((xt @ w + b - yt) ** 2).mean()
        loss.backward()
        return loss

    return opt, closure, (w, b), (x, y)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_with_an_autograd_closure_matches_pytorch_live_and_solves_least_squares(line_search_fn):
    torch = pytest.importorskip("torch")
    runs = []
    for lib, tensor in ((mg, mg.tensor), (torch, torch.tensor)):
        opt, closure, params, (x, y) = _lbfgs_problem(lib, tensor, "float64", line_search_fn=line_search_fn,
                                                      lr=0.5 if line_search_fn is None else 1)
        losses = [float(opt.step(closure).detach()) for _ in range(4)]
        runs.append((losses, [p.detach().numpy().copy() for p in params], opt.state[params[0]]["func_evals"]))
    (m_losses, m_params, m_evals), (t_losses, t_params, t_evals) = runs
    assert m_evals == t_evals
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-11)
    for a, b in zip(m_params, t_params):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if line_search_fn == "strong_wolfe":  # it has converged to numpy's least-squares solution
        design = np.hstack([x, np.ones((20, 1))])
        solution = np.linalg.lstsq(design, y, rcond=None)[0]
        # (to the loss-change tolerance it stops at, 1e-9 on a loss of about 1)
        np.testing.assert_allclose(np.vstack([m_params[0], m_params[1][:, None]]), solution, atol=1e-5)


def test_lbfgs_returns_the_first_loss_and_keeps_its_state_on_the_first_parameter():
    opt, closure, (w, b), _ = _lbfgs_problem(mg, mg.tensor, "float64", max_iter=3)
    first = closure().item()
    loss = opt.step(closure)
    assert isinstance(loss, mg.Tensor) and loss.item() == first
    assert set(opt.state) == {w}
    state = opt.state[w]
    # max_eval defaults to 3 * 5 // 4 = 3 closure calls: the first, and one after each of two fixed steps
    assert state["n_iter"] == 2 and state["func_evals"] == 3
    assert list(state) == ["func_evals", "n_iter", "al", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                           "prev_flat_grad", "prev_loss"]
    assert state["d"].shape == (4,) and state["prev_flat_grad"].shape == (4,)
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) == 1
    assert len(state["al"]) == 100 and state["al"][1] is None and state["t"] == 1


def test_lbfgs_stops_at_once_when_the_gradient_is_below_tolerance_grad():
    opt, closure, (w, b), _ = _lbfgs_problem(mg, mg.tensor, "float64", tolerance_grad=1e6)
    before = w.detach().numpy().copy()
    opt.step(closure)
    np.testing.assert_array_equal(w.detach().numpy(), before)
    assert opt.state[w] == {"func_evals": 1, "n_iter": 0}


def _lbfgs_snapshot(opt, params):
    state = copy.deepcopy({k: v for k, v in opt.state[params[0]].items()})
    return [p.detach().numpy().copy() for p in params], [p._version for p in params], [p.grad for p in params], state


@pytest.mark.parametrize("failure", ["closure raises midway", "unknown line search", "no closure", "wrong grad"])
def test_lbfgs_failed_step_changes_no_parameter_gradient_or_state(failure):
    opt, closure, params, _ = _lbfgs_problem(mg, mg.tensor, "float64", line_search_fn="strong_wolfe", max_iter=4)
    opt.step(closure)
    values, versions, grads, state = _lbfgs_snapshot(opt, params)
    grad_values = [g.numpy().copy() for g in grads]
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("data loader failed")
        return closure()

    def wrong_grad():
        loss = closure()
        params[1].grad = mg.zeros(3, dtype=mg.float64)
        return loss

    if failure == "unknown line search":
        opt.param_groups[0]["line_search_fn"] = "armijo"
    run = {"closure raises midway": lambda: opt.step(flaky), "unknown line search": lambda: opt.step(closure),
           "no closure": lambda: opt.step(None), "wrong grad": lambda: opt.step(wrong_grad)}[failure]
    with pytest.raises((RuntimeError, TypeError)):
        run()
    for p, v, ver, g, gv in zip(params, values, versions, grads, grad_values):
        np.testing.assert_array_equal(p.detach().numpy(), v)
        assert p._version == ver and p.grad is g
        np.testing.assert_array_equal(p.grad.numpy(), gv)
    after = opt.state[params[0]]
    assert list(after) == list(state)
    for key, value in state.items():
        if isinstance(value, mg.Tensor):
            np.testing.assert_array_equal(after[key].numpy(), value.numpy())
        elif isinstance(value, list):
            assert len(after[key]) == len(value)
        else:
            assert after[key] == value


def test_lbfgs_takes_one_parameter_group_only():
    a, b = Parameter(mg.zeros(2)), Parameter(mg.zeros(2))
    with pytest.raises(ValueError, match=r"^LBFGS doesn't support per-parameter options \(parameter groups\)$"):
        mg.optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = mg.optim.LBFGS([a])
    opt.add_param_group({"params": [b]})
    with pytest.raises(AssertionError, match="^Expected exactly one param_group, but got 2$"):
        opt.step(lambda: mg.tensor(0.0))


def test_lbfgs_unknown_line_search_message_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    for lib, tensor in ((mg, mg.tensor), (torch, torch.tensor)):
        opt, closure, _, _ = _lbfgs_problem(lib, tensor, "float64", line_search_fn="armijo")
        with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
            opt.step(closure)


@pytest.mark.parametrize("name", ["NAdam", "ASGD"])
def test_loading_casts_float32_scalar_state_to_the_parameter_dtype_as_pytorch_live(rng, name):
    # NAdam's mu_product and ASGD's eta and mu are float32 scalars; loading casts them to a float64 parameter's
    # dtype as PyTorch does, so the resumed run continues in float64 exactly as PyTorch's resumed run does.
    torch = pytest.importorskip("torch")
    init = rng.standard_normal((3, 2))
    grads = [rng.standard_normal((3, 2)) for _ in range(6)]
    runs = []
    for lib, make in ((mg.optim, lambda x: Parameter(mg.from_numpy(x.copy()))),
                      (torch.optim, lambda x: torch.tensor(x, requires_grad=True))):
        p, q = make(init), make(init)
        opt, other = getattr(lib, name)([p], lr=0.05, **({"t0": 1} if name == "ASGD" else {})), None
        for g in grads[:3]:
            p.grad = make(g).detach() if lib is torch.optim else mg.from_numpy(g.copy())
            opt.step()
        other = getattr(lib, name)([q], lr=0.05, **({"t0": 1} if name == "ASGD" else {}))
        other.load_state_dict(copy.deepcopy(opt.state_dict()))
        scalars = {k: str(v.dtype).split(".")[-1] for k, v in other.state[q].items() if v.dim() == 0}
        for g in grads[3:]:
            q.grad = make(g).detach() if lib is torch.optim else mg.from_numpy(g.copy())
            other.step()
        runs.append((scalars, q.detach().numpy().copy()))
    assert runs[0][0] == runs[1][0]
    assert set(runs[0][0].values()) == {"float32", "float64"}  # 'step' stays float32, the others become float64
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_state_dict_round_trip_continues_identically(line_search_fn):
    opt, closure, params, _ = _lbfgs_problem(mg, mg.tensor, "float64", line_search_fn=line_search_fn, max_iter=3,
                                             lr=0.3, history_size=2)
    opt.step(closure)
    opt.step(closure)
    saved = copy.deepcopy(opt.state_dict())
    values = [p.detach().numpy().copy() for p in params]
    opt.step(closure)
    opt.step(closure)
    resumed, closure2, params2, _ = _lbfgs_problem(mg, mg.tensor, "float64", line_search_fn=line_search_fn,
                                                   max_iter=3, lr=0.3, history_size=2)
    for p, v in zip(params2, values):
        p.detach().numpy()[...] = v
    resumed.load_state_dict(saved)
    resumed.step(closure2)
    resumed.step(closure2)
    for p, q in zip(params, params2):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert resumed.state[params2[0]]["func_evals"] == opt.state[params[0]]["func_evals"]
