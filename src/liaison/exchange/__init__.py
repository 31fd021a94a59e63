"""Liaison workflows on top of sharing: requests for information, evaluations, exchange figures."""
