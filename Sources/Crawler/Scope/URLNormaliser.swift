import Foundation

/// One spelling per URL, so a page is fetched once however it is linked: links resolved against
/// the page (or its `<base href>`), scheme and host lower-cased, default ports and fragments
/// dropped, an empty path made `/`, dot segments removed. Only http and https are kept.
public enum URLNormaliser {
    public static func normalise(_ text: String, relativeTo base: URL? = nil) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("javascript:") || lowered.hasPrefix("mailto:") || lowered.hasPrefix("tel:") || lowered.hasPrefix("data:") {
            return nil
        }
        // Links on Chinese pages often carry raw non-ASCII characters or spaces.
        let encoded = trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed
        guard let resolved = URL(string: encoded, relativeTo: base)?.absoluteURL,
            var components = URLComponents(url: resolved, resolvingAgainstBaseURL: true)
        else { return nil }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        components.fragment = nil
        components.user = nil
        components.password = nil
        components.percentEncodedPath = removeDotSegments(components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
        return components.url
    }

    /// `host` or `host:port` (non-default ports only), lower-cased: the key of a host's queue,
    /// its robots.txt and `allowed_hosts`.
    public static func hostKey(_ url: URL) -> String? {
        guard let host = url.host?.lowercased() else { return nil }
        let scheme = url.scheme?.lowercased()
        if let port = url.port, !((scheme == "http" && port == 80) || (scheme == "https" && port == 443)) { return "\(host):\(port)" }
        return host
    }

    /// The URL of the host's robots.txt.
    public static func robotsURL(for url: URL) -> URL? {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return nil }
        components.percentEncodedPath = "/robots.txt"
        components.query = nil
        components.fragment = nil
        return components.url
    }

    /// RFC 3986 section 5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let last = index == segments.count - 1
            if segment == "." {
                if last { output.append("") }
            } else if segment == ".." {
                if !output.isEmpty { output.removeLast() }
                if last { output.append("") }
            } else {
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// What may stay unescaped in a URL as written: everything RFC 3986 allows, and `%` (escapes
    /// already there are kept).
    private static let allowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.formUnion(.urlPathAllowed)
        set.formUnion(.urlFragmentAllowed)
        set.insert(charactersIn: "%#?/:@!$&'()*+,;=[]~")
        return set
    }()
}
