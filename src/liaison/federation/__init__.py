"""Federation: node keys and signatures, peers, sync."""
