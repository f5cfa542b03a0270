"""Bank transfers confirmed by themselves: a bank or aggregator tells us of each incoming
credit (SePay's webhook today), we find the reference our VietQR codes put in the transfer's
text, and an exact amount pays the till sale or the online order through the services the
manual confirmations use. Anything else waits in the office's list.

Each source is one module that turns its notification into an :class:`~.credits.IncomingCredit`
(``sepay.py``); everything after that knows no source: storing (``intake.py``), matching
(``services.py``) and the office's list (``office.py``).
"""
