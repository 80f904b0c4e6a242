/// The one parser of integer parameters (`limit`, `offset`, `k`, `segments`, …) that every route
/// and the query model use, so they all accept and refuse the same text with the same words.
public enum IntegerParameter {
    /// `text` as an integer in `range`; `default` when the parameter was not given.
    public static func parse(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws(ParameterError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ParameterError("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return number
    }

    /// An `offset`: from 0 to the largest PostgreSQL integer, 0 when not given.
    public static func offset(_ text: String?) throws(ParameterError) -> Int {
        try parse(text, name: "offset", default: 0, range: 0...Int(Int32.max))
    }
}
