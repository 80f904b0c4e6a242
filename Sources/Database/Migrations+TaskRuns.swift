extension Migrations {
    /// Migration 16: the runs of crawl and API-poll tasks and, for crawls, each URL's latest outcome
    /// (its validators and content hash are what the next run's conditional GETs send), from `task.runs`.
    static let taskRuns: (version: Int, name: String, statements: [String]) = (
        16, "crawl and API-poll runs; each crawled URL's latest outcome",
        [
            """
            CREATE TABLE IF NOT EXISTS task_runs (
                run_id uuid PRIMARY KEY,
                task_id text NOT NULL,
                kind text NOT NULL,
                state text NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz,
                counts jsonb NOT NULL DEFAULT '{}',
                error text,
                event_id uuid NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS task_runs_task ON task_runs (task_id, started_at DESC)",
            """
            CREATE TABLE IF NOT EXISTS crawl_pages (
                task_id text NOT NULL,
                url text NOT NULL,
                run_id uuid NOT NULL,
                depth integer NOT NULL,
                status text NOT NULL,
                http_status integer,
                error text,
                etag text,
                last_modified text,
                content_hash text,
                bytes integer,
                redirect_to text,
                items integer NOT NULL DEFAULT 0,
                links text[],
                fetched_at timestamptz NOT NULL,
                event_id uuid NOT NULL,
                PRIMARY KEY (task_id, url)
            )
            """,
            "CREATE INDEX IF NOT EXISTS crawl_pages_failed ON crawl_pages (task_id, fetched_at DESC) WHERE status IN ('failed', 'unparseable')",
        ]
    )
}
