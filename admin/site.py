"""Piccolo Admin, bound to the app's database (mounted at /admin by ``admin.mount``, which
builds it on the first visit).

Each app builds its own Piccolo classes (generated tables, and subclasses of Piccolo's user
and session tables) bound to its own engine, so two apps on two databases can live in one
process (the tests run SQLite and PostgreSQL side by side). No piccolo_conf.py is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from litestar.types import Receive, Scope, Send
from piccolo.apps.user.tables import BaseUser
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table, create_table_class
from piccolo_api.crud.validators import Validators
from piccolo_api.session_auth.tables import SessionsBase
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException

from admin.admin_table import AdminTable
from admin.config import TABLES
from admin.hooks import hooks_for
from admin.login_limits import limit_login
from admin.second_factor import AppSecondFactor
from admin.tables import generate_tables
from shop.db import Database
from shop.models import Base
from shop.settings import Settings

if TYPE_CHECKING:  # Piccolo Admin (FastAPI and pydantic) is imported when /admin is first asked for
    from piccolo_admin.endpoints import TableConfig


def piccolo_engine(database_url: str) -> Engine[Any]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return SQLiteEngine(path=url.database or ":memory:", timeout=30)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresEngine(config={"dsn": dsn})


def _read_only(piccolo_crud: Any, request: Any) -> None:  # keyword names are Piccolo's
    if request.method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
        raise HTTPException(
            status_code=405,
            detail="Bảng này chỉ đọc trong trang quản trị: hãy dùng các biểu mẫu.",
        )


READ_ONLY = Validators(
    post_single=[_read_only],
    put_single=[_read_only],
    patch_single=[_read_only],
    delete_single=[_read_only],
    delete_all=[_read_only],
)


# Technical columns the office never needs in a list (still in the row's form).
TECHNICAL = frozenset({"search_text", "folded", "token", "idempotency_key", "request_hash", "payload_hash"})

# The office's own screens, for what Piccolo Admin is not the place to do.
OFFICE_LINKS = {
    "Cấp, gia hạn, thu hồi chứng nhận": "/office/products/",
    "Người dùng và vai trò": "/office/people/",
    "Nhập danh sách sản phẩm": "/office/import/",
    "Văn phòng OCOP": "/office/",
}


def listed_columns(table: type[Table]) -> list[Any]:
    """The list view's columns: those always filled (Piccolo Admin writes "NULL" in every
    empty cell of a list, and cannot be told otherwise); empty ones show in the row's form."""
    return [
        c
        for c in table._meta.columns
        if (c._meta.primary_key or not c._meta.null) and c._meta.name not in TECHNICAL
    ]


def _table_config(table: type[Table], config: AdminTable, db: Database) -> TableConfig:
    from piccolo_admin.endpoints import TableConfig  # imported here: see AdminSite.app

    return TableConfig(
        table,
        visible_columns=listed_columns(table),
        menu_group=config.group,
        validators=None if config.editable else READ_ONLY,
        hooks=hooks_for(config.table, config.columns, db),
    )


class AdminSite:
    """The admin ASGI app and its lifecycle (its PostgreSQL pool opens when it is built)."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.engine = piccolo_engine(settings.database_url)
        user_table = create_table_class(
            "AdminUser", bases=(BaseUser,), class_kwargs={"tablename": "piccolo_user"}
        )
        session_table = create_table_class(
            "AdminSession", bases=(SessionsBase,), class_kwargs={"tablename": "sessions"}
        )
        self.tables = generate_tables(Base.metadata, TABLES, {"piccolo_user": user_table})
        for table in [*self.tables.values(), session_table]:
            table._meta._db = self.engine
        self._user_table, self._session_table, self._db = user_table, session_table, db
        self._settings = settings
        self._app: Any = None  # built on first use: create_admin costs about a second

    @property
    def app(self) -> Any:
        """The Piccolo Admin ASGI app (FastAPI), built once when first asked for."""
        if self._app is None:
            # Imported here: Piccolo Admin brings FastAPI, about 20 MiB more; the tables are
            # needed without it (tests compare them with the models).
            from piccolo_admin.endpoints import create_admin

            from admin.forms import build_forms
            from admin.translation_vi import VIETNAMESE

            configs = {c.table: c for c in TABLES}
            self._app = create_admin(
                tables=[_table_config(self.tables[name], configs[name], self._db) for name in configs],
                forms=build_forms(self._db),
                auth_table=cast(type[BaseUser], self._user_table),
                session_table=cast(type[SessionsBase], self._session_table),
                site_name="OCOP Market",
                translations=[VIETNAMESE],
                default_language_code="vi",
                production=self._settings.secure_cookies,
                auto_include_related=False,
                sidebar_links=OFFICE_LINKS,
                # Its login asks an enrolled user for the code of the app's two-step sign-in.
                mfa_providers=[AppSecondFactor(self._db, self._settings)],
            )
        return self._app

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Its sign-in is under the app's login limits, its failures recorded as the app's.
        await limit_login(self.app, scope, receive, send, db=self._db, settings=self._settings)

    async def start(self) -> None:
        if isinstance(self.engine, PostgresEngine):
            await self.engine.start_connection_pool(min_size=1, max_size=5)

    async def stop(self) -> None:
        if isinstance(self.engine, PostgresEngine):
            await self.engine.close_connection_pool()
