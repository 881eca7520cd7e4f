/// The tool's identity, as bundles and reports record it.
public enum ToolInfo {
    public static let name = "portcullis"
    /// The one place the version is written: `--version`, bundles and SARIF read it, and
    /// a test holds CHANGELOG.md's newest entry and the README's pre-commit `rev` to it.
    public static let version = "0.3.0"
    /// Where reports send readers for the rules' documentation.
    public static let informationURI = "https://github.com/portcullis-dev/portcullis"
}
