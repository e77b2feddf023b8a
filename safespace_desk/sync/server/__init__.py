"""The sync server: a FastAPI app over its own database (PostgreSQL, or an SQLite file for one site).

It holds, per site: the devices enrolled and the hashes of their tokens, one-time enrolment codes, the
change log (every accepted operation with its position (epoch, n)), the current state of each record
as the sealed row changes that still count (for a joining desk's snapshot), the sealed key-slot set,
and each desk's audit chain head. It never holds a key that opens guest data.
"""
