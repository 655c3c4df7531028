"""Accounts: who may sign in, how they prove it, and what a signed-in principal is."""
