import CProj
import Foundation
import Synchronization

/// Why a coordinate could not be transformed.
public struct GeodesyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Coordinate transformations with PROJ, always in (x/longitude, y/latitude) order.
///
/// GCJ-02 and BD-09, which PROJ does not know, are handled around PROJ: a source offset is removed
/// first (giving WGS 84), a target offset is applied last (to WGS 84), see ``InternetMapOffset``.
///
/// PROJ objects are not thread-safe; each transformer owns a context and its cached operations
/// behind a lock. Give each concurrent stage its own transformer to avoid contention.
public final class CoordinateTransformer: Sendable {
    private let state: Mutex<ProjState>

    public init() {
        state = Mutex(ProjState())
    }

    /// Transforms one position. Throws for unknown CRSs and positions PROJ cannot transform.
    public func transform(x: Double, y: Double, from source: CoordinateReferenceSystem, to target: CoordinateReferenceSystem = .cgcs2000)
        throws(GeodesyError) -> (x: Double, y: Double)
    {
        // PROJ maps some non-finite inputs to finite outputs (inverse Mercator sends a northing of
        // -infinity to the South Pole), so they are refused before PROJ sees them.
        guard x.isFinite, y.isFinite else {
            throw GeodesyError("cannot transform (\(x), \(y)) from \(source) to \(target): coordinates must be finite numbers")
        }
        if source.offset != nil || target.offset != nil {
            if source == target { return (x, y) }
            var position = (x: x, y: y)
            if let offset = source.offset {
                guard (-180...180).contains(x), (-90...90).contains(y) else {
                    throw GeodesyError("cannot transform (\(x), \(y)) from \(source): not a longitude/latitude in degrees")
                }
                let wgs = offset.toWGS84(lon: x, lat: y)
                position = (wgs.lon, wgs.lat)
            }
            let base = CoordinateReferenceSystem.wgs84
            let sourceBase = source.offset == nil ? source : base
            let targetBase = target.offset == nil ? target : base
            if sourceBase != targetBase {
                position = try transform(x: position.x, y: position.y, from: sourceBase, to: targetBase)
            }
            if let offset = target.offset {
                let shifted = offset.fromWGS84(lon: position.x, lat: position.y)
                position = (shifted.lon, shifted.lat)
            }
            return position
        }
        return try state.withLock { state throws(GeodesyError) in
            let operation = try state.operation(from: source, to: target)
            let output = proj_trans(operation, PJ_FWD, proj_coord(x, y, 0, 0))
            guard output.xy.x.isFinite, output.xy.y.isFinite else {
                let code = proj_errno(operation)
                proj_errno_reset(operation)
                let reason = code == 0 ? "no result" : String(cString: proj_context_errno_string(state.context, code))
                throw GeodesyError("cannot transform (\(x), \(y)) from \(source) to \(target): \(reason)")
            }
            return (output.xy.x, output.xy.y)
        }
    }

    /// Whether PROJ knows this CRS.
    public func isKnown(_ crs: CoordinateReferenceSystem) -> Bool {
        if crs.offset != nil { return true }
        return state.withLock { state in
            guard let object = proj_create(state.context, crs.description) else { return false }
            proj_destroy(object)
            return true
        }
    }
}

/// A PROJ context and the operations created in it, one per (source, target) pair.
struct ProjState: ~Copyable {
    let context: OpaquePointer
    var operations: [Pair: OpaquePointer] = [:]

    struct Pair: Hashable {
        var source: CoordinateReferenceSystem
        var target: CoordinateReferenceSystem
    }

    init() {
        context = proj_context_create()
        proj_log_level(context, PJ_LOG_NONE)
    }

    deinit {
        for operation in operations.values { proj_destroy(operation) }
        proj_context_destroy(context)
    }

    mutating func operation(from source: CoordinateReferenceSystem, to target: CoordinateReferenceSystem) throws(GeodesyError) -> OpaquePointer {
        let pair = Pair(source: source, target: target)
        if let cached = operations[pair] { return cached }
        guard let raw = proj_create_crs_to_crs(context, source.description, target.description, nil) else {
            throw GeodesyError("PROJ has no transformation from \(source) to \(target)")
        }
        defer { proj_destroy(raw) }
        guard let normalised = proj_normalize_for_visualization(context, raw) else {
            throw GeodesyError("PROJ cannot normalise the axis order of \(source) to \(target)")
        }
        operations[pair] = normalised
        return normalised
    }
}
