extension Migrations {
    /// The comment that marks a table as live operational state rather than a projection of the
    /// log (monitoring figures, sessions): a restore drill does not expect it to match.
    public static let volatileTableMarker = "shikong:volatile"

    /// Migration 14: operations. Marks the tables that are not derived from the log.
    static let operations: (version: Int, name: String, statements: [String]) = (
        14, "operational tables marked volatile",
        [
            "COMMENT ON TABLE task_status IS '\(volatileTableMarker): what each task runtime measured lately, rewritten every few seconds'"
        ]
    )
}
