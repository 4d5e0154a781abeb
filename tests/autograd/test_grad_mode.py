"""no_grad / enable_grad / set_grad_enabled as context managers and decorators."""

import minigrad as mg


def test_no_grad_context_records_nothing_and_restores_the_mode():
    x = mg.tensor([1.0], requires_grad=True)
    assert mg.is_grad_enabled()
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2
    assert mg.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_no_grad_restores_the_mode_after_an_exception():
    try:
        with mg.no_grad():
            raise KeyError
    except KeyError:
        pass
    assert mg.is_grad_enabled()


def test_no_grad_decorator_keeps_the_function_name_and_records_nothing():
    @mg.no_grad()
    def double(t):
        """Doubles."""
        return t * 2

    x = mg.tensor([1.0], requires_grad=True)
    assert double(x).grad_fn is None
    assert double.__name__ == "double" and double.__doc__ == "Doubles."
    assert mg.is_grad_enabled() and (x * 2).grad_fn is not None


def test_enable_grad_inside_no_grad_records_again():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        with mg.enable_grad():
            assert (x * 2).grad_fn is not None
        assert (x * 2).grad_fn is None


def test_enable_grad_decorator_inside_no_grad():
    @mg.enable_grad()
    def f(t):
        return t * 2

    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        y = f(x)
        assert not mg.is_grad_enabled()
    assert y.grad_fn is not None
    y.backward()
    assert x.grad.tolist() == [2.0]


def test_set_grad_enabled_as_context_and_decorator():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.set_grad_enabled(False):
        assert (x * 2).grad_fn is None
    assert mg.is_grad_enabled()

    @mg.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert mg.is_grad_enabled()
    assert f(x).grad_fn is None and mg.is_grad_enabled()


def test_nested_no_grad_decorated_calls_restore_each_level():
    @mg.no_grad()
    def inner(t):
        return t * 2

    @mg.enable_grad()
    def outer(t):
        a = inner(t)
        return a, t * 3

    x = mg.tensor([1.0], requires_grad=True)
    a, b = outer(x)
    assert a.grad_fn is None and b.grad_fn is not None
