-- +goose Up
-- The head of each audit hash chain. There are several chains per village ("lanes"), so writes
-- about different objects of one village do not queue on one row.
CREATE TABLE audit_chains (
    chain_id  VARCHAR(32) NOT NULL PRIMARY KEY,
    seq       BIGINT      NOT NULL,
    head_hash BINARY(32)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- +goose Down
DROP TABLE audit_chains;
