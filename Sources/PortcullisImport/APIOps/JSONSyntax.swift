/// Where JSON text first breaks the grammar, or what else the decoder refuses, for a
/// message that points there: Foundation's decoder says only that the data is not JSON.
/// Read with a stack rather than by recursion, so that a hostile file of 100,000 open
/// brackets ends in a message, not a crash.
enum JSONSyntax {
    private enum Expected {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    /// How deep the decoder lets arrays and objects nest, as Foundation's on every platform.
    static let maximumDepth = 512

    /// The byte offset and a description of the first problem, or nil for valid JSON.
    static func firstProblem(in bytes: [UInt8]) -> (offset: Int, problem: String)? {
        if let invalid = firstInvalidUTF8(in: bytes) { return (invalid, "the text is not UTF-8 here") }
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
                    guard open.count < maximumDepth else { return (index, "arrays and objects nest deeper than \(maximumDepth) levels") }
                    open.append(byte)
                    index += 1
                    expected = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                } else if let end = scalarEnd(in: bytes, from: index) {
                    if let problem = refusedScalar(bytes[index..<end]) { return (index, problem) }
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
                    if let problem = refusedScalar(bytes[index..<end]) { return (index, problem) }
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

    /// What the decoder refuses in a string or number the grammar allows: a `\u` escape of
    /// half a surrogate pair, or a number too large for a `Double` (`1e400`).
    private static func refusedScalar(_ scalar: ArraySlice<UInt8>) -> String? {
        guard scalar.first == UInt8(ascii: "\"") else {
            let number = String(decoding: scalar, as: UTF8.self)
            return Double(number)?.isFinite == false ? "the number '\(number.prefix(40))' is too large" : nil
        }
        var index = scalar.startIndex + 1
        var pendingHigh = false
        while index < scalar.endIndex - 1 {
            guard scalar[index] == UInt8(ascii: "\\") else {
                if pendingHigh { return "a '\\u' escape holds half a surrogate pair" }
                index += 1
                continue
            }
            guard scalar[index + 1] == UInt8(ascii: "u") else {
                if pendingHigh { return "a '\\u' escape holds half a surrogate pair" }
                index += 2
                continue
            }
            let unit = UInt16(String(decoding: scalar[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16) ?? 0
            switch unit {
            case 0xD800...0xDBFF:
                if pendingHigh { return "a '\\u' escape holds half a surrogate pair" }
                pendingHigh = true
            case 0xDC00...0xDFFF:
                if !pendingHigh { return "a '\\u' escape holds half a surrogate pair" }
                pendingHigh = false
            default:
                if pendingHigh { return "a '\\u' escape holds half a surrogate pair" }
            }
            index += 6
        }
        return pendingHigh ? "a '\\u' escape holds half a surrogate pair" : nil
    }

    /// The offset of the first byte that does not belong to well-formed UTF-8, or nil.
    private static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            guard lead >= 0x80 else {
                index += 1
                continue
            }
            // The length of the sequence and the range its second byte must lie in.
            let (length, second): (Int, ClosedRange<UInt8>) =
                switch lead {
                case 0xC2...0xDF: (2, 0x80...0xBF)
                case 0xE0: (3, 0xA0...0xBF)
                case 0xED: (3, 0x80...0x9F)
                case 0xE1...0xEF: (3, 0x80...0xBF)
                case 0xF0: (4, 0x90...0xBF)
                case 0xF1...0xF3: (4, 0x80...0xBF)
                case 0xF4: (4, 0x80...0x8F)
                default: (0, 0x80...0xBF)
                }
            guard length > 0, index + length <= bytes.count, second.contains(bytes[index + 1]),
                bytes[(index + 2)..<(index + length)].allSatisfy({ (0x80...0xBF).contains($0) })
            else { return index }
            index += length
        }
        return nil
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
