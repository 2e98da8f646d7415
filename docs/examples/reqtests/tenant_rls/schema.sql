-- Multi-tenant projects: a session sees and writes only its own tenant's rows. The tenant is
-- a setting the application sets per transaction: SELECT set_config('app.tenant_id', '42', true).
--
-- FORCE ROW LEVEL SECURITY matters: without it the table's owner (often the role the
-- application connects as, and the sandbox role here) bypasses every policy.
CREATE TABLE tenants (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE projects (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    name      text NOT NULL,
    UNIQUE (tenant_id, name)
);

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;

CREATE POLICY projects_tenant_isolation ON projects
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::bigint);
