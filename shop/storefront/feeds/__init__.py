"""Shopping feeds: what Google Merchant Center and Meta Commerce Manager fetch to list the shop's
products, and Google's local inventory per sales point ("in stock at Điểm bán OCOP Na Rì").

``rows`` reads the sellable products and their stock in one streamed pass; ``fields`` turns a
product into the feeds' values; ``google`` and ``meta`` write the formats; ``files`` keeps the
generated files under ``var/feeds/`` and regenerates them when stock or certificates change;
``pages`` serves them under ``/feeds/``.
"""
