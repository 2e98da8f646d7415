-- Broken: the overlap rule is only a comment; nothing enforces it.
CREATE TABLE rooms (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE bookings (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id bigint NOT NULL REFERENCES rooms (id),
    during  tstzrange NOT NULL,  -- "bookings never overlap" (enforced by the application)
    CONSTRAINT bookings_during_not_empty CHECK (NOT isempty(during))
);
CREATE INDEX bookings_room_during ON bookings USING gist (during);
