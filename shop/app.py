"""The application factory: one explicit list of routes, hooks and plugins."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, OpenAPI, SecurityScheme
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler, LifeSpanScope, Scope

from admin.mount import AdminMount
from shop import cluster, scheduler
from shop.accounts import pages as accounts_pages
from shop.accounts import pages_second_step, pages_security
from shop.accounts.middleware import CSRF_COOKIE, CSRF_HEADER, AuthenticationMiddleware
from shop.catalog.queries import Stock
from shop.db import Database, provide_session
from shop.health import health
from shop.input_guard import InputGuard
from shop.inventory import availability
from shop.media.serving import MediaFiles
from shop.media.storage import open_storage
from shop.openapi import OptionsAllow, declare_problems, render_plugins
from shop.orders import labels as order_labels
from shop.orders.pages import orders as orders_pages
from shop.payments import methods as payment_methods
from shop.payments import providers as payment_providers
from shop.problems import exception_handler
from shop.request_parsing import bound_caches
from shop.sections import SECTIONS, Sections
from shop.settings import Settings
from shop.storefront import catalog_pages, seo
from shop.storefront import pages as storefront_pages
from shop.storefront import pages_cart as storefront_pages_cart
from shop.storefront.feeds import pages as feed_pages
from shop.templating import SHOP_DIR
from shop.trace import pages as trace_pages
from shop.trace.services import ScanCounter
from shop.web import BlankFormFields, remember_language, set_request_language, template_config

# What a worker builds when it starts: the storefront, its sign-in and its public pages. The
# rest is built on its first request (shop.sections).
ROUTES: list[ControllerRouterHandler] = [
    health,
    accounts_pages.LoginPages,
    pages_second_step.SecondStepPages,
    pages_security.SecurityPages,
    catalog_pages.CatalogPages,
    seo.SearchEnginePages,
    MediaFiles,
    feed_pages.FeedPages,
    storefront_pages.StorefrontPages,
    storefront_pages_cart.CartPages,
    orders_pages.OrderPages,
    trace_pages.TracePages,
]


class App(Litestar):
    """Litestar without its pydantic and attrs plugins: the app's types are msgspec structs
    and dataclasses. Pydantic is installed for Piccolo Admin (FastAPI, built apart on the first
    visit of /admin), and Litestar would import it and its plugins into every worker whatever
    the routes use: about 9 MiB each.

    Its sections other than the storefront are built on their first request (``shop.sections``).
    """

    sections: Sections

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        return [*plugins, MsgspecDIPlugin()]

    async def __call__(self, scope: Scope | LifeSpanScope, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            self.sections.ensure(scope["path"])
        await super().__call__(scope, receive, send)

    @property
    def openapi_schema(self) -> OpenAPI:
        self.sections.load_all()
        return super().openapi_schema


def provide_stock() -> Stock:
    """What the catalog API asks of stock: inventory answers (the catalog imports no stock)."""
    return availability


def create_app(settings: Settings | None = None) -> App:
    settings = settings or Settings.from_env()
    db = Database.connect(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        replica_url=settings.database_replica_url,
    )
    admin = AdminMount(settings, db)
    scans = ScanCounter()
    media = open_storage(
        settings.media_url, var_dir=settings.var_dir, s3_endpoint_url=settings.s3_endpoint_url
    )
    payment_providers.register(payment_methods.ALL)
    templates = template_config(settings.var_dir / "templates")
    templates.engine_instance.engine.globals["order_labels"] = order_labels.current

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # What start-up built (routes, templates, mappings) lives as long as the process: frozen
        # out of the collector, so a full collection walks only what requests made (before, it
        # took p99 from 26 to 130 ms). The youngest generation collected every 2 000
        # allocations: at 20 000 (older generations 5 times rarer too) each request's cyclic
        # garbage lived longer and the workers grew 6 MiB more under bench/oscar/compare.py's
        # load; at Python's 700, bench/till.py's sales cost 7 % more CPU.
        gc.collect()
        gc.freeze()
        gc.set_threshold(2_000, 10, 10)
        try:
            async with cluster.broadcasting(settings), scheduler.scheduler(db, settings):
                yield
        finally:
            await scans.flush(db)  # what the trace pages counted since the last write
            await admin.stop()
            await db.dispose()

    app = App(
        route_handlers=[
            *ROUTES,
            admin.handler,
            create_static_files_router(path="/static", directories=[SHOP_DIR / "static"]),
        ],
        dependencies={
            "session": Provide(provide_session),
            "stock": Provide(provide_stock, sync_to_thread=False),
        },
        state=State({"db": db, "settings": settings, "trace_scans": scans, "media": media}),
        lifespan=[lifespan],
        before_request=set_request_language,
        before_send=[remember_language],
        exception_handlers={Exception: exception_handler},
        middleware=[OptionsAllow(), BlankFormFields(), InputGuard(), AuthenticationMiddleware()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            exclude=["^/api/", "^/admin"],
        ),
        template_config=templates,
        openapi_config=OpenAPIConfig(
            title="OCOP Market API",
            version="1",
            path="/schema",
            render_plugins=render_plugins(),
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
        ),
        debug=settings.debug,
    )
    app.sections = Sections(app, after_load=declare_problems, pending=dict(SECTIONS))
    bound_caches(app)
    return app
