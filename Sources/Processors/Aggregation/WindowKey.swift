import Events

/// The grouping key of a window: the value of each grouping the aggregation uses. It is built for
/// every event, so it holds optionals instead of a dictionary and writes its text in one pass.
struct WindowKey: Sendable, Hashable {
    var grid: String?
    var property: String?
    var region: String?
    var sensor: String?
    var theme: String?

    /// The key as `AggregateWindow.keyText` writes it: `name=value` in name order, joined by `;`,
    /// or `all` when there is no grouping.
    var text: String {
        var text = ""
        // Written straight into the string, not through `fields`: this runs for every event.
        func append(_ name: String, _ value: String?) {
            guard let value else { return }
            if !text.isEmpty { text += ";" }
            text += name
            text += "="
            text += value
        }
        append("grid", grid)
        append("property", property)
        append("region", region)
        append("sensor", sensor)
        append("theme", theme)
        return text.isEmpty ? "all" : text
    }

    /// The key as the window's result carries it.
    var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value) })
    }

    /// The groupings present, in name order.
    private var fields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        if let grid { fields.append(("grid", grid)) }
        if let property { fields.append(("property", property)) }
        if let region { fields.append(("region", region)) }
        if let sensor { fields.append(("sensor", sensor)) }
        if let theme { fields.append(("theme", theme)) }
        return fields
    }
}
