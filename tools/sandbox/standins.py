"""Stand-ins for extensions the embedded PostgreSQL lacks, so a script goes past ``CREATE
EXTENSION pgcrypto`` / ``"uuid-ossp"`` and the rest of it is checked.

A stand-in defines the extension's commonly used functions, with the same names and
signatures, in plain SQL/PL/pgSQL over built-in functions, in the schema the script asked
for. It is installed only when the script creates the extension and the server does not have
it, and every use is reported as a note naming the stand-in: its functions exist, so the
schema's defaults, checks and function bodies are checked, but their results are not those
of the real extension (except where said: ``digest``/``hmac`` on md5 and SHA-2 and
``uuid_generate_v3`` compute the real values).

What still cannot be checked on the embedded server is listed in :data:`UNCHECKABLE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql


@dataclass(frozen=True, slots=True)
class StandIn:
    extension: str
    functions: tuple[str, ...]
    """What it defines, as the note names it."""
    missing: str
    """What the real extension has and the stand-in does not."""
    body: str
    """SQL with ``{s}`` for the quoted target schema."""

    def note(self, schema: str) -> str:
        return (
            f'extension "{self.extension}" is not in the sandbox: a stand-in was installed in schema '
            f"{schema} ({', '.join(self.functions)}); results are not the real extension's, and "
            f"{self.missing} (--engine system or --sandbox-dsn for the real one)"
        )

    def script(self, schema: str) -> str:
        return self.body.replace("{s}", sql.Identifier(schema).as_string(None))


_UUID_OSSP = """
CREATE FUNCTION {s}.uuid_nil() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
CREATE FUNCTION {s}.uuid_ns_dns() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION {s}.uuid_ns_url() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '6ba7b811-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION {s}.uuid_ns_oid() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '6ba7b812-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION {s}.uuid_ns_x500() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '6ba7b814-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION {s}.uuid_generate_v1() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$ SELECT pg_catalog.uuidv7() $$;
CREATE FUNCTION {s}.uuid_generate_v1mc() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$ SELECT pg_catalog.uuidv7() $$;
CREATE FUNCTION {s}.uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$ SELECT pg_catalog.gen_random_uuid() $$;
CREATE FUNCTION {s}._dbarch_uuid_from_hash(h bytea, version int) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.encode(
    pg_catalog.set_byte(pg_catalog.set_byte(pg_catalog.substr(h, 1, 16),
      6, (pg_catalog.get_byte(h, 6) & 15) | (version << 4)),
      8, (pg_catalog.get_byte(h, 8) & 63) | 128), 'hex')::uuid $$;
CREATE FUNCTION {s}.uuid_generate_v3(namespace uuid, name text) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT {s}._dbarch_uuid_from_hash(pg_catalog.decode(pg_catalog.md5(
    pg_catalog.uuid_send(namespace) || pg_catalog.convert_to(name, 'UTF8')), 'hex'), 3) $$;
CREATE FUNCTION {s}.uuid_generate_v5(namespace uuid, name text) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT {s}._dbarch_uuid_from_hash(pg_catalog.sha256(
    pg_catalog.uuid_send(namespace) || pg_catalog.convert_to(name, 'UTF8')), 5) $$;
"""

_PGCRYPTO = """
CREATE FUNCTION {s}.digest(data bytea, type text) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  CASE pg_catalog.lower(type)
    WHEN 'md5' THEN RETURN pg_catalog.decode(pg_catalog.md5(data), 'hex');
    WHEN 'sha224' THEN RETURN pg_catalog.sha224(data);
    WHEN 'sha256' THEN RETURN pg_catalog.sha256(data);
    WHEN 'sha384' THEN RETURN pg_catalog.sha384(data);
    WHEN 'sha512' THEN RETURN pg_catalog.sha512(data);
    ELSE RAISE EXCEPTION 'digest() stand-in: hash "%" is not available without pgcrypto', type
      USING ERRCODE = '0A000';
  END CASE;
