-- +goose Up
-- Objections to a household's size on the notice (a new household, or a change of size): while
-- one is open the size does not count; a supervisor or the township answers, and an upheld one
-- withdraws the size.
CREATE TABLE household_size_objections (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    size_id     BIGINT       NOT NULL,
    village_id  BIGINT       NOT NULL,
    objector_id BIGINT       NOT NULL,
    reason      VARCHAR(255) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    answer      VARCHAR(255) NOT NULL DEFAULT '',
    answered_by BIGINT       NULL,
    created_at  DATETIME(6)  NOT NULL,
    answered_at DATETIME(6)  NULL,
    KEY ix_household_size_objections_size (size_id, status),
    CONSTRAINT fk_household_size_objections_size FOREIGN KEY (size_id) REFERENCES household_sizes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE household_size_objections;
