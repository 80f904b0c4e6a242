import Events
import Foundation

/// Times as pages write them: RFC 3339 (`2026-11-20T09:30:00+08:00`), or a date with an optional
/// time in the forms Chinese pages use — `2026-11-20 09:30`, `2026/11/20`, `2026.11.20 9:30:05`,
/// `2026年11月20日 09:30`, `2026年11月20日09时30分` — found anywhere in the text (`发布时间：…`).
/// Times without an offset are in the task's time zone.
public enum PageTime {
    public static func parse(_ text: String, offsetSeconds: Int) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let exact = Timestamp.parse(trimmed) { return exact }
        let characters = Array(trimmed)
        var index = 0
        while index < characters.count {
            if let date = dateTime(characters, from: index, offsetSeconds: offsetSeconds) { return date }
            index += 1
        }
        return nil
    }

    /// `+08:00`, `+0800`, `-05:00` or `Z` → seconds east of UTC.
    public static func offsetSeconds(_ text: String) -> Int? {
        if text == "Z" || text == "z" { return 0 }
        let characters = Array(text)
        guard characters.count == 6 || characters.count == 5, characters[0] == "+" || characters[0] == "-" else { return nil }
        let digits = characters.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy(\.isASCII), let hours = Int(String(digits.prefix(2))), let minutes = Int(String(digits.suffix(2))),
            hours <= 14, minutes < 60
        else { return nil }
        return (characters[0] == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60)
    }

    /// A date (and time) starting at `start`, when the characters there make one.
    private static func dateTime(_ characters: [Character], from start: Int, offsetSeconds: Int) -> Date? {
        var index = start
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while index < characters.count, count < maxDigits, let digit = characters[index].wholeNumberValue, characters[index].isASCII {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            return count == 0 ? nil : value
        }
        func skip(_ allowed: Set<Character>) -> Bool {
            guard index < characters.count, allowed.contains(characters[index]) else { return false }
            index += 1
            return true
        }
        // The year stands alone: not the tail of a longer number.
        if start > 0, characters[start - 1].isASCII, characters[start - 1].isNumber { return nil }
        let yearStart = index
        guard let year = number(maxDigits: 4), index - yearStart == 4, (1900...2200).contains(year), skip(["-", "/", ".", "年"]),
            let month = number(maxDigits: 2), (1...12).contains(month), skip(["-", "/", ".", "月"]),
            let day = number(maxDigits: 2), (1...31).contains(day)
        else { return nil }
        _ = skip(["日"])
        var hour = 0
        var minute = 0
        var second = 0
        let afterDate = index
        while index < characters.count, characters[index] == " " || characters[index] == "T" || characters[index] == "\u{3000}" { index += 1 }
        if let parsedHour = number(maxDigits: 2), parsedHour < 24, skip([":", "时", "點", "点"]), let parsedMinute = number(maxDigits: 2),
            parsedMinute < 60
        {
            hour = parsedHour
            minute = parsedMinute
            _ = skip(["分"])
            let beforeSecond = index
            if skip([":"]), let parsedSecond = number(maxDigits: 2), parsedSecond < 60 {
                second = parsedSecond
                _ = skip(["秒"])
            } else {
                index = beforeSecond
            }
        } else {
            index = afterDate
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        guard let zone = TimeZone(secondsFromGMT: offsetSeconds) else { return nil }
        calendar.timeZone = zone
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }
}
