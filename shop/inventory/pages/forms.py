"""The forms of the sales-point pages: rows of lines as typed, products typed or scanned, and
the services' field errors put back next to the row they belong to.

A page never decides a stock rule: it reads what was typed, hands the service the same
request the API would, and shows the service's answer. Everything typed is kept, so a
person fixing one line of a long receipt does not type the others again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import msgspec
import sqlalchemy as sa
from litestar.datastructures import FormMultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.errors import Conflict, InvalidInput
from shop.i18n import N_, gettext
from shop.inventory.models import StockLevel
from shop.inventory.schemas import ProductRef
from shop.text import fold, search_terms

T = TypeVar("T")
MAX_ROWS = 500
_LINE_PATH = re.compile(r"^lines\[(\d+)\]\.?(.*)$")
_MSGSPEC_PATH = re.compile(r"at `\$\.(.+)`")
_CODE = re.compile(r"^(#?)(\d{1,14})(?:\s|$)")
# Which form column a service's field path speaks of.
_COLUMNS = {
    "product_id": "product",
    "batch": "batch",
    "batch.code": "batch",
    "batch_code": "batch",
    "batch.produced_on": "produced_on",
    "batch.expires_on": "expires_on",
}


@dataclass
class Row:
    """One line of a form, as typed, with what is wrong with it."""

    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    product: Product | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def messages(self) -> list[str]:
        return [m for ms in self.errors.values() for m in ms]


@dataclass
class Form:
    """A submitted (or empty) form: its fields, its rows, its errors."""

    values: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    used: list[int] = field(default_factory=list)  # the row of each line sent to the service
    status: int = 422  # what the page answers while the form has errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def messages(self) -> list[str]:
        return [m for ms in self.errors.values() for m in ms]


def read(
    data: FormMultiDict, names: Iterable[str], columns: Sequence[str] = (), *, prefix: str = "line-"
) -> Form:
    """The fields and the rows (``line-<column>`` repeated, in order) of a submitted form."""
    values = {name: str(data.get(name) or "").strip() for name in names}
    cells = {c: [str(v).strip() for v in data.getall(prefix + c, [])][:MAX_ROWS] for c in columns}
    count = max((len(v) for v in cells.values()), default=0)
    rows = [Row({c: v[i] if i < len(v) else "" for c, v in cells.items()}) for i in range(count)]
    return Form(values=values, rows=rows)


def keep(form: Form, columns: Sequence[str]) -> list[Row]:
    """The rows that say something; ``form.used`` remembers where each one is."""
    form.used = [i for i, row in enumerate(form.rows) if not is_blank(row, columns)]
    if not form.used:
        form.error("", gettext(N_("Add at least one line.")))
    return [form.rows[i] for i in form.used]


async def stocked(session: AsyncSession, location_id: int, limit: int = 500) -> list[Product]:
    """The products on hand at a location, offered in the product fields' list."""
    held = sa.select(StockLevel.product_id).where(
        StockLevel.location_id == location_id, StockLevel.on_hand > 0
    )
    stmt = sa.select(Product).where(Product.id.in_(held)).order_by(Product.name).limit(limit)
    return list(await session.scalars(stmt))


def blank_rows(columns: Sequence[str], n: int) -> list[Row]:
    return [Row(dict.fromkeys(columns, "")) for _ in range(n)]


def is_blank(row: Row, columns: Sequence[str]) -> bool:
    return not any(row.get(c) for c in columns)


def integer(row: Row, column: str, *, minimum: int = 0, required: bool = False) -> int | None:
    text = row.get(column).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        if required:
            row.error(column, gettext(N_("Enter a number.")))
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < minimum or int(text) > 1_000_000_000_000:
        row.error(column, gettext(N_("Enter a whole number of at least {n}.")).format(n=minimum))
        return None
    return int(text)


def date(row: Row, column: str) -> dt.date | None:
    text = row.get(column)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        row.error(column, gettext(N_("Enter a date (year-month-day).")))
        return None


def percent_to_bp(form: Form, name: str) -> int | None:
    """A percentage as typed ("15", "12,5") in basis points (1500, 1250)."""
    text = form.get(name).replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 100:
        form.error(name, gettext(N_("Enter a percentage between 0 and 100.")))
        return None
    return int((value * 100).to_integral_value())


def product_label(product: Product | ProductRef) -> str:
    """How a product is written in a form field (and offered in its list)."""
    return f"{product.gtin} · {product.name}" if product.gtin else f"#{product.id} · {product.name}"


