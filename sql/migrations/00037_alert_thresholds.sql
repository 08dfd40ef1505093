-- +goose Up
-- A village's own thresholds for its alert rules; rules without a row use their defaults.
CREATE TABLE alert_thresholds (
    village_id BIGINT      NOT NULL,
    rule       VARCHAR(32) NOT NULL,
    value      BIGINT      NOT NULL,
    PRIMARY KEY (village_id, rule),
    CONSTRAINT fk_alert_thresholds_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE alert_thresholds;
