-- +goose Up
-- A village's exchange standard (兑换标准): what one point is worth in fen when the village pays a
-- shop back, and how far a goods item's agreed price may stray from points × fen_per_point.
-- Proposed by the clerk, approved (or rejected) by a supervisor; an approval supersedes the previous
-- standard. Rows are never deleted: they are the history.
CREATE TABLE exchange_standards (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id    BIGINT       NOT NULL,
    fen_per_point INT          NOT NULL,
    tolerance_pct INT          NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    note          VARCHAR(255) NOT NULL DEFAULT '',
    proposed_by   BIGINT       NOT NULL,
    proposed_at   DATETIME(6)  NOT NULL,
    decided_by    BIGINT       NULL,
    decided_at    DATETIME(6)  NULL,
    decision_note VARCHAR(255) NOT NULL DEFAULT '',
    KEY ix_exchange_standards_village (village_id, status),
    CONSTRAINT fk_exchange_standards_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT ck_exchange_standards_rate CHECK (fen_per_point BETWEEN 1 AND 100000 AND tolerance_pct BETWEEN 0 AND 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE exchange_standards;
