import Foundation

/// How secret data is (R-SEC-1), in order: a caller sees a collection whose classification is at
/// most their clearance.
public enum Clearance: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case `public` = 0
    case government = 1
    case classified = 2

    /// The level a catalogue classification names; an unknown label counts as `classified`, so a
    /// misspelt label hides data rather than shows it.
    public init(label: String?) {
        switch label?.lowercased() {
        case nil, "public": self = .public
        case "government": self = .government
        default: self = .classified
        }
    }

    /// `public`, `government` or `classified`; `nil` for anything else.
    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = level
    }

    /// The labels a feature's own classification property may hold for this level (compared in
    /// lower case, surrounding spaces ignored): the English name and the Chinese one.
    public var labels: [String] {
        switch self {
        case .public: ["public", "公开"]
        case .government: ["government", "政务"]
        case .classified: ["classified", "涉密"]
        }
    }

    /// The level a feature's label names, or `nil` for anything else (a label that names no level:
    /// the feature is then seen only by classified callers).
    public init?(featureLabel: String) {
        let label = featureLabel.trimmingCharacters(in: CharacterSet(charactersIn: " ")).lowercased()
        guard let level = Self.allCases.first(where: { $0.labels.contains(label) }) else { return nil }
        self = level
    }

    public var description: String {
        switch self {
        case .public: "public"
        case .government: "government"
        case .classified: "classified"
        }
    }

    public static func < (lhs: Clearance, rhs: Clearance) -> Bool { lhs.rawValue < rhs.rawValue }
}
