"""Identity: the NIK encrypted at rest under a rotating key ring, with a blind index for
look-ups (keyring.py, column.py)."""
