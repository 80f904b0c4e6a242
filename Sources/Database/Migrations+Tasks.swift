extension Migrations {
    /// Migration 12: tasks as they stand, every change of every task, the live status each process
    /// running a task reports, and the sensor registry (things and datastreams).
    static let tasks: (version: Int, name: String, statements: [String]) = (
        12, "tasks, their changes and live status; the sensor registry",
        [
            // Tasks as they stand (a deleted one stays, as a tombstone with its history), from `tasks`.
            """
            CREATE TABLE tasks (
                id text PRIMARY KEY,
                kind text NOT NULL,
                name text,
                definition jsonb NOT NULL,
                state text NOT NULL,
                owner text NOT NULL,
                editor text NOT NULL,
                version integer NOT NULL,
                event_id uuid NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX tasks_kind ON tasks (kind, state)",
            // Every change of every task: who changed what, and the task as it stood after.
            """
            CREATE TABLE task_changes (
                event_id uuid PRIMARY KEY,
                task_id text NOT NULL,
                version integer NOT NULL,
                type text NOT NULL,
                editor text NOT NULL,
                recorded_at timestamptz NOT NULL,
                task jsonb NOT NULL
            )
            """,
            "CREATE INDEX task_changes_task ON task_changes (task_id, recorded_at)",
            // Live monitoring: what each process running a task measured lately. Not a projection:
            // every runtime writes its own rows every few seconds.
            """
            CREATE TABLE task_status (
                task_id text NOT NULL,
                process text NOT NULL,
                kind text NOT NULL,
                running boolean NOT NULL,
                messages bigint NOT NULL DEFAULT 0,
                bytes bigint NOT NULL DEFAULT 0,
                errors bigint NOT NULL DEFAULT 0,
                messages_per_second double precision NOT NULL DEFAULT 0,
                bytes_per_second double precision NOT NULL DEFAULT 0,
                errors_per_second double precision NOT NULL DEFAULT 0,
                last_message_at timestamptz,
                last_error text,
                last_error_at timestamptz,
                details jsonb NOT NULL DEFAULT '{}',
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (task_id, process)
            )
            """,
            // The sensor registry (SensorThings-like), from `sensors.registry`: stations and their
            // datastreams. A deletion leaves a tombstone, so an older event replayed later does not
            // bring one back.
            """
            CREATE TABLE things (
                id text PRIMARY KEY,
                event_id uuid NOT NULL,
                name text NOT NULL,
                description text NOT NULL DEFAULT '',
                geom geometry(Point, 4490),
                properties jsonb NOT NULL DEFAULT '{}',
                deleted boolean NOT NULL DEFAULT false,
                editor text NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX things_geom ON things USING gist (geom)",
            """
            CREATE TABLE datastreams (
                id text PRIMARY KEY,
                event_id uuid NOT NULL,
                thing text NOT NULL,
                name text NOT NULL,
                description text NOT NULL DEFAULT '',
                observed_property text NOT NULL,
                unit text NOT NULL,
                minimum double precision,
                maximum double precision,
                domain text NOT NULL,
                industry text,
                theme text NOT NULL,
                crs text,
                deleted boolean NOT NULL DEFAULT false,
                editor text NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX datastreams_thing ON datastreams (thing, observed_property)",
        ]
    )
}
