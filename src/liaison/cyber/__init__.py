"""The cyber pillar: match shared indicators against network logs and share sightings back."""
