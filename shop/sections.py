"""The parts of the app a worker builds on their first request: the API, the office's pages, the
sales points' pages, the cooperatives' pages and the reports.

A worker builds the storefront (``shop.app.ROUTES``) when it starts. The rest, about 330 of
the app's 384 route handlers and the 150 modules behind them, waits until a request reaches its
path: built at start, it cost each worker 18 MiB, and most workers of a province's storefront
never serve a page of it (issue 20: the server's memory against django-oscar's). Building a
section takes a fraction of a second, once per worker.

A section is registered whole, as Litestar registers routes added after start-up
(``Litestar.register``): the app's middleware, guards, dependencies and error handlers apply to
it as to the storefront. ``/schema`` describes the whole API, so it builds every section first.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass

from litestar import Litestar, Router
from litestar.types import ControllerRouterHandler


def _api() -> list[ControllerRouterHandler]:
    from shop.accounts import api as accounts_api
    from shop.catalog import api as catalog_api
    from shop.catalog import photos_api
    from shop.evaluation import registration_api as evaluation_api
    from shop.evaluation import sheet_api as evaluation_sheets_api
    from shop.evaluation.api import councils as evaluation_councils_api
    from shop.evaluation.api import decisions as evaluation_decisions_api
    from shop.evaluation.api import scoring as evaluation_scoring_api
    from shop.geo import api as geo_api
    from shop.inventory import photos_api as inventory_photos_api
    from shop.inventory.api import documents as inventory_documents_api
    from shop.inventory.api import sales_points as inventory_sales_points_api
    from shop.inventory.api import stock as inventory_stock_api
    from shop.office import api_people as office_api_people
    from shop.orders.api import fulfilments as api_fulfilments
    from shop.orders.api import orders as orders_api
    from shop.payments import api as payments_api
    from shop.payments.bank import api as bank_api
    from shop.programme import api as programme_api
    from shop.reports import api as reports_api
    from shop.settlement import api as settlement_api
    from shop.storefront import api as storefront_api
    from shop.till import api as till_api
    from shop.trace import api as trace_api

    return [
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
    ]


def _office() -> list[ControllerRouterHandler]:
    from shop.evaluation.pages import councils as evaluation_council_pages
    from shop.evaluation.pages import decisions as evaluation_decision_pages
    from shop.evaluation.pages import office_dossiers as evaluation_dossier_pages
    from shop.evaluation.pages import office_pipeline as evaluation_pipeline_pages
    from shop.evaluation.pages import results as evaluation_result_pages
    from shop.evaluation.pages import scoring as evaluation_scoring_pages
    from shop.office import certificates as office_certificates
    from shop.office import imports as office_imports
    from shop.office import invoices as office_invoices
    from shop.office import pages as office_pages
    from shop.office import pages_people as office_people
    from shop.office import photos as office_photos
    from shop.office import producers as office_producers
    from shop.office import products as office_products
    from shop.office import sheets as office_sheets
    from shop.orders.pages import orders as orders_pages
    from shop.payments.bank import pages as bank_pages
    from shop.programme import pages as programme_pages
    from shop.settlement import pages as settlement_pages

    return [
        office_pages.OfficeHomePages,
        orders_pages.OfficeOrderPages,
        bank_pages.OfficeBankTransferPages,
        office_invoices.OfficeInvoicePages,
        settlement_pages.OfficeStatementPages,
        office_people.OfficePeoplePages,
        office_producers.OfficeProducerPages,
        office_producers.OfficePlacePages,
        office_products.OfficeProductPages,
        office_photos.OfficeProductPhotoPages,
        office_photos.OfficeProducerPhotoPages,
        office_certificates.OfficeCertificatePages,
        office_imports.OfficeImportPages,
        evaluation_pipeline_pages.OfficePipelinePages,
        evaluation_dossier_pages.OfficeDossierPages,
        office_sheets.OfficeSheetPages,
        evaluation_council_pages.OfficeCouncilPages,
        evaluation_scoring_pages.CouncilScoringPages,
        evaluation_result_pages.OfficeResultPages,
        evaluation_decision_pages.OfficeDecisionPages,
        programme_pages.PlanPages,
    ]


def _sales_points() -> list[ControllerRouterHandler]:
    from shop.inventory.pages import counts as pos_counts
    from shop.inventory.pages import documents as pos_documents
    from shop.inventory.pages import photo as pos_photo
    from shop.inventory.pages import planning as pos_planning
    from shop.inventory.pages import stock as pos_stock
    from shop.inventory.pages import transfers as pos_transfers
    from shop.till import pages as till_pages
    from shop.trace import pages as trace_pages

    return [
        pos_stock.PosPages,
        pos_documents.ReceivePages,
        pos_documents.WriteOffPages,
        pos_transfers.TransferPages,
        pos_counts.CountPages,
        pos_planning.PlanningPages,
        pos_photo.LocationPhotoPages,
        till_pages.TillPages,
        trace_pages.ReceiptLabelPages,
    ]


def _cooperatives() -> list[ControllerRouterHandler]:
    from shop.evaluation.pages import coop_dossiers as evaluation_coop_pages
    from shop.orders.pages import coop as coop_pages
    from shop.orders.pages import coop_catalog as coop_catalog_pages
    from shop.orders.pages import coop_photos as coop_photo_pages
    from shop.settlement import pages as settlement_pages

    return [
        coop_pages.CoopPages,
        coop_catalog_pages.CoopCatalogPages,
        coop_photo_pages.CoopPhotoPages,
        settlement_pages.CoopStatementPages,
        evaluation_coop_pages.CoopEvaluationPages,
    ]


def _reports() -> list[ControllerRouterHandler]:
    from shop.reports import pages as reports_pages

    return [reports_pages.ReportPages]


# Each section by the first segment of its paths: a route of a section lives under its prefix.
SECTIONS: dict[str, Callable[[], list[ControllerRouterHandler]]] = {
    "/api": _api,
    "/office": _office,
    "/pos": _sales_points,
    "/coop": _cooperatives,
    "/reports": _reports,
}
WHOLE_APP = "/schema"  # the OpenAPI document and its viewers: every section's routes


@dataclass
class Sections:
    """The sections ``app`` has not built yet; ``after_load`` runs once a section is built
    (the API's problem answers are declared on its routes)."""

    app: Litestar
    after_load: Callable[[Litestar], None]
    pending: dict[str, Callable[[], list[ControllerRouterHandler]]]

    def __post_init__(self) -> None:
        self._prefixes = (*self.pending, WHOLE_APP)

    def ensure(self, path: str) -> None:
        """Build the section ``path`` belongs to, if it is not built yet. Synchronous on purpose:
        no other request of this worker runs until its routes are all in place."""
        if not self.pending or not path.startswith(self._prefixes):
            return  # most requests: the storefront's
        prefix = "/" + path.split("/", 2)[1]
        if prefix == WHOLE_APP:
            self.load_all()
        elif prefix in self.pending:
            self._load([prefix])

    def load_all(self) -> None:
        self._load(list(self.pending))

    def _load(self, prefixes: list[str]) -> None:
        """Build the sections of ``prefixes``; one that fails to import stays pending, so its
        next request fails the same way (a 500 with its cause logged), not as a 404."""
        if not prefixes:
            return
        handlers = [handler for prefix in prefixes for handler in self.pending[prefix]()]
        self.app.register(Router(path="/", route_handlers=handlers))
        for prefix in prefixes:
            del self.pending[prefix]
        self.after_load(self.app)
        if gc.get_freeze_count():
            # Like what start-up built (shop.app's lifespan), the section lives as long as the
            # process: kept out of the collector's full walks.
            gc.freeze()
