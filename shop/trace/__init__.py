"""Traceability: the public page a pack's QR code opens, and the codes themselves."""
