"""The output guard: no application code in an answer, and no database recommendation
without reasons drawn from the requirements.

:func:`strip_app_code` removes fenced blocks in general-purpose languages and ORM model
definitions (SQL, shell backup commands, configuration and diagrams stay) and puts a one-line
note in their place. :func:`unjustified_recommendation` finds a recommended database with none
of the reasoning vocabulary of the role (structure, query patterns, consistency, scale,
read/write ratio); the graph then sends the answer back once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dbarch.agent.answer import blocks

APP_LANGS = frozenset({
    "python", "py", "python3", "javascript", "js", "jsx", "mjs", "typescript", "ts", "tsx",
    "java", "go", "golang", "ruby", "rb", "php", "csharp", "cs", "c#", "kotlin", "kt", "rust",
    "rs", "swift", "scala", "c", "cpp", "c++", "elixir", "ex", "dart", "perl", "lua", "vb",
    "fsharp", "f#", "clojure", "haskell", "groovy", "erb", "vue", "svelte", "prisma",
})
_ORM_MARKERS = re.compile(
    r"models\.Model\b|declarative_base\(|DeclarativeBase\b|mapped_column\(|\bColumn\(\s*(Integer|String|"
    r"ForeignKey)|@Entity\b|@Table\(|@Column\b|sequelize\.define\(|DataTypes\.|@PrimaryGeneratedColumn|"
    r"new\s+Schema\(\s*\{|mongoose\.model\(|ActiveRecord::|<\s*ApplicationRecord|gorm\.Model|"
    r"^\s*model\s+\w+\s*\{",
    re.M,
)
_CODE_MARKERS = re.compile(
    r"^\s*(def |class \w+.*:\s*$|import \w+|from \w+(\.\w+)* import |function \w+\s*\(|const \w+\s*=|"
    r"let \w+\s*=|public (static )?(class|void)|package \w+|func \w+\(|fn \w+\(|module\.exports|"
    r"require\(['\"]|async def |app\.(get|post|route)\()",
    re.M,
)
NOTE = (
    "> _Application code removed by dbarch's output guard: the architect provides the schema, "
    "constraints, SQL and the contract your code should meet; your developers write the code._"
)


@dataclass(frozen=True, slots=True)
class Stripped:
    text: str
    removed: tuple[str, ...]
    """One description per removed block (``python block``, ``ORM model definition``)."""


def strip_app_code(text: str) -> Stripped:
    """``text`` without general-purpose-language blocks and ORM models, each replaced by NOTE."""
    removed: list[str] = []
    out: list[str] = []
    last = 0
    for block in blocks(text):
        reason = _app_reason(block.lang, block.body)
        if reason is None:
            continue
        removed.append(reason)
        out.append(text[last : block.start])
        out.append(NOTE + "\n")
        last = block.end
    if not removed:
        return Stripped(text, ())
    out.append(text[last:])
    return Stripped("".join(out), tuple(removed))


def _app_reason(lang: str, body: str) -> str | None:
    if lang in APP_LANGS:
        return f"{lang} block"
    if lang in ("sql", "postgresql", "pgsql", "plpgsql", "bash", "sh", "shell", "console", "mermaid"):
        return None
    if _ORM_MARKERS.search(body):
        return "ORM model definition"
    if not lang and _CODE_MARKERS.search(body):
        return "unlabelled code block"
    return None


_DATABASES = (
    r"postgres(?:ql)?|mysql|mariadb|sqlite|mongo(?:db)?|redis|dynamodb|cassandra|scylla(?:db)?|"
    r"neo4j|influxdb|timescale(?:db)?|elasticsearch|opensearch|cosmos ?db|couchdb|clickhouse|"
    r"firestore|memcached|cockroach(?:db)?|snowflake|bigquery"
)
_RECOMMEND = re.compile(
    rf"\b(?:use|choose|pick|go with|recommend(?:ed)?|suggest|opt for|switch to|migrate to|"
    rf"best (?:choice|fit|option) (?:is|would be))\s+(?:a\s+|an\s+)?(?P<db>{_DATABASES})\b"
    rf"|\b(?P<db2>{_DATABASES})\s+is\s+(?:the\s+)?(?:best|right|ideal|better|recommended)\b",
    re.I,
)
_REASONS = re.compile(
    r"\b(because|since|as it|given|requirement|requires|need(s|ed)?|acid|consisten(t|cy)|"
    r"transaction|join|query pattern|access pattern|read[- /]heavy|write[- /]heavy|read/write|"
    r"ratio|scale|volume|throughput|latency|rows|relational|referential|integrity|constraint|"
    r"schema flexibility|nested|ttl|relationship|time-series|time series|retention|"
    r"full-text|inverted index|in-memory|cach(e|ing)|lookup)\b",
    re.I,
)
_HYPE = re.compile(r"\b(web[- ]scale|hype|trendy|modern stack|everyone uses|popular|cool|hot new)\b", re.I)


def unjustified_recommendation(text: str) -> str | None:
    """The database recommended without requirement-based reasons, or None.

    The prose is read without code blocks. A recommendation counts as justified when the
    paragraph holding it (or the next one) gives reasons and leans on no hype.
    """
    prose = text
    for block in reversed(blocks(text)):
        prose = prose[: block.start] + "\n\n" + prose[block.end :]
    paragraphs = re.split(r"\n\s*\n", prose)
    for i, para in enumerate(paragraphs):
        match = _RECOMMEND.search(para)
        if match is None:
            continue
        context = para + "\n" + (paragraphs[i + 1] if i + 1 < len(paragraphs) else "")
        if _HYPE.search(context) or not _REASONS.search(context):
            return match.group("db") or match.group("db2")
    return None
