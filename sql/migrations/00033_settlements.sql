-- +goose Up
-- A settlement statement (报账): what a village owes a shop for a period, from the redemptions
-- themselves. generated → approved (clerk) → countersigned (a different person, a supervisor) →
-- paid; a paid statement never changes.
CREATE TABLE settlements (
    id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id       BIGINT       NOT NULL,
    shop_id          BIGINT       NOT NULL,
    period           CHAR(7)      NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    total_points     BIGINT       NOT NULL,
    total_fen        BIGINT       NOT NULL,
    fund_before_fen  BIGINT       NOT NULL,
    over_fund        BOOLEAN      NOT NULL,
    generated_by     BIGINT       NOT NULL,
    generated_at     DATETIME(6)  NOT NULL,
    approved_by      BIGINT       NULL,
    approved_at      DATETIME(6)  NULL,
    countersigned_by BIGINT       NULL,
    countersigned_at DATETIME(6)  NULL,
    paid_fen         BIGINT       NULL,
    paid_on          DATE         NULL,
    payment_ref      VARCHAR(64)  NOT NULL DEFAULT '',
    UNIQUE KEY uq_settlements_period (shop_id, village_id, period),
    CONSTRAINT fk_settlements_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT fk_settlements_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE settlements;
