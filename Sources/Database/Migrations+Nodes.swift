extension Migrations {
    /// Migration 15: the nodes of the platform. Every process (`up`, `ingest`, `process`, `project`,
    /// `serve`) upserts its row every few seconds; `GET /nodes` and `shikong status` list them and
    /// mark those whose heartbeat is older than `lost_after_seconds` as lost. Live state, not derived
    /// from the log: marked volatile for the restore drill.
    static let nodes: (version: Int, name: String, statements: [String]) = (
        15, "node heartbeats",
        [
            """
            CREATE TABLE platform_nodes (
                node_id text PRIMARY KEY,
                instance text NOT NULL,
                roles text[] NOT NULL,
                version text NOT NULL,
                host text NOT NULL,
                pid integer NOT NULL,
                metrics_port integer,
                http_port integer,
                partitions jsonb NOT NULL DEFAULT '[]',
                lag bigint NOT NULL DEFAULT 0,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                heartbeat_interval_seconds double precision NOT NULL,
                lost_after_seconds double precision NOT NULL,
                stopped_at timestamptz
            )
            """,
            "COMMENT ON TABLE platform_nodes IS '\(volatileTableMarker): node heartbeats, rewritten every few seconds'",
        ]
    )
}
