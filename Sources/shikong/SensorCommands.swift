import ArgumentParser
import Foundation

/// `shikong sensors …`: the sensor registry of the running platform (things and their datastreams),
/// through its HTTP API. Every change is an event on `sensors.registry` with you (--editor) as its source.
struct SensorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensors", abstract: "Register and edit things (stations) and their datastreams in the sensor registry.",
        discussion: """
            shikong sensors add-thing river-01 --name 'Hankou gauge' --lon 114.29 --lat 30.58 --property operator=水务局
            shikong sensors add-datastream river-01.level --thing river-01 --observed-property level --unit m --min 0 --max 40 \\
                --domain iot --industry water --theme hydrology
            shikong sensors change-datastream river-01.level --set '{"maximum": 45}'
            shikong sensors list; shikong sensors list --thing river-01
            shikong sensors load stations.json      # {"things": [...], "datastreams": [...]}
            shikong sensors delete-thing river-01   # and its datastreams
            Units are UCUM (ug/m3, km/h, /h, Cel, %, m3/s, {AQI}).
            """,
        subcommands: [
            AddThing.self, AddDatastream.self, ChangeThing.self, ChangeDatastream.self, List.self, Load.self, DeleteThing.self,
            DeleteDatastream.self,
        ])

    struct AddThing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a thing (POST /things).")
        @Argument(help: "Its id: the sensor id its readings carry.") var id: String
        @Option(help: "A name.") var name: String?
        @Option(help: "A description.") var description: String?
        @Option(help: "Longitude (or x).") var lon: Double?
        @Option(help: "Latitude (or y).") var lat: Double?
        @Option(help: "The CRS of --lon/--lat (default EPSG:4326).") var crs: String?
        @Option(help: "Metadata as name=value, repeatable.") var property: [String] = []
        @OptionGroup var api: APIOptions

        func run() async throws {
            var body: [String: Any] = ["id": id]
            if let name { body["name"] = name }
            if let description { body["description"] = description }
            if let lon, let lat { body["location"] = ["type": "Point", "coordinates": [lon, lat]] }
            if let crs { body["crs"] = crs }
            if !property.isEmpty { body["properties"] = try SensorsCommand.pairs(property) }
            print(APIClient.text(try await api.client.send("POST", "/things", body: body).json))
        }
    }

    struct AddDatastream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a datastream of a thing (POST /datastreams).")
        @Argument(help: "Its id, e.g. river-01.level.") var id: String
        @Option(help: "The thing it belongs to.") var thing: String
        @Option(help: "The value name its readings carry, e.g. level.") var observedProperty: String
        @Option(help: "Its unit, in UCUM: ug/m3, km/h, m, Cel, %…") var unit: String
        @Option(help: "The lowest physically possible value.") var min: Double?
        @Option(help: "The highest physically possible value.") var max: Double?
        @Option(help: "Domain label.") var domain: String = "iot"
        @Option(help: "Industry label.") var industry: String?
        @Option(help: "Theme label.") var theme: String
        @Option(help: "A name.") var name: String?
        @Option(help: "The CRS its readings' positions are in, when they do not say.") var crs: String?
        @OptionGroup var api: APIOptions

        func run() async throws {
            var labels: [String: Any] = ["domain": domain, "theme": theme]
            if let industry { labels["industry"] = industry }
            var body: [String: Any] = ["id": id, "thing": thing, "observed_property": observedProperty, "unit": unit, "labels": labels]
            if let min { body["minimum"] = min }
            if let max { body["maximum"] = max }
            if let name { body["name"] = name }
            if let crs { body["crs"] = crs }
            print(APIClient.text(try await api.client.send("POST", "/datastreams", body: body).json))
        }
    }

    struct ChangeThing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a thing (PATCH /things/{id}, a JSON merge patch).")
        @Argument(help: "The thing id.") var id: String
        @Option(help: #"Fields to change, a JSON object (or @file), e.g. '{"name": "Hankou gauge"}'."#) var set: String
        @OptionGroup var api: APIOptions
        func run() async throws {
            let patch = try APIClient.object(set, option: "--set")
            print(APIClient.text(try await api.client.send("PATCH", "/things/\(APIClient.segment(id))", body: patch).json))
        }
    }

    struct ChangeDatastream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a datastream (PATCH /datastreams/{id}, a JSON merge patch).")
        @Argument(help: "The datastream id.") var id: String
        @Option(help: #"Fields to change, a JSON object (or @file), e.g. '{"maximum": 45}'."#) var set: String
        @OptionGroup var api: APIOptions
        func run() async throws {
            let patch = try APIClient.object(set, option: "--set")
            print(APIClient.text(try await api.client.send("PATCH", "/datastreams/\(APIClient.segment(id))", body: patch).json))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List things, or the datastreams of one thing.")
        @Option(help: "List this thing's datastreams.") var thing: String?
        @Option(help: "At most this many.") var limit = 1_000
        @OptionGroup var api: APIOptions

        func run() async throws {
            if let thing {
                let (_, json) = try await api.client.send("GET", "/datastreams?thing=\(APIClient.segment(thing))&limit=\(limit)")
                print("id\tobserved_property\tunit\trange\ttheme")
                for stream in ((json as? [String: Any])?["datastreams"] as? [[String: Any]]) ?? [] {
                    let range = "[\(stream["minimum"] ?? "-∞"), \(stream["maximum"] ?? "∞")]"
                    let theme = ((stream["labels"] as? [String: Any])?["theme"] as? String) ?? ""
                    print("\(stream["id"] ?? "")\t\(stream["observed_property"] ?? "")\t\(stream["unit"] ?? "")\t\(range)\t\(theme)")
                }
            } else {
                let (_, json) = try await api.client.send("GET", "/things?limit=\(limit)")
                print("id\tname\tlocation")
                for thing in ((json as? [String: Any])?["things"] as? [[String: Any]]) ?? [] {
                    let coordinates = ((thing["location"] as? [String: Any])?["coordinates"] as? [Double]).map { "\($0[0]),\($0[1])" } ?? ""
                    print("\(thing["id"] ?? "")\t\(thing["name"] ?? "")\t\(coordinates)")
                }
            }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: #"Register many things and datastreams from a JSON file ({"things": [...], "datastreams": [...]}; POST /registry)."#)
        @Argument(help: "The file.") var file: String
        @OptionGroup var api: APIOptions
        func run() async throws {
            let body = try APIClient.object("@" + file, option: "file")
            print(APIClient.text(try await api.client.send("POST", "/registry", body: body).json))
        }
    }

    struct DeleteThing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a thing and its datastreams.")
        @Argument(help: "The thing id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("DELETE", "/things/\(APIClient.segment(id))").json)) }
    }

    struct DeleteDatastream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a datastream.")
        @Argument(help: "The datastream id.") var id: String
        @OptionGroup var api: APIOptions
        func run() async throws { print(APIClient.text(try await api.client.send("DELETE", "/datastreams/\(APIClient.segment(id))").json)) }
    }

    static func pairs(_ list: [String]) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for item in list {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--property takes name=value, not \(item)") }
            pairs[parts[0]] = parts[1]
        }
        return pairs
    }
}
