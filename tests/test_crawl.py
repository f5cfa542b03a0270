"""Every page a person can reach works: a crawler walks the site as each role, in vi and en.

From each role's starting pages it follows every same-origin link and submits every GET form
with the values the page gives it (what a person gets by pressing the button without typing),
on the demo data. No page may answer 4xx or 5xx, every HTML page must parse with its elements
closed, and none may show a raw ``None`` or a traceback. New pages are covered without new
test code: the crawler knows the site only through its links and the app's route table, which
tells it which URLs are the same page with other data (``/products/{slug}``), so it opens a few
of each rather than all 285 products.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx
import pytest

from shop.catalog import cache
from tests.conftest import demo_database

# (username, password) of the demo's users; None browses anonymously.
ROLES = {
    "anonymous": None,
    "staff": ("staff", "staff12345"),
    "manager": ("manager", "manager12345"),
    "cooperative": ("taihoan", "coop12345"),
    "admin": ("admin", "admin12345"),
}
# Where each role starts: the storefront, and the screens its navigation leads to.
STARTS = ("/", "/pos/", "/coop/", "/office/", "/reports/")
SKIP_PREFIXES = ("/admin", "/static", "/schema", "/logout", "/api/")
PER_SHAPE = 2  # pages opened per route with other data (two products, two receipts…)
MAX_PAGES = 600
# What a role may meet by following the navigation: a screen it is not let into. Anything
# else (404, 400, 422, 500…) is a broken link or a form that fails with its own defaults.
EXPECTED = {401, 403}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets a page leave out.
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot"}


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    select: str | None = None  # the select being read, whose first option is its default
    select_chosen: bool = False


class Page(HTMLParser):
    """The links, the GET forms and the structure of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self._form: Form | None = None
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in VOID:
            self.open.append(tag)
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        if tag == "a" and "href" in a and "download" not in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("action", "")) if a.get("method", "get").lower() == "get" else None
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        form = self._form
        assert form is not None
        name, kind = a.get("name"), a.get("type", "text").lower()
        if tag == "input" and name and kind not in ("submit", "button", "image", "reset", "file"):
            if kind not in ("checkbox", "radio") or "checked" in a:
                form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            form.select, form.select_chosen = name, False
        elif tag == "option" and form.select and ("selected" in a or not form.select_chosen):
            value = a.get("value", "")
            if form.select_chosen:  # a later "selected" option wins over the first
                form.fields = [f for f in form.fields if f[0] != form.select]
            form.fields.append((form.select, value))
            form.select_chosen = True
        elif tag == "textarea" and name:
            form.fields.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden_depth -= 1
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        if tag == "select" and self._form is not None:
            self._form.select = None
        if tag in VOID:
            return
        while self.open and self.open[-1] != tag and self.open[-1] in OPTIONAL_END:
            self.open.pop()
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else 'nothing'}>")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.text.append(data)


@dataclass
class Crawl:
    client: httpx.AsyncClient
    vocabulary: set[str]
    visited: set[str] = field(default_factory=set)
    shapes: Counter[tuple[str, ...]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    opened: int = 0

    def shape(self, url: str) -> tuple[str, ...]:
        parts = urlsplit(url)
        segments = [s if s in self.vocabulary else "*" for s in parts.path.split("/")]
        keys = sorted({k for k, _ in parse_qsl(parts.query)} - {"lang", "done"})
        return (*segments, "?", *keys)

    def wanted(self, url: str) -> bool:
        path = urlsplit(url).path
        if url in self.visited or path.startswith(SKIP_PREFIXES) or self.opened >= MAX_PAGES:
            return False
        return self.shapes[self.shape(url)] < PER_SHAPE

    async def run(self, starts: tuple[str, ...]) -> None:
        queue: deque[tuple[str, str]] = deque((s, "start") for s in starts)
        while queue:
            url, source = queue.popleft()
            if not self.wanted(url):
                continue
            self.visited.add(url)
            self.shapes[self.shape(url)] += 1
            self.opened += 1
            page = await self.open(url, source)
            for target in self.targets(url, page):
                queue.append((target, url))

    async def open(self, url: str, source: str) -> Page | None:
        answer = await self.client.get(url, follow_redirects=True)
        if answer.status_code >= 400 and answer.status_code not in EXPECTED:
            self.failures.append(f"{url} (from {source}) answered {answer.status_code}")
            return None
        if answer.status_code >= 400 or "text/html" not in answer.headers.get("content-type", ""):
            return None
        page = Page()
        page.feed(answer.text)
        page.close()
        text = " ".join(" ".join(page.text).split())
        problems = page.problems[:3]
        if re.search(r"(?<![\w-])None(?![\w-])", text):
            problems.append("shows a raw None")
        if "Traceback" in text:
            problems.append("shows a traceback")
        if problems:
            self.failures.append(f"{url} (from {source}): {'; '.join(problems)}")
        return page

    def targets(self, url: str, page: Page | None) -> Iterator[str]:
        if page is None:
            return
        for href in page.links:
            if target := self.local(url, href):
                yield target
        for form in page.forms:
            fields = [(k, v) for k, v in form.fields if k != "lang"]
            if target := self.local(url, form.action or urlsplit(url).path):
                base = urlsplit(target)
                yield base.path + ("?" + urlencode(fields) if fields else "")

    @staticmethod
    def local(base: str, href: str) -> str | None:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            return None
        parts = urlsplit(urljoin(f"http://testserver{base}", href))
        if parts.netloc != "testserver":
            return None
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
        return parts.path + ("?" + query if query else "")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo data, loaded once per backend for every role's crawl."""
    name = f"ocop_crawl_{request.getfixturevalue('worker_id')}"
    yield from demo_database(request.param, name, sqlite_template, tmp_path_factory)


@pytest.fixture
def database_url(demo_url: str) -> str:
    """The conftest's ``client`` and ``settings``, over the demo data."""
    cache.catalog_changed()
    return demo_url


async def _log_in(client: httpx.AsyncClient, username: str, password: str) -> None:
    form = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert token, "the login page has no CSRF token"
    answer = await client.post(
        "/login", data={"_csrf_token": token.group(1), "username": username, "password": password}
    )
    assert answer.status_code == 303, f"{username} could not log in: {answer.status_code}"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("role", list(ROLES))
async def test_every_page_a_role_reaches_works(client: httpx.AsyncClient, role: str, lang: str):
    if credentials := ROLES[role]:
        await _log_in(client, *credentials)
    client.cookies.set("lang", lang)
    client.app.sections.load_all()  # type: ignore[attr-defined]
    vocabulary = {
        segment
        for route in client.app.routes  # type: ignore[attr-defined]
        for segment in route.path.split("/")
        if "{" not in segment
    }
    crawl = Crawl(client, vocabulary)
    await crawl.run(STARTS)
    assert crawl.opened > (20 if role == "anonymous" else 40), f"only {crawl.opened} pages reached"
    assert not crawl.failures, f"{len(crawl.failures)} broken pages:\n" + "\n".join(crawl.failures[:40])
