"""The dashboard's rollups: counts per WIB day, area and pillar kept by triggers in the
transactions that change cases and tasks (triggers.py), from one definition of what each
row contributes (statements.py), rebuilt from the facts on demand (rebuild.py), and read
with the deltas not folded yet added in (reading.py)."""
