/// The best reading of the text as a chain of nested divisions, by dynamic programming over the
/// candidates: each link from a division to one of its descendants earns a bonus, text skipped
/// between links costs, and a candidate alone is a chain of one.
struct Chain: Sendable {
    var links: [Candidate]
    var score: Double
    /// Characters skipped between links and before the first.
    var gapCharacters: Int
    var leadCharacters: Int

    var deepest: Candidate? { links.last }
    var end: Int { links.last?.end ?? 0 }
}

extension Gazetteer {
    static let linkBonus = 1.5
    static let gapCost = 0.5
    static let leadCost = 0.1
    /// Readings within this of the best one are rivals (an exact name against the same stem with
    /// another level word differs by 0.3 for three characters, and is not a rival).
    static let rivalMargin = 0.2

    /// The best chains ending at each candidate, best first: the `limit` best of them.
    func chains(_ candidates: [Candidate], limit: Int = 65) -> [Chain] {
        guard !candidates.isEmpty else { return [] }
        let order = candidates.indices.sorted { (candidates[$0].start, candidates[$0].end) < (candidates[$1].start, candidates[$1].end) }
        var best = [Double](repeating: 0, count: candidates.count)
        var previous = [Int](repeating: -1, count: candidates.count)
        for (position, index) in order.enumerated() {
            let candidate = candidates[index]
            var score = candidate.weight - min(1.0, Double(candidate.start) * Self.leadCost)
            for earlier in order[..<position] {
                let link = candidates[earlier]
                guard link.end <= candidate.start, isAncestor(link.division, of: candidate.division) else { continue }
                let gap = candidate.start - link.end
                let linked = best[earlier] + Self.linkBonus - Double(gap) * Self.gapCost + candidate.weight
                if linked > score {
                    score = linked
                    previous[index] = earlier
                }
            }
            best[index] = score
        }
        let top = candidates.indices.sorted { best[$0] > best[$1] || (best[$0] == best[$1] && candidates[$0].end > candidates[$1].end) }
            .prefix(limit)
        return top.map { index in
            var links: [Candidate] = []
            var cursor = index
            while cursor >= 0 {
                links.append(candidates[cursor])
                cursor = previous[cursor]
            }
            links.reverse()
            var gaps = 0
            for pair in zip(links, links.dropFirst()) { gaps += pair.1.start - pair.0.end }
            return Chain(links: links, score: best[index], gapCharacters: gaps, leadCharacters: links[0].start)
        }
    }
}
