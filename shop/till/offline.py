"""The till as an installable, offline-first app: its service worker and web app manifest.

The service worker (``sw.js`` beside this module, served at ``/pos/sw.js`` so that its scope
covers every till under /pos/) keeps the till's shell in the browser's cache and answers the
till page from it when the network is gone. The app's version is a digest of the worker and
of the shell's files. The till page registers the worker as ``/pos/sw.js?v=<version>``: a
deployment that changes the till changes that address, so the browser installs the new
worker beside the running one, and the worker is the version its page was built for (its
shell cache is named after it). The sales waiting to sync live in IndexedDB, which no
version of the worker ever touches, so an update cannot lose them.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from shop.templating import SHOP_DIR

STATIC = SHOP_DIR / "static"
WORKER = SHOP_DIR / "till" / "sw.js"
# What the till page needs to start with no network at all (the page itself is cached by
# the worker each time it is loaded online).
SHELL = (
    "site.css",
    "till.css",
    "till.js",
    "till-ui.js",
    "till-store.js",
    "till-report.js",
    "till-receipts.js",
    "till-returns.js",
    "till-close.js",
    "till-app.js",
    "till-buyer.js",
    "till-icon-192.png",
    "till-icon-512.png",
)
VERSION_FORMAT = re.compile(r"[0-9a-f]{6,64}")
MANIFEST_TYPE = "application/manifest+json"
WORKER_TYPE = "text/javascript; charset=utf-8"


def version() -> str:
    """The app's version: a short digest of the worker and its shell, as deployed."""
    digest = hashlib.sha256(WORKER.read_bytes())
    for name in SHELL:
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:10]


def worker_script(requested: str | None = None) -> str:
    """The service worker with its version and shell filled in: the version its page asked
    for, when that is one (else today's)."""
    name = requested if requested and VERSION_FORMAT.fullmatch(requested) else version()
    source = WORKER.read_text(encoding="utf-8")
    shell = [f"/static/{name}" for name in SHELL]
    return source.replace('"__VERSION__"', json.dumps(name)).replace('["__SHELL__"]', json.dumps(shell))


def manifest(*, code: str, name: str, short_name: str) -> dict[str, Any]:
    """The web app manifest of one location's till: installed, it opens straight on it."""
    return {
        "id": f"/pos/{code}/till",
        "name": name,
        "short_name": short_name,
        "start_url": f"/pos/{code}/till",
        "scope": "/pos/",
        "display": "standalone",
        "orientation": "landscape",
        "background_color": "#ffffff",
        "theme_color": "#1f6f43",
        "icons": [
            {"src": "/static/till-icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/till-icon-512.png", "sizes": "512x512", "type": "image/png"},
        ],
    }
