-- +goose Up
-- The monthly review meeting (月积分评议会) of a village: attendance and the final approval.
CREATE TABLE review_meetings (
    id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id  BIGINT      NOT NULL,
    month       CHAR(7)     NOT NULL,
    status      VARCHAR(16) NOT NULL,
    held_on     DATE        NOT NULL,
    attendance  TEXT        NOT NULL,
    opened_by   BIGINT      NOT NULL,
    approved_by BIGINT      NULL,
    approved_at DATETIME(6) NULL,
    created_at  DATETIME(6) NOT NULL,
    UNIQUE KEY uq_review_meetings_month (village_id, month),
    CONSTRAINT fk_review_meetings_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE review_meetings;
