/// What a collection holds now, as an import needs to know it: the content hash of each entity's
/// current version, and the source it came from. The platform answers from the entity projection.
public protocol ImportBaseline: Sendable {
    func current(collection: String) async throws -> [String: (hash: String?, source: String?)]
}
