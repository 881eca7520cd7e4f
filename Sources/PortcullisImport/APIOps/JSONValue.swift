import FoundationEssentials
import PortcullisDiagnostics
import PortcullisSupport

/// A JSON value as an information file holds it, read with Foundation's decoder and kept
/// as plain values so the tree can cross threads and be compared.
public enum JSONValue: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes`, or says why not, with the line and column where the parser stopped.
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, ParseFailure> {
        let data = Data(bytes)
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            // Foundation keeps one of a repeated key's values and its two parsers disagree on
            // which; so may Resource Manager and Portcullis, and `"secret": false` beside
            // `"secret": true` would then write a secret's value in clear.
            if let repeated = repeatedKey(in: bytes) { return .failure(ParseFailure(reason: repeated)) }
            return .success(value)
        }
        // The decoder says only that the data is not JSON; ``JSONSyntax`` says where.
        guard let (offset, problem) = JSONSyntax.firstProblem(in: bytes) else { return .failure(ParseFailure(reason: "it is not valid JSON")) }
        return .failure(ParseFailure(reason: located(problem, at: offset, in: bytes)))
    }

    /// Where an object of valid JSON `bytes` repeats a key, as a reason, or nil. Keys are
    /// compared as JSON reads them (escapes decoded) and in any letter case, as Resource
    /// Manager reads property names (`properties` beside `Properties`), each object's on
    /// their own.
    private static func repeatedKey(in bytes: [UInt8]) -> String? {
        // Per open bracket: the keys of an object so far (nil for an array), and whether
        // the next string is a key.
        var open: [(keys: Set<String>?, expectsKey: Bool)] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): open.append((Set<String>(), true))
            case UInt8(ascii: "["): open.append((nil, false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = open.popLast()
            case UInt8(ascii: ":"): if !open.isEmpty { open[open.count - 1].expectsKey = false }
            case UInt8(ascii: ","): if let last = open.last, last.keys != nil { open[open.count - 1].expectsKey = true }
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                if let last = open.last, last.expectsKey, last.keys != nil {
                    // Escapes decoded only where there are any: most keys have none.
                    let token = bytes[index...min(end, bytes.count - 1)]
                    let key =
                        token.contains(UInt8(ascii: "\\"))
                        ? (try? JSONDecoder().decode(String.self, from: Data(token))) ?? String(decoding: token, as: UTF8.self)
                        : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
                    if open[open.count - 1].keys!.insert(foldedName(key)).inserted == false {
                        return located("the key '\(DisplayText.escaped(key.utf8))' is given twice (letter case aside)", at: index, in: bytes)
                    }
                }
                index = end
            default: break
            }
            index += 1
        }
        return nil
    }

    /// `problem` led by the line and column of byte `offset`: "line 3, column 7: invalid value".
    private static func located(_ problem: String, at offset: Int, in bytes: [UInt8]) -> String {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.count(where: { $0 == 0x0A }) + 1
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        return "line \(line), column \(column): \(problem)"
    }

    /// A property name as Resource Manager compares names: letter case aside.
    static func foldedName(_ name: String) -> String {
        name.propertyNameFolded
    }

    struct ParseFailure: Error {
        let reason: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value of `key` in an object, its name in any letter case (``Swift/Dictionary/anyCase(_:)``).
    subscript(key: String) -> JSONValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.anyCase(key)
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// Null, or lists and objects holding nothing but that.
    var isEmpty: Bool {
        switch self {
        case .null: true
        case .array(let items): items.allSatisfy(\.isEmpty)
        case .object(let entries): entries.values.allSatisfy(\.isEmpty)
        case .string, .number, .bool: false
        }
    }

    var strings: [String]? {
        guard case .array(let items) = self else { return nil }
        let texts = items.compactMap(\.string)
        return texts.count == items.count ? texts : nil
    }
}

extension [String: JSONValue] {
    /// The value of `key`, its name in any letter case: Azure Resource Manager reads
    /// property names so, and so does the publisher. There is one at most: ``JSONValue/parse(_:)``
    /// refuses an object that gives a name twice, letter case aside.
    func anyCase(_ key: String) -> JSONValue? {
        if let exact = self[key] { return exact }
        let folded = JSONValue.foldedName(key)
        return first { JSONValue.foldedName($0.key) == folded }?.value
    }
}
