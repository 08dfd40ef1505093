-- +goose Up
-- A distribution of a village's collective income by points (积分分红): the amount, the months
-- whose posted points count, the assembly that adopted it and its notice; and each household's
-- share, split to the fen, with its payment.
CREATE TABLE dividends (
    id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id       BIGINT       NOT NULL,
    title            VARCHAR(100) NOT NULL,
    amount_fen       BIGINT       NOT NULL,
    from_month       CHAR(7)      NOT NULL,
    to_month         CHAR(7)      NOT NULL,
    total_points     BIGINT       NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    proposed_by      BIGINT       NOT NULL,
    proposed_at      DATETIME(6)  NOT NULL,
    assembly_date    DATETIME(6)  NULL,
    assembly_body    VARCHAR(32)  NOT NULL DEFAULT '',
    assembly_members INT          NOT NULL DEFAULT 0,
    attendance       INT          NOT NULL DEFAULT 0,
    votes_for        INT          NOT NULL DEFAULT 0,
    votes_against    INT          NOT NULL DEFAULT 0,
    votes_abstain    INT          NOT NULL DEFAULT 0,
    adopted_by       BIGINT       NULL,
    adopted_at       DATETIME(6)  NULL,
    notice_until     DATETIME(6)  NULL,
    KEY ix_dividends_village (village_id, id),
    CONSTRAINT fk_dividends_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT ck_dividends_amount CHECK (amount_fen > 0 AND total_points > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dividend_shares (
    dividend_id  BIGINT       NOT NULL,
    household_id BIGINT       NOT NULL,
    points       BIGINT       NOT NULL,
    amount_fen   BIGINT       NOT NULL,
    paid_on      DATETIME(6)  NULL,
    payment_ref  VARCHAR(64)  NOT NULL DEFAULT '',
    paid_by      BIGINT       NULL,
    PRIMARY KEY (dividend_id, household_id),
    KEY ix_dividend_shares_household (household_id),
    CONSTRAINT fk_dividend_shares_dividend FOREIGN KEY (dividend_id) REFERENCES dividends (id),
    CONSTRAINT fk_dividend_shares_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT ck_dividend_shares CHECK (points > 0 AND amount_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE dividend_shares;
DROP TABLE dividends;
