"""The sales-point screens under /pos/: ``stock`` (a location's stock, ledger and near-expiry
goods), ``documents`` (receiving, writing off), ``transfers``, ``counts`` and ``planning``
(reorder, end of fair), with what they share in ``base`` (the frame, who is asking) and
``forms`` (rows as typed, errors back on their line). Every write calls the same services
as the API.
"""
