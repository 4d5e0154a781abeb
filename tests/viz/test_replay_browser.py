"""The saved replay page in a real browser (headless Chromium, no network): keys, buttons, slider, and what it
shows at frames 0, 1 and last.

Needs Debian's ``chromium`` (``.ci/run`` installs it) and Playwright for Python (the ``dev`` extra); Playwright
only drives that browser, it downloads none."""

import math
import re
import shutil

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.viz import replay_backward

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
HIGHLIGHT = "#d62728"


def _norm(a):
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=BROWSER, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else page.requests.append(r.url))
    yield page
    context.close()


def _state(page):
    """What the page shows: frame text, panel name and norm, and the drawing box outlined as current."""
    return page.evaluate(
        """(mark) => {
        const cur = [...document.querySelectorAll('g.node')].filter(g => {
            const s = g.querySelector('polygon, path, ellipse');
            return s && s.getAttribute('stroke') === mark;
        }).map(g => g.querySelector('title').textContent);
        return {frame: document.querySelector('.mg-frame').textContent,
                name: document.querySelector('.mg-name').textContent,
                norm: document.querySelector('.mg-norm').textContent, current: cur};
    }""",
        HIGHLIGHT,
    )


def _boxes(page):
    """Every box's fill and visible text lines, by DOT id."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('g.node')].map(g => [
            g.querySelector('title').textContent,
            {fill: g.querySelector('polygon, path, ellipse').getAttribute('fill'), opacity: g.style.opacity,
             text: [...g.querySelectorAll('text')].filter(t => t.style.display !== 'none').map(t => t.textContent)}
        ]))"""
    )


def _svg_boxes(svg):
    """The same, read from the SVG ``draw_graph`` renders (the finished drawing)."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    out = {}
    for g in ET.fromstring(svg[svg.index("<svg"):]).iter(f"{ns}g"):
        if g.get("class") != "node":
            continue
        shape = next(c for c in g if c.tag in (f"{ns}polygon", f"{ns}path", f"{ns}ellipse"))
        out[g.find(f"{ns}title").text] = {"fill": shape.get("fill"), "text": [t.text for t in g.iter(f"{ns}text")]}
    return out


def _check(state, replay, k):
    f = replay.frames[k]
    assert state["frame"] == f"frame {k} / {len(replay) - 1}"
    assert state["name"] == f.name
    assert math.isclose(float(state["norm"]), _norm(f.grad), rel_tol=1e-9)
    assert state["current"] == [f.drawn_id]


def test_page_steps_with_keys_buttons_and_slider(tmp_path, page):
    minigrad.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2)
    x = minigrad.randn(3, 1, 3, requires_grad=True)
    out, _ = rnn(x)
    loss = (out[-1] ** 2).sum()
    replay = replay_backward(loss, params={"x": x, **dict(rnn.named_parameters())})
    last = len(replay) - 1
    path = replay.save(tmp_path / "backward.html")
    page.goto(path.resolve().as_uri())

    _check(_state(page), replay, 0)  # the forward graph: the seed gradient at the output box
    assert replay.frames[0].name == "output"
    before = _boxes(page)
    ops = [i for i in before if i.startswith("op")]
    assert all(before[i]["opacity"] == "0.45" and not any("grad" in t for t in before[i]["text"]) for i in ops)
    page.screenshot(path=str(tmp_path / "frame0.png"))

    page.keyboard.press("ArrowRight")
    _check(_state(page), replay, 1)
    assert replay.frames[1].name == "SumBackward0"
    page.keyboard.press("ArrowRight")
    _check(_state(page), replay, 2)
    page.keyboard.press("ArrowLeft")
    _check(_state(page), replay, 1)
    page.screenshot(path=str(tmp_path / "frame1.png"))

    page.keyboard.press("End")
    _check(_state(page), replay, last)
    page.screenshot(path=str(tmp_path / "last.png"))
    # The last frame is the finished drawing: every box as draw_graph colours and labels it.
    shown, drawn = _boxes(page), _svg_boxes(replay.svg)
    look = {i: (b["fill"], b["text"]) for i, b in shown.items()}
    assert look == {i: (b["fill"], b["text"]) for i, b in drawn.items()}

    page.click(".mg-prev")
    _check(_state(page), replay, last - 1)
    page.click(".mg-first")
    _check(_state(page), replay, 0)
    page.click(".mg-next")
    _check(_state(page), replay, 1)
    page.click(".mg-last")
    _check(_state(page), replay, last)
    page.evaluate("() => { const s = document.querySelector('.mg-slider'); s.value = 5; "
                  "s.dispatchEvent(new Event('input')); }")
    _check(_state(page), replay, 5)
    page.keyboard.press("Home")
    _check(_state(page), replay, 0)

    page.click(".mg-play")
    page.wait_for_function(f"() => document.querySelector('.mg-frame').textContent !== 'frame 0 / {last}'")
    page.click(".mg-play")  # pause
    assert page.inner_text(".mg-play") == "play"
    held = _state(page)["frame"]
    page.wait_for_timeout(900)
    assert _state(page)["frame"] == held

    assert page.errors == []
    assert page.requests == []


def test_leaf_grad_accumulates_frame_by_frame_in_the_panel(tmp_path, page):
    w = minigrad.tensor([1.0, -2.0], requires_grad=True)
    loss = (w * 3 + w * w).sum()  # w gets its gradient in two frames: 3 from w * 3, and w + w from w * w
    replay = replay_backward(loss, params={"w": w})
    page.goto(replay.save(tmp_path / "w.html").resolve().as_uri())
    seen = []
    for _ in range(len(replay)):
        row = page.evaluate(
            "() => [...document.querySelectorAll('.mg-leaves tr')].map(r => r.textContent)"
        )
        seen.append(row)
        page.keyboard.press("ArrowRight")
    texts = [r[0] for r in seen]
    assert texts[0] == "wwaiting"
    values = [re.search(r"\|grad\| ([-\d.e]+)", t) for t in texts]
    norms = sorted({float(v.group(1)) for v in values if v})
    # Two frames add a part: first one of the two (whichever the engine ran first), then both: w.grad = 3 + 2w.
    assert len(norms) == 2
    assert math.isclose(norms[-1], _norm(w.grad.numpy()), rel_tol=1e-3)
    assert min(abs(norms[0] - _norm(p)) / _norm(p) for p in ([3.0, 3.0], [2.0, -4.0])) < 1e-3
    assert page.errors == []


def test_the_leaf_panel_lists_the_input_then_the_parameters_in_named_parameters_order(tmp_path, page):
    minigrad.manual_seed(0)
    lstm = minigrad.nn.LSTM(2, 3, num_layers=2)
    x = minigrad.randn(3, 1, 2, requires_grad=True)
    out, _ = lstm(x)
    replay = replay_backward(out.sum(), params={"x": x, **dict(lstm.named_parameters())})
    page.goto(replay.save(tmp_path / "lstm.html").resolve().as_uri())
    page.keyboard.press("End")
    names = page.evaluate(
        "() => [...document.querySelectorAll('.mg-leaves tr td:first-child')].map(td => td.textContent)"
    )
    assert names == ["x", *(name for name, _ in lstm.named_parameters())]
    assert page.errors == []
