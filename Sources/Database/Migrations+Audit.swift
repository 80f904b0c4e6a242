extension Migrations {
    /// Migration 19: the audit log, hash-chained (see the audit projection).
    static let audit: (version: Int, name: String, statements: [String]) = (
        19, "the audit log",
        [
            """
            CREATE TABLE IF NOT EXISTS audit_log (
                seq bigserial PRIMARY KEY,
                id uuid NOT NULL UNIQUE,
                at timestamptz NOT NULL,
                user_name text,
                action text NOT NULL,
                collections text[] NOT NULL DEFAULT '{}',
                status integer NOT NULL,
                outcome text NOT NULL,
                record text NOT NULL,
                previous_hash text NOT NULL,
                hash text NOT NULL,
                geom geometry(Geometry, 4490)
            )
            """,
            "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
            "CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_name, at)",
            "CREATE INDEX IF NOT EXISTS audit_log_collections ON audit_log USING gin (collections)",
        ]
    )
}
