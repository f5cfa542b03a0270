"""Evidence of a dossier answer: files the producer uploads (a PDF, or a photo stored as the
catalog's are) and links to what the system already holds (a quality certification, a batch
with its trace code, the sales and distribution figures). An item is a small JSON object in
``DossierAnswer.evidence``; links keep a snapshot of what they showed when attached, so the
dossier the council reads does not change under it. ``ref`` names an item within its answer.

Kinds: ``pdf`` {digest, name, size}; ``photo`` {image_id, digest, width, height, name};
``quality`` {id, quality_kind, number, valid_until}; ``batch`` {id, code, trace_code,
produced_on}; ``sales`` {the figures}. ``copied`` marks an item taken from the previous
dossier and not looked at since.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from shop.evaluation.figures import Figures
from shop.evaluation.registration_schemas import EvidenceOut
from shop.i18n import N_, format_date, format_number, format_vnd, gettext
from shop.media.documents import StoredDocument
from shop.media.models import StoredImage
from shop.media.naming import Picture

Item = dict[str, Any]
FILE_KINDS = ("pdf", "photo")
LINK_KINDS = ("quality", "batch", "sales")
MAX_ITEMS = 30  # per criterion
NAME_MAX = 120

QUALITY_LABELS = {
    "vietgap": "VietGAP",
    "globalgap": "GlobalG.A.P.",
    "organic": N_("Organic"),
    "haccp": "HACCP",
    "iso22000": "ISO 22000",
    "gmp": "GMP",
    "gacp_who": "GACP-WHO",
    "safe_food_chain": N_("Safe food chain"),
    "other": N_("Other quality certification"),
}


def new_ref() -> str:
    return secrets.token_hex(6)


def _file_name(name: str | None) -> str:
    """What the person called the file, kept short and printable (only ever shown as text)."""
    cleaned = "".join(c for c in (name or "") if c.isprintable()).strip()
    return cleaned[-NAME_MAX:] or "document"


def pdf_item(document: StoredDocument, name: str | None) -> Item:
    return {
        "ref": new_ref(),
        "kind": "pdf",
        "digest": document.digest,
        "size": document.size_bytes,
        "name": _file_name(name),
    }


def photo_item(image: StoredImage, name: str | None) -> Item:
    return {
        "ref": new_ref(),
        "kind": "photo",
        "image_id": image.id,
        "digest": image.digest,
        "width": image.width,
        "height": image.height,
        "name": _file_name(name),
    }


def quality_item(row: Any) -> Item:
    until = row.valid_until.isoformat() if row.valid_until else None
    return {
        "ref": new_ref(),
        "kind": "quality",
        "id": row.id,
        "quality_kind": str(row.kind),
        "number": row.number,
        "valid_until": until,
    }


def batch_item(row: Any) -> Item:
    made = row.produced_on.isoformat() if row.produced_on else None
    return {
        "ref": new_ref(),
        "kind": "batch",
        "id": row.id,
        "code": row.code,
        "trace_code": row.trace_code,
        "produced_on": made,
    }


def sales_item(figures: Figures) -> Item:
    return {
        "ref": new_ref(),
        "kind": "sales",
        "period_from": figures.period_from.isoformat(),
        "period_until": figures.period_until.isoformat(),
        "till_units": figures.till_units,
        "till_vnd": figures.till_vnd,
        "online_units": figures.online_units,
        "online_vnd": figures.online_vnd,
        "sales_points": figures.sales_points,
        "provinces": list(figures.provinces),
    }


def is_file(item: Item) -> bool:
    return item.get("kind") in FILE_KINDS


def link_key(item: Item) -> tuple[str, int]:
    """What a link points at (a sales link points at the product's figures: id 0)."""
    return str(item.get("kind")), int(item.get("id") or 0)


def _day(text: object) -> str:
    return format_date(dt.date.fromisoformat(str(text))) if text else ""


def label(item: Item) -> str:
    """The item as a line of the dossier, in the reader's language."""
    kind = item.get("kind")
    if kind in FILE_KINDS:
        return str(item.get("name") or "")
    if kind == "quality":
        name = gettext(QUALITY_LABELS.get(str(item.get("quality_kind")), QUALITY_LABELS["other"]))
        parts = [name, str(item.get("number") or "")]
        if item.get("valid_until"):
            parts.append(gettext(N_("valid until {day}")).format(day=_day(item["valid_until"])))
        return " · ".join(p for p in parts if p)
    if kind == "batch":
        text = gettext(N_("Batch {code}, trace code {trace}")).format(
            code=item.get("code") or "—", trace=item.get("trace_code")
        )
        return text + (f" · {_day(item['produced_on'])}" if item.get("produced_on") else "")
    if kind == "sales":
        return sales_label(item)
    return ""


def sales_label(item: Item) -> str:
    text = gettext(
        N_(
            "Sales {start} – {end}: {till_units} at {points} sales points ({till_vnd}), "
            "{online_units} online ({online_vnd}); sold in {provinces} provinces"
        )
    )
    return text.format(
        start=_day(item.get("period_from")),
        end=_day(item.get("period_until")),
        till_units=format_number(int(item.get("till_units") or 0)),
        points=format_number(int(item.get("sales_points") or 0)),
        till_vnd=format_vnd(int(item.get("till_vnd") or 0)),
        online_units=format_number(int(item.get("online_units") or 0)),
        online_vnd=format_vnd(int(item.get("online_vnd") or 0)),
        provinces=len(item.get("provinces") or []),
    )


def file_url(registration_id: int, item: Item) -> str | None:
    """Where the file is read: a photo's card size; a PDF through the scoped route."""
    if item.get("kind") == "photo":
        picture = Picture(str(item["digest"]), int(item["width"]), int(item["height"]), "")
        return picture.url("page")
    if item.get("kind") == "pdf":
        return f"/api/v1/evaluation/registrations/{registration_id}/files/{item['ref']}"
    return None


@dataclass(frozen=True)
class Shown:
    """An item as pages draw it."""

    ref: str
    kind: str
    label: str
    url: str | None
    copied: bool
    thumb: str | None  # a photo's thumbnail


def shown(registration_id: int, item: Item) -> Shown:
    thumb = None
    if item.get("kind") == "photo":
        thumb = Picture(str(item["digest"]), int(item["width"]), int(item["height"]), "").url("thumb")
    return Shown(
        ref=str(item.get("ref")),
        kind=str(item.get("kind")),
        label=label(item),
        url=file_url(registration_id, item),
        copied=bool(item.get("copied")),
        thumb=thumb,
    )


def out(registration_id: int, item: Item) -> EvidenceOut:
    s = shown(registration_id, item)
    return EvidenceOut(ref=s.ref, kind=s.kind, label=s.label, url=s.url, copied=s.copied)
