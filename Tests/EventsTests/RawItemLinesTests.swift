import Events
import Foundation
import Testing

@Suite("JSON lines of raw items")
struct RawItemLinesTests {
    @Test("blank lines are skipped, CR LF endings trimmed, line numbers kept")
    func splitting() {
        let lines = RawItems.lines(Data("{\"a\":1}\r\n\n \t \n{\"b\":2}".utf8))
        #expect(lines.map(\.number) == [1, 4])
        #expect(lines.map { String(decoding: $0.line, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(RawItems.lines(Data()).isEmpty)
        #expect(RawItems.lines(Data("\n\n".utf8)).isEmpty)
        #expect(RawItems.lines(Data("x\n".utf8)).map(\.number) == [1])
    }

    @Test("a 1 MiB line is one line")
    func oneLargeLine() {
        let line = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let lines = RawItems.lines(line + Data("\n".utf8))
        #expect(lines.count == 1 && lines[0].line.count == 1 << 20)
    }
}
