-- +goose Up
-- Village project plans (项目计划书): the needs gathered from villagers ordered by urgency; a
-- ranking's project award tied to one; the project's spending, progress and the villagers'
-- contributed labour and money (投工投劳) recorded until it is completed.
CREATE TABLE projects (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id   BIGINT        NOT NULL,
    title        VARCHAR(100)  NOT NULL,
    needs        TEXT          NOT NULL,
    budget_fen   BIGINT        NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    created_by   BIGINT        NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    award_period CHAR(7)       NULL,
    award_fen    BIGINT        NOT NULL DEFAULT 0,
    awarded_by   BIGINT        NULL,
    awarded_at   DATETIME(6)   NULL,
    spent_fen    BIGINT        NOT NULL DEFAULT 0,
    progress_pct INT           NOT NULL DEFAULT 0,
    labour_days  INT           NOT NULL DEFAULT 0,
    money_fen    BIGINT        NOT NULL DEFAULT 0,
    completed_at DATETIME(6)   NULL,
    UNIQUE KEY uq_projects_award (village_id, award_period),
    KEY ix_projects_village (village_id, id),
    CONSTRAINT fk_projects_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE project_progress (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id   BIGINT        NOT NULL,
    on_date      DATE          NOT NULL,
    spent_fen    BIGINT        NOT NULL,
    progress_pct INT           NOT NULL,
    labour_days  INT           NOT NULL,
    money_fen    BIGINT        NOT NULL,
    note         VARCHAR(1000) NOT NULL,
    recorded_by  BIGINT        NOT NULL,
    recorded_at  DATETIME(6)   NOT NULL,
    KEY ix_project_progress (project_id, id),
    CONSTRAINT fk_project_progress_project FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE project_progress;
DROP TABLE projects;
