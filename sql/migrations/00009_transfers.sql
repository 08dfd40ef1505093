-- +goose Up
-- Append-only. A mistake is undone by a reversing transfer (reverses_id, unique: once at most).
-- earning marks governance points (earned, penalised, and their reversals) that count towards
-- lifetime earned points; spending never does. *_balance_after is NULL for derived-total accounts.
CREATE TABLE transfers (
    id                    BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id            BIGINT       NOT NULL,
    debit_account_id      BIGINT       NOT NULL,
    credit_account_id     BIGINT       NOT NULL,
    amount                BIGINT       NOT NULL,
    kind                  VARCHAR(32)  NOT NULL,
    earning               BOOLEAN      NOT NULL,
    reason                VARCHAR(255) NOT NULL,
    ref_type              VARCHAR(32)  NOT NULL DEFAULT '',
    ref_id                BIGINT       NOT NULL DEFAULT 0,
    hold_id               BIGINT       NULL,
    reverses_id           BIGINT       NULL,
    debit_balance_after   BIGINT       NULL,
    credit_balance_after  BIGINT       NULL,
    created_by            BIGINT       NOT NULL DEFAULT 0,
    created_at            DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_transfers_hold (hold_id),
    UNIQUE KEY uq_transfers_reverses (reverses_id),
    KEY ix_transfers_debit (debit_account_id, id),
    KEY ix_transfers_credit (credit_account_id, id),
    KEY ix_transfers_village (village_id, created_at),
    CONSTRAINT fk_transfers_debit FOREIGN KEY (debit_account_id) REFERENCES accounts (id),
    CONSTRAINT fk_transfers_credit FOREIGN KEY (credit_account_id) REFERENCES accounts (id),
    CONSTRAINT ck_transfers_amount CHECK (amount > 0),
    CONSTRAINT ck_transfers_sides CHECK (debit_account_id <> credit_account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE transfers;
