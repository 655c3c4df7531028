"""Where Redis is, and clients for it: one Redis server (`redis://`, `rediss://`) or a group
watched by Redis Sentinel (`redis+sentinel://`), for every process and every use (broker,
relay, rate limits, live inbox, health checks).

The Sentinel form names the sentinels, the group (Sentinel's "master name") and the
database: `redis+sentinel://[:password@]host:26379,host:26380,host:26381/sekber/0`. The
password is the Redis servers' (`requirepass`); the sentinels are asked without one, as
kombu and redis-py do by default (keep them on the private network).

The URL is read by `address` (no client library imported: the settings check URLs with
it); `clients` makes the clients.
"""
