"""dbarch's verification library: parsing, the schema model, lint, the sandbox, EXPLAIN.

Nothing here knows about language models; a person can use it alone. Every capability is a
function taking its inputs and settings explicitly and returning a typed value with one JSON
form (:func:`to_jsonable`) and a JSON Schema (:func:`json_schema`); ``docs/api.md`` shows each
one. The names below are imported on first use, so ``import dbarch.tools`` costs nothing.

- check: :func:`check_sources` → :class:`CheckResult` (its verdict: ``passed``)
- lint: :func:`lint_sources`, :func:`fix_sources` with a :class:`LintConfig`
- performance: :func:`explain_workload`, :func:`advise_workload`
- data: :func:`generate_data` at :class:`Volumes` (:func:`parse_rows`)
- requirement tests: :func:`load_requirement_tests`, :func:`run_requirement_tests`
- the schema model: :func:`schema_from_sql`, :func:`schema_from_catalog`, :func:`diff_schemas`,
  :func:`schema_to_sql`
- the sandbox: :class:`Sandbox` (a context manager) with :class:`SandboxSettings`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dbarch.tools._lazy import lazy_exports

_EXPORTS = {
    "CheckResult": "dbarch.tools.check",
    "check_sources": "dbarch.tools.check",
    "DbarchError": "dbarch.tools.errors",
    "UsageError": "dbarch.tools.errors",
    "to_jsonable": "dbarch.tools.jsonform",
    "to_json": "dbarch.tools.jsonform",
    "json_schema": "dbarch.tools.jsonform",
    "from_jsonable": "dbarch.tools.jsonform",
    "SqlSource": "dbarch.tools.sql.source",
    "read_sql": "dbarch.tools.sql.source",
    "parse_script": "dbarch.tools.sql.parse",
    "read_queries": "dbarch.tools.sql.queries",
    "transpile_script": "dbarch.tools.sql.transpile",
    "Diagnostic": "dbarch.tools.lint.base",
    "Severity": "dbarch.tools.lint.base",
    "LintConfig": "dbarch.tools.lint.config",
    "load_config": "dbarch.tools.lint.config",
    "read_config": "dbarch.tools.lint.config",
    "LintReport": "dbarch.tools.lint.engine",
    "FixResult": "dbarch.tools.lint.workflow",
    "fix_sources": "dbarch.tools.lint.workflow",
    "lint_sources": "dbarch.tools.lint.workflow",
    "lint_text": "dbarch.tools.lint.workflow",
    "WorkloadAdvice": "dbarch.tools.perf.workload",
    "WorkloadExplanation": "dbarch.tools.perf.workload",
    "advise_workload": "dbarch.tools.perf.workload",
    "explain_workload": "dbarch.tools.perf.workload",
    "QueryReport": "dbarch.tools.perf.explain",
    "explain_query": "dbarch.tools.perf.explain",
    "Advice": "dbarch.tools.perf.advisor",
    "advise": "dbarch.tools.perf.advisor",
    "DatagenResult": "dbarch.tools.datagen",
    "Volumes": "dbarch.tools.datagen",
    "generate_data": "dbarch.tools.datagen",
    "parse_rows": "dbarch.tools.datagen",
    "resolve_volumes": "dbarch.tools.datagen",
    "loaded_database": "dbarch.tools.datagen.loaded",
    "Sandbox": "dbarch.tools.sandbox",
    "SandboxSettings": "dbarch.tools.sandbox",
    "Schema": "dbarch.tools.schema.model",
    "diff_schemas": "dbarch.tools.schema.diff",
    "schema_from_catalog": "dbarch.tools.schema.from_catalog",
    "schema_from_sql": "dbarch.tools.schema.from_sql",
    "schema_to_sql": "dbarch.tools.schema.to_sql",
    "load_requirement_tests": "dbarch.tools.reqtest",
    "run_requirement_tests": "dbarch.tools.reqtest",
    "TestReport": "dbarch.tools.reqtest",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from dbarch.tools.check import (
        CheckResult as CheckResult,
        check_sources as check_sources,
    )
    from dbarch.tools.datagen import (
        DatagenResult as DatagenResult,
        Volumes as Volumes,
        generate_data as generate_data,
        parse_rows as parse_rows,
        resolve_volumes as resolve_volumes,
    )
    from dbarch.tools.datagen.loaded import (
        loaded_database as loaded_database,
    )
    from dbarch.tools.errors import (
        DbarchError as DbarchError,
        UsageError as UsageError,
    )
    from dbarch.tools.jsonform import (
        from_jsonable as from_jsonable,
        json_schema as json_schema,
        to_json as to_json,
        to_jsonable as to_jsonable,
    )
    from dbarch.tools.lint.base import (
        Diagnostic as Diagnostic,
        Severity as Severity,
    )
    from dbarch.tools.lint.config import (
        LintConfig as LintConfig,
        load_config as load_config,
        read_config as read_config,
    )
    from dbarch.tools.lint.engine import (
        LintReport as LintReport,
    )
    from dbarch.tools.lint.workflow import (
        FixResult as FixResult,
        fix_sources as fix_sources,
        lint_sources as lint_sources,
        lint_text as lint_text,
    )
    from dbarch.tools.perf.advisor import (
        Advice as Advice,
        advise as advise,
    )
    from dbarch.tools.perf.explain import (
        QueryReport as QueryReport,
        explain_query as explain_query,
    )
    from dbarch.tools.perf.workload import (
        WorkloadAdvice as WorkloadAdvice,
        WorkloadExplanation as WorkloadExplanation,
        advise_workload as advise_workload,
        explain_workload as explain_workload,
    )
    from dbarch.tools.reqtest import (
        TestReport as TestReport,
        load_requirement_tests as load_requirement_tests,
        run_requirement_tests as run_requirement_tests,
    )
    from dbarch.tools.sandbox import (
        Sandbox as Sandbox,
        SandboxSettings as SandboxSettings,
    )
    from dbarch.tools.schema.diff import (
        diff_schemas as diff_schemas,
    )
    from dbarch.tools.schema.from_catalog import (
        schema_from_catalog as schema_from_catalog,
    )
    from dbarch.tools.schema.from_sql import (
        schema_from_sql as schema_from_sql,
    )
    from dbarch.tools.schema.model import (
        Schema as Schema,
    )
    from dbarch.tools.schema.to_sql import (
        schema_to_sql as schema_to_sql,
    )
    from dbarch.tools.sql.parse import (
        parse_script as parse_script,
    )
    from dbarch.tools.sql.queries import (
        read_queries as read_queries,
    )
    from dbarch.tools.sql.source import (
        SqlSource as SqlSource,
        read_sql as read_sql,
    )
    from dbarch.tools.sql.transpile import (
        transpile_script as transpile_script,
    )
