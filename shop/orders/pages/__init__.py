"""The orders' pages: the customer's order page and the office's orders (orders.py), and the
cooperative portal at /coop/ (coop.py: the fulfilment queue; coop_catalog.py: its products
and stock)."""
