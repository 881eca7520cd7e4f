import PortcullisDiagnostics

extension SourceFiles {
    /// A path a definition writes (`policy`, `openapi`), relative to its own file, as reports
    /// show paths: resolved against the folder of `file` without touching the disk, so it
    /// can only ever be looked up among the run's files.
    func path(_ relative: String, besides file: FileID) -> String {
        var parts = path(of: file).split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for part in relative.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != "..", last != "" {
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
