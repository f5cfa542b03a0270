"""OCOP Market: the software that runs Vietnam's OCOP shops."""
