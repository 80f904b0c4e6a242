import ArgumentParser
import Foundation

/// `shikong tasks …`: tasks of the running platform (MQTT feeds, crawls, API polls),
/// through its HTTP API. Every change is an event on `tasks` with you (--editor) as its source.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Add, list, pause, resume, change and delete tasks of the running platform; show their history and status.",
        discussion: """
            shikong tasks add --kind mqtt-feed --id river --definition '{"topic_filter": "river/+/level", "expected_interval_seconds": 60}'
            shikong tasks add --feed 'plant/+/air@EPSG:4547' --id plant-air --binding none
            shikong tasks add --kind crawl --id notices --definition @crawl.json
              (crawl.json: {"seeds": ["https://news.example.cn/"], "max_depth": 2, "schedule": {"every_seconds": 3600},
               "page_types": [{"name": "notice", "url_pattern": "/notices/", "fields": {"title": {"css": "h1"}, "address": {"css": ".addr"}}}]})
            shikong tasks add --kind api-poll --id aqi --definition '{"url": "https://api.example.cn/aqi.csv", "format": "csv",
              "produces": "items", "mapping": {"id": "code", "address": "addr"}, "schedule": {"every_seconds": 300}}'
            shikong tasks list
            shikong tasks pause river; shikong tasks resume river
            shikong tasks change river --definition '{"expected_interval_seconds": 120}'
            shikong tasks history river; shikong tasks status river
            shikong tasks delete river
            """,
        subcommands: [Add.self, List.self, Pause.self, Resume.self, Change.self, Delete.self, History.self, Status.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a task (POST /tasks).")

        @Option(help: "The task's kind: mqtt-feed, crawl or api-poll.")
        var kind: String = "mqtt-feed"
        @Option(help: "Its id (letters, digits, '_', '-', '.'); default: one is made.")
        var id: String?
        @Option(help: "A human name.")
        var name: String?
        @Option(help: "The definition, a JSON object (or @file).")
        var definition: String?
        @Option(help: "An MQTT feed as filter[@CRS] (kind mqtt-feed), instead of --definition.")
        var feed: String?
        @Option(help: "With --feed: registry (values checked against their datastreams) or none.")
        var binding: String?
        @Option(help: "With --feed: seconds between readings a sensor is expected to keep.")
        var expectedInterval: Double?
        @Option(help: "The owner (default: the editor).")
        var owner: String?
        @Flag(help: "Add it paused.")
        var paused = false
        @OptionGroup var api: APIOptions

        func validate() throws {
            if (definition == nil) == (feed == nil) { throw ValidationError("give --definition or --feed") }
        }

        func run() async throws {
            var definition = try self.definition.map { try APIClient.object($0, option: "--definition") } ?? [:]
            if let feed {
                let parts = feed.split(separator: "@", maxSplits: 1).map(String.init)
                definition["topic_filter"] = parts[0]
                if parts.count > 1 { definition["crs"] = parts[1] }
                if let binding { definition["binding"] = binding }
                if let expectedInterval { definition["expected_interval_seconds"] = expectedInterval }
            }
            var body: [String: Any] = ["kind": kind, "definition": definition]
            if let id { body["id"] = id }
            if let name { body["name"] = name }
            if let owner { body["owner"] = owner }
            if paused { body["state"] = "paused" }
            print(APIClient.text(try await api.client.send("POST", "/tasks", body: body).json))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks (GET /tasks).")
        @Option(help: "Only this kind.")
        var kind: String?
        @Option(help: "Only this state: active, paused or deleted (default: all but deleted).")
        var state: String?
        @OptionGroup var api: APIOptions

        func run() async throws {
            var query: [String] = []
            if let kind { query.append("kind=\(kind)") }
            if let state { query.append("state=\(state)") }
            let (_, json) = try await api.client.send("GET", "/tasks" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
            let tasks = ((json as? [String: Any])?["tasks"] as? [[String: Any]]) ?? []
            print("id\tkind\tstate\tversion\teditor\tname")
            for task in tasks {
                let fields = ["id", "kind", "state", "version", "editor", "name"].map { "\(task[$0].map { "\($0)" } ?? "")" }
                print(fields.joined(separator: "\t"))
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a task: its runners stop, nothing in flight is lost.")
        @Argument(help: "The task id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("POST", "/tasks/\(APIClient.segment(id))/pause").json)) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused task.")
        @Argument(help: "The task id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("POST", "/tasks/\(APIClient.segment(id))/resume").json)) }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a task (PATCH /tasks/{id}): its name, owner, or definition (merged into the current one; null removes a field).")
        @Argument(help: "The task id.") var id: String
        @Option(help: "Definition fields to change, a JSON object (or @file).")
        var definition: String?
        @Option(help: "A new name.")
        var name: String?
        @Option(help: "A new owner.")
        var owner: String?
        @Option(help: "Only if the task is still at this version (its ETag).")
        var ifVersion: Int?
        @OptionGroup var api: APIOptions

        func run() async throws {
            var body: [String: Any] = [:]
            if let definition { body["definition"] = try APIClient.object(definition, option: "--definition") }
            if let name { body["name"] = name }
            if let owner { body["owner"] = owner }
            guard !body.isEmpty else { throw ValidationError("nothing to change: give --definition, --name or --owner") }
            let headers = ifVersion.map { ["If-Match": "\"\($0)\""] } ?? [:]
            print(APIClient.text(try await api.client.send("PATCH", "/tasks/\(APIClient.segment(id))", body: body, headers: headers).json))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a task for good (its history stays).")
        @Argument(help: "The task id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("DELETE", "/tasks/\(APIClient.segment(id))").json)) }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every change of a task: when, what, by whom.")
        @Argument(help: "The task id.") var id: String
        @OptionGroup var api: APIOptions

        func run() async throws {
            let (_, json) = try await api.client.send("GET", "/tasks/\(APIClient.segment(id))/history")
            let changes = ((json as? [String: Any])?["changes"] as? [[String: Any]]) ?? []
            print("version\trecorded_at\ttype\teditor\tstate")
            for change in changes {
                let state = ((change["task"] as? [String: Any])?["state"] as? String) ?? ""
                print("\(change["version"] ?? "")\t\(change["recorded_at"] ?? "")\t\(change["type"] ?? "")\t\(change["editor"] ?? "")\t\(state)")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A task's live figures: messages/s, bytes/s, last message, errors.")
        @Argument(help: "The task id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("GET", "/tasks/\(APIClient.segment(id))/status").json)) }
    }
}
