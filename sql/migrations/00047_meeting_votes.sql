-- +goose Up
-- The party members' votes that approve a month's results (由全体党员评议表决同意): one per member
-- and meeting, changeable until the month is approved.
CREATE TABLE meeting_votes (
    meeting_id BIGINT      NOT NULL,
    person_id  BIGINT      NOT NULL,
    vote       VARCHAR(8)  NOT NULL,
    voted_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (meeting_id, person_id),
    CONSTRAINT fk_meeting_votes_meeting FOREIGN KEY (meeting_id) REFERENCES review_meetings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE meeting_votes;
