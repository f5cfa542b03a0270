"""The application factory: one explicit list of routes, hooks and plugins."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from admin.mount import AdminMount
from shop import cluster, jobs
from shop.accounts import api as accounts_api
from shop.accounts import pages as accounts_pages
from shop.accounts import pages_second_step, pages_security
from shop.accounts.middleware import CSRF_COOKIE, CSRF_HEADER, AuthenticationMiddleware
from shop.catalog import api as catalog_api
from shop.catalog import photos_api
from shop.catalog.queries import Stock
from shop.db import Database, provide_session
from shop.evaluation import registration_api as evaluation_api
from shop.evaluation import sheet_api as evaluation_sheets_api
from shop.evaluation.api import councils as evaluation_councils_api
from shop.evaluation.api import decisions as evaluation_decisions_api
from shop.evaluation.api import scoring as evaluation_scoring_api
from shop.evaluation.pages import coop_dossiers as evaluation_coop_pages
from shop.evaluation.pages import councils as evaluation_council_pages
from shop.evaluation.pages import decisions as evaluation_decision_pages
from shop.evaluation.pages import office_dossiers as evaluation_dossier_pages
from shop.evaluation.pages import office_pipeline as evaluation_pipeline_pages
from shop.evaluation.pages import results as evaluation_result_pages
from shop.evaluation.pages import scoring as evaluation_scoring_pages
from shop.geo import api as geo_api
from shop.health import health
from shop.input_guard import InputGuard
from shop.inventory import availability
from shop.inventory import photos_api as inventory_photos_api
from shop.inventory.api import documents as inventory_documents_api
from shop.inventory.api import sales_points as inventory_sales_points_api
from shop.inventory.api import stock as inventory_stock_api
from shop.inventory.pages import counts as pos_counts
from shop.inventory.pages import documents as pos_documents
from shop.inventory.pages import photo as pos_photo
from shop.inventory.pages import planning as pos_planning
from shop.inventory.pages import stock as pos_stock
from shop.inventory.pages import transfers as pos_transfers
from shop.media.serving import MediaFiles
from shop.media.storage import open_storage
from shop.office import api_people as office_api_people
from shop.office import certificates as office_certificates
from shop.office import imports as office_imports
from shop.office import invoices as office_invoices
from shop.office import pages as office_pages
from shop.office import pages_people as office_people
from shop.office import photos as office_photos
from shop.office import producers as office_producers
from shop.office import products as office_products
from shop.office import sheets as office_sheets
from shop.openapi import OptionsAllow, declare_problems, render_plugins
from shop.orders import labels as order_labels
from shop.orders.api import fulfilments as api_fulfilments
from shop.orders.api import orders as orders_api
from shop.orders.pages import coop as coop_pages
from shop.orders.pages import coop_catalog as coop_catalog_pages
from shop.orders.pages import coop_photos as coop_photo_pages
from shop.orders.pages import orders as orders_pages
from shop.payments import api as payments_api
from shop.payments import methods as payment_methods
from shop.payments import providers as payment_providers
from shop.payments.bank import api as bank_api
from shop.payments.bank import pages as bank_pages
from shop.problems import exception_handler
from shop.programme import api as programme_api
from shop.programme import pages as programme_pages
from shop.reports import api as reports_api
from shop.reports import pages as reports_pages
from shop.settings import Settings
from shop.settlement import api as settlement_api
from shop.settlement import pages as settlement_pages
from shop.storefront import api as storefront_api
from shop.storefront import catalog_pages, seo
from shop.storefront import pages as storefront_pages
from shop.storefront import pages_cart as storefront_pages_cart
from shop.storefront.feeds import pages as feed_pages
from shop.templating import SHOP_DIR
from shop.till import api as till_api
from shop.till import pages as till_pages
from shop.trace import api as trace_api
from shop.trace import pages as trace_pages
from shop.trace.services import ScanCounter
from shop.web import BlankFormFields, remember_language, set_request_language, template_config

ROUTES: list[ControllerRouterHandler] = [
    health,
    accounts_api.AuthController,
    office_api_people.PeopleController,
    catalog_api.ProductController,
    catalog_api.ProducerController,
    catalog_api.CertificateController,
    catalog_api.GroupController,
    photos_api.ProductImageController,
    photos_api.ProducerImageController,
    geo_api.PlaceController,
    inventory_sales_points_api.SalesPointController,
    inventory_stock_api.StockController,
    inventory_documents_api.ReceiptController,
    inventory_documents_api.TransferController,
    inventory_documents_api.CountController,
    inventory_photos_api.SalesPointImageController,
    till_api.TillController,
    till_api.SaleController,
    till_api.ClearanceController,
    storefront_api.CartController,
    storefront_api.ShippingController,
    orders_api.CheckoutController,
    orders_api.OrderController,
    api_fulfilments.FulfilmentController,
    payments_api.StripeWebhookController,
    bank_api.SePayWebhookController,
    bank_api.BankTransferController,
    bank_api.TillTransferController,
    settlement_api.StatementController,
    settlement_api.OfficeStatementController,
    trace_api.TraceController,
    trace_api.LabelController,
    reports_api.ReportController,
    evaluation_sheets_api.SheetController,
    evaluation_api.RoundController,
    evaluation_api.RegistrationController,
    evaluation_councils_api.CouncilController,
    evaluation_scoring_api.ScoreSheetController,
    evaluation_scoring_api.ResultController,
    evaluation_decisions_api.DecisionController,
    programme_api.PlanController,
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
    orders_pages.OfficeOrderPages,
    bank_pages.OfficeBankTransferPages,
    office_invoices.OfficeInvoicePages,
    coop_pages.CoopPages,
    coop_catalog_pages.CoopCatalogPages,
    coop_photo_pages.CoopPhotoPages,
    pos_stock.PosPages,
    pos_documents.ReceivePages,
    pos_documents.WriteOffPages,
    pos_transfers.TransferPages,
    pos_counts.CountPages,
    pos_planning.PlanningPages,
    pos_photo.LocationPhotoPages,
    till_pages.TillPages,
    settlement_pages.CoopStatementPages,
    settlement_pages.OfficeStatementPages,
    trace_pages.TracePages,
    trace_pages.ReceiptLabelPages,
    reports_pages.ReportPages,
    office_pages.OfficeHomePages,
    office_people.OfficePeoplePages,
    office_producers.OfficeProducerPages,
    office_producers.OfficePlacePages,
    office_products.OfficeProductPages,
    office_photos.OfficeProductPhotoPages,
    office_photos.OfficeProducerPhotoPages,
    office_certificates.OfficeCertificatePages,
    office_imports.OfficeImportPages,
    evaluation_coop_pages.CoopEvaluationPages,
    evaluation_pipeline_pages.OfficePipelinePages,
    evaluation_dossier_pages.OfficeDossierPages,
    office_sheets.OfficeSheetPages,
    evaluation_council_pages.OfficeCouncilPages,
    evaluation_scoring_pages.CouncilScoringPages,
    evaluation_result_pages.OfficeResultPages,
    evaluation_decision_pages.OfficeDecisionPages,
    programme_pages.PlanPages,
]


class App(Litestar):
    """Litestar without its pydantic and attrs plugins: the app's types are msgspec structs
    and dataclasses. Pydantic is installed for Piccolo Admin (FastAPI, built apart on the first
    visit of /admin), and Litestar would import it and its plugins into every worker whatever
    the routes use: about 9 MiB each."""

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        return [*plugins, MsgspecDIPlugin()]


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
    templates = template_config()
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
            async with cluster.broadcasting(settings), jobs.scheduler(db, settings):
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
    declare_problems(app)
    return app
