"""Share links: public, read-only, revocable links to one video or one collection, with an optional expiry."""
