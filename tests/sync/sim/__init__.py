"""A seeded, deterministic simulation of a store's tills and the central service (docs/sync.md, "Tests").

Real till stores (SQLite files), the real till services and sync engine, and the real central application
(in-process, on SQLite) exchange every request over a simulated network that one ``random.Random`` drives: it
drops, delays, duplicates and reorders requests, loses or delays replies, takes tills offline and kills them
mid-request. Time is a fake clock. The same seed replays the same run, event for event."""
