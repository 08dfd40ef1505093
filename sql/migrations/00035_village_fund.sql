-- +goose Up
-- Money the village puts into its supermarket fund (运转经费); settlements are paid from it.
CREATE TABLE village_fund (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id BIGINT       NOT NULL,
    amount_fen BIGINT       NOT NULL,
    note       VARCHAR(255) NOT NULL,
    created_by BIGINT       NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    KEY ix_village_fund_village (village_id),
    CONSTRAINT fk_village_fund_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT ck_village_fund_amount CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE village_fund;
