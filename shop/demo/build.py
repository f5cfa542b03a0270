"""Putting producer specs into the database through the real services.

Every row goes through ``services.create_producer`` / ``create_product``, ``certificates.certify``
/ ``revoke`` and ``services.add_quality``, so demo data obeys the same rules as the office's
input. Certificate history is replayed in order, each decision certified "on its own day"
(the service's ``today``), and the expiry job then runs for the real today: what lapsed is
expired, what was re-certified in time is superseded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates, schemas, services
from shop.catalog.certificates import add_months
from shop.catalog.models import Producer
from shop.demo.councils import Units, issuing, scores
from shop.demo.specs import CertSpec, ProducerSpec, ProductSpec
from shop.geo import services as geo
from shop.geo.models import Place


@dataclass
class Tally:
    """What a load added, for the summary line."""

    producers: int = 0
    products: int = 0
    certificates: int = 0
    revoked: int = 0
    quality: int = 0
    producer_ids: dict[str, int] = field(default_factory=dict)
    communes: dict[str, int] = field(default_factory=dict)  # producer code → today's commune


@dataclass
class DecisionBook:
    """Decision numbers for generated certificates: one per issuer and council session."""

    rng: random.Random
    numbers: dict[tuple[str, dt.date], int] = field(default_factory=dict)

    @staticmethod
    def session_day(day: dt.date) -> dt.date:
        """Councils sit twice a month (the 10th and the 25th) in this demo."""
        if day.day >= 25:
            return day.replace(day=25)
        if day.day >= 10:
            return day.replace(day=10)
        return add_months(day.replace(day=1), -1).replace(day=25)

    def number(self, issuer: str, day: dt.date) -> int:
        key = (issuer, day)
        if key not in self.numbers:
            self.numbers[key] = self.rng.randint(100, 4_800)
        return self.numbers[key]


def _lower_kind(name: str) -> str:
    """'Huyện Na Rì' → 'huyện Na Rì' (unit words are lower case inside an address)."""
    return name[:1].lower() + name[1:]


def address_of(place: Place, origin: geo.Origin) -> str:
    """The address as written before the reform, with today's units after it."""
    parts = [place.name]
    if origin.legacy_district is not None and origin.legacy_district.id != place.id:
        parts.append(_lower_kind(origin.legacy_district.name))
    if origin.legacy_province is not None:
        parts.append(_lower_kind(origin.legacy_province.name))
    now = [_lower_kind(u.name) for u in (origin.current_commune, origin.current_province) if u]
    text = ", ".join(parts)
    return f"{text} (nay {', '.join(now)})" if now and parts[1:] else text


async def _resolve(session: AsyncSession, text: str) -> tuple[Place, geo.Origin]:
    place = await geo.resolve_place(session, text)
    if place is None:
        raise LookupError(f"demo data names a place the map does not know: {text}")
    return place, await geo.origin_of(session, place)


def _units(origin: geo.Origin) -> Units:
    current = origin.current_province
    if current is None:
        raise LookupError("a demo producer's place has no province today")
    return Units(
        legacy_province=origin.legacy_province.name if origin.legacy_province else None,
        legacy_district=origin.legacy_district.name if origin.legacy_district else None,
        current_province=current.name,
    )


async def _certify(
    session: AsyncSession, product_id: int, spec: CertSpec, units: Units, book: DecisionBook
) -> None:
    day = spec.decided_on if spec.number else DecisionBook.session_day(spec.decided_on)
    draft = issuing(spec.stars, day, units, 0)
    number = spec.number or book.number(draft.issuer, day)
    how = issuing(spec.stars, day, units, number)
    total, a, b, c = scores(book.rng, spec.stars, how.criteria_version)
    await certificates.certify(
        session,
        schemas.CertificateIn(
            product_id=product_id,
            stars=spec.stars,
            council_level=how.council_level,
            issuer=how.issuer,
            decision_number=how.decision_number,
            decision_date=day,
            score=total,
            score_a=a,
            score_b=b,
            score_c=c,
            valid_from=spec.valid_from,
            criteria_version=how.criteria_version,
        ),
        today=day,
    )


async def _add_product(
    session: AsyncSession,
    producer: Producer,
    spec: ProductSpec,
    units: Units,
    book: DecisionBook,
    today: dt.date,
    tally: Tally,
) -> None:
    product = await services.create_product(
        session,
        schemas.ProductIn(
            producer_code=producer.code,
            group_code=spec.group,
            name=spec.name,
            unit=spec.unit,
            price_vnd=spec.price_vnd,
            description=spec.description,
            pack_size=spec.pack_size,
            gtin=spec.gtin,
            shelf_life_days=spec.shelf_life_days,
            translations=[
                schemas.TranslationIn(language="en", name=spec.name_en, description=spec.description_en)
            ],
        ),
    )
    tally.products += 1
    history = [c for c in spec.certs if c.decided_on <= today]
    for cert in history:
        await _certify(session, product.id, cert, units, book)
        tally.certificates += 1
    if spec.revocation is not None and history:
        newest = await certificates.active_certificate(session, product.id)
        if newest is not None:
            await certificates.revoke(
                session,
                newest.id,
                schemas.RevocationIn(
                    reason=spec.revocation.reason,
                    revoked_on=spec.revocation.on,
                    decision_number=spec.revocation.decision_number or None,
                ),
                today=today,
            )
            tally.revoked += 1
    for q in spec.quality:
        until = add_months(q.valid_from, 12 * q.years) - dt.timedelta(days=1)
        await services.add_quality(
            session,
            product.id,
            schemas.QualityIn(
                kind=q.kind,
                number=q.number,
                issuer=q.issuer,
                valid_from=q.valid_from,
                valid_until=until,
            ),
        )
        tally.quality += 1


async def add_producers(
    session: AsyncSession, specs: Sequence[ProducerSpec], *, today: dt.date, book: DecisionBook, tally: Tally
) -> None:
    """Create each producer with its products, certificate history and quality marks."""
    for spec in specs:
        place, origin = await _resolve(session, spec.place)
        producer = await services.create_producer(
            session,
            schemas.ProducerIn(
                code=spec.code,
                kind=spec.kind,
                name=spec.name,
                tax_code=spec.tax_code,
                place=spec.place,
                address=spec.address or address_of(place, origin),
                phone=spec.phone,
                story=spec.story,
            ),
        )
        tally.producers += 1
        tally.producer_ids[spec.code] = producer.id
        if origin.current_commune is not None:
            tally.communes[spec.code] = origin.current_commune.id
        units = _units(origin)
        for product in spec.products:
            await _add_product(session, producer, product, units, book, today, tally)
    await certificates.expire_certificates(session, today=today)
