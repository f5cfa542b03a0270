"""Which tables the admin shows, which columns, and whether they may be edited there.

Reference data is editable. Tables with business rules (certificates, and later stock,
movements, sales, orders, payments) are read-only: their changes go through the admin forms,
which call the same services as the API.
"""

from __future__ import annotations

from admin.admin_table import AdminTable
from admin.config_catalog import CATALOG_TABLES
from admin.config_certification import CERTIFICATION_TABLES
from admin.config_email import EMAIL_TABLES
from admin.config_invoices import INVOICE_TABLES
from admin.config_locations_users import LOCATION_USER_TABLES
from admin.config_online import ONLINE_TABLES
from admin.config_settlement import SETTLEMENT_TABLES
from admin.config_stock import STOCK_TABLES
from admin.config_till import TILL_TABLES

# The admin's menu shows the tables in this order.
TABLES: list[AdminTable] = [
    *CATALOG_TABLES,
    *CERTIFICATION_TABLES,
    *LOCATION_USER_TABLES,
    *STOCK_TABLES,
    *TILL_TABLES,
    *ONLINE_TABLES,
    *INVOICE_TABLES,
    *EMAIL_TABLES,
    *SETTLEMENT_TABLES,
]
