-- +goose Up
-- Star households (星级文明户): the rule book states the year's criteria (points earned in the
-- year, no black-list penalty, an honour); a yearly evaluation proposes the stars, which go on
-- the public notice, where a villager may object and the supervision answers.
ALTER TABLE rule_books ADD COLUMN star_min_points BIGINT NULL, ADD COLUMN star_clean_record BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN star_honour BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE star_households (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id   BIGINT       NOT NULL,
    year         INT          NOT NULL,
    household_id BIGINT       NOT NULL,
    points       BIGINT       NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    proposed_by  BIGINT       NOT NULL,
    proposed_at  DATETIME(6)  NOT NULL,
    notice_until DATETIME(6)  NOT NULL,
    objection    VARCHAR(500) NOT NULL DEFAULT '',
    objected_by  BIGINT       NULL,
    objected_at  DATETIME(6)  NULL,
    answer       VARCHAR(500) NOT NULL DEFAULT '',
    answered_by  BIGINT       NULL,
    answered_at  DATETIME(6)  NULL,
    UNIQUE KEY uq_star_households (village_id, year, household_id),
    CONSTRAINT fk_star_households_household FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE star_households;
ALTER TABLE rule_books DROP COLUMN star_min_points, DROP COLUMN star_clean_record, DROP COLUMN star_honour;
