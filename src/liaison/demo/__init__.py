"""Synthetic demonstration data and the demo commands. No real person's data."""
