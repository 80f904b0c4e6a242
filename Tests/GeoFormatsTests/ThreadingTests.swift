import Foundation
import GeoFormats
import Testing

@Suite("Threads and async use")
struct ThreadingTests {
    /// A GeoPackage of `count` points written with our writer.
    func pointsFile(_ count: Int, in directory: TemporaryDirectory) throws -> URL {
        var options = WriteOptions(layerName: "points", fields: [FieldDefinition("n", .integer), FieldDefinition("名称", .string)])
        options.directory = directory.url
        let writer = try FeatureWriter(format: .geoPackage, options: options)
        for index in 0..<count {
            let x = 114.0 + Double(index % 100) * 0.001
            let y = 30.5 + Double(index / 100) * 0.001
            try writer.write(Feature(properties: ["n": .integer(Int64(index)), "名称": .string("点\(index)")], geometry: try point(x, y)))
        }
        return try writer.finish().url
    }

    func point(_ x: Double, _ y: Double) throws -> Geometry {
        var wkb = Data([1, 1, 0, 0, 0])
        withUnsafeBytes(of: x.bitPattern.littleEndian) { wkb.append(contentsOf: $0) }
        withUnsafeBytes(of: y.bitPattern.littleEndian) { wkb.append(contentsOf: $0) }
        return Geometry(wkb: wkb)
    }

    @Test("FeatureStream hands out every row in order, in batches, from its own thread")
    func stream() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try pointsFile(2_500, in: directory)
        let stream = try await FeatureStream.open(path: file.path, batchSize: 1_000, prefetch: 2)
        #expect(stream.layer.featureCount == 2_500)
        #expect(stream.sourceCRS.epsg == 4490)
        var sizes: [Int] = []
        var rows: [Int] = []
        var values: [FieldValue?] = []
        for await batch in stream {
            sizes.append(batch.count)
            rows += batch.map(\.row)
            values += batch.map { $0.feature?.properties["n"] }
        }
        #expect(sizes == [1_000, 1_000, 500])
        #expect(rows == Array(1...2_500))
        #expect(values == (0..<2_500).map { .integer(Int64($0)) })
    }

    @Test("a stream abandoned half-way closes its file")
    func abandoned() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try pointsFile(3_000, in: directory)
        do {
            let stream = try await FeatureStream.open(path: file.path, batchSize: 100, prefetch: 2)
            var iterator = stream.makeAsyncIterator()
            #expect(await iterator.next()?.count == 100)
        }
        // The same layer opens again for a new stream (the reader allows one cursor per layer and reader;
        // a fresh stream means a fresh reader, so this mostly shows nothing hangs).
        let again = try await FeatureStream.open(path: file.path, batchSize: 5_000)
        var total = 0
        for await batch in again { total += batch.count }
        #expect(total == 3_000)
    }

    @Test("a stream of a missing file throws a typed error at open")
    func missing() async throws {
        await #expect(throws: GeoFormatsError.self) {
            _ = try await FeatureStream.open(path: "/nonexistent/file.gpkg")
        }
    }

    @Test("FeatureExport writes from async code and reports rejections per feature")
    func export() async throws {
        let options = WriteOptions(layerName: "多边形", fields: Samples.fields, geometryType: .polygon)
        let export = try await FeatureExport.start(format: .shapefileZip, options: options)
        let features = try Samples.features()
        let rejected = try await export.write(features)
        // The point, the line and the feature without geometry... the latter is accepted (a null shape).
        #expect(rejected.map(\.index) == [0, 3])
        #expect(rejected.allSatisfy { $0.error.code == .featureRejected })
        let file = try await export.finish()
        defer { try? file.remove() }
        #expect(file.featureCount == 3)
        #expect(file.url.lastPathComponent == "多边形.shp.zip")
        let info = try GDALTools.check("ogrinfo", ["-ro", "-so", "-al", file.url.path]).stdout
        #expect(info.contains("Feature Count: 3"))
        await #expect(throws: GeoFormatsError.self) { _ = try await export.finish() }
    }

    @Test("a reader used from another thread refuses with .wrongThread")
    func wrongThread() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try pointsFile(10, in: directory)
        let reader = try FeatureReader(path: file.path)
        let outcome = OtherThread.run { [reader = UncheckedBox(reader)] () -> GeoFormatsError.Code? in
            do {
                _ = try reader.value.cursor()
                return nil
            } catch let error as GeoFormatsError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(outcome == .wrongThread)
        let cursor = try reader.cursor()
        let next = OtherThread.run { [cursor = UncheckedBox(cursor)] () -> GeoFormatsError.Code? in
            do {
                _ = try cursor.value.next()
                return nil
            } catch let error as GeoFormatsError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(next == .wrongThread)
        #expect(try cursor.next(batch: 100).count == 10)
    }
}

/// Hands a non-Sendable value to another thread on purpose, to test that the value refuses it.
struct UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Where another thread leaves its result.
final class Slot<T>: @unchecked Sendable {
    var value: T?
}

enum OtherThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let slot = Slot<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            slot.value = body()
            done.signal()
        }
        done.wait()
        guard let value = slot.value else { fatalError("the thread returned nothing") }
        return value
    }
}