END $$;
CREATE FUNCTION {s}.digest(data text, type text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT {s}.digest(pg_catalog.convert_to(data, 'UTF8'), type) $$;
CREATE FUNCTION {s}.hmac(data bytea, key bytea, type text) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  block int := CASE WHEN pg_catalog.lower(type) IN ('sha384', 'sha512') THEN 128 ELSE 64 END;
  k bytea := key;
  inner_pad bytea;
  outer_pad bytea;
BEGIN
  IF pg_catalog.length(k) > block THEN k := {s}.digest(k, type); END IF;
  k := k || pg_catalog.decode(pg_catalog.repeat('00', block - pg_catalog.length(k)), 'hex');
  inner_pad := k;
  outer_pad := k;
  FOR i IN 0 .. block - 1 LOOP
    inner_pad := pg_catalog.set_byte(inner_pad, i, pg_catalog.get_byte(k, i) # 54);
    outer_pad := pg_catalog.set_byte(outer_pad, i, pg_catalog.get_byte(k, i) # 92);
  END LOOP;
  RETURN {s}.digest(outer_pad || {s}.digest(inner_pad || data, type), type);
END $$;
CREATE FUNCTION {s}.hmac(data text, key text, type text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT {s}.hmac(pg_catalog.convert_to(data, 'UTF8'), pg_catalog.convert_to(key, 'UTF8'), type) $$;
CREATE FUNCTION {s}.gen_random_bytes(count integer) RETURNS bytea
  LANGUAGE sql VOLATILE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.decode(pg_catalog.string_agg(pg_catalog.lpad(pg_catalog.to_hex(
    pg_catalog.floor(pg_catalog.random() * 256)::int), 2, '0'), ''), 'hex')
  FROM pg_catalog.generate_series(1, count) $$;
CREATE FUNCTION {s}._dbarch_salt_chars(n integer) RETURNS text
  LANGUAGE sql VOLATILE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.string_agg(pg_catalog.substr(
    './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    1 + pg_catalog.floor(pg_catalog.random() * 64)::int, 1), '')
  FROM pg_catalog.generate_series(1, n) $$;
CREATE FUNCTION {s}.gen_salt(type text, iter_count integer) RETURNS text
  LANGUAGE plpgsql VOLATILE STRICT PARALLEL SAFE AS $$
BEGIN
  CASE pg_catalog.lower(type)
    WHEN 'bf' THEN RETURN '$2a$' || pg_catalog.lpad(iter_count::text, 2, '0') || '$' || {s}._dbarch_salt_chars(22);
    WHEN 'md5' THEN RETURN '$1$' || {s}._dbarch_salt_chars(8);
    WHEN 'xdes' THEN RETURN '_J9..' || {s}._dbarch_salt_chars(4);
    WHEN 'des' THEN RETURN {s}._dbarch_salt_chars(2);
    ELSE RAISE EXCEPTION 'gen_salt: unknown salt algorithm "%"', type USING ERRCODE = '22023';
  END CASE;
END $$;
CREATE FUNCTION {s}.gen_salt(type text) RETURNS text
  LANGUAGE sql VOLATILE STRICT PARALLEL SAFE AS $$ SELECT {s}.gen_salt(type, 6) $$;
CREATE FUNCTION {s}.crypt(password text, salt text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  prefix text;
  size int;
BEGIN
  IF salt LIKE '$2_$%' THEN prefix := pg_catalog.substr(salt, 1, 29); size := 31;
  ELSIF salt LIKE '$1$%' THEN prefix := pg_catalog.substring(salt, '^\\$1\\$[^$]{0,8}\\$?'); size := 22;
  ELSIF salt LIKE '\\_%' THEN prefix := pg_catalog.substr(salt, 1, 9); size := 11;
  ELSE prefix := pg_catalog.substr(salt, 1, 2); size := 11;
  END IF;
  RETURN prefix || pg_catalog.translate(pg_catalog.substr(pg_catalog.encode(pg_catalog.sha256(
    pg_catalog.convert_to(prefix || password, 'UTF8')), 'base64'), 1, size), '+=', './');
END $$;
CREATE FUNCTION {s}.armor(data bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT pg_catalog.encode(data, 'base64') $$;
CREATE FUNCTION {s}.dearmor(data text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT pg_catalog.decode(data, 'base64') $$;
CREATE FUNCTION {s}.pgp_sym_encrypt(data text, psw text, options text DEFAULT '') RETURNS bytea
  LANGUAGE sql VOLATILE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.convert_to(data, 'UTF8') $$;
CREATE FUNCTION {s}.pgp_sym_decrypt(msg bytea, psw text, options text DEFAULT '') RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.convert_from(msg, 'UTF8') $$;
"""

STANDINS: dict[str, StandIn] = {
    "uuid-ossp": StandIn(
        "uuid-ossp",
        ("uuid_generate_v1/v1mc (time-ordered uuidv7)", "uuid_generate_v3 (exact)", "uuid_generate_v4",
         "uuid_generate_v5 (SHA-256, not SHA-1)", "uuid_nil", "uuid_ns_dns/url/oid/x500"),
        "uuid_generate_v5 values differ (no SHA-1 in core PostgreSQL)",
        _UUID_OSSP,
    ),
    "pgcrypto": StandIn(
        "pgcrypto",
        ("digest and hmac (exact for md5 and SHA-2)", "crypt", "gen_salt", "gen_random_bytes",
         "armor/dearmor", "pgp_sym_encrypt/decrypt (NOT encrypted)"),
        "sha1 digests, encrypt()/decrypt(), public-key PGP functions and real password hashing are missing",
        _PGCRYPTO,
    ),
}
"""Extensions replaced by a stand-in when the server lacks them."""

UNCHECKABLE: dict[str, str] = {
    "postgis": "PostGIS (geometry/geography types, spatial indexes and functions) is not part of PostgreSQL",
    "icu": "ICU collations (CREATE COLLATION ... provider = icu, nondeterministic collations): the embedded "
    "build has no ICU",
    "xml": "xml values and functions (xmlparse, xpath, XMLTABLE): the embedded build has no libxml",
    "pgcrypto": "real pgcrypto: encrypt()/decrypt(), PGP public-key functions, sha1, true password hashing "
    "(a stand-in covers the common functions)",
    "hypopg": "hypothetical indexes (the advisor builds real indexes in rolled-back transactions instead)",
    "third-party": "other third-party extensions (timescaledb, pg_partman, pg_cron, ...) and untrusted "
    "languages (plpython3u, plperlu)",
}
"""What the embedded sandbox cannot check; ``--engine system`` or ``--sandbox-dsn`` can, when
that server has it."""


def extension_schema(words: list[str]) -> str | None:
    """The ``SCHEMA x`` of a ``CREATE EXTENSION`` statement's words (unquoted), if any."""
    upper = [w.upper() for w in words]
    if "SCHEMA" in upper:
        at = upper.index("SCHEMA")
        if at + 1 < len(words):
            name = words[at + 1].rstrip(";")
            return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
    return None
