-- +goose Up
-- A villager's objection to a dividend on notice, answered by a supervisor of the village; an
-- upheld objection withdraws the dividend, and no share is paid while one is open.
CREATE TABLE dividend_objections (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dividend_id  BIGINT       NOT NULL,
    household_id BIGINT       NOT NULL,
    objected_by  BIGINT       NOT NULL,
    reason       VARCHAR(2000) NOT NULL,
    objected_at  DATETIME(6)  NOT NULL,
    upheld       BOOLEAN      NULL,
    answer       VARCHAR(2000) NOT NULL DEFAULT '',
    answered_by  BIGINT       NULL,
    answered_at  DATETIME(6)  NULL,
    KEY ix_dividend_objections_dividend (dividend_id, id),
    CONSTRAINT fk_dividend_objections_dividend FOREIGN KEY (dividend_id) REFERENCES dividends (id),
    CONSTRAINT fk_dividend_objections_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT fk_dividend_objections_person FOREIGN KEY (objected_by) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE dividend_objections;
