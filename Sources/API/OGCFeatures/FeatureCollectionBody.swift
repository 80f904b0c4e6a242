import Events
import Foundation
import ReadModel

/// The items response: a GeoJSON FeatureCollection whose features are the text PostgreSQL wrote,
/// with paging links and `numberMatched` when it is known without counting.
enum FeatureCollectionBody {
    static func make(_ page: FeaturePage, request: ItemRequest, url: String) -> String {
        let carried = request.carried
        var limit: [(String, String)] = [("limit", String(request.limit))]
        if request.limit == 0 { limit = [] }
        var links: [String] = []
        func link(_ href: String, _ rel: String, _ type: String = "application/geo+json", _ title: String? = nil) {
            let needsEscape = href.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }
            let escaped = needsEscape ? href.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") : href
            links.append(#"{"href":"\#(escaped)","rel":"\#(rel)","type":"\#(type)"\#(title.map { #","title":"\#($0)""# } ?? "")}"#)
        }
        var selfParameters = carried + limit
        if request.offset > 0 { selfParameters.append(("offset", String(request.offset))) }
        if let after = request.after { selfParameters.append(("after", after)) }
        link(QueryString.url(url, selfParameters), "self")
        link(QueryString.url(url, selfParameters + [("f", "gpkg")]), "alternate", "application/geopackage+sqlite3", "GeoPackage")
        link(QueryString.url(url, selfParameters + [("f", "csv")]), "alternate", "text/csv", "CSV")
        if page.hasMore, let last = page.keys.last {
            var next = carried + limit + [("offset", String(request.offset + request.limit))]
            // The default order pages by key (keyset): the next page starts after the last id.
            if request.sortBy == nil { next.append(("after", last)) }
            link(QueryString.url(url, next), "next")
        }
        if request.offset > 0 {
            let previous = max(0, request.offset - request.limit)
            link(QueryString.url(url, carried + limit + (previous > 0 ? [("offset", String(previous))] : [])), "prev")
        }
        link(String(url.dropLast("/items".count)), "collection", "application/json")
        var body = #"{"type":"FeatureCollection","timeStamp":""# + Timestamp.format(Date()) + #"","numberReturned":\#(page.features.count)"#
        if !page.hasMore { body += #","numberMatched":\#(request.offset + page.features.count)"# }
        body += #","links":[\#(links.joined(separator: ","))],"features":["#
        body.reserveCapacity(body.utf8.count + page.features.reduce(0) { $0 + $1.utf8.count + 1 } + 2)
        var first = true
        for feature in page.features {
            if !first { body += "," }
            body += feature
            first = false
        }
        body += "]}"
        return body
    }
}
