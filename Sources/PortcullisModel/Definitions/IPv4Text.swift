/// The written forms of an `ipFilter` entry: one address (`203.0.113.7`), a range
/// (`203.0.113.1-203.0.113.50`) or a CIDR block (`10.0.0.0/8`), which is converted to
/// the `address-range` APIM's `ip-filter` takes.
enum IPv4Text {
    struct Invalid: Error {
        let reason: String
    }

    static func range(_ text: String) -> Result<IPv4Range, Invalid> {
        if text.contains(":") {
            return .failure(Invalid(reason: "IPv6 is not accepted: Microsoft's ip-filter reference documents IPv4 addresses only"))
        }
        if let slash = text.firstIndex(of: "/") {
            guard let network = address(text[..<slash]) else { return .failure(badAddress) }
            let prefixText = text[text.index(after: slash)...]
            guard let prefix = Int(prefixText), prefixText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), (0...32).contains(prefix)
            else { return .failure(Invalid(reason: "a CIDR prefix length is a number from 0 to 32")) }
            let hostMask: UInt32 = prefix == 0 ? .max : (UInt32(1) << (32 - prefix)) &- 1
            guard network & hostMask == 0 else {
                return .failure(Invalid(reason: "the block has host bits set; its network is '\(IPv4Range.text(network & ~hostMask))/\(prefix)'"))
            }
            return .success(IPv4Range(first: network, last: network | hostMask))
        }
        if let dash = text.firstIndex(of: "-") {
            guard let first = address(text[..<dash]), let last = address(text[text.index(after: dash)...]) else {
                return .failure(badAddress)
            }
            guard first <= last else { return .failure(Invalid(reason: "a range starts at its lower address")) }
            return .success(IPv4Range(first: first, last: last))
        }
        guard let single = address(Substring(text)) else { return .failure(badAddress) }
        return .success(IPv4Range(first: single, last: single))
    }

    private static let badAddress = Invalid(
        reason: "write an IPv4 address ('203.0.113.7'), a range ('203.0.113.1-203.0.113.50') or a CIDR block ('10.0.0.0/8'); octets are 0 to 255 without leading zeros")

    /// Four decimal octets; a leading zero is refused, since some readers take it for octal.
    private static func address(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.utf8.count <= 3, octet.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                octet == "0" || !octet.hasPrefix("0"), let number = UInt32(octet), number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }
}