async def _by_code(session: AsyncSession, texts: set[str]) -> dict[str, Product]:
    """Products named by a scanned barcode (GTIN) or an id ("#12" is always an id)."""
    codes = {t: m for t in texts if (m := _CODE.match(t))}
    if not codes:
        return {}
    gtins = {m[2] for m in codes.values() if not m[1]}
    ids = {int(m[2]) for m in codes.values() if len(m[2]) <= 9}
    stmt = sa.select(Product).where(sa.or_(Product.gtin.in_(gtins), Product.id.in_(ids)))
    found = list(await session.scalars(stmt))
    by_gtin = {p.gtin: p for p in found if p.gtin}
    by_id = {p.id: p for p in found}
    out = {}
    for text, m in codes.items():
        product = None if m[1] else by_gtin.get(m[2])
        if product is None and len(m[2]) <= 9:
            product = by_id.get(int(m[2]))
        if product is not None:
            out[text] = product
    return out


async def _by_name(session: AsyncSession, text: str, producer_id: int | None) -> list[Product]:
    terms = search_terms(text)
    if not terms:
        return []
    stmt = sa.select(Product).where(*(Product.search_text.like(f"%{t}%") for t in terms)).limit(20)
    found = list(await session.scalars(stmt.order_by(Product.name)))
    exact = [p for p in found if fold(p.name) == fold(text)]
    mine = [p for p in (exact or found) if producer_id is None or p.producer_id == producer_id]
    return mine or exact or found


async def resolve(
    session: AsyncSession, rows: Sequence[Row], column: str = "product", *, producer_id: int | None = None
) -> None:
    """Set each row's product from its barcode, id or name; an error where none or several match."""
    texts = {row.get(column) for row in rows if row.get(column)}
    coded = await _by_code(session, texts)
    for row in rows:
        text = row.get(column)
        if not text:
            row.error(column, gettext(N_("Scan or type a product.")))
        elif text in coded:
            row.product = coded[text]
        elif _CODE.match(text) and (text.isascii() and text.isdigit()):
            row.error(column, gettext(N_("No product with barcode or id {code}.")).format(code=text))
        else:
            named = await _by_name(session, text, producer_id)
            if len(named) == 1:
                row.product = named[0]
            elif named:
                row.error(
                    column,
                    gettext(N_("Several products match “{text}”: scan it or type more.")).format(text=text),
                )
            else:
                row.error(column, gettext(N_("No product matches “{text}”.")).format(text=text))


def _line_error(form: Form, error: dict[str, Any], detail: str) -> bool:
    """Put one service error on its row; False if it names no row."""
    match = _LINE_PATH.match(str(error.get("field", "")))
    if match and int(match[1]) < len(form.used):
        sub = match[2]
        row = form.rows[form.used[int(match[1])]]
        row.error(_COLUMNS.get(sub, sub or "row"), str(error.get("message") or detail))
        return True
    placed = False
    for i in form.used:  # not enough stock names the product, not the line
        product = form.rows[i].product
        if product is not None and "product_id" in error and product.id == error["product_id"]:
            form.rows[i].error("quantity", detail)
            placed = True
    return placed


def apply_errors(form: Form, errors: Sequence[dict[str, Any]], detail: str, names: dict[str, str]) -> None:
    """Show a service's errors: on their row, on their field, or at the top of the form."""
    form.error("", detail)
    for error in errors:
        if _line_error(form, error, detail):
            continue
        path = str(error.get("field", ""))
        message = str(error.get("message") or detail)
        if message != detail or path in names:
            form.error(names.get(path, ""), message)


def convert(payload: dict[str, Any], kind: type[T]) -> T:
    """The API's request type from what the form gave; limits the form did not check are
    reported as the API reports them (an InvalidInput naming the field)."""
    try:
        return msgspec.convert(payload, kind)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.search(str(exc))
        path = match[1] if match else ""
        message = gettext(N_("This value is not valid."))
        raise InvalidInput(errors=[{"field": path, "message": message}]) from exc


async def attempt(
    session: AsyncSession, form: Form, call: Callable[[], Awaitable[T]], names: dict[str, str] | None = None
) -> T | None:
    """Run a service call in a savepoint; on bad input or a conflict undo it and keep the
    errors on the form (the objects already loaded stay usable to show the page again)."""
    try:
        async with session.begin_nested():
            return await call()
    except (InvalidInput, Conflict) as exc:
        form.status = exc.status_code
        apply_errors(form, exc.errors, exc.detail, names or {})
        return None
