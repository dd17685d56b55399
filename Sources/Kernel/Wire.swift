import Basics
import Foundation
import Hashing
import Transcript

/// One message of the Jupyter messaging protocol (5.3), as received or to be sent.
struct Message {
    /// The routing prefix a ROUTER socket adds; replies go back with the same.
    var identities: [[UInt8]] = []
    var header: JSONValue
    var parentHeader: JSONValue
    var metadata: JSONValue
    var content: JSONValue
    var buffers: [[UInt8]] = []

    var type: String { header["msg_type"]?.stringValue ?? "" }
    var id: String { header["msg_id"]?.stringValue ?? "" }
}

/// Why a received message was dropped.
enum ProtocolError: Error, CustomStringConvertible {
    case noDelimiter
    case tooFewFrames(Int)
    case badSignature
    case replayedSignature
    case notJSON(part: String, JSONError)
    case notAnObject(part: String)
    case noType

    var description: String {
        switch self {
        case .noDelimiter: return "no <IDS|MSG> delimiter"
        case .tooFewFrames(let n): return "\(n) frames after the delimiter, at least 5 needed"
        case .badSignature: return "bad signature (not signed with this kernel's key)"
        case .replayedSignature: return "a signature seen before (a replayed message)"
        case .notJSON(let part, let error): return "\(part) is not JSON: \(error)"
        case .notAnObject(let part): return "\(part) is not a JSON object"
        case .noType: return "the header has no msg_type"
        }
    }
}

/// Signs, checks, encodes and decodes messages for one kernel session (jupyter_client's `Session`).
final class Session {
    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"
    /// How many signatures are remembered to refuse a replayed message (jupyter_client keeps as many).
    static let signatureMemory = 1 << 16

    let key: [UInt8]
    let id = UUID().uuidString.lowercased()
    private var seenSignatures = Set<[UInt8]>()
    private var signatureOrder: [[UInt8]] = []
    private let dateFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()

    init(key: [UInt8]) { self.key = key }

    /// Frames in, message out; a message that is not well formed or not signed with our key is an error.
    func decode(_ frames: [[UInt8]]) throws(ProtocolError) -> Message {
        guard let split = frames.firstIndex(of: Session.delimiter) else { throw .noDelimiter }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw .tooFewFrames(rest.count) }
        let signed = Array(rest[1...4])
        if !key.isEmpty {
            guard HMACSHA256.isValid(hexSignature: rest[0], key: key, parts: signed) else { throw .badSignature }
            guard !seenSignatures.contains(rest[0]) else { throw .replayedSignature }
            remember(rest[0])
        }
        func object(_ bytes: [UInt8], _ part: String) throws(ProtocolError) -> JSONValue {
            let value: JSONValue
            do { value = try JSONValue.parse(bytes) } catch { throw .notJSON(part: part, error) }
            guard case .object = value else { throw .notAnObject(part: part) }
            return value
        }
        let header = try object(signed[0], "header")
        guard header["msg_type"]?.stringValue != nil else { throw .noType }
        return Message(identities: Array(frames[..<split]), header: header, parentHeader: try object(signed[1], "parent header"),
                       metadata: try object(signed[2], "metadata"), content: try object(signed[3], "content"),
                       buffers: Array(rest.dropFirst(5)))
    }

    private func remember(_ signature: [UInt8]) {
        seenSignatures.insert(signature)
        signatureOrder.append(signature)
        if signatureOrder.count > Session.signatureMemory {
            let forget = signatureOrder.prefix(Session.signatureMemory / 2)
            for s in forget { seenSignatures.remove(s) }
            signatureOrder.removeFirst(forget.count)
        }
    }

    /// A new message of `type` in reply to (or caused by) `parent`.
    func message(_ type: String, content: JSONValue, parent: Message?, metadata: JSONValue = .object([:])) -> Message {
        let header: JSONValue = .object([
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(id),
            "username": .string("nnlab"),
            "date": .string(dateFormatter.string(from: Date())),
            "msg_type": .string(type),
            "version": .string(Session.protocolVersion),
        ])
        return Message(identities: parent?.identities ?? [], header: header,
                       parentHeader: parent?.header ?? .object([:]), metadata: metadata, content: content)
    }

    /// The frames of `message`: routing identities, delimiter, signature, the four JSON parts.
    func encode(_ message: Message, topic: String? = nil) -> [[UInt8]] {
        let parts = [message.header, message.parentHeader, message.metadata, message.content].map { Array($0.compact().utf8) }
        let signature = key.isEmpty ? [] : Array(Hex.encode(HMACSHA256.code(key: key, parts: parts)).utf8)
        let prefix = topic.map { [Array($0.utf8)] } ?? message.identities
        return prefix + [Session.delimiter, signature] + parts + message.buffers
    }
}
