"""Request and response shapes of the catalog API (names fixed by API.md where listed)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from shop.catalog.models import CouncilLevel, ProducerKind, QualityKind
from shop.params import MAX_ID

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
LongText = Annotated[str, msgspec.Meta(max_length=20000)]
Vnd = Annotated[int, msgspec.Meta(ge=0, le=10_000_000_000)]
Stars = Annotated[int, msgspec.Meta(ge=3, le=5)]
# Ids are 32-bit integers in the database: a larger number names nothing and is refused where
# it is declared (query, path or body), never sent to the database to overflow there.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class ProducerRef(msgspec.Struct):
    code: str
    name: str
    kind: str


class GroupRef(msgspec.Struct):
    code: str
    name: str


class Origin(msgspec.Struct):
    province: str | None
    commune: str | None
    legacy_province: str | None = None
    legacy_district: str | None = None
    as_certified: str | None = None
    approximate: bool = False


class ImageUrls(msgspec.Struct):
    """Each derived size (thumb, card, page, zoom) in WebP and JPEG, as paths on this site."""

    webp: dict[str, str]
    jpg: dict[str, str]


class PhotoOut(msgspec.Struct):
    """A product photo as a visitor sees it: its sizes, and its description in their language."""

    id: int  # the product's photo, as /api/v1/products/{id}/images lists it
    width: int  # the photo upright, before resizing (each size keeps its proportions)
    height: int
    alt: str  # in the request's language, else English, else Vietnamese; "" when not described
    digest: str  # the content hash the files are named after: a new photo is a new digest
    urls: ImageUrls


class ProductSummary(msgspec.Struct):
    id: int
    slug: str
    name: str
    stars: int | None
    price_vnd: int
    producer: ProducerRef
    group: GroupRef
    origin: Origin
    trace_code: str
    sellable: bool
    unit: str
    pack_size: str | None
    image_url: str | None  # an address typed by the office (older data); photos are in image
    language: str  # the language of name (vi when no translation exists)
    image: PhotoOut | None = None  # the main photo


class CertificateOut(msgspec.Struct):
    id: uuid.UUID
    stars: int
    score: int | None
    council_level: str
    issuer: str
    decision_number: str
    decision_date: dt.date
    certificate_number: str | None
    valid_from: dt.date
    valid_until: dt.date
    criteria_version: str
    status: str
    revoked_on: dt.date | None = None
    revocation_reason: str | None = None


class QualityOut(msgspec.Struct):
    kind: str
    number: str | None
    issuer: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None


class AvailabilityOut(msgspec.Struct):
    """Units available now at one sales point or open fair."""

    sales_point: str
    name: str
    kind: str
    available: int


class ProductDetail(ProductSummary, kw_only=True):
    description: str | None
    gtin: str | None
    shelf_life_days: int | None
    certificate: CertificateOut | None
    quality_certifications: list[QualityOut]
    availability: list[AvailabilityOut] = []
    images: list[PhotoOut] = []  # every photo, the main one first
    certificate_history: list[CertificateOut] | None = None  # for the office only


class ProducerOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    province: str | None
    commune: str | None
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    story: str | None
    product_count: int


class ProducerDetail(ProducerOut, kw_only=True):
    products: list[ProductSummary]


class GroupOut(msgspec.Struct):
    id: int
    code: str
    name: str
    name_en: str
    parent_code: str | None
    criteria_version: str


# ---- office writes ----


class ProducerIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    kind: ProducerKind
    name: Name
    tax_code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{10}(-[0-9]{3})?$")] | None = None
    place: ShortText | None = None  # free text, old or new unit names
    address: ShortText | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    website: ShortText | None = None
    story: LongText | None = None
    commission_rate_bp: Annotated[int, msgspec.Meta(ge=0, le=10000)] | None = None


class ProducerPatch(msgspec.Struct, forbid_unknown_fields=True):
    kind: ProducerKind | None = None
    name: Name | None = None
    tax_code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{10}(-[0-9]{3})?$")] | None = None
    place: ShortText | None = None
    address: ShortText | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    website: ShortText | None = None
    story: LongText | None = None
    commission_rate_bp: Annotated[int, msgspec.Meta(ge=0, le=10000)] | None = None
    is_active: bool | None = None


class TranslationIn(msgspec.Struct, forbid_unknown_fields=True):
    language: Annotated[str, msgspec.Meta(pattern=r"^(en|ko|zh_Hans|ja|fr)$")]
    name: Name
    description: LongText | None = None


class ProductIn(msgspec.Struct, forbid_unknown_fields=True):
    producer_code: Code
    group_code: Code
    name: Name
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    price_vnd: Vnd
    description: LongText | None = None
    pack_size: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    gtin: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{8}([0-9]{4,6})?$")] | None = None
    shelf_life_days: Annotated[int, msgspec.Meta(gt=0, le=36500)] | None = None
    image_url: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    origin: ShortText | None = None  # free text: "Na Rì, Bắc Kạn"
    translations: list[TranslationIn] = []


class ProductPatch(msgspec.Struct, forbid_unknown_fields=True):
    group_code: Code | None = None
    name: Name | None = None
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None
    price_vnd: Vnd | None = None
    description: LongText | None = None
    pack_size: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    gtin: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{8}([0-9]{4,6})?$")] | None = None
    shelf_life_days: Annotated[int, msgspec.Meta(gt=0, le=36500)] | None = None
    image_url: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    origin: ShortText | None = None
    is_active: bool | None = None
    translations: list[TranslationIn] | None = None


class CertificateIn(msgspec.Struct, forbid_unknown_fields=True):
    """A certification decision for one product; an active one is superseded by it."""

    product_id: Id
    stars: Stars
    council_level: CouncilLevel
    issuer: Name
    decision_number: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    decision_date: dt.date
    score: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    score_a: Annotated[int, msgspec.Meta(ge=0, le=40)] | None = None
    score_b: Annotated[int, msgspec.Meta(ge=0, le=25)] | None = None
    score_c: Annotated[int, msgspec.Meta(ge=0, le=40)] | None = None
    certificate_number: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    valid_from: dt.date | None = None  # default: the decision date
    valid_until: dt.date | None = None  # default: 36 months after valid_from
    criteria_version: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] = "148/QĐ-TTg"


class RevocationIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=2000)]
    revoked_on: dt.date | None = None  # default: today
    decision_number: Annotated[str, msgspec.Meta(max_length=60)] | None = None


class QualityIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: QualityKind
    number: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    issuer: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
