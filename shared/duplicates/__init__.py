"""Two reports of one person: found when a referral arrives (find.py), dismissed or merged
by a supervisor (resolve.py, merge.py)."""
