"""Generate a pg_dump-style schema of N tables (used by the benchmarks)."""

from __future__ import annotations

import random
import sys

HEADER = """--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET client_min_messages = warning;
SET default_tablespace = '';
SET default_table_access_method = heap;
"""


def pg_dump_schema(tables: int = 200, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = [HEADER]
    tail: list[str] = []
    for i in range(tables):
        name = f"public.t{i:03d}"
        cols = [
            "    id bigint NOT NULL",
            "    name character varying(200) NOT NULL",
            "    amount numeric(12,2) DEFAULT 0 NOT NULL",
            "    created_at timestamp with time zone DEFAULT now() NOT NULL",
            "    payload jsonb",
        ]
        parent = rnd.randrange(i) if i else None
        if parent is not None:
            cols.append(f"    t{parent:03d}_id bigint NOT NULL")
        out.append(f"CREATE TABLE {name} (\n" + ",\n".join(cols) + "\n);\n")
        out.append(f"ALTER TABLE {name} OWNER TO app;\n")
        out.append(
            f"ALTER TABLE {name} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n"
            f"    SEQUENCE NAME {name}_id_seq\n    START WITH 1\n    INCREMENT BY 1\n"
            "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);\n"
        )
        tail.append(f"ALTER TABLE ONLY {name}\n    ADD CONSTRAINT t{i:03d}_pkey PRIMARY KEY (id);\n")
        tail.append(f"CREATE INDEX t{i:03d}_created_idx ON {name} USING btree (created_at);\n")
        if parent is not None:
            tail.append(f"CREATE INDEX t{i:03d}_parent_idx ON {name} USING btree (t{parent:03d}_id);\n")
    fks = []
    rnd = random.Random(seed)
    for i in range(tables):
        parent = rnd.randrange(i) if i else None
        if parent is not None:
            fks.append(
                f"ALTER TABLE ONLY public.t{i:03d}\n    ADD CONSTRAINT t{i:03d}_parent_fkey FOREIGN KEY "
                f"(t{parent:03d}_id) REFERENCES public.t{parent:03d}(id) ON DELETE CASCADE;\n"
            )
    return "\n".join(out + tail + fks + ["GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\n"])


if __name__ == "__main__":
    sys.stdout.write(pg_dump_schema(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
