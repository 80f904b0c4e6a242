import Foundation

/// The `properties` parameter: which feature properties a response should carry, as a
/// comma-separated list of names, each checked against the ones the collection has.
public struct PropertySelection: Sendable, Hashable {
    /// The names asked for, in the order given, each once.
    public let names: [String]

    /// `available` are the names the collection's features can carry. An empty parameter asks for
    /// no properties at all.
    public init(parsing text: String, available: [String]) throws(CQL2Error) {
        var names: [String] = []
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty {
            for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw CQL2Error(.syntax, "properties \(text) has an empty entry; write e.g. properties=name,pm25") }
                guard available.contains(name) else {
                    throw CQL2Error(
                        .unknownProperty, "properties names \(name), which the features do not have; they have \(available.joined(separator: ", "))")
                }
                if !names.contains(name) { names.append(name) }
            }
        }
        self.names = names
    }

    /// Whether `name` is selected.
    public func contains(_ name: String) -> Bool { names.contains(name) }
}
