-- Double-entry bookkeeping: the postings of a journal entry sum to zero. The check is a
-- deferred constraint trigger: an entry is written one posting at a time and must balance
-- only when the transaction commits.
CREATE TABLE accounts (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE journal_entries (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    posted_at timestamptz NOT NULL DEFAULT now(),
    memo      text NOT NULL
);

CREATE TABLE postings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id   bigint NOT NULL REFERENCES journal_entries (id),
    account_id bigint NOT NULL REFERENCES accounts (id),
    amount     numeric(14, 2) NOT NULL CHECK (amount <> 0)
);
CREATE INDEX postings_entry_id ON postings (entry_id);
CREATE INDEX postings_account_id ON postings (account_id);

CREATE FUNCTION check_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.entry_id ELSE NEW.entry_id END;
    total numeric;
BEGIN
    SELECT coalesce(sum(amount), 0) INTO total FROM postings WHERE entry_id = entry;
    IF total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (sum %)', entry, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER postings_balanced
    AFTER INSERT OR UPDATE OR DELETE ON postings
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();
