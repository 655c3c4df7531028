"""Service gaps by region (issue 26): the counts per area and pillar, read from the
dashboard's rollups and the facts (read.py), for the dashboard (services/intake/dashboard)
and the weekly digest to province supervisors (services/notify/gap_digest.py)."""
