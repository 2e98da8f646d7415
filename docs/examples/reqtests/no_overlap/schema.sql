-- Rooms are booked for time ranges; two bookings of one room never overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- lets a GiST index compare room_id with =

CREATE TABLE rooms (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE bookings (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id bigint NOT NULL REFERENCES rooms (id),
    during  tstzrange NOT NULL,
    CONSTRAINT bookings_during_not_empty CHECK (NOT isempty(during)),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
