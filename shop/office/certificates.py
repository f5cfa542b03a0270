"""Certificates from the product's page: issue, renew (the new decision supersedes the one
in force), revoke with a reason after a confirmation that says what will happen.

The forms build the API's ``CertificateIn`` / ``RevocationIn`` and call the same service
functions as ``/api/v1/certificates``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import cache, certificates, schemas
from shop.catalog.models import Certificate, CertificateStatus, Product
from shop.catalog.sellability import today
from shop.errors import NotFound
from shop.i18n import N_, gettext
from shop.office import forms
from shop.office.forms import Form
from shop.office.products import product_or_404, product_page
from shop.office.views import council_labels
from shop.params import Id

FIELDS = (
    "stars",
    "score",
    "council_level",
    "issuer",
    "decision_number",
    "decision_date",
    "certificate_number",
    "valid_from",
    "valid_until",
    "criteria_version",
)
NAMES = {name: name for name in FIELDS} | {"product_id": ""}
REVOKE_FIELDS = ("reason", "revoked_on", "decision_number", "confirm")


def _certificate_payload(form: Form, product: Product) -> dict[str, Any]:
    if form.get("stars") not in ("3", "4", "5"):
        form.error("stars", gettext(N_("Choose the stars: 3, 4 or 5.")))
    if form.get("council_level") not in council_labels():
        form.error("council_level", gettext(N_("Choose the council that decided.")))
    if not form.get("issuer"):
        form.error("issuer", gettext(N_("Enter who signed the decision, e.g. UBND tỉnh Thái Nguyên.")))
    if not form.get("decision_number"):
        form.error("decision_number", gettext(N_("Enter the decision number, e.g. 1114/QĐ-UBND.")))
    decision_date = forms.day(form, "decision_date")
    if decision_date is None and not form.errors.get("decision_date"):
        form.error("decision_date", gettext(N_("Enter the date of the decision.")))
    return {
        "product_id": product.id,
        "stars": int(form.get("stars")) if form.get("stars").isdigit() else 0,
        "score": forms.whole(form, "score", maximum=100),
        "council_level": form.get("council_level"),
        "issuer": form.get("issuer"),
        "decision_number": form.get("decision_number"),
        "decision_date": decision_date,
        "certificate_number": form.get("certificate_number") or None,
        "valid_from": forms.day(form, "valid_from"),
        "valid_until": forms.day(form, "valid_until"),
        "criteria_version": form.get("criteria_version") or "148/QĐ-TTg",
    }


def _outcome(cert: Certificate) -> str:
    """Which success message the product's page shows."""
    if cert.status is CertificateStatus.superseded:
        return "certified_history"
    if cert.status is CertificateStatus.expired:
        return "certified_expired"
    return "certified"


class OfficeCertificatePages(Controller):
    path = "/office/products/{product_id:int}/certificates"
    include_in_schema = False
    guards = (requires_admin,)

    @post("/")
    async def certify(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template | Redirect:
        product = await product_or_404(session, product_id)
        form = forms.read(await request.form(), FIELDS)

        async def call() -> str | None:
            payload = _certificate_payload(form, product)
            if not form.ok:
                return None
            data = forms.convert(payload, schemas.CertificateIn)
            return _outcome(await certificates.certify(session, data, today=today()))

        outcome = await forms.attempt(session, form, call, NAMES)
        if outcome is None:
            return await product_page(session, product, form=form)
        await cache.commit(session)
        return Redirect(path=f"/office/products/{product.id}?done={outcome}", status_code=303)

    @get("/{certificate_id:uuid}/revoke")
    async def revoke_form(self, session: AsyncSession, product_id: Id, certificate_id: uuid.UUID) -> Template:
        product, cert = await _certificate(session, product_id, certificate_id)
        form = Form(values={"revoked_on": today().isoformat()})
        return _revoke_page(product, cert, form, confirming=False)

    @post("/{certificate_id:uuid}/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        product_id: Id,
        certificate_id: uuid.UUID,
    ) -> Template | Redirect:
        product, cert = await _certificate(session, product_id, certificate_id)
        done = Redirect(path=f"/office/products/{product.id}?done=revoked", status_code=303)
        if cert.status is CertificateStatus.revoked:
            return done  # confirmed twice (a double click, the back button): it is revoked once
        form = forms.read(await request.form(), REVOKE_FIELDS)
        confirmed = form.get("confirm") == "yes"

        async def call() -> bool:
            if cert.status is not CertificateStatus.active and cert.status is not CertificateStatus.expired:
                form.error(
                    "", gettext(N_("This certificate was replaced by a renewal: revoke the one in force."))
                )
                return False
            if len(form.get("reason")) < 3:
                form.error("reason", gettext(N_("Write the reason for the revocation.")))
            revoked_on = forms.day(form, "revoked_on")
            if not form.ok:
                return False
            payload = {
                "reason": form.get("reason"),
                "revoked_on": revoked_on,
                "decision_number": form.get("decision_number") or None,
            }
            data = forms.convert(payload, schemas.RevocationIn)
            async with session.begin_nested() as step:
                await certificates.revoke(session, cert.id, data, today=today())
                if not confirmed:  # only checked: the person has not confirmed yet
                    await step.rollback()
            return True

        checked = await forms.attempt(session, form, call, {"reason": "reason", "revoked_on": "revoked_on"})
        await session.refresh(cert)
        if not checked or not confirmed:
            return _revoke_page(product, cert, form, confirming=bool(checked))
        await cache.commit(session)
        return done


def _revoke_page(product: Product, cert: Certificate, form: Form, *, confirming: bool) -> Template:
    return Template(
        "office/revoke.html",
        context={
            "product": product,
            "cert": cert,
            "form": form,
            "confirming": confirming,
            "revoked_day": _iso_day(form.get("revoked_on")),
        },
        status_code=200 if form.ok else form.status,
    )


def _iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


async def _certificate(
    session: AsyncSession, product_id: int, certificate_id: uuid.UUID
) -> tuple[Product, Certificate]:
    product = await product_or_404(session, product_id)
    cert = await session.get(Certificate, certificate_id)
    if cert is None or cert.product_id != product.id:
        raise NotFound(N_("No certificate {key}."), key=certificate_id)
    return product, cert
