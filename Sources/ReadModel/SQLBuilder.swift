import PostgresNIO

/// SQL text with its parameters, assembled piece by piece: every value goes through ``bind(_:)``,
/// which returns its `$n` placeholder, so text and data never mix.
struct SQLBuilder {
    var binds = PostgresBindings()

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
