-- +goose Up
-- Which households had points posted in each month, and how many per village: a county's
-- activity item reads 300 villages' months from village_months instead of counting their
-- entries. A household's first posted entry of a month marks it (the primary key makes the mark
-- once) and adds one to its village's month, in the posting's transaction.
CREATE TABLE household_months (
    village_id   BIGINT  NOT NULL,
    period       CHAR(7) NOT NULL,
    household_id BIGINT  NOT NULL,
    PRIMARY KEY (village_id, period, household_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE village_months (
    village_id        BIGINT  NOT NULL,
    period            CHAR(7) NOT NULL,
    active_households INT     NOT NULL,
    PRIMARY KEY (village_id, period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO household_months (village_id, period, household_id)
    SELECT DISTINCT village_id, period, household_id FROM point_entries WHERE status = 'posted' AND household_id IS NOT NULL;
INSERT INTO village_months (village_id, period, active_households)
    SELECT village_id, period, COUNT(*) FROM household_months GROUP BY village_id, period;

-- +goose Down
DROP TABLE village_months;
DROP TABLE household_months;
