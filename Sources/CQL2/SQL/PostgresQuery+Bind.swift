import PostgresNIO

extension PostgresQuery {
    /// Binds `value` as the next parameter and returns its placeholder, for SQL written after a
    /// CQL2 translation has been appended (string interpolation numbers from `$1` afresh):
    ///
    /// ```swift
    /// try translator.append(expression, to: &query)
    /// let limit = query.bind(100)
    /// query.sql += " ORDER BY sensor_id LIMIT \(limit)"
    /// ```
    public mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}
