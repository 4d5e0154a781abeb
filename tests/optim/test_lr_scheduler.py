"""Learning-rate schedulers against PyTorch: the same lrs step by step, state_dict round trips, errors and warnings.

References: tests/fixtures/lr_scheduler_golden.npz (made by tests/golden/make_lr_scheduler_fixtures.py), the
closed-form schedules computed with numpy, and, when torch is importable, live runs of PyTorch.
"""

import copy
import importlib.util
import json
import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import Parameter
from minigrad.optim import SGD, lr_scheduler

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "golden" / "make_lr_scheduler_fixtures.py"
FIXTURE = HERE.parent / "fixtures" / "lr_scheduler_golden.npz"


def _golden_script():
    spec = importlib.util.spec_from_file_location("make_lr_scheduler_fixtures", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


G = _golden_script()
CASE_NAMES = list(G.CASES)


@pytest.fixture(scope="module")
def golden():
    with np.load(FIXTURE, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def make_param():
    return Parameter(mg.zeros(2))


def run_minigrad(case, steps=G.STEPS):
    return G.run_schedule(mg.optim, make_param, case, steps)


def step(opt, sched, case, i):
    """Epoch ``i`` of a case: the optimizer's step, then the scheduler's (with that epoch's metric if it needs one)."""
    opt.step()
    G.step_scheduler(sched, case, i)


def lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _lib(name, optim, param):
    """One library (minigrad or torch) as the small interface the shared tests use."""
    opt = lambda: optim.SGD([{"params": [param()], "lr": lr} for lr in G.LRS])  # noqa: E731
    return SimpleNamespace(name=name, optim=optim, sched=optim.lr_scheduler, sgd=optim.SGD, param=param, opt=opt)


MG = _lib("minigrad", mg.optim, make_param)


def _torch_lib():
    torch = pytest.importorskip("torch")
    return _lib("torch", torch.optim, lambda: torch.zeros(2, requires_grad=True))


# ---- the schedules, against the golden fixture and live PyTorch ----------------------------------------------
def test_fixture_was_made_from_the_scripts_cases(golden):
    assert json.loads(str(golden["cases"])) == G.CASES
    assert json.loads(str(golden["metrics"])) == G.METRICS


def test_the_cases_cover_every_scheduler():
    assert {c["scheduler"] for c in G.CASES.values()} == set(lr_scheduler.__all__) - {"LRScheduler"}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_lrs_match_pytorch_golden(golden, name):
    got = run_minigrad(G.CASES[name])
    expected = {k.split("__", 1)[1]: v for k, v in golden.items() if k.startswith(name + "__")}
    assert sorted(got) == sorted(expected)
    assert got["lrs"].shape == (G.STEPS + 1, len(G.LRS))
    np.testing.assert_allclose(got["lrs"], expected["lrs"], rtol=1e-12, atol=1e-15)
    for key in sorted(set(got) - {"lrs"}):  # last_epoch, and ReduceLROnPlateau's best / counters
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_lrs_and_state_dict_match_live_pytorch(name):
    torch = pytest.importorskip("torch")
    case = G.CASES[name]
    expected = G.run_torch(case)
    got = run_minigrad(case)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-12, atol=1e-15, err_msg=key)

    t_opt, t_sched = G.build(torch.optim, lambda: torch.zeros(2, requires_grad=True), case)
    m_opt, m_sched = G.build(mg.optim, make_param, case)
    for i in range(11):
        step(t_opt, t_sched, case, i)
        step(m_opt, m_sched, case, i)
    t_state, m_state = t_sched.state_dict(), m_sched.state_dict()
    assert list(m_state) == list(t_state)
    assert m_state == t_state
    assert m_sched.get_last_lr() == t_sched.get_last_lr()
    strip = lambda opt: [{k: v for k, v in g.items() if k in {"lr", "initial_lr"}} for g in opt.param_groups]  # noqa: E731
    assert strip(m_opt) == strip(t_opt)


def test_get_last_lr_is_what_the_last_step_set():
    case = G.CASES["cosine_eta_min"]
    opt, sched = G.build(mg.optim, make_param, case)
    for i in range(5):
        step(opt, sched, case, i)
        last = sched.get_last_lr()
        assert last == lrs(opt)
    expected = lrs(opt)
    last[0] = 1.0  # writing into the returned list does not reach the optimizer
    assert lrs(opt) == expected


# ---- closed forms (numpy) ------------------------------------------------------------------------------------
def test_cosine_recursion_follows_the_closed_form():
    T, eta_min, steps = 12, 0.004, 50
    opt = MG.opt()
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=eta_min)
    got = [lrs(opt)]
    for _ in range(steps):
        opt.step()
        sched.step()
        got.append(lrs(opt))
    t = np.arange(steps + 1)[:, None]
    base = np.array(G.LRS)[None, :]
    closed = eta_min + (base - eta_min) * (1 + np.cos(np.pi * t / T)) / 2
    np.testing.assert_allclose(np.array(got), closed, rtol=1e-12, atol=1e-15)


