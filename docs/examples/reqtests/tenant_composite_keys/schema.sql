-- Tenant isolation by composite keys: every child row carries tenant_id, and its foreign key
-- includes it, so a task can only point at a project of its own tenant.
CREATE TABLE tenants (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE projects (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    id        bigint GENERATED ALWAYS AS IDENTITY,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE tasks (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    project_id bigint NOT NULL,
    title      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)
);
