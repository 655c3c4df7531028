"""The transactional outbox: store.py writes and claims events, relay.py publishes them
and sweeps up what nobody consumed."""
