import Foundation

/// JSON as Portcullis writes it everywhere: sorted keys, indentation, no escaped slashes,
/// a final newline, so equal values always give equal bytes.
public enum StableJSON {
    public static func encode<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Every value encoded here is made of strings, numbers, booleans and arrays of
        // them, which cannot fail to encode.
        let data = try! encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
