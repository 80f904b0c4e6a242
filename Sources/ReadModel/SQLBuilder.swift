import PostgresNIO

/// SQL text with its parameters, assembled piece by piece: every value goes through ``bind(_:)``,
/// which returns its `$n` placeholder, so text and data never mix.
public struct SQLBuilder: Sendable {
    public var binds = PostgresBindings()

    public init() {}

    /// Binds `value` as the next parameter and returns its placeholder.
    public mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// The statement `sql` with the parameters bound so far.
    public func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
