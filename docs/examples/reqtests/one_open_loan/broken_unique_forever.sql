-- Broken the other way: UNIQUE on copy_id forbids a second loan even after the first is returned.
CREATE TABLE members (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABLE copies (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    barcode text NOT NULL UNIQUE
);

CREATE TABLE loans (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    copy_id     bigint NOT NULL UNIQUE REFERENCES copies (id),
    member_id   bigint NOT NULL REFERENCES members (id),
    loaned_at   timestamptz NOT NULL DEFAULT now(),
    returned_at timestamptz,
    CONSTRAINT loans_returned_after_loaned CHECK (returned_at IS NULL OR returned_at >= loaned_at)
);
CREATE INDEX loans_member_id ON loans (member_id);
