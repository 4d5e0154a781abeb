"""``LBFGS``: limited-memory BFGS, a quasi-Newton method driven by a closure (Liu & Nocedal, 1989).

L-BFGS treats all parameters as one flat vector ``x``. From the last ``history_size`` steps ``s = x_new - x`` and
gradient changes ``y = g_new - g`` it builds, without ever storing a matrix, the product of an approximate inverse
Hessian with the gradient (the "two-loop recursion"), and moves along that direction. Each ``step(closure)`` runs
up to ``max_iter`` such iterations, calling ``closure`` (which recomputes the loss and the gradients) as often as
it needs. With ``line_search_fn="strong_wolfe"`` the step length along each direction is chosen by a line search
that brackets a point satisfying the strong Wolfe conditions and zooms in on it with cubic interpolation
(Nocedal & Wright, *Numerical Optimization*, algorithms 3.5 and 3.6).

Scalars that PyTorch keeps as 0-d tensors (dot products, ``H_diag``, ``ro``, sometimes ``t``) are numpy scalars
here, so a float32 problem does that arithmetic in float32 as PyTorch does; they are stored as 0-d tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd.grad_mode import enable_grad, no_grad
from minigrad.optim.optimizer import Optimizer, _check_lr
from minigrad.tensor import Tensor


class LBFGS(Optimizer):
    """L-BFGS over all parameters as one flat vector, with PyTorch's algorithm, options and state.

    Unlike the other optimizers, ``step`` needs a ``closure`` that clears the gradients, computes the loss,
    calls ``backward()`` and returns the loss::

        opt = minigrad.optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            return loss

        for _ in range(10):
            opt.step(closure)

    One ``step`` does, from the flat gradient ``g`` of the ``N`` parameter entries::

        stop if max |g| <= tolerance_grad
        repeat up to max_iter times:
            d = -g                                  on the very first iteration, else
            d = -H g                                H: the L-BFGS inverse Hessian from the stored (s, y) pairs,
                                                    scaled by H_diag = s.y / y.y; a pair is stored only if s.y > 1e-10
            t = min(1, 1 / sum|g|) * lr             on the very first iteration, else t = lr
            stop if g.d > -tolerance_change         (d is not a descent direction)
            x = x + t d                             t from the strong Wolfe search when line_search_fn is set
            stop after max_eval closure calls, when max |g| <= tolerance_grad, when max |t d| <= tolerance_change,
            or when the loss changed by less than tolerance_change

    Args:
        params: the tensors to optimize: one group only (a list of dicts with more than one raises).
        lr: the step length (the first step of all is scaled down by the gradient's 1-norm when that exceeds 1).
        max_iter: iterations per ``step()``.
        max_eval: closure calls per ``step()`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when every gradient entry is at most this in size.
        tolerance_change: stop when the step or the change of the loss is smaller than this.
        history_size: how many ``(s, y)`` pairs are kept.
        line_search_fn: ``None`` (fixed steps of length ``t``) or ``"strong_wolfe"``.

    State (on the first parameter, as PyTorch keeps it): ``'func_evals'`` and ``'n_iter'`` (ints, totals over all
    steps), ``'d'`` (the last direction, shape ``(N,)``), ``'t'`` (the last step length), ``'old_dirs'`` (the
    ``y`` vectors) and ``'old_stps'`` (the ``s`` vectors), lists of ``(N,)`` tensors, ``'ro'`` (``1 / s.y`` for
    each pair), ``'H_diag'``, ``'prev_flat_grad'`` (``(N,)``), ``'prev_loss'`` (a float) and ``'al'`` (the
    two-loop coefficients, ``history_size`` entries). A step that raises (in the closure or in its checks) puts
    the parameters, their gradients and this state back as they were.
    """

    _state_has_param_shapes = False  # its state holds flat (N,) vectors

    def __init__(
        self,
        params: Any,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change, "history_size": history_size, "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector --------------------------------------------------------------
    def _flat_grad(self) -> np.ndarray:
        self._check_grads()
        return np.concatenate([
            np.zeros(p._data.size, dtype=p._data.dtype) if p.grad is None else p.grad._data.reshape(-1)
            for p in self._params
        ])

    def _move(self, t: Any, d: np.ndarray) -> None:
        """x = x + t * d, parameter by parameter, in place (``t`` rounded to the parameters' dtype first)."""
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += p._data.dtype.type(t) * d[offset:offset + n].reshape(p._data.shape)
            p._vc.value += 1
            offset += n

    def _set_params(self, values: list[np.ndarray]) -> None:
        for p, v in zip(self._params, values, strict=True):
            p._data[...] = v
            p._vc.value += 1

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float, np.ndarray]:
        """Run the closure with grad enabled: its loss as returned, as a float, and the flat gradient."""
        with enable_grad():
            loss = closure()
        return loss, float(loss), self._flat_grad()

    def _evaluate_at(self, closure: Callable[[], Any], x: list[np.ndarray], t: Any,
                     d: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and flat gradient at ``x + t d``; the parameters are put back to ``x`` afterwards."""
        self._move(t, d)
        _, loss, g = self._evaluate(closure)
        self._set_params(x)
        return loss, g

    # ---- one step ---------------------------------------------------------------------------------------
    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss the first closure call returned."""
        if len(self.param_groups) != 1:
            raise AssertionError(f"Expected exactly one param_group, but got {len(self.param_groups)}")
        saved = [(p, p._data.copy(), p._vc.value, p.grad,
                  None if p.grad is None else (p.grad._data.copy(), p.grad._vc.value)) for p in self._params]
        try:
            with no_grad():
                return self._step(closure)
        except BaseException:
            for p, data, version, grad, grad_saved in saved:
                p._data[...] = data
                p._vc.value = version
                p.grad = grad
                if grad_saved is not None:
                    grad._data[...] = grad_saved[0]
                    grad._vc.value = grad_saved[1]
            raise

    def _step(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr = group["lr"].item() if isinstance(group["lr"], Tensor) else group["lr"]  # an int lr stays an int, as t
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        # Everything is read into locals and written back at the end, so a step that raises changes no state.
        state = self.state[self._params[0]]
        func_evals, total_iters = state.get("func_evals", 0), state.get("n_iter", 0)
        d, t = _numpy(state.get("d")), _numpy(state.get("t"))
        old_dirs, old_stps = _numpy(state.get("old_dirs")), _numpy(state.get("old_stps"))
        ro, H_diag = _numpy(state.get("ro")), _numpy(state.get("H_diag"))
        prev_flat_grad, prev_loss = _numpy(state.get("prev_flat_grad")), state.get("prev_loss")
        al = _numpy(state.get("al"))
        al_is_new = al is None

        orig_loss, loss, flat_grad = self._evaluate(closure)
        evals = 1
        func_evals += 1
        if np.abs(flat_grad).max() <= tolerance_grad:  # already optimal
            state.setdefault("func_evals", 0)
            state.setdefault("n_iter", 0)
            state["func_evals"] = func_evals
            return orig_loss

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            total_iters += 1

            # -- the direction: steepest descent at first, then the two-loop recursion --
            if total_iters == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep only pairs with positive curvature, so H stays positive definite
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                if al is None:
                    al = [None] * history_size
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q += -al[i] * old_dirs[i]
                d = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(d) * ro[i]
                    d += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss

            # -- the step length --
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if total_iters == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction (to round-off)
                break

            ls_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x0 = [p._data.copy() for p in self._params]
                loss, flat_grad, t, ls_evals = _strong_wolfe(
                    lambda x, step, direction: self._evaluate_at(closure, x, step, direction),
                    x0, t, d, loss, flat_grad, gtd, max_ls=max_eval - evals,
                )
                self._move(t, d)
                optimal = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._move(t, d)
                optimal = False
                if n_iter != max_iter:  # the last iteration's loss would go unused: skip that closure call
                    _, loss, flat_grad = self._evaluate(closure)
                    optimal = np.abs(flat_grad).max() <= tolerance_grad
                    ls_evals = 1
            evals += ls_evals
            func_evals += ls_evals

            # -- stopping rules --
            if n_iter == max_iter or evals >= max_eval or optimal:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break

        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        state["func_evals"], state["n_iter"] = func_evals, total_iters
        if al_is_new and al is not None and "d" not in state:
            state["al"] = _stored(al)  # PyTorch creates it mid-loop, before the keys below on a first step
        for key, value in (("d", d), ("t", t), ("old_dirs", old_dirs), ("old_stps", old_stps), ("ro", ro),
                           ("H_diag", H_diag), ("prev_flat_grad", prev_flat_grad), ("prev_loss", prev_loss)):
            state[key] = _stored(value)
        if al is not None:
            state["al"] = _stored(al)
        return orig_loss


def _numpy(value: Any) -> Any:
    """A state value as the step works on it: tensors become arrays (0-d ones numpy scalars), lists recurse."""
    if isinstance(value, Tensor):
        return value._data.copy() if value._data.ndim else value._data[()]
    if isinstance(value, list):
        return [_numpy(v) for v in value]
    return value


def _stored(value: Any) -> Any:
    """A working value as it is kept in ``state``: arrays and numpy scalars become tensors, lists recurse."""
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor._make(np.array(value), False)
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value


def _cubic_interpolate(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                       bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimizer of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1``, ``g2``, clipped to
    ``bounds`` (default: the interval between ``x1`` and ``x2``); the bounds' midpoint if the cubic has none."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        x = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(x, lo), hi)


def _strong_wolfe(
    evaluate: Callable[[list[np.ndarray], Any, np.ndarray], tuple[float, np.ndarray]],
    x: list[np.ndarray], t: Any, d: np.ndarray, f: float, g: np.ndarray, gtd: Any,
    c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9, max_ls: int = 25,
) -> tuple[float, np.ndarray, Any, int]:
    """A step length ``t`` along ``d`` from ``x`` meeting the strong Wolfe conditions
    ``f(t) <= f + c1 t gtd`` (enough decrease) and ``|f'(t)| <= -c2 gtd`` (slope flattened enough).

    ``evaluate(x, t, d)`` gives the loss and flat gradient at ``x + t d``. Returns the loss, flat gradient and
    ``t`` found, and how many evaluations it took (at most ``max_ls`` after the first).
    """
    d_norm = np.abs(d).max()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    # Phase 1: grow t until [t_prev, t] brackets an acceptable point (or t itself is one).
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[Any] = []
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        # extrapolate: somewhere between a hair past t and ten times t
        t_next = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                    bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = t_next
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # Phase 2 ("zoom"): shrink the bracket around the acceptable point.
    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # A trial point hugging an end of the bracket makes little progress: push it a tenth of the way in.
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            # not enough decrease: t becomes the high end
            bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                # the minimum lies on the other side of t: the old low end becomes the high end
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new, gtd_new

    return bracket_f[low], bracket_g[low], bracket[low], evals