def test_two_schedulers_on_one_optimizer_compose():
    opt = MG.opt()
    exp = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    multi = lr_scheduler.MultiStepLR(opt, milestones=[4, 9, 9], gamma=0.5)
    got = [lrs(opt)]
    for _ in range(15):
        opt.step()
        exp.step()
        multi.step()
        got.append(lrs(opt))
    t = np.arange(16)
    factor = 0.9**t * 0.5 ** ((t >= 4).astype(int) + 2 * (t >= 9))
    np.testing.assert_allclose(np.array(got), factor[:, None] * np.array(G.LRS)[None, :], rtol=1e-12)


def test_two_schedulers_on_one_optimizer_match_live_pytorch():
    runs = []
    for lib in (MG, _torch_lib()):
        opt = lib.opt()
        scheds = [lib.sched.StepLR(opt, 3, gamma=0.8), lib.sched.CosineAnnealingLR(opt, T_max=6, eta_min=0.001)]
        out = []
        for _ in range(20):
            opt.step()
            for s in scheds:
                s.step()
            out.append([float(g["lr"]) for g in opt.param_groups])
        runs.append(out)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12, atol=1e-15)


# ---- construction ------------------------------------------------------------------------------------------
def test_lr_scheduler_is_reachable_as_in_pytorch():
    import minigrad

    assert "lr_scheduler" in minigrad.optim.__all__
    assert minigrad.optim.lr_scheduler.StepLR is lr_scheduler.StepLR
    assert all(issubclass(getattr(lr_scheduler, n), lr_scheduler.LRScheduler) for n in lr_scheduler.__all__)


def test_construction_records_initial_lr_and_takes_the_initial_step():
    opt = MG.opt()
    opt.param_groups[1]["initial_lr"] = 0.5  # an existing initial_lr is kept
    sched = lr_scheduler.LambdaLR(opt, lr_lambda=lambda epoch: 0.5 + epoch)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert sched.base_lrs == [0.1, 0.5]
    assert sched.last_epoch == 0
    assert lrs(opt) == sched.get_last_lr() == [0.05, 0.25]  # base_lr * lr_lambda(0)


def test_resuming_with_last_epoch_uses_initial_lr():
    opt = MG.opt()
    for g in opt.param_groups:
        g["initial_lr"] = 1.0
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5, last_epoch=6)
    assert sched.last_epoch == 7 and sched.base_lrs == [1.0, 1.0]
    assert lrs(opt) == G.LRS  # epoch 7 is not a multiple of step_size: the current lrs stay
    opt.step()
    sched.step()
    assert lrs(opt) == [0.05, 0.01]


def test_plateau_takes_no_initial_step():
    opt = MG.opt()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.01])
    assert sched.last_epoch == 0 and sched.best == math.inf and sched.num_bad_epochs == 0
    assert all("initial_lr" not in g for g in opt.param_groups) and not hasattr(sched, "base_lrs")
    sched.step(mg.tensor(2.0))  # a 0-d tensor works as the metric
    sched.step(mg.tensor(3.0))
    assert sched.best == 2.0 and sched.last_epoch == 2
    np.testing.assert_allclose(lrs(opt), [0.01, 0.01], rtol=1e-15)  # 0.02 * 0.1 is clipped to its min_lr


