-- Broken: a plain index instead of a partial unique one; a copy can be lent twice at once.
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
    copy_id     bigint NOT NULL REFERENCES copies (id),
    member_id   bigint NOT NULL REFERENCES members (id),
    loaned_at   timestamptz NOT NULL DEFAULT now(),
    returned_at timestamptz,
    CONSTRAINT loans_returned_after_loaned CHECK (returned_at IS NULL OR returned_at >= loaned_at)
);
CREATE INDEX loans_copy_id ON loans (copy_id) WHERE returned_at IS NULL;
CREATE INDEX loans_member_id ON loans (member_id);
