"""A throwaway PostgreSQL cluster for the tests (``central.testbed``, which the benchmarks use too): ``initdb``
into a temporary folder, ``pg_ctl start`` on 127.0.0.1 and a free port, one fresh database per test,
everything removed at the end."""

from __future__ import annotations

from central.testbed import PostgresCluster, find_pg_bin, free_port

__all__ = ["PostgresCluster", "find_pg_bin", "free_port"]
