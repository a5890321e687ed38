"""The built site in a real browser (Debian's Chromium driven by Playwright), offline.

Skipped with a reason when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1
(CI), which turns the skip into a failure. On a failure the page's screenshot is
saved under test-results/ for whoever reads the log.
"""

import functools
import http.server
import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-results"
# Offline: no host but this machine resolves, so nothing can load from another
# (each visit still records any attempt). Unlike routing requests through
# Playwright, this keeps the browser's cache, which the pages of a pass share.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

pytestmark = pytest.mark.browser


def _require_chromium():
    if Path(CHROMIUM).is_file() and shutil.which(CHROMIUM):
        return
    message = f"no Chromium at {CHROMIUM} (apt install chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(built_site):
    httpd = serve(built_site)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``site`` on a free port of 127.0.0.1, from a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """One page load, with every request, response and console message recorded."""

    def __init__(self, browser, url: str, scheme: str = "light", context=None):
        """A new browser context of its own, or a page in ``context`` (shared by
        several visits, which then share its cache)."""
        self.own = context is None
        self.context = context or new_context(browser, scheme)
        self.page = self.context.new_page()
        self.foreign, self.bad_status, self.errors = [], [], []
        self.page.on("request", self._request)
        self.page.on("response", self._response)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function(
            "!window.MathJax || !MathJax.startup || "
            "MathJax.startup.promise.then(() => true)")
        self.page.evaluate("window.MathJax && MathJax.startup && "
                           "MathJax.startup.promise")

    def _request(self, request):
        if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            self.foreign.append(request.url)  # the browser cannot resolve it

    def _response(self, response):
        if response.status >= 400:
            self.bad_status.append(f"{response.status} {response.url}")

    def close(self, name: str, failed: bool):
        if failed:
            SHOTS.mkdir(exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        (self.context if self.own else self.page).close()


def new_context(browser, scheme: str):
    return browser.new_context(color_scheme=scheme,
                               viewport={"width": 1200, "height": 900})


def page_paths(site: Path) -> list[str]:
    return sorted(
        str(p.parent.relative_to(site)).replace(".", "") + "/"
        if p.name == "index.html" else str(p.relative_to(site))
        for p in site.rglob("index.html")
    )


@pytest.fixture
def visit(browser, server, request):
    visits = []

    def open_page(path: str, scheme: str = "light") -> Visit:
        v = Visit(browser, server + path.lstrip("/"), scheme)
        visits.append(v)
        return v

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    failed = failed is None or failed.failed
    for i, v in enumerate(visits):
        v.close(f"{request.node.name}-{i}".replace("/", "_"), failed)


IMAGES_OK = """() => [...document.images].filter(
    img => !(img.complete && img.naturalWidth > 0 && img.alt.trim())
).map(img => img.src)"""
MATH_STATE = """() => ({
    math: document.querySelectorAll('.arithmatex, .jp-RenderedMarkdown').length,
    typeset: document.querySelectorAll('mjx-container').length,
    errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    raw: [...document.querySelectorAll('.arithmatex')]
        .filter(e => !e.querySelector('mjx-container')).length,
})"""


def _load_problems(path: str, v: Visit) -> list[str]:
    """What is wrong with one loaded page: other hosts, bad responses, console
    errors, broken images or images without alt text, untypeset math."""
    math = v.page.evaluate(MATH_STATE)
    broken = v.page.evaluate(IMAGES_OK)
    body = v.page.inner_text("article")
    found = []
    if v.foreign:
        found.append(f"{path}: requests to other hosts {v.foreign}")
    if v.bad_status:
        found.append(f"{path}: bad responses {v.bad_status}")
    if v.errors:
        found.append(f"{path}: console errors {v.errors}")
    if broken:
        found.append(f"{path}: images not loaded or without alt {broken}")
    if math["errors"] or math["raw"]:
        found.append(f"{path}: math not typeset {math}")
    if "\\(" in body or "$$" in body:
        found.append(f"{path}: raw TeX delimiters in the text")
    return found


def _axe_problems(path: str, v: Visit, rules: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical violations on one loaded page (only
    ``rules``, if given)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": rules} if rules else None
    found = []
    for violation in Axe().run(v.page, options=options).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"{path}: {violation['id']} ({violation['impact']}) "
                         f"{targets}")
    return found


# The dark theme changes colours only: there axe checks the rules about colour,
# the light pass checks every rule.
COLOUR_RULES = {"dark": ["color-contrast", "link-in-text-block"]}


def _pass(site: Path, server: str, scheme: str) -> dict:
    """Each page of ``site`` loaded once in ``scheme``, in a browser of its own:
    {"load": problems, "axe": problems}. The pages share one browser context (and
    its cache); a page with a problem leaves its screenshot."""
    from playwright.sync_api import sync_playwright

    found = {"load": [], "axe": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = new_context(browser, scheme)
        for path in page_paths(site):
            v = Visit(browser, server + path, scheme, context)
            load = _load_problems(path, v)
            axe = _axe_problems(path, v, COLOUR_RULES.get(scheme))
            found["load"] += load
            found["axe"] += axe
            v.close(f"{scheme}-{path}".replace("/", "_"), bool(load or axe))
        browser.close()
    return found


# The two passes of start_passes, once started: {scheme: future}.
PASSES: dict = {}


def start_passes(site: Path) -> dict:
    """Start :func:`_pass` for both schemes, side by side in two threads, on
    ``site`` served here; return {scheme: future}. ``built_site`` (conftest.py)
    starts them as soon as the site is built, so that they run beside the other
    tests; nothing is started without Chromium (the tests then skip or fail)."""
    if not PASSES and Path(CHROMIUM).is_file():
        httpd = serve(site)
        server = f"http://127.0.0.1:{httpd.server_address[1]}/"
        pool = ThreadPoolExecutor(max_workers=2)
        PASSES.update({scheme: pool.submit(_pass, site, server, scheme)
                       for scheme in ("light", "dark")})
        pool.shutdown(wait=False)  # the passes run on; the server dies with pytest
    return PASSES


@pytest.fixture(scope="module")
def every_page(built_site):
    """``every_page(scheme)``: the result of :func:`_pass` for that scheme (each
    page takes seconds to load and check, so the tests below share them)."""
    _require_chromium()
    passes = start_passes(built_site)
    return lambda scheme: passes[scheme].result()


def test_every_page_loads_offline_with_math_and_images(every_page):
    problems = every_page("light")["load"]
    assert not problems, "\n".join(problems)


def test_a_request_to_another_host_is_recorded_and_fails(browser):
    v = Visit(browser, "data:text/html,<img src='http://example.com/a.png' alt='x'>")
    assert v.foreign == ["http://example.com/a.png"]
    assert v.page.evaluate("document.images[0].naturalWidth") == 0
    v.close("foreign-host", failed=False)


def test_math_is_typeset_on_a_page_with_formulas(visit):
    state = visit("backprop-check/").page.evaluate(MATH_STATE)
    assert state["typeset"] >= state["math"] > 5, state


def test_math_in_notebook_markdown_is_typeset(built_site, visit):
    notebooks = [p for p in page_paths(built_site) if p.startswith("notebooks/")]
    assert notebooks
    typeset = 0
    for path in notebooks:
        page = visit(path).page
        state = page.evaluate(MATH_STATE)
        # Typeset math leaves no "$" delimiter in the text of Markdown cells.
        text = " ".join(page.locator(".jp-RenderedMarkdown").all_inner_texts())
        assert "$" not in text and not state["errors"], (path, state)
        typeset += state["typeset"]
    assert typeset > 0


def _visible_figures(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('figure img')]
        .filter(img => img.offsetWidth > 0 && img.naturalWidth > 0)
        .map(img => img.getAttribute('src'))""")


def test_theme_toggle_switches_figures_between_light_and_dark(visit):
    v = visit("backprop-check/")
    page = v.page
    shown = _visible_figures(page)
    assert shown and all("-dark" not in s for s in shown), shown
    SHOTS.mkdir(exist_ok=True)
    page.locator("figure").first.screenshot(path=str(SHOTS / "figure-light.png"))
    page.locator("label[for='__palette_1']").click()  # mkdocs-material's toggle
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    shown = _visible_figures(page)
    assert shown and all("-dark.svg" in s for s in shown), shown
    page.locator("figure").first.screenshot(path=str(SHOTS / "figure-dark.png"))


def test_dark_preference_shows_dark_figures(visit):
    v = visit("backprop-check/", scheme="dark")
    shown = _visible_figures(v.page)
    assert shown and all("-dark.svg" in s for s in shown), shown


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(every_page, scheme):
    found = every_page(scheme)["axe"]
    assert not found, "\n".join(found)


EXPLORER = "explorer/"
BARS = """() => [...document.querySelectorAll('#explorer-app rect.explorer-bar')]
    .map(r => [r.dataset.measure, +r.dataset.layer, JSON.parse(r.dataset.value)])"""


def _explorer(visit, query: str = ""):
    v = visit(EXPLORER + query)
    v.page.wait_for_selector("#explorer-app[data-ready='true']")
    return v.page


def _expected(built_site, layers, act, init, scale, index):
    data = json.loads((built_site / "data" / "explorer.json").read_text())
    key = next(k for k in data["settings"]
               if k.split("/") == [str(layers), act, init, scale])
    setting = data["settings"][key]
    return sorted(
        [m, l + 2, setting[m][index][l]]
        for m in ("gradient", "speed") for l in range(layers))


def test_explorer_bars_show_the_data_and_follow_the_controls(built_site, visit):
    page = _explorer(visit, "?layers=6&act=sigmoid&init=nielsen&scale=1&step=0")
    bars = sorted(page.evaluate(BARS))
    assert bars == _expected(built_site, 6, "sigmoid", "nielsen", "1", 0)
    page.select_option("#explorer-activation", "relu")
    page.select_option("#explorer-init", "he")
    after = sorted(page.evaluate(BARS))
    assert after != bars
    assert after == _expected(built_site, 6, "relu", "he", "1", 0)
    page.focus("#explorer-step")
    page.keyboard.press("ArrowRight")  # keyboard-operable: the next checkpoint
    assert sorted(page.evaluate(BARS)) == _expected(built_site, 6, "relu", "he",
                                                    "1", 1)
    assert "act=relu" in page.url and "init=he" in page.url  # shareable state


def test_explorer_restores_its_state_from_the_url(visit):
    page = _explorer(visit, "?layers=3&act=tanh&init=xavier&scale=2&step=10")
    assert page.input_value("#explorer-layers") == "3"
    assert page.input_value("#explorer-activation") == "tanh"
    assert page.input_value("#explorer-init") == "xavier"
    assert len(page.evaluate(BARS)) == 2 * 3


NOTEBOOK_FIGURES = """() => {
    const column = document.querySelector('article').getBoundingClientRect();
    return [...document.querySelectorAll('.jp-OutputArea img')].map(img => ({
        alt: img.alt,
        shown: img.complete && img.naturalWidth > 0 && img.offsetWidth > 0,
        fits: img.getBoundingClientRect().right <= column.right + 1,
    }));
}"""


def test_notebook_pages_show_their_figures_and_fold_their_answers(built_site, visit):
    notebooks = [p for p in page_paths(built_site) if p.startswith("notebooks/")]
    assert notebooks
    for path in notebooks:
        page = visit(path).page
        figures = page.evaluate(NOTEBOOK_FIGURES)
        assert figures, f"{path}: no figure"
        for figure in figures:
            assert figure["shown"] and figure["fits"], (path, figure)
            assert len(figure["alt"]) > 40 and "No description" not in figure["alt"]
        answers = page.locator("details.nb-answer")
        assert answers.count() >= 2, path
        for i in range(answers.count()):  # folded: the answer is not on screen
            assert answers.nth(i).get_attribute("open") is None
            assert not answers.nth(i).locator(".jp-OutputArea").is_visible()
        answers.first.locator("summary").click()
        assert answers.first.locator(".jp-OutputArea").is_visible(), path


def _luminance(rgb) -> float:
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255


def test_notebook_figure_is_a_light_card_in_the_dark_theme(visit):
    import io

    import numpy as np
    from PIL import Image

    page = visit("notebooks/explore_sgd/", scheme="dark").page
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background.startswith("rgb("), background  # opaque
    page_rgb = [int(v) for v in background[background.index("(") + 1:
                                           background.index(")")].split(",")[:3]]
    figure = page.locator(".jp-OutputArea img").first
    figure.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    shot = figure.screenshot(path=str(SHOTS / "notebook-figure-dark.png"))
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=float)
    light = _luminance(pixels.reshape(-1, 3).T)
    assert _luminance(page_rgb) < 0.3, background  # the page is dark...
    assert np.median(light) > 0.9  # ...the figure a light card on it...
    assert np.mean(light < 0.4) > 0.005  # ...with dark ink drawn on the card
