"""The manager's desk: members, cards, corrections, duplicates, audit, program, privacy, the inbox."""
