"""What a reader does with the book (search it, copy code, walk it, take its notebooks away)
and how its pages load (one stylesheet, every icon in its font, the first paint)."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote, urljoin, urlsplit

from _site import book_pages, site_dir


def _context(browser, **kwargs):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **kwargs)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    return context


def _path(base_url: str, url: str) -> str:
    return urlsplit(url).path.removeprefix(urlsplit(base_url).path)


def _toctree_order(page, base_url: str) -> list[str]:
    """The pages in the order of the sidebar's table of contents (the index's toctrees)."""
    hrefs = page.eval_on_selector_all(
        "nav.bd-links a.reference.internal", "links => links.map(a => a.href)"
    )
    order = ["index.html"]
    for href in hrefs:
        path = _path(base_url, href.split("#")[0])
        if path not in order:
            order.append(path)
    return order


def _notebook_pages() -> list[str]:
    root = site_dir()
    return sorted(
        p.relative_to(root / "_sources").with_suffix(".html").as_posix()
        for p in (root / "_sources").rglob("*.ipynb")
    )


def test_search_finds_return_sequences(browser, base_url):
    context = _context(browser)
    page = context.new_page()
    page.goto(base_url + "search.html?q=return_sequences", wait_until="networkidle")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    links = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any("chapters/" in href for href in links), links
    context.close()


def test_copy_button_copies_a_code_cell(browser, base_url):
    context = _context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    chapters = sorted(p.name for p in (site_dir() / "chapters").glob("*.html"))
    assert chapters, "no chapter pages"
    page.goto(f"{base_url}chapters/{chapters[0]}", wait_until="networkidle")
    cell = page.locator("div.cell_input div.highlight").first
    code = cell.locator("pre").inner_text()
    cell.hover()
    button = cell.locator("button.copybtn")
    assert button.count() == 1, "no copy button on the first code cell (sphinx-copybutton)"
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == code.strip()
    assert copied.strip(), "copied nothing"
    context.close()


def test_previous_next_walk_the_book_in_order(browser, base_url):
    context = _context(browser)
    page = context.new_page()
    page.goto(base_url + "index.html", wait_until="domcontentloaded")
    expected = _toctree_order(page, base_url)
    chapters = [p for p in expected if p.startswith("chapters/")]
    assert chapters == sorted(chapters), "chapters are not in file-name order"

    forward = ["index.html"]
    while (nxt := page.locator("a.right-next")).count():
        page.goto(urljoin(page.url, nxt.first.get_attribute("href")), wait_until="domcontentloaded")
        forward.append(_path(base_url, page.url))
        assert len(forward) <= len(expected) + 1, f"next links loop: {forward}"
    assert forward == expected

    backward = [forward[-1]]
    while (prev := page.locator("a.left-prev")).count():
        page.goto(
            urljoin(page.url, prev.first.get_attribute("href")), wait_until="domcontentloaded"
        )
        backward.append(_path(base_url, page.url))
        assert len(backward) <= len(expected) + 1, f"previous links loop: {backward}"
    assert backward == expected[::-1]
    context.close()


def test_every_notebook_page_offers_its_notebook(browser, base_url):
    pages = _notebook_pages()
    assert any(p.startswith("chapters/") for p in pages), "no chapter offers an .ipynb"
    context = _context(browser)
    page = context.new_page()
    for path in pages:
        page.goto(base_url + path, wait_until="domcontentloaded")
        link = page.locator('a[href*="_sources/"][href$=".ipynb"]')
        assert link.count() >= 1, f"{path}: no .ipynb download link"
        response = page.request.get(urljoin(page.url, link.first.get_attribute("href")))
        assert response.ok, f"{path}: {response.status}"
        nb = json.loads(response.body())
        assert nb["nbformat"] == 4
        assert any(c["cell_type"] == "code" and c.get("outputs") for c in nb["cells"]), (
            f"{path}: the downloaded notebook has no outputs"
        )
    context.close()


def test_open_in_colab_when_the_repository_is_configured(browser, base_url):
    """With RNNSHAPE_REPO_URL set at build time, each chapter links to its notebook in Colab."""
    repo = os.environ.get("RNNSHAPE_REPO_URL", "").rstrip("/")
    context = _context(browser)
    page = context.new_page()
    for path in _notebook_pages():
        if not path.startswith("chapters/"):
            continue
        page.goto(base_url + path, wait_until="domcontentloaded")
        colab = page.locator('a[href^="https://colab.research.google.com/"]')
        if not repo:
            assert colab.count() == 0, f"{path}: a Colab link without a repository"
            continue
        href = colab.first.get_attribute("href")
        owner_repo = re.sub(r"^https://github\.com/", "", repo)
        assert href.startswith(f"https://colab.research.google.com/github/{owner_repo}/blob/")
        assert href.endswith(f"docs/{path.removesuffix('.html')}.ipynb"), href
    context.close()


def test_pages_wait_for_one_stylesheet_and_no_script_before_painting(browser, base_url):
    """The first paint waits only for what <head> blocks on: one stylesheet, no script.

    Sphinx and the theme link seven stylesheets and one synchronous script; the site
    extension joins the stylesheets and inlines the script (docs/_ext/rnnshape_site.py).
    The one sheet still has a rule from each of the seven, and the theme's variables apply.
    """
    one_rule_of_each = [
        ".bd-header",  # pydata-sphinx-theme
        ".highlight .k",  # Pygments
        ".bd-sidebar-primary",  # sphinx-book-theme
        "div.cell_output",  # MyST-NB
        "button.copybtn",  # sphinx-copybutton
        "cell_output .text_html:not",  # docs/_static/rnnshape.css
    ]
    context = _context(browser)
    page = context.new_page()
    for path in ("index.html", "chapters/02-several-features.html", "tools/02-error-gallery.html"):
        page.goto(base_url + path, wait_until="load")
        head = page.evaluate(
            """() => ({
                sheets: [...document.querySelectorAll('head link[rel=stylesheet]')]
                    .map(l => l.getAttribute('href')),
                scripts: [...document.querySelectorAll('head script[src]')]
                    .filter(s => !s.defer && !s.async && s.type !== 'module')
                    .map(s => s.getAttribute('src')),
                selectors: [...document.styleSheets].flatMap(s => [...s.cssRules])
                    .map(r => r.selectorText || '').join('\\n'),
                primary: getComputedStyle(document.documentElement)
                    .getPropertyValue('--pst-color-primary'),
                options: typeof DOCUMENTATION_OPTIONS,
            })"""
        )
        assert len(head["sheets"]) == 1, (path, head["sheets"])
        assert head["scripts"] == [], (path, head["scripts"])
        missing = [s for s in one_rule_of_each if s not in head["selectors"]]
        assert not missing, f"{path}: no rule for {missing}"
        assert head["primary"].strip(), f"{path}: the theme's colours are not set"
        assert head["options"] == "object", f"{path}: DOCUMENTATION_OPTIONS is missing"
    context.close()


_ICONS_JS = """() => {
    const icons = [];
    for (const el of document.querySelectorAll('*')) {
        for (const pseudo of [null, '::before', '::after']) {
            const style = getComputedStyle(el, pseudo);
            if (!style.fontFamily.includes('Awesome')) continue;
            const text = pseudo ? style.content : el.textContent;
            for (const ch of text) {
                const cp = ch.codePointAt(0);
                if (cp >= 0xe000 && cp <= 0xf8ff) {
                    icons.push({cp, family: style.fontFamily, weight: style.fontWeight,
                                where: el.tagName + '.' + [...el.classList].join('.') + (pseudo || '')});
                }
            }
        }
    }
    return icons;
}"""


def test_every_icon_on_every_page_is_in_the_shipped_fonts(browser, base_url):
    """The icon fonts are cut down to the icons in use (docs/_ext/rnnshape_site.py): every
    icon any page draws, visible or not yet (menus, the theme switch), is still in its font."""
    from fontTools.ttLib import TTFont

    fonts = site_dir() / "_static" / "vendor" / "fontawesome" / "webfonts"
    cmaps = {f.stem: set(TTFont(f).getBestCmap()) for f in fonts.glob("*.woff2")}
    assert cmaps, f"no icon fonts in {fonts}"
    context = _context(browser)
    page = context.new_page()
    missing, seen = set(), 0
    for path in book_pages():
        page.goto(base_url + path, wait_until="load")
        for icon in page.evaluate(_ICONS_JS):
            seen += 1
            font = (
                "fa-brands-400"
                if "Brands" in icon["family"]
                else "fa-solid-900"
                if icon["weight"] == "900"
                else "fa-regular-400"
            )
            if icon["cp"] not in cmaps[font]:
                missing.add((path, f"U+{icon['cp']:04X}", font, icon["where"]))
    context.close()
    assert seen > 0, "no icons found: is Font Awesome still the theme's icon font?"
    assert not missing, sorted(missing)


_FIRST_PAINT_JS = """
window.__themeAtBody = null;
window.__shift = 0;
new MutationObserver((_, observer) => {
    if (document.body) {
        window.__themeAtBody = document.documentElement.dataset.theme;
        observer.disconnect();
    }
}).observe(document, {childList: true, subtree: true});
new PerformanceObserver(list => {
    for (const entry of list.getEntries()) window.__shift += entry.value;
}).observe({type: 'layout-shift', buffered: true});
"""


def test_first_visit_paints_in_the_final_colour_mode(browser, base_url):
    """A first visit (no stored mode) gets light or dark code colours from the first paint.

    The theme's default mode "auto" is resolved in <head> (docs/_templates/layout.html);
    left to the theme's deferred script, code blocks were first drawn uncoloured and with
    another line height, and the page shifted (Lighthouse: layout shift 0.13).
    """
    for scheme in ("light", "dark"):
        context = _context(browser, color_scheme=scheme)
        context.add_init_script(_FIRST_PAINT_JS)
        page = context.new_page()
        page.goto(base_url + "chapters/04-sequence-to-sequence.html", wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__themeAtBody") == scheme
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        assert page.evaluate("document.documentElement.dataset.mode") == "auto"
        assert page.evaluate("window.__shift") < 0.01
        context.close()


# The error gallery, in two pages (each opens quickly on a phone).
GALLERY = ("tools/02-error-gallery.html", "tools/02-error-gallery-more.html")
# A reader's message names their own layers: 'lstm_2' in the book is 'lstm_17' in theirs.
_LAYER_NAME = re.compile(r"""(['"])([a-z][a-z0-9]*(?:_[a-z]+)*)_\d+\1""")


def _search(page, base_url: str, query: str) -> list[str]:
    """The results the site's search lists for ``query``, as the search box would send it:
    each a path with its anchor, if any (``tools/02-error-gallery.html#beyond-errors-ndim``)."""
    page.goto(base_url + "search.html?q=" + quote(query), wait_until="domcontentloaded")
    page.locator("#search-results .search-summary").wait_for(timeout=20_000)
    links = page.locator("#search-results ul.search li a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return [
        _path(base_url, href) + (f"#{urlsplit(href).fragment}" if urlsplit(href).fragment else "")
        for href in links
    ]


# Each gallery section's first message as a reader pastes it: the first line, and for
# "Exception encountered when calling X.call()." the line that says what went wrong too.
_GALLERY_MESSAGES_JS = """() => [...document.querySelectorAll("section[id]")].flatMap(section => {
    const out = section.querySelector(":scope > .cell .cell_output pre");
    const lines = out ? out.textContent.split("\\n").map(l => l.trim()).filter(Boolean) : [];
    if (!lines.length || !/^\\w+(Error|Exception)\\b/.test(lines[0])) return [];
    const message = /Exception encountered when calling/.test(lines[0])
        ? lines.slice(0, 2).join("\\n") : lines[0];
    const chain = [];
    for (let s = section; s; s = s.parentElement.closest("section[id]")) chain.push(s.id);
    return [[chain, message, out.textContent]];
})"""


def _gallery_messages(page, base_url: str) -> list[tuple[str, list[str], str, str]]:
    """(page, section ids from the innermost out, message as pasted, whole output) for each
    gallery section whose first output is an error."""
    messages = []
    for gallery in GALLERY:
        page.goto(base_url + gallery)
        found = page.evaluate(_GALLERY_MESSAGES_JS)
        assert len(found) >= 8, (gallery, found)
        messages += [(gallery, chain, message, whole) for chain, message, whole in found]
    return messages


def test_pasting_any_gallery_message_lists_its_section_first(browser, base_url):
    """Every error the gallery shows, pasted into the search as printed and as a reader's
    notebook prints it (other layer names), lists first the gallery page that shows it,
    linked to its section or the section holding it (docs/_static/search_messages.js)."""
    context = _context(browser)
    page = context.new_page()
    messages = _gallery_messages(page, base_url)
    missed = []
    for gallery, chain, message, _ in messages:
        theirs = _LAYER_NAME.sub(lambda m: f"{m[1]}{m[2]}_17{m[1]}", message)
        for query in {message, theirs}:
            results = _search(page, base_url, query)
            first = results[0] if results else ""
            path, _, anchor = first.partition("#")
            if path != gallery or (anchor and anchor not in chain):
                missed.append((chain[0], query, results[:3]))
    context.close()
    assert len(messages) >= 38, len(messages)  # 40 when this was written
    assert not missed, missed


def test_explain_sends_every_gallery_message_to_its_section(browser, base_url):
    """`rnnshape explain` (and the explorer's error mode) knows each error the gallery shows,
    as printed in the built book, and links its section or the section holding it."""
    from rnnshape_docs.explain import explain

    context = _context(browser)
    page = context.new_page()
    messages = _gallery_messages(page, base_url)
    context.close()
    wrong = []
    for gallery, chain, _, whole in messages:
        found = explain(whole)
        path, _, anchor = (found.page if found else "").partition("#")
        if path != gallery or anchor not in chain:
            wrong.append((chain[0], found.page if found else None, whole.splitlines()[0]))
    assert not wrong, wrong
