import Basics
import XCTest
import Hashing
import Transcript
@testable import Kernel

/// The wire format without sockets: signing, checking, framing; the connection file; the kernelspec.
final class ProtocolTests: XCTestCase {
    func frames(_ session: Session, type: String = "kernel_info_request", key: [UInt8]? = nil) -> [[UInt8]] {
        let message = Message(identities: [Array("client".utf8)],
                              header: .object(["msg_id": .string(UUID().uuidString), "msg_type": .string(type)]),
                              parentHeader: .object([:]), metadata: .object([:]), content: .object(["code": .string("print 1")]))
        return Session(key: key ?? session.key).encode(message)
    }

    func testSignedMessagesRoundTrip() throws {
        let session = Session(key: Array("k".utf8))
        let frames = frames(session)
        XCTAssertEqual(frames[0], Array("client".utf8))
        XCTAssertEqual(frames[1], Session.delimiter)
        XCTAssertEqual(frames[2].count, 64, "hex HMAC-SHA256")
        XCTAssertEqual(frames[2], Array(Hex.encode(HMACSHA256.code(key: Array("k".utf8), parts: Array(frames[3...6]))).utf8))
        let decoded = try session.decode(frames)
        XCTAssertEqual(decoded.type, "kernel_info_request")
        XCTAssertEqual(decoded.identities, [Array("client".utf8)])
        XCTAssertEqual(decoded.content["code"], .string("print 1"))
    }

    func testWhatIsDropped() {
        let session = Session(key: Array("k".utf8))
        func reason(_ frames: [[UInt8]]) -> String? {
            do { _ = try session.decode(frames); return nil } catch { return error.description }
        }
        XCTAssertEqual(reason(frames(session, key: Array("other".utf8))), "bad signature (not signed with this kernel's key)")
        let good = frames(session)
        XCTAssertNil(reason(good))
        XCTAssertEqual(reason(good), "a signature seen before (a replayed message)")
        XCTAssertEqual(reason([Array("x".utf8)]), "no <IDS|MSG> delimiter")
        XCTAssertEqual(reason([Session.delimiter, []]), "1 frames after the delimiter, at least 5 needed")
        var tampered = frames(session)
        tampered[6] = Array("{\"code\": \"evil\"}".utf8)
        XCTAssertEqual(reason(tampered), "bad signature (not signed with this kernel's key)")
        // Without a key, nothing is signed or checked (Jupyter's "no authentication").
        let open = Session(key: [])
        XCTAssertNil((try? open.decode(frames(open))).map { _ in nil } ?? "failed")
        XCTAssertEqual(frames(open)[2], [])
    }

    func testConnectionFiles() throws {
        let json = try JSONValue.parse(#"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256"}"#)
        let info = try ConnectionInfo(json, file: "c.json")
        XCTAssertEqual(info.endpoint(info.controlPort), "tcp://127.0.0.1:4")
        XCTAssertEqual(info.key, Array("abc".utf8))
        XCTAssertEqual(ConnectionInfo.Failure(description: "x").description, "x")
        XCTAssertThrowsError(try ConnectionInfo(try JSONValue.parse(#"{"shell_port": 1}"#), file: "c.json")) {
            XCTAssertEqual("\($0)", "connection file 'c.json': \"iopub_port\" is missing or not a port number")
        }
        var members = json.objectValue ?? [:]
        members["signature_scheme"] = .string("hmac-md5")
        XCTAssertThrowsError(try ConnectionInfo(.object(members), file: "c.json"))
        members["signature_scheme"] = .string("hmac-sha256")
        members["transport"] = .string("ipc")
        XCTAssertEqual(try ConnectionInfo(.object(members), file: "c.json").endpoint(3), "ipc://127.0.0.1-3")
        XCTAssertThrowsError(try ConnectionInfo.read("/nonexistent/connection.json"))
    }

    func testKernelspec() throws {
        let json = try JSONValue.parse(KernelSpec.kernelJSON(executable: "/opt/nnlab"))
        XCTAssertEqual(json["argv"], .array(["/opt/nnlab", "kernel", "-f", "{connection_file}"].map { .string($0) }))
        XCTAssertEqual(json["interrupt_mode"], .string("message"))
        XCTAssertEqual(KernelSpec.directory(.prefix("/p/")), "/p/share/jupyter/kernels/nnlab")
        XCTAssertEqual(KernelSpec.directory(.user, environment: ["JUPYTER_DATA_DIR": "/d"]), "/d/kernels/nnlab")
        XCTAssertEqual(KernelSpec.directory(.user, environment: ["XDG_DATA_HOME": "/x"]), "/x/jupyter/kernels/nnlab")
    }
}
