"""The till (POS) of a sales point: sales, payments, receipts, returns and shifts."""
