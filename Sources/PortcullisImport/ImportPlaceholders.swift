/// Stand-in values an import writes where the input says nothing usable, each reported as
/// something to replace.
enum ImportPlaceholders {
    /// A backend URL: a name that never resolves (RFC 6761), so a project nobody fixed
    /// cannot send traffic anywhere.
    static let backendURL = "https://backend.invalid"
}
