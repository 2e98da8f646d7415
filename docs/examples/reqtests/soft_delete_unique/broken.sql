-- Broken: UNIQUE (email) counts deleted rows too (a deleted address can never come back) and
-- is case-sensitive (Ann@x.org and ann@x.org are two live accounts).
CREATE TABLE accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
