extension Migrations {
    /// Migration 17: users, groups, grants and bearer tokens (their SHA-256 digests only), and devices'
    /// MQTT credentials.
    static let access: (version: Int, name: String, statements: [String]) = (
        17, "users, groups, grants and tokens",
        [
            """
            CREATE TABLE IF NOT EXISTS access_users (
                name text PRIMARY KEY,
                password_hash text,
                clearance text NOT NULL DEFAULT 'public' CHECK (clearance IN ('public', 'government', 'classified')),
                kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'machine')),
                disabled boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS access_group_members (
                group_name text NOT NULL,
                user_name text NOT NULL REFERENCES access_users ON DELETE CASCADE,
                PRIMARY KEY (group_name, user_name)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS access_grants (
                principal text NOT NULL,
                role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'operator', 'auditor', 'admin')),
                scope text NOT NULL,
                PRIMARY KEY (principal, role, scope)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS access_tokens (
                digest text PRIMARY KEY,
                user_name text NOT NULL REFERENCES access_users ON DELETE CASCADE,
                kind text NOT NULL CHECK (kind IN ('session', 'api-key')),
                label text NOT NULL DEFAULT '',
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz,
                revoked_at timestamptz
            )
            """,
            "CREATE INDEX IF NOT EXISTS access_tokens_user ON access_tokens (user_name)",
            // Devices with MQTT credentials (Mosquitto's password hash format), and when one was last removed.
            """
            CREATE TABLE IF NOT EXISTS access_devices (
                id text PRIMARY KEY,
                password_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE TABLE IF NOT EXISTS access_device_changes (changed_at timestamptz NOT NULL DEFAULT now())",
            "INSERT INTO access_device_changes DEFAULT VALUES",
        ]
    )
}
