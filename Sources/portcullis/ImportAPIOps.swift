import ArgumentParser

struct ImportAPIOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiops", abstract: "Turn an APIOps extractor tree into Portcullis definitions.")

    @Argument(help: "The APIOps artifact folder (the extractor's output).")
    var tree: String

    @Option(help: "The folder to write the definitions to: new or empty.")
    var out: String

    func run() throws {
        throw ValidationError("not built yet")
    }
}
