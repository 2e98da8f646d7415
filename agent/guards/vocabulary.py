"""Word lists of the input and output guards: languages, frameworks, ORMs, application
artefacts, database vocabulary and clearly off-topic subjects.

Patterns are matched on lower-cased prose with pasted SQL, code blocks and comments removed
(those are data, never instructions). Each pattern is a regular expression fragment.
"""

from __future__ import annotations

import re

LANGUAGES = (
    "python", "javascript", "typescript", "java", "golang", "ruby", "php", "c#", "csharp",
    "kotlin", "rust", "swift", "scala", "node.js", "nodejs", "c\\+\\+", "elixir", "perl",
    "dart", "clojure", "haskell", "f#", "visual basic", "vb.net", "objective-c", "lua",
)
"""General-purpose languages (``go`` is matched only as ``golang`` or ``in go``)."""

FRAMEWORKS = (
    "django", "flask", "fastapi", "rails", "ruby on rails", "spring boot", "spring", "express",
    "express.js", "nestjs", "nest.js", "laravel", "symfony", "react", "vue", "angular", "svelte",
    "next.js", "nextjs", "nuxt", "asp.net", ".net", "blazor", "phoenix", "gin", "fiber", "ktor",
    "micronaut", "quarkus", "sinatra", "koa", "hapi", "streamlit", "android", "ios", "flutter",
)

ORMS = (
    "sqlalchemy", "hibernate", "jpa", "sequelize", "typeorm", "prisma", "activerecord",
    "active record", "entity framework", "ef core", "gorm", "mongoose", "eloquent", "doctrine",
    "django orm", "peewee", "drizzle", "mikro-orm", "objection.js", "tortoise orm", "sqlmodel",
    "orm",
)

APP_ARTEFACTS = (
    r"(rest(ful)? )?api endpoints?", r"endpoints?", r"api routes?", r"routes? handlers?",
    r"controllers?", r"request handlers?", r"middleware", r"graphql resolvers?", r"resolvers?",
    r"front-?end", r"user interface", r"ui components?", r"web pages?", r"landing page",
    r"login (page|form|screen|flow)", r"sign-?up (page|form|flow)", r"react components?",
    r"components?", r"business logic", r"microservices?", r"service class(es)?",
    r"(orm |entity |model )class(es)?", r"orm models?", r"serializers?", r"dtos?",
    r"repository class(es)?", r"unit tests? for (my|our|the) (app|code|service)", r"web app",
    r"mobile app", r"rest api", r"crud api", r"backend (code|service)", r"websocket server",
    r"lambda function",
    r"(bash|shell) completion", r"http server", r"web server",
)
"""Things an application developer builds (never the data layer)."""

CODE_NOUNS = (
    r"code", r"script", r"program", r"function", r"class(es)?", r"app", r"application",
    r"module", r"snippet", r"library", r"package", r"algorithm", r"game", r"website",
    r"bot", r"cli( tool)?", r"method", r"implementation", r"service", r"backend", r"server",
)

DB_TERMS = (
    r"sql", r"ddl", r"dml", r"schemas?", r"tables?", r"columns?", r"rows?", r"indexe?s?",
    r"indices", r"views?", r"materiali[sz]ed views?", r"triggers?", r"pl/?pgsql", r"plpgsql",
    r"stored procedures?", r"procedures?", r"constraints?", r"foreign keys?", r"primary keys?",
    r"unique keys?", r"check constraints?", r"migrations?", r"backups?", r"back up",
    r"restore", r"pg_dump", r"pg_dumpall", r"pg_restore", r"pg_basebackup", r"wal", r"pitr",
    r"point-in-time", r"disaster recovery", r"replicas?", r"replication", r"partition(s|ing|ed)?",
    r"shard(s|ing|ed)?", r"explain( analy[sz]e)?", r"query plans?", r"quer(y|ies)",
    r"normali[sz](e|ed|ation)", r"denormali[sz](e|ed|ation)", r"3nf", r"erd", r"er diagram",
    r"entity[- ]relationship", r"entit(y|ies)", r"relationships?", r"data ?models?",
    r"data modell?ing", r"postgres(ql)?", r"mysql", r"mariadb", r"sqlite", r"mongo(db)?",
    r"redis", r"dynamodb", r"cassandra", r"neo4j", r"cypher", r"influxdb", r"timescale(db)?",
    r"elasticsearch", r"opensearch", r"cosmos ?db", r"couchdb", r"clickhouse", r"snowflake",
    r"bigquery", r"oracle", r"sql server", r"databases?", r"db", r"rdbms", r"nosql",
    r"isolation levels?", r"transactions?", r"acid", r"deadlocks?", r"locks?", r"locking",
    r"vacuum", r"autovacuum", r"bloat", r"postgresql\.conf", r"work_mem", r"shared_buffers",
    r"connection pool(ing|er)?", r"pgbouncer", r"collections?", r"documents? store",
    r"json schema", r"validators?", r"ttl", r"key (layout|design|schema)s?", r"time-series",
    r"time series", r"retention", r"hypertables?", r"graph model", r"nodes and edges", r"labels",
    r"cardinality", r"uuid", r"bigint", r"serial", r"identity column", r"sequences?",
    r"store (the|our|my|user|customer)", r"storing", r"persist(ence|ing)?", r"data integrity",
    r"referential integrity", r"upsert", r"joins?", r"n\+1", r"select \*", r"cte",
    r"window functions?", r"full-text search", r"tsvector", r"gin index", r"btree", r"b-tree",
    r"data warehouse", r"star schema", r"olap", r"oltp", r"cdc", r"change data capture",
    r"audit (log|trail|table)", r"soft delete", r"multi-tenant", r"tenancy", r"row-level security",
    r"rls", r"grants?", r"roles?", r"privileges?", r"zero-downtime", r"expand[/ -]contract",
    r"backfill", r"read replicas?", r"failover", r"high availability", r"slow (query|queries)",
    r"pg_stat_statements", r"cache (layer|invalidation)", r"caching", r"data types?",
)

DATA_NOUNS = (
    r"sql", r"schemas?", r"tables?", r"columns?", r"rows?", r"quer(y|ies)", r"databases?", r"db",
    r"rdbms", r"data ?models?", r"entit(y|ies)", r"relationships?", r"joins?", r"collections?",
    r"documents? store", r"postgres(ql)?", r"mysql", r"mariadb", r"sqlite", r"mongo(db)?", r"redis",
    r"dynamodb", r"cassandra", r"oracle", r"sql server", r"storing", r"persist(ence|ing)?",
)
"""Database words that name what application code works on (its tables, its queries, the
database it talks to). Next to a request for application code they describe that code
("an Express route that queries Postgres", "entities for our orders tables") and ask for no
database work; every other database term (index, migration, trigger, backup...) still does."""

OFF_TOPIC = (
    r"weather", r"recipe", r"poem", r"haiku", r"joke", r"song", r"lyrics", r"movie", r"film",
    r"novel", r"short story", r"bedtime story", r"horoscope", r"football", r"soccer",
    r"basketball", r"capital of", r"translate", r"vacation", r"holiday plans?", r"dating",
    r"diet", r"workout", r"symptoms?", r"diagnos(e|is)", r"cover letter", r"resume", r"essay",
    r"birthday", r"gift ideas?", r"stock tips?", r"crypto(currency)? price", r"tell me about yourself",
    r"css", r"stylesheets?", r"navbar", r"flexbox",
)


def alternation(words: tuple[str, ...], *, escape: bool = False) -> str:
    items = sorted((re.escape(w) if escape else w for w in words), key=len, reverse=True)
    return "(?:" + "|".join(items) + ")"
