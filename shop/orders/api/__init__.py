"""The orders API under /api/v1: checkout and tracking (orders.py), the fulfilment queue (fulfilments.py)."""
