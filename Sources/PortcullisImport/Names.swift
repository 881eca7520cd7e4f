import PortcullisModel

/// Makes names the language accepts out of text written for people or other tools (titles,
/// file names, operationIds), and keeps the names of one kind apart. What it makes is valid
/// in every name form: a gateway's, a resource's and a route id.
public struct NameMaker: Sendable {
    /// The longest name made: the narrowest limit of the names it makes for (the gateway's,
    /// environments'; resource names and route ids may be longer).
    public static let limit = 64

    private var taken: Set<String> = []
    /// By name asked for, the number its next copy tries first: a thousand operations
    /// sharing one operationId would otherwise each try every number taken before them.
    private var nextNumber: [String: Int] = [:]

    public init() {}

    /// Lowercase ASCII letters and digits, a hyphen between words (`getPetById` becomes
    /// `get-pet-by-id`) and for every run of other characters, none at either end, at most
    /// ``limit`` bytes; nil when no letter or digit is left.
    public static func name(from text: String) -> String? {
        var bytes: [UInt8] = []
        var previous: UInt8 = 0
        for byte in text.utf8 {
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isUpper || isLower || isDigit {
                let startsWord = isUpper && ((previous >= 0x61 && previous <= 0x7A) || (previous >= 0x30 && previous <= 0x39))
                if startsWord, bytes.last.map({ $0 != 0x2D }) ?? false { bytes.append(0x2D) }
                bytes.append(isUpper ? byte + 0x20 : byte)
            } else if let last = bytes.last, last != 0x2D {
                bytes.append(0x2D)
            }
            previous = byte
        }
        return trimmed(bytes.prefix(limit))
    }

    /// `name` when no earlier call took it, else the first of `name-2`, `name-3`, ... that
    /// is free, shortened to stay within ``limit``; the result is taken.
    public mutating func unique(_ name: String) -> String {
        var candidate = name
        var number = nextNumber[name] ?? 1
        while taken.contains(candidate) {
            number += 1
            let suffix = Array("-\(number)".utf8)
            candidate = (Self.trimmed(Array(name.utf8).prefix(Self.limit - suffix.count)) ?? "") + String(decoding: suffix, as: UTF8.self)
        }
        nextNumber[name] = number
        taken.insert(candidate)
        return candidate
    }

    /// Takes `name` as it is, for names kept from the input; false when it is taken already.
    public mutating func claim(_ name: String) -> Bool {
        taken.insert(name).inserted
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String? {
        let kept = bytes.drop { $0 == 0x2D }.reversed().drop { $0 == 0x2D }.reversed()
        return kept.isEmpty ? nil : String(decoding: kept, as: UTF8.self)
    }
}

extension NameMaker {
    /// Whether `text` can name an APIM resource (an API, a product) as it is, such as a
    /// name the command line gives.
    public static func isResourceName(_ text: String) -> Bool { Grammar.isResourceName(text) }
}
