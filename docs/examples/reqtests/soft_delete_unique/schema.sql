-- Accounts are soft-deleted (deleted_at is set, the row stays). An e-mail address is unique
-- among live accounts, case-insensitively; a deleted account's address can be registered again.
CREATE TABLE accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL CHECK (email LIKE '%_@_%'),
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE UNIQUE INDEX accounts_live_email ON accounts (lower(email)) WHERE deleted_at IS NULL;