def test_a_scheduled_lr_is_the_lr_sgd_steps_with():
    rng = np.random.default_rng(3)
    p = Parameter(mg.from_numpy(rng.standard_normal(3)))
    opt = SGD([p], lr=0.5)
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    for epoch in range(6):
        g = rng.standard_normal(3)
        p.grad = mg.from_numpy(g)
        before = p.detach().numpy().copy()
        lr = sched.get_last_lr()[0]
        assert lr == pytest.approx(0.5 * 0.1 ** (epoch // 2), rel=1e-12)
        opt.step()
        np.testing.assert_allclose(p.detach().numpy() - before, -lr * g, rtol=1e-12, atol=1e-15)
        sched.step()


def test_tensor_lr_is_updated_in_place_and_matches_live_pytorch():
    torch = pytest.importorskip("torch")
    runs = []
    for lib, tensor in ((MG, mg.tensor), (_torch_lib(), torch.tensor)):
        lr = tensor(0.1)
        opt = lib.sgd([lib.param()], lr=lr)
        sched = lib.sched.ExponentialLR(opt, gamma=0.7)
        out = []
        for _ in range(6):
            opt.step()
            sched.step()
            assert opt.param_groups[0]["lr"] is lr
            assert sched.get_last_lr()[0] is not lr
            out.append(float(lr))
        runs.append(out)
    assert runs[0] == runs[1]


# ---- state_dict --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASE_NAMES)
def test_state_dict_round_trip_continues_the_schedule(golden, name):
    case = G.CASES[name]
    opt, sched = G.build(mg.optim, make_param, case)
    for i in range(12):
        step(opt, sched, case, i)
    saved_opt, saved_sched = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())

    # A fresh run from the same code: the scheduler first, then the checkpoint (PyTorch's advised order).
    opt2, sched2 = G.build(mg.optim, make_param, case)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    assert sched2.state_dict() == sched.state_dict()
    resumed, uninterrupted = [], []
    for i in range(12, G.STEPS):
        step(opt, sched, case, i)
        step(opt2, sched2, case, i)
        uninterrupted.append(lrs(opt))
        resumed.append(lrs(opt2))
    assert resumed == uninterrupted
    np.testing.assert_allclose(resumed, golden[f"{name}__lrs"][13:], rtol=1e-12, atol=1e-15)


class Warmup:
    """A callable object: LambdaLR saves its attributes."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


def test_lambda_state_dict_saves_callable_objects_not_functions():
    opt = MG.opt()
    sched = lr_scheduler.LambdaLR(opt, [G.LAMBDAS["power"], Warmup(4)])
    for _ in range(2):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"epochs": 4}]
    assert list(state)[-1] == "lr_lambdas" and "optimizer" not in state

    other = Warmup(10)
    opt2 = MG.opt()
    sched2 = lr_scheduler.LambdaLR(opt2, [G.LAMBDAS["power"], other])
    sched2.load_state_dict(state)
    assert other.epochs == 4 and sched2.last_epoch == 2
    assert state["lr_lambdas"] == [None, {"epochs": 4}]  # loading leaves the given dict as it was
    opt.step()
    sched.step()
    opt2.step()
    sched2.step()
    assert lrs(opt2) == lrs(opt)


def test_lambda_state_dict_matches_live_pytorch():
    states = []
    for lib in (MG, _torch_lib()):
        opt = lib.opt()
        sched = lib.sched.LambdaLR(opt, [Warmup(3), G.LAMBDAS["stairs"]])
        opt.step()
        sched.step()
        states.append(sched.state_dict())
    assert list(states[0]) == list(states[1])
    assert states[0] == states[1]


# ---- errors ------------------------------------------------------------------------------------------------
RESUME_ERROR = (
    "param 'initial_lr' is not specified in param_groups[0] when resuming scheduler with last_epoch >= 0.\n"
    "This typically happens when:\n1. You're trying to resume training from a checkpoint but haven't properly "
    "loaded the optimizer state\n2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
)


def _reduce_after_adding_a_group(lib):
    opt = lib.opt()
    sched = lib.sched.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
    opt.add_param_group({"params": [lib.param()]})
    sched.step(1.0)
    sched.step(2.0)


def _with_opt(lib, make):
    return make(lib.opt())


def _one_cycle_past_the_end(lib):
    opt = lib.opt()
    sched = lib.sched.OneCycleLR(opt, 0.1, total_steps=2)
    for _ in range(3):
        opt.step()
        sched.step()


ERRORS = {
    "not_an_optimizer": (lambda lib: lib.sched.StepLR(5, 3), TypeError, "int is not an Optimizer"),
    "not_an_optimizer_cosine": (lambda lib: lib.sched.CosineAnnealingLR(object(), 3), TypeError,
                                "object is not an Optimizer"),
    "not_an_optimizer_plateau": (lambda lib: lib.sched.ReduceLROnPlateau([1.0]), TypeError,
                                 "list is not an Optimizer"),
    "lambda_count": (lambda lib: lib.sched.LambdaLR(lib.opt(), [lambda e: 1.0]), ValueError,
                     "Expected 2 lr_lambdas, but got 1"),
    "resume_without_initial_lr": (lambda lib: lib.sched.ExponentialLR(lib.opt(), 0.9, last_epoch=3), KeyError,
                                  RESUME_ERROR),
    "plateau_mode": (lambda lib: lib.sched.ReduceLROnPlateau(lib.opt(), mode="maximum"), ValueError,
                     "mode maximum is unknown!"),
    "plateau_threshold_mode": (lambda lib: lib.sched.ReduceLROnPlateau(lib.opt(), threshold_mode="relative"),
                               ValueError, "threshold mode relative is unknown!"),
    "plateau_factor": (lambda lib: lib.sched.ReduceLROnPlateau(lib.opt(), factor=1.0), ValueError,
                       "Factor should be < 1.0."),
    "plateau_factor_checked_first": (lambda lib: lib.sched.ReduceLROnPlateau(None, factor=2), ValueError,
                                     "Factor should be < 1.0."),
    "plateau_min_lr_count": (lambda lib: lib.sched.ReduceLROnPlateau(lib.opt(), min_lr=[0.1, 0.2, 0.3]),
                             ValueError, "expected 2 min_lrs, got 3"),
    "constant_factor": (lambda lib: lib.sched.ConstantLR(lib.opt(), factor=1.5), ValueError,
                        "Constant multiplicative factor expected to be between 0 and 1."),
    "linear_start_factor": (lambda lib: lib.sched.LinearLR(lib.opt(), start_factor=0.0), ValueError,
                            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    "linear_end_factor": (lambda lib: lib.sched.LinearLR(lib.opt(), end_factor=1.5), ValueError,
                          "Ending multiplicative factor expected to be between 0 and 1."),
    "multiplicative_count": (lambda lib: lib.sched.MultiplicativeLR(lib.opt(), [lambda e: 1.0]), ValueError,
                             "Expected 2 lr_lambdas, but got 1"),
    "multiplicative_not_callable": (lambda lib: lib.sched.MultiplicativeLR(lib.opt(), 0.9), TypeError,
                                    "lr_lambda should be a function, but got float"),
    "multiplicative_not_an_optimizer": (lambda lib: lib.sched.MultiplicativeLR(3, lambda e: 1.0), AttributeError,
                                        "'int' object has no attribute 'param_groups'"),
    "sequential_empty": (lambda lib: lib.sched.SequentialLR(lib.opt(), [], []), ValueError,
                         "SequentialLR expects at least one scheduler, but got no scheduler."),
    "sequential_not_a_scheduler": (lambda lib: lib.sched.SequentialLR(lib.opt(), [3], []), TypeError,
                                   "SequentialLR at index 0 should have `optimizer` as its attribute."),
    "sequential_plateau": (lambda lib: _with_opt(lib, lambda o: lib.sched.SequentialLR(
        o, [lib.sched.ConstantLR(o), lib.sched.ReduceLROnPlateau(o)], [2])), ValueError,
        "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
        "specified when calling `step`, but got one at index 1 in the given schedulers sequence."),
    "sequential_milestones": (lambda lib: _with_opt(lib, lambda o: lib.sched.SequentialLR(
        o, [lib.sched.ConstantLR(o), lib.sched.ExponentialLR(o, 0.9)], [2, 5])), ValueError,
        "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone "
        "points, but got number of schedulers 2 and the number of milestones to be equal to 2"),
    "chained_empty": (lambda lib: lib.sched.ChainedScheduler([]), ValueError,
                      "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."),
    "chained_plateau": (lambda lib: _with_opt(lib, lambda o: lib.sched.ChainedScheduler(
        [lib.sched.ReduceLROnPlateau(o)])), ValueError,
        "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
        "specified when calling `step`, but got one at index 0 in the given schedulers sequence."),
    "cyclic_mode": (lambda lib: lib.sched.CyclicLR(lib.opt(), 0.01, 0.1, mode="square"), ValueError,
                    "mode is invalid and scale_fn is None"),
    "cyclic_max_lr_count": (lambda lib: lib.sched.CyclicLR(lib.opt(), 0.01, [0.1, 0.2, 0.3]), ValueError,
                            "max_lr must have the same length as optimizer.param_groups. max_lr has 3 values, "
                            "param_groups has 2."),
    "cyclic_no_momentum": (lambda lib: lib.sched.CyclicLR(lib.optim.Adagrad([lib.param()]), 0.01, 0.1), ValueError,
                           "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    "cyclic_not_an_optimizer": (lambda lib: lib.sched.CyclicLR("sgd", 0.01, 0.1), TypeError,
                                "str is not an Optimizer"),
    "warm_restarts_T_0": (lambda lib: lib.sched.CosineAnnealingWarmRestarts(lib.opt(), T_0=0), ValueError,
                          "Expected positive integer T_0, but got 0"),
    "warm_restarts_T_0_float": (lambda lib: lib.sched.CosineAnnealingWarmRestarts(lib.opt(), T_0=2.5), ValueError,
                                "Expected positive integer T_0, but got 2.5"),
    "warm_restarts_T_mult": (lambda lib: lib.sched.CosineAnnealingWarmRestarts(lib.opt(), 3, T_mult=0), ValueError,
                             "Expected integer T_mult >= 1, but got 0"),
    "warm_restarts_eta_min": (lambda lib: lib.sched.CosineAnnealingWarmRestarts(lib.opt(), 3, eta_min="0"),
                              ValueError, "Expected float or int eta_min, but got 0 of type <class 'str'>"),
    "warm_restarts_negative_epoch": (lambda lib: lib.sched.CosineAnnealingWarmRestarts(lib.opt(), 3).step(-1),
                                     ValueError, "Expected non-negative epoch, but got -1"),
    "one_cycle_no_length": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, epochs=3), ValueError,
                            "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    "one_cycle_total_steps": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, total_steps=0), ValueError,
                              "Expected positive integer total_steps, but got 0"),
    "one_cycle_epochs": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, epochs=0, steps_per_epoch=3), ValueError,
                         "Expected positive integer epochs, but got 0"),
    "one_cycle_steps_per_epoch": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, epochs=2, steps_per_epoch=2.5),
                                  ValueError, "Expected positive integer steps_per_epoch, but got 2.5"),
    "one_cycle_pct_start": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, total_steps=9, pct_start=1),
                            ValueError, "Expected float between 0 and 1 pct_start, but got 1"),
    "one_cycle_anneal": (lambda lib: lib.sched.OneCycleLR(lib.opt(), 0.1, total_steps=9, anneal_strategy="exp"),
                         ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    "one_cycle_past_the_end": (_one_cycle_past_the_end, ValueError,
                               "Tried to step 3 times. The specified number of total steps is 2"),
    "plateau_groups_changed": (_reduce_after_adding_a_group, RuntimeError,
                               "The number of param groups in the `optimizer` (3) differs from when "
                               "`ReduceLROnPlateau` was initialized (2), usually due to a new param group being "
                               "added to the optimizer. Please modify the `min_lrs` field to match the length of "
                               "the `optimizer` param groups."),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_have_pytorchs_type_and_text(name):
    make, kind, message = ERRORS[name]
    with pytest.raises(kind) as info:
        make(MG)
    assert info.type is kind and info.value.args[0] == message


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_live_pytorch(name):
    make, kind, message = ERRORS[name]
    with pytest.raises(kind) as info:
        make(_torch_lib())
    assert info.type is kind and info.value.args[0] == message


@pytest.mark.parametrize("make", [
    lambda opt: lr_scheduler.LambdaLR(opt, [lambda e: 1.0] * 3),
    lambda opt: lr_scheduler.StepLR(opt, 2, last_epoch=4),
    lambda opt: lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1]),
], ids=["lambda_count", "resume", "min_lr_count"])
def test_a_failed_construction_leaves_the_optimizer_as_it_was(make):
    opt = MG.opt()
    groups = [dict(g) for g in opt.param_groups]
    with pytest.raises((ValueError, KeyError)):
        make(opt)
    assert opt.param_groups == groups and "step" not in vars(opt)


# ---- warnings ----------------------------------------------------------------------------------------------
STEP_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
    "them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result "
    "in PyTorch skipping the first value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
STEP_REPLACED = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make "
    "sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
GET_LR = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."


def _scheduler_before_optimizer(lib):
    opt = lib.opt()
    sched = lib.sched.StepLR(opt, 2)
    sched.step()
    opt.step()
    sched.step()  # warned once only


def _optimizer_step_replaced(lib):
    opt = lib.opt()
    sched = lib.sched.ExponentialLR(opt, 0.5)
    opt.step = lambda closure=None: None
    opt.step()
    sched.step()


def _get_lr_outside_step(lib):
    opt = lib.opt()
    sched = lib.sched.CosineAnnealingLR(opt, 4)
    opt.step()
    sched.step()
    sched.get_lr()


def _right_order(lib):
    opt = lib.opt()
    scheds = [lib.sched.StepLR(opt, 2), lib.sched.LambdaLR(opt, G.LAMBDAS["power"])]  # optimizer wrapped once
    for _ in range(3):
        opt.step()
        for s in scheds:
            s.step()
        for s in scheds:
            s.get_last_lr()


def _epoch_argument(lib):
    opt = lib.opt()
    sched = lib.sched.StepLR(opt, 2)
    opt.step()
    sched.step(5)


EPOCH_DEPRECATED = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use "
    "`scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed "
    "form is used instead of the new chainable form, where available. Please open an issue if you are unable to "
    "replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)

WARNINGS = {
    "epoch_argument": (_epoch_argument, [EPOCH_DEPRECATED]),
    "scheduler_before_optimizer": (_scheduler_before_optimizer, [STEP_ORDER]),
    "optimizer_step_replaced": (_optimizer_step_replaced, [STEP_REPLACED]),
    "get_lr_outside_step": (_get_lr_outside_step, [GET_LR]),
    "right_order": (_right_order, []),
}


def _warnings_of(run, lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(lib)
    return [(w.category, str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warnings_have_pytorchs_text_and_point_at_the_callers_line(name):
    run, messages = WARNINGS[name]
    assert _warnings_of(run, MG) == [(UserWarning, m, __file__) for m in messages]


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warnings_match_live_pytorch(name):
    run, messages = WARNINGS[name]
    got = _warnings_of(run, _torch_lib())
    assert [(c, m) for c, m, _ in got] == [(UserWarning, m) for m in messages]


def test_scheduler_of_another_optimizer_error_names_it_as_pytorch_live():
    makers = [lambda S, opt, inner: S.SequentialLR(opt, [inner], []),
              lambda S, opt, inner: S.ChainedScheduler([S.ConstantLR(opt), inner])]
    runs = []
    for lib in (MG, _torch_lib()):
        for make in makers:
            opt, other = lib.opt(), lib.opt()
            with pytest.raises(ValueError) as info:
                make(lib.sched, opt, lib.sched.ExponentialLR(other, 0.9))
            runs.append(str(info.value).replace(repr(other), "<the other optimizer>"))
    assert runs[:2] == runs[2:]
    assert runs[0] == ("SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler "
                       "ExponentialLR at index 0 has <the other optimizer>, which is different from SGD.")


CLOSED_FORMS = [
    lambda S, o: S.StepLR(o, 3, 0.5), lambda S, o: S.MultiStepLR(o, [2, 5, 5], 0.5),
    lambda S, o: S.ExponentialLR(o, 0.9), lambda S, o: S.CosineAnnealingLR(o, 7), lambda S, o: S.ConstantLR(o, 0.5, 4),
    lambda S, o: S.LinearLR(o, 0.2, 0.9, 6), lambda S, o: S.PolynomialLR(o, 8, 2.0),
    lambda S, o: S.LambdaLR(o, G.LAMBDAS["power"]),  # no closed form: get_lr at the given epoch
]


def test_step_with_an_epoch_uses_the_closed_form_as_pytorch_live():
    runs = []
    for lib in (MG, _torch_lib()):
        out = []
        for make in CLOSED_FORMS:
            opt = lib.opt()
            sched = make(lib.sched, opt)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for epoch in (4, 1, 9, 6):
                    opt.step()
                    sched.step(epoch)
                    out.append([float(g["lr"]) for g in opt.param_groups] + [sched.last_epoch])
        runs.append(out)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12, atol=1e-15)
