import Testing

@testable import Live

@Suite("Subscriber index")
struct SubscriberIndexTests {
    /// 1,000 small boxes on a grid over Wuhan: a point meets a handful of candidates, always including every box that holds it.
    @Test("a point finds the boxes that hold it among few candidates")
    func fewCandidates() {
        var index = SubscriberIndex()
        var boxes: [UInt64: BoxBounds] = [:]
        for i in 0..<1_000 {
            let west = 114.0 + Double(i % 40) * 0.015
            let south = 30.3 + Double(i / 40) * 0.02
            let box = BoxBounds(west: west, south: south, east: west + 0.015, north: south + 0.02)
            boxes[UInt64(i)] = box
            index.insert(UInt64(i), box: box)
        }
        index.insert(5_000, box: nil)
        var total = 0
        for step in 0..<500 {
            let (x, y) = (114.0 + Double(step % 50) * 0.0119, 30.3 + Double(step / 50) * 0.0497)
            let candidates = index.candidates(BoxBounds(west: x, south: y, east: x, north: y))
            let holding = boxes.filter { $0.value.west <= x && x <= $0.value.east && $0.value.south <= y && y <= $0.value.north }.map(\.key)
            #expect(Set(holding).isSubset(of: candidates))
            #expect(candidates.contains(5_000))
            total += candidates.count
        }
        #expect(Double(total) / 500 < 20, "\(Double(total) / 500) candidates per point")
    }

    @Test("removed subscribers are no longer candidates")
    func removal() {
        var index = SubscriberIndex()
        index.insert(1, box: BoxBounds(west: 114, south: 30, east: 114.1, north: 30.1))
        index.insert(2, box: nil)
        index.remove(1)
        index.remove(2)
        #expect(index.candidates(BoxBounds(west: 114.05, south: 30.05, east: 114.05, north: 30.05)).isEmpty)
        #expect(index.isEmpty)
    }
}
