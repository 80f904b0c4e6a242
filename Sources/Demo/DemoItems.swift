import Events
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// A handful of crawl items as a news crawler would send them (address and/or text, no coordinates),
/// published once to `raw.items` by `shikong up --demo` so a newcomer sees them placed on
/// `/items` — and one that cannot be placed, on `/dlq`. Ids derive from the content, so publishing
/// them again on the next start changes nothing. It ends once they are published (run it with
/// `successTerminationBehavior: .ignore`).
public struct DemoItems: Service {
    /// One JSON line each.
    public static let lines: [String] = [
        #"{"id":"demo-news-0001","time":"2026-11-20T09:30:00+08:00","source_url":"https://news.example.cn/wuhan/20261120/0001.html","title":"华中科技大学举办秋季招聘会","address":"武汉市洪山区珞喻路1037号","labels":{"domain":"web","theme":"education"}}"#,
        #"{"id":"demo-news-0002","time":"2026-11-21T19:05:00+08:00","source_url":"https://news.example.cn/wuhan/20261121/0002.html","title":"江汉路步行街灯光秀","text":"昨晚，武汉市江汉区江汉路步行街举行灯光秀，吸引大批市民和游客驻足观看。","labels":{"domain":"web","theme":"culture"}}"#,
        #"{"id":"demo-news-0003","time":"2026-11-22T08:15:00+08:00","task":"12345-hotline","title":"市民反映路灯不亮","address":"湖北省武汉市武昌区八一路299号","text":"武汉大学附近路灯连续三晚不亮，请尽快维修。","labels":{"domain":"government","theme":"public-works"}}"#,
        #"{"id":"demo-news-0004","time":"2008-05-12T15:00:00+08:00","source_url":"https://archive.example.cn/xiangfan/2008/0004.html","title":"襄樊市樊城区组织抗震救灾捐款","text":"襄樊市樊城区各界群众踊跃为四川地震灾区捐款捐物。","labels":{"domain":"web","theme":"society"}}"#,
        #"{"id":"demo-news-0005","time":"2026-11-23T10:00:00+08:00","source_url":"https://news.example.cn/wuhan/20261123/0005.html","title":"汉阳区新建口袋公园","address":"湖北省武汉市汉阳区","text":"汉阳区今年新建口袋公园二十处。","labels":{"domain":"web","theme":"environment"}}"#,
        #"{"id":"demo-news-0006","time":"2026-11-24T14:20:00+08:00","source_url":"https://news.example.cn/beijing/20261124/0006.html","title":"中关村科技成果展","text":"北京市海淀区中关村举办科技成果展，展出新能源、人工智能等项目。","labels":{"domain":"web","theme":"technology"}}"#,
        #"{"id":"demo-news-0007","time":"2026-11-24T16:45:00+08:00","source_url":"https://forum.example.cn/t/0007","title":"？？？","text":"哈哈哈哈 今天天气不错 asdf qwer","labels":{"domain":"web","theme":"general"}}"#,
    ]

    let producer: KafkaProducer
    let topic: String
    let logger: Logger

    public init(producer: KafkaProducer, topic: String = Topics.rawItems, logger: Logger = Logger(label: "shikong.demo")) {
        self.producer = producer
        self.topic = topic
        self.logger = logger
    }

    /// The records; their ids derive from each item's own time and bytes, so they are the same every run.
    public static func records(topic: String = Topics.rawItems, receivedAt: Date = Date()) -> [OutgoingRecord] {
        lines.enumerated().map { index, line in
            RawItems.record(line: Data(line.utf8), lineNumber: index + 1, source: "demo://crawler", receivedAt: receivedAt, topic: topic)
        }
    }

    public func run() async throws {
        do {
            _ = try await producer.sendAll(Self.records(topic: topic))
            logger.notice(
                "demo crawl items published: see /items (placed) and /dlq?stage=processors.items (not placed)",
                metadata: ["count": "\(Self.lines.count)"])
        } catch {
            logger.warning("demo crawl items not published", metadata: ["error": "\(error)"])
        }
    }
}
