"""STIX 2.1: validation, canonical JSON, TLP 2.0 markings and liaison's extension definitions."""
