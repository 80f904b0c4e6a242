import Access

/// What a route asks of its caller. ``AccessPolicy/routes`` gives every route one; the
/// ``AccessMiddleware`` enforces it before the route runs.
enum AccessRule: Sendable {
    /// Anyone, with or without credentials: the landing page, the API document, health, map assets.
    case open
    /// Public data that needs no collection check (the list routes filter what they return):
    /// anonymous callers too, while anonymous reads are allowed.
    case publicData
    /// Any signed-in caller.
    case signedIn
    /// `permission` on the collection the path parameter names; a collection above the caller's
    /// clearance answers 404, as if it did not exist.
    case collection(String, Permission)
    /// `permission` on each collection the query parameter names (one, or a comma-separated list).
    case collectionsInQuery(String, Permission)
    /// `permission` on every collection (a grant on `*`).
    case everywhere(Permission)
    /// `permission` on every collection and the highest clearance: what may hold anything (dead
    /// letters keep the raw bytes of whatever failed, whichever collection it was meant for).
    case everythingCleared(Permission)
    /// `permission` on at least one collection.
    case somewhere(Permission)
}
