import Foundation
import Gazetteer
import Geodesy

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension TestPlatform {
    /// A second shared platform whose processes hold a gazetteer: the snapshot is built from the
    /// committed fixture data (every province, city and county; Hubei's townships; Wuhan's boundaries,
    /// a few Wuhan address points and aliases — see Tests/GazetteerTests/Fixtures/README.md).
    public static func sharedWithGazetteer() async throws -> TestPlatform {
        try await GazetteerPlatform.instance.get()
    }

    /// The fixture data directory.
    public static let gazetteerFixtures = repositoryRoot.appendingPathComponent("Tests/GazetteerTests/Fixtures/gazetteer")

    /// Writes the fixture gazetteer's snapshot under `dataDirectory`, as `shikong gazetteer load` would.
    public static func writeFixtureGazetteer(to dataDirectory: URL) throws {
        let transformer = CoordinateTransformer()
        let data = PackagedData(directory: gazetteerFixtures)
        var gazetteer = Gazetteer(characters: try data.characterTables())
        gazetteer.apply(contentsOf: try data.changes(transformer: transformer))
        gazetteer.apply(
            contentsOf: try OperatorTables.addressPoints(
                csv: String(contentsOf: gazetteerFixtures.appendingPathComponent("addresses.csv"), encoding: .utf8), transformer: transformer))
        gazetteer.apply(
            contentsOf: try OperatorTables.aliases(csv: String(contentsOf: gazetteerFixtures.appendingPathComponent("aliases.csv"), encoding: .utf8)))
        try GazetteerStore.save(gazetteer, dataDirectory: dataDirectory)
    }
}

/// Starts the gazetteer platform once, whoever asks first.
actor GazetteerPlatform {
    static let instance = GazetteerPlatform()
    private var task: Task<TestPlatform, any Error>?

    func get() async throws -> TestPlatform {
        if let task { return try await task.value }
        let task = Task {
            let directory = TestPlatform.scratchRoot.appendingPathComponent("gazetteer-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try TestPlatform.writeFixtureGazetteer(to: directory)
            return try await TestPlatform.start(dataDirectory: directory)
        }
        self.task = task
        return try await task.value
    }
}

extension TestPlatform {
    /// POSTs a body to a path of the API; returns the status and the decoded JSON object.
    public func post(_ path: String, body: String, contentType: String = "application/json", token: Token = .admin) async throws -> (
        status: Int, json: [String: Any]
    ) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        try await authorize(&request, token)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// DELETEs a path of the API; returns the status.
    public func delete(_ path: String, token: Token = .admin) async throws -> Int {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        try await authorize(&request, token)
        request.httpMethod = "DELETE"
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
