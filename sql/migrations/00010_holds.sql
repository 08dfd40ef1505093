-- +goose Up
-- A pending transfer. status moves pending -> captured | released only by compare-and-set.
CREATE TABLE holds (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id        BIGINT       NOT NULL,
    debit_account_id  BIGINT       NOT NULL,
    credit_account_id BIGINT       NOT NULL,
    amount            BIGINT       NOT NULL,
    kind              VARCHAR(32)  NOT NULL,
    reason            VARCHAR(255) NOT NULL,
    ref_type          VARCHAR(32)  NOT NULL DEFAULT '',
    ref_id            BIGINT       NOT NULL DEFAULT 0,
    status            VARCHAR(16)  NOT NULL,
    created_by        BIGINT       NOT NULL DEFAULT 0,
    created_at        DATETIME(6)  NOT NULL,
    resolved_at       DATETIME(6)  NULL,
    KEY ix_holds_debit (debit_account_id, status),
    CONSTRAINT fk_holds_debit FOREIGN KEY (debit_account_id) REFERENCES accounts (id),
    CONSTRAINT fk_holds_credit FOREIGN KEY (credit_account_id) REFERENCES accounts (id),
    CONSTRAINT ck_holds_amount CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE holds;
