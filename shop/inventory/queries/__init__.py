"""Reading stock, never changing it: ``stock`` (a location's stock list, its ledger and the
products' references), ``shelf`` (near-expiry lots, the OCOP and local share) and
``suggestions`` (the products offered while a person types in a stock form).
"""
