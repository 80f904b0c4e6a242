import ReadModel

/// The one place that decides who may follow what (security, issue 13, adds clearance checks
/// here): asked once when a subscription opens and again for every feature before it is sent.
public protocol LiveAccess: Sendable {
    /// Throws (an error the API answers with a 4xx problem) when the subscriber may not follow the collection.
    func admit(_ subscription: LiveSubscription) throws
    /// Whether the subscriber may receive this feature.
    func allows(_ feature: LiveFeature, to subscription: LiveSubscription) -> Bool
}

/// Everyone may follow everything: the platform has no users yet.
public struct OpenLiveAccess: LiveAccess {
    public init() {}
    public func admit(_ subscription: LiveSubscription) throws {}
    public func allows(_ feature: LiveFeature, to subscription: LiveSubscription) -> Bool { true }
}
