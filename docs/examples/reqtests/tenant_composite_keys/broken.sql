-- Broken: tasks reference projects by id alone; a task can point at another tenant's project.
CREATE TABLE tenants (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE projects (
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      text NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE tasks (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id),
    title      text NOT NULL
);
