-- +goose Up
-- Courtyard meetings (屋场会): who came, and the problem ledger (问题台账) — each problem a request
-- of the household that raised it, with its follow-up visit (回访).
CREATE TABLE courtyard_meetings (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id  BIGINT       NOT NULL,
    place       VARCHAR(100) NOT NULL,
    held_on     DATE         NOT NULL,
    recorded_by BIGINT       NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    KEY ix_courtyard_village (village_id, id),
    CONSTRAINT fk_courtyard_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE courtyard_attendees (
    meeting_id   BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, household_id),
    CONSTRAINT fk_courtyard_attendees_meeting FOREIGN KEY (meeting_id) REFERENCES courtyard_meetings (id),
    CONSTRAINT fk_courtyard_attendees_household FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE courtyard_problems (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    meeting_id     BIGINT        NOT NULL,
    request_id     BIGINT        NOT NULL,
    follow_up_on   DATE          NOT NULL,
    followed_up_on DATE          NULL,
    follow_up_note VARCHAR(2000) NOT NULL DEFAULT '',
    followed_up_by BIGINT        NULL,
    KEY ix_courtyard_problems_meeting (meeting_id, id),
    UNIQUE KEY uq_courtyard_problems_request (request_id),
    CONSTRAINT fk_courtyard_problems_meeting FOREIGN KEY (meeting_id) REFERENCES courtyard_meetings (id),
    CONSTRAINT fk_courtyard_problems_request FOREIGN KEY (request_id) REFERENCES requests (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE courtyard_problems;
DROP TABLE courtyard_attendees;
DROP TABLE courtyard_meetings;
