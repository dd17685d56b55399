import Basics
import Foundation
import Transcript

/// `nnlab kernel install`: the kernelspec that makes Jupyter (JupyterLab, VS Code, nbconvert, nbclient) offer
/// nnlab and start it with `nnlab kernel -f CONNECTION_FILE`: kernel.json and the logos.
public enum KernelSpec {
    public static let name = "nnlab"

    public enum Location: Equatable, Sendable {
        /// The user's Jupyter data directory ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter).
        case user
        /// PREFIX/share/jupyter (a virtual environment, a conda env, or a test's temporary directory).
        case prefix(String)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The directory the kernelspec goes into.
    public static func directory(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let data: String
        switch location {
        case .prefix(let prefix):
            data = (prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix) + "/share/jupyter"
        case .user:
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
                data = dir
            } else if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
                data = xdg + "/jupyter"
            } else {
                #if os(macOS)
                data = NSHomeDirectory() + "/Library/Jupyter"
                #else
                data = NSHomeDirectory() + "/.local/share/jupyter"
                #endif
            }
        }
        return data + "/kernels/" + name
    }

    /// kernel.json: how Jupyter starts the kernel (this very executable), what it is called, and that an
    /// interrupt is a message on the control channel (the kernel also takes SIGINT).
    public static func kernelJSON(executable: String) -> String {
        JSONValue.object([
            "argv": .array([.string(executable), .string("kernel"), .string("-f"), .string("{connection_file}")]),
            "display_name": .string("nnlab"),
            "language": .string(LanguageInfo.name),
            "interrupt_mode": .string("message"),
            "metadata": .object(["debugger": .bool(false)]),
        ]).serialized()
    }

    /// Writes the kernelspec; returns the directory written.
    public static func install(_ location: Location, executable: String = currentExecutable()) throws(Failure) -> String {
        let directory = directory(location)
        do throws(AtomicFile.WriteError) {
            try AtomicFile.createDirectories(directory)
        } catch {
            throw Failure(description: error.reason)
        }
        let files: [(String, [UInt8])] = [
            ("kernel.json", Array(kernelJSON(executable: executable).utf8)),
            ("logo-32x32.png", Array(Data(base64Encoded: logo32) ?? Data())),
            ("logo-64x64.png", Array(Data(base64Encoded: logo64) ?? Data())),
            ("logo-svg.svg", Array(logoSVG.utf8)),
        ]
        for (file, bytes) in files {
            do { try AtomicFile.write(bytes, to: directory + "/" + file) } catch { throw Failure(description: error.description) }
        }
        return directory
    }

    /// The absolute path of the running nnlab, so the kernelspec starts this build whatever PATH holds.
    public static func currentExecutable() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let first = CommandLine.arguments.first ?? "nnlab"
        if first.hasPrefix("/") { return first }
        if first.contains("/") { return FileManager.default.currentDirectoryPath + "/" + first }
        return first
    }

    // A network of 2-3-2 nodes on a dark square (orange inputs and hidden units, blue outputs).
    static let logo32 = """
        iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAABrElEQVR42mNggAJ5TXN+IK4H4vtA/J9G+D7UDn4GZAAU0Afi9zS0
        GB2D7NJH9jk9LUd2BD8DNEj+DxCuZyA3zkOt9f4vD1cCYxCb3DTBQK7lP4vFUDC5jiDJAc7+8f/za/r/32zywHDAqSKL/15h6dRz
        gJWRERjrWrj/T8it/98ze/3/KYt3gDE2B4DEQHKtk5eT5BCsDgDFK8zg+/V2/2ctWAu3HITXTu/HcABIDFkNzCHKLtH/laz9iXdA
        nacGhuHHutNRDAfhzVNawb4GYRAbXb5vyZ7//tte/LfY+wOMDWcc/69g5EzYAYcS5DAcAAoFdAtgGDlqkHHCxjtwy2FYM7ObvBC4
        3BqE3RJg2giKy8cqh+x75FAg6AAdXZP/F1Jl4JY/qzHBSAOwOFYzsAfrKWuZTr0QgOGc2EiMhIWeEPcka4Dx0v52rGnAc8cb0tMA
        SnT0zMdpOaFcAMNNy4/8t4wuJq8gsnEPx2oovnIAHYMKLrJLwgF3wIBGwYAlwgHPhgNeEA3KopiuldGAV8eDokEyKJpk9GyUDniz
        fMA7JgPbNRvwzulAd88BiKu6qvcOvFsAAAAASUVORK5CYII=
        """.filter { !$0.isWhitespace }

    static let logo64 = """
        iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAADiklEQVR42u1bzWsTQRzdv0JEREvFUrUttYYYrNJAhaCHBoU0SrFG
        Sg0etIdCi6SmIPagRoo0kBoPqQjGD0qQClrEi4j1IETwLLl5qQcRD3qa5i2ZdrOZ3ZmQZLfdmcCDsJ/z3u9jfjM7o2k2v/2HjofL
        yJVRLIPsMBQrbQ9r9f4qxEs7kLQVSsJCVFQjHkWOR77gYfIUBRktb+8JlZgnkiFsFKAkoQAlma2/5QVuxf6Jvj4S6e/Rgf+u5QKn
        ixyQ/RjbR/5P7qoCjrkgRFFz8oUhfy9Zv7G7hjwFzuEaJ9vkqAAsy7M8wZMCwLI88hROeoFjAjy4EBAWIHmm0xsCdAdC5OLVaTK3
        kCef78eFBXibGCZnh+PbU4Cubh+3+0Ljp+5kSPrpu00sZ+aFBcC1uAfCtVoIrR7i+Wg7M2khZmHt2PVZknpcqCJuxK+bh7nkcY35
        vlYKoYmS/za+17LRf6bayLPsI0vi9XgBtT4LLCEOnB4hnbFZHfjfEgHejLRxG/5zxscVgIrA8gQcsyNvFiI4liC+lyUS+PCvCkcX
        10h7f7h5AiDORWN3JT1X1VCEA8ICVjOTwLXZS36yEOmpuY+H2/lP5NT7vzXkKfwr68IicAVAshMVAJkeDUQCNLqqOSHSa+h5iMQi
        OjEzz8wpg6u/LckbPcFxAdB9IRka7z8/OsEk5xvYslBH74Du1uZrkqmcfg5dKRVi+tVXLnkKES/QmlnBwZVhWSoCGs+yICxufs/J
        UJQpFMjTZ+H/6POisAAHh+LNSYIiNTx6guzSclXD4cKsBAYyrPdYhQL1FoRVdGnNeQF4ozhWArTCYPiy5XvsQoEedzwEjCL8uLaH
        afnVhwkh8vAI3nusQsG1JGjGWLCLpIY69C4MxI1uz4Mx9iEoBj2AefTH6jWM4HkBukHRoqihwRCvoSws3rvLrCpxbDxyjhkCLNx6
        8YXpCceefK+rItQaHe3VQx7lMkKm0ZLa7A1HJjM6WlYK2wHZXrSxKJebVVKbu0lX5wPs3BaJD1kclhWtJ6gX4Ll2z8Zzt8WEiFXm
        Nvb56VhQWIDXySubpbRdr2CsJpUAKgRcEkDqJCh9NyhlISRtKSz1YEj64bDUEyLST4lJPykq/bS49B9GpP80pj6Oqs/jaoGEWiKj
        FkmpZXJqoaSnl8pKv1ha+uXycm+YkH7LjNo0pbbNqY2Tauus2jwt8fb5DacroWKyMOD3AAAAAElFTkSuQmCC
        """.filter { !$0.isWhitespace }

    static let logoSVG = """
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
        <rect width="64" height="64" rx="11.5" fill="#1f2937"/>
        <g stroke="#94a3b8" stroke-width="1.5">
        <line x1="14.1" y1="21.1" x2="32" y2="14.1"/>
        <line x1="14.1" y1="21.1" x2="32" y2="32"/>
        <line x1="14.1" y1="21.1" x2="32" y2="49.9"/>
        <line x1="14.1" y1="42.9" x2="32" y2="14.1"/>
        <line x1="14.1" y1="42.9" x2="32" y2="32"/>
        <line x1="14.1" y1="42.9" x2="32" y2="49.9"/>
        <line x1="32" y1="14.1" x2="49.9" y2="23"/>
        <line x1="32" y1="14.1" x2="49.9" y2="41"/>
        <line x1="32" y1="32" x2="49.9" y2="23"/>
        <line x1="32" y1="32" x2="49.9" y2="41"/>
        <line x1="32" y1="49.9" x2="49.9" y2="23"/>
        <line x1="32" y1="49.9" x2="49.9" y2="41"/>
        </g>
        <circle cx="14.1" cy="21.1" r="5.4" fill="#f97316"/>
        <circle cx="14.1" cy="42.9" r="5.4" fill="#f97316"/>
        <circle cx="32" cy="14.1" r="5.4" fill="#f97316"/>
        <circle cx="32" cy="32" r="5.4" fill="#f97316"/>
        <circle cx="32" cy="49.9" r="5.4" fill="#f97316"/>
        <circle cx="49.9" cy="23" r="5.4" fill="#38bdf8"/>
        <circle cx="49.9" cy="41" r="5.4" fill="#38bdf8"/>
        </svg>

        """
}
