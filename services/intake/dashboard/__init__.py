"""The supervisors' dashboard: pure measures (measures.py) and the SQL that feeds them
(queries.py). The routes are in services/intake/dashboard/routes.py."""
