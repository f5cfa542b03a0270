"""The stock documents beside the ledger: why stock changed and who agreed to it.

``models`` holds their tables; ``receipts``, ``transfers``, ``counts`` (with
``count_review``) and ``write_offs`` (with returns to producers) each make one kind of
document and change stock through ``shop.inventory.ledger``; ``lines`` reads a document's
lines; ``views`` shows transfers and counts as the API and the pages do.
"""
