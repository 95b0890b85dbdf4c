"""The explorer page's Content-Security-Policy: only the site's own origin, nothing inline.

The explorer reads text a reader pastes (a program, an error message, a model file). The
policy makes sure none of it can leave the page or run: scripts, the worker, WebAssembly,
connections, styles, fonts and images come from the site's own origin only, and the only
inline code allowed is what the build wrote, each piece by the hash of its exact text
(the theme's inline scripts, its two `onclick` handlers), never `'unsafe-inline'`.

It is a `<meta http-equiv>` in the page, not an HTTP header: the book is static files on
hosts (GitHub Pages, Read the Docs) where a page cannot set its own headers. A meta policy
cannot carry `frame-ancestors`, `report-uri` or `sandbox` (browsers ignore them there), so
it has none; it governs everything after it, so it goes first in `<head>`.

The hashes are computed over the page as written (a `build-finished` hook, after every
other hook that rewrites pages), so a theme update that changes an inline script changes
its hash with it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

# An inline element: a <script> without src, or a <style>, and its text exactly as written.
_INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)
_INLINE_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
# An event handler attribute in the markup (the theme's print and full-screen buttons).
_HANDLER = re.compile(r"""\son[a-z]+=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_META = re.compile(r'[ \t]*<meta http-equiv="Content-Security-Policy"[^>]*>\n?', re.IGNORECASE)
_CHARSET = re.compile(r"<meta charset=[^>]*>\n?", re.IGNORECASE)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def policy(page: str) -> str:
    """The policy for ``page`` (its HTML as written): its own inline code allowed by hash."""
    scripts = _unique(_hash(m.group(1)) for m in _INLINE_SCRIPT.finditer(page))
    styles = _unique(_hash(m.group(1)) for m in _INLINE_STYLE.finditer(page))
    # A handler's hash is of the attribute's value as the browser reads it (entities decoded);
    # 'unsafe-hashes' lets exactly those handlers run, and no other.
    handlers = _unique(
        _hash(html.unescape(m.group(1) if m.group(1) is not None else m.group(2)))
        for m in _HANDLER.finditer(page)
    )
    script_src = ["'self'", "'wasm-unsafe-eval'", *scripts]
    if handlers:
        script_src += ["'unsafe-hashes'", *handlers]
    directives = {
        "default-src": ["'none'"],
        "script-src": script_src,
        # explorer.js starts its worker from a blob: URL (why: there), which imports the
        # worker's script: a module worker's imports are fetched as the worker is, so 'self'.
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "style-src": ["'self'", *styles],
        "img-src": ["'self'", "data:"],  # the stack's figure is a data: SVG, drawn in the page
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],  # the theme's search box goes to the book's search page
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def with_policy(page: str) -> str:
    """``page`` with its policy as the first element of <head> (an earlier one replaced)."""
    page = _META.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy(page))}" />\n'
    charset = _CHARSET.search(page)
    if charset is None:
        raise ValueError("the page has no <meta charset>: where its policy goes is unknown")
    return page[: charset.end()] + meta + page[charset.end() :]
