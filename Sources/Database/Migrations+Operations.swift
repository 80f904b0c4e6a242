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

    /// Migration 20: bearer tokens (issued at every login, marked as used) are sessions, not
    /// platform state a restore must reproduce.
    static let volatileAccess: (version: Int, name: String, statements: [String]) = (
        20, "access tokens marked volatile",
        ["COMMENT ON TABLE access_tokens IS '\(volatileTableMarker): bearer tokens, issued at every login'"]
    )
}
