"""The old addresses of moved and merged pages lead to their new page and section.

Readers keep links to the hosted book; docs/_ext/moved_pages.py lists every page that moved
and sphinx-reredirects writes a small page at each old address. Followed in Chromium, each
must land on the new page, at the merged section where there is one, with nothing else
requested from the old address.
"""

from __future__ import annotations

import pytest
from _site import MOVED, site_dir


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_address_lands_on_the_new_page(browser, base_url, old):
    new = MOVED[old]
    page_path, _, anchor = new.partition("#")
    assert (site_dir() / f"{page_path}.html").is_file(), f"{old} leads to a page not built: {new}"
    page = browser.new_page()
    try:
        page.goto(f"{base_url}{old}.html")
        page.wait_for_url(f"**/{page_path}.html*", timeout=10_000)
        assert page.url.split("#")[0].endswith(f"/{page_path}.html")
        if anchor:
            assert page.url.endswith(f"#{anchor}"), page.url
            assert page.locator(f"[id='{anchor}']").count() == 1, f"no section #{anchor} on {new}"
    finally:
        page.close()
