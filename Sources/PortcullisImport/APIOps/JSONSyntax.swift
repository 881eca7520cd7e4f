/// Where JSON text first breaks the grammar, for a message that points there: Foundation's
/// decoder says only that the data is not JSON. Read with a stack rather than by recursion,
/// so that a hostile file of 100,000 open brackets ends in a message, not a crash.
enum JSONSyntax {
    private enum Expected {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    /// The byte offset and a description of the first problem, or nil for valid JSON.
    static func firstProblem(in bytes: [UInt8]) -> (offset: Int, problem: String)? {
        var open: [UInt8] = []
        var expected = Expected.value
        var index = 0
        func afterValue() -> Expected { open.isEmpty ? .end : .commaOrClose }
        while true {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            guard index < bytes.count else { return expected == .end ? nil : (index, "the data ends too early") }
            let byte = bytes[index]
            switch expected {
            case .value, .valueOrClose:
                if expected == .valueOrClose, byte == UInt8(ascii: "]") {
                    open.removeLast()
                    index += 1
                    expected = afterValue()
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    open.append(byte)
                    index += 1
                    expected = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                } else if let end = scalarEnd(in: bytes, from: index) {
                    index = end
                    expected = afterValue()
                } else {
                    return (index, "invalid value")
                }
            case .key, .keyOrClose:
                if expected == .keyOrClose, byte == UInt8(ascii: "}") {
                    open.removeLast()
                    index += 1
                    expected = afterValue()
                } else if byte == UInt8(ascii: "\""), let end = stringEnd(in: bytes, from: index) {
                    index = end
                    expected = .colon
                } else {
                    return (index, "a key in double quotes was expected")
                }
            case .colon:
                guard byte == UInt8(ascii: ":") else { return (index, "':' was expected after the key") }
                index += 1
                expected = .value
            case .commaOrClose:
                let closing = open.last == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if byte == UInt8(ascii: ",") {
                    expected = open.last == UInt8(ascii: "{") ? .key : .value
                } else if byte == closing {
                    open.removeLast()
                    expected = afterValue()
                } else {
                    return (index, "',' or '\(Character(Unicode.Scalar(closing)))' was expected")
                }
                index += 1
            case .end:
                return (index, "more data follows the value")
            }
        }
    }

    /// The end of the string, number or literal at `start`, or nil when none is written there.
    private static func scalarEnd(in bytes: [UInt8], from start: Int) -> Int? {
        if bytes[start] == UInt8(ascii: "\"") { return stringEnd(in: bytes, from: start) }
        for literal in ["true", "false", "null"] where bytes[start...].starts(with: literal.utf8) {
            return start + literal.utf8.count
        }
        return numberEnd(in: bytes, from: start)
    }

    /// The end of the string opening at `start`: escapes as JSON defines them, no control
    /// characters.
    private static func stringEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return index + 1
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                if bytes[index + 1] == UInt8(ascii: "u") {
                    guard index + 6 <= bytes.count, bytes[(index + 2)..<(index + 6)].allSatisfy(\.isHexDigit) else { return nil }
                    index += 6
                } else {
                    guard "\"\\/bfnrt".utf8.contains(bytes[index + 1]) else { return nil }
                    index += 2
                }
            case 0x00..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// The end of the number at `start`: `-`, digits without a leading zero, a fraction and
    /// an exponent.
    private static func numberEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index].isDigit { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, bytes[index].isDigit else { return nil }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { _ = digits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        return index
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isHexDigit: Bool {
        isDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }
}
