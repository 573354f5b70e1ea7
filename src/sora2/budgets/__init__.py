"""Budgets: spending limits per user and for the whole instance, held under concurrency."""
