import Foundation

/// The geocoder of a process that has no gazetteer: every item fails with a reason that says how to
/// load one, so items wait in the dead-letter topic to be re-driven instead of being dropped.
public struct UnavailableGeocoder: FreeTextGeocoder {
    public static let reason = "no_gazetteer: this process has no gazetteer snapshot; run `shikong gazetteer load`, restart, and re-drive"

    public init() {}

    public func geocode(_ address: String, asOf: Date?) -> AddressMatch { .failed(reason: Self.reason) }

    public func geocode(freeText: String, asOf: Date?) -> AddressMatch { .failed(reason: Self.reason) }
}
