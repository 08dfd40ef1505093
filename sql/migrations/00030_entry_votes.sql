-- +goose Up
-- Party members' votes on honour entries: one vote per member and entry.
CREATE TABLE entry_votes (
    entry_id   BIGINT      NOT NULL,
    person_id  BIGINT      NOT NULL,
    vote       VARCHAR(8)  NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (entry_id, person_id),
    CONSTRAINT fk_entry_votes_entry FOREIGN KEY (entry_id) REFERENCES point_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE entry_votes;
