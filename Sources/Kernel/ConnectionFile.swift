import Basics
import Foundation
import Transcript

/// The connection file a Jupyter client writes before starting the kernel: where to bind each channel and the
/// key that signs every message.
public struct ConnectionInfo: Equatable, Sendable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC key; empty means messages are not signed (Jupyter's "no authentication").
    public var key: [UInt8]
    public var signatureScheme: String

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ path: String) throws(Failure) -> ConnectionInfo {
        let data: [UInt8]
        do throws(FileContents.ReadError) {
            data = try FileContents.read(path, limit: 1 << 20)
        } catch {
            if case .tooLarge = error.kind { throw Failure(description: "connection file '\(path)' is too large for one") }
            throw Failure(description: "cannot read connection file '\(path)': \(error.reason)")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw Failure(description: "connection file '\(path)' is not JSON: \(error)")
        }
        return try ConnectionInfo(json, file: path)
    }

    init(_ json: JSONValue, file: String) throws(Failure) {
        func port(_ name: String) throws(Failure) -> Int {
            guard let value = json[name]?.intValue, (0...65535).contains(value) else {
                throw Failure(description: "connection file '\(file)': \"\(name)\" is missing or not a port number")
            }
            return value
        }
        transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw Failure(description: "connection file '\(file)': transport \"\(transport)\" is not tcp or ipc")
        }
        ip = json["ip"]?.stringValue ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = Array((json["key"]?.stringValue ?? "").utf8)
        signatureScheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" else {
            throw Failure(description: "connection file '\(file)': signature scheme \"\(signatureScheme)\" is not supported (hmac-sha256 is)")
        }
    }

    /// The ZeroMQ endpoint of a channel, as jupyter_client forms it ("tcp://127.0.0.1:5555", "ipc://path-1").
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port == 0 ? "*" : String(port))"
    }
}
