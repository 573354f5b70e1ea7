"""The admin dashboard's data: spend and counts per day, user, provider and model; job health; storage; ledger."""
