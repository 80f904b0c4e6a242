/// The `sortby` parameter (`+name,-pm25`): queryables with an optional `+` (ascending, the
/// default) or `-` (descending) in front, checked against the queryables.
///
/// A `+` sent unencoded in a URL arrives as a space; that reads as ascending too.
public struct SortBy: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var property: String
        public var descending: Bool
    }

    public static let maximumKeys = 8

    public let keys: [Key]
    /// `ORDER BY` terms, e.g. `(properties->>'name') ASC, (("values"->>'pm25')::float8) DESC`
    /// (PostgreSQL's default NULL placement: last ascending, first descending). Append your unique
    /// key after it so that paging is stable.
    public let sql: String

    public init(parsing text: String, queryables: Queryables) throws(CQL2Error) {
        var keys: [Key] = []
        var terms: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            var name = Substring(part.drop { $0 == " " })
            var descending = false
            if name.first == "+" || name.first == "-" {
                descending = name.first == "-"
                name = name.dropFirst()
            }
            while name.last == " " { name = name.dropLast() }
            if name.hasSuffix(":A") || name.hasSuffix(":D") {
                descending = name.hasSuffix(":D")
                name = name.dropLast(2)
            }
            guard !name.isEmpty else {
                throw CQL2Error(.syntax, "sortby \(text) has an empty entry; write e.g. sortby=+name,-pm25")
            }
            let property = String(name)
            guard let queryable = queryables[property] else {
                throw CQL2Error(
                    .unknownProperty,
                    "sortby names \(property), which is not a queryable; the queryables are \(queryables.names.joined(separator: ", "))")
            }
            guard !keys.contains(where: { $0.property == property }) else {
                throw CQL2Error(.syntax, "sortby names \(property) twice")
            }
            let direction = descending ? "DESC" : "ASC"
            switch queryable.storage {
            case .expression(let sql):
                guard queryable.type != .geometry else { throw CQL2Error(.typeMismatch, "sortby cannot sort by the geometry \(property)") }
                terms.append("(\(sql)) \(direction)")
            case .columns(let start, let end):
                terms.append("(\(start)) \(direction), (\(end)) \(direction)")
            case .range(let sql):
                terms.append("(\(sql)) \(direction)")
            }
            keys.append(Key(property: property, descending: descending))
        }
        guard keys.count <= Self.maximumKeys else { throw CQL2Error(.invalidValue, "sortby takes at most \(Self.maximumKeys) properties") }
        self.keys = keys
        self.sql = terms.joined(separator: ", ")
    }
}
