import ArgumentParser

/// `import`: from an existing APIM estate to definitions. The APIOps tree is the usual way
/// in, so it is the subcommand a bare `import DIR` runs.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn an existing APIM estate into Portcullis definitions.",
        subcommands: [ImportAPIOps.self, ImportOpenAPI.self],
        defaultSubcommand: ImportAPIOps.self)
}
