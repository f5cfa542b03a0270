"""``python -m shop``: the ``ocop`` command (how ``shop.supervisor`` starts its workers)."""

from shop.cli import main

main()
