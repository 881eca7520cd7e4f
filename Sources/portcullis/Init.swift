import ArgumentParser
import FoundationEssentials
import PortcullisCompiler

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a small, commented starter project that lints clean and builds; never overwrites.")

    @Argument(help: "The project folder, created when missing.")
    var directory: String = "."

    func run() throws {
        try runDriver {
            let written = try StarterProject.write(into: directory)
            let lines = written.map { "portcullis: wrote \($0)\n" }.joined()
                + "portcullis: next: portcullis lint \(directory), then portcullis build \(directory) --out bundle\n"
            FileSystem.writeText(lines, to: STDERR_FILENO)
        }
    }
}
