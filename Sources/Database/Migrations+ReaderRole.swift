extension Migrations {
    /// The role the API's reads connect as: `SELECT` on every table and nothing else.
    public static let readerRole = "shikong_reader"

    /// Migration 24: the read-only role (issue 13's second wall). The read model builds its SQL from
    /// requests; connected as this role, a statement that escaped its planning still cannot write,
    /// whatever the caller. Creating a role needs `CREATEROLE`: where the platform's user lacks it,
    /// the migration leaves a notice and the reads use the platform's own connection (an operator
    /// creates the role, `GRANT`s it `SELECT` and passes `--read-database`). Several databases of one
    /// cluster share the role (roles are per cluster), so creating one that exists is not an error.
    /// Default privileges extend the grant to every table the platform's user creates later:
    /// partitions, rebuilt projections, later migrations.
    static let readOnlyRole: (version: Int, name: String, statements: [String]) = (
        24, "read-only role for the read model",
        [
            """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(readerRole)') THEN
                    BEGIN
                        CREATE ROLE \(readerRole) LOGIN;
                    EXCEPTION
                        WHEN duplicate_object OR unique_violation THEN NULL;
                        WHEN insufficient_privilege THEN
                            RAISE NOTICE 'role \(readerRole) not created (no CREATEROLE): reads use the platform''s own connection';
                            RETURN;
                    END;
                END IF;
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO \(readerRole)', current_database());
                GRANT USAGE ON SCHEMA public TO \(readerRole);
                GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(readerRole);
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO \(readerRole);
            END
            $$
            """
        ]
    )
}
