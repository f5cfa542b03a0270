"""The catalog of certified products: producers, products, OCOP certificates, quality marks."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base
from shop.db_types import PortableUUID, UTCDateTime, utcnow
from shop.enums import enum_column
from shop.geo.models import Place


class ProducerKind(StrEnum):
    cooperative = "cooperative"  # hợp tác xã (HTX)
    enterprise = "enterprise"  # doanh nghiệp
    cooperative_group = "cooperative_group"  # tổ hợp tác
    household_business = "household_business"  # hộ kinh doanh


class CouncilLevel(StrEnum):
    district = "district"  # district People's Committee, 3★ from 2023 until July 2025
    province = "province"  # 3★ and 4★
    central = "central"  # 5★, the ministry


class CertificateStatus(StrEnum):
    active = "active"  # the one certificate a product carries now
    expired = "expired"  # validity ended without re-certification
    revoked = "revoked"  # withdrawn by decision (thu hồi), with a reason
    superseded = "superseded"  # replaced by a re-certification
    # Decided, in force from a later day: the running certificate stays in force until then
    # (a renewal decided before the old one ends); ``start_scheduled`` starts it that day.
    scheduled = "scheduled"


class QualityKind(StrEnum):
    vietgap = "vietgap"
    globalgap = "globalgap"
    organic = "organic"
    haccp = "haccp"
    iso22000 = "iso22000"
    gmp = "gmp"
    gacp_who = "gacp_who"
    safe_food_chain = "safe_food_chain"
    other = "other"


class ProductGroup(Base):
    """An OCOP group or sub-group (data, versioned by the criteria decision that defines it)."""

    __tablename__ = "product_group"
    __table_args__ = (sa.UniqueConstraint("criteria_version", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(160))  # Vietnamese, as in the decision
    name_en: Mapped[str] = mapped_column(sa.String(160))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_group.id"), index=True)
    criteria_version: Mapped[str] = mapped_column(sa.String(40))  # "148/QĐ-TTg"


class Producer(Base):
    """A chủ thể OCOP: the cooperative, enterprise, group or household that owns products."""

    __tablename__ = "producer"
    __table_args__ = (
        sa.CheckConstraint(
            "commission_rate_bp IS NULL OR (commission_rate_bp >= 0 AND commission_rate_bp <= 10000)",
            name="commission_rate_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[ProducerKind] = mapped_column(enum_column(ProducerKind, "producer_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))
    tax_code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    story: Mapped[str | None] = mapped_column(sa.Text)
    # Commission the office takes on this producer's sales, in basis points (NULL: default).
    commission_rate_bp: Mapped[int | None] = mapped_column(sa.Integer)
    bank_name: Mapped[str | None] = mapped_column(sa.String(120))
    bank_account_number: Mapped[str | None] = mapped_column(sa.String(40))
    bank_account_name: Mapped[str | None] = mapped_column(sa.String(200))
    # One photo: the workshop, the fields, the people (shop.media; shop/catalog/photos.py).
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_image.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    place: Mapped[Place | None] = relationship(lazy="raise")


# The columns of the sellable rule (sellability.sellable_product_clause), held by the list's indexes.
_SELLABLE = ("is_active", "stars", "certified_from", "certified_until")


class Product(Base):
    """A certified (or once-certified) product. Vietnamese texts here; others in translations."""

    __tablename__ = "product"
    __table_args__ = (
        sa.CheckConstraint("price_vnd >= 0", name="price_not_negative"),
        sa.CheckConstraint("shelf_life_days IS NULL OR shelf_life_days > 0", name="shelf_life"),
        sa.CheckConstraint("stars IS NULL OR (stars >= 3 AND stars <= 5)", name="stars_range"),
        # Search is LIKE '%word%': a trigram index on PostgreSQL; SQLite (one shop) scans.
        sa.Index(
            "ix_product_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # One per catalog sort order, so a page is read in index order and stops at its limit.
        # Each also holds the sellable rule's columns: a deep page finds its first key by
        # counting entries of the index alone (queries.list_products), never the rows.
        sa.Index("ix_product_list_name", "name", "id", *_SELLABLE),
        sa.Index("ix_product_list_price", "price_vnd", "id", *_SELLABLE),
        sa.Index("ix_product_list_stars", "stars", "id", *(c for c in _SELLABLE if c != "stars")),
        sa.Index("ix_product_list_created", "created_at", "id", *_SELLABLE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("product_group.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    unit: Mapped[str] = mapped_column(sa.String(40))  # "gói", "chai", "hộp"
    pack_size: Mapped[str | None] = mapped_column(sa.String(60))  # "500 g", "330 ml"
    gtin: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shelf_life_days: Mapped[int | None] = mapped_column(sa.Integer)
    image_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The first of its photos (ProductImage), kept by photos.py so a card needs one join.
    main_image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_image.id", ondelete="SET NULL"))
    trace_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # The unit the product was certified under, as recorded (legacy or current) ...
    origin_place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    # ... and what it resolves to: today's province and commune, and the legacy units.
    origin_province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    origin_commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    legacy_province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    legacy_district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    # A copy of the active certificate's stars and validity, kept by certificates.py, so the
    # catalog filters and sorts one table. NULL when the product has no active certificate.
    stars: Mapped[int | None] = mapped_column(sa.SmallInteger)
    certified_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    certified_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    # Name, producer and place names folded (no diacritics, lower case) for search.
    search_text: Mapped[str] = mapped_column(sa.String(1000), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    producer: Mapped[Producer] = relationship(lazy="raise")
    group: Mapped[ProductGroup] = relationship(lazy="raise")


class ProductImage(Base):
    """One of a product's photos, in the order shown; the first is the main one."""

    __tablename__ = "product_image"
    __table_args__ = (
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
        sa.Index("ix_product_image_order", "product_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_image.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Alternative text per language code ({"vi": "…", "en": "…"}); Vietnamese is the fallback.
    alt: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductTranslation(Base):
    """A product's texts in another language; Vietnamese (on the product) is the fallback."""

    __tablename__ = "product_translation"
    __table_args__ = (sa.UniqueConstraint("product_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)


class Certificate(Base):
    """An OCOP certificate (giấy chứng nhận). History is kept: nothing is overwritten."""

    __tablename__ = "certificate"
    __table_args__ = (
        sa.CheckConstraint("stars >= 3 AND stars <= 5", name="stars_range"),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        sa.CheckConstraint("score_a IS NULL OR (score_a >= 0 AND score_a <= 40)", name="score_a"),
        sa.CheckConstraint("score_b IS NULL OR (score_b >= 0 AND score_b <= 25)", name="score_b"),
        sa.CheckConstraint("score_c IS NULL OR (score_c >= 0 AND score_c <= 40)", name="score_c"),
        sa.CheckConstraint("valid_until > valid_from", name="validity_order"),
        sa.CheckConstraint(
            "status <> 'revoked' OR (revoked_on IS NOT NULL AND revocation_reason IS NOT NULL)",
            name="revocation_has_reason",
        ),
        # At most one active certificate per product, whatever writes the row.
        sa.Index(
            "uq_certificate_one_active",
            "product_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
        sa.Index("ix_certificate_product_status", "product_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(PortableUUID, primary_key=True, default=uuid.uuid4)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    stars: Mapped[int] = mapped_column(sa.SmallInteger)
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    score_a: Mapped[int | None] = mapped_column(sa.SmallInteger)
    score_b: Mapped[int | None] = mapped_column(sa.SmallInteger)
    score_c: Mapped[int | None] = mapped_column(sa.SmallInteger)
    council_level: Mapped[CouncilLevel] = mapped_column(enum_column(CouncilLevel, "council_level"))
    issuer: Mapped[str] = mapped_column(sa.String(200))  # as printed: "UBND tỉnh Bắc Kạn"
    decision_number: Mapped[str] = mapped_column(sa.String(60))  # "1114/QĐ-UBND"
    decision_date: Mapped[dt.date] = mapped_column(sa.Date)
    certificate_number: Mapped[str | None] = mapped_column(sa.String(60))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_until: Mapped[dt.date] = mapped_column(sa.Date)
    criteria_version: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, "certificate_status"), default=CertificateStatus.active
    )
    revoked_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    revocation_decision: Mapped[str | None] = mapped_column(sa.String(60))
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(PortableUUID, sa.ForeignKey("certificate.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class QualityCertification(Base):
    """VietGAP, organic, HACCP…: evidence shown beside the OCOP stars."""

    __tablename__ = "quality_certification"
    __table_args__ = (
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from",
            name="validity_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    kind: Mapped[QualityKind] = mapped_column(enum_column(QualityKind, "quality_kind"))
    number: Mapped[str | None] = mapped_column(sa.String(80))
    issuer: Mapped[str | None] = mapped_column(sa.String(200))
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)


class FailedEvaluation(Base):
    """An OCOP evaluation that did not reach 3★: no certificate comes of it, so it is
    recorded here (by the office, in the admin) for the programme's figure "share of
    evaluated products reaching 3★". Certificates are the evaluations that did."""

    __tablename__ = "failed_evaluation"
    __table_args__ = (
        sa.CheckConstraint("stars >= 1 AND stars <= 2", name="below_three_stars"),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        sa.Index("ix_failed_evaluation_on", "evaluated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product.id"))  # if in the catalog
    product_name: Mapped[str] = mapped_column(sa.String(200))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))  # of origin, today's map
    council_level: Mapped[CouncilLevel] = mapped_column(enum_column(CouncilLevel, "council_level"))
    evaluated_on: Mapped[dt.date] = mapped_column(sa.Date)
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    stars: Mapped[int] = mapped_column(sa.SmallInteger)  # 1 or 2
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
