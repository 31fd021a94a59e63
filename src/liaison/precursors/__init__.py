"""The drugs pillar: controlled-precursor reference data, shipment screening and incidents."""
