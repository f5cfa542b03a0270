"""Helpers for the till's browser tests: a tablet with service workers, logging in, selling
by tapping the product grid, and what the live server's database says."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from shop.catalog.models import Product
from shop.db import Database
from shop.inventory.models import Location, StockLevel
from shop.till import shifts
from shop.till.models import Sale, SaleReturn, Shift
from shop.till.schemas import ZReport
from tests.browser.conftest import ARTIFACTS, _chromium

TEA = "Chè xanh Mây Trắng"
TEA_PRICE = 115_000
TABLET = {"width": 1024, "height": 600}


@asynccontextmanager
async def tablet(base_url: str) -> AsyncIterator[BrowserContext]:
    """A 10-inch tablet's browser: 1024 × 600, Vietnamese, service workers allowed."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        context = await browser.new_context(
            base_url=base_url, viewport=TABLET, locale="vi-VN", service_workers="allow"
        )
        errors: list[str] = []  # a script error on any page fails the test
        context.on("weberror", lambda error: errors.append(str(error.error)))
        try:
            yield context
        finally:
            await browser.close()
        assert not errors, errors


async def log_in(page: Page, username: str, password: str) -> None:
    await page.goto("/login?next=/pos/SP-BACKAN/till")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/till"))


async def till_ready(page: Page, *, offline_ready: bool = False) -> None:
    await expect(page.locator("#till[data-ready=yes]")).to_be_attached()
    if offline_ready:  # the service worker runs and holds this page
        await expect(page.locator("#till[data-offline=ready]")).to_be_attached(timeout=15_000)


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def tap_tea(page: Page) -> None:
    await page.locator(".tile", has_text=TEA).first.click()


async def complete(page: Page) -> None:
    """Enter completes the sale, as on a PC keyboard; the cart empties."""
    await expect(page.locator("#complete")).to_be_enabled()
    await page.keyboard.press("Enter")
    await expect(page.locator("#cart-lines tr")).to_have_count(0)


@dataclass(frozen=True)
class Books:
    sales: int
    returns: int
    tea: int  # on hand at SP-BACKAN


async def books(url: str) -> Books:
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            location = await s.scalar(sa.select(Location.id).where(Location.code == "SP-BACKAN"))
            tea = await s.scalar(
                sa.select(sa.func.sum(StockLevel.on_hand))
                .join(Product, Product.id == StockLevel.product_id)
                .where(StockLevel.location_id == location, Product.name == TEA)
            )
            sales = await s.scalar(
                sa.select(sa.func.count()).select_from(Sale).where(Sale.location_id == location)
            )
            returns = await s.scalar(
                sa.select(sa.func.count()).select_from(SaleReturn).where(SaleReturn.location_id == location)
            )
            return Books(int(sales or 0), int(returns or 0), int(tea or 0))
    finally:
        await db.dispose()


async def last_shift_report(url: str) -> tuple[str, ZReport]:
    """The latest shift at SP-BACKAN: its status and its Z-report as the server computes it."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            location = await s.scalar(sa.select(Location.id).where(Location.code == "SP-BACKAN"))
            shift = await s.scalar(
                sa.select(Shift).where(Shift.location_id == location).order_by(Shift.id.desc()).limit(1)
            )
            assert shift is not None
            return shift.status.value, await shifts.report(s, shift)
    finally:
        await db.dispose()


async def set_price(url: str, name: str, price: int) -> int:
    """The office changes a product's price (as its screens would): returns the old one."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as s:
            product = await s.scalar(sa.select(Product).where(Product.name == name))
            assert product is not None
            old, product.price_vnd = product.price_vnd, price
            await s.commit()
            return old
    finally:
        await db.dispose()


@asynccontextmanager
async def product_photo(base_url: str, database_url: str, name: str) -> AsyncIterator[str]:
    """A photo of the product ``name`` uploaded by the office through the API for the time
    of the block (then deleted, so the shared server is as it was): its thumbnail's path."""
    db = Database.connect(database_url)
    try:
        async with db.read_sessions() as s:
            product_id = await s.scalar(sa.select(Product.id).where(Product.name == name))
    finally:
        await db.dispose()
    image = Image.new("RGB", (900, 900), (46, 125, 50))  # a green pack with a pale label
    ImageDraw.Draw(image).rectangle((200, 300, 700, 600), fill=(240, 230, 190))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as api:
        token = await api.post("/api/v1/auth/tokens", json={"username": "admin", "password": "admin12345"})
        office = {"Authorization": f"Bearer {token.json()['access_token']}"}
        url = f"/api/v1/products/{product_id}/images"
        added = await api.post(
            url, files={"file": ("pack.jpg", buffer.getvalue(), "image/jpeg")}, headers=office
        )
        assert added.status_code == 201, added.text
        try:
            yield str(added.json()["urls"]["webp"]["thumb"])
        finally:
            await api.delete(f"{url}/{added.json()['id']}", headers=office)
