import Foundation

/// A JSON value as an information file holds it, read with Foundation's decoder and kept
/// as plain values so the tree can cross threads and be compared.
public enum JSONValue: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes`, or says why not (the parser's message names the place).
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, ParseFailure> {
        do {
            return .success(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)))
        } catch DecodingError.dataCorrupted(let context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return .failure(ParseFailure(reason: underlying ?? context.debugDescription))
        } catch {
            return .failure(ParseFailure(reason: "it is not valid JSON"))
        }
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

    subscript(key: String) -> JSONValue? {
        if case .object(let entries) = self { return entries[key] }
        return nil
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
