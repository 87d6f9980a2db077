"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright):
no console errors, every image loads, every in-page link resolves, right-to-left quotes
render right to left, the table of contents is a sidebar on screen and hidden in print, and
the page asks for nothing outside itself. Skips cleanly where no browser is installed."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cxm_lab.render import appendix_markdown, build_source, render
from cxm_lab.report import callout, quote_comments, show_table

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


def _browser():
    """A launched headless chromium, or a skip saying why there is none."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    exe = CHROMIUM if CHROMIUM.exists() else None
    if exe is None and shutil.which("chromium"):
        exe = Path(shutil.which("chromium"))
    if exe is None:
        pytest.skip("no chromium browser installed (apt-get install chromium)")
    pw = sync_api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=str(exe), args=["--no-sandbox"])
    except Exception as exc:  # a browser that cannot start here is a skip, not a failure
        pw.stop()
        pytest.skip(f"chromium at {exe} does not start: {exc}")
    return pw, browser


def _png() -> str:
    fig, ax = plt.subplots(figsize=(3, 2), dpi=50)
    ax.plot([1, 2, 3], [3, 1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _out(obj) -> nbformat.NotebookNode:
    return new_output(
        "display_data",
        data={"text/html": obj._repr_html_(), "text/markdown": obj._repr_markdown_()},
    )


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    """A small report through the real route: two notebooks, the appendix, Pandoc HTML."""
    tmp = tmp_path_factory.mktemp("browser")
    quotes = pd.DataFrame(
        {
            "comment": ["پشتیبانی خیلی ضعیف است", "الدعم الفني سيء", "Support is slow"],
            "language": ["fa", "ar", "en"],
            "account_name": ["Acme", "Globex", '<script>alert("x")</script>'],
        }
    )
    table = show_table(
        pd.DataFrame({"segment": ["SMB", "Enterprise"], "nps": [-3.5, 12.0], "ci_low": [-9, 4]}),
        caption="NPS by segment",
        number_formats={"nps": "+.1f"},
    )
    notebooks = []
    for i, title in enumerate(["Executive summary", "Customer metrics"]):
        nb = new_notebook(
            cells=[
                new_markdown_cell(f"## {title}\n\n### Headline {i}\n\nText."),
                new_code_cell("x", outputs=[_out(table)]),
                new_code_cell("x", outputs=[_out(callout("NPS fell **{n}**.", n="3 points"))]),
                new_markdown_cell(f"### Quotes {i}"),
                new_code_cell(
                    "x", outputs=[_out(quote_comments(quotes, columns=["account_name"]))]
                ),
                new_code_cell(
                    "plt.show()",
                    outputs=[new_output("display_data", data={"image/png": _png()})],
                ),
            ]
        )
        path = tmp / f"0{i}_part.ipynb"
        nbformat.write(nb, path)
        notebooks.append(path)
    appendix = appendix_markdown(
        rows=[{"file": "responses.csv", "read": 10, "used": 9, "rejected": 1}],
        reject_reasons=[{"reason": "ltr is not a number", "rows": 1}],
        notebooks=[{"notebook": "00_part.ipynb", "section": "Executive summary", "status": "shown"}],
        sections=[{"notebook": "01_part", "section": "Trend", "status": "skipped",
                   "reason": "needs 2 periods"}],
    )  # fmt: skip
    src = build_source([*notebooks, appendix], tmp / "out", title="Browser test")
    return render(src, formats=["html"], renderer="pandoc-typst").outputs["html"]


@pytest.fixture(scope="module")
def page(report_html):
    pw, browser = _browser()
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(report_html.as_uri(), wait_until="load")
    yield pg, errors, requests
    browser.close()
    pw.stop()


def test_no_console_errors_and_nothing_fetched_from_outside(page, report_html):
    pg, errors, requests = page
    assert errors == []
    outside = [u for u in requests if not u.startswith(("data:", report_html.as_uri()))]
    assert outside == []  # one self-contained file: no external URL, no file beside it


def test_every_image_loads(page):
    pg, _, _ = page
    sizes = pg.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    assert len(sizes) == 2 and all(done and width > 0 for done, width in sizes), sizes


def test_every_anchor_resolves_and_sections_are_in_the_sidebar(page):
    pg, _, _ = page
    targets = pg.eval_on_selector_all(
        "a[href^='#']",
        "links => links.map(a => [a.getAttribute('href'), "
        "!!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])",
    )
    assert targets and all(ok for _, ok in targets), [h for h, ok in targets if not ok]
    toc = pg.eval_on_selector_all("nav#TOC a", "links => links.map(a => a.innerText.trim())")
    toc = [" ".join(t.split()) for t in toc]
    for title in ("Executive summary", "Headline 0", "Quotes 1", "Appendix", "Data quality"):
        assert title in toc, toc
    ids = pg.eval_on_selector_all("h2, h3", "hs => hs.map(h => h.closest('[id]')?.id)")
    assert all(ids), ids  # every heading is an anchor


def test_rtl_quotes_render_right_to_left(page):
    pg, _, _ = page
    blocks = pg.eval_on_selector_all(
        "[dir='rtl']",
        "els => els.map(e => [e.getAttribute('lang'), getComputedStyle(e).direction, "
        "getComputedStyle(e.closest('blockquote') || e.querySelector('blockquote') || e)"
        ".direction])",
    )
    langs = sorted(lang for lang, _, _ in blocks)
    assert langs.count("fa") >= 2 and langs.count("ar") >= 2, langs  # block and words, twice
    assert all(own == "rtl" and quote == "rtl" for _, own, quote in blocks), blocks
    english = pg.eval_on_selector_all(
        "blockquote", "qs => qs.map(q => getComputedStyle(q).direction)"
    )
    assert english.count("ltr") == 2  # the English quote of each part stays left to right
    # customer text is text: the script tag in a credit was never parsed as markup
    assert pg.evaluate("document.querySelectorAll('script').length") == 0
    assert '<script>alert("x")</script>' in pg.inner_text("body")


def test_sidebar_on_screen_hidden_in_print(page):
    pg, _, _ = page
    assert pg.eval_on_selector("nav#TOC", "n => getComputedStyle(n).position") == "fixed"
    box = pg.eval_on_selector("nav#TOC", "n => n.getBoundingClientRect().right")
    body_left = pg.eval_on_selector("h2", "h => h.getBoundingClientRect().left")
    assert body_left > box  # the report starts to the right of the sidebar
    pg.emulate_media(media="print")
    try:
        assert pg.eval_on_selector("nav#TOC", "n => getComputedStyle(n).display") == "none"
    finally:
        pg.emulate_media(media="screen")
