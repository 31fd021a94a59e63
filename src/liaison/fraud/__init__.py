"""The immigration pillar: visa-application records, entity resolution, fraud rings and
privacy-preserving cross-border matching."""
