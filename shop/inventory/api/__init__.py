"""The stock API under /api/v1, one module per resource: sales points (sales_points.py), a
location's stock and the documents made there (stock.py), receipts, transfers and counts by id
(documents.py). ``shop.app`` registers their controllers in ``ROUTES``.

Public: the list and detail of sales points. Logged in: a location's stock, ledger and
documents, within the user's scope (``shop.inventory.access``): a location outside it
answers 404. Each write is one transaction, committed where the handler ends.
"""
