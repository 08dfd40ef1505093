-- +goose Up
-- A points entry: registered, reviewed at the monthly meeting (committee decision, or the party
-- members' vote for honour items), publicly displayed, and posted to the ledger once its notice has
-- closed with no open objection. posted_transfer_id is unique: an entry posts once.
CREATE TABLE point_entries (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id         BIGINT       NOT NULL,
    rule_item_id       BIGINT       NOT NULL,
    household_id       BIGINT       NULL,
    person_id          BIGINT       NULL,
    account_id         BIGINT       NOT NULL,
    points             BIGINT       NOT NULL,
    period             CHAR(7)      NOT NULL,
    reason             VARCHAR(255) NOT NULL,
    evidence           TEXT         NOT NULL,
    source             VARCHAR(16)  NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    registered_by      BIGINT       NOT NULL,
    registered_at      DATETIME(6)  NOT NULL,
    meeting_id         BIGINT       NULL,
    decided_by         BIGINT       NULL,
    decided_at         DATETIME(6)  NULL,
    decision_note      VARCHAR(255) NOT NULL DEFAULT '',
    notice_from        DATETIME(6)  NULL,
    notice_until       DATETIME(6)  NULL,
    posted_transfer_id BIGINT       NULL,
    reverses_entry_id  BIGINT       NULL,
    UNIQUE KEY uq_point_entries_posted (posted_transfer_id),
    KEY ix_point_entries_village (village_id, status, period),
    KEY ix_point_entries_caps (rule_item_id, account_id, period),
    KEY ix_point_entries_notice (status, notice_until),
    CONSTRAINT fk_point_entries_item FOREIGN KEY (rule_item_id) REFERENCES rule_items (id),
    CONSTRAINT fk_point_entries_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE point_entries;
