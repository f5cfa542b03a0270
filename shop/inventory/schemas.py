"""Shapes of the sales-point endpoints (``code``, ``name``, ``kind``, ``area`` fixed by API.md)."""

from __future__ import annotations

import datetime as dt

import msgspec


class AreaOut(msgspec.Struct):
    code: str
    name: str


class SalesPointOut(msgspec.Struct):
    code: str
    name: str
    kind: str
    area: AreaOut | None
    province: str | None
    commune: str | None
    address: str | None
    opening_hours: str | None
    phone: str | None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
