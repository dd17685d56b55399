#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a chart is drawn: its size in terminal cells and which glyphs and colours the terminal can show.
public struct ChartOptions: Sendable, Equatable {
    /// Total columns available for the chart, labels included (default 72).
    public var width: Int
    /// Rows of the plot area itself, without title, frame and tick lines (default 12).
    public var height: Int
    /// Braille dots, blocks and shades when true; 7-bit ASCII glyphs when false.
    public var unicode: Bool
    /// Titles, labels and names as they are written (any script, CJK two columns wide) when true; in 7-bit ASCII
    /// when false, for output that cannot carry more (a locale that is not UTF-8): accents dropped, other
    /// characters as escapes (`SafeText.asciiTransliterated`). `--ascii` chooses the glyphs, not this.
    public var unicodeLabels: Bool
    /// ANSI colour codes; only ever true on a TTY without NO_COLOR (the caller decides).
    public var color: Bool

    /// `unicodeLabels` defaults to `unicode`: ASCII options without more are 7-bit throughout.
    public init(width: Int = ChartOptions.defaultWidth, height: Int = ChartOptions.defaultHeight, unicode: Bool = true,
                unicodeLabels: Bool? = nil, color: Bool = false) {
        self.width = width
        self.height = height
        self.unicode = unicode
        self.unicodeLabels = unicodeLabels ?? unicode
        self.color = color
    }

    /// Charts never get narrower or shorter than this, so frames, ticks and legends always have room.
    public static let minimumWidth = 30
    public static let minimumHeight = 3
    /// Caps protect against absurd requests such as `set width=1e9`.
    public static let maximumWidth = 1000
    public static let maximumHeight = 500

    /// Width used when stdout is not a terminal and COLUMNS is unset, so piped output is reproducible.
    public static let defaultWidth = 72
    public static let defaultHeight = 12

    /// A notebook's output area (the Jupyter kernel, `nnlab check` re-running a notebook): `width` columns as
    /// transcripts have them, the default height, never colour (a notebook is a file, not a terminal).
    public static func notebook(width: Int = defaultWidth, unicode: Bool = true, unicodeLabels: Bool? = nil) -> ChartOptions {
        ChartOptions(width: width, height: defaultHeight, unicode: unicode, unicodeLabels: unicodeLabels, color: false)
    }

    /// From the environment: COLUMNS or ioctl(TIOCGWINSZ) on stdout for width, LANG/LC_ALL/LC_CTYPE containing
    /// UTF-8 for unicode glyphs and labels, isatty(stdout) && NO_COLOR unset for color. `asciiOverride` forces
    /// ASCII glyphs; labels stay as written where the locale can show them.
    public static func fromEnvironment(asciiOverride: Bool = false, widthOverride: Int? = nil) -> ChartOptions {
        let width = widthOverride ?? positiveEnvironmentValue("COLUMNS") ?? terminalSize().columns ?? defaultWidth
        let utf8 = localeIsUTF8(environment: environmentValue)
        let color = stdoutIsTerminal() && colorAllowed(environment: environmentValue)
        return ChartOptions(width: width, height: defaultHeight, unicode: !asciiOverride && utf8, unicodeLabels: utf8, color: color)
    }

    /// POSIX precedence: the first non-empty of LC_ALL, LC_CTYPE, LANG names the character set.
    static func localeIsUTF8(environment: (String) -> String?) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment(name), !value.isEmpty else { continue }
            let lowered = value.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }
        return false
    }

    /// NO_COLOR (https://no-color.org) wins when set to anything non-empty; a dumb terminal cannot show colour.
    static func colorAllowed(environment: (String) -> String?) -> Bool {
        if let noColor = environment("NO_COLOR"), !noColor.isEmpty { return false }
        if environment("TERM") == "dumb" { return false }
        return true
    }

    private static func environmentValue(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }

    /// A positive whole number from the environment (COLUMNS, LINES); nil when unset or anything else.
    private static func positiveEnvironmentValue(_ name: String) -> Int? {
        guard let text = environmentValue(name), let value = Int(text), value > 0 else { return nil }
        return value
    }

    /// Rows of the terminal on stdout (LINES, else ioctl), for views that must fit on the screen; nil when unknown.
    public static func terminalRows() -> Int? {
        positiveEnvironmentValue("LINES") ?? terminalSize().rows
    }

    /// The size of the terminal on stdout from ioctl(TIOCGWINSZ); a side that is not known (no terminal, or
    /// reported as 0) is nil.
    private static func terminalSize() -> (rows: Int?, columns: Int?) {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        var size = winsize()
        let result = withUnsafeMutablePointer(to: &size) { pointer in
            ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), UnsafeMutableRawPointer(pointer))
        }
        guard result == 0 else { return (nil, nil) }
        return (size.ws_row > 0 ? Int(size.ws_row) : nil, size.ws_col > 0 ? Int(size.ws_col) : nil)
        #else
        return (nil, nil)
        #endif
    }

    private static func stdoutIsTerminal() -> Bool {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return isatty(STDOUT_FILENO) == 1
        #else
        return false
        #endif
    }
}
